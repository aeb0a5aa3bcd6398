// ECMA-419 PWM (embedded:io/pwm) on the simulated board, with the ESP32 port's
// defaults (1024 Hz, 10-bit resolution); the host records frequency and duty.

interface PWMOptions {
  pin: number;
  hz?: number;
  resolution?: number;
  target?: unknown;
}

export default class PWM {
  #pin: number;
  #open = true;
  readonly hz: number;
  readonly resolution: number;
  target: unknown;

  constructor(options: PWMOptions) {
    if (options?.pin === undefined) throw new Error('invalid pin');
    const hz = options.hz ?? 1024;
    const resolution = options.resolution ?? 10;
    if (!(hz > 0)) throw new RangeError('invalid hz');
    if (!(resolution > 0 && resolution < 20)) throw new RangeError('invalid resolution');
    simHost.call('pwm.open', { pin: options.pin, hz, resolution });
    this.#pin = options.pin;
    this.hz = hz;
    this.resolution = resolution;
    this.target = options.target;
  }

  write(value: number): void {
    if (!this.#open) throw new Error('closed');
    const max = (1 << this.resolution) - 1;
    if (!(value >= 0 && value <= max)) throw new RangeError(`invalid duty ${value} (0..${max})`);
    simHost.call('pwm.write', { pin: this.#pin, value, max });
  }

  get format(): string {
    return 'number';
  }

  close(): void {
    if (!this.#open) return;
    this.#open = false;
    simHost.call('pwm.close', { pin: this.#pin });
  }
}
