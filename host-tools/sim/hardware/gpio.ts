// The board's GPIO pins: who owns each one, its mode and its level.
import type { Timeline } from '../timeline.js';

const OUTPUT_MODES = new Set([8, 9]);

interface PinState {
  mode: number;
  level: 0 | 1;
  edge: number;
}

export class GpioModel {
  readonly #pins = new Map<number, PinState>();
  readonly #inputs = new Map<number, 0 | 1>();
  readonly #faults = new Map<number, string>();
  readonly #timeline: Timeline;
  readonly #validPins: Set<number>;
  readonly #channelOf: (pin: number) => string;
  readonly #claim: (pin: number, owner: string) => void;
  readonly #release: (pin: number) => void;

  constructor(options: { timeline: Timeline; validPins: Set<number>; channelOf: (pin: number) => string; claim: (pin: number, owner: string) => void; release: (pin: number) => void }) {
    this.#timeline = options.timeline;
    this.#validPins = options.validPins;
    this.#channelOf = options.channelOf;
    this.#claim = options.claim;
    this.#release = options.release;
  }

  open(pin: number, mode: number, edge: number): void {
    if (!this.#validPins.has(pin)) throw new Error(`invalid pin ${pin}: this board has no GPIO ${pin}`);
    if (![0, 1, 2, 3, 8, 9].includes(mode)) throw new Error(`invalid mode ${mode} for pin ${pin}`);
    this.#claim(pin, 'Digital');
    const pulledUp = mode === 1;
    this.#pins.set(pin, { mode, level: this.#inputs.get(pin) ?? (pulledUp ? 1 : 0), edge });
  }

  /** A dead output driver: from now on, writing the pin fails with `message`. */
  injectFault(pin: number, message: string): void {
    this.#faults.set(pin, message);
  }

  close(pin: number): void {
    if (this.#pins.delete(pin)) this.#release(pin);
  }

  write(t: number, pin: number, level: 0 | 1): void {
    const state = this.#state(pin);
    if (!OUTPUT_MODES.has(state.mode)) throw new Error(`pin ${pin} is an input; it cannot be written`);
    const fault = this.#faults.get(pin);
    if (fault) throw new Error(`GPIO ${pin}: ${fault}`);
    state.level = level;
    this.#timeline.record({ t, kind: 'gpio', pin, channel: this.#channelOf(pin), level, direction: 'out' });
  }

  read(pin: number): 0 | 1 {
    return this.#state(pin).level;
  }

  /** Drives an input from outside (a button); true if an open pin saw the change. */
  drive(t: number, pin: number, level: 0 | 1): boolean {
    this.#inputs.set(pin, level);
    const state = this.#pins.get(pin);
    if (!state || OUTPUT_MODES.has(state.mode) || state.level === level) return false;
    state.level = level;
    this.#timeline.record({ t, kind: 'gpio', pin, channel: this.#channelOf(pin), level, direction: 'in' });
    return true;
  }

  #state(pin: number): PinState {
    const state = this.#pins.get(pin);
    if (!state) throw new Error(`pin ${pin} is not open`);
    return state;
  }
}
