// The camera's cost of sending evidence, in computrons (xsnap's deterministic count of XS work):
// per DATA frame (read from evidence, message header, native CRC-32 and COBS, the write into
// drivers/dock-uart's TX ring, ACK handling) at 4 KB (a 2026 dock's frames) and 32 KB (the
// largest a dock may offer), and the native work per frame the device's CPU model charges for
// them. The TX ring holds the whole window, so no write is refused and no onWritable callback
// runs: refusals per read is reported to show it.
import { authenticateCamera } from '../host-tools/dock/dock-handshake.js';
import { dockedCamera, hostPort } from '../test/support/dock-harness.js';

async function costPerFrame(maxData: number, frames: number): Promise<{ compute: number; nativeBytes: number; deviceMs: number; fileReadMs: number; refusals: number }> {
  const cam = await dockedCamera();
  try {
    const [segment] = await cam.record(1, [maxData * frames]);
    await authenticateCamera(cam.client, hostPort, cam.dock, () => undefined, undefined, maxData);
    // AUTH-REPLY reaches the dock during the AUTH delivery, whose signing (the fixture's pure-JS
    // P-256, ~5 M computrons) ends after it: an empty frame queued behind it waits for that end.
    await cam.inject(Uint8Array.of(0));
    const start = cam.board.meters.length;
    const { native, cpu } = cam.board;
    const crcBefore = native.bytes.crc32;
    const cobsBefore = native.bytes.cobs;
    const nativeMs = () => ['crc32', 'cobs', 'serial-copy'].reduce((ms, kind) => ms + (cpu.nativeMsByKind.get(kind as 'crc32') ?? 0), 0);
    const nativeMsBefore = nativeMs();
    const refusalsBefore = cam.board.dockSerial.refusals;
    await cam.client.read(2, segment!.sequence, 0, segment!.length, () => undefined);
    const serial = cam.board.meters.slice(start).filter((m) => m.what === 'serial event');
    const compute = serial.reduce((n, m) => n + m.meter.compute, 0) / frames;
    const crc = (native.bytes.crc32 - crcBefore) / frames;
    const cobs = (native.bytes.cobs - cobsBefore) / frames;
    // Device time under the CPU model: the XS work plus the native CRC-32, COBS and the copy into
    // the driver's TX ring. The fixture keeps its evidence in memory; a camera reads it from its
    // card, which fileReadMs adds.
    const deviceMs = cpu.computeMs(compute) + (nativeMs() - nativeMsBefore) / frames;
    const refusals = cam.board.dockSerial.refusals - refusalsBefore;
    return { compute, nativeBytes: crc + cobs, deviceMs, fileReadMs: (maxData * 1000) / cpu.byteRates['file-read'], refusals };
  } finally {
    await cam.board.close();
  }
}

export async function dockFrameCost(): Promise<Record<string, number>> {
  const small = await costPerFrame(4096, 40);
  const large = await costPerFrame(32768, 10);
  const round = (n: number, places: number) => Math.round(n * 10 ** places) / 10 ** places;
  return {
    'computronsPer4KFrame (per 4 KB DATA frame, ACK handling included)': Math.round(small.compute),
    'computronsPer32KFrame (per 32 KB DATA frame, ACK handling included)': Math.round(large.compute),
    'computronsPerFrameRatio (32 KB / 4 KB; target <= 1.2)': round(large.compute / small.compute, 3),
    'computronsPerPayloadByte32K (at 32 KB)': round(large.compute / 32768, 3),
    'nativeBytesPer32KFrame (CRC-32 + COBS)': Math.round(large.nativeBytes),
    'deviceMsPer32KFrame (XS + native CRC-32, COBS and TX ring copy, CPU model)': round(large.deviceMs, 3),
    'deviceMsPer32KFrameWithFileRead (plus reading 32 KB from the card)': round(large.deviceMs + large.fileReadMs, 3),
    'txRingRefusals32K (writes the TX ring refused while reading 10 frames of 32 KB: each costs an onWritable)': large.refusals,
    'cameraBoundKBps (32 KB frames the camera can frame and read a second, kB/s)': Math.round(32768 / (large.deviceMs + large.fileReadMs)),
  };
}

if (process.argv[1]?.endsWith('dock-frame-cost.ts')) console.log(await dockFrameCost());
