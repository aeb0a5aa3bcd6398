// ECMA-419 Serial (embedded:io/serial) on the simulated board, as Moddable SDK 8.2's esp32
// implementation behaves (modules/io/serial/esp32/serial.c): write() goes straight into the
// UART's 128-byte hardware TX FIFO, which the host's UART model empties at the baud rate in
// device time, and throws "output full" when the FIFO has less free than the write; onWritable
// is the TX-FIFO-empty interrupt, enabled at open and again by a write after it fired, firing
// once fewer than 10 bytes are queued and called with the bytes then free. Received bytes
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

interface FifoState {
  free: number;
  belowThresholdAt: number;
}

export default class Serial {
  #port: number;
  #open = true;
  #format: 'number' | 'buffer';
  #received: Uint8Array[] = [];
  #available = 0;
  #onWritable: ((this: Serial, count: number) => void) | undefined;
  /** serial.c txInterruptEnabled: the TX-FIFO-empty interrupt is armed (this timer stands for it). */
  #txInterrupt: SimTimer | undefined;
  target: unknown;

  constructor(options: SerialOptions) {
    if (!(options?.baud > 0)) throw new Error('invalid baud');
    this.#port = options.port ?? 0;
    this.#format = options.format ?? 'buffer';
    this.target = options.target;
    const fifo: FifoState = simHost.call('serial.open', { port: this.#port, receive: options.receive, transmit: options.transmit, baud: options.baud }).result;
    simHost.listen('serial', (event, payload) => {
      if (!this.#open || event.port !== this.#port) return;
      if (payload && payload.length) {
        this.#received.push(payload.slice());
        this.#available += payload.length;
        options.onReadable?.call(this, this.#available);
      }
    });
    // serial.c: onWritable only with a transmit pin; the interrupt is enabled at open, so it
    // fires at once (the FIFO is empty) and onWritable is called with 128.
    if (options.onWritable && options.transmit !== undefined) {
      this.#onWritable = options.onWritable;
      this.#armTxInterrupt(fifo);
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
    // All or nothing: the host throws "output full" when the FIFO has less free than this write.
    const fifo: FifoState = simHost.call('serial.write', { port: this.#port }, bytes).result;
    if (this.#onWritable && !this.#txInterrupt) this.#armTxInterrupt(fifo);
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
    simHost.timers.clear(this.#txInterrupt);
    this.#txInterrupt = undefined;
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

  /** The interrupt fires when fewer than 10 bytes are queued; a write since arming moves that on. */
  #armTxInterrupt(fifo: FifoState): void {
    const fire = (at: number) => {
      this.#txInterrupt = simHost.timers.set(() => {
        if (!this.#open) return;
        const now: FifoState = simHost.call('serial.fifo', { port: this.#port }).result;
        if (now.belowThresholdAt > simHost.now()) return fire(now.belowThresholdAt);
        // serial_isr disables the interrupt; serialDeliver calls onWritable with the free count.
        this.#txInterrupt = undefined;
        const onWritable = this.#onWritable!;
        if (now.free) simHost.invoke('serial onWritable', () => onWritable.call(this, now.free));
      }, Math.max(0, at - simHost.now()), 0);
    };
    fire(fifo.belowThresholdAt);
  }

  #check(): void {
    if (!this.#open) throw new Error('closed');
  }
}
