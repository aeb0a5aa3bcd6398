// Plays tone sequences ([hz, ms] steps; hz 0 rests) on the buzzer. A driver
// error ends the sequence and is reported, so notice can record the failed channel.
import type Timer from 'timer';
import type PwmBuzzer from '../../drivers/pwm-buzzer.js';

export type ToneStep = readonly [hz: number, ms: number];
export type ToneSequence = readonly ToneStep[];

export class TonePlayer {
  readonly #buzzer: Pick<PwmBuzzer, 'tone' | 'silence'>;
  readonly #timers: typeof Timer;
  readonly #onError: (error: Error) => void;
  #timer: Timer | undefined;

  constructor(options: { buzzer: Pick<PwmBuzzer, 'tone' | 'silence'>; timers: typeof Timer; onError: (error: Error) => void }) {
    this.#buzzer = options.buzzer;
    this.#timers = options.timers;
    this.#onError = options.onError;
  }

  get playing(): boolean {
    return this.#timer !== undefined;
  }

  /** Starts a sequence; false if its first step already failed. */
  play(sequence: ToneSequence): boolean {
    this.stop();
    return this.#step(sequence, 0);
  }

  stop(): void {
    if (this.#timer) this.#timers.clear(this.#timer);
    this.#timer = undefined;
    try {
      this.#buzzer.silence();
    } catch (error) {
      this.#onError(error as Error);
    }
  }

  #step(sequence: ToneSequence, index: number): boolean {
    this.#timer = undefined;
    const step = sequence[index];
    try {
      if (!step) {
        this.#buzzer.silence();
        return true;
      }
      if (step[0] > 0) this.#buzzer.tone(step[0]);
      else this.#buzzer.silence();
    } catch (error) {
      this.#onError(error as Error);
      return false;
    }
    this.#timer = this.#timers.set(() => this.#step(sequence, index + 1), step[1]);
    return true;
  }
}
