import assert from 'node:assert/strict';
import { SimulatedBoard } from '../../host-tools/sim/board.js';
import { targetCreation } from '../../host-tools/sim/board-memory.js';
import { FirmwareFault } from '../../host-tools/sim/firmware-fault.js';

// The firmware runs under the target's XS creation limits (manifest.json): what does not fit
// aborts with "memory full", as on the device.
describe('the board XS memory: the target creation limits bite (XS)', function () {
  let board: SimulatedBoard | undefined;
  afterEach(async () => board?.close());

  const MAIN = 'test/fixtures/firmware/heap-hog';

  async function fault(run: () => Promise<unknown>): Promise<FirmwareFault> {
    try {
      await run();
    } catch (error) {
      if (error instanceof FirmwareFault) return error;
      throw error;
    }
    assert.fail('the firmware fitted');
  }

  it('holding camera frames past the chunk heap fails with "memory full", naming the limit', async () => {
    const creation = targetCreation('lilygo_t_camera_plus_s3');
    board = await SimulatedBoard.boot({ main: MAIN });
    const frames = Math.floor(creation.chunk / 25_000);
    assert.equal(await board.command('hold-frames', { count: frames - 1, bytes: 25_000 }), frames - 1, 'frames that fit are held');
    await board.command('release');
    const error = await fault(() => board!.command('hold-frames', { count: frames + 1, bytes: 25_000 }));
    assert.equal(error.kind, 'memory');
    assert.match(error.message, /memory full at test\/fixtures\/firmware\/heap-hog\.ts:8 while a test-command event/);
    assert.match(error.message, new RegExp(`${creation.chunk.toLocaleString('en-US')} chunk bytes`));
    // Named as xsbug names it on the device: the module and TypeScript line where XS ran out.
    assert.equal(error.module, 'test/fixtures/firmware/heap-hog.ts:8', 'the line that allocates the frames');
    assert.match(error.firmwareStack, /\(test\/fixtures\/firmware\/heap-hog\.ts:8\)/);
  });

  it('holding more objects than the slot heap fails with "memory full"', async () => {
    const creation = targetCreation('lilygo_t_camera_plus_s3');
    board = await SimulatedBoard.boot({ main: MAIN });
    const error = await fault(() => board!.command('hold-objects', { count: creation.slots }));
    assert.equal(error.kind, 'memory');
    assert.match(error.message, /memory full/);
    assert.equal(error.module, 'test/fixtures/firmware/heap-hog.ts:13', 'the line that makes the objects');
  });

  it('the same firmware fits an unlimited heap: the limit is what bites', async () => {
    board = await SimulatedBoard.boot({ main: MAIN, memory: 'unlimited' });
    assert.equal(await board.command('hold-frames', { count: 10, bytes: 25_000 }), 10);
  });

  it('reports the firmware\'s own chunk and slot high water against the limits', async () => {
    board = await SimulatedBoard.boot({ main: MAIN });
    await board.command('hold-frames', { count: 2, bytes: 25_000 });
    await board.collectGarbage();
    const memory = board.memory!;
    assert.equal(memory.chunkLimit, targetCreation('lilygo_t_camera_plus_s3').chunk);
    assert.ok(memory.chunkHighWater >= 50_000 && memory.chunkHighWater < memory.chunkLimit, `chunk high water ${memory.chunkHighWater}`);
    assert.ok(memory.slotHighWater > 0 && memory.slotHighWater < memory.slotLimit, `slot high water ${memory.slotHighWater}`);
  });
});
