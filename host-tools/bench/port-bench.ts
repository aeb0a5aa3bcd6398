// The indicator bench on a camera over its dock link (`chaincam bench --port`): the same
// sequence as on the simulated board, with the button pressed through bench commands and
// every figure read from the camera's indicator journal. Times are the camera's own ticks;
// waits follow the camera's clock, and a ground's taps go as one timed press sequence, so the
// same code benches a camera at any speed, on any host.
import { SIGN_COLOURS, SIGN_SCREEN, type BenchStatus } from '../../firmware/format/bench-messages.js';
import type { SignScreen } from '../../firmware/notice/sign-layout.js';
import { NodeCryptoPort } from '../crypto/node-crypto-port.js';
import { readDockKeyFile } from '../dock/dock-key.js';
import type { BenchCamera, BenchEvent, MeasurementBasis, Requirement, SignCheck } from './bench-camera.js';
import { BenchLink, openBenchPort } from './bench-link.js';
import { runBenchSequence, type BenchSequenceResult } from './bench-sequence.js';
import { CameraJournal, reportedDifference, reportedSignScreen } from './camera-journal.js';
import { reportedSignFrame } from './reported-sign-frame.js';

const PORT_BASIS: MeasurementBasis = {
  timing: "camera ticks as the camera's drivers report them (its indicator journal), not a photodiode or a microphone",
  signContent: 'the screen the camera reports drawing, laid out by the firmware,',
  signMatch: 'same screen, as reported',
  selfTest: 'the self-test command (the power-on self-test, run again)',
};

/** Longest host pause between two polls; the camera's clock, not this, ends a wait. */
const MAX_POLL_PAUSE_MS = 250;
/**
 * Camera time between two polls at most: well inside the dock session's 30 s idle timeout
 * and the ~85 s of recording the camera's journal ring holds.
 */
const MAX_POLL_GAP_CAMERA_MS = 5000;
/** Waits longer than this (camera ms: the reminders, the emergency deadline) show progress. */
const PROGRESS_FROM_MS = 10_000;

export type WaitProgress = (cameraNow: number, from: number, until: number) => void;

export class PortBenchCamera implements BenchCamera {
  readonly basis = PORT_BASIS;
  readonly journal: CameraJournal;
  readonly #link: BenchLink;
  readonly #progress: WaitProgress | undefined;
  #status: BenchStatus;
  #now: number;
  /** Camera ms per host ms, from the last two polls: how long to pause before the next. */
  #rate = 1;
  #polledAt = performance.now();
  /** Set by interrupt(): the next wait throws it (once). */
  #interrupted: Error | undefined;

  private constructor(link: BenchLink, status: BenchStatus, progress: WaitProgress | undefined) {
    this.#link = link;
    this.#status = status;
    this.#progress = progress;
    this.journal = new CameraJournal(status.journalNext);
    this.#now = this.journal.unwrap(status.ticks);
  }

  /** Reads the camera's status; refuses a camera that is recording (the sequence starts from ready). */
  static async connect(link: BenchLink, progress?: WaitProgress): Promise<PortBenchCamera> {
    const status = await link.status();
    if (status.recorderState !== 'ready') {
      throw new Error(`${link.client.where}: the camera is ${status.recorderState}, not ready; stop its recording (hold the button 3 s) and run the bench again`);
    }
    return new PortBenchCamera(link, status, progress);
  }

  get target(): string {
    return this.#status.board;
  }

  get now(): number {
    return this.#now;
  }

