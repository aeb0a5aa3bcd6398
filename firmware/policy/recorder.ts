// The recorder's states (off, ready, recording, stopping) and the law's rules
// for moving between them (Art. 10-5): a ground before a start, or a one-press
// emergency start confirmed in time; reminders; a maximum duration; every
// change of ground on the record. Notice comes first (Art. 10-6).
import type Timer from 'timer';
import { NOTICE_REASONS } from '../format/record-codes.js';
import type { NoticeChannel, NoticeController } from '../notice/notice-controller.js';
import { ALL_NOTICE_CHANNELS, NOTICE_CHANNELS, type NoticeToken } from '../notice/notice-token.js';
import type { EventSink } from './event-sink.js';
import { legalGround, type LegalGround } from './legal-grounds.js';
import type { Policy } from './profiles.js';

export type RecorderState = 'off' | 'ready' | 'recording' | 'stopping';

/** Codes shared with the chain format (firmware/format/record-codes.ts). */
export const START_MODE = Object.freeze({ chosen: 1, emergency: 2 });
export const STOP_REASON = Object.freeze({ officer: 1, maximumDuration: 2, lowBattery: 3, storageFull: 4, storageFailed: 6 });
export const NOTICE_REASON = Object.freeze({ given: 0, indicatorFailed: 1, endangered: 2, impossible: 3, atDock: 4, other: 9 });

/** What capture needs from the recorder: a token to keep frames, and when to stop. */
export interface CaptureSink {
  begin(recording: number, token: NoticeToken): void;
  end(recording: number): void;
}

export interface RecordingState {
  readonly id: number;
  readonly startedAt: number;
  /** 0 until an emergency start is confirmed. */
  readonly ground: number;
  readonly startMode: number;
  readonly noticeReason: number;
}

export interface RecorderOptions {
  policy: Policy;
  notice: NoticeController;
  events: EventSink;
  timers: typeof Timer;
  ticks: () => number;
  capture?: CaptureSink;
  /** The next recording number (the store persists it across power cycles). */
  nextRecording?: number;
  /** Why a recording could not be kept now (no usable SD card): a start is refused, nothing recorded. */
  storageRefusal?: () => string | undefined;
}

export class Recorder {
  readonly #o: RecorderOptions;
  #state: RecorderState = 'off';
  #recording: { id: number; startedAt: number; ground: number; startMode: number; noticeReason: number } | undefined;
  #next: number;
  #reminder: Timer | undefined;
  #deadline: Timer | undefined;
  #limit: Timer | undefined;
  #clock: Timer | undefined;

  constructor(options: RecorderOptions) {
    this.#o = options;
    this.#next = options.nextRecording ?? 1;
  }

  get state(): RecorderState {
    return this.#state;
  }

  get recording(): RecordingState | undefined {
    return this.#recording && { ...this.#recording };
  }

  get policy(): Policy {
    return this.#o.policy;
  }

  /** Boot: self-test every notice channel, then show ready. */
  powerOn(): void {
    if (this.#state !== 'off') throw new Error(`power on: the recorder is already ${this.#state}`);
    this.#o.notice.selfTest();
    this.#state = 'ready';
    this.#o.notice.showReady();
  }

  /** The power-on self-test again, while ready (a bench tester's request): every channel exercised, then ready. */
  selfTest(): void {
    if (this.#state !== 'ready') throw new Error(`self-test: the recorder is ${this.#state}, not ready; stop the recording first`);
    this.#o.notice.selfTest();
    this.#o.notice.showReady();
  }

  /** Starts a recording on a legal ground the officer chose (1-9). */
  start(ground: number, options: { stealth?: boolean } = {}): RecordingState {
    legalGround(ground);
    return this.#begin(ground, START_MODE.chosen, options.stealth === true);
  }

  /** One-press emergency start: recording now, the ground confirmed within the policy's deadline. */
  emergencyStart(): RecordingState {
    const recording = this.#begin(0, START_MODE.emergency, false);
    const deadlineMs = this.#o.policy.emergencyConfirmMs;
    if (deadlineMs > 0) {
      this.#deadline = this.#o.timers.set(() => {
        this.#deadline = undefined;
        const current = this.#recording;
        if (current && current.ground === 0) this.#o.events.record({ type: 'ground-unconfirmed', recording: current.id, deadlineMs });
      }, deadlineMs);
    }
    return recording;
  }

