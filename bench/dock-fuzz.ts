// 100,000 hostile frames (noise, framed garbage, mutated valid requests) into the camera's
// dock link in XS: it must neither fault nor answer beyond HELLO nor change its evidence.
import { authenticateCamera } from '../host-tools/dock/dock-handshake.js';
import { dockedCamera, hostPort } from '../test/support/dock-harness.js';
import { hostileBytes, seededRandom } from '../test/support/dock-fuzz-frames.js';

export async function dockFuzz(frames = 100_000): Promise<Record<string, number>> {
  const cam = await dockedCamera();
  try {
    await cam.record(1, [3000, 3000]);
    const before = await cam.status();
    const random = seededRandom(100_000);
    const started = performance.now();
    let bytes = 0;
    for (let i = 0; i < frames; i++) {
      const chunk = hostileBytes(random);
      bytes += chunk.length;
      await cam.inject(chunk);
    }
    cam.board.throwIfFaulted();
    const after = await cam.status();
    if (after.held.join() !== before.held.join() || after.authenticated) throw new Error('fuzzing changed the camera: held segments or authentication');
    cam.reconnect();
    await cam.inject(Uint8Array.of(0));
    await authenticateCamera(cam.client, hostPort, cam.dock, () => undefined); // still serves a real dock
    return {
      'hostile frames sent': frames,
      'hostile bytes sent': bytes,
      'frames the camera discarded (COBS/CRC/length)': after.discardedFrames,
      'camera faults': 0,
      'seconds': Math.round((performance.now() - started) / 100) / 10,
    };
  } finally {
    await cam.board.close();
  }
}

if (process.argv[1]?.endsWith('dock-fuzz.ts')) console.log(await dockFuzz(Number(process.argv[2] ?? 100_000)));
