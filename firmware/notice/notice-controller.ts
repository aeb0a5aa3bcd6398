// One controller drives every notice channel (Art. 10-6(1): lights, sounds and
// signs) from the recorder's state, so the channels can never disagree. It
// self-tests them, notices failures, and hands capture a NoticeToken only once
// notice is on (or its absence is already recorded).
import type IndicatorLED from '../../drivers/indicator-led.js';
import type { LedPattern } from '../config.js';
import type { LegalGround } from '../policy/legal-grounds.js';
import type { LedPatternPlayer } from './led-pattern-player.js';
import { ALL_NOTICE_CHANNELS, NOTICE_CHANNELS, NoticeToken } from './notice-token.js';
import type { ToneSequence, TonePlayer } from './tone-player.js';

/** The rest between the stop tones and a low-storage warning that follows them. */
const LOW_STORAGE_AFTER_STOP_MS = 400;

export type NoticeChannel = keyof typeof NOTICE_CHANNELS;

/** The sign (display) as the controller needs it; drivers report errors through onError. */
export interface NoticeSign {
  selfTest(): void;
  showReady(): void;
  showRecording(ground: LegalGround | undefined, elapsedMs: number): void;
  showElapsed(elapsedMs: number): void;
  showNoticeNotGiven(reason: string): void;
  showLowStorage?(percentFree: number): void;
  showCardProblem?(condition: number): void;
}

export interface NoticeSounds {
  start: ToneSequence;
  stop: ToneSequence;
  reminder: ToneSequence;
  selfTest: ToneSequence;
  lowStorage?: ToneSequence;
}

export interface NoticeControllerOptions {
  led: Pick<IndicatorLED, 'write'>;
  ledPlayer: LedPatternPlayer;
  tones: TonePlayer;
  sign: NoticeSign | undefined;
  patterns: { ready: LedPattern; recording: LedPattern; fault: LedPattern };
  sounds: NoticeSounds;
  ticks: () => number;
  /** Called once per channel per failure episode, with what went wrong. */
  onChannelFailure: (channel: NoticeChannel, error: Error) => void;
}

export class NoticeController {
  readonly #o: NoticeControllerOptions;
  #failed = 0;
  #token: NoticeToken | undefined;
  /** The SD card's condition while it cannot keep footage: the sign shows it in place of "ready". */
  #cardCondition: number | undefined;
  /** The last segment's commit at a stop found storage low: warn after the stop tones. */
  #lowStorageAfterStop = false;

  constructor(options: NoticeControllerOptions) {
    this.#o = options;
  }

  /** Channels known to have failed (NOTICE_CHANNELS bits). */
  get failed(): number {
    return this.#failed;
  }

  get token(): NoticeToken | undefined {
    return this.#token;
  }

