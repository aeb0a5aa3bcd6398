// Mutation testing reaches the firmware in XS (host-tools/sim/mutation-switch.ts, docs/MUTATION.md):
// Stryker's active mutant is handed into the firmware's compartment, and the mutants the firmware
// reaches are counted for the test Stryker is in. Without Stryker, the firmware sees nothing.
import assert from 'node:assert/strict';
import { SimulatedBoard } from '../../host-tools/sim/board.js';

const FIXTURE = 'test/fixtures/firmware/mutation-probe';
type Namespace = { activeMutant?: string; currentTestId?: string; mutantCoverage?: { static: Record<string, number>; perTest: Record<string, Record<string, number>> } };
const global = globalThis as { __stryker__?: Namespace };

describe('mutation switch on the simulated board (XS)', function () {
  this.timeout(60_000);
  let board: SimulatedBoard | undefined;
  afterEach(async () => {
    await board?.close();
    board = undefined;
    delete global.__stryker__;
    delete process.env.__STRYKER_ACTIVE_MUTANT__;
  });

  it('outside a mutation run the firmware has no __stryker__', async () => {
    board = await SimulatedBoard.boot({ main: FIXTURE });
    assert.deepEqual(await board.command('switch'), { present: false, activeMutant: null, hitLimit: null });
  });

  it("hands Stryker's active mutant to the firmware, from the mocha runner or the environment", async () => {
    global.__stryker__ = { activeMutant: '42' };
    board = await SimulatedBoard.boot({ main: FIXTURE });
    assert.deepEqual(await board.command('switch'), { present: true, activeMutant: '42', hitLimit: 10_000_000 });
    await board.close();
    delete global.__stryker__;
    process.env.__STRYKER_ACTIVE_MUTANT__ = '7';
    board = await SimulatedBoard.boot({ main: FIXTURE });
    assert.deepEqual(await board.command('switch'), { present: true, activeMutant: '7', hitLimit: 10_000_000 });
  });

  it('counts each mutant the firmware reaches once per test, for the test Stryker is in', async () => {
    const ns: Namespace = { currentTestId: 'test A', mutantCoverage: { static: {}, perTest: {} } };
    global.__stryker__ = ns;
    board = await SimulatedBoard.boot({ main: FIXTURE });
    assert.deepEqual(await board.command('switch'), { present: true, activeMutant: null, hitLimit: null });
    await board.command('cover', { ids: ['3', '5', '3'] });
    ns.currentTestId = 'test B';
    await board.command('cover', { ids: ['3'] });
    await board.command('cover', { ids: ['3'] });
    assert.deepEqual(ns.mutantCoverage!.perTest, { 'test A': { 3: 1, 5: 1 }, 'test B': { 3: 1 } });
    assert.deepEqual(ns.mutantCoverage!.static, {});
  });
});
