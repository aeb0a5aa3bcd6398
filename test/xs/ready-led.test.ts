import assert from 'node:assert/strict';
import { SimulatedBoard } from '../../host-tools/sim/board.js';
import { IDEAL_CPU } from '../../host-tools/sim/hardware/cpu-model.js';
import { signPanel } from '../../host-tools/sim/peripherals.js';
import { boardTarget } from '../../host-tools/sim/targets.js';

// firmware/main, unchanged, inside xsnap-worker on the simulated board. The datasheet waits and
// pattern steps are pinned to the millisecond, so these boards have an ideal CPU (no time for
// computation); boot to ready at the ESP32-S3's rate is in chaincam budget and bench/board-budget.
describe('firmware boot, self-test and the ready indicator (XS)', function () {
  let board: SimulatedBoard | undefined;
  afterEach(async () => board?.close());

  function readyAt(b: SimulatedBoard): number {
    const line = b.traces.find((l) => /ready \(profile/.test(l.text));
    assert.ok(line, 'the firmware says it is ready');
    return line.t;
  }

  it('boots, self-tests the recording lamp and the speaker, then blinks the ready pattern on the LILYGO sign\'s lamp', async () => {
    board = await SimulatedBoard.boot({ target: 'lilygo_t_camera_plus_s3', cpu: IDEAL_CPU });
    assert.match(board.traces.map((t) => t.text).join(''), /chaincam: LILYGO T-Camera Plus S3 ready \(profile kr-2024\)/);
    await board.advanceTo(6000);
    const ready = readyAt(board);
    // The ST7789's datasheet waits (reset, sleep-out) are the 241 ms before ready.
    assert.equal(ready, 241);
    // No GPIO is free for an LED on this board: the light is the red strip along the sign's bottom
    // edge, read from the glass. The self-test's first lamp write opens the panel, so it is at 241 too.
    const led = board.timeline.levels('led').map((e) => [e.t, e.level]);
    assert.deepEqual(led.slice(0, 2), [[ready, 1], [ready, 0]], 'the self-test lights the lamp once');
    assert.deepEqual(led.slice(2), [[ready, 1], [ready + 100, 0], [ready + 2000, 1], [ready + 2100, 0], [ready + 4000, 1], [ready + 4100, 0]]);
    assert.ok(board.timeline.entries.every((e) => e.kind !== 'gpio' || e.pin !== 16), 'GPIO 16 (the AP1511B IR-cut filter) is never driven');
    assert.throws(() => board!.channelPin('led'), /no pin named "led"/);
    const panel = signPanel(board)!;
    const strip = panel.visible().subarray(228 * 240);
    assert.ok(strip.every((p) => p === 0), 'the lamp is dark between blinks');
    const chirp = board.timeline.toneOnsets()[0];
    assert.deepEqual(chirp && [chirp.t, chirp.hz], [0, 2000], 'self-test chirp at power-on, on the I2S speaker (before the lamp, which waits for the panel)');
    assert.ok(board.timeline.entries.some((e) => e.kind === 'tone' && e.channel === 'speaker'), 'the LILYGO sounds its tones through the MAX98357A, not a PWM pin');
    assert.ok(board.computeTotal > 0, 'xsnap reported computrons: the code ran in XS');
    assert.equal(board.traces.filter((l) => l.text.includes('notice-failure')).length, 0, 'every channel passed its self-test');
  });

  it('drives the XIAO ESP32S3 Sense external LED on D1 active-high (its user LED, GPIO 21, is the SD card select)', async () => {
    board = await SimulatedBoard.boot({ target: 'xiao_esp32s3_sense', cpu: IDEAL_CPU });
    await board.advance(2500);
    const ready = readyAt(board);
    assert.equal(board.channelPin('led'), 2);
    assert.deepEqual(board.timeline.levels('led').map((e) => [e.t, e.level]).slice(3), [[ready, 1], [ready + 100, 0], [ready + 2000, 1], [ready + 2100, 0]]);
    assert.deepEqual(board.traces.filter((l) => /GPIO\d+ is both the SD card/.test(l.text)), [], 'no pin is both the card\'s and an indicator\'s');
  });

  it('keeps the pattern period exact over two hours of virtual time', async () => {
    board = await SimulatedBoard.boot({ cpu: IDEAL_CPU });
    await board.advanceTo(2 * 3600 * 1000);
    const rises = board.timeline.levels('led').filter((e) => e.level === 1).map((e) => e.t).slice(1);
    assert.equal(rises.length, 3600);
    rises.slice(1).forEach((t, i) => assert.equal(t - rises[i]!, 2000, `rise ${i + 1}`));
    assert.equal(board.now, 7_200_000);
  });

  it('takes its LED pattern from the manifest config', async () => {
    const base = boardTarget().config as Record<string, any>;
    board = await SimulatedBoard.boot({ cpu: IDEAL_CPU, config: { chaincam: { ...base.chaincam, ledPatterns: { ...base.chaincam.ledPatterns, ready: [[1, 300], [0, 700]] } } } });
    await board.advanceTo(2000);
    const ready = readyAt(board);
    assert.deepEqual(board.timeline.levels('led').slice(2).map((e) => e.t - ready), [0, 300, 1000, 1300], 'after the self-test\'s blink of the LILYGO\'s lamp');
  });

  it('fails to boot with the config module named when the config is invalid', async () => {
    const base = boardTarget().config as Record<string, any>;
    await assert.rejects(
      SimulatedBoard.boot({ cpu: IDEAL_CPU, config: { chaincam: { ...base.chaincam, ledPatterns: { ...base.chaincam.ledPatterns, ready: [] } } } }),
      (error: Error) => {
        assert.match(error.message, /firmware fault in firmware\/config\.ts:\d+/);
        assert.match(error.message, /chaincam\.ledPatterns\.ready must be a non-empty list/);
        return true;
      },
    );
  });
});
