// A camera's serial port as a DockClient (host-tools/dock/dock-port.ts), on a real pair of kernel
// pseudo-terminals (socat): frames go out whole and replies come back; a port that cannot be
// opened is named with what to check; closing the port, or pulling the "cable" (socat ending),
// fails what waits with the port's own words instead of leaving it to a timeout.
import assert from 'node:assert/strict';
import { DockFrameReader, LARGEST_ENCODED, encodeDockFrame } from '../../firmware/format/dock-frames.js';
import { decodeDockMessage, encodeDockMessage, type DockMessage } from '../../firmware/format/dock-messages.js';
import { openDockPort } from '../../host-tools/dock/dock-port.js';
import { ptyPair, type PtyPair } from '../../host-tools/dock/pty-pair.js';
import { openSerialPort } from '../../host-tools/serial/open-serial-port.js';

// Only a hung link takes this long: no result depends on it.
const HANG_STOP_MS = 60_000;

describe('a dock port on a real pty', () => {
  let pair: PtyPair | undefined;
  afterEach(async () => {
    await pair?.close();
    pair = undefined;
  });

  it('names a port it cannot open, and what to check', async () => {
    await assert.rejects(openDockPort('/dev/chaincam-no-such-port', { role: 'bench port' }),
      /^Error: cannot open bench port \/dev\/chaincam-no-such-port: .+ \(is the camera's USB cable plugged in\? For a simulated camera, start chaincam sim --serial on the other end of a pty pair\)$/);
    await assert.rejects(openDockPort('/dev/chaincam-no-such-port'), /^Error: cannot open \/dev\/chaincam-no-such-port: /);
  });

  it('sends each request as its frame and takes the camera\'s reply; closing fails what waits, and later writes go nowhere', async () => {
    pair = await ptyPair();
    const port = await openDockPort(pair.dock, { timeoutMs: HANG_STOP_MS });
    const camera = await openSerialPort(pair.camera, 2_000_000);
    const heard: DockMessage[] = [];
    const wire: number[] = [];
    const reader = new DockFrameReader((payload) => {
      const m = decodeDockMessage(payload);
      heard.push(m);
      if (m.type === 'set-time') camera.write(Buffer.from(encodeDockFrame(encodeDockMessage({ type: 'time-set', previousTime: 5, newTime: m.time }))));
    }, LARGEST_ENCODED);
    camera.on('data', (data: Buffer) => { wire.push(...data); reader.push(new Uint8Array(data)); });
    try {
      assert.equal(port.isOpen, true);
      assert.deepEqual(await port.client.request({ type: 'set-time', time: 77 }, 'time-set'), { type: 'time-set', previousTime: 5, newTime: 77 });
      assert.deepEqual(heard, [{ type: 'set-time', time: 77 }]);
      assert.deepEqual(wire, [...encodeDockFrame(encodeDockMessage({ type: 'set-time', time: 77 }))], 'exactly the frame, on the wire');

      const waiting = port.client.request({ type: 'close' }, 'closed').then(() => undefined, (e: Error) => e);
      await port.close();
      assert.deepEqual(await waiting, new Error(`${pair.dock}: the port closed (closed; cable pulled?)`));
      assert.equal(port.isOpen, false);
      port.client.send({ type: 'close' }); // a port that went away takes no write, and throws none
      await port.close(); // and closes again quietly
    } finally {
      await new Promise<void>((resolve) => camera.close(() => resolve()));
    }
  });

  it('a pulled cable fails what waits with the error the dock gives for it', async () => {
    pair = await ptyPair();
    const errors: string[] = [];
    const port = await openDockPort(pair.dock, {
      timeoutMs: HANG_STOP_MS, onError: (e) => errors.push(e.message),
      closedError: (cause) => new Error(`pulled: ${cause}`),
    });
    const waiting = port.client.request({ type: 'close' }, 'closed').then(() => undefined, (e: Error) => e);
    await pair.close();
    pair = undefined;
    const error = await waiting;
    assert.ok(error?.message.startsWith('pulled: '), String(error));
    // What the port said as it went (its hang-up, or a read that failed), or an error it reported before.
    assert.match(error?.message ?? '', errors.length ? new RegExp(`^pulled: ${errors.at(-1)}$`) : /^pulled: (the device hung up|bad file descriptor)/);
    assert.equal(port.isOpen, false);
  });
});
