// The bench commands' bytes as docs/PROTOCOL.md section 3.1 gives them, built here from its tables:
// the status result, a press sequence, ticks, the journal argument and page with each entry field
// at its offset; a cut names the field it stops in, a byte too many names the result; each limit
// (1-60000 ms, 16 presses, 20 entries, 255 bytes of problem text) at its edge; and the codes the
// tables give. Written for the mutants that survived the format's mutation run (docs/MUTATION.md).
import assert from 'node:assert/strict';
import {
  BENCH_COMMAND, BENCH_STATUS, JOURNAL_FLAG, JOURNAL_KIND, SIGN_COLOURS, SIGN_SCREEN, decodeBenchProblem, decodeBenchStatus,
  decodeJournalArgument, decodeJournalPage, decodePressArgument, decodeTicks, encodeBenchProblem, encodeBenchStatus,
  encodeJournalArgument, encodeJournalPage, encodePressArgument, encodeTicks, writeJournalEntry, type BenchStatus,
} from '../../firmware/format/bench-messages.js';

const u16 = (v: number) => [v >>> 8, v & 0xff];
const u32 = (v: number) => [v >>> 24, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff];
const text = (s: string) => [Buffer.byteLength(s), ...Buffer.from(s)];
type Field = [name: string, bytes: number[]];

/** Cutting `bytes` where each field starts gives "truncated: NAME needs N bytes at offset O, 0 left". */
function assertCutsNamed(decode: (bytes: Uint8Array) => unknown, fields: Field[]): void {
  const bytes = Uint8Array.from(fields.flatMap(([, b]) => b));
  let offset = 0;
  for (const [name, field] of fields) {
    assert.throws(() => decode(bytes.subarray(0, offset)), { message: `truncated: ${name} needs ${field.length} bytes at offset ${offset}, 0 left` }, name);
    offset += field.length;
  }
}

const status: BenchStatus = {
  ticks: 0x01020304, journalNext: 300, journalCapacity: 256, recorderState: 'off', signWidth: 320, signHeight: 240, signColour: 2,
  board: 'esp32s3-cam', profile: 'kr-2024',
};
const statusFields: Field[] = [
  ['ticks', u32(0x01020304)], ['journal next', u32(300)], ['journal capacity', u16(256)], ['recorder state', [0]],
  ['sign width', u16(320)], ['sign height', u16(240)], ['sign colour', [2]], ['board name length', [11]], ['board name', [...Buffer.from('esp32s3-cam')]],
  ['profile length', [7]], ['profile', [...Buffer.from('kr-2024')]],
];

