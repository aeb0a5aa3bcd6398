// chain.log's reader (firmware/format/chain-log.ts) at each of its limits: the magic, a torn
// length, an impossible length, a torn frame. The camera cuts a torn tail at boot and verify
// names where a file stops making sense from these answers. Written for the mutants that
// survived the format's mutation run (docs/MUTATION.md).
import assert from 'node:assert/strict';
import { CHAIN_LOG_MAGIC, FRAME_OVERHEAD, MAX_RECORD_LENGTH, encodeFrame, readChainLog } from '../../firmware/format/chain-log.js';

const link = (n: number) => new Uint8Array(32).fill(n);
const body = (length: number, n = 1) => new Uint8Array(length).fill(n);
const file = (...parts: Uint8Array[]) => Uint8Array.from(parts.flatMap((part) => [...part]));
const lengthBytes = (n: number) => Uint8Array.of(n >>> 24, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff);

describe('chain.log reader', () => {
  it('a frame is its length, body and link: 36 bytes around the body', () => {
    assert.equal(FRAME_OVERHEAD, 36);
    assert.equal(encodeFrame(body(5), link(2)).length, 5 + FRAME_OVERHEAD);
  });

  it('the magic alone is an empty chain; anything shorter or different is not a chain log', () => {
    assert.deepEqual(readChainLog(CHAIN_LOG_MAGIC), { frames: [] });
    const bad = { offset: 0, index: 0, message: 'not a chaincam chain log (bad magic; expected "CCHAIN" 00 01)' };
    assert.deepEqual(readChainLog(CHAIN_LOG_MAGIC.subarray(0, 7)).problem, bad);
    assert.deepEqual(readChainLog(new Uint8Array(0)).problem, bad);
    const other = CHAIN_LOG_MAGIC.slice(); other[7] = 2;
    assert.deepEqual(readChainLog(file(other, encodeFrame(body(3), link(1)))), { frames: [], problem: bad });
  });

  it('reads frames in order with their offsets, bodies and stored links', () => {
    const { frames, problem } = readChainLog(file(CHAIN_LOG_MAGIC, encodeFrame(body(3, 7), link(1)), encodeFrame(body(MAX_RECORD_LENGTH, 8), link(2))));
    assert.equal(problem, undefined);
    assert.deepEqual(frames.map((f) => [f.index, f.offset, f.body.length, f.body[0], f.storedLink[0]]), [[0, 8, 3, 7, 1], [1, 8 + 39, MAX_RECORD_LENGTH, 8, 2]]);
  });

  it('a torn length (1-3 bytes after the last frame) is named with its byte count, after the frames before it', () => {
    const whole = file(CHAIN_LOG_MAGIC, encodeFrame(body(3), link(1)));
    for (const stray of [1, 3]) {
      const { frames, problem } = readChainLog(file(whole, body(stray, 0)));
      assert.equal(frames.length, 1);
      assert.deepEqual(problem, { offset: 47, index: 1, message: `truncated: ${stray} stray bytes where a frame length should be` });
    }
  });

  it('a length of 0 or above 4096 is impossible; 4096 is the largest record', () => {
    for (const length of [0, MAX_RECORD_LENGTH + 1]) {
      const { frames, problem } = readChainLog(file(CHAIN_LOG_MAGIC, lengthBytes(length), body(MAX_RECORD_LENGTH + 40)));
      assert.equal(frames.length, 0);
      assert.deepEqual(problem, { offset: 8, index: 0, message: `frame length ${length} is impossible (1-4096)` });
    }
  });

  it('a torn frame says how many bytes it needs and how many are left', () => {
    const torn = encodeFrame(body(10), link(1)).subarray(0, 4 + 10 + 31);
    assert.deepEqual(readChainLog(file(CHAIN_LOG_MAGIC, torn)).problem, { offset: 8, index: 0, message: 'truncated: frame needs 46 bytes, 45 left' });
    assert.equal(readChainLog(file(CHAIN_LOG_MAGIC, encodeFrame(body(10), link(1)))).problem, undefined);
    // A whole length and nothing after it is a torn frame, not a torn length.
    assert.deepEqual(readChainLog(file(CHAIN_LOG_MAGIC, lengthBytes(10))).problem, { offset: 8, index: 0, message: 'truncated: frame needs 46 bytes, 4 left' });
  });
});
