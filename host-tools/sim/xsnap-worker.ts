// One xsnap-worker process (XS in a box), driven directly over its pipes.
// We do not use @agoric/xsnap's JS API: it locks down the Node process.
import { spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { encodeNetstring, NetstringReader } from './netstring.js';

/** Deterministic cost figures that xsnap reports for every delivery. */
export interface XsnapMeter {
  compute: number;
  allocate: number;
  currentHeapCount: number;
  /**
   * The board's worker (host-tools/sim/board-xsnap) adds XS's memory figures: chunk bytes and
   * slots in use now, at their peak, live at their peak (measured after a collection), and the limit.
   */
  chunks?: number;
  chunksPeak?: number;
  chunksLivePeak?: number;
  chunksLimit?: number;
  slots?: number;
  slotsPeak?: number;
  slotsLivePeak?: number;
  slotsLimit?: number;
}

export interface XsnapReply {
  reply: Uint8Array;
  meter: XsnapMeter;
}

/** Called synchronously (from XS's point of view) for each issueCommand(). */
export type CommandHandler = (payload: Uint8Array) => Uint8Array;

/**
 * Where a worker logs in to the xsbug protocol. xsnap-worker 0.15 is built with
 * mxDebug and without mxInstrument, so it does not use fds 5/6: at start it
 * connects over TCP to $XSBUG_HOST (xsnapPlatform.c, fxConnect) and waits there.
 */
export interface XsbugAttachment {
  /** host:port the worker connects to (an XsbugBridge's loopback listener). */
  readonly workerAddress: string;
  /** Called with the worker once it is spawned. */
  attach(worker: XsnapWorker): void;
}

export interface XsnapWorkerOptions {
  onCommand: CommandHandler;
  /** Runs xsnap's debug build (-O0 -g). */
  debug?: boolean;
  /** Runs the debug build logged in to this xsbug peer. */
  xsbug?: XsbugAttachment;
  /** Receives the worker's stdout/stderr text (print(), fxReport). */
  onOutput?: (text: string, stream: 'stdout' | 'stderr') => void;
  /** Another xsnap-worker binary (the board's, built by host-tools/sim/board-xsnap/build.mjs). */
  binary?: string;
  /** More environment for the worker (CHAINCAM_XS_CREATION for the board's). */
  env?: Record<string, string>;
}

const OK = 0x2e; // '.'
const ERROR = 0x21; // '!'
const QUERY = 0x3f; // '?'
const METER_SEPARATOR = 0x01;

export function xsnapWorkerPath(debug = false): string {
  const require = createRequire(import.meta.url);
  const packageJson = require.resolve('@agoric/xsnap/package.json');
  return path.join(path.dirname(packageJson), 'xsnap-native/xsnap/build/bin/lin', debug ? 'debug' : 'release', 'xsnap-worker');
}

export class XsnapWorker {
  readonly #process: ChildProcess;
  readonly #toWorker: Writable;
  readonly #reader = new NetstringReader();
  readonly #onCommand: CommandHandler;
  #waiting: { resolve: (reply: XsnapReply) => void; reject: (error: Error) => void } | undefined;
  #exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  #failure: Error | undefined;
  #stderr = '';
  readonly #closed: Promise<void>;
  #queue: Promise<unknown> = Promise.resolve();

  constructor(options: XsnapWorkerOptions) {
    this.#onCommand = options.onCommand;
    const binary = options.binary ?? xsnapWorkerPath(options.debug || options.xsbug !== undefined);
    // Both builds have mxDebug: an inherited XSBUG_HOST would make any worker log in somewhere.
    const { XSBUG_HOST: _inherited, ...inherited } = process.env;
    const env: NodeJS.ProcessEnv = { ...inherited, ...options.env };
    if (options.xsbug) env.XSBUG_HOST = options.xsbug.workerAddress;
    this.#process = spawn(binary, ['chaincam-sim'], {
      env,
      stdio: ['ignore', 'pipe', 'pipe', 'pipe', 'pipe', 'ignore', 'ignore'],
      // Its own process group: Ctrl-C at the terminal reaches the host tool, which stops the
      // board in order, not the worker mid-delivery. It exits when its pipes close.
      detached: true,
    });
    options.xsbug?.attach(this);
    this.#toWorker = this.#process.stdio[3] as Writable;
    const fromWorker = this.#process.stdio[4] as Readable;
    this.#toWorker.on('error', () => {}); // surfaced through 'exit' instead
    fromWorker.on('data', (chunk: Buffer) => this.#receive(chunk));
    for (const stream of ['stdout', 'stderr'] as const) {
      this.#process[stream]!.setEncoding('utf8');
      this.#process[stream]!.on('data', (text: string) => {
        if (stream === 'stderr') this.#stderr = (this.#stderr + text).slice(-8192);
        options.onOutput?.(text, stream);
      });
    }
    // 'close' comes after the exit and the end of its output (an abort's stack is printed last).
    this.#closed = new Promise((resolve) => this.#process.on('close', () => resolve()));
    this.#process.on('error', (error) => this.#fail(new Error(`cannot start xsnap-worker at ${binary}: ${error.message}; run "npm ci" to build it`)));
    this.#process.on('exit', (code, signal) => {
      this.#exit = { code, signal };
      const how = signal ? `was killed by ${signal}` : `exited with code ${code}`;
      const stderr = this.#stderr.trim();
      this.#fail(new Error(`xsnap-worker ${how} before it answered${stderr ? `; it said: ${stderr}` : ''}`));
    });
  }

  get exited(): boolean {
    return this.#exit !== undefined;
  }

  /** The worker's exit code once it has exited (xsnap-worker.c ExitCode: 11 memory full, 12 stack overflow). */
  get exitCode(): number | null | undefined {
    return this.#exit?.code;
  }

  /** The last 8 KiB the worker wrote to stderr. */
  get stderr(): string {
    return this.#stderr;
  }

  /** Resolves once the worker has exited and its output has ended. */
  whenClosed(): Promise<void> {
    return this.#closed;
  }

  /** Evaluates a script in the worker's start compartment. */
  evaluate(code: string): Promise<XsnapReply> {
    return this.#send([Buffer.from('e'), Buffer.from(code, 'utf8')]);
  }

  /** Calls globalThis.handleCommand(ArrayBuffer) in the worker. */
  deliver(message: Uint8Array): Promise<XsnapReply> {
    return this.#send([Buffer.from('?'), message]);
  }

  async close(): Promise<void> {
    if (this.#exit) return;
    const exited = new Promise<void>((resolve) => this.#process.once('exit', () => resolve()));
    this.#toWorker.end();
    const timer = setTimeout(() => this.#process.kill('SIGKILL'), 2000);
    await exited;
    clearTimeout(timer);
  }

  kill(): void {
    if (!this.#exit) this.#process.kill('SIGKILL');
  }

  #send(parts: Uint8Array[]): Promise<XsnapReply> {
    const next = this.#queue.then(
      () =>
        new Promise<XsnapReply>((resolve, reject) => {
          if (this.#failure) return reject(this.#failure);
          this.#waiting = { resolve, reject };
          this.#toWorker.write(encodeNetstring(parts));
        }),
    );
    this.#queue = next.catch(() => {});
    return next;
  }

  #receive(chunk: Buffer): void {
    let messages: Buffer[];
    try {
      messages = this.#reader.push(chunk);
    } catch (error) {
      this.#fail(error as Error);
      this.kill();
      return;
    }
    for (const message of messages) this.#dispatch(message);
  }

  #dispatch(message: Buffer): void {
    const kind = message[0];
    if (kind === QUERY) {
      let reply: Uint8Array;
      try {
        reply = this.#onCommand(message.subarray(1));
      } catch (error) {
        // A host model failed: the worker is blocked waiting, so end it and report.
        this.#fail(error as Error);
        this.kill();
        return;
      }
      this.#toWorker.write(encodeNetstring([Buffer.from('/'), reply]));
      return;
    }
    const waiting = this.#waiting;
    this.#waiting = undefined;
    if (!waiting) return this.#fail(new Error(`xsnap protocol error: unexpected message "${String.fromCharCode(kind ?? 0)}"`));
    if (kind === OK) {
      const separator = message.indexOf(METER_SEPARATOR, 1);
      const meter = separator >= 0 ? (JSON.parse(message.subarray(1, separator).toString('utf8')) as XsnapMeter) : { compute: 0, allocate: 0, currentHeapCount: 0 };
      waiting.resolve({ reply: message.subarray(separator >= 0 ? separator + 1 : 1), meter });
    } else if (kind === ERROR) {
      waiting.reject(new Error(`uncaught exception in XS: ${message.subarray(1).toString('utf8')}`));
    } else {
      waiting.reject(new Error(`xsnap protocol error: unknown reply "${message.subarray(0, 40).toString('latin1')}"`));
    }
  }

  #fail(error: Error): void {
    this.#failure ??= error;
    const waiting = this.#waiting;
    this.#waiting = undefined;
    waiting?.reject(error);
  }
}
