// Binds a DockSession to an ECMA-419 Serial (embedded:io/serial): a UART, or USB CDC on the
// S3 boards. Received bytes wake onReadable; transmitted frames that the driver cannot take
// yet are queued and retried from onWritable, so a full transmit FIFO never loses a frame.
import Timer from 'timer';
import Time from 'time';
import { DockSession, type DockSessionOptions } from './dock-session.js';

type SerialOptions = typeof device.Serial.default;

export interface DockSerialLinkOptions extends Omit<DockSessionOptions, 'transmit' | 'ticks'> {
  /** Serial options, e.g. device.Serial.default (its `io`, or device.io.Serial). */
  serial: SerialOptions & { io?: typeof device.io.Serial };
  baud?: number;
}

export const DOCK_BAUD = 2_000_000;

export class DockSerialLink {
  readonly session: DockSession;
  #serial: InstanceType<typeof device.io.Serial>;
  #pending: Uint8Array[] = [];
  #timer: Timer | undefined;

  constructor(options: DockSerialLinkOptions) {
    const { serial, baud, ...sessionOptions } = options;
    const link = this;
    const Serial = serial.io ?? device.io.Serial;
    this.session = new DockSession({
      ...sessionOptions,
      ticks: () => Time.ticks,
      transmit: (bytes) => this.#transmit(bytes),
    });
    this.#serial = new Serial({
      ...serial,
      baud: baud ?? DOCK_BAUD,
      format: 'buffer',
      onReadable(this: InstanceType<typeof device.io.Serial>) {
        const bytes = this.read() as ArrayBuffer | undefined;
        if (bytes) link.session.receive(new Uint8Array(bytes));
      },
      onWritable() {
        link.#drain();
      },
    });
    this.#timer = Timer.repeat(() => this.session.tick(), 1000);
  }

  close(): void {
    if (this.#timer) Timer.clear(this.#timer);
    this.#timer = undefined;
    this.#serial.close();
  }

  #transmit(bytes: Uint8Array): void {
    this.#pending.push(bytes);
    if (this.#pending.length === 1) this.#drain();
  }

  #drain(): void {
    while (this.#pending.length) {
      try {
        this.#serial.write(this.#pending[0]!);
      } catch {
        return; // FIFO full: onWritable calls again.
      }
      this.#pending.shift();
    }
  }
}
