// Bridges the simulated board's UART to a real serial device (a pseudo-terminal from socat),
// so host tools such as `chaincam dock` talk to the simulated camera as to a real one.
// Virtual time runs in step with wall time while bridged, `speed` times as fast (a test can
// bench a camera's half-hour of reminders in seconds). With `baud`, each direction is a
// modelled line: a byte takes 10 bit times (start, 8 data, stop), queued behind the bytes
// before it, plus `latencyMs` (a USB-serial adapter's round trip), all in virtual time, so the
// camera sees the same line at any speed.
import type { SerialPort } from 'serialport';
import { openSerialPort } from '../serial/open-serial-port.js';
import type { SimulatedBoard } from './board.js';
import type { LinkModel } from './hardware/usb-cdc.js';

export interface SerialBridgeOptions {
  board: SimulatedBoard;
  /** The device to bridge to, e.g. one end of `socat pty,raw,echo=0,link=A pty,raw,echo=0,link=B`. */
  path: string;
  /** Pace bytes at this line rate; omitted: bytes pass as fast as the pty takes them. */
  baud?: number;
  /** Extra delay each way, ms. */
  latencyMs?: number;
  /** A modelled link instead of baud and latencyMs (e.g. USB_FULL_SPEED_CDC, hardware/usb-cdc.ts). */
  link?: LinkModel;
  /** Which UART of the board; the board's device.Serial.default port by default. */
  uartPort?: number;
  /** Virtual milliseconds per wall millisecond (default 1: real time). */
  speed?: number;
  /** The device went away (a pulled cable, socat gone): the bridge has stopped; the error says what to do. */
  onDisconnect?: (error: Error) => void;
  /**
   * Once the host has sent anything, the camera's clock runs at most this far (virtual ms) past
   * the host's last bytes, and then waits for the host: a host process that stalls slows the
   * camera down instead of running out its session's idle timeout at a high `speed` (tests).
   */
  hostLeadMs?: number;
}

interface Pending { due: number; bytes: Uint8Array }

/** Bytes on the line are split so a paced delivery is never more than this lumpy. */
const SLICE = 256;
/** Virtual time the board may fall behind (ms, or wall ms times speed): more is dropped. */
const MAX_BEHIND_MS = 1000;
const MAX_BEHIND_WALL_MS = 10;
/** Virtual ms between one queued press's release and the next press, past the button's debounce. */
const PRESS_GAP_MS = 200;

export class SerialBridge {
  /** Bytes each way, and when the first and last reached the host (virtual ms since start()). */
  readonly stats = { toHost: 0, toBoard: 0, firstToHostAt: -1, lastToHostAt: -1 };
  /** Why the bridge stopped on its own: its device failed under it. */
  disconnected: Error | undefined;
  readonly #o: SerialBridgeOptions;
  readonly #speed: number;
  readonly #serial: SerialPort;
  readonly #uart: number;
  #toHost: Pending[] = [];
  #toBoard: Pending[] = [];
  /** Presses waiting (hold times, ms), the pressed button's release time, the next press's earliest time. */
  #presses: number[] = [];
  #releaseAt: number | undefined;
  #nextPressAt = 0;
  #hostLineFree = 0;
  #boardLineFree = 0;
  #wallStart = 0;
  #virtualStart = 0;
  /** Virtual ms the board could not keep up with: dropped, so it runs as fast as it can instead. */
  #dropped = 0;
  /** The board's time when bytes last came from the host (hostLeadMs). */
  #hostSpokeAt: number | undefined;
  #running = false;
  #stopped: Promise<void> | undefined;
  #unsubscribe: () => void = () => undefined;

  private constructor(options: SerialBridgeOptions, serial: SerialPort) {
    this.#o = options;
    this.#serial = serial;
    this.#uart = options.uartPort ?? options.board.target.provider.Serial.port ?? 0;
    this.#speed = options.speed ?? 1;
  }

  static async open(options: SerialBridgeOptions): Promise<SerialBridge> {
    if (options.speed !== undefined && !(options.speed > 0)) throw new RangeError(`serial bridge speed must be above 0, not ${options.speed}`);
    const serial = await openSerialPort(options.path, options.baud ?? 115200).catch((e: Error) => {
      throw new Error(`cannot open ${options.path} for the simulated UART: ${e.message} (create the pty pair first, e.g. with socat)`);
    });
    const bridge = new SerialBridge(options, serial);
    serial.on('data', (data: Buffer) => bridge.#fromHost(new Uint8Array(data)));
    // A device that vanishes (EIO on a write, a read that fails) is a pulled cable, not a crash.
    serial.on('error', (error) => bridge.#unplugged(error));
    serial.on('close', (error: Error | null) => {
      if (error) bridge.#unplugged(error); // null: closed by close()
    });
    bridge.#unsubscribe = options.board.uart.onTransmit((port, bytes) => {
      if (port === bridge.#uart && bridge.#running) bridge.#fromBoard(bytes.slice());
    });
    return bridge;
  }

  #unplugged(cause: Error): void {
    if (this.disconnected) return;
    this.disconnected = new Error(`${this.#o.path} went away under the simulated UART (${cause.message}): the camera is unplugged; bridge it to a new device (a new socat pty pair) to carry on`);
    this.#running = false;
    this.#toHost = [];
    this.#toBoard = [];
    this.#unsubscribe();
    this.#o.onDisconnect?.(this.disconnected);
  }

