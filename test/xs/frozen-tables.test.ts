import assert from 'node:assert/strict';
import { SimulatedBoard } from '../../host-tools/sim/board.js';

// xsl (SDK 8.2.3) warns "not frozen" for every object a preloaded module keeps unfrozen, and the
// device copies it into RAM. The manifest preloads every firmware module, so the exported
// constant tables must be frozen all the way down, in XS as on the device.
describe('exported constant tables are frozen all the way down (XS)', () => {
  it('no object or array reachable from an exported table is mutable', async () => {
    const board = await SimulatedBoard.boot({ main: 'test/fixtures/firmware/frozen-tables' });
    try {
      const lines = board.traces.map((t) => t.text.trim());
      assert.deepEqual(lines.filter((line) => line.startsWith('not frozen')), []);
      const checked = Number(/checked (\d+) exported tables/.exec(lines.join('\n'))?.[1]);
      assert.ok(checked >= 30, `only ${checked} exported tables were reached`);
    } finally {
      await board.close();
    }
  });
});
