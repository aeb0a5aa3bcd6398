import assert from 'node:assert/strict';
import { SimulatedBoard } from '../../host-tools/sim/board.js';
import { IDEAL_CPU } from '../../host-tools/sim/hardware/cpu-model.js';
import { boardTarget } from '../../host-tools/sim/targets.js';
import { events, FIXTURE, tones, traced } from './camera-events.js';

const chaincam = (boardTarget().config as Record<string, any>).chaincam;
const START = [880, 1320];
const STOP = [1320, 880];

describe('lawful recording: grounds, notice first, reminders, limits (XS)', function () {
  let board: SimulatedBoard | undefined;
  afterEach(async () => board?.close());

  // The LED's pattern is checked on the XIAO, whose LED is on a pin (the LILYGO's light is a lamp
  // on its sign: ready-led.test.ts); the LILYGO's I2S speaker plays the tones of the others.
  async function boot(config: Record<string, unknown> = {}, target?: string): Promise<SimulatedBoard> {
    // Exact to the millisecond: an ideal CPU (the CPU's budgets: cpu-budget, board-budget tests).
    board = await SimulatedBoard.boot({ main: FIXTURE, cpu: IDEAL_CPU, target, config: { chaincam: { ...chaincam, ...config } } });
    await board.advance(1000);
    return board;
  }

  it('records every ground code 1-9, with start and stop tones and the recording LED pattern', async () => {
    const b = await boot({}, 'xiao_esp32s3_sense');
    for (let ground = 1; ground <= 9; ground++) {
      const at = b.now;
      assert.equal(typeof (await b.command('start', { ground })), 'object');
      await b.advance(2000);
      assert.equal(await b.command('stop'), 'ok');
      await b.advance(1000);
      const started = events(b, 'recording-start').at(-1)!;
      assert.deepEqual([started.t, started.recording, started.legalGround, started.startMode], [at, ground, ground, 1]);
      const stopped = events(b, 'recording-stop').at(-1)!;
      assert.deepEqual([stopped.t, stopped.recording, stopped.stopReason], [at + 2000, ground, 1]);
      const sounded = tones(b).filter(([t]) => t >= at && t < at + 3000);
      assert.deepEqual(sounded.map(([, hz]) => hz), [...START, ...STOP], `ground ${ground} tones`);
      assert.equal(sounded[0]![0], at, 'the start tone sounds at the start');
      const led = b.timeline.levels('led').filter((e) => e.t >= at && e.t < at + 2000);
      assert.deepEqual(led.slice(0, 4).map((e) => [e.t - at, e.level]), [[0, 1], [500, 0], [1000, 1], [1500, 0]]);
    }
    assert.match(String(await b.command('start', { ground: 10 })), /legal ground 10 does not exist: Art\. 10-5\(1\) has grounds 1 to 9/);
    assert.match(String(await b.command('start', { ground: 0 })), /legal ground 0 does not exist/);
    assert.equal(events(b, 'recording-start').length, 9);
  });

  it('keeps no frame before notice is on, and none after the stop', async () => {
    const b = await boot({}, 'xiao_esp32s3_sense');
    await b.command('start', { ground: 1 });
    await b.advance(3000);
    await b.command('stop');
    await b.advance(500);
    const [begin] = traced(b, 'capture begin');
    const kept = traced(b, 'frame kept');
    const refused = traced(b, 'frame refused');
    const ledOn = b.timeline.levels('led').find((e) => e.t >= 1000 && e.level === 1)!;
    const toneOn = tones(b).find(([t]) => t >= 1000)!;
    assert.ok(begin && kept.length === 1 && refused.length === 1, JSON.stringify({ begin, kept, refused }));
    assert.match(begin.text, /token channels 7 reason 0 at 1000/);
    assert.ok(ledOn.t <= begin.t && toneOn[0] <= begin.t, 'LED and tone were on before capture got its token');
    assert.ok(kept[0]!.t >= begin.t);
    const stop = events(b, 'recording-stop')[0]!;
    assert.ok(refused[0]!.t > stop.t && refused[0]!.t <= stop.t + 250, 'the first frame after the stop is refused');
  });

  it('sounds a reminder every 2 minutes over a 2-hour recording, exactly on time', async () => {
    const b = await boot();
    const at = b.now;
    await b.command('start', { ground: 2 });
    await b.advance(2 * 3600_000);
    const reminders = tones(b).filter(([t, hz]) => t > at && hz === 1320).map(([t]) => t - at);
    // Each reminder is two 1320 Hz beeps 160 ms apart; the start tone ends with one at 180 ms.
    const onsets = reminders.filter((t, i) => i === 0 || t - reminders[i - 1]! > 1000);
    const expected = Array.from({ length: 60 }, (_, i) => (i + 1) * 120_000);
    assert.deepEqual(onsets.filter((t) => t >= 120_000), expected);
    assert.equal(events(b, 'recording-stop').length, 0, 'still recording after 2 h (the kr-2024 limit is 3 h)');
  });

  it('stops by itself at the maximum duration (minimum extent), with the reason recorded', async () => {
    const b = await boot({ policy: { maxRecordingMs: 600_000 } });
    await b.command('start', { ground: 5 });
    await b.advance(601_000);
    const stop = events(b, 'recording-stop')[0]!;
    assert.deepEqual([stop.t, stop.stopReason], [1000 + 600_000, 2]);
  });

  it('one-press emergency start records an unconfirmed ground and the missed confirmation deadline', async () => {
    const b = await boot();
    await b.press('button', 1200); // long press: emergency start on release
    await b.advance(40_000);
    const start = events(b, 'recording-start')[0]!;
    assert.deepEqual([start.legalGround, start.startMode], [0, 2]);
    const missed = events(b, 'ground-unconfirmed');
    assert.equal(missed.length, 1);
    assert.equal(missed[0]!.t - start.t, 30_000);
    // Confirming late is still possible, and is an audited ground change.
    await b.command('ground', { ground: 6, reason: 'confirmed late' });
    const change = events(b, 'ground-change')[0]!;
    assert.deepEqual([change.fromGround, change.toGround, change.reason], [0, 6, 'confirmed late']);
  });

  it('an emergency start confirmed on the button in time has no missed-deadline event', async () => {
    const b = await boot();
    await b.press('button', 1200);
    await b.advance(2000);
    for (let i = 0; i < 6; i++) {
      await b.press('button', 100);
      await b.advance(300);
    }
    await b.press('button', 1200); // long press confirms the ground on offer
    await b.advance(60_000);
    assert.deepEqual(traced(b, 'sign choose').map((l) => l.text), [1, 2, 3, 4, 5, 6].map((g) => `sign choose ${g} to confirm`));
    const change = events(b, 'ground-change')[0]!;
    assert.deepEqual([change.fromGround, change.toGround, change.reason], [0, 6, 'emergency start confirmed by officer']);
    assert.equal(events(b, 'ground-unconfirmed').length, 0);
  });

  it('starts on a ground chosen with the button, changes it with an audit entry, stops on a 3 s hold', async () => {
    const b = await boot();
    await b.press('button', 100);
    await b.advance(300);
    await b.press('button', 100);
    await b.advance(300);
    await b.press('button', 1200);
    await b.advance(5000);
    assert.deepEqual(events(b, 'recording-start').map((e) => [e.legalGround, e.startMode]), [[2, 1]]);
    await b.press('button', 100); // offer ground 3 as a change
    await b.advance(300);
    await b.press('button', 1500);
    await b.advance(1000);
    assert.deepEqual(events(b, 'ground-change').map((e) => [e.fromGround, e.toGround, e.reason]), [[2, 3, 'changed by officer']]);
    await b.press('button', 3500);
    await b.advance(1000);
    const stop = events(b, 'recording-stop')[0]!;
    const holdStarted = b.timeline.entries.filter((e) => e.kind === 'gpio' && e.channel === 'button' && (e as { level: number }).level === 0).at(-1)!.t;
    assert.equal(stop.t - holdStarted, 3000 + 30, 'the stop fires while the button is still held (3 s + debounce)');
  });

  it('an abandoned choice times out after 10 s and starts nothing', async () => {
    const b = await boot();
    await b.press('button', 100);
    await b.advance(12_000);
    assert.deepEqual(traced(b, 'sign choice ended').length, 1);
    assert.equal(events(b, 'recording-start').length, 0);
  });
});
