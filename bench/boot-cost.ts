// Firmware cost on the simulated board, in computrons (xsnap's deterministic
// count of XS work), so the figure does not drift with machine noise.
import { SimulatedBoard } from '../host-tools/sim/board.js';

export async function bootCost(): Promise<Record<string, number>> {
  // The XIAO's LED is on a pin (the LILYGO's light is a lamp drawn on its sign).
  const board = await SimulatedBoard.boot({ meterCalls: true, target: 'xiao_esp32s3_sense' });
  try {
    const [bootstrap, boot] = board.meters;
    const firstLed = board.firstCallCompute.get(`digital.write:${board.channelPin('led')}`);
    if (!bootstrap || !boot || firstLed === undefined) throw new Error('expected the first LED write during the boot delivery');
    const heapAtBoot = await board.collectGarbage();
    await board.advance(3_600_000);
    const heapAfterHour = await board.collectGarbage();
    const steps = board.meters.filter((m) => m.what === 'step');
    return {
      'bootstrap (board silicon) computrons': bootstrap.meter.compute,
      'power-on to first LED write computrons': firstLed,
      'power-on to ready (self-test, sign drawn) computrons': bootstrap.meter.compute + boot.meter.compute,
      'ready-pattern step computrons (mean)': Math.round(steps.reduce((s, m) => s + m.meter.compute, 0) / steps.length),
      'live heap slots after boot (after gc)': heapAtBoot,
      'live heap slots after 1 h ready (after gc)': heapAfterHour,
    };
  } finally {
    await board.close();
  }
}
