// An indicator LED on one digital output, ECMA-419 style: the IO class and pin
// come in an options bag, so the same driver runs on the board and the simulator.
import type Digital from 'embedded:io/digital';

export interface IndicatorLEDOptions {
  led: { io: typeof Digital; pin: number; activeLow?: boolean };
}

export default class IndicatorLED {
  #io: Digital | undefined;
  #activeLow: boolean;
  #lit = false;

  constructor(options: IndicatorLEDOptions) {
    const { io, pin, activeLow = false } = options.led;
    this.#activeLow = activeLow;
    this.#io = new io({ pin, mode: io.Output });
    try {
      this.write(false);
    } catch {
      // A dead output stage must not stop the camera from booting: every later
      // write fails the same way, and the power-on self-test records it.
    }
  }

  /** True while the LED is lit (not the pin level: an active-low LED is lit at 0). */
  get lit(): boolean {
    return this.#lit;
  }

  write(lit: boolean): void {
    if (!this.#io) throw new Error('indicator LED is closed');
    this.#io.write(lit === this.#activeLow ? 0 : 1);
    this.#lit = lit;
  }

  close(): void {
    this.#io?.close();
    this.#io = undefined;
  }
}
