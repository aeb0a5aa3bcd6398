import assert from 'node:assert/strict';
import { SimulatedBoard } from '../../host-tools/sim/board.js';

// firmware/main, unchanged, inside xsnap-worker on the simulated board.
describe('firmware boot and the ready indicator (XS)', function () {
  let board: SimulatedBoard | undefined;
  afterEach(async () => board?.close());

  it('boots, says it is ready, and blinks the ready pattern on the LILYGO LED pin', async () => {
    board = await SimulatedBoard.boot({ target: 'lilygo_t_camera_plus_s3' });
    assert.match(board.traces.map((t) => t.text).join(''), /chaincam: LILYGO T-Camera Plus S3 ready \(profile kr-2024\)/);
    await board.advance(6000);
    const led = board.timeline.levels('led');
    // Driver initialises the LED dark, then the ready pattern: 100 ms on every 2 s.
    assert.deepEqual(led, [
      { t: 0, level: 0 }, { t: 0, level: 1 }, { t: 100, level: 0 },
      { t: 2000, level: 1 }, { t: 2100, level: 0 }, { t: 4000, level: 1 }, { t: 4100, level: 0 },
      { t: 6000, level: 1 },
    ]);
    assert.equal(board.channelPin('led'), 16);
    assert.ok(board.computeTotal > 0, 'xsnap reported computrons: the code ran in XS');
  });

  it('drives the XIAO ESP32S3 Sense user LED active-low', async () => {
    board = await SimulatedBoard.boot({ target: 'xiao_esp32s3_sense' });
    await board.advance(2500);
    assert.equal(board.channelPin('led'), 21);
    assert.deepEqual(board.timeline.levels('led').map((e) => [e.t, e.level]), [[0, 1], [0, 0], [100, 1], [2000, 0], [2100, 1]]);
  });

  it('keeps the pattern period exact over two hours of virtual time', async () => {
    board = await SimulatedBoard.boot();
    await board.advance(2 * 3600 * 1000);
    const rises = board.timeline.levels('led').filter((e) => e.level === 1).map((e) => e.t);
    assert.equal(rises.length, 3601);
    rises.slice(1).forEach((t, i) => assert.equal(t - rises[i]!, 2000, `rise ${i + 1}`));
    assert.equal(board.now, 7_200_000);
  });

  it('takes its LED pattern from the manifest config', async () => {
    const base = (await import('../../host-tools/sim/targets.js')).boardTarget().config as Record<string, any>;
    board = await SimulatedBoard.boot({ config: { chaincam: { ...base.chaincam, ledPatterns: { ready: [[1, 300], [0, 700]], fault: [[1, 50]] } } } });
    await board.advance(2000);
    assert.deepEqual(board.timeline.levels('led').slice(1).map((e) => e.t), [0, 300, 1000, 1300, 2000]);
  });

  it('fails to boot with the config module named when the config is invalid', async () => {
    const base = (await import('../../host-tools/sim/targets.js')).boardTarget().config as Record<string, any>;
    await assert.rejects(
      SimulatedBoard.boot({ config: { chaincam: { ...base.chaincam, ledPatterns: { ready: [], fault: [[1, 5]] } } } }),
      (error: Error) => {
        assert.match(error.message, /firmware fault in firmware\/config\.ts:\d+/);
        assert.match(error.message, /chaincam\.ledPatterns\.ready must be a non-empty list/);
        return true;
      },
    );
  });
});
