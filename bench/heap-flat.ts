// The XS heap flat over 10,000 frames (issues 12 and 13), on both S3 targets: firmware/main
// records through its button on the board's own worker (the target's fixed XS heap) at VGA
// 10 fps with fixed 25,000-byte frames onto a 32 GB card, in 10 s segments that no dock
// releases; the live heap above the baseline, after a collection, is sampled at ~1,000 and
// ~10,000 frames. Goal: ratio <= 1.01 for chunks and slots (nothing grows with segments held).
import { measureBudget } from '../host-tools/budget/board-budget.js';

const TARGETS = ['lilygo_t_camera_plus_s3', 'xiao_esp32s3_sense'];
const CARD = { capacityBytes: 32 * 1024 ** 3 };

export async function heapFlat(): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const target of TARGETS) {
    const short = target.split('_')[0]!;
    const run = await measureBudget({ target, recordSeconds: 1002, heapAtSeconds: [100, 1001], camera: { frameBytes: 25_000 }, storage: CARD });
    const [at1k, at10k] = run.heapSamples;
    const b = run.budget;
    out[`${short}: frames at the first sample`] = at1k!.frames;
    out[`${short}: frames at the second sample`] = at10k!.frames;
    out[`${short}: live chunks at ~1,000 frames`] = at1k!.chunks;
    out[`${short}: live chunks at ~10,000 frames`] = at10k!.chunks;
    out[`${short}: live chunk ratio 10k/1k (goal <= 1.01)`] = Math.round((10_000 * at10k!.chunks) / at1k!.chunks) / 10_000;
    out[`${short}: live slots at ~1,000 frames`] = at1k!.slots;
    out[`${short}: live slots at ~10,000 frames`] = at10k!.slots;
    out[`${short}: live slot ratio 10k/1k (goal <= 1.01)`] = Math.round((10_000 * at10k!.slots) / at1k!.slots) / 10_000;
    out[`${short}: chunk high water (bytes)`] = b.chunkHighWater;
    out[`${short}: slot high water`] = b.slotHighWater;
  }
  return out;
}
