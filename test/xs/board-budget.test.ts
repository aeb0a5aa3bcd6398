import assert from 'node:assert/strict';
import { budgetTable } from '../../host-tools/budget/budget-command.js';
import { measureBudget } from '../../host-tools/budget/board-budget.js';
import { targetCreation } from '../../host-tools/sim/board-memory.js';
import { ESP32S3_COMPUTRONS_PER_SECOND } from '../../host-tools/sim/hardware/cpu-model.js';
import { boardTarget } from '../../host-tools/sim/targets.js';
import { runSubcommand } from '../support/run-subcommand.js';

// `chaincam budget` measures the real firmware on the simulated board; its figures are
// checked against what they are made of here, the targets live in bench/board-budget.ts.
describe('chaincam budget: what the firmware needs of the board (XS)', function () {
  it('reports the named figures against the target\'s own limits, partitions and capture settings', async () => {
    const target = boardTarget('xiao_esp32s3_sense');
    const details = await measureBudget({ target: target.name, recordSeconds: 3 });
    const b = details.budget;
    assert.deepEqual(Object.keys(b), ['target', 'chunkHighWater', 'chunkLimit', 'slotHighWater', 'slotLimit', 'storagePartitionBytes', 'cpuRate', 'cpuLoad', 'framesRequestedPerSecond', 'framesKeptPerSecond', 'bootToReadyMs', 'noticeLatencyMs']);
    const creation = targetCreation(target.name);
    assert.equal(b.target, 'xiao_esp32s3_sense');
    assert.equal(b.chunkLimit, creation.chunk);
    assert.equal(b.slotLimit, creation.slots);
    assert.equal(b.storagePartitionBytes, target.storageBytes);
    assert.equal(b.cpuRate, ESP32S3_COMPUTRONS_PER_SECOND);
    assert.equal(b.framesRequestedPerSecond, (target.config as any).chaincam.capture.fps);
    assert.ok(b.chunkHighWater > 0 && b.chunkHighWater <= b.chunkLimit, `chunk high water ${b.chunkHighWater}`);
    assert.ok(b.slotHighWater > 0 && b.slotHighWater <= b.slotLimit, `slot high water ${b.slotHighWater}`);
    assert.ok(b.cpuLoad > 0 && b.cpuLoad <= 1, `CPU load ${b.cpuLoad}`);
    assert.ok(b.framesKeptPerSecond > 0, 'the recording kept frames');
    assert.ok(b.bootToReadyMs > 0 && b.noticeLatencyMs > 0);
    assert.ok(details.storageUsedBytes > 0, 'the recording reached the flash');
    assert.match(budgetTable(details), new RegExp(`chunk heap \\(bytes\\)[\\s\\d,]+/ ${creation.chunk.toLocaleString('en-US')}`));
  });

  it('rejects a CPU rate that is not a number of computrons a second', () => {
    const run = runSubcommand('host-tools/budget/budget-command.ts', 'registerBudgetCommand', ['budget', '--cpu-rate', 'fast']);
    assert.notEqual(run.status, 0);
    assert.match(run.stderr, /expected computrons per second of device time/);
  });
});
