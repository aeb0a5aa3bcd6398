// Dock link framing at its edges (docs/PROTOCOL.md section 2): payload sizes 1..33024, COBS's
// 254-byte blocks next to a zero, codes that run past the end, the 5-byte minimum, the encoded
// limit exactly and one over, empty frames ignored, a frame grown past the limit dropped whole
// (not its first part delivered), and several frames in one chunk. Written for the mutants that
// survived the format's mutation run (docs/MUTATION.md).
import assert from 'node:assert/strict';
import zlib from 'node:zlib';
import {
  LARGEST_PAYLOAD, DockFrameReader, cobsDecode, cobsEncode, decodeDockFrame, encodeDockFrame, encodedLength,
} from '../../firmware/format/dock-frames.js';

const run = (length: number, byte = 0x11) => new Uint8Array(length).fill(byte);

/** A payload whose CRC-32 has no zero byte, so its COBS has no zero to split a block. */
function nonZeroPayload(length: number): Uint8Array {
  for (let byte = 1; ; byte++) {
    const payload = run(length, byte);
    const crc = zlib.crc32(payload);
    if ([24, 16, 8, 0].every((shift) => ((crc >>> shift) & 0xff) !== 0)) return payload;
  }
}

function reader(maxEncoded?: number) {
  const got: Uint8Array[] = [];
  const r = new DockFrameReader((payload) => got.push(payload), maxEncoded);
  return { r, got };
}

describe('dock frame rules (docs/PROTOCOL.md section 2)', () => {
  it('a payload takes 1 to 33024 bytes; 0 and 33025 are refused by their length', () => {
    assert.throws(() => encodeDockFrame(new Uint8Array(0)), { message: 'dock frame payload must be 1-33024 bytes, got 0' });
    assert.throws(() => encodeDockFrame(run(LARGEST_PAYLOAD + 1)), { message: 'dock frame payload must be 1-33024 bytes, got 33025' });
    for (const length of [1, LARGEST_PAYLOAD]) {
      const frame = encodeDockFrame(run(length));
      assert.deepEqual(decodeDockFrame(frame.subarray(0, -1), frame.length), run(length));
    }
  });

  it('encodedLength is the wire length of a payload without zeros, and no frame is longer', () => {
    for (const length of [1, 5, 249, 250, 251, 503, 504, 4352, LARGEST_PAYLOAD]) {
      assert.equal(encodeDockFrame(nonZeroPayload(length)).length, encodedLength(length), `length ${length}`);
      const mixed = Uint8Array.from({ length }, (_, i) => (i % 97 === 0 ? 0 : i & 0xff));
      assert.ok(encodeDockFrame(mixed).length <= encodedLength(length), `length ${length} with zeros`);
    }
    assert.equal(encodedLength(250), 250 + 4 + 1 + 2);
  });

  it('a run of exactly 254 non-zero bytes before a zero is a full block (FF) and then a code for the zero', () => {
    const raw = Uint8Array.of(...run(254), 0, 0x22);
    const encoded = cobsEncode(raw);
    assert.deepEqual([...encoded.subarray(0, 1), ...encoded.subarray(255)], [0xff, 0x01, 0x02, 0x22]);
    assert.deepEqual(cobsDecode(encoded), raw);
  });

  it('a COBS code that points past the end, or a zero code, is not COBS', () => {
    assert.equal(cobsDecode(Uint8Array.of(5, 1, 2)), undefined);
    assert.equal(cobsDecode(Uint8Array.of(2, 1, 0, 1)), undefined);
    assert.deepEqual(cobsDecode(Uint8Array.of(3, 1, 2)), Uint8Array.of(1, 2));
  });

  it('a frame is at least 5 bytes before COBS: a CRC without a payload is discarded', () => {
    // CRC-32 of no bytes is 0, so 00 00 00 00 is a "valid" empty payload if the minimum is not kept.
    assert.equal(decodeDockFrame(cobsEncode(new Uint8Array(4))), undefined);
    assert.deepEqual(decodeDockFrame(encodeDockFrame(Uint8Array.of(0x42)).subarray(0, -1)), Uint8Array.of(0x42));
  });

  it('takes a frame of exactly the encoded limit and discards one byte more, decoding and reading', () => {
    const frame = encodeDockFrame(run(300));
    const encoded = frame.subarray(0, -1);
    assert.deepEqual(decodeDockFrame(encoded, encoded.length), run(300));
    assert.equal(decodeDockFrame(encoded, encoded.length - 1), undefined);

    const exact = reader(encoded.length);
    exact.r.push(frame);
    assert.deepEqual([exact.got.length, exact.r.discarded], [1, 0]);
    const under = reader(encoded.length - 1);
    under.r.push(frame);
    assert.deepEqual([under.got.length, under.r.discarded], [0, 1]);
  });

  it('a frame that grows past the limit is dropped whole, even when its first part was a good frame', () => {
    const good = encodeDockFrame(Uint8Array.of(1, 2, 3));
    const { r, got } = reader(100);
    r.push(good.subarray(0, -1));
    r.push(run(200, 0x33));
    r.push(Uint8Array.of(0));
    assert.deepEqual([got.length, r.discarded], [0, 1]);
    r.push(good);
    assert.deepEqual(got, [Uint8Array.of(1, 2, 3)]);
  });

  it('empty frames (00 00) are ignored, not counted as discarded', () => {
    const { r, got } = reader();
    r.push(Uint8Array.of(0, 0, 0));
    r.push(encodeDockFrame(Uint8Array.of(9)));
    r.push(Uint8Array.of(0));
    assert.deepEqual([got, r.discarded], [[Uint8Array.of(9)], 0]);
  });

  it('several frames in one chunk each arrive whole, in order', () => {
    const { r, got } = reader();
    const payloads = [Uint8Array.of(1, 1, 1, 1), Uint8Array.of(2, 0, 2), Uint8Array.of(3)];
    r.push(Uint8Array.of(...payloads.flatMap((payload) => [...encodeDockFrame(payload)])));
    assert.deepEqual(got, payloads);
    assert.equal(r.discarded, 0);
  });
});
