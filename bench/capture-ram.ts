// Peak RAM of the capture path against segment length: the same 125 s recording (100 KB frames
// at 10 fps with 8 kHz audio) in 10 s and in 60 s segments. Figures are xsnap's own meters: the
// space the XS machine has allocated (chunks and slots; it only grows, so its largest figure is
// the peak) and the live slots after a collection 55 s in (the 60 s segment nearly full).
// xsnap starts with 32 MB of chunks and grows by 4 MB, so the peak can only show a footprint
// past 32 MB: a segment held in RAM shows (60 s of these frames is 60 MB), a streamed one must
// not. Goal: ratio <= 1.05.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SimulatedBoard } from '../host-tools/sim/board.js';
import { provisionFlash } from '../host-tools/sim/hardware/flash-provisioning.js';
import { boardTarget } from '../host-tools/sim/targets.js';
import { sampleKeys } from '../host-tools/vectors/sample-evidence.js';

const FIXTURE = 'test/fixtures/firmware/capture-recorder';
const keys = sampleKeys('capture-ram');
const chaincam = (boardTarget().config as Record<string, any>).chaincam;

interface RamFigures {
  /** XS allocated space when the recording started and at its end (bytes). */
  atStart: number;
  peak: number;
  liveSlotsMid: number;
  liveSlotsAfter: number;
  kept: number;
}

export async function recordingRam(segmentSeconds: number, seconds = 125): Promise<RamFigures> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'chaincam-capture-ram-'));
  provisionFlash(dir, keys.camera, keys.agency.publicKey);
  const board = await SimulatedBoard.boot({
    // xsnap's own growing heap, whose allocated space this bench reads (the board's fixed XS
    // limits are enforced everywhere else and reported by bench/board-budget.ts).
    memory: 'unlimited',
    main: FIXTURE, storage: { dir, capacityBytes: 4e9 }, camera: { frameBytes: 100_000 },
    config: { chaincam: { ...chaincam, capture: { width: 640, height: 480, fps: 10, segmentSeconds } } },
  });
  try {
    await board.advance(1000);
    await board.collectGarbage();
    const from = board.meters.length;
    await board.command('start', { ground: 1 });
    await board.advance(55_000);
    const liveSlotsMid = await board.collectGarbage();
    await board.advance(seconds * 1000 - 55_000);
    await board.command('stop');
    await board.advance(500);
    const during = board.meters.slice(from).map((m) => m.meter.allocate);
    const { kept } = (await board.command('state')) as { kept: number };
    return { atStart: during[0]!, peak: Math.max(...during), liveSlotsMid, liveSlotsAfter: await board.collectGarbage(), kept };
  } finally {
    await board.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

export async function captureRam(): Promise<Record<string, number>> {
  const short = await recordingRam(10);
  const long = await recordingRam(60);
  return {
    'frames kept (each run)': long.kept,
    'XS allocated at start, bytes': short.atStart,
    'peak XS allocated, 10 s segments, bytes': short.peak,
    'peak XS allocated, 60 s segments, bytes': long.peak,
    'peak ratio 60 s / 10 s (goal <= 1.05)': Number((long.peak / short.peak).toFixed(3)),
    'growth while recording, 10 s segments': short.peak - short.atStart,
    'growth while recording, 60 s segments': long.peak - long.atStart,
    'live slots 55 s in, 10 s segments': short.liveSlotsMid,
    'live slots 55 s in, 60 s segments': long.liveSlotsMid,
    'live slots after, 10 s segments': short.liveSlotsAfter,
    'live slots after, 60 s segments': long.liveSlotsAfter,
  };
}
