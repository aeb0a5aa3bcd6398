// The capture pipeline's cost on the simulated board: XS computrons per frame for 10 KB and
// 100 KB frames (the firmware must never walk payload bytes in JavaScript: ratio <= 1.05),
// live heap over 10,000 frames (flat), and the frame rate the simulated board sustains at
// VGA and SVGA with real JPEG frames (host wall clock: virtual video seconds per second).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SimulatedBoard } from '../host-tools/sim/board.js';
import { provisionFlash } from '../host-tools/sim/hardware/flash-provisioning.js';
import { boardTarget } from '../host-tools/sim/targets.js';
import { sampleKeys } from '../host-tools/vectors/sample-evidence.js';

const FIXTURE = 'test/fixtures/firmware/capture-recorder';
const keys = sampleKeys('capture-cost');
const chaincam = (boardTarget().config as Record<string, any>).chaincam;

async function withBoard<T>(capture: Record<string, unknown>, camera: Record<string, unknown>, run: (board: SimulatedBoard) => Promise<T>): Promise<T> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'chaincam-capture-cost-'));
  provisionFlash(dir, keys.camera, keys.agency.publicKey);
  const board = await SimulatedBoard.boot({ main: FIXTURE, storage: { dir, capacityBytes: 4e9 }, camera, config: { chaincam: { ...chaincam, capture } } });
  try {
    await board.advance(1000);
    await board.command('start', { ground: 1 });
    return await run(board);
  } finally {
    await board.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Computrons per kept frame over `seconds` of recording, segment closes and sealing included. */
async function perFrame(frameBytes: number): Promise<number> {
  return withBoard({ width: 320, height: 240, fps: 10, segmentSeconds: 10 }, { frameBytes }, async (board) => {
    const from = board.meters.length;
    await board.advance(30_000);
    const compute = board.meters.slice(from).reduce((sum, m) => sum + m.meter.compute, 0);
    const { kept } = (await board.command('state')) as { kept: number };
    return compute / kept;
  });
}

export async function captureCost(): Promise<Record<string, number>> {
  const small = await perFrame(10_000);
  const large = await perFrame(100_000);
  const heap = await withBoard({ width: 320, height: 240, fps: 10, segmentSeconds: 10 }, { frameBytes: 10_000 }, async (board) => {
    await board.advance(100_000);
    const after1k = await board.collectGarbage();
    await board.advance(900_000);
    const after10k = await board.collectGarbage();
    const { kept } = (await board.command('state')) as { kept: number };
    return { after1k, after10k, kept };
  });
  const figures: Record<string, number> = {
    'computrons per frame, 10 KB frames': Math.round(small),
    'computrons per frame, 100 KB frames': Math.round(large),
    'ratio 100 KB / 10 KB (goal <= 1.05)': Number((large / small).toFixed(3)),
    'frames kept in the heap run': heap.kept,
    'live heap slots after 1,000 frames': heap.after1k,
    'live heap slots after 10,000 frames': heap.after10k,
  };
  for (const [name, width, height] of [['VGA', 640, 480], ['SVGA', 800, 600]] as const) {
    const fps = await withBoard({ width, height, fps: 25, segmentSeconds: 2 }, { sensorFps: 25 }, async (board) => {
      const started = performance.now();
      await board.advance(4000);
      const { kept } = (await board.command('state')) as { kept: number };
      return kept / ((performance.now() - started) / 1000);
    });
    figures[`${name} frames per host second (real JPEGs, sealed)`] = Number(fps.toFixed(1));
  }
  return figures;
}
