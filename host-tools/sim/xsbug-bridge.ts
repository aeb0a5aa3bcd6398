// The simulated board's xsbug connection. xsnap-worker logs in over TCP to a
// loopback port of ours; we relay it to an xsbug debugger (default localhost:5002),
// translating XS's view (repository paths, JavaScript lines) into the developer's
// (absolute .ts paths, TypeScript lines) and back, and showing the firmware's
// trace() in xsbug's console. Wire format: `\r\n<xsbug>...</xsbug>\r\n` messages
// from XS, `\r\n<command .../>\r\n` commands to it (xs/sources/xsDebug.c).
import net from 'node:net';
import { escapeXml, unescapeXml } from '../log/xsbug-xml.js';
import { FirmwareModules } from './firmware-modules.js';
import { projectRoot } from './project-root.js';
import { XsbugPaths, type SourceLocation } from './xsbug-paths.js';
import type { XsbugAttachment, XsnapWorker } from './xsnap-worker.js';

export const DEFAULT_XSBUG_ADDRESS = 'localhost:5002';
const SYNC_PATH = 'xsbug-bridge-sync';
const MESSAGE_END = '</xsbug>\r\n';
/** Commands after which XS leaves its wait and runs (debugExit 2 in xsDebug.c). */
const RESUMING = new Set(['go', 'step', 'step-inside', 'step-outside', 'abort', 'logout']);
/** Commands that change breakpoints: XS must read them even while it runs. */
const BREAKPOINTS = new Set(['set-breakpoint', 'clear-breakpoint', 'set-all-breakpoints', 'clear-all-breakpoints']);

export interface XsbugBridgeOptions {
  /** host:port of an xsbug debugger; undefined runs without one (every break continues). */
  debuggerAddress?: string;
  /** Tab title in xsbug. */
  title?: string;
  /** Every message as it crosses the bridge, after translation (for recording and tests). */
  onTranscript?: (text: string, direction: 'from-worker' | 'to-worker') => void;
  /** A break that no debugger handled (it continues at once). */
  onUnhandledBreak?: (where: SourceLocation | undefined, reason: string) => void;
  connectTimeoutMs?: number;
}

export function parseXsbugAddress(address: string): { host: string; port: number } {
  const match = /^(?:(.*):)?(\d+)$/.exec(address);
  const host = match ? match[1] || 'localhost' : address;
  const port = match ? Number(match[2]) : 5002;
  if (!host || !Number.isInteger(port) || port <= 0 || port > 65535) throw new Error(`"${address}" is not an xsbug address; give HOST:PORT, e.g. localhost:5002`);
  return { host, port };
}

export class XsbugBridge implements XsbugAttachment {
  readonly workerAddress: string;
  readonly #server: net.Server;
  readonly #paths = new XsbugPaths(new FirmwareModules({}), projectRoot);
  readonly #options: XsbugBridgeOptions;
  #debugger: net.Socket | undefined;
  #workerSocket: net.Socket | undefined;
  #worker: XsnapWorker | undefined;
  #fromWorker = '';
  #fromDebugger = '';
  #waiting: 'login' | 'break' | undefined;
  #syncing = false;
  #onSynced: (() => void)[] = [];

