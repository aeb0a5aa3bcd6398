// Firmware cost on the simulated board, in computrons (xsnap's deterministic
// count of XS work), so the figure does not drift with machine noise.
import { SimulatedBoard } from '../host-tools/sim/board.js';

export async function bootCost(): Promise<Record<string, number>> {
  const board = await SimulatedBoard.boot();
  try {
    const [bootstrap, boot] = board.meters;
    const firstLed = board.timeline.entries.find((e) => e.kind === 'gpio' && e.channel === 'led');
    if (!bootstrap || !boot || !firstLed || firstLed.t !== 0) throw new Error('expected the first LED change during the boot delivery');
    const heapAtBoot = await board.collectGarbage();
    await board.advance(3_600_000);
    const heapAfterHour = await board.collectGarbage();
    const steps = board.meters.filter((m) => m.what === 'step');
    return {
      'bootstrap (board silicon) computrons': bootstrap.meter.compute,
      'boot to first LED change computrons': boot.meter.compute,
      'ready-pattern step computrons (mean)': Math.round(steps.reduce((s, m) => s + m.meter.compute, 0) / steps.length),
      'live heap slots after boot (after gc)': heapAtBoot,
      'live heap slots after 1 h ready (after gc)': heapAfterHour,
    };
  } finally {
    await board.close();
  }
}
