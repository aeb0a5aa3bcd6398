// The indicator test sequence a bench tester runs on a camera, driven through its button:
// the self-test, a start on each ground 1-9, the stop tones, reminders over a long recording,
// an emergency start left unconfirmed, then the dead-channel rows. Each notice requirement
// becomes a row with the measured figure, the limit, pass/fail and why.
import { STOP_REASONS } from '../../firmware/format/record-codes.js';
import { legalGround } from '../../firmware/policy/legal-grounds.js';
import { readChaincamConfig } from '../../firmware/config.js';
import { boardTarget } from '../sim/targets.js';
import { LIMITS, wait, type BenchCamera, type BenchEvent, type Requirement } from './bench-camera.js';

export interface BenchSequenceResult {
  requirements: Requirement[];
  /** Sign frames worth looking at: name -> PNG. */
  frames: Map<string, Buffer>;
  windows: { name: string; from: number; to: number }[];
}

/** Taps (short presses) ground times from ready, then a long press starts on it. */
export async function startOnGround(camera: BenchCamera, ground: number): Promise<BenchEvent> {
  const before = camera.events().length;
  await camera.presses([...Array<number>(ground).fill(100), 1200], 300);
  await wait(camera, 50);
  const start = camera.events().slice(before).find((e) => e.type === 'recording-start');
  if (!start) throw new Error(`bench: the camera did not start a recording on ground ${ground} after the button sequence`);
  return start;
}

/** When the camera stopped `start`'s recording by itself (storage full, maximum duration). */
function stoppedBy(camera: BenchCamera, start: BenchEvent | undefined): BenchEvent | undefined {
  return start && camera.events().find((e) => e.type === 'recording-stop' && e.recording === start.recording);
}

function stoppedEarly(stopped: BenchEvent | undefined, start: BenchEvent): string {
  if (!stopped) return '';
  const reason = Number(stopped.stopReason);
  return `the camera stopped the recording itself at +${stopped.t - start.t} ms (${STOP_REASONS[reason] ?? `stop reason ${reason}`}); `;
}

/** Holds the button to stop `start`'s recording, unless the camera already stopped it (a hold from ready would start one). */
async function stop(camera: BenchCamera, start: BenchEvent | undefined): Promise<BenchEvent | undefined> {
  const already = stoppedBy(camera, start);
  if (already || !start) return already;
  const before = camera.events().length;
  await camera.press(3500);
  await wait(camera, 1000);
  const stopped = camera.events().slice(before).find((e) => e.type === 'recording-stop');
  if (!stopped) throw new Error('bench: holding the button for 3.5 s did not stop the recording');
  return stopped;
}

function ms(value: number | undefined): string {
  return value === undefined || !Number.isFinite(value) ? 'never' : `${value} ms`;
}

function keepFrame(frames: Map<string, Buffer>, name: string, camera: BenchCamera): void {
  const png = camera.signFrame();
  if (png) frames.set(name, png);
}

