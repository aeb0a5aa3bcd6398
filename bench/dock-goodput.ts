// Offload goodput over real ptys: the simulated camera (XS) behind a modelled line against
// `chaincam dock`'s station (which offers 32 KB frames at HELLO): a UART (10 bits per byte,
// 2 ms latency each way) at 921,600 and 2,000,000 baud, and full-speed USB CDC-ACM
// (host-tools/sim/hardware/usb-cdc.ts: 1 MB/s, 64-byte packets, 1 ms each way), in device time
// (the CPU model charges the camera's work). The unthrottled offload against `cat` is gone: with
// the CPU model the camera, not the pty, bounds an unpaced link (dock-frame-cost.ts reports
// that bound, cameraBoundKBps).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { toHex } from '../firmware/format/bytes.js';
import { generateP256KeyPair } from '../firmware/format/key-derivation.js';
import { DockStation } from '../host-tools/dock/dock-station.js';
import { SerialBridge } from '../host-tools/sim/serial-bridge.js';
import { SimulatedBoard } from '../host-tools/sim/board.js';
import { USB_FULL_SPEED_CDC, uartLink, type LinkModel } from '../host-tools/sim/hardware/usb-cdc.js';
import { USB_SERIAL_JTAG_PORT } from '../host-tools/sim/hardware/dock-serial.js';
import { EvidenceStore } from '../host-tools/store/evidence-store.js';
import { hostPort } from '../test/support/dock-harness.js';
import { ptyPair } from '../test/support/pty-pair.js';

async function offload(bytes: number, link: LinkModel, speed: number): Promise<{ goodput: number; seconds: number }> {
  const pair = await ptyPair();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'chaincam-bench-'));
  // USB: the camera's USB-Serial-JTAG port through drivers/dock-usb (a release build: xsbug does
  // not hold it); a UART: drivers/dock-uart at the line's baud. Each driver's TX ring drains at the
  // line's rate in device time (host-tools/sim/hardware/dock-serial.ts).
  const usb = link === USB_FULL_SPEED_CDC;
  const board = await SimulatedBoard.boot({ main: 'test/fixtures/firmware/dock-camera', usbSerialJtag: usb ? 'free' : 'xsbug' });
  const dockKey = generateP256KeyPair(hostPort);
  await board.command('provision', {
    cameraPrivateKey: toHex(generateP256KeyPair(hostPort).privateKey), enrolledDocks: [toHex(dockKey.publicKey)],
    ...(usb ? { link: 'usb' } : { baud: link.bytesPerSecond * 10 }),
  });
  const segment = 256 * 1024;
  await board.command('record', { recording: 1, sizes: Array(Math.ceil(bytes / segment)).fill(segment) });
  // Slower than real time: the dock on this (shared, loaded) host gets several wall ms for each
  // device ms, so what is measured is the camera and the line, not the host's scheduling.
  const bridge = await SerialBridge.open({ board, path: pair.camera, link, speed, uartPort: usb ? USB_SERIAL_JTAG_PORT : undefined });
  bridge.start();
  const store = EvidenceStore.open(dir);
  const samples: [number, number][] = [];
  let chainDone = Infinity;
  const station = new DockStation({
    path: pair.dock, baud: 2_000_000, store, dockKey, port: hostPort, log: () => undefined, once: true, timeoutMs: Math.ceil(3000 / speed),
    progress: (_, p) => {
      if (chainDone === Infinity && p.doneBytes > 0 && p.totalBytes - p.doneBytes <= Math.ceil(bytes / segment) * segment) chainDone = p.doneBytes;
      // Device time: the board's virtual clock, which the CPU model advances with the camera's
      // computrons and native bytes (host-tools/sim/hardware/cpu-model.ts) and the bridge paces
      // with the line.
      // Only when bytes arrive: later reports (verifying, storing, releasing) are not the link's time.
      // The segments' bytes only: not the chain's new tail read after CLOSE, once the receipts are done.
      const segmentsEnd = chainDone + Math.ceil(bytes / segment) * segment;
      if (p.doneBytes >= chainDone && p.doneBytes <= segmentsEnd && p.doneBytes > (samples.at(-1)?.[1] ?? -1)) samples.push([board.now, p.doneBytes]);
    },
  });
  try {
    await station.run();
    const [t0, b0] = samples[0]!;
    const [t1, b1] = samples.at(-1)!;
    const seconds = (t1 - t0) / 1000;
    return { goodput: (b1 - b0) / seconds, seconds };
  } finally {
    await station.stop();
    store.close();
    await bridge.close();
    await board.close();
    await pair.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Goodput in bytes a second over each link of LINKS, from the last dockGoodput(). */
export const measuredGoodput: Record<string, number> = {};

/** Goodput over each modelled link, by key: uart921600, uart2000000, usb (bytes a second). */
export const LINKS: Record<string, LinkModel> = { uart921600: uartLink(921_600), uart2000000: uartLink(2_000_000), usb: USB_FULL_SPEED_CDC };

export async function dockGoodput(): Promise<Record<string, number>> {
  const figures: Record<string, number> = {};
  for (const [key, link] of Object.entries(LINKS)) {
    const line = link.bytesPerSecond;
    // 512 KB, sealed into the camera's evidence store on the simulated flash (the dock-camera
    // fixture): the camera's flash reads are charged as the board's native work (4 MB/s).
    // At most a quarter of real time, and at least 5 wall seconds on the line; the better of two
    // offloads, since a stall of this host (not of the camera or the line) only lowers a figure.
    const bytes = 512 * 1024;
    const speed = Math.min(0.25, bytes / line / 5);
    let goodput = 0;
    for (let trial = 0; trial < 2; trial++) goodput = Math.max(goodput, (await offload(bytes, link, speed)).goodput);
    figures[`deviceGoodputRatio.${key} (goodput/line rate, ${link.name})`] = Math.round((goodput / line) * 1000) / 1000;
    figures[`goodputKBps.${key} (kB/s)`] = Math.round(goodput / 1000);
    measuredGoodput[key] = goodput;
  }
  return figures;
}

if (process.argv[1]?.endsWith('dock-goodput.ts')) console.log(await dockGoodput());
