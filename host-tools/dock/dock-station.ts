// One serial port of a docking station: wait for a camera (HELLO until one answers), offload
// it, then watch it until it is taken away, and wait again. Several run in one process. A port
// that goes away (a pulled USB cable, a camera's USB CDC device gone) is opened again when its
// path comes back.
import type { CryptoPort } from '../../firmware/format/crypto-port.js';
import type { CameraRegistry } from '../keys/camera-registry.js';
import type { EvidenceStore } from '../store/evidence-store.js';
import type { DockClient, DockTimers } from './dock-client.js';
import { openDockPort, type OpenDockPort } from './dock-port.js';
import type { DockKey } from './dock-handshake.js';
import { sayHello } from './dock-handshake.js';
import type { RecordsForwarder } from './records-forwarder.js';
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
  /** Take evidence only from these provisioned cameras (offloadCamera). */
  cameras?: CameraRegistry;
  /** Forward each stored segment to the records system and release it only after its signed ack. */
  forward?: RecordsForwarder;
  /** The largest DATA offered at HELLO (docs/PROTOCOL.md 5.1; default 32768); null: a 2026 dock's HELLO. */
  maxData?: number | null;
  /** The station's own waits (between HELLOs, probes, retries, looks for a port): setTimeout unless a test holds them. */
  timers?: DockTimers;
}

const HOST_TIMERS: DockTimers = {
  set: (callback, ms) => setTimeout(callback, ms),
  clear: (handle) => clearTimeout(handle as NodeJS.Timeout),
};
/** How often a port that went away is looked for. */
const REOPEN_MS = 500;

export class DockStation {
  readonly #o: DockStationOptions;
  #port: OpenDockPort | undefined;
  #client: DockClient | undefined;
  #stopped = false;
  /** Ends the wait under way, if any: stop() does not sit out a 30 s retry. */
  #wake: (() => void) | undefined;

  constructor(options: DockStationOptions) {
    this.#o = options;
  }

  async open(): Promise<void> {
    const { path, baud } = this.#o;
    const opened = await openDockPort(path, {
      baud, timeoutMs: this.#o.timeoutMs, role: 'dock port',
      onError: (error) => this.#o.log(`${path}: ${error.message}`),
      closedError: (cause) => (this.#stopped ? new Error(`${path}: the dock is stopping`)
        : new Error(`${path} went away (${cause}): was the cable pulled? What arrived is staged; the next docking resumes from it`)),
    });
    this.#port = opened;
    this.#client = opened.client;
  }

  #sleep(ms: number): Promise<void> {
    if (this.#stopped) return Promise.resolve(); // a wait begun after stop() would only hold it up
    const timers = this.#o.timers ?? HOST_TIMERS;
    return new Promise((resolve) => {
      const timer = timers.set(() => this.#wake?.(), ms);
      this.#wake = () => {
        this.#wake = undefined;
        timers.clear(timer);
        resolve();
      };
    });
  }

  /** Runs until stop(), or after one camera with `once`; resolves with the last offload. */
  async run(): Promise<OffloadResult | undefined> {
    const { log, port } = this.#o;
    if (!this.#client) {
      try {
        await this.open();
      } catch (error) {
        // A camera's USB port appears only when it is plugged in: without --once, wait for it.
        if (this.#o.once) throw error;
        log(`${(error as Error).message}; waiting for ${this.#o.path} to appear (plug in the camera)`);
      }
      // stop() came while the port was opening: it had no port to close then.
      if (this.#stopped) {
        await this.stop();
        return undefined;
      }
    }
    let last: OffloadResult | undefined;
    if (this.#port?.isOpen) log(`${this.#o.path}: waiting for a camera`);
    while (!this.#stopped) {
      if (!this.#port?.isOpen) {
        await this.#reopen();
        continue;
      }
      const client = this.#client!;
      try {
        await sayHello(client, port, 1000);
      } catch {
        await this.#sleep(500);
        continue;
      }
      try {
        last = await offloadCamera({
          client, store: this.#o.store, dockKey: this.#o.dockKey, port, log, cameras: this.#o.cameras, maxData: this.#o.maxData, forward: this.#o.forward,
          progress: (p) => this.#o.progress?.(this.#o.path, p),
        });
        if (this.#o.once) return last;
        await this.#waitUntilRemoved(client);
        if (!this.#stopped) log(`${this.#o.path}: camera removed; waiting for a camera`);
      } catch (error) {
        log(`${this.#o.path}: offload failed: ${(error as Error).message}`);
        await client.request({ type: 'close' }, 'closed', 1000).catch(() => undefined);
        if (this.#o.once) throw error;
        // The same camera is tried again later; a port that went away is waited for instead.
        if (this.#port?.isOpen) await this.#sleep(this.#o.retryMs ?? 30_000);
      }
    }
    return last;
  }

  async #reopen(): Promise<void> {
    const { path, log } = this.#o;
    const seen = this.#port !== undefined;
    if (seen) log(`${path} is gone; waiting for it to come back (dock the camera again)`);
    while (!this.#stopped) {
      await this.#sleep(REOPEN_MS);
      if (this.#stopped) return;
      try {
        await this.open();
      } catch {
        continue;
      }
      if (this.#stopped) return this.stop(); // stop() came while it was opening
      log(`${path} is ${seen ? 'back' : 'there'}; waiting for a camera`);
      return;
    }
  }

  async #waitUntilRemoved(client: DockClient): Promise<void> {
    // HELLO alone adds nothing to the camera's chain, so probing a docked camera is harmless.
    let misses = 0;
    while (!this.#stopped && misses < 2 && this.#port?.isOpen) {
      await this.#sleep(2000);
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
    this.#wake?.();
    await this.#port?.close();
  }
}
