// The labels the camera's sign shows for each legal ground are docs/POLICY.md's table, word for
// word, and each English label fits the 128-px sign (16 Latin characters); a code outside 1-9 is
// refused by name. The sign's pixels are signage.test.ts's; what a ground means in a report is
// record-code-names.test.ts's.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { LEGAL_GROUNDS, legalGround } from '../../firmware/policy/legal-grounds.js';

function documentedLabels(): { code: number; ko: string; en: string }[] {
  const text = fs.readFileSync('docs/POLICY.md', 'utf8');
  const section = text.slice(text.indexOf('## Legal grounds (Art. 10-5(1))'));
  const rows = section.split('\n').filter((line) => /^\| \d \|/.test(line));
  return rows.map((row) => {
    const [code, ko, en] = row.split('|').slice(1, 4).map((cell) => cell.trim());
    return { code: Number(code), ko: ko!, en: en! };
  });
}

describe('the legal grounds as the sign shows them', () => {
  it('are docs/POLICY.md\'s nine labels, Korean and English, in code order', () => {
    assert.deepEqual(LEGAL_GROUNDS.map((g) => ({ ...g })), documentedLabels());
    assert.equal(LEGAL_GROUNDS.length, 9);
  });

  it('fit the sign: at most 16 Latin characters', () => {
    for (const ground of LEGAL_GROUNDS) assert.ok(ground.en.length <= 16, `${ground.code}: "${ground.en}" is ${ground.en.length} characters`);
  });

  it('are found by code, and a code that is not a ground is refused naming the article', () => {
    for (let code = 1; code <= 9; code++) assert.equal(legalGround(code), LEGAL_GROUNDS[code - 1]);
    for (const code of [0, 10, -1, 1.5]) {
      assert.throws(() => legalGround(code), new RangeError(`legal ground ${code} does not exist: Art. 10-5(1) has grounds 1 to 9`));
    }
  });
});