export async function runBenchSequence(camera: BenchCamera, options: { reminderMinutes?: number } = {}): Promise<BenchSequenceResult> {
  const requirements: Requirement[] = [];
  const frames = new Map<string, Buffer>();
  const windows: BenchSequenceResult['windows'] = [];
  const add = (r: Requirement) => requirements.push(r);
  const timing = camera.basis.timing;

  // Self-test.
  const tested = await camera.selfTest();
  const ledFirst = camera.ledOnAt(tested);
  const ledAfter = ledFirst === undefined ? undefined : ledFirst - tested;
  const startup = camera.lightStartupMs?.(tested);
  if (startup === undefined) {
    add({ id: 'selftest.led', requirement: 'power-on self-test lights the LED', measured: ms(ledAfter), limit: `<= ${LIMITS.ledMs} ms after ${camera.basis.selfTest}`, pass: ledAfter !== undefined && ledAfter <= LIMITS.ledMs, why: `the LED was driven lit during the self-test; ${timing}` });
  } else {
    add({ id: 'selftest.led', requirement: 'power-on self-test lights the recording lamp on the sign', measured: ms(ledAfter), limit: `<= ${LIMITS.ledMs} ms after the sign panel is up (its start-up waits took ${startup} ms)`, pass: ledAfter !== undefined && ledAfter - startup <= LIMITS.ledMs, why: `the lamp was drawn lit during the self-test, as soon as the panel could show it; ${timing}` });
  }
  const chirp = camera.toneOnsets(tested)[0];
  add({ id: 'selftest.tone', requirement: 'power-on self-test sounds the buzzer', measured: chirp ? `${chirp.hz} Hz at ${chirp.t - tested} ms` : 'silent', limit: `<= ${LIMITS.toneMs} ms after ${camera.basis.selfTest}`, pass: !!chirp && chirp.t - tested <= LIMITS.toneMs, why: `the buzzer was driven at 50% duty; ${timing}` });
  await wait(camera, 100);
  const readyAt = camera.readyShownAt(tested) - tested;
  const ready = camera.signShows({ kind: 'ready' });
  add({ id: 'selftest.sign', requirement: 'the sign shows READY after the self-test', measured: ready.ok ? `${ready.measured}, at ${ms(readyAt)}` : ready.measured, limit: `${camera.basis.signMatch}, <= 1000 ms`, pass: ready.ok && readyAt <= 1000, why: `${camera.basis.signContent} equals the firmware's ready layout${readyAt > 0 ? `; the display's start-up waits take ${readyAt} ms` : ''}` });
  keepFrame(frames, 'sign-ready', camera);
  const testFailures = camera.events().filter((e) => e.type === 'notice-failure' && e.t >= tested);
  add({ id: 'selftest.clean', requirement: 'no notice channel failed its self-test', measured: `${testFailures.length} failures`, limit: '0', pass: testFailures.length === 0, why: testFailures.map((e) => String(e.text)).join('; ') || 'every channel answered' });

  // A start on each ground, through the button.
  const latencies = { led: [] as number[], tone: [] as number[], sign: [] as number[] };
  let lastStopPress: { down: number; up: number } | undefined;
  const wrongSign: string[] = [];
  const wrongGround: string[] = [];
  for (let ground = 1; ground <= 9; ground++) {
    const drawsBefore = camera.signDraws().length;
    const start = await startOnGround(camera, ground);
    if (start.legalGround !== ground || start.startMode !== 1) wrongGround.push(`${ground}: recorded ${start.legalGround}/${start.startMode}`);
    // Notice is timed from the release of the long press that started it (the button), not the
    // event's stamp; the screen is looked at once drawn (the elapsed time still reads 00:00).
    const s = camera.lastPress!.up;
    await camera.waitUntil(start.t + 300);
    const shown = camera.signShows({ kind: 'recording', ground: legalGround(ground), elapsedMs: camera.now - start.t });
    if (!shown.ok) wrongSign.push(`ground ${ground}: ${shown.measured}`);
    keepFrame(frames, `sign-recording-ground-${ground}`, camera);
    await wait(camera, 3000);
    latencies.led.push((camera.ledOnAt(s) ?? Infinity) - s);
    const firstTone = camera.toneOnsets(s)[0];
    latencies.tone.push(firstTone ? firstTone.t - s : Infinity);
    latencies.sign.push((camera.signDraws().slice(drawsBefore).find((t) => t >= s) ?? Infinity) - s);
    const pressBefore = camera.lastPress;
    const stopped = await stop(camera, start);
    if (camera.lastPress !== pressBefore) lastStopPress = camera.lastPress;
    if (ground === 1) windows.push({ name: 'start-stop', from: s - 2000, to: Math.max(s + 9000, (stopped?.t ?? s) + 2000) });
    await wait(camera, 1000);
  }
  const worst = (list: number[]) => Math.max(...list);
  add({ id: 'start.grounds', requirement: 'a start on each ground 1-9 records that ground', measured: wrongGround.length ? wrongGround.join('; ') : '9 of 9', limit: '9 of 9', pass: wrongGround.length === 0, why: 'recording-start events carry the ground chosen with the button' });
  add({ id: 'start.led', requirement: 'LED lit after the start (worst of 9)', measured: ms(worst(latencies.led)), limit: `<= ${LIMITS.ledMs} ms`, pass: worst(latencies.led) <= LIMITS.ledMs, why: `the recording pattern begins lit; ${timing}` });
  add({ id: 'start.tone', requirement: 'start tone after the start (worst of 9)', measured: ms(worst(latencies.tone)), limit: `<= ${LIMITS.toneMs} ms`, pass: worst(latencies.tone) <= LIMITS.toneMs, why: `the start sequence (880 Hz then 1320 Hz) begins at once; ${timing}` });
  add({ id: 'start.sign', requirement: 'sign redrawn after the start (worst of 9)', measured: ms(worst(latencies.sign)), limit: `<= ${LIMITS.signMs} ms`, pass: worst(latencies.sign) <= LIMITS.signMs, why: `the first drawing on the sign after the start; ${timing}` });
  add({ id: 'start.sign-content', requirement: 'sign shows 녹화 중 / RECORDING with the ground and elapsed time', measured: wrongSign.length ? wrongSign[0]! : `9 of 9 ${camera.basis.signMatch}`, limit: '9 of 9', pass: wrongSign.length === 0, why: `${camera.basis.signContent} equals the firmware's recording layout for each ground` });

  // Stop tones and the return to ready (from the last stop).
  // From the instant the held button became a hold (the press went down holdMs earlier; the
  // button settings are the manifest's common config, the same on every board).
  const holdMs = readChaincamConfig(boardTarget().config as Record<string, any>).button.holdMs;
  const held = lastStopPress ? lastStopPress.down + holdMs : camera.events().filter((e) => e.type === 'recording-stop').at(-1)!.t;
  const stopTones = camera.toneOnsets(held).slice(0, 2);
  const falling = stopTones.length === 2 && stopTones[0]!.hz > stopTones[1]!.hz;
  add({ id: 'stop.tone', requirement: 'stop tones sound, falling in pitch', measured: stopTones.map((x) => `${x.hz} Hz at +${x.t - held} ms`).join(', ') || 'silent', limit: `first <= ${LIMITS.toneMs} ms, falling`, pass: falling && stopTones[0]!.t - held <= LIMITS.toneMs, why: `distinct from the rising start tones, so bystanders hear the end; timed from the ${holdMs} ms hold; ${timing}` });
  const readyAgain = camera.signShows({ kind: 'ready' });
  add({ id: 'stop.sign', requirement: 'the sign returns to READY after a stop', measured: readyAgain.measured, limit: camera.basis.signMatch, pass: readyAgain.ok, why: `notice ends with the recording: ${camera.basis.signContent} equals the firmware's ready layout` });

  // Reminders over a long recording.
  const minutes = options.reminderMinutes ?? 30;
  const long = await startOnGround(camera, 2);
  await wait(camera, minutes * 60_000);
  const longStopped = stoppedBy(camera, long);
  const reminderTimes = camera.toneOnsets(long.t + 1000).filter((x) => x.hz === 1320).map((x) => x.t);
  const onsets = reminderTimes.filter((t, i) => i === 0 || t - reminderTimes[i - 1]! > 1000);
  const intervals = onsets.slice(1).map((t, i) => t - onsets[i]!);
  const expected = Math.floor((minutes * 60_000) / 120_000);
  const spread = intervals.length ? `${Math.min(...intervals)}-${Math.max(...intervals)} ms` : 'none';
  const tolerance = LIMITS.reminderToleranceMs;
  add({ id: 'reminder.interval', requirement: `reminder tones every 2 min over ${minutes} min`, measured: `${stoppedEarly(longStopped, long)}${onsets.length} reminders, intervals ${spread}, first at +${onsets[0] === undefined ? '-' : onsets[0] - long.t} ms`, limit: `${expected} reminders, 120000 ± ${tolerance} ms`, pass: !longStopped && onsets.length === expected && intervals.every((i) => Math.abs(i - 120_000) <= tolerance) && onsets[0] !== undefined && Math.abs(onsets[0] - long.t - 120_000) <= tolerance, why: `two short 1320 Hz beeps per reminder, counted from the tone onsets; ${timing}` });
  windows.push({ name: 'reminders', from: long.t - 5000, to: camera.now });
  keepFrame(frames, 'sign-recording-long', camera);
  await stop(camera, long);

  // Emergency start: the ground must be confirmed within the policy's deadline.
  await wait(camera, 2000);
  const before = camera.events().length;
  await camera.press(1200);
  await wait(camera, 35_000);
  const fresh = camera.events().slice(before);
  const emergency = fresh.find((e) => e.type === 'recording-start');
  const missed = fresh.find((e) => e.type === 'ground-unconfirmed');
  keepFrame(frames, 'sign-emergency-unconfirmed', camera);
  const late = missed && emergency ? missed.t - emergency.t - 30_000 : undefined;
  const emergencyStopped = stoppedBy(camera, emergency);
  const unconfirmed = missed && emergency ? `ground-unconfirmed at +${missed.t - emergency.t} ms` : emergency ? 'not recorded' : 'no recording started';
  add({ id: 'emergency.deadline', requirement: 'an unconfirmed emergency start is recorded at the deadline', measured: `${emergency && emergencyStopped && !missed ? stoppedEarly(emergencyStopped, emergency) : ''}${unconfirmed}`, limit: `+30000 ms (kr-2024), at most ${LIMITS.deadlineLateMs} ms late`, pass: !!emergency && emergency.legalGround === 0 && late !== undefined && late >= 0 && late <= LIMITS.deadlineLateMs, why: 'one-press start records ground 0; the chain says the ground came late' });
  await stop(camera, emergency);

  requirements.push(...(await camera.failureRows()));
  return { requirements, frames, windows };
}
