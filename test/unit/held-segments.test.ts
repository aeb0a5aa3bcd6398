// The store's index of held segments (firmware/store/held-segments.ts): typed-array rows in
// chain order, releases anywhere, compaction, and objects only on request.
import assert from 'node:assert/strict';
import { HeldSegments, type HeldSegment } from '../../firmware/store/held-segments.js';

const segment = (sequence: number): HeldSegment => ({
  sequence, recording: 1 + (sequence >> 8), segmentIndex: sequence & 0xff, sealedLength: 1000 + sequence, sealedDigest: new Uint8Array(32).fill(sequence & 0xff),
});

describe('held segments', () => {
  it('keeps thousands of segments in chain order, finds, releases in any order and compacts', () => {
    const held = new HeldSegments();
    const sequences = Array.from({ length: 5000 }, (_, i) => 3 + 2 * i);
    for (const s of sequences) held.add(segment(s));
    assert.equal(held.size, 5000);
    assert.deepEqual(held.get(3 + 2 * 777), segment(3 + 2 * 777));
    assert.equal(held.get(4), undefined, 'a sequence between two held ones');
    // Release the oldest 3000 (the dock's order), then every third of the rest.
    for (const s of sequences.slice(0, 3000)) assert.deepEqual(held.remove(s), segment(s));
    const rest = sequences.slice(3000);
    const released = rest.filter((_, i) => i % 3 === 0);
    for (const s of released) held.remove(s);
    assert.equal(held.remove(released[0]!), undefined, 'released once only');
    const kept = rest.filter((_, i) => i % 3 !== 0);
    assert.equal(held.size, kept.length);
    assert.deepEqual(held.from(0).map((h) => h.sequence), kept);
    assert.deepEqual(held.from(kept[10]!).map((h) => h.sequence), kept.slice(10));
    assert.deepEqual(held.from(kept[10]! - 1).map((h) => h.sequence), kept.slice(10));
    for (const s of kept) assert.deepEqual(held.get(s), segment(s));
    held.add(segment(20_001));
    assert.equal(held.from(0).at(-1)!.sequence, 20_001);
    assert.throws(() => held.add(segment(5)), /chain order/);
  });
});
