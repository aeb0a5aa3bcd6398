// drivers/dock-uart and drivers/dock-usb on the simulated board: the native half of each
// (ESP-IDF's UART or USB-Serial-JTAG driver with a TX and an RX ring buffer) becomes host calls
// to host-tools/sim/hardware/dock-serial.ts, which models the TX ring's capacity and its drain
// at the line's rate in device time, and charges each write's copy as native bytes. Received
// bytes arrive as serial events, as the driver's RX event would post them to the XS machine;
// beyond the RX ring's capacity they are lost until read(), as in the driver.

export interface DockSerialPortOptions {
  link: 'uart' | 'usb';
  port?: number;
  transmit?: number;
  receive?: number;
  baud?: number;
  transmitBuffer: number;
  receiveBuffer: number;
  onReadable?: (this: any, count: number) => void;
  onWritable?: (this: any, count: number) => void;
}

interface RingState {
  free: number;
  writableAt: number;
}

type Joinable = ArrayBuffer & { concat(...more: ArrayBuffer[]): ArrayBuffer };

export class DockSerialPort {
  #port: number;
  #open = true;
  #received: ArrayBuffer[] = [];
  #available = 0;
  #capacity: number;
  #onWritable: ((count: number) => void) | undefined;
  #waiting: SimTimer | undefined;
  /** Bytes the RX ring had no room for (the driver's UART_BUFFER_FULL). */
  lost = 0;

  constructor(options: DockSerialPortOptions) {
    const { onReadable, onWritable } = options;
    this.#port = simHost.call('dockserial.open', {
      link: options.link, port: options.port, transmit: options.transmit, receive: options.receive, baud: options.baud,
      transmitBuffer: options.transmitBuffer, receiveBuffer: options.receiveBuffer,
    }).result;
    this.#capacity = options.receiveBuffer;
    this.#onWritable = onWritable && ((count) => onWritable.call(this, count));
    simHost.listen('serial', (event, payload) => {
      if (!this.#open || event.port !== this.#port || !payload?.length) return;
      const room = this.#capacity - this.#available;
      const kept = payload.length <= room ? payload : payload.subarray(0, Math.max(0, room));
      this.lost += payload.length - kept.length;
      if (!kept.length) return;
      // ArrayBuffer slice: xsnap meters no per-byte work for it, as the driver's copy is C.
      this.#received.push((kept.buffer as ArrayBuffer).slice(kept.byteOffset, kept.byteOffset + kept.byteLength));
      this.#available += kept.length;
      onReadable?.call(this, this.#available);
    });
  }

  read(): ArrayBuffer | undefined {
    this.#check();
    if (!this.#available) return undefined;
    const [first, ...rest] = this.#received;
    const all = rest.length ? (first as Joinable).concat(...rest) : first!;
    this.#received = [];
    this.#available = 0;
    return all;
  }

  write(bytes: Uint8Array): void {
    this.#check();
    try {
      simHost.call('dockserial.write', { port: this.#port }, bytes);
    } catch (error) {
      // Refused whole: onWritable once the ring has room for it (USB: once it has drained).
      if (this.#onWritable && !this.#waiting) {
        const { writableAt }: RingState = simHost.call('dockserial.state', { port: this.#port, wanted: bytes.length }).result;
        this.#waiting = simHost.timers.set(() => {
          this.#waiting = undefined;
          if (!this.#open) return;
          const { free }: RingState = simHost.call('dockserial.state', { port: this.#port }).result;
          simHost.invoke('dock serial onWritable', () => this.#onWritable!(free));
        }, Math.max(0, writableAt - simHost.now()), 0);
      }
      throw error;
    }
  }

  close(): void {
    if (!this.#open) return;
    this.#open = false;
    simHost.timers.clear(this.#waiting);
    simHost.call('dockserial.close', { port: this.#port });
  }

  #check(): void {
    if (!this.#open) throw new Error('closed');
  }
}
