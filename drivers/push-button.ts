// A push button on one digital input, debounced, that reports press patterns:
// short (< long), long (>= long), and hold (fires while still held, so the
// officer gets feedback without letting go). Wired active-low with a pull-up.
import type Digital from 'embedded:io/digital';
import Time from 'time';
import Timer from 'timer';

export type PressKind = 'short' | 'long' | 'hold';

export interface PushButtonOptions {
  button: { io: typeof Digital; pin: number; activeLow?: boolean };
  debounceMs?: number;
  longMs?: number;
  holdMs?: number;
  onPress: (kind: PressKind, heldMs: number) => void;
}

export default class PushButton {
  #io: Digital | undefined;
  readonly #activeLow: boolean;
  readonly #debounceMs: number;
  readonly #longMs: number;
  readonly #holdMs: number;
  readonly #onPress: (kind: PressKind, heldMs: number) => void;
  #pressed = false;
  #downAt = 0;
  #held = false;
  #settle: Timer | undefined;
  #holdTimer: Timer | undefined;
  #injectedRelease: Timer | undefined;

  constructor(options: PushButtonOptions) {
    const { io, pin, activeLow = true } = options.button;
    this.#activeLow = activeLow;
    this.#debounceMs = options.debounceMs ?? 30;
    this.#longMs = options.longMs ?? 1000;
    this.#holdMs = options.holdMs ?? 3000;
    if (!(this.#longMs < this.#holdMs)) throw new RangeError('push button: longMs must be shorter than holdMs');
    this.#onPress = options.onPress;
    const button = this;
    this.#io = new io({
      pin,
      mode: activeLow ? io.InputPullUp : io.InputPullDown,
      edge: io.Rising | io.Falling,
      onReadable() {
        button.#bounce();
      },
    });
    this.#pressed = this.#level();
  }

  get pressed(): boolean {
    return this.#pressed;
  }

  /**
   * A press of `holdMs` that enters where the settled contacts do, so it makes the same
   * short, long and hold presses as a thumb (the bench's press over the dock link).
   */
  inject(holdMs: number): void {
    if (!this.#io) throw new Error('push button is closed');
    if (this.#pressed || this.#injectedRelease) throw new Error('the button is already pressed');
    this.#down();
    this.#injectedRelease = Timer.set(() => {
      this.#injectedRelease = undefined;
      this.#up();
    }, holdMs);
  }

  close(): void {
    Timer.clear(this.#settle);
    Timer.clear(this.#holdTimer);
    Timer.clear(this.#injectedRelease);
    this.#settle = this.#holdTimer = this.#injectedRelease = undefined;
    this.#io?.close();
    this.#io = undefined;
  }

  #level(): boolean {
    return (this.#io!.read() === 1) !== this.#activeLow;
  }

  // Contacts chatter for a few ms: act only on a level that stayed put.
  #bounce(): void {
    Timer.clear(this.#settle);
    this.#settle = Timer.set(() => {
      this.#settle = undefined;
      if (!this.#io || this.#injectedRelease) return; // the contacts wait while an injected press is held
      const pressed = this.#level();
      if (pressed === this.#pressed) return;
      this.#pressed = pressed;
      if (pressed) this.#down();
      else this.#up();
    }, this.#debounceMs);
  }

  #down(): void {
    this.#downAt = Time.ticks;
    this.#held = false;
    this.#holdTimer = Timer.set(() => {
      this.#holdTimer = undefined;
      this.#held = true;
      this.#onPress('hold', Time.ticks - this.#downAt);
    }, this.#holdMs);
  }

  #up(): void {
    Timer.clear(this.#holdTimer);
    this.#holdTimer = undefined;
    if (this.#held) return;
    const heldMs = Time.ticks - this.#downAt;
    this.#onPress(heldMs >= this.#longMs ? 'long' : 'short', heldMs);
  }
}
