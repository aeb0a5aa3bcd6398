// Plays an LED pattern (a cycle of [level, ms] steps) on the board's timers.
// One pattern at a time: playing another replaces it at once. A driver error
// stops the pattern and is reported, so notice can record the failed channel.
import type Timer from 'timer';
import type IndicatorLED from '../../drivers/indicator-led.js';
import type { LedPattern } from '../config.js';

export class LedPatternPlayer {
  readonly #led: Pick<IndicatorLED, 'write'>;
  readonly #timers: typeof Timer;
  #timer: Timer | undefined;
  #pattern: LedPattern | undefined;
  #step = 0;
  readonly #onError: (error: Error) => void;

  constructor(options: { led: Pick<IndicatorLED, 'write'>; timers: typeof Timer; onError?: (error: Error) => void }) {
    this.#led = options.led;
    this.#timers = options.timers;
    this.#onError = options.onError ?? ((error) => {
      throw error;
    });
  }

  get pattern(): LedPattern | undefined {
    return this.#pattern;
  }

  play(pattern: LedPattern): void {
    this.stop();
    this.#pattern = pattern;
    this.#step = 0;
    this.#show();
  }

  stop(): void {
    if (this.#timer) this.#timers.clear(this.#timer);
    this.#timer = undefined;
    this.#pattern = undefined;
  }

  #show(): void {
    const pattern = this.#pattern;
    if (!pattern) return;
    const [level, ms] = pattern[this.#step]!;
    try {
      this.#led.write(level === 1);
    } catch (error) {
      this.stop();
      this.#onError(error as Error);
      return;
    }
    this.#step = (this.#step + 1) % pattern.length;
    this.#timer = this.#timers.set(() => this.#show(), ms);
  }
}