  private constructor(server: net.Server, options: XsbugBridgeOptions, debuggerSocket: net.Socket | undefined) {
    this.#server = server;
    this.#options = options;
    const { port } = server.address() as net.AddressInfo;
    this.workerAddress = `127.0.0.1:${port}`;
    server.on('connection', (socket) => this.#acceptWorker(socket));
    if (debuggerSocket) this.#useDebugger(debuggerSocket);
  }

  /** Listens for the worker and connects to the debugger; without one, runs in auto-continue mode. */
  static async open(options: XsbugBridgeOptions = {}): Promise<XsbugBridge> {
    const debuggerSocket = options.debuggerAddress === undefined ? undefined : await connect(options.debuggerAddress, options.connectTimeoutMs ?? 2000);
    const server = net.createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    return new XsbugBridge(server, options, debuggerSocket);
  }

  get debuggerConnected(): boolean {
    return this.#debugger !== undefined && !this.#debugger.destroyed;
  }

  attach(worker: XsnapWorker): void {
    this.#worker = worker;
  }

  /** Shows a firmware trace() line in xsbug's console, as a device's debug build does. */
  trace(text: string): void {
    const message = `\r\n<xsbug><log>${escapeXml(text)}</log></xsbug>\r\n`;
    this.#options.onTranscript?.(message, 'from-worker');
    this.#toDebugger(message);
  }

  async close(): Promise<void> {
    this.#workerSocket?.destroy();
    this.#debugger?.end();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  #useDebugger(socket: net.Socket): void {
    this.#debugger = socket;
    socket.setEncoding('utf8');
    socket.on('data', (text: string) => this.#receiveFromDebugger(text));
    socket.on('error', () => {});
    socket.on('close', () => {
      this.#debugger = undefined;
      // The debugger went away: forget its breakpoints and never leave XS waiting.
      if (this.#workerSocket) this.#toWorker(['<clear-all-breakpoints/>', ...(this.#waiting ? ['<go/>'] : [])]);
      this.#waiting = undefined;
    });
  }

  #acceptWorker(socket: net.Socket): void {
    if (this.#workerSocket) return void socket.destroy(); // one machine per bridge
    this.#workerSocket = socket;
    socket.setEncoding('utf8');
    socket.on('data', (text: string) => this.#receiveFromWorker(text));
    socket.on('error', () => {});
    socket.on('close', () => this.#debugger?.end());
  }

  #receiveFromWorker(text: string): void {
    this.#fromWorker += text;
    let end: number;
    while ((end = this.#fromWorker.indexOf(MESSAGE_END)) >= 0) {
      const message = this.#fromWorker.slice(0, end + MESSAGE_END.length);
      this.#fromWorker = this.#fromWorker.slice(end + MESSAGE_END.length);
      this.#handleWorkerMessage(message);
    }
  }

  #handleWorkerMessage(message: string): void {
    if (message.includes(`<eval path="${SYNC_PATH}"`)) return;
    if (message.includes(`<break path="${SYNC_PATH}"`)) {
      this.#syncing = false;
      for (const resolve of this.#onSynced.splice(0)) resolve();
      return this.#toWorker(['<go/>']);
    }
    if (message.includes('<login ')) {
      this.#waiting = 'login';
      const title = escapeXml(this.#options.title ?? 'chaincam sim');
      message = message.replace(/<login name="[^"]*"/, `<login name="${title}"`);
    } else if (message.includes('<break')) {
      this.#waiting = 'break';
    }
    // An <eval> of a mapped module carries its JavaScript: xsbug shows the .ts from disk instead.
    const evalPath = /<eval path="([^"]*)"/.exec(message)?.[1];
    if (evalPath !== undefined && this.#paths.isMapped(unescapeXml(evalPath))) return;
    const translated = message.replace(/ path="([^"]*)"(?: line="(\d+)")?/g, (whole, rawPath: string, line: string | undefined) => {
      const repoPath = unescapeXml(rawPath);
      if (!this.#paths.isMapped(repoPath)) return whole;
      const mapped = this.#paths.toDebugger({ path: repoPath, line: line === undefined ? 0 : Number(line) });
      return ` path="${escapeXml(mapped.path)}"${line === undefined ? '' : ` line="${mapped.line}"`}`;
    });
    this.#options.onTranscript?.(translated, 'from-worker');
    if (this.debuggerConnected) return this.#toDebugger(translated);
    // No debugger: continue from every wait, as xsbug-log does.
    if (this.#waiting === 'break') {
      const where = /<break(?: path="([^"]*)" line="(\d+)")?>([\s\S]*?)<\/break>/.exec(translated);
      this.#options.onUnhandledBreak?.(where?.[1] ? { path: unescapeXml(where[1]), line: Number(where[2]) } : undefined, unescapeXml(where?.[3] ?? '').trim());
    }
    if (this.#waiting) this.#toWorker(['<go/>']);
    this.#waiting = undefined;
  }

  #receiveFromDebugger(text: string): void {
    this.#fromDebugger += text;
    const { commands, rest } = splitCommands(this.#fromDebugger);
    this.#fromDebugger = rest;
    const forward: string[] = [];
    let needsSync = false;
    for (const command of commands) {
      const name = /^<([\w:.-]+)/.exec(command)?.[1] ?? '';
      const running = this.#waiting === undefined;
      if (BREAKPOINTS.has(name)) {
        forward.push(this.#translateCommand(command));
        if (running) needsSync = true;
        if (this.#waiting === 'login') this.#waiting = undefined; // debugExit 1 ends the login wait
      } else if (RESUMING.has(name)) {
        // A resume sent while XS runs would wait in the socket and skip the next break.
        if (running && name !== 'abort' && name !== 'logout') continue;
        forward.push(command);
        if (running) needsSync = true;
        this.#waiting = undefined;
      } else if (!running) {
        forward.push(command); // select, toggle, profiling: only meaningful while stopped
      }
    }
    if (forward.length) this.#toWorker(forward);
    if (needsSync) this.#sync();
  }

  /**
   * Resolves when XS next stops for the bridge's own `debugger` (#sync), having read the
   * breakpoints the debugger sent while the firmware ran: a test waits for this, not a clock.
   */
  breakpointsSynced(): Promise<void> {
    return new Promise((resolve) => this.#onSynced.push(resolve));
  }

  /**
   * XS reads commands only while it is stopped (fxIsReadable is 0 in xsnap), so a
   * breakpoint set while the firmware runs waits for the next delivery: a
   * `debugger` statement of ours that we continue from without telling xsbug.
   */
  #sync(): void {
    if (this.#syncing || !this.#worker || this.#worker.exited) return;
    this.#syncing = true;
    this.#worker.evaluate(`debugger;\n//# sourceURL=${SYNC_PATH}\n`).catch(() => {
      this.#syncing = false;
    });
  }

  #translateCommand(command: string): string {
    return command.replace(/ path="([^"]*)" line="(\d+)"/g, (whole, rawPath: string, line: string) => {
      const mapped = this.#paths.toWorker({ path: unescapeXml(rawPath), line: Number(line) });
      return ` path="${escapeXml(mapped.path)}" line="${mapped.line}"`;
    });
  }

