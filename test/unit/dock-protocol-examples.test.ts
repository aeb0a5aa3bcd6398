import assert from 'node:assert/strict';
import zlib from 'node:zlib';
import { cobsDecode, cobsEncode, crc32, decodeDockFrame, DockFrameReader, encodeDockFrame } from '../../firmware/format/dock-frames.js';
import { decodeDockMessage, encodeDockMessage } from '../../firmware/format/dock-messages.js';
import { documentedExamples, protocolExamples } from '../../host-tools/dock/protocol-examples.js';
import { seededRandom } from '../support/dock-fuzz-frames.js';

describe('dock link codec (docs/PROTOCOL.md)', () => {
  it('docs/PROTOCOL.md shows the worked examples the code produces today', () => {
    assert.equal(documentedExamples(), protocolExamples(), 'run: npx tsx host-tools/dock/protocol-examples.ts --write');
  });

  it('CRC-32 continues over parts as the camera\'s native crc32 does (header, then data)', () => {
    const bytes = Uint8Array.from({ length: 5000 }, (_, i) => (i * 37) & 0xff);
    for (const cut of [0, 1, 14, 4999, 5000]) assert.equal(crc32(bytes, cut, 5000, crc32(bytes, 0, cut)), crc32(bytes));
  });

  it('CRC-32 is zlib\'s (check value of "123456789" is cbf43926)', () => {
    assert.equal(crc32(new TextEncoder().encode('123456789')).toString(16), 'cbf43926');
  });

  it('CRC-32 equals zlib\'s for every alignment and length, whole words or not', () => {
    const random = seededRandom(32);
    const buffer = Uint8Array.from({ length: 5000 }, () => Math.floor(random() * 256));
    for (let offset = 0; offset < 8; offset++) {
      for (const length of [0, 1, 2, 3, 4, 5, 7, 8, 9, 63, 64, 65, 4096, 4099, 4352]) {
        const bytes = buffer.subarray(offset, offset + length);
        assert.equal(crc32(bytes), zlib.crc32(bytes), `offset ${offset}, length ${length}`);
        assert.equal(crc32(buffer, offset, offset + length), zlib.crc32(bytes), `range ${offset}+${length}`);
      }
    }
  });

  it('COBS round-trips any bytes, including zero runs and 254-byte blocks, and never emits a zero', () => {
    const random = seededRandom(9);
    for (const length of [0, 1, 253, 254, 255, 508, 509, 4100]) {
      for (const density of [0, 0.01, 0.5, 1]) {
        const raw = Uint8Array.from({ length }, () => (random() < density ? 0 : 1 + Math.floor(random() * 255)));
        const encoded = cobsEncode(raw);
        assert.equal(encoded.indexOf(0), -1);
        assert.deepEqual(cobsDecode(encoded), raw, `length ${length} density ${density}`);
      }
    }
  });

  it('rejects a frame with any single bit flipped, and resynchronises at the next delimiter', () => {
    const frame = encodeDockFrame(encodeDockMessage({ type: 'list', fromSequence: 5 }));
    for (let bit = 0; bit < (frame.length - 1) * 8; bit++) {
      const bad = frame.slice(0, -1);
      bad[bit >> 3] ^= 1 << (bit & 7);
      assert.equal(decodeDockFrame(bad), undefined, `bit ${bit}`);
    }
    const got: Uint8Array[] = [];
    const reader = new DockFrameReader((p) => got.push(p));
    reader.push(Uint8Array.of(1, 2, 3, 0, 0xff, 0xff));
    reader.push(new Uint8Array(5000).fill(7));
    reader.push(Uint8Array.of(0));
    for (const byte of frame) reader.push(Uint8Array.of(byte));
    assert.equal(got.length, 1);
    assert.deepEqual(decodeDockMessage(got[0]!), { type: 'list', fromSequence: 5 });
    assert.equal(reader.discarded, 2, 'the noise frame and the over-long frame');
  });

  it('decodes strictly: trailing bytes, unknown types and objects are errors', () => {
    const list = encodeDockMessage({ type: 'list', fromSequence: 1 });
    assert.throws(() => decodeDockMessage(Uint8Array.of(...list, 0)), /trailing/);
    assert.throws(() => decodeDockMessage(Uint8Array.of(0x42)), /unknown message type 0x42/);
    assert.throws(() => decodeDockMessage(Uint8Array.of(0x04, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)), /unknown object 3/);
  });
});
