// The indicator bench: the camera's real firmware on the simulated board, driven
// through its button the way a bench tester would, with every notice requirement
// measured from what the hardware models saw (pins, PWM, the sign's panel).
import { legalGround } from '../../firmware/policy/legal-grounds.js';
import type { SignScreen } from '../../firmware/notice/sign-layout.js';
import { SimulatedBoard } from '../sim/board.js';
import { signPanel } from '../sim/peripherals.js';
import { expectedLit, expectedPixels, firstDifference } from '../sim/sign-render.js';
import { Ssd1306Panel } from '../sim/hardware/ssd1306-panel.js';
import { boardTarget } from '../sim/targets.js';

export interface Requirement {
  id: string;
  requirement: string;
  measured: string;
  limit: string;
  /** null: the hardware cannot show it either way (said in `why`). */
  pass: boolean | null;
  why: string;
}

export interface BenchEvent {
  t: number;
  type: string;
  [field: string]: unknown;
}

export interface BenchRun {
  target: string;
  requirements: Requirement[];
  /** The main run, kept open for pictures; close it when done. */
  board: SimulatedBoard;
  events: BenchEvent[];
  /** Sign frames worth looking at: name -> PNG. */
  frames: Map<string, Buffer>;
  windows: { name: string; from: number; to: number }[];
}

export const LIMITS = Object.freeze({ ledMs: 100, toneMs: 100, signMs: 500, reminderToleranceMs: 1000 });

// The bench tests notice, not video: the camera records small synthetic frames once a
// second, so a 30-minute reminder run stays quick (capture has its own tests and benches).
function benchBoot(target: string | undefined, prepare?: (board: SimulatedBoard) => void): Promise<SimulatedBoard> {
  const chaincam = (boardTarget(target).config as Record<string, any>).chaincam;
  return SimulatedBoard.boot({
    target,
    prepare,
    camera: { frameBytes: 2000 },
    config: { chaincam: { ...chaincam, capture: { ...chaincam.capture, width: 160, height: 120, fps: 1, segmentSeconds: 60 } } },
  });
}

export function eventsOf(board: SimulatedBoard): BenchEvent[] {
  return board.traces.filter((l) => l.text.startsWith('event ')).map((l) => JSON.parse(l.text.slice(6)) as BenchEvent);
}

function toneOnsets(board: SimulatedBoard, from: number): { t: number; hz: number }[] {
  return board.timeline.entries.filter((e) => e.kind === 'pwm' && e.channel === 'buzzer' && e.duty > 0 && e.t >= from).map((e) => ({ t: e.t, hz: (e as { hz: number }).hz }));
}

function ledOnAt(board: SimulatedBoard, from: number): number | undefined {
  const lit = (board.target.config.board as { ledActiveLow?: boolean }).ledActiveLow ? 0 : 1;
  return board.timeline.levels('led').find((e) => e.t >= from && e.level === lit)?.t;
}

function signWrites(board: SimulatedBoard): number[] {
  return (signPanel(board)?.writes ?? []).map((w) => w.t);
}

/** Compares the panel's glass with the screen drawn from the firmware's own layout. */
export function signShows(board: SimulatedBoard, screen: SignScreen): string | undefined {
  const panel = signPanel(board);
  if (!panel) return 'this board has no sign panel';
  const size = { width: panel.width, height: panel.height };
  if (panel instanceof Ssd1306Panel) return firstDifference(panel.visible(), expectedLit(screen, size), panel.width);
  return firstDifference(panel.visible(), expectedPixels(screen, size), panel.width);
}

async function startOnGround(board: SimulatedBoard, ground: number): Promise<BenchEvent> {
  for (let i = 0; i < ground; i++) {
    await board.press('button', 100);
    await board.advance(300);
  }
  const before = eventsOf(board).length;
  await board.press('button', 1200);
  await board.advance(50);
  const start = eventsOf(board).slice(before).find((e) => e.type === 'recording-start');
  if (!start) throw new Error(`bench: the camera did not start a recording on ground ${ground} after the button sequence`);
  return start;
}

