// ECMA-419 Digital (embedded:io/digital) on the simulated board. Pin levels are
// kept by the host's GPIO model, which stamps every change with virtual time.

const Rising = 1;
const Falling = 2;

interface DigitalOptions {
  pin: number;
  mode: number;
  edge?: number;
  onReadable?: (this: Digital) => void;
  target?: unknown;
  format?: string;
}

export default class Digital {
  static readonly Input = 0;
  static readonly InputPullUp = 1;
  static readonly InputPullDown = 2;
  static readonly InputPullUpDown = 3;
  static readonly Output = 8;
  static readonly OutputOpenDrain = 9;
  static readonly Rising = Rising;
  static readonly Falling = Falling;

  #pin: number;
  #open = true;
  target: unknown;

  constructor(options: DigitalOptions) {
    if (options?.pin === undefined) throw new Error('invalid pin');
    const edge = options.edge ?? 0;
    if (options.onReadable && !edge) throw new Error('onReadable requires edge');
    simHost.call('digital.open', { pin: options.pin, mode: options.mode, edge });
    this.#pin = options.pin;
    this.target = options.target;
    const onReadable = options.onReadable;
    if (onReadable) {
      simHost.listen('gpio', (event) => {
        if (!this.#open || event.pin !== this.#pin) return;
        if ((event.level && edge & Rising) || (!event.level && edge & Falling)) onReadable.call(this);
      });
    }
  }

  read(): 0 | 1 {
    this.#check();
    return simHost.call('digital.read', { pin: this.#pin }).result ? 1 : 0;
  }

  write(value: number): void {
    this.#check();
    simHost.call('digital.write', { pin: this.#pin, value: Number(value) ? 1 : 0 });
  }

  get format(): string {
    return 'number';
  }

  set format(value: string) {
    if (value !== 'number') throw new RangeError('invalid format');
  }

  close(): void {
    if (!this.#open) return;
    this.#open = false;
    simHost.call('digital.close', { pin: this.#pin });
  }

  #check(): void {
    if (!this.#open) throw new Error('closed');
  }
}
