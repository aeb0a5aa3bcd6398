// The camera's cost of sending evidence, in computrons (xsnap's deterministic count of XS work):
// per DATA frame (read from evidence, message header, native CRC-32 and COBS, Serial.write,
// ACK handling) at 4 KB (a 2026 dock's frames) and 32 KB (the largest a dock may offer), and
// the native bytes per frame the device's CPU model charges for them.
import { authenticateCamera } from '../host-tools/dock/dock-handshake.js';
import { dockedCamera, hostPort } from '../test/support/dock-harness.js';

async function costPerFrame(maxData: number, frames: number): Promise<{ compute: number; nativeBytes: number }> {
  const cam = await dockedCamera();
  try {
    const [segment] = await cam.record(1, [maxData * frames]);
    await authenticateCamera(cam.client, hostPort, cam.dock, () => undefined, undefined, maxData);
    // AUTH-REPLY reaches the dock during the AUTH delivery, whose signing (the fixture's pure-JS
    // P-256, ~5 M computrons) ends after it: an empty frame queued behind it waits for that end.
    await cam.inject(Uint8Array.of(0));
    const start = cam.board.meters.length;
    const native = cam.board.native.bytes.crc32 + cam.board.native.bytes.cobs;
    await cam.client.read(2, segment!.sequence, 0, segment!.length, () => undefined);
    const serial = cam.board.meters.slice(start).filter((m) => m.what === 'serial event');
    const compute = serial.reduce((n, m) => n + m.meter.compute, 0);
    return { compute: compute / frames, nativeBytes: (cam.board.native.bytes.crc32 + cam.board.native.bytes.cobs - native) / frames };
  } finally {
    await cam.board.close();
  }
}

export async function dockFrameCost(): Promise<Record<string, number>> {
  const small = await costPerFrame(4096, 40);
  const large = await costPerFrame(32768, 10);
  return {
    'computrons per 4 KB DATA frame (incl. ACK handling)': Math.round(small.compute),
    'computrons per 32 KB DATA frame (incl. ACK handling)': Math.round(large.compute),
    'computronsPerFrameRatio (32 KB / 4 KB; target <= 1.2)': Math.round((large.compute / small.compute) * 1000) / 1000,
    'computrons per payload byte at 32 KB': Math.round((large.compute / 32768) * 100) / 100,
    'native bytes per 32 KB frame (CRC-32 + COBS)': Math.round(large.nativeBytes),
  };
}

if (process.argv[1]?.endsWith('dock-frame-cost.ts')) console.log(await dockFrameCost());
