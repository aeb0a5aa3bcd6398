// A dock-link session on the camera's dock port (dock-port.ts: a UART or the S3's USB through
// our drivers over ESP-IDF's serial drivers). Received bytes wake onReadable; each frame is
// handed to the driver whole, into its TX ring buffer, which holds a whole window of frames;
// a frame the ring cannot take yet is queued and written again from onWritable, so a full ring
// never loses a frame. The session can be replaced on the open port: a camera provisioned over
// its link goes on from the provisioning session to the dock session without closing the port,
// so the reply that says "provisioned" is never cut off by a close.
import Timer from 'timer';
import Time from 'time';
import { openDockPort, type DockPort, type DockPortOptions } from './dock-port.js';

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
  /** The dock port (camera-dock.ts boardDockPort() for the board's own). */
  dockPort: DockPortOptions;
}

export { DOCK_BAUD } from './dock-port.js';

export class SerialLink {
  #port: DockPort;
  #session: LinkSession | undefined;
  #pending: Uint8Array[] = [];
  #timer: Timer | undefined;

  constructor(options: SerialLinkOptions) {
    this.#port = openDockPort(options.dockPort, {
      onReadable: (port) => {
        const bytes = port.read();
        if (bytes) this.#session?.receive(new Uint8Array(bytes));
      },
      onWritable: () => this.#drain(),
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
    this.#port.close();
  }

  #transmit(bytes: Uint8Array): void {
    this.#pending.push(bytes);
    if (this.#pending.length === 1) this.#drain();
  }

  #drain(): void {
    while (this.#pending.length) {
      try {
        this.#port.write(this.#pending[0]!);
      } catch {
        return; // The ring is full: the driver calls onWritable once it has drained.
      }
      this.#pending.shift();
    }
  }
}
