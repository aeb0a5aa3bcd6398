// The bench commands' bytes (docs/PROTOCOL.md section 3.1) and the bench station's reading of
// the journal: strict decoding, and camera ticks that wrap past 2^32 (a camera up for 49.7 days)
// kept on one time line.
import assert from 'node:assert/strict';
import {
  JOURNAL_KIND, MAX_JOURNAL_ENTRIES, decodeBenchStatus, decodeJournalPage, decodePressArgument, encodeBenchStatus,
  encodeJournalPage, encodePressArgument, writeJournalEntry, type BenchStatus,
} from '../../firmware/format/bench-messages.js';
import { CameraJournal } from '../../host-tools/bench/camera-journal.js';

const STATUS: BenchStatus = {
  ticks: 0xfffffff0, journalNext: 300, journalCapacity: 256, recorderState: 'recording',
  signWidth: 240, signHeight: 240, signColour: 2, board: 'LILYGO T-Camera Plus S3', profile: 'kr-2024',
};

function page(first: number, next: number, ticks: number[]): Uint8Array {
  return encodeJournalPage(first, next, ticks.length, (k, view, offset) => writeJournalEntry(view, offset, ticks[k]!, JOURNAL_KIND.led, 0, k & 1, 0, 0));
}

describe('bench command bytes', () => {
  it('round-trips the status, and refuses trailing bytes or an unknown recorder state', () => {
    const bytes = encodeBenchStatus(STATUS);
    assert.deepEqual(decodeBenchStatus(bytes), STATUS);
    assert.throws(() => decodeBenchStatus(new Uint8Array([...bytes, 0])), /trailing/);
    const badState = bytes.slice();
    badState[10] = 9;
    assert.throws(() => decodeBenchStatus(badState), /recorder state/);
  });

  it('holds a press 1 ms to 60 s, and says so', () => {
    assert.deepEqual(decodePressArgument(encodePressArgument(3500)), [{ gapMs: 0, holdMs: 3500 }]);
    assert.throws(() => encodePressArgument(0), /1-60000 ms, not 0/);
    assert.throws(() => decodePressArgument(new Uint8Array([0xff, 0xff])), /not 65535/);
    assert.throws(() => decodePressArgument(new Uint8Array([1])), /truncated/);
  });

  it('carries a timed press sequence (a ground\'s taps and the long press) in one PRESS, 16 presses at most', () => {
    const taps = [{ gapMs: 300, holdMs: 100 }, { gapMs: 300, holdMs: 1200 }];
    const bytes = encodePressArgument(100, taps);
    assert.deepEqual([...bytes], [0, 100, 1, 44, 0, 100, 1, 44, 4, 176]);
    assert.deepEqual(decodePressArgument(bytes), [{ gapMs: 0, holdMs: 100 }, ...taps]);
    assert.throws(() => encodePressArgument(100, [{ gapMs: 0, holdMs: 100 }]), /releases the button 1-60000 ms between presses, not 0/);
    assert.throws(() => decodePressArgument(bytes.subarray(0, 8)), /press argument of 8 bytes: it is a hold \(2 bytes\), then a gap and a hold \(4 bytes\)/);
    assert.throws(() => encodePressArgument(100, Array(16).fill({ gapMs: 300, holdMs: 100 })), /at most 16 presses, not 17/);
    const seventeen = new Uint8Array(2 + 16 * 4).fill(1);
    assert.throws(() => decodePressArgument(seventeen), /at most 16 presses/);
  });

  it('fills a journal page to 20 entries (255 bytes at most) and refuses a page that runs past the camera\'s next index', () => {
    assert.equal(MAX_JOURNAL_ENTRIES, 20);
    assert.equal(page(0, 20, Array(20).fill(5)).length, 249);
    assert.throws(() => page(0, 21, Array(21).fill(5)), /at most 20 entries/);
    assert.throws(() => decodeJournalPage(page(10, 11, [1, 2])), /runs past the camera's next index/);
    assert.throws(() => decodeJournalPage(new Uint8Array([...page(0, 1, [1]), 0])), /trailing/);
  });
});

describe("the bench station's copy of the journal", () => {
  it('keeps ticks that wrap past 2^32 on one time line', () => {
    const journal = new CameraJournal(0);
    journal.unwrap(0xffffff00); // the status read first
    journal.add(decodeJournalPage(page(0, 3, [0xffffff80, 0xfffffff0, 0x10])));
    assert.deepEqual(journal.entries.map((e) => e.t - 0xffffff00), [0x80, 0xf0, 0x110]);
  });

  it('refuses to paper over entries the camera overwrote before they were read', () => {
    const journal = new CameraJournal(5);
    assert.throws(() => journal.add(decodeJournalPage(page(40, 60, [1, 2]))), /overwrote entries 5-39 before the bench read them/);
  });
});
