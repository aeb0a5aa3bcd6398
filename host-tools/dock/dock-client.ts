// The dock's end of the link (docs/PROTOCOL.md): sends requests, matches replies, and reads
// objects through a window of DATA frames, re-asking from its next offset when DATA stops.
// Transport-free: a serial port, a pseudo-terminal or a simulated board's UART feeds receive().
import { DockFrameReader, LARGEST_ENCODED, encodeDockFrame } from '../../firmware/format/dock-frames.js';
import { DEFAULT_WINDOW, decodeDockMessage, encodeDockMessage, type DockMessage, type DockMessageType } from '../../firmware/format/dock-messages.js';

/** The camera answered ERROR: its code and text, with the port for the log. */
export class DockError extends Error {
  constructor(readonly code: number, message: string, readonly requestType = 0) {
    super(message);
  }
}

export interface DockClientOptions {
  /** Where the camera is, for error messages (the port path). */
  where: string;
  write: (bytes: Uint8Array) => void;
  /** How long to wait for a reply, or for the next DATA frame. */
  timeoutMs?: number;
  /** How many times READ is re-sent from the same offset before giving up. */
  readRetries?: number;
  /**
   * The clock the timeouts run on: the host's (setTimeout) by default; a simulated camera's
   * harness gives the board's virtual clock, so a slow host never times out a camera.
   */
  timers?: DockTimers;
}

/** Starts and cancels one-shot timers; setTimeout and clearTimeout are one. */
export interface DockTimers {
  set(callback: () => void, ms: number): unknown;
  clear(handle: unknown): void;
}

