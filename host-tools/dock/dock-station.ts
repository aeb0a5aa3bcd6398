// One serial port of a docking station: wait for a camera (HELLO until one answers), offload
// it, then watch it until it is taken away, and wait again. Several run in one process.
import { SerialPort } from 'serialport';
import type { CryptoPort } from '../../firmware/format/crypto-port.js';
import type { EvidenceStore } from '../store/evidence-store.js';
import { DockClient } from './dock-client.js';
import type { DockKey } from './dock-handshake.js';
import { sayHello } from './dock-handshake.js';
import { offloadCamera, type OffloadProgress, type OffloadResult } from './camera-offload.js';

export interface DockStationOptions {
  path: string;
  baud: number;
  store: EvidenceStore;
  dockKey: DockKey;
  port: CryptoPort;
  log: (line: string) => void;
  progress?: (path: string, p: OffloadProgress) => void;
  /** Stop after the first camera is fully offloaded (or has failed). */
  once?: boolean;
  /** Wait after a failed offload before trying the same camera again. */
  retryMs?: number;
  timeoutMs?: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export class DockStation {
  readonly #o: DockStationOptions;
  #serial: SerialPort | undefined;
  #client: DockClient | undefined;
  #stopped = false;

  constructor(options: DockStationOptions) {
    this.#o = options;
  }

  async open(): Promise<void> {
    const { path, baud } = this.#o;
    const serial = new SerialPort({ path, baudRate: baud, autoOpen: false });
    await new Promise<void>((resolve, reject) => serial.open((error) => (error ? reject(new Error(`cannot open dock port ${path}: ${error.message} (is the camera's USB cable or the simulator's pty there?)`)) : resolve())));
    const client = new DockClient({ where: path, timeoutMs: this.#o.timeoutMs, write: (bytes) => serial.write(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)) });
    serial.on('data', (data: Buffer) => client.receive(new Uint8Array(data.buffer, data.byteOffset, data.byteLength)));
    serial.on('close', () => client.fail(new Error(`${path}: the port closed`)));
    serial.on('error', (error) => this.#o.log(`${path}: ${error.message}`));
    this.#serial = serial;
    this.#client = client;
  }

  /** Runs until stop(), or after one camera with `once`; resolves with the last offload. */
  async run(): Promise<OffloadResult | undefined> {
    if (!this.#client) await this.open();
    const client = this.#client!;
    const { log, port } = this.#o;
    let last: OffloadResult | undefined;
    log(`${this.#o.path}: waiting for a camera`);
    while (!this.#stopped) {
      try {
        await sayHello(client, port, 1000);
      } catch {
        await sleep(500);
        continue;
      }
      try {
        last = await offloadCamera({
          client, store: this.#o.store, dockKey: this.#o.dockKey, port, log,
          progress: (p) => this.#o.progress?.(this.#o.path, p),
        });
        if (this.#o.once) return last;
        await this.#waitUntilRemoved(client);
        log(`${this.#o.path}: camera removed; waiting for a camera`);
      } catch (error) {
        log(`${this.#o.path}: offload failed: ${(error as Error).message}`);
        await client.request({ type: 'close' }, 'closed', 1000).catch(() => undefined);
        if (this.#o.once) throw error;
        await sleep(this.#o.retryMs ?? 30_000);
      }
    }
    return last;
  }

  async #waitUntilRemoved(client: DockClient): Promise<void> {
    // HELLO alone adds nothing to the camera's chain, so probing a docked camera is harmless.
    let misses = 0;
    while (!this.#stopped && misses < 2) {
      await sleep(2000);
      try {
        await sayHello(client, this.#o.port, 1000);
        misses = 0;
      } catch {
        misses++;
      }
    }
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    const serial = this.#serial;
    if (serial?.isOpen) await new Promise<void>((resolve) => serial.close(() => resolve()));
  }
}