  /** Reported by a channel's driver at any time (tone player, sign). */
  channelFailed(channel: NoticeChannel, error: Error): void {
    const bit = NOTICE_CHANNELS[channel];
    if (this.#failed & bit) return;
    this.#failed |= bit;
    this.#o.onChannelFailure(channel, error);
  }

  /** Exercises each channel the way the hardware allows; returns the failed bits. */
  selfTest(): number {
    this.#failed = 0; // each self-test retests every channel, like each start
    // The tone first: a light drawn on the sign (config.board.lamp) waits for the panel's start-up.
    this.#attempt('tone', () => {
      if (!this.#o.tones.play(this.#o.sounds.selfTest)) throw new Error('the buzzer did not sound');
    });
    this.#attempt('led', () => {
      this.#o.led.write(true);
      this.#o.led.write(false);
    });
    this.#attempt('display', () => {
      if (!this.#o.sign) throw new Error('this board has no sign display');
      this.#o.sign.selfTest();
    });
    return this.#failed;
  }

  showReady(): void {
    this.#attempt('led', () => this.#o.ledPlayer.play(this.#failed ? this.#o.patterns.fault : this.#o.patterns.ready));
    const card = this.#cardCondition;
    this.#attempt('display', () => (card === undefined || !this.#o.sign?.showCardProblem ? this.#o.sign?.showReady() : this.#o.sign.showCardProblem(card)));
  }

  /**
   * Turns every channel on for a recording. Returns the channels that came on;
   * the caller records any that did not before asking for the token.
   */
  begin(ground: LegalGround | undefined): number {
    this.#failed = 0; // each start retests every channel
    // Quick channels first: a full-screen draw takes tens of milliseconds on the device (SPI and
    // the font in XS), and the start tone should not wait for it.
    this.#attempt('led', () => this.#o.ledPlayer.play(this.#o.patterns.recording));
    this.#attempt('tone', () => {
      if (!this.#o.tones.play(this.#o.sounds.start)) throw new Error('the start tone did not sound');
    });
    this.#attempt('display', () => {
      if (!this.#o.sign) throw new Error('this board has no sign display');
      this.#o.sign.selfTest();
      this.#o.sign.showRecording(ground, 0);
    });
    return ALL_NOTICE_CHANNELS & ~this.#failed;
  }

  /** The proof capture needs; `noticeReason` must already be in the chain if channels are missing. */
  issueToken(recording: number, channelsOn: number, noticeReason: number): NoticeToken {
    NoticeToken.revoke(this.#token);
    this.#token = NoticeToken.issue(recording, this.#o.ticks(), channelsOn, noticeReason);
    return this.#token;
  }

  groundChanged(ground: LegalGround | undefined, elapsedMs: number): void {
    this.#attempt('display', () => this.#o.sign?.showRecording(ground, elapsedMs));
  }

  elapsed(elapsedMs: number): void {
    this.#attempt('display', () => this.#o.sign?.showElapsed(elapsedMs));
  }

  remind(): void {
    this.#attempt('tone', () => {
      if (!this.#o.tones.play(this.#o.sounds.reminder)) throw new Error('the reminder tone did not sound');
    });
  }

  /**
   * Storage is running out: warn the officer by tone and sign (the recording goes on). Found
   * while a recording stops (its last segment's commit), the warning follows the stop tones
   * instead: they are the bystanders' notice that recording ended and must sound whole, and
   * the ready screen replaces a warning screen at once.
   */
  lowStorage(percentFree: number, whileStopping = false): void {
    if (whileStopping) {
      this.#lowStorageAfterStop = true;
      return;
    }
    this.#attempt('tone', () => {
      if (!this.#o.tones.play(this.#o.sounds.lowStorage ?? this.#o.sounds.reminder)) throw new Error('the low-storage tone did not sound');
    });
    this.#attempt('display', () => this.#o.sign?.showLowStorage?.(percentFree));
  }

  /** The SD card cannot keep footage (CARD_CONDITIONS): the sign says which until it can. */
  cardProblem(condition: number): void {
    this.#cardCondition = condition;
    if (this.#token) return; // a recording's sign stays up; the card screen follows when it ends
    this.#attempt('display', () => this.#o.sign?.showCardProblem?.(condition));
  }

  noticeNotGiven(reason: string): void {
    this.#attempt('display', () => this.#o.sign?.showNoticeNotGiven(reason));
  }

  /** Ends notice for a recording: stop tones, then the ready indicators. */
  end(): void {
    NoticeToken.revoke(this.#token);
    this.#token = undefined;
    const lowStorage = this.#lowStorageAfterStop ? this.#o.sounds.lowStorage ?? this.#o.sounds.reminder : undefined;
    this.#lowStorageAfterStop = false;
    this.#attempt('tone', () => {
      const tones = lowStorage ? [...this.#o.sounds.stop, [0, LOW_STORAGE_AFTER_STOP_MS] as const, ...lowStorage] : this.#o.sounds.stop;
      if (!this.#o.tones.play(tones)) throw new Error('the stop tone did not sound');
    });
    this.showReady();
  }

  /** Stealth (only where the profile allows it): every channel off. */
  dark(): void {
    this.#o.ledPlayer.stop();
    this.#o.tones.stop();
    try {
      this.#o.led.write(false);
    } catch (error) {
      this.channelFailed('led', error as Error);
    }
  }

  #attempt(channel: NoticeChannel, action: () => void): void {
    try {
      action();
    } catch (error) {
      this.channelFailed(channel, error as Error);
    }
  }
}
