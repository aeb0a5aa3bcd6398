// The camera's frame writer (firmware/dock/dock-frame-writer.ts) in XS on the simulated board,
// driven directly: the dock session never asks it for an empty DATA frame or a payload outside
// 1-33,024 bytes, so only here are its refusals (and their exact edges) put to it. What it
// writes is read back with the host's decoder (firmware/format/dock-frames.ts).
import assert from 'node:assert/strict';
import { SimulatedBoard } from '../../host-tools/sim/board.js';
import { LARGEST_ENCODED, LARGEST_PAYLOAD, decodeDockFrame } from '../../firmware/format/dock-frames.js';

const FIXTURE = 'test/fixtures/firmware/dock-frame-writer';
type Outcome = { wire: string } | { error: string };

function filled(length: number): Uint8Array {
  const bytes = new Uint8Array(length);
  for (let i = 0; i < length; i++) bytes[i] = (i * 7 + 1) & 0xff;
  return bytes;
}

/** The payload inside a frame the writer wrote: one 00 delimiter at its end, COBS, a good CRC. */
function payloadOf(outcome: Outcome): Uint8Array {
  assert.ok('wire' in outcome, `refused: ${'error' in outcome ? outcome.error : ''}`);
  const wire = Uint8Array.from(Buffer.from(outcome.wire, 'hex'));
  assert.equal(wire.at(-1), 0, 'ends with the delimiter');
  assert.equal(wire.indexOf(0), wire.length - 1, 'no other zero');
  const payload = decodeDockFrame(wire.subarray(0, -1), LARGEST_ENCODED);
  assert.ok(payload, 'decodes, CRC good');
  return payload;
}

describe('the camera\'s dock frame writer (XS)', () => {
  let board: SimulatedBoard | undefined;
  afterEach(async () => board?.close());

  it('frames payloads of 1 to 33,024 bytes and refuses 0 and 33,025, saying why', async () => {
    const b = board = await SimulatedBoard.boot({ main: FIXTURE });
    for (const length of [1, 300, LARGEST_PAYLOAD]) {
      assert.deepEqual(payloadOf(await b.command('frame', { length }) as Outcome), filled(length), `${length} bytes`);
    }
    for (const length of [0, LARGEST_PAYLOAD + 1]) {
      assert.deepEqual(await b.command('frame', { length }), { error: `dock frame payload must be 1-33024 bytes, got ${length}` });
    }
    b.throwIfFaulted();
  });

  it('writes a DATA frame\'s header and data and refuses one with no data, naming the object and where it ended', async () => {
    const b = board = await SimulatedBoard.boot({ main: FIXTURE });
    const offset = 0x1_2345_6789; // past 4 GiB: both halves of the offset
    const payload = payloadOf(await b.command('data', { object: 3, sequence: 0x01020304, offset, length: 1000 }) as Outcome);
    // DATA (0x84), object, sequence, offset's high and low 32 bits (docs/PROTOCOL.md).
    assert.deepEqual(Array.from(payload.subarray(0, 14)), [0x84, 3, 1, 2, 3, 4, 0, 0, 0, 1, 0x23, 0x45, 0x67, 0x89], 'the header');
    assert.deepEqual(payload.subarray(14), filled(1000), 'the data as read');
    assert.deepEqual(payloadOf(await b.command('data', { object: 1, sequence: 9, offset: 0, length: 1 }) as Outcome).subarray(14), filled(1));
    assert.deepEqual(await b.command('data', { object: 2, sequence: 7, offset: 4096, length: 0 }), { error: 'object 2/7 ended early at 4096' });
    b.throwIfFaulted();
  });
});
