// The camera's cost of sending evidence, in computrons (xsnap's deterministic count of XS work):
// per 4 KB DATA frame (read from evidence, message header, CRC-32, COBS, Serial.write) and,
// for scale, per HELLO-to-AUTH handshake (dominated by the fixture's pure-JS P-256).
import { authenticateCamera } from '../host-tools/dock/dock-handshake.js';
import { dockedCamera, hostPort } from '../test/support/dock-harness.js';

export async function dockFrameCost(): Promise<Record<string, number>> {
  const cam = await dockedCamera();
  try {
    const [segment] = await cam.record(1, [4096 * 50]);
    await authenticateCamera(cam.client, hostPort, cam.dock, () => undefined);
    const start = cam.board.meters.length;
    await cam.client.read(2, segment!.sequence, 0, segment!.length, () => undefined);
    const serial = cam.board.meters.slice(start).filter((m) => m.what === 'serial event');
    const compute = serial.reduce((n, m) => n + m.meter.compute, 0);
    return {
      'DATA frames sent (4096 bytes each)': 50,
      'computrons per 4 KB DATA frame (incl. ACK handling)': Math.round(compute / 50),
      'computrons per payload byte': Math.round((compute / 50 / 4096) * 10) / 10,
    };
  } finally {
    await cam.board.close();
  }
}
