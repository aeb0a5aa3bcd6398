// A dock-link session on an ECMA-419 Serial (embedded:io/serial): a UART, or USB CDC on the
// S3 boards. Received bytes wake onReadable; transmitted frames that the driver cannot take
// yet are queued and retried from onWritable, so a full transmit FIFO never loses a frame.
// The session can be replaced on the open port: a camera provisioned over its link goes on
// from the provisioning session to the dock session without closing the port, so the reply
// that says "provisioned" is never cut off by a close.
import Timer from 'timer';
import Time from 'time';

type SerialOptions = typeof device.Serial.default;

/** What a session on the link is given: where its frames go, and monotonic milliseconds. */
export interface LinkIo {
  transmit(bytes: Uint8Array): void;
  ticks(): number;
}

export interface LinkSession {
  /** Bytes from the serial port, in any chunking. */
  receive(bytes: Uint8Array): void;
  /** Called about once a second (idle timeouts). */
  tick(): void;
}

export interface SerialLinkOptions {
  /** Serial options, e.g. device.Serial.default (its `io`, or device.io.Serial). */
  serial: SerialOptions & { io?: typeof device.io.Serial };
  baud?: number;
}

export const DOCK_BAUD = 2_000_000;

export class SerialLink {
  #serial: InstanceType<typeof device.io.Serial>;
  #session: LinkSession | undefined;
  #pending: Uint8Array[] = [];
  #timer: Timer | undefined;

  constructor(options: SerialLinkOptions) {
    const { serial, baud } = options;
    const link = this;
    const Serial = serial.io ?? device.io.Serial;
    this.#serial = new Serial({
      ...serial,
      baud: baud ?? DOCK_BAUD,
      format: 'buffer',
      onReadable(this: InstanceType<typeof device.io.Serial>) {
        const bytes = this.read() as ArrayBuffer | undefined;
        if (bytes) link.#session?.receive(new Uint8Array(bytes));
      },
      onWritable() {
        link.#drain();
      },
    });
    this.#timer = Timer.repeat(() => this.#session?.tick(), 1000);
  }

  /** Puts a new session on the link; the one before it receives nothing more. */
  attach<S extends LinkSession>(make: (io: LinkIo) => S): S {
    const session = make({ transmit: (bytes) => this.#transmit(bytes), ticks: () => Time.ticks });
    this.#session = session;
    return session;
  }

  close(): void {
    if (this.#timer) Timer.clear(this.#timer);
    this.#timer = undefined;
    this.#session = undefined;
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
