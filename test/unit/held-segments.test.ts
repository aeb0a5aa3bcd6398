// The store's index of held segments (firmware/store/held-segments.ts): fixed-size rows on
// flash in chain order, releases anywhere, compaction, lookups by sequence and by file name,
// and pages of a LIST, all without keeping the rows in RAM.
import assert from 'node:assert/strict';
import { HELD_INDEX_MAGIC, HELD_ROW_BYTES, HeldSegments, type HeldSegment } from '../../firmware/store/held-segments.js';
import { memoryFiles } from '../support/memory-files.js';

const segment = (sequence: number): HeldSegment => ({
  sequence, recording: 1 + (sequence >> 8), segmentIndex: sequence & 0xff, sealedLength: 1000 + sequence, sealedDigest: new Uint8Array(32).fill(sequence & 0xff),
});
const INDEX = '/held-segments.idx';

describe('held segments (the index on flash)', () => {
  it('keeps thousands of segments in chain order, finds, releases in any order and compacts', () => {
    const files = memoryFiles();
    const held = new HeldSegments(files, INDEX);
    const sequences = Array.from({ length: 5000 }, (_, i) => 3 + 2 * i);
    for (const s of sequences) held.add(segment(s), false);
    held.flush();
    assert.equal(held.size, 5000);
    assert.equal(files.contents.get(INDEX)!.length, HELD_INDEX_MAGIC.length + 5000 * HELD_ROW_BYTES, 'one 52-byte row per segment after the magic');
    assert.deepEqual(held.get(3 + 2 * 777), segment(3 + 2 * 777));
    assert.equal(held.get(4), undefined, 'a sequence between two held ones');
    // Release the oldest 3000 (the dock's order), then every third of the rest.
    for (const s of sequences.slice(0, 3000)) assert.deepEqual(held.remove(s), segment(s));
    assert.ok(files.contents.get(INDEX)!.length < HELD_INDEX_MAGIC.length + 5000 * HELD_ROW_BYTES, 'compacted once half were released');
    const rest = sequences.slice(3000);
    const released = rest.filter((_, i) => i % 3 === 0);
    for (const s of released) held.remove(s);
    assert.equal(held.remove(released[0]!), undefined, 'released once only');
    assert.equal(held.get(released[1]!), undefined, 'a released segment is not held');
    const kept = rest.filter((_, i) => i % 3 !== 0);
    assert.equal(held.size, kept.length);
    assert.deepEqual(held.from(0).map((h) => h.sequence), kept);
    assert.deepEqual(held.from(kept[10]!).map((h) => h.sequence), kept.slice(10));
    assert.deepEqual(held.from(kept[10]! - 1).map((h) => h.sequence), kept.slice(10));
    assert.deepEqual(held.from(kept[10]!, 81).map((h) => h.sequence), kept.slice(10, 91), 'a LIST page and one more');
    for (const s of kept) assert.deepEqual(held.get(s), segment(s));
    held.add(segment(20_001));
    assert.equal(held.from(0).at(-1)!.sequence, 20_001);
    assert.throws(() => held.add(segment(5)), /chain order/);
  });

  it('finds a sealed file name\'s segment, in listing order or not, and not a released one', () => {
    const files = memoryFiles();
    const held = new HeldSegments(files, INDEX);
    for (let s = 0; s < 300; s++) held.add(segment(s));
    held.remove(17);
    for (const s of [0, 1, 2, 250, 3, 299, 100]) assert.deepEqual(held.findByName(1 + (s >> 8), s & 0xff), segment(s));
    assert.equal(held.findByName(1, 17), undefined, 'released');
    assert.equal(held.findByName(9, 0), undefined, 'never recorded');
    const reads = files.reads;
    for (let s = 0; s < 300; s++) held.findByName(1 + (s >> 8), s & 0xff);
    assert.ok(files.reads - reads < 2 * 300, `a listing in chain order is one read a file (${files.reads - reads} reads for 300)`);
  });

  it('starts empty over whatever index a power cut left, and keeps rows back only until flushed', () => {
    const files = memoryFiles();
    files.contents.set(INDEX, new Uint8Array(999).fill(7));
    files.contents.set(`${INDEX}.tmp`, new Uint8Array(10));
    const held = new HeldSegments(files, INDEX);
    assert.deepEqual(files.contents.get(INDEX), HELD_INDEX_MAGIC);
    assert.equal(files.contents.has(`${INDEX}.tmp`), false);
    held.add(segment(1), false);
    assert.equal(files.contents.get(INDEX)!.length, HELD_INDEX_MAGIC.length, 'kept back');
    assert.deepEqual(held.get(1), segment(1), 'a read writes what was kept back first');
    assert.equal(files.contents.get(INDEX)!.length, HELD_INDEX_MAGIC.length + HELD_ROW_BYTES);
  });
});
