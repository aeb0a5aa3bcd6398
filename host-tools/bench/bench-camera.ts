// What the indicator bench needs of a camera under test, so the test sequence and its
// requirement rows are written once: the simulated board (measured from its hardware
// models) and a camera on its dock link (measured from its indicator journal) both provide it.
import type { SignScreen } from '../../firmware/notice/sign-layout.js';
import type { Timeline } from '../sim/timeline.js';

export interface Requirement {
  id: string;
  requirement: string;
  measured: string;
  limit: string;
  /** null: this camera cannot show it either way (said in `why`). */
  pass: boolean | null;
  why: string;
}

export interface BenchEvent {
  t: number;
  type: string;
  [field: string]: unknown;
}

export const LIMITS = Object.freeze({ ledMs: 100, toneMs: 100, signMs: 500, reminderToleranceMs: 1000, deadlineLateMs: 1000 });

/** Whether the sign shows a screen, as this camera can tell. */
export interface SignCheck {
  ok: boolean;
  measured: string;
}

/** How this camera's figures were measured, for the rows' `why`. */
export interface MeasurementBasis {
  /** Said of every indicator time. */
  timing: string;
  /** What a sign-content row compares with the firmware's layout. */
  signContent: string;
  /** The limit of a sign-content row. */
  signMatch: string;
  /** What the self-test rows time from. */
  selfTest: string;
}

export interface BenchCamera {
  /** The board target (or, on a port, the board the camera names). */
  readonly target: string;
  /** The camera's clock (ms) as last seen: virtual time, or the camera's ticks. */
  readonly now: number;
  readonly basis: MeasurementBasis;
  /** Runs the power-on self-test (a booted board already has); resolves with when it began. */
  selfTest(): Promise<number>;
  /** Presses the camera's button for `holdMs`; resolves once it is released. */
  press(holdMs: number): Promise<void>;
  /**
   * Presses it for each of `holds` in turn, released `gapMs` between them, timed on the camera's
   * clock (a ground's taps then a long press); resolves once the last is released. lastPress is the last.
   */
  presses(holds: number[], gapMs: number): Promise<void>;
  /**
   * When the last press went down and came up, on the camera's clock: notice is timed from the
   * button, since the firmware turns it on before it records the event (which can wait for the
   * last segment to be sealed).
   */
  readonly lastPress: { down: number; up: number } | undefined;
  /** Lets the camera run until its clock reads `t`. */
  waitUntil(t: number): Promise<void>;
  /** Recorder events so far, in order. */
  events(): BenchEvent[];
  /** First time at or after `from` that the LED was driven lit. */
  ledOnAt(from: number): number | undefined;
  /** Buzzer tone onsets at or after `from`. */
  toneOnsets(from: number): { t: number; hz: number }[];
  /** Times the sign was drawn (whole screens and the elapsed time's digits). */
  signDraws(): number[];
  /** When the ready screen was first shown at or after `from`. */
  readyShownAt(from: number): number;
  /** Whether the sign shows `screen` now. */
  signShows(screen: SignScreen): SignCheck;
  /** A light drawn on the sign cannot light before the panel's start-up waits end: how long they took from `from`. */
  lightStartupMs?(from: number): number | undefined;
  /** The sign now, as a PNG. */
  signFrame(): Buffer | undefined;
  /** The dead-channel rows: injected faults, or what the tester must do by hand. */
  failureRows(): Promise<Requirement[]>;
  /** What the timeline pictures draw. */
  picture(): { timeline: Timeline; signWrites: number[]; events: BenchEvent[]; source: string };
}

export async function wait(camera: BenchCamera, ms: number): Promise<void> {
  await camera.waitUntil(camera.now + ms);
}
