// What the indicator journal and the bench commands cost the camera, in computrons: keeping
// one entry (it happens at every LED blink, tone and sign redraw, bench or not), and answering
// a bench station's status and journal-page requests (frame decode, command, reply, CRC, COBS).
import { BenchLink } from '../host-tools/bench/bench-link.js';
import { SimulatedBoard } from '../host-tools/sim/board.js';
import { bootBenchBoard } from '../test/support/bench-board.js';
import { attachDock, hostPort } from '../test/support/dock-harness.js';

const REQUESTS = 50;

async function perEntry(): Promise<number> {
  const board = await SimulatedBoard.boot({ main: 'test/fixtures/firmware/journal-workout' });
  try {
    await board.command('record', { count: 0 });
    const idle = board.meters.at(-1)!.meter.compute;
    await board.command('record', { count: 10_000 });
    return (board.meters.at(-1)!.meter.compute - idle) / 10_000;
  } finally {
    await board.close();
  }
}

export async function journalCost(): Promise<Record<string, number>> {
  const camera = await bootBenchBoard();
  try {
    const { board } = camera;
    await board.advance(60_000); // a minute of the ready blink: a full page to read
    const link = new BenchLink(attachDock(board).client);
    await link.authenticate(hostPort, camera.key);
    // A reply reaches the host during its delivery, before that delivery's meter is in:
    // average over many requests, and let the last delivery finish before summing.
    const perRequest = async (request: () => Promise<unknown>) => {
      await board.advance(0);
      const start = board.meters.length;
      for (let i = 0; i < REQUESTS; i++) await request();
      await board.advance(0);
      return Math.round(board.meters.slice(start).filter((m) => m.what === 'serial event').reduce((n, m) => n + m.meter.compute, 0) / REQUESTS);
    };
    const status = await perRequest(() => link.status());
    const journal = await perRequest(() => link.journal(0));
    return {
      'computrons per journal entry (fixture loop included)': Math.round(await perEntry()),
      'computrons per bench status (request to reply)': status,
      'computrons per journal page (20 entries)': journal,
    };
  } finally {
    await camera.close();
  }
}