  /** Confirms the ground of an emergency start, or changes the ground with an audit entry. */
  setGround(ground: number, reason: string): void {
    const current = this.#current('set the ground');
    const next = legalGround(ground);
    if (current.ground === ground) return;
    this.#o.events.record({ type: 'ground-change', recording: current.id, fromGround: current.ground, toGround: ground, reason });
    current.ground = ground;
    if (this.#deadline) this.#o.timers.clear(this.#deadline);
    this.#deadline = undefined;
    this.#o.notice.groundChanged(next, this.#o.ticks() - current.startedAt);
  }

  /** Art. 10-6(2): the reason notice could not be given travels with the recording. */
  noticeNotGiven(reasonCode: number, text: string): void {
    const current = this.#current('record why notice was not given');
    if (!(reasonCode in NOTICE_REASONS) || reasonCode === NOTICE_REASON.given) throw new RangeError(`notice reason ${reasonCode} is not an Art. 10-6(2) reason code`);
    current.noticeReason = reasonCode;
    this.#o.events.record({ type: 'notice-failure', recording: current.id, failedIndicators: this.#o.notice.failed, noticeReason: reasonCode, text });
    this.#o.notice.noticeNotGiven(text);
  }

  stop(reason: number = STOP_REASON.officer): void {
    const current = this.#current('stop');
    this.#state = 'stopping';
    for (const timer of [this.#reminder, this.#deadline, this.#limit, this.#clock]) if (timer) this.#o.timers.clear(timer);
    this.#reminder = this.#deadline = this.#limit = this.#clock = undefined;
    this.#o.capture?.end(current.id);
    this.#o.notice.end();
    this.#o.events.record({ type: 'recording-stop', recording: current.id, stopReason: reason });
    this.#recording = undefined;
    this.#state = 'ready';
  }

  /** A notice channel failed while recording (or at start): on the record at once. */
  channelFailed(channel: NoticeChannel, error: Error): void {
    const current = this.#recording;
    const failedIndicators = NOTICE_CHANNELS[channel];
    this.#o.events.record({
      type: 'notice-failure',
      recording: current?.id ?? 0,
      failedIndicators,
      noticeReason: NOTICE_REASON.indicatorFailed,
      text: `${channel}: ${error.message}`,
    });
    if (current && current.noticeReason === NOTICE_REASON.given) current.noticeReason = NOTICE_REASON.indicatorFailed;
  }

  #begin(ground: number, startMode: number, stealth: boolean): RecordingState {
    if (this.#state !== 'ready') throw new Error(`cannot start a recording while the recorder is ${this.#state}`);
    const policy = this.#o.policy;
    if (stealth && !policy.stealthAllowed) throw new Error(`policy ${policy.name} forbids recording with notice off (Art. 10-6(1))`);
    const refusal = this.#o.storageRefusal?.();
    if (refusal) throw new Error(`cannot record: ${refusal}`);
    const id = this.#next++;
    const startedAt = this.#o.ticks();
    const current = { id, startedAt, ground, startMode, noticeReason: NOTICE_REASON.given as number };
    this.#recording = current;
    this.#state = 'recording';
    this.#o.events.record({ type: 'recording-start', recording: id, legalGround: ground, startMode });
    // Notice first: every channel on (or its failure on the record) before capture gets a token.
    let channelsOn = 0;
    if (stealth) this.#o.notice.dark();
    else channelsOn = this.#o.notice.begin(ground ? legalGround(ground) : undefined);
    if (channelsOn !== ALL_NOTICE_CHANNELS) {
      // Failed channels were recorded by channelFailed(); stealth is recorded here.
      if (stealth) {
        current.noticeReason = NOTICE_REASON.endangered;
        this.#o.events.record({ type: 'notice-failure', recording: id, failedIndicators: ALL_NOTICE_CHANNELS, noticeReason: NOTICE_REASON.endangered, text: 'stealth recording (profile allows it)' });
      } else {
        current.noticeReason = NOTICE_REASON.indicatorFailed;
      }
    }
    const token = this.#o.notice.issueToken(id, channelsOn, current.noticeReason);
    this.#o.capture?.begin(id, token);
    if (!stealth && policy.reminderMs > 0) this.#reminder = this.#o.timers.repeat(() => this.#o.notice.remind(), policy.reminderMs);
    if (policy.maxRecordingMs > 0) this.#limit = this.#o.timers.set(() => this.stop(STOP_REASON.maximumDuration), policy.maxRecordingMs);
    this.#clock = this.#o.timers.repeat(() => this.#o.notice.elapsed(this.#o.ticks() - startedAt), 1000);
    return { ...current };
  }

  #current(action: string) {
    if (this.#state !== 'recording' || !this.#recording) throw new Error(`cannot ${action}: no recording is running`);
    return this.#recording;
  }
}

