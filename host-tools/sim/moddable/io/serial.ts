// ECMA-419 Serial (embedded:io/serial) on the simulated board. Transmitted bytes
// go to the host's UART model (a log, or a real pseudo-terminal); received bytes
// arrive as host events and wake onReadable like the UART interrupt would.
import { asBytes } from './bytes.js';

interface SerialOptions {
  receive?: number;
  transmit?: number;
  baud: number;
  port?: number;
  format?: 'number' | 'buffer';
  onReadable?: (this: Serial, count: number) => void;
  onWritable?: (this: Serial, count: number) => void;
  target?: unknown;
}

export default class Serial {
  #port: number;
  #open = true;
  #format: 'number' | 'buffer';
  #received: Uint8Array[] = [];
  #available = 0;
  target: unknown;

  constructor(options: SerialOptions) {
    if (!(options?.baud > 0)) throw new Error('invalid baud');
    this.#port = options.port ?? 0;
    this.#format = options.format ?? 'buffer';
    this.target = options.target;
    const writable = simHost.call('serial.open', { port: this.#port, receive: options.receive, transmit: options.transmit, baud: options.baud }).result;
    simHost.listen('serial', (event, payload) => {
      if (!this.#open || event.port !== this.#port) return;
      if (payload && payload.length) {
        this.#received.push(payload.slice());
        this.#available += payload.length;
        options.onReadable?.call(this, this.#available);
      }
      if (event.writable) options.onWritable?.call(this, event.writable);
    });
    if (options.onWritable) {
      const onWritable = options.onWritable;
      simHost.timers.set(() => simHost.invoke('serial onWritable', () => onWritable.call(this, writable)), 0, 0);
    }
  }

  read(count?: number): number | ArrayBuffer | undefined {
    this.#check();
    if (this.#format === 'number') {
      if (!this.#available) return undefined;
      return this.#take(1)[0];
    }
    if (!this.#available) return undefined;
    return this.#take(Math.min(count ?? this.#available, this.#available)).buffer;
  }

  write(value: number | ArrayBuffer | ArrayBufferView): void {
    this.#check();
    const bytes = typeof value === 'number' ? Uint8Array.of(value) : asBytes(value);
    simHost.call('serial.write', { port: this.#port }, bytes);
  }

  get format(): string {
    return this.#format;
  }

  set format(value: 'number' | 'buffer') {
    if (value !== 'number' && value !== 'buffer') throw new RangeError('invalid format');
    this.#format = value;
  }

  close(): void {
    if (!this.#open) return;
    this.#open = false;
    simHost.call('serial.close', { port: this.#port });
  }

  #take(count: number): Uint8Array<ArrayBuffer> {
    const out = new Uint8Array(count);
    let offset = 0;
    while (offset < count) {
      const head = this.#received[0]!;
      const n = Math.min(head.length, count - offset);
      out.set(head.subarray(0, n), offset);
      offset += n;
      if (n === head.length) this.#received.shift();
      else this.#received[0] = head.subarray(n);
    }
    this.#available -= count;
    return out;
  }

  #check(): void {
    if (!this.#open) throw new Error('closed');
  }
}
