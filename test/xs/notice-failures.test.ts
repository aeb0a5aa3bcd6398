import assert from 'node:assert/strict';
import { SimulatedBoard } from '../../host-tools/sim/board.js';
import { IDEAL_CPU } from '../../host-tools/sim/hardware/cpu-model.js';
import { events, FIXTURE, traced } from './camera-events.js';

// Art. 10-6(2): when notice could not be given, the reason is on the record,
// before any frame is kept; a dead indicator is detected, not assumed to work.
describe('notice failures are detected and recorded (XS)', () => {
  let board: SimulatedBoard | undefined;
  afterEach(async () => board?.close());

  async function boot(target?: string): Promise<SimulatedBoard> {
    // Exact to the millisecond: an ideal CPU (the CPU's budgets: cpu-budget, board-budget tests).
    board = await SimulatedBoard.boot({ main: FIXTURE, cpu: IDEAL_CPU, target });
    await board.advance(1000);
    return board;
  }

  function orderOf(b: SimulatedBoard): string[] {
    return b.traces.map((l) => l.text).filter((t) => /^event .*"type":"(recording-start|notice-failure)"|^capture begin/.test(t)).map((t) => (t.startsWith('capture') ? 'capture' : JSON.parse(t.slice(6)).type));
  }

  it('a dead LED driver: the failure is recorded before capture gets its token, and recording goes on', async () => {
    const b = await boot('xiao_esp32s3_sense'); // an LED on a pin (the LILYGO's light is its sign's lamp)
    b.gpio.injectFault(b.channelPin('led'), 'output driver fault');
    await b.command('start', { ground: 1 });
    await b.advance(5000);
    const [failure] = events(b, 'notice-failure');
    assert.deepEqual([failure!.recording, failure!.failedIndicators, failure!.noticeReason], [1, 1, 1]);
    assert.match(failure!.text, /^led: GPIO 2: output driver fault/);
    assert.deepEqual(orderOf(b), ['recording-start', 'notice-failure', 'capture']);
    assert.match(traced(b, 'capture begin')[0]!.text, /token channels 6 reason 1/);
    assert.equal(traced(b, 'frame kept').length, 1);
  });

  it('a display that does not answer at the start is recorded', async () => {
    const b = await boot();
    await b.command('killSign');
    await b.command('start', { ground: 3 });
    const [failure] = events(b, 'notice-failure');
    assert.deepEqual([failure!.failedIndicators, failure!.noticeReason, failure!.text], [4, 1, 'display: display did not answer']);
    assert.match(traced(b, 'capture begin')[0]!.text, /token channels 3 reason 1/);
  });

  it('a display that dies mid-recording is recorded when it happens', async () => {
    const b = await boot();
    await b.command('start', { ground: 3 });
    await b.advance(10_000);
    await b.command('killSign');
    await b.advance(5000);
    const [failure] = events(b, 'notice-failure');
    assert.equal(failure!.t, 12_000, 'at the next elapsed-time update after the display died');
    assert.deepEqual([failure!.recording, failure!.failedIndicators], [1, 4]);
    assert.equal(events(b, 'notice-failure').length, 1, 'recorded once, not every second');
  });

  it('a PWM buzzer that cannot be driven is recorded (XIAO ESP32S3 Sense)', async () => {
    board = await SimulatedBoard.boot({ main: FIXTURE, cpu: IDEAL_CPU, target: 'xiao_esp32s3_sense' });
    const b = board;
    await b.advance(1000);
    b.injectSoundFault();
    await b.command('start', { ground: 2 });
    const [failure] = events(b, 'notice-failure');
    assert.equal(failure!.failedIndicators, 2);
    assert.match(failure!.text, /^tone: PWM on GPIO 1: LEDC channel unavailable/);
  });

  // The LILYGO's MAX98357A has no status line: the driver can only tell whether the I2S output
  // takes its samples at the sample rate (drivers/i2s-speaker.ts).
  it('an I2S output whose clock stalls is recorded once its probe is overdue (LILYGO speaker)', async () => {
    const b = await boot();
    b.speaker.injectFault('stalled');
    const heardBefore = b.timeline.toneOnsets().length;
    await b.command('start', { ground: 2 });
    const start = events(b, 'recording-start')[0]!;
    await b.advance(1000);
    const [failure] = events(b, 'notice-failure');
    assert.equal(failure!.failedIndicators, 2);
    assert.match(failure!.text, /^tone: speaker: the I2S output did not play the 880 Hz tone: no samples clocked out in 47 ms/);
    assert.equal(failure!.t - start.t, 47, 'the pipeline (26 ms at 44.1 kHz), the 10 ms probe and 10 ms of slack');
    assert.deepEqual(b.timeline.toneOnsets().slice(heardBefore), [], 'nothing was heard');
  });

  it('an I2S channel that never ran (samples taken at once) is recorded (LILYGO speaker)', async () => {
    const b = await boot();
    b.speaker.injectFault('no-channel');
    await b.command('start', { ground: 2 });
    await b.advance(10); // the callback comes at once, through the machine's message queue
    const [failure] = events(b, 'notice-failure');
    assert.equal(failure!.failedIndicators, 2);
    assert.match(failure!.text, /^tone: speaker: the I2S output did not play the 880 Hz tone: its samples were taken in 0 ms, faster than the sample rate/);
  });

  it('a dead amplifier or speaker on a running I2S clock cannot be detected, and is not claimed to be', async () => {
    const b = await boot();
    b.speaker.injectFault('silent');
    const heardBefore = b.timeline.toneOnsets().length;
    await b.command('start', { ground: 2 });
    await b.advance(1000);
    assert.deepEqual(events(b, 'notice-failure'), [], 'the MAX98357A has no status to read: the bench (listening) is the check');
    assert.deepEqual(b.timeline.toneOnsets().slice(heardBefore), [], 'and nothing was heard');
  });

  it('a working speaker plays every tone and reports no failure', async () => {
    const b = await boot();
    const before = b.timeline.toneOnsets().length;
    await b.command('start', { ground: 2 });
    await b.advance(1000);
    assert.deepEqual(events(b, 'notice-failure'), []);
    assert.deepEqual(b.timeline.toneOnsets().slice(before).map((e) => e.hz), [880, 1320]);
  });

  it('a failed LED at boot is recorded by the power-on self-test', async () => {
    board = await SimulatedBoard.boot({ main: FIXTURE, cpu: IDEAL_CPU, target: 'xiao_esp32s3_sense', prepare: (b) => b.gpio.injectFault(2, 'output driver fault') });
    const [failure] = events(board, 'notice-failure');
    assert.deepEqual([failure!.recording, failure!.failedIndicators, failure!.noticeReason], [0, 1, 1]);
  });

  it('the officer can enter why notice was not given, and it travels with the recording', async () => {
    const b = await boot();
    await b.command('start', { ground: 5 });
    assert.equal(await b.command('noticeNotGiven', { reason: 3, text: 'subject unconscious; could not perceive notice' }), 'ok');
    const [entry] = events(b, 'notice-failure');
    assert.deepEqual([entry!.noticeReason, entry!.text], [3, 'subject unconscious; could not perceive notice']);
    assert.equal(((await b.command('state')) as { recording: { noticeReason: number } }).recording.noticeReason, 3);
    assert.deepEqual(traced(b, 'sign notice not given').map((l) => l.text), ['sign notice not given: subject unconscious; could not perceive notice']);
    assert.match(String(await b.command('noticeNotGiven', { reason: 0, text: 'x' })), /not an Art\. 10-6\(2\) reason code/);
  });
});
