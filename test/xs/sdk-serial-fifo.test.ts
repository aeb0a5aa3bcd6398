// Moddable SDK 8.2's embedded:io/serial on esp32 writes straight into the UART's 128-byte
// hardware TX FIFO (modules/io/serial/esp32/serial.c xs_serial_write): a write larger than the
// FIFO's free space throws "output full", and onWritable comes from the TX-FIFO-empty interrupt.
// The simulated board must hold firmware to that, or a link that works in CI stalls on the board.
import assert from 'node:assert/strict';
import { SimulatedBoard } from '../../host-tools/sim/board.js';

const FIXTURE = 'test/fixtures/firmware/sdk-serial-writer';
const BAUD = 115_200;

function pattern(length: number): Uint8Array {
  const bytes = new Uint8Array(length);
  for (let i = 0; i < length; i++) bytes[i] = (i * 7 + 3) & 0xff;
  return bytes;
}

interface Log { calls: { at: number; count: number }[]; writes: { at: number; bytes: number }[]; left: number }

describe("Moddable's embedded:io/serial on the simulated board: the UART's 128-byte TX FIFO (XS)", () => {
  let board: SimulatedBoard | undefined;
  afterEach(async () => board?.close());

  async function boot(): Promise<{ board: SimulatedBoard; sent: { t: number; bytes: Uint8Array }[] }> {
    board = await SimulatedBoard.boot({ main: FIXTURE });
    const sent: { t: number; bytes: Uint8Array }[] = [];
    const port = board.target.provider.Serial.port ?? 0;
    board.uart.onTransmit((p, bytes, t) => { if (p === port) sent.push({ t, bytes: bytes.slice() }); });
    return { board, sent };
  }

  it('calls onWritable with 128 at open, and refuses a 200-byte write with "output full", sending nothing of it', async () => {
    const { board, sent } = await boot();
    await board.advance(5);
    const log = (await board.command('log')) as Log;
    assert.deepEqual(log.calls.map((c) => c.count), [128]);
    assert.deepEqual(await board.command('whole', { lengths: [200] }), ['output full']);
    assert.equal(sent.length, 0);
    // Exactly the free space goes; one byte more at once does not.
    assert.deepEqual(await board.command('whole', { lengths: [128, 1] }), [null, 'output full']);
    assert.equal(sent.reduce((n, s) => n + s.bytes.length, 0), 128);
    board.throwIfFaulted();
  });

  it('delivers every byte at the line rate when written in onWritable-sized pieces', async () => {
    const { board, sent } = await boot();
    await board.advance(5);
    const length = 3000;
    await board.command('pieces', { length, first: 128 });
    const lineMs = (length * 10 * 1000) / BAUD;
    await board.advance(Math.ceil(lineMs) + 50);
    const log = (await board.command('log')) as Log;
    board.throwIfFaulted();
    assert.equal(log.left, 0);
    const joined = new Uint8Array(sent.reduce((n, s) => n + s.bytes.length, 0));
    let offset = 0;
    for (const s of sent) { joined.set(s.bytes, offset); offset += s.bytes.length; }
    assert.deepEqual(joined, pattern(length));
    // Each piece fits what onWritable offered: the interrupt fires below 10 queued bytes.
    for (const call of log.calls.slice(1)) assert.ok(call.count >= 119 && call.count <= 128, `onWritable(${call.count})`);
    assert.ok(log.writes.every((w) => w.bytes <= 128));
    // The last byte leaves no sooner than the line allows, and within 2% (plus a ms) of it.
    // The line: each write's bytes leave after those before them, 10 bit times a byte.
    const doneAt = sent.reduce((free, s) => Math.max(free, s.t) + (s.bytes.length * 10 * 1000) / BAUD, 0);
    const elapsed = doneAt - sent[0]!.t;
    assert.ok(elapsed >= lineMs - 1e-6, `${elapsed} ms is faster than the line's ${lineMs} ms`);
    assert.ok(elapsed <= lineMs * 1.02 + 1, `${elapsed} ms for ${length} bytes: the line needs ${lineMs.toFixed(1)} ms`);
  });
});
