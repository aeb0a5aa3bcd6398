// The board's budgets (issue 12's targets), in device time under the stated CPU model
// (host-tools/sim/hardware/cpu-model.ts): the real firmware/main on each target's simulated
// board, recording through its button.
// Targets at the default capture (VGA 10 fps + 8 kHz audio): frames kept = requested, CPU load
// <= 0.5, chunk and slot high water <= 0.7 of the limits and flat over 10,000 frames, button to
// notice <= 100 ms, boot to ready <= 2 s. The same at SVGA 20 fps is reported.
// Footage goes to a flash as large as a microSD card (32 GiB): the storage partition holds under a
// minute of VGA (reported as "partition holds s"), and a full store stops the recording, which
// would hide the CPU and frame figures. `chaincam budget` measures on the partition itself.
// The flat-heap run records 1,000 s of fixed 25,000-byte frames.
import { measureBudget, type BudgetDetails } from '../host-tools/budget/board-budget.js';

const TARGETS = ['lilygo_t_camera_plus_s3', 'xiao_esp32s3_sense'];
const CARD = { capacityBytes: 32 * 1024 ** 3 };

function figures(prefix: string, d: BudgetDetails): Record<string, number> {
  const b = d.budget;
  return {
    [`${prefix} frames kept/s (requested ${b.framesRequestedPerSecond})`]: b.framesKeptPerSecond,
    [`${prefix} CPU load`]: b.cpuLoad,
    [`${prefix} chunk high water / limit`]: Math.round((1000 * b.chunkHighWater) / b.chunkLimit) / 1000,
    [`${prefix} slot high water / limit`]: Math.round((1000 * b.slotHighWater) / b.slotLimit) / 1000,
    [`${prefix} button to notice (ms)`]: b.noticeLatencyMs,
    [`${prefix} boot to ready (ms)`]: b.bootToReadyMs,
    [`${prefix} storage bytes per recorded second`]: Math.round(d.storageUsedBytes / d.recordedSeconds),
    [`${prefix} storage partition holds (s)`]: Math.round(b.storagePartitionBytes / (d.storageUsedBytes / d.recordedSeconds)),
    [`${prefix} sensor frames not taken (25 fps sensor, 3 buffers)`]: d.framesDropped,
  };
}

export async function boardBudget(): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const target of TARGETS) {
    const short = target.split('_')[0]!;
    Object.assign(out, figures(`${short} VGA@10`, await measureBudget({ target, recordSeconds: 30, storage: CARD })));
    Object.assign(out, figures(`${short} SVGA@20`, await measureBudget({ target, recordSeconds: 30, storage: CARD, capture: { width: 800, height: 600, fps: 20 } })));
  }
  // Flat over 10,000 frames: live heap (after a collection) at frame ~1,000 and ~10,000.
  const flat = await measureBudget({
    target: TARGETS[0]!, recordSeconds: 1002, heapAtSeconds: [100, 1001],
    camera: { frameBytes: 25_000 }, storage: CARD,
  });
  const [at1k, at10k] = flat.heapSamples;
  out['flat: frames at the first sample'] = at1k!.frames;
  out['flat: frames at the second sample'] = at10k!.frames;
  out['flat: live chunks at ~1,000 frames'] = at1k!.chunks;
  out['flat: live chunks at ~10,000 frames'] = at10k!.chunks;
  out['flat: live slots at ~1,000 frames'] = at1k!.slots;
  out['flat: live slots at ~10,000 frames'] = at10k!.slots;
  out['flat: CPU load over 1,000 s'] = flat.budget.cpuLoad;
  return out;
}