  async selfTest(): Promise<number> {
    const began = this.journal.unwrap(await this.#link.selfTest());
    await this.#poll();
    return began;
  }

  lastPress: { down: number; up: number } | undefined;

  async press(holdMs: number): Promise<void> {
    await this.presses([holdMs], 0);
  }

  async presses(holds: number[], gapMs: number): Promise<void> {
    // One PRESS: the camera keeps the rhythm, so a slow host cannot stretch a gap into a new selection.
    const first = this.journal.unwrap(await this.#link.press(holds[0]!, holds.slice(1).map((holdMs) => ({ gapMs, holdMs }))));
    this.#now = Math.max(this.#now, first); // the camera's clock as it answered: the wait below is timed from here
    const down = first + holds.slice(0, -1).reduce((sum, hold) => sum + hold + gapMs, 0);
    this.lastPress = { down, up: down + holds.at(-1)! };
    await this.waitUntil(this.lastPress.up);
  }

  /** Ends the sequence at its next poll (Ctrl-C): the wait in progress throws `reason`. */
  interrupt(reason: Error): void {
    this.#interrupted = reason;
  }

  async waitUntil(t: number): Promise<void> {
    const from = this.#now;
    const shown = t - from > PROGRESS_FROM_MS ? this.#progress : undefined;
    // Poll first: the camera's rate is then measured over however long the host was away.
    for (;;) {
      await this.#poll();
      this.#throwIfInterrupted();
      shown?.(Math.min(this.#now, t), from, t);
      if (this.#now >= t) return;
      const pause = Math.min(MAX_POLL_PAUSE_MS, (t - this.#now) / this.#rate / 2, MAX_POLL_GAP_CAMERA_MS / this.#rate);
      await new Promise((resolve) => (pause >= 1 ? setTimeout(resolve, pause) : setImmediate(resolve)));
    }
  }

  events(): BenchEvent[] {
    return this.journal.events();
  }

  ledOnAt(from: number): number | undefined {
    return this.journal.ledWrites().find((w) => w.t >= from && w.lit)?.t;
  }

  toneOnsets(from: number): { t: number; hz: number }[] {
    return this.journal.toneWrites().filter((w) => w.t >= from && w.hz > 0);
  }

  signDraws(): number[] {
    return this.journal.signDraws();
  }

  readyShownAt(from: number): number {
    return this.journal.screenDrawnAt(SIGN_SCREEN.ready, from) ?? Number.NaN;
  }

  signShows(screen: SignScreen): SignCheck {
    const difference = reportedDifference(this.journal.screenAt(this.#now), screen);
    return { ok: !difference, measured: difference ?? `the ${screen.kind} screen, as reported` };
  }

  signFrame(): Buffer | undefined {
    const { signWidth: width, signHeight: height, signColour } = this.#status;
    const shown = this.journal.screenAt(this.#now);
    const screen = shown && !shown.failed ? reportedSignScreen(shown) : undefined;
    if (!screen || !width || !height) return undefined;
    return reportedSignFrame(screen, { width, height, monochrome: signColour === SIGN_COLOURS.monochrome });
  }

  async failureRows(): Promise<Requirement[]> {
    const row = (id: string, channel: string, byHand: string): Requirement => ({
      id, requirement: `a dead ${channel} is detected and recorded`, measured: 'not injected', limit: 'recorded at the start, reason 1', pass: null,
      why: `a bench station cannot kill a channel over the dock link; by hand: ${byHand}, start a recording with the button and check that \`chaincam verify\` on the offloaded chain shows a notice-failure naming the ${channel}`,
    });
    return [
      row('fail.led', 'LED', "disconnect the LED's lead (or short its driver transistor)"),
      row('fail.tone', 'buzzer', "disconnect the buzzer's PWM line (a silent piezo on a working pin cannot be detected at all: listen for every tone)"),
      row('fail.sign', 'sign', 'unplug the sign display (an SSD1306 on I2C is detected; the LILYGO ST7789 has no MISO, so look at it instead)'),
    ];
  }

  picture() {
    return { timeline: this.journal.timeline(), signWrites: this.journal.signDraws(), events: this.events(), source: "as the camera's drivers report" };
  }

  #throwIfInterrupted(): void {
    const reason = this.#interrupted;
    this.#interrupted = undefined;
    if (reason) throw reason;
  }

  /** After a failed or interrupted run: stops a recording the sequence left running, so the camera is back to ready. */
  async leaveReady(): Promise<void> {
    this.#interrupted = undefined;
    await this.#poll();
    if (this.#status.recorderState !== 'recording') return;
    await this.press(3500);
    await this.waitUntil(this.#now + 1000);
  }

  /** Reads the camera's clock, then every journal entry up to it. */
  async #poll(): Promise<void> {
    const status = await this.#link.status();
    const now = this.journal.unwrap(status.ticks);
    const polledAt = performance.now();
    if (now > this.#now) this.#rate = Math.max(0.01, (now - this.#now) / Math.max(1, polledAt - this.#polledAt));
    this.#polledAt = polledAt;
    this.#status = status;
    this.#now = now;
    while (this.journal.next < status.journalNext) {
      const page = await this.#link.journal(this.journal.next);
      this.journal.add(page);
      if (!page.entries.length) break;
    }
  }
}

export interface PortBenchRun extends BenchSequenceResult {
  target: string;
  deviceId: string;
  camera: PortBenchCamera;
}

export interface PortBenchOptions {
  path: string;
  baud: number;
  /** The bench station's key file (a dock key whose public key the camera enrolled). */
  dockKey: string;
  reminderMinutes?: number;
  progress?: WaitProgress;
  /** Aborting (Ctrl-C) stops the sequence at its next poll and leaves the camera ready. */
  signal?: AbortSignal;
}

export async function runPortBench(options: PortBenchOptions): Promise<PortBenchRun> {
  const port = new NodeCryptoPort();
  const key = readDockKeyFile(port, options.dockKey);
  const opened = await openBenchPort(options.path, options.baud);
  try {
    const auth = await opened.link.authenticate(port, key, options.dockKey);
    const camera = await PortBenchCamera.connect(opened.link, options.progress);
    const interrupt = () => camera.interrupt(new Error('bench interrupted; the recording it had started was stopped and the camera is ready again'));
    options.signal?.addEventListener('abort', interrupt, { once: true });
    try {
      const result = await runBenchSequence(camera, { reminderMinutes: options.reminderMinutes });
      return { ...result, target: camera.target, deviceId: auth.deviceId, camera };
    } catch (error) {
      await camera.leaveReady().catch(() => undefined);
      throw error;
    } finally {
      options.signal?.removeEventListener('abort', interrupt);
    }
  } finally {
    await opened.link.close();
    await opened.close();
  }
}
