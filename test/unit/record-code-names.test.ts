// The names reports print for the chain's codes are the ones docs/FORMAT.md section 11 gives,
// code for code, so an outside verifier reading the spec and a court reading a report see the
// same words. Written for the mutants that survived the format's mutation run (docs/MUTATION.md).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import {
  CARD_CONDITIONS, CLOCK_SOURCES, DOCK_PHASES, LEGAL_GROUNDS, LOSS_REASONS, MEDIA_TYPES, NOTICE_INDICATORS, NOTICE_REASONS,
  RESET_REASONS, START_MODES, STOP_REASONS, isKnownCode,
} from '../../firmware/format/record-codes.js';

const format = readFileSync(new URL('../../docs/FORMAT.md', import.meta.url), 'utf8');

/** "0 name · 1 name · ..." under a section 11 heading, as { code: name }. */
function documented(heading: string): Record<number, string> {
  const start = format.indexOf(`### ${heading}`);
  assert.ok(start >= 0, `docs/FORMAT.md has no "### ${heading}"`);
  const body = format.slice(format.indexOf('\n', start) + 1, format.indexOf('\n\n', start));
  const codes: Record<number, string> = {};
  for (const item of body.replace(/\s+/g, ' ').replace(/\.$/, '').split(' · ')) {
    const match = /^(\d+) (.+)$/.exec(item.trim());
    assert.ok(match, `docs/FORMAT.md ${heading}: "${item}" is not "CODE name"`);
    codes[Number(match[1])] = match[2]!;
  }
  return codes;
}

describe('record code names', () => {
  it('legal grounds, notice reasons and reset reasons are named as docs/FORMAT.md section 11 names them', () => {
    assert.deepEqual({ ...LEGAL_GROUNDS }, documented('11.1 Legal grounds'));
    assert.deepEqual({ ...NOTICE_REASONS }, documented('11.2 Notice reasons'));
    assert.deepEqual({ ...RESET_REASONS }, documented('11.3 Reset reasons'));
  });

  it('the event codes reports and exports print are named as docs/FORMAT.md section 11 names them', () => {
    assert.deepEqual({ ...START_MODES }, documented('11.5 Start modes'));
    assert.deepEqual({ ...STOP_REASONS }, documented('11.6 Stop reasons'));
    assert.deepEqual({ ...DOCK_PHASES }, documented('11.7 Dock session phases'));
    assert.deepEqual({ ...CLOCK_SOURCES }, documented('11.8 Clock sources'));
    assert.deepEqual({ ...LOSS_REASONS }, documented('11.9 Loss reasons'));
    assert.deepEqual({ ...CARD_CONDITIONS }, documented('11.10 Card conditions'));
  });

  it('the notice indicator bits are named as docs/FORMAT.md section 11.4 names them', () => {
    const bits = Object.fromEntries(Object.entries(NOTICE_INDICATORS).map(([name, bit]) => [bit, name]));
    assert.deepEqual(bits, documented('11.4 Notice indicators'));
  });

  it('media types carry the name and exported file extension section 11.11 gives', () => {
    const names: Record<number, { name: string; extension: string }> = {};
    for (const [code, entry] of Object.entries(documented('11.11 Media types'))) {
      const match = /^(.+) \(\.(\w+)\)$/.exec(entry);
      assert.ok(match, `docs/FORMAT.md 11.11: "${entry}" is not "name (.extension)"`);
      names[Number(code)] = { name: match[1]!, extension: match[2]! };
    }
    assert.deepEqual(Object.fromEntries(Object.entries(MEDIA_TYPES).map(([code, type]) => [code, { ...type }])), names);
  });

  it('a code is known only if its table has it, not by inheritance', () => {
    assert.equal(isKnownCode(NOTICE_REASONS, 9), true);
    assert.equal(isKnownCode(NOTICE_REASONS, 5), false);
    assert.equal(isKnownCode(NOTICE_REASONS, 'toString' as unknown as number), false);
  });
});
