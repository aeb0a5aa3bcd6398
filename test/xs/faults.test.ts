import assert from 'node:assert/strict';
import { SimulatedBoard } from '../../host-tools/sim/board.js';
import { FirmwareFault } from '../../host-tools/sim/firmware-fault.js';

// xsnap-worker exits 0 or keeps running after some of these; the board must
// still fail, from the firmware's own reports, naming the module.
describe('firmware faults on the simulated board (XS)', () => {
  async function expectFault(main: string, ms: number, check: (fault: FirmwareFault) => void): Promise<void> {
    let board: SimulatedBoard | undefined;
    try {
      board = await SimulatedBoard.boot({ main });
      await board.advance(ms);
      assert.fail(`${main} ran ${ms} ms without a fault`);
    } catch (error) {
      if (!(error instanceof FirmwareFault)) throw error;
      check(error);
    } finally {
      await board?.close();
    }
  }

  it('an exception while main is evaluated names the module and line', async () => {
    await expectFault('test/fixtures/firmware/throws-at-boot', 0, (fault) => {
      assert.equal(fault.kind, 'module');
      assert.equal(fault.module, 'test/fixtures/firmware/throws-at-boot.ts:3');
      assert.match(fault.message, /boom at boot/);
    });
  });

  it('a missing module import names the importer and the missing specifier', async () => {
    await expectFault('test/fixtures/firmware/imports-missing', 0, (fault) => {
      assert.equal(fault.kind, 'module');
      assert.match(fault.message, /in test\/fixtures\/firmware\/imports-missing/);
      assert.match(fault.message, /imports "\.\.\/\.\.\/\.\.\/firmware\/does-not-exist\.js", which does not exist/);
    });
  });

  it('an unhandled promise rejection fails the run at the virtual time it happened', async () => {
    await expectFault('test/fixtures/firmware/rejects-later', 2000, (fault) => {
      assert.equal(fault.kind, 'unhandled-rejection');
      assert.equal(fault.module, 'test/fixtures/firmware/rejects-later.ts:6');
      assert.equal(fault.t, 500);
      assert.match(fault.message, /sensor read failed/);
    });
  });

  it('an exception in a timer callback names the module and line', async () => {
    await expectFault('test/fixtures/firmware/timer-throws', 5000, (fault) => {
      assert.equal(fault.kind, 'exception');
      assert.equal(fault.module, 'test/fixtures/firmware/timer-throws.ts:7');
      assert.equal(fault.t, 3000);
      assert.match(fault.message, /RangeError: tick 3 out of range/);
    });
  });

  it('a main module that never finishes evaluating is a failure, not a silent success', async () => {
    await expectFault('test/fixtures/firmware/never-boots', 0, (fault) => {
      assert.equal(fault.kind, 'no-boot');
      assert.match(fault.message, /never-boots never finished evaluating/);
    });
  });
});