async function stop(board: SimulatedBoard): Promise<BenchEvent> {
  const before = eventsOf(board).length;
  await board.press('button', 3500);
  await board.advance(1000);
  const stopped = eventsOf(board).slice(before).find((e) => e.type === 'recording-stop');
  if (!stopped) throw new Error('bench: holding the button for 3.5 s did not stop the recording');
  return stopped;
}

function ms(value: number | undefined): string {
  return value === undefined ? 'never' : `${value} ms`;
}

export async function runIndicatorBench(options: { target?: string; reminderMinutes?: number; prepare?: (board: SimulatedBoard) => void } = {}): Promise<BenchRun> {
  const requirements: Requirement[] = [];
  const frames = new Map<string, Buffer>();
  const windows: BenchRun['windows'] = [];
  const add = (r: Requirement) => requirements.push(r);
  const board = await benchBoot(options.target, options.prepare);
  const target = board.target.name;
  const panel = signPanel(board);

  // Power-on self-test.
  const readyLine = board.traces.find((l) => /ready \(profile/.test(l.text));
  const readyAt = readyLine?.t ?? Number.NaN;
  const ledFirst = ledOnAt(board, 0);
  add({ id: 'selftest.led', requirement: 'power-on self-test lights the LED', measured: ms(ledFirst), limit: `<= ${LIMITS.ledMs} ms after power-on`, pass: ledFirst !== undefined && ledFirst <= LIMITS.ledMs, why: 'the LED output was driven lit during the self-test' });
  const chirp = toneOnsets(board, 0)[0];
  add({ id: 'selftest.tone', requirement: 'power-on self-test sounds the buzzer', measured: chirp ? `${chirp.hz} Hz at ${chirp.t} ms` : 'silent', limit: `<= ${LIMITS.toneMs} ms after power-on`, pass: !!chirp && chirp.t <= LIMITS.toneMs, why: 'the buzzer PWM ran at 50% duty' });
  await board.advance(100);
  const readyDiff = signShows(board, { kind: 'ready' });
  add({ id: 'selftest.sign', requirement: 'the sign shows READY after the self-test', measured: readyDiff ? `differs at ${readyDiff}` : `exact, at ${readyAt} ms`, limit: `pixel-exact, <= 1000 ms`, pass: !readyDiff && readyAt <= 1000, why: `the panel's glass (decoded from the driver's bus bytes) equals the firmware's ready layout${readyAt > 0 ? `; the display's datasheet start-up waits take ${readyAt} ms` : ''}` });
  frames.set('sign-ready', panel!.png());
  const bootFailures = eventsOf(board).filter((e) => e.type === 'notice-failure');
  add({ id: 'selftest.clean', requirement: 'no notice channel failed its self-test', measured: `${bootFailures.length} failures`, limit: '0', pass: bootFailures.length === 0, why: bootFailures.map((e) => String(e.text)).join('; ') || 'every channel answered' });

  // A start on each ground, through the button.
  const latencies = { led: [] as number[], tone: [] as number[], sign: [] as number[] };
  const wrongSign: string[] = [];
  const wrongGround: string[] = [];
  for (let ground = 1; ground <= 9; ground++) {
    const writesBefore = signWrites(board).length;
    const start = await startOnGround(board, ground);
    if (start.legalGround !== ground || start.startMode !== 1) wrongGround.push(`${ground}: recorded ${start.legalGround}/${start.startMode}`);
    const s = start.t;
    latencies.led.push((ledOnAt(board, s) ?? Infinity) - s);
    const firstTone = toneOnsets(board, s)[0];
    latencies.tone.push(firstTone ? firstTone.t - s : Infinity);
    latencies.sign.push((signWrites(board).slice(writesBefore).find((t) => t >= s) ?? Infinity) - s);
    const diff = signShows(board, { kind: 'recording', ground: legalGround(ground), elapsedMs: board.now - s });
    if (diff) wrongSign.push(`ground ${ground}: ${diff}`);
    frames.set(`sign-recording-ground-${ground}`, panel!.png());
    if (ground === 1) windows.push({ name: 'start-stop', from: s - 2000, to: s + 9000 });
    await board.advance(3000);
    await stop(board);
    await board.advance(1000);
  }
  const worst = (list: number[]) => Math.max(...list);
  add({ id: 'start.grounds', requirement: 'a start on each ground 1-9 records that ground', measured: wrongGround.length ? wrongGround.join('; ') : '9 of 9', limit: '9 of 9', pass: wrongGround.length === 0, why: 'recording-start events carry the ground chosen with the button' });
  add({ id: 'start.led', requirement: 'LED lit after the start (worst of 9)', measured: ms(worst(latencies.led)), limit: `<= ${LIMITS.ledMs} ms`, pass: worst(latencies.led) <= LIMITS.ledMs, why: 'the recording pattern begins lit' });
  add({ id: 'start.tone', requirement: 'start tone after the start (worst of 9)', measured: ms(worst(latencies.tone)), limit: `<= ${LIMITS.toneMs} ms`, pass: worst(latencies.tone) <= LIMITS.toneMs, why: 'the start sequence (880 Hz then 1320 Hz) begins at once' });
  add({ id: 'start.sign', requirement: 'sign redrawn after the start (worst of 9)', measured: ms(worst(latencies.sign)), limit: `<= ${LIMITS.signMs} ms`, pass: worst(latencies.sign) <= LIMITS.signMs, why: 'first pixel write to the panel after the start' });
  add({ id: 'start.sign-content', requirement: 'sign shows 녹화 중 / RECORDING with the ground and elapsed time', measured: wrongSign.length ? wrongSign[0]! : '9 of 9 pixel-exact', limit: '9 of 9', pass: wrongSign.length === 0, why: "the panel's glass equals the firmware's recording layout for each ground" });

  // Stop tones and the return to ready (from the last stop).
  const lastStop = eventsOf(board).filter((e) => e.type === 'recording-stop').at(-1)!;
  const stopTones = toneOnsets(board, lastStop.t).slice(0, 2);
  const falling = stopTones.length === 2 && stopTones[0]!.hz > stopTones[1]!.hz;
  add({ id: 'stop.tone', requirement: 'stop tones sound, falling in pitch', measured: stopTones.map((x) => `${x.hz} Hz at +${x.t - lastStop.t} ms`).join(', ') || 'silent', limit: `first <= ${LIMITS.toneMs} ms, falling`, pass: falling && stopTones[0]!.t - lastStop.t <= LIMITS.toneMs, why: 'distinct from the rising start tones, so bystanders hear the end' });
  const readyAgain = signShows(board, { kind: 'ready' });
  add({ id: 'stop.sign', requirement: 'the sign returns to READY after a stop', measured: readyAgain ? `differs at ${readyAgain}` : 'pixel-exact', limit: 'pixel-exact', pass: !readyAgain, why: 'notice ends with the recording' });

  // Reminders over a long recording.
  const minutes = options.reminderMinutes ?? 30;
  const long = await startOnGround(board, 2);
  await board.advance(minutes * 60_000);
  const reminderTimes = toneOnsets(board, long.t + 1000).filter((x) => x.hz === 1320).map((x) => x.t);
  const onsets = reminderTimes.filter((t, i) => i === 0 || t - reminderTimes[i - 1]! > 1000);
  const intervals = onsets.slice(1).map((t, i) => t - onsets[i]!);
  const expected = Math.floor((minutes * 60_000) / 120_000);
  const spread = intervals.length ? `${Math.min(...intervals)}-${Math.max(...intervals)} ms` : 'none';
  add({ id: 'reminder.interval', requirement: `reminder tones every 2 min over ${minutes} min`, measured: `${onsets.length} reminders, intervals ${spread}, first at +${onsets[0] === undefined ? '-' : onsets[0] - long.t} ms`, limit: `${expected} reminders, 120000 ± ${LIMITS.reminderToleranceMs} ms`, pass: onsets.length === expected && intervals.every((i) => Math.abs(i - 120_000) <= LIMITS.reminderToleranceMs) && onsets[0] !== undefined && Math.abs(onsets[0] - long.t - 120_000) <= LIMITS.reminderToleranceMs, why: 'two short 1320 Hz beeps per reminder, counted from PWM onsets' });
  windows.push({ name: 'reminders', from: long.t - 5000, to: board.now });
  frames.set('sign-recording-long', panel!.png());
  await stop(board);

  // Emergency start: the ground must be confirmed within the policy's deadline.
  await board.advance(2000);
  const before = eventsOf(board).length;
  await board.press('button', 1200);
  await board.advance(35_000);
  const fresh = eventsOf(board).slice(before);
  const emergency = fresh.find((e) => e.type === 'recording-start');
  const missed = fresh.find((e) => e.type === 'ground-unconfirmed');
  frames.set('sign-emergency-unconfirmed', panel!.png());
  add({ id: 'emergency.deadline', requirement: 'an unconfirmed emergency start is recorded at the deadline', measured: missed && emergency ? `ground-unconfirmed at +${missed.t - emergency.t} ms` : 'not recorded', limit: '+30000 ms (kr-2024)', pass: !!missed && !!emergency && emergency.legalGround === 0 && missed.t - emergency.t === 30_000, why: 'one-press start records ground 0; the chain says the ground came late' });
  await stop(board);

  requirements.push(...(await failureRows(options.target)));
  return { target, requirements, board, events: eventsOf(board), frames, windows };
}

/** A dead channel at a start: detected and on the record before capture may keep a frame. */
async function failureRows(target: string | undefined): Promise<Requirement[]> {
  const rows: Requirement[] = [];
  const cases: { id: string; channel: string; bit: number; inject: (b: SimulatedBoard) => boolean; cannot?: string }[] = [
    { id: 'fail.led', channel: 'LED', bit: 1, inject: (b) => (b.gpio.injectFault(b.channelPin('led'), 'output driver fault'), true) },
    { id: 'fail.tone', channel: 'buzzer', bit: 2, inject: (b) => (b.pwm.injectFault(b.channelPin('buzzer'), 'LEDC channel unavailable'), true) },
    {
      id: 'fail.sign',
      channel: 'sign',
      bit: 4,
      inject: (b) => {
        const panel = signPanel(b);
        if (!panel) return false;
        panel.answering = false;
        return panel instanceof Ssd1306Panel;
      },
      cannot: 'the ST7789 on this board has no MISO line, so a dead panel cannot be heard; the bench tester must look at it',
    },
  ];
  for (const c of cases) {
    const board = await benchBoot(target);
    try {
      await board.advance(500);
      const detectable = c.inject(board);
      const before = eventsOf(board).length;
      await startOnGround(board, 1);
      const fresh = eventsOf(board).slice(before);
      const start = fresh.find((e) => e.type === 'recording-start')!;
      const failure = fresh.find((e) => e.type === 'notice-failure' && e.recording === start.recording && ((e.failedIndicators as number) & c.bit) !== 0);
      if (!detectable) {
        rows.push({ id: c.id, requirement: `a dead ${c.channel} is detected and recorded`, measured: failure ? 'recorded' : 'not detectable', limit: 'recorded at the start', pass: failure ? true : null, why: c.cannot ?? 'not detectable' });
        continue;
      }
      const ordered = failure && fresh.indexOf(failure) > fresh.indexOf(start);
      rows.push({
        id: c.id,
        requirement: `a dead ${c.channel} is detected and recorded`,
        measured: failure ? `notice-failure at +${failure.t - start.t} ms: ${String(failure.text)}` : 'not recorded',
        limit: 'recorded at the start, reason 1',
        pass: !!failure && !!ordered && failure.t - start.t <= LIMITS.ledMs && failure.noticeReason === 1,
        why: 'the driver error reached the notice controller, which recorded it before capture got its token',
      });
    } finally {
      await board.close();
    }
  }
  return rows;
}