const HOST_TIMERS: DockTimers = {
  set: (callback, ms) => setTimeout(callback, ms),
  clear: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

type Waiter = { expect: DockMessageType; accept?: (m: DockMessage) => boolean; resolve: (m: DockMessage) => void; reject: (e: Error) => void; timer: unknown };

interface ReadSink {
  object: number;
  sequence: number;
  next: number;
  end: number;
  write: (data: Uint8Array, offset: number) => void;
  progress?: (next: number) => void;
  /** DATA frames written since the last ACK. */
  unacked: number;
  askedAt: number;
  retries: number;
  done: () => void;
  fail: (error: Error) => void;
  timer?: unknown;
}

export class DockClient {
  readonly where: string;
  #write: (bytes: Uint8Array) => void;
  // Takes the largest frames any camera may send (LARGEST_DATA), whatever HELLO agreed.
  #reader = new DockFrameReader((payload) => this.#onPayload(payload), LARGEST_ENCODED);
  #waiter: Waiter | undefined;
  #sink: ReadSink | undefined;
  #timeoutMs: number;
  #readRetries: number;
  #timers: DockTimers;
  #closed: Error | undefined;
  /** The camera's window, from its last HELLO-REPLY. */
  #window = DEFAULT_WINDOW;

  constructor(options: DockClientOptions) {
    this.where = options.where;
    this.#write = options.write;
    this.#timeoutMs = options.timeoutMs ?? 2000;
    this.#readRetries = options.readRetries ?? 3;
    this.#timers = options.timers ?? HOST_TIMERS;
  }

  get discardedFrames(): number {
    return this.#reader.discarded;
  }

  receive(bytes: Uint8Array): void {
    this.#reader.push(bytes);
  }

  /** The link is gone (port closed, cable pulled): fails whatever is waiting. */
  fail(error: Error): void {
    this.#closed = error;
    this.#rejectAll(error);
  }

  send(message: DockMessage): void {
    this.#write(encodeDockFrame(encodeDockMessage(message)));
  }

  /**
   * Sends a request and resolves with its reply; ERROR replies reject with DockError. `accept`
   * passes over a reply of the expected type that answers an earlier request (a late HELLO-REPLY).
   */
  request<T extends DockMessageType>(message: DockMessage, expect: T, timeoutMs = this.#timeoutMs, accept?: (m: Extract<DockMessage, { type: T }>) => boolean): Promise<Extract<DockMessage, { type: T }>> {
    if (this.#closed) return Promise.reject(this.#closed);
    if (this.#waiter) return Promise.reject(new Error(`${this.where}: a ${this.#waiter.expect} is still awaited`));
    return new Promise((resolve, reject) => {
      const timer = this.#timers.set(() => {
        this.#waiter = undefined;
        reject(new Error(`${this.where}: no ${expect} from the camera within ${timeoutMs} ms (is a camera docked on this port?)`));
      }, timeoutMs);
      this.#waiter = { expect, accept: accept as Waiter['accept'], resolve: resolve as (m: DockMessage) => void, reject, timer };
      this.send(message);
    });
  }

  /** Reads object bytes [offset, end) into `write`, in order; resolves when all are written. */
  read(object: number, sequence: number, offset: number, end: number, write: ReadSink['write'], progress?: ReadSink['progress']): Promise<void> {
    if (this.#closed) return Promise.reject(this.#closed);
    if (offset >= end) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const sink: ReadSink = {
        object, sequence, next: offset, end, write, progress, unacked: 0, askedAt: -1, retries: 0,
        done: () => { this.#timers.clear(sink.timer); this.#sink = undefined; resolve(); },
        fail: (error) => { this.#timers.clear(sink.timer); this.#sink = undefined; reject(error); },
      };
      this.#sink = sink;
      this.#ask(sink);
    });
  }

  /** READ from the next offset: at the start, and whenever DATA stops (a lost frame, a pulled cable). */
  #ask(sink: ReadSink): void {
    if (this.#sink !== sink) return;
    sink.retries = sink.askedAt === sink.next ? sink.retries + 1 : 0;
    if (sink.retries > this.#readRetries) {
      sink.fail(new Error(`${this.where}: the camera stopped sending object ${sink.object}/${sink.sequence} at offset ${sink.next} of ${sink.end} (link lost?)`));
      return;
    }
    sink.askedAt = sink.next;
    this.send({ type: 'read', object: sink.object, sequence: sink.sequence, offset: sink.next, length: sink.end - sink.next });
    this.#arm(sink);
  }

  #arm(sink: ReadSink): void {
    this.#timers.clear(sink.timer);
    sink.timer = this.#timers.set(() => this.#ask(sink), this.#timeoutMs);
  }

  #onPayload(payload: Uint8Array): void {
    let m: DockMessage;
    try {
      m = decodeDockMessage(payload);
    } catch {
      return; // A frame with a good CRC but a bad message: treat as noise; timeouts recover.
    }
    if (m.type === 'data') return this.#onData(m);
    if (m.type === 'hello-reply') this.#window = Math.max(1, m.window);
    const waiter = this.#waiter;
    if (m.type === 'error') {
      const error = new DockError(m.code, `${this.where}: camera refused 0x${m.requestType.toString(16).padStart(2, '0')}: ${m.message}`, m.requestType);
      if (waiter) {
        this.#timers.clear(waiter.timer);
        this.#waiter = undefined;
        waiter.reject(error);
      } else {
        this.#sink?.fail(error);
      }
      return;
    }
    if (waiter && m.type === waiter.expect && (!waiter.accept || waiter.accept(m))) {
      this.#timers.clear(waiter.timer);
      this.#waiter = undefined;
      waiter.resolve(m);
    }
  }

  #onData(m: Extract<DockMessage, { type: 'data' }>): void {
    const sink = this.#sink;
    if (!sink || m.object !== sink.object || m.sequence !== sink.sequence || m.offset !== sink.next) return;
    const data = m.data.length > sink.end - sink.next ? m.data.subarray(0, sink.end - sink.next) : m.data;
    try {
      sink.write(data, sink.next);
    } catch (error) {
      // The dock cannot keep what arrived (a full disk): this read fails, saying so; nothing is ACKed.
      sink.fail(error as Error);
      return;
    }
    sink.next += data.length;
    // ACK only what was written: the window's flow control, and the offset a resume starts from.
    // One ACK per half window keeps the camera sending (each ACK costs it a delivery) and, at
    // the end, frees the camera's stream; a stall is recovered by the READ of #ask instead.
    if (++sink.unacked >= Math.ceil(this.#window / 2) || sink.next >= sink.end) {
      this.send({ type: 'ack', object: sink.object, sequence: sink.sequence, nextOffset: sink.next });
      sink.unacked = 0;
    }
    sink.progress?.(sink.next);
    if (sink.next >= sink.end) sink.done();
    else this.#arm(sink);
  }

  #rejectAll(error: Error): void {
    if (this.#waiter) {
      this.#timers.clear(this.#waiter.timer);
      this.#waiter.reject(error);
      this.#waiter = undefined;
    }
    this.#sink?.fail(error);
  }
}
