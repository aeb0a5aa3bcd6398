// LEDC PWM channels: frequency and duty of each pin over time.
import type { Timeline } from '../timeline.js';

export class PwmModel {
  readonly #open = new Map<number, { hz: number }>();
  readonly #timeline: Timeline;
  readonly #channelOf: (pin: number) => string;
  readonly #claim: (pin: number, owner: string) => void;
  readonly #release: (pin: number) => void;
  readonly #validPins: Set<number>;
  readonly #faults = new Map<number, string>();

  constructor(options: { timeline: Timeline; validPins: Set<number>; channelOf: (pin: number) => string; claim: (pin: number, owner: string) => void; release: (pin: number) => void }) {
    this.#timeline = options.timeline;
    this.#validPins = options.validPins;
    this.#channelOf = options.channelOf;
    this.#claim = options.claim;
    this.#release = options.release;
  }

  /** A dead LEDC channel or buzzer line: opening the pin fails with `message`. */
  injectFault(pin: number, message: string): void {
    this.#faults.set(pin, message);
  }

  open(t: number, pin: number, hz: number): void {
    if (!this.#validPins.has(pin)) throw new Error(`invalid pin ${pin}: this board has no GPIO ${pin}`);
    const fault = this.#faults.get(pin);
    if (fault) throw new Error(`PWM on GPIO ${pin}: ${fault}`);
    this.#claim(pin, 'PWM');
    this.#open.set(pin, { hz });
    this.#timeline.record({ t, kind: 'pwm', pin, channel: this.#channelOf(pin), hz, duty: 0 });
  }

  write(t: number, pin: number, value: number, max: number): void {
    const state = this.#open.get(pin);
    if (!state) throw new Error(`PWM on pin ${pin} is not open`);
    this.#timeline.record({ t, kind: 'pwm', pin, channel: this.#channelOf(pin), hz: state.hz, duty: value / max });
  }

  close(t: number, pin: number): void {
    const state = this.#open.get(pin);
    if (!state) return;
    this.#open.delete(pin);
    this.#release(pin);
    this.#timeline.record({ t, kind: 'pwm', pin, channel: this.#channelOf(pin), hz: state.hz, duty: 0 });
  }
}
