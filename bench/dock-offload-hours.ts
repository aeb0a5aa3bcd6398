// Hours to offload one recorded hour at the default capture (manifest.json config.chaincam.capture:
// VGA at 10 fps with 8 kHz audio): the bytes a recording leaves on the camera (sealed segments and
// chain.log), measured by recording on the simulated board with real JPEG frames, divided by
// each link's goodput from bench/dock-goodput.ts.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SimulatedBoard } from '../host-tools/sim/board.js';
import { provisionFlash } from '../host-tools/sim/hardware/flash-provisioning.js';
import { boardTarget } from '../host-tools/sim/targets.js';
import { sampleKeys } from '../host-tools/vectors/sample-evidence.js';

const RECORD_SECONDS = 30;

function treeBytes(dir: string): number {
  let total = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const file = path.join(dir, entry.name);
    total += entry.isDirectory() ? treeBytes(file) : fs.statSync(file).size;
  }
  return total;
}

/** Bytes on the camera for one recorded hour at the default capture (measured over 30 s), and frames kept a second. */
export async function recordedBytesPerHour(): Promise<{ bytes: number; fps: number }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'chaincam-offload-hours-'));
  const keys = sampleKeys('offload-hours');
  provisionFlash(dir, keys.camera, keys.agency.publicKey);
  // The default capture, in 2 s segments: the 10 s segments of the default run out of the
  // simulated board's XS heap at VGA today (the capture pipeline's issue); segment length
  // changes the bytes only by the per-segment headers and chain records.
  const chaincam = (boardTarget().config as Record<string, any>).chaincam;
  const board = await SimulatedBoard.boot({
    main: 'test/fixtures/firmware/capture-recorder', storage: { dir, capacityBytes: 4e9 },
    config: { chaincam: { ...chaincam, capture: { ...chaincam.capture, segmentSeconds: 2 } } },
  });
  try {
    await board.advance(1000);
    const before = treeBytes(dir);
    await board.command('start', { ground: 1 });
    await board.advance(RECORD_SECONDS * 1000);
    const { kept } = (await board.command('state')) as { kept: number };
    await board.command('stop');
    await board.advance(2000);
    board.throwIfFaulted();
    return { bytes: ((treeBytes(dir) - before) / RECORD_SECONDS) * 3600, fps: kept / RECORD_SECONDS };
  } finally {
    await board.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Offload hours per recorded hour over each link, from goodputs in bytes a second. */
export async function dockOffloadHours(goodput: Record<string, number>): Promise<Record<string, number>> {
  const { bytes: perHour, fps } = await recordedBytesPerHour();
  const figures: Record<string, number> = {
    'recordedMBPerHour (default capture: VGA 10 fps + 8 kHz audio, MB)': Math.round(perHour / 1e5) / 10,
    'recordedFramesPerSecond (frames kept a second while measuring)': Math.round(fps * 10) / 10,
  };
  for (const [link, bytesPerSecond] of Object.entries(goodput)) {
    figures[`offloadHoursPerRecordedHour.${link} (hours to offload one recorded hour)`] = Math.round((perHour / bytesPerSecond / 3600) * 100) / 100;
  }
  return figures;
}

if (process.argv[1]?.endsWith('dock-offload-hours.ts')) console.log(await recordedBytesPerHour());