  #toWorker(commands: string[]): void {
    if (!this.#workerSocket || this.#workerSocket.destroyed) return;
    // XS acts on what it has read once it sees CR LF after a command (XS_LF_STATE).
    const text = commands.map((command) => `\r\n${command}\r\n`).join('');
    this.#options.onTranscript?.(text, 'to-worker');
    this.#workerSocket.write(text);
  }

  #toDebugger(text: string): void {
    if (this.debuggerConnected) this.#debugger!.write(text);
  }
}

function connect(address: string, timeoutMs: number): Promise<net.Socket | undefined> {
  const { host, port } = parseXsbugAddress(address);
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const timer = setTimeout(() => {
      socket.destroy();
      resolve(undefined);
    }, timeoutMs);
    socket.once('connect', () => {
      clearTimeout(timer);
      resolve(socket);
    });
    socket.once('error', () => {
      clearTimeout(timer);
      resolve(undefined);
    });
  });
}

/** Complete top-level elements (`<x .../>` or `<x ...>...</x>`) and what is left over. */
export function splitCommands(text: string): { commands: string[]; rest: string } {
  const commands: string[] = [];
  let index = 0;
  for (;;) {
    const start = text.indexOf('<', index);
    if (start < 0) return { commands, rest: '' };
    const name = /^<([\w:.-]+)/.exec(text.slice(start))?.[1];
    if (!name) {
      index = start + 1;
      continue;
    }
    const close = text.indexOf('>', start);
    if (close < 0) return { commands, rest: text.slice(start) };
    let end: number;
    if (text[close - 1] === '/') {
      end = close + 1;
    } else {
      const closing = text.indexOf(`</${name}>`, close);
      if (closing < 0) return { commands, rest: text.slice(start) };
      end = closing + name.length + 3;
    }
    commands.push(text.slice(start, end));
    index = end;
  }
}