describe('bench message layouts (docs/PROTOCOL.md section 3.1)', () => {
  it('the codes are those of the section 3.1 tables', () => {
    assert.deepEqual({ ...BENCH_COMMAND }, { echo: 0x01, status: 0x02, press: 0x03, journal: 0x04, selfTest: 0x05 });
    assert.deepEqual({ ...BENCH_STATUS }, { ok: 0, unknownCommand: 1, badArgument: 2, refused: 3 });
    assert.deepEqual({ ...JOURNAL_KIND }, { led: 0x01, tone: 0x02, sign: 0x03, recordingStart: 0x10, recordingStop: 0x11, noticeFailure: 0x12, groundUnconfirmed: 0x13, groundChange: 0x14 });
    assert.deepEqual({ ...JOURNAL_FLAG }, { driverFailed: 0x01, elapsedOnly: 0x02 });
    assert.deepEqual({ ...SIGN_SCREEN }, { ready: 1, recording: 2, noticeNotGiven: 3, lowStorage: 4, choice: 5, unprovisioned: 6, card: 7 });
    assert.deepEqual({ ...SIGN_COLOURS }, { none: 0, monochrome: 1, rgb565: 2 });
  });

  it('the status result is its table row byte for byte, the recorder state "off" included', () => {
    assert.deepEqual(encodeBenchStatus(status), Uint8Array.from(statusFields.flatMap(([, b]) => b)));
    assert.deepEqual(decodeBenchStatus(encodeBenchStatus(status)), status);
    assert.throws(() => encodeBenchStatus({ ...status, recorderState: 'flying' as never }), { message: 'unknown recorder state flying' });
    assertCutsNamed(decodeBenchStatus, statusFields);
    assert.throws(() => decodeBenchStatus(Uint8Array.of(...encodeBenchStatus(status), 0)), { message: 'bench status has 1 unexpected trailing bytes' });
  });

  it('a press holds 1 to 60000 ms and releases 1 to 60000 ms between presses, 16 presses at most', () => {
    const gap = (gapMs: number) => encodePressArgument(100, [{ gapMs, holdMs: 100 }]);
    const hold = (holdMs: number) => encodePressArgument(holdMs);
    for (const ms of [1, 60_000]) {
      assert.deepEqual(hold(ms), Uint8Array.of(...u16(ms)));
      assert.deepEqual(gap(ms), Uint8Array.of(...u16(100), ...u16(ms), ...u16(100)));
      assert.deepEqual(decodePressArgument(gap(ms)), [{ gapMs: 0, holdMs: 100 }, { gapMs: ms, holdMs: 100 }]);
    }
    for (const ms of [0, 60_001]) {
      assert.throws(() => hold(ms), { message: `a bench press holds the button 1-60000 ms, not ${ms}` });
      assert.throws(() => gap(ms), { message: `a bench press sequence releases the button 1-60000 ms between presses, not ${ms}` });
      assert.throws(() => decodePressArgument(Uint8Array.of(...u16(100), ...u16(ms), ...u16(100))),
        { message: `a bench press sequence releases the button 1-60000 ms between presses, not ${ms}` });
    }
    const fifteen = Array.from({ length: 15 }, () => ({ gapMs: 50, holdMs: 50 }));
    assert.equal(decodePressArgument(encodePressArgument(100, fifteen)).length, 16);
    assert.throws(() => encodePressArgument(100, [...fifteen, { gapMs: 50, holdMs: 50 }]), { message: 'a bench press sequence has at most 16 presses, not 17' });
    assert.throws(() => decodePressArgument(Uint8Array.of(...encodePressArgument(100, fifteen), ...u16(50), ...u16(50))), { message: 'a bench press sequence has at most 16 presses' });
  });

  it('a press argument is a hold, then gap and hold pairs: other lengths are named', () => {
    assert.throws(() => decodePressArgument(new Uint8Array(0)), { message: 'truncated: hold ms needs 2 bytes at offset 0, 0 left' });
    assert.throws(() => decodePressArgument(Uint8Array.of(1)), { message: 'truncated: hold ms needs 2 bytes at offset 0, 1 left' });
    for (const length of [3, 4, 5, 7]) {
      assert.throws(() => decodePressArgument(new Uint8Array(length).fill(1)),
        { message: `press argument of ${length} bytes: it is a hold (2 bytes), then a gap and a hold (4 bytes) for each further press` });
    }
  });

  it('ticks and the journal argument are one u32, and nothing after it', () => {
    for (const [encode, decode, name, result] of [
      [encodeTicks, decodeTicks, 'ticks', 'ticks result'], [encodeJournalArgument, decodeJournalArgument, 'from index', 'journal argument'],
    ] as const) {
      assert.deepEqual(encode(0xfffffffe), Uint8Array.of(0xff, 0xff, 0xff, 0xfe));
      assert.equal(decode(Uint8Array.of(0xff, 0xff, 0xff, 0xfe)), 0xfffffffe);
      assert.throws(() => decode(new Uint8Array(3)), { message: `truncated: ${name} needs 4 bytes at offset 0, 3 left` });
      assert.throws(() => decode(new Uint8Array(5)), { message: `${result} has 1 unexpected trailing bytes` });
    }
  });

  it('a journal page is first, next, count and 12-byte entries with each field at its offset', () => {
    const page = encodeJournalPage(40, 42, 2, (k, view, offset) => writeJournalEntry(view, offset, 1000 + k, 0x03, 0x02, 5 + k, 9, 0x01020304));
    const entryFields = (k: number): Field[] => [['ticks', u32(1000 + k)], ['kind', [3]], ['flags', [2]], ['a', [5 + k]], ['b', [9]], ['value', u32(0x01020304)]];
    const fields: Field[] = [['first index', u32(40)], ['next index', u32(42)], ['count', [2]], ...entryFields(0), ...entryFields(1)];
    assert.deepEqual(page, Uint8Array.from(fields.flatMap(([, b]) => b)));
    assert.deepEqual(decodeJournalPage(page).entries[1], { index: 41, ticks: 1001, kind: 3, flags: 2, a: 6, b: 9, value: 0x01020304 });
    assertCutsNamed(decodeJournalPage, fields);
    assert.throws(() => decodeJournalPage(Uint8Array.of(...page, 0)), { message: 'journal page has 1 unexpected trailing bytes' });
  });

  it('a journal page holds 20 entries and not 21', () => {
    const full = encodeJournalPage(0, 20, 20, (k, view, offset) => writeJournalEntry(view, offset, k, 1, 0, 1, 0, 0));
    assert.equal(full.length, 249);
    assert.equal(decodeJournalPage(full).entries.length, 20);
    assert.throws(() => encodeJournalPage(0, 21, 21, () => undefined), { message: 'a journal page holds at most 20 entries' });
    const twentyOne = Uint8Array.of(...u32(0), ...u32(21), 21, ...new Array(21 * 12).fill(0));
    assert.throws(() => decodeJournalPage(twentyOne), { message: 'journal page count 21 exceeds 20' });
  });

  it('a problem text is kept to 255 UTF-8 bytes, and one cut inside a character reads as not UTF-8', () => {
    assert.equal(decodeBenchProblem(encodeBenchProblem('x'.repeat(255))), 'x'.repeat(255));
    assert.equal(decodeBenchProblem(encodeBenchProblem('x'.repeat(256))), 'x'.repeat(255));
    const cut = encodeBenchProblem('é'.repeat(128));
    assert.equal(cut.length, 255);
    assert.equal(decodeBenchProblem(cut), '(255 bytes that are not UTF-8)');
    assert.equal(decodeBenchProblem(encodeBenchProblem('카드 없음')), '카드 없음');
  });
});
