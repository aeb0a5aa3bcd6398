// A piezo buzzer on one LEDC PWM pin. The ESP32 LEDC timer fixes the frequency
// when the PWM is opened, so each tone opens the pin at its frequency and a
// rest closes it (driving the pin low, silent).
import type PWM from 'embedded:io/pwm';

// @moddable/typings 5.6.0 omits PWM's close(), which the ESP32 implementation
// has (SDK 8.2.3 modules/io/pwm/esp32/_pwm.js); every ECMA-419 IO closes.
type ClosablePWM = PWM & { close(): void };

export interface PwmBuzzerOptions {
  buzzer: { io: typeof PWM; pin: number };
}

export default class PwmBuzzer {
  readonly #io: typeof PWM;
  readonly #pin: number;
  #pwm: ClosablePWM | undefined;
  #hz = 0;
  #closed = false;

  constructor(options: PwmBuzzerOptions) {
    this.#io = options.buzzer.io;
    this.#pin = options.buzzer.pin;
  }

  /** Sounds `hz` at half duty until the next tone() or silence(). Throws if the pin cannot be driven. */
  tone(hz: number): void {
    if (this.#closed) throw new Error('buzzer is closed');
    if (!(hz >= 20 && hz <= 20_000)) throw new RangeError(`buzzer: ${hz} Hz is outside 20 Hz-20 kHz`);
    if (this.#hz !== hz) {
      this.silence();
      this.#pwm = new this.#io({ pin: this.#pin, hz }) as ClosablePWM;
      this.#hz = hz;
    }
    this.#pwm!.write(Math.floor(((1 << this.#pwm!.resolution) - 1) / 2));
  }

  get sounding(): number {
    return this.#hz;
  }

  silence(): void {
    if (!this.#pwm) return;
    this.#pwm.close();
    this.#pwm = undefined;
    this.#hz = 0;
  }

  close(): void {
    this.silence();
    this.#closed = true;
  }
}
