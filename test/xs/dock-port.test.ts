// The dock link's serial drivers (drivers/dock-uart, drivers/dock-usb) on the simulated board:
// a write goes whole into the driver's TX ring or is refused with nothing taken; the ring drains
// at the line's rate in device time; onWritable follows a refusal when the C's task would post it;
// the RX ring keeps what it has room for; and in a debug build xsbug holds the USB port.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { projectRoot } from '../../host-tools/sim/project-root.js';
import { SimulatedBoard } from '../../host-tools/sim/board.js';
import { USB_SERIAL_JTAG_PORT } from '../../host-tools/sim/hardware/dock-serial.js';
import { USB_FULL_SPEED_CDC } from '../../host-tools/sim/hardware/usb-cdc.js';
import { LARGEST_ENCODED } from '../../firmware/format/dock-frames.js';
import { DOCK_TRANSMIT_BUFFER, windowFor } from '../../firmware/format/dock-messages.js';
import { cobsEncode } from '../../firmware/format/dock-frames.js';

const FIXTURE = 'test/fixtures/firmware/dock-port-writer';
interface Log { at: number; writable: { at: number }[]; readable: { at: number; bytes: number }[] }

describe('the dock port drivers on the simulated board: TX ring, line rate, RX ring (XS)', () => {
  let board: SimulatedBoard | undefined;
  afterEach(async () => board?.close());

  it('holds the largest window of DATA frames on the wire in its TX ring', () => {
    let largest = 0;
    for (let data = 4096; data <= 32768; data += 256) {
      const wire = cobsEncode(new Uint8Array(14 + data + 4).fill(1), true).length;
      largest = Math.max(largest, windowFor(data) * wire);
    }
    assert.ok(DOCK_TRANSMIT_BUFFER >= largest, `${DOCK_TRANSMIT_BUFFER} < ${largest}`);
    assert.ok(LARGEST_ENCODED <= DOCK_TRANSMIT_BUFFER);
  });

  it("no firmware module writes to the SDK's embedded:io/serial (its 128-byte FIFO): the dock link is on drivers/dock-uart or dock-usb", () => {
    const sources = ['firmware', 'drivers'].flatMap((dir) => (readdirSync(path.join(projectRoot, dir), { recursive: true }) as string[])
      .filter((f) => f.endsWith('.ts')).map((f) => path.join(dir, f)));
    const users = sources.filter((f) => /from\s+['"]embedded:io\/serial['"]|device\.io\.Serial\b|Serial\.default\.io\b/.test(readFileSync(path.join(projectRoot, f), 'utf8')));
    assert.deepEqual(users, []);
  });

  it('UART: takes frames whole until the ring is full, refuses the next with nothing sent, and calls onWritable when it fits', async () => {
    board = await SimulatedBoard.boot({ main: FIXTURE });
    const port = board.target.provider.Serial.port ?? 0;
    const sent: { t: number; n: number }[] = [];
    board.uart.onTransmit((p, bytes, t) => { if (p === port) sent.push({ t, n: bytes.length }); });
    const baud = 2_000_000;
    assert.equal(await board.command('open', { link: 'uart', baud, transmitBuffer: 40_000 }), null);
    // 33,200 fits; 10,000 more do not fit in 40,000 while the first is on the line.
    assert.deepEqual(await board.command('write', { lengths: [33_200, 10_000] }), [null, 'output full']);
    assert.deepEqual(sent.map((s) => s.n), [33_200]);
    const start = sent[0]!.t;
    await board.advance(300);
    const log = (await board.command('log')) as Log;
    assert.equal(log.writable.length, 1);
    // onWritable once 10,000 bytes are free: 3,200 bytes have left, at 200,000 bytes a second (16 ms).
    const expected = start + ((33_200 - 30_000) * 10 * 1000) / baud;
    assert.ok(log.writable[0]!.at >= expected && log.writable[0]!.at <= expected + 2, `onWritable at ${log.writable[0]!.at}, expected ${expected}`);
    // Then it fits.
    assert.deepEqual(await board.command('write', { lengths: [10_000] }), [null]);
    board.throwIfFaulted();
  });

  it('USB: drains at the full-speed CDC rate; onWritable once the ring has drained', async () => {
    board = await SimulatedBoard.boot({ main: FIXTURE, usbSerialJtag: 'free' });
    const sent: { t: number; n: number }[] = [];
    board.uart.onTransmit((p, bytes, t) => { if (p === USB_SERIAL_JTAG_PORT) sent.push({ t, n: bytes.length }); });
    assert.equal(await board.command('usb-in-use'), false);
    assert.equal(await board.command('open', { link: 'usb', transmitBuffer: 70_000 }), null);
    assert.deepEqual(await board.command('write', { lengths: [33_200, 33_200, 33_200] }), [null, null, 'output full']);
    const start = sent[0]!.t;
    await board.advance(200);
    const log = (await board.command('log')) as Log;
    const drained = start + (2 * 33_200 * 1000) / USB_FULL_SPEED_CDC.bytesPerSecond;
    assert.equal(log.writable.length, 1);
    assert.ok(log.writable[0]!.at >= drained && log.writable[0]!.at <= drained + 2, `onWritable at ${log.writable[0]!.at}, drained at ${drained}`);
    board.throwIfFaulted();
  });

  it('a debug build: xsbug holds USB-Serial-JTAG, so opening it fails saying to use the UART', async () => {
    board = await SimulatedBoard.boot({ main: FIXTURE });
    assert.equal(await board.command('usb-in-use'), true);
    assert.match(String(await board.command('open', { link: 'usb', transmitBuffer: 70_000 })), /xsbug holds the port.*UART/);
  });

  it('refuses a transmit ring smaller than the largest frame, and a baud the UART cannot do, saying what to change', async () => {
    board = await SimulatedBoard.boot({ main: FIXTURE });
    assert.match(String(await board.command('open', { link: 'uart', baud: 2_000_000, transmitBuffer: 4096 })), /must hold the largest frame \(33200 bytes\), not 4096/);
    assert.match(String(await board.command('open', { link: 'uart', baud: 9_000_000, transmitBuffer: 40_000 })), /baud must be 1 to 5,000,000, not 9000000/);
    assert.match(String(await board.command('open', { link: 'uart', baud: 2_000_000, transmitBuffer: 33_199 })), /must hold the largest frame \(33200 bytes\), not 33199/);
    assert.equal(await board.command('open', { link: 'uart', baud: 2_000_000, transmitBuffer: 33_200 }), null, 'exactly the largest frame is enough');
  });

  it('keeps what the RX ring has room for until read: the rest is lost, as in the driver', async () => {
    board = await SimulatedBoard.boot({ main: FIXTURE });
    const port = board.target.provider.Serial.port ?? 0;
    assert.equal(await board.command('open', { link: 'uart', baud: 2_000_000, transmitBuffer: 40_000 }), null);
    await board.serialReceive(port, new Uint8Array(100).fill(1));
    await board.serialReceive(port, new Uint8Array(5000).fill(2));
    const log = (await board.command('log')) as Log;
    assert.deepEqual(log.readable.map((r) => r.bytes), [100, 4096]);
  });
});
