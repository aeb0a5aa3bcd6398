import assert from 'node:assert/strict';
import { encodeNetstring, NetstringReader } from '../../host-tools/sim/netstring.js';

describe('netstrings (the xsnap-worker pipe framing)', () => {
  it('round-trips messages split across arbitrary chunk boundaries', () => {
    const messages = ['e1+1', '', '?\u0000\u0001binary', 'x'.repeat(5000)].map((s) => Buffer.from(s, 'latin1'));
    const stream = Buffer.concat(messages.map((m) => encodeNetstring([m])));
    for (const chunkSize of [1, 3, 7, 64, stream.length]) {
      const reader = new NetstringReader();
      const out: Buffer[] = [];
      for (let i = 0; i < stream.length; i += chunkSize) out.push(...reader.push(stream.subarray(i, i + chunkSize)));
      assert.deepEqual(out.map((b) => b.toString('latin1')), messages.map((b) => b.toString('latin1')), `chunk size ${chunkSize}`);
    }
  });

  it('rejects a frame without its terminating comma', () => {
    assert.throws(() => new NetstringReader().push(Buffer.from('3:abc;')), /not terminated/);
  });

  it('rejects a length that is not a number', () => {
    assert.throws(() => new NetstringReader().push(Buffer.from('x3:abc,')), /bad netstring length/);
  });
});
