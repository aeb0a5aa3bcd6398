import assert from 'node:assert/strict';
import { SimulatedBoard } from '../../host-tools/sim/board.js';
import { boardTarget } from '../../host-tools/sim/targets.js';

// The simulated flash file system is the target's "storage" partition from its partitions.csv.
describe('the board flash: the storage partition of partitions.csv (XS)', function () {
  let board: SimulatedBoard | undefined;
  afterEach(async () => board?.close());

  it('each target has its partition table and a storage partition for the file system', () => {
    const lilygo = boardTarget('lilygo_t_camera_plus_s3');
    const xiao = boardTarget('xiao_esp32s3_sense');
    assert.equal(lilygo.partitions?.find((p) => p.name === 'storage')?.size, lilygo.storageBytes);
    assert.equal(xiao.partitions?.find((p) => p.name === 'storage')?.size, xiao.storageBytes);
    // The partitions fit the modules' flash: 16 MB on the LILYGO, 8 MB on the XIAO.
    const end = (t: typeof lilygo) => Math.max(...t.partitions!.map((p) => p.offset + p.size));
    assert.ok(end(lilygo) <= 16 * 1024 * 1024);
    assert.ok(end(xiao) <= 8 * 1024 * 1024);
  });

  it('writes fail with "file system full" at the XIAO storage partition size', async () => {
    const target = boardTarget('xiao_esp32s3_sense');
    board = await SimulatedBoard.boot({ target: target.name, main: 'test/fixtures/firmware/flash-filler' });
    const used = board.storage.usedBytes;
    const { written, error, total } = (await board.command('fill', { chunkBytes: 65_536 })) as { written: number; error: string; total: number };
    assert.equal(total, target.storageBytes, 'System.info() reports the partition');
    assert.match(error, /file system full/);
    assert.ok(used + written <= target.storageBytes && used + written + 65_536 > target.storageBytes, `${written} bytes written after ${used}`);
  });
});