  /** Virtual milliseconds since the bridge started: the shared clock of both lines. */
  #elapsed(): number {
    return (performance.now() - this.#wallStart) * this.#speed - this.#dropped;
  }

  #lineTime(bytes: number): number {
    const { link } = this.#o;
    if (link) return (Math.ceil(bytes / link.packetBytes) * link.packetBytes * 1000) / link.bytesPerSecond;
    return this.#o.baud ? (bytes * 10 * 1000) / this.#o.baud : 0;
  }

  get #latency(): number {
    return this.#o.link?.latencyMs ?? this.#o.latencyMs ?? 0;
  }

  #fromBoard(bytes: Uint8Array): void {
    // The board writes during a delivery at virtual time board.now; its line starts then.
    const at = this.#o.board.now - this.#virtualStart;
    if (!this.#o.baud && !this.#o.latencyMs && !this.#o.link) {
      this.#writeHost(bytes);
      return;
    }
    for (let i = 0; i < bytes.length; i += SLICE) {
      const slice = bytes.subarray(i, i + SLICE);
      this.#hostLineFree = Math.max(this.#hostLineFree, at) + this.#lineTime(slice.length);
      this.#toHost.push({ due: this.#hostLineFree + this.#latency, bytes: slice });
    }
  }

  #fromHost(bytes: Uint8Array): void {
    this.#hostSpokeAt = this.#o.board.now;
    const at = this.#elapsed();
    this.#boardLineFree = Math.max(this.#boardLineFree, at + this.#latency) + this.#lineTime(bytes.length);
    this.#toBoard.push({ due: this.#boardLineFree, bytes });
  }

  #writeHost(bytes: Uint8Array): void {
    const now = this.#elapsed();
    if (this.stats.firstToHostAt < 0) this.stats.firstToHostAt = now;
    this.stats.lastToHostAt = now;
    this.stats.toHost += bytes.length;
    this.#serial.write(Buffer.from(bytes));
  }

  /**
   * Presses the board's button for `holdMs` of virtual time, as a finger would, while the
   * bridge runs the board (a person at `sim --serial`'s terminal; the board is not paused).
   */
  pressButton(holdMs: number): void {
    this.#presses.push(holdMs);
  }

  /** Runs the board in real time (times `speed`) until close(). */
  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.#wallStart = performance.now();
    this.#virtualStart = this.#o.board.now;
    this.#stopped = this.#loop();
  }

  async #loop(): Promise<void> {
    const { board } = this.#o;
    const maxStep = Math.max(MAX_BEHIND_MS, MAX_BEHIND_WALL_MS * this.#speed);
    while (this.#running) {
      // A board slower than `speed` would race ever further in one step, starving the line
      // (the dock session's idle timeout): it gets at most maxStep at a time and runs as fast
      // as it can.
      const behind = this.#elapsed() - (board.now - this.#virtualStart);
      if (behind > maxStep) this.#dropped += behind - maxStep;
      const now = this.#elapsed();
      const lead = this.#o.hostLeadMs === undefined || this.#hostSpokeAt === undefined ? Infinity : this.#hostSpokeAt + this.#o.hostLeadMs;
      await board.advanceTo(Math.max(board.now, Math.min(this.#virtualStart + Math.floor(now), lead)));
      // Held at the lead, the camera waits for the host: bytes the host already sent go in now.
      const held = board.now >= lead;
      await this.#pressAndRelease(now);
      while (this.#toBoard.length && (this.#toBoard[0]!.due <= now || held)) {
        const { bytes } = this.#toBoard.shift()!;
        this.stats.toBoard += bytes.length;
        await board.serialReceive(this.#uart, bytes);
      }
      while (this.#toHost.length && this.#toHost[0]!.due <= this.#elapsed()) this.#writeHost(this.#toHost.shift()!.bytes);
      // Sleep until the next byte is due, or one wall millisecond.
      const next = Math.min(this.#toHost[0]?.due ?? Infinity, this.#toBoard[0]?.due ?? Infinity, this.#releaseAt ?? Infinity, now + this.#speed);
      const wait = (next - this.#elapsed()) / this.#speed;
      await new Promise((resolve) => (wait > 0.5 ? setTimeout(resolve, Math.min(wait, 1)) : setImmediate(resolve)));
    }
  }

  /** The board's clock is at `now`: a press lands now and is held its full time from here. */
  async #pressAndRelease(now: number): Promise<void> {
    const { board } = this.#o;
    if (this.#releaseAt !== undefined && this.#releaseAt <= now) {
      await board.setInput('button', 1);
      this.#releaseAt = undefined;
      this.#nextPressAt = now + PRESS_GAP_MS;
    }
    if (this.#releaseAt === undefined && this.#presses.length && this.#nextPressAt <= now) {
      this.#releaseAt = now + this.#presses.shift()!;
      await board.setInput('button', 0);
    }
  }

  async close(): Promise<void> {
    this.#running = false;
    this.#unsubscribe();
    await this.#stopped?.catch(() => undefined);
    if (this.#serial.isOpen) await new Promise<void>((resolve) => this.#serial.close(() => resolve()));
  }

  /** A crash of the board's loop (a firmware fault) ends the bridge; await it to see the fault. */
  get done(): Promise<void> | undefined {
    return this.#stopped;
  }
}
