// The board's flash file system, over a host directory, with power cuts injected at any
// write. Firmware reaches it through Moddable's `file` module (host-tools/sim/moddable/file.ts).
//
// What survives a cut (docs/ARCHITECTURE.md, "Storage"): writes are counted across the
// board; the cut happens at write number `cutAtWrite`, and from then on every file
// operation fails with "power lost". A delete or a rename is a write too (a metadata commit on
// littlefs, a directory entry on FAT): cut there, it has not happened. Two models:
// - "littlefs" (the file system chaincam ships with): a file's contents change only when it is
//   closed (lfs_file_close commits; Moddable's File has no sync). At a cut every file open
//   for writing reverts to what it was at its last close; a file created since then vanishes.
// - "torn" (a FAT/SD card, the worst case): every write lands at once, and the cut write lands
//   only its first half. Nothing reverts.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface FlashStorageOptions {
  /** Host directory that holds the board's files; a fresh temporary one when omitted. */
  dir?: string;
  /** Partition size in bytes (System.info().total). The board gives its target's "storage" partition; 64 MiB alone. */
  capacityBytes?: number;
  /** Cut the power at this write (1 = the first write after boot). */
  cutAtWrite?: number;
  model?: 'littlefs' | 'torn';
}

interface OpenFile {
  path: string;
  fd: number;
  write: boolean;
  /** For littlefs: the contents at open (undefined: the file did not exist). */
  committed?: Buffer | undefined;
}

export class PowerLost extends Error {
  constructor() {
    super('power lost: the board is off (simulated power cut)');
  }
}

/** Temporary flashes still in use: removed at exit too (a Ctrl-C that skips the boards' close). */
const temporaryFlashes = new Set<string>();
process.once('exit', () => {
  for (const dir of temporaryFlashes) fs.rmSync(dir, { recursive: true, force: true });
});

export class FlashStorage {
  readonly dir: string;
  readonly capacityBytes: number;
  readonly model: 'littlefs' | 'torn';
  cutAtWrite: number | undefined;
  /** Writes so far, counted as the cut counts them. */
  writes = 0;
  powerLost = false;
  /** Called when the power goes, after the flash's own files are left as the model says (the SD card's too). */
  readonly onPowerCut: (() => void)[] = [];
  /** Called after each write that lands: the board path, the position and the byte count. */
  onWrite: ((path: string, position: number, length: number) => void) | undefined;
  #open = new Map<number, OpenFile>();
  #next = 1;
  #used: number;

  /** A flash of its own in a temporary folder (no `dir` given): removed when the board closes. */
  readonly #temporary: boolean;

  constructor(options: FlashStorageOptions = {}) {
    this.#temporary = options.dir === undefined;
    this.dir = options.dir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'chaincam-flash-'));
    if (this.#temporary) temporaryFlashes.add(this.dir);
    fs.mkdirSync(this.dir, { recursive: true });
    this.capacityBytes = options.capacityBytes ?? 64 * 1024 * 1024;
    this.cutAtWrite = options.cutAtWrite;
    this.model = options.model ?? 'littlefs';
    this.#used = usedBytes(this.dir);
  }

  /** The board is gone: a temporary flash goes with it (a kept one stays, to boot again). */
  dispose(): void {
    for (const file of this.#open.values()) fs.closeSync(file.fd);
    this.#open.clear();
    if (!this.#temporary) return;
    fs.rmSync(this.dir, { recursive: true, force: true });
    temporaryFlashes.delete(this.dir);
  }

  get usedBytes(): number {
    return this.#used;
  }

  /**
   * The files the firmware has open now, by their path under the flash's root: a file never
   * closed holds one of littlefs's file slots and its cache for good, and written, is never committed.
   */
  get openFiles(): string[] {
    return [...this.#open.values()].map((file) => path.relative(this.dir, file.path));
  }

  /** Cuts the power now: what an open file had not committed is lost (see the model above). */
  cutPower(): void {
    if (this.powerLost) return;
    this.powerLost = true;
    for (const file of this.#open.values()) {
      fs.closeSync(file.fd);
      if (this.model === 'littlefs' && file.write) {
        if (file.committed) fs.writeFileSync(file.path, file.committed);
        else fs.rmSync(file.path, { force: true });
      }
    }
    this.#open.clear();
    this.#used = usedBytes(this.dir);
    for (const listener of this.onPowerCut) listener();
  }

  /** Counts one write on any of the board's volumes; true when the power goes at this one. */
  countWrite(): boolean {
    this.writes++;
    return this.cutAtWrite !== undefined && this.writes >= this.cutAtWrite;
  }

  handle(h: Record<string, any>, bytes: Uint8Array): { result?: unknown; bytes?: Uint8Array } {
    if (this.powerLost) throw new PowerLost();
    switch (h.op) {
      case 'file.open': {
        const file = this.#path(h.path);
        const exists = fs.existsSync(file);
        if (!h.write && !exists) throw new Error(`file not found: ${h.path}`);
        if (exists && fs.statSync(file).isDirectory()) throw new Error(`${h.path} is a directory`);
        const committed = this.model === 'littlefs' && h.write && exists ? fs.readFileSync(file) : undefined;
        const fd = fs.openSync(file, h.write ? (exists ? 'r+' : 'w+') : 'r');
        const id = this.#next++;
        this.#open.set(id, { path: file, fd, write: h.write === true, committed });
        return { result: id };
      }
      case 'file.read': {
        const file = this.#file(h.handle);
        const out = Buffer.alloc(h.count);
        const n = fs.readSync(file.fd, out, 0, h.count, h.position);
        if (n !== h.count) throw new Error(`read past the end of the file (${h.count} bytes at ${h.position})`);
        return { bytes: out };
      }
      case 'file.write':
        return { result: this.#write(this.#file(h.handle), h.position, bytes) };
      case 'file.length':
        return { result: fs.fstatSync(this.#file(h.handle).fd).size };
      case 'file.close': {
        const file = this.#open.get(h.handle);
        if (file) fs.closeSync(file.fd);
        this.#open.delete(h.handle);
        return {};
      }
      case 'file.delete': {
        const file = this.#path(h.path);
        if (!fs.existsSync(file)) return { result: false };
        this.#cutAtMetadata();
        this.#used -= fs.statSync(file).size;
        fs.rmSync(file);
        return { result: true };
      }
      case 'file.exists':
        return { result: fs.existsSync(this.#path(h.path)) };
      case 'file.rename': {
        const from = this.#path(h.from);
        const to = h.to.includes('/') ? this.#path(h.to) : path.join(path.dirname(from), h.to);
        this.#cutAtMetadata();
        if (fs.existsSync(to)) this.#used -= fs.statSync(to).size;
        fs.renameSync(from, to);
        // littlefs keeps an open file by its id: its uncommitted writes follow it to the new
        // name, and a cut before its close reverts it there (renaming before closing saves nothing).
        for (const file of this.#open.values()) if (file.path === from) file.path = to;
        return { result: true };
      }
      case 'file.mkdir':
        fs.mkdirSync(this.#path(h.path), { recursive: true });
        return {};
      case 'file.list': {
        const dir = this.#path(h.path);
        if (!fs.existsSync(dir)) throw new Error(`directory not found: ${h.path}`);
        const entries = fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1));
        return { result: entries.map((e) => (e.isDirectory() ? { name: e.name } : { name: e.name, length: fs.statSync(path.join(dir, e.name)).size })) };
      }
      case 'file.info':
        return { result: { used: this.#used, total: this.capacityBytes } };
      default:
        throw new Error(`the simulated file system has no operation "${h.op}"`);
    }
  }

  #write(file: OpenFile, position: number, bytes: Uint8Array): number {
    if (!file.write) throw new Error('file is open for reading only');
    const size = fs.fstatSync(file.fd).size;
    const growth = Math.max(0, position + bytes.length - size);
    if (this.#used + growth > this.capacityBytes) throw new Error(`file system full: ${bytes.length} bytes do not fit (${this.capacityBytes - this.#used} free)`);
    if (this.countWrite()) {
      if (this.model === 'torn') fs.writeSync(file.fd, bytes, 0, Math.floor(bytes.length / 2), position);
      this.cutPower();
      throw new PowerLost();
    }
    fs.writeSync(file.fd, bytes, 0, bytes.length, position);
    this.#used += growth;
    this.onWrite?.(path.relative(this.dir, file.path), position, bytes.length);
    return position + bytes.length;
  }

  /** A delete or rename counts as a write; cut there, it never reaches the flash (both commit atomically). */
  #cutAtMetadata(): void {
    if (!this.countWrite()) return;
    this.cutPower();
    throw new PowerLost();
  }

  #file(id: number): OpenFile {
    const file = this.#open.get(id);
    if (!file) throw new Error(`file handle ${id} is not open (closed already?)`);
    return file;
  }

  /** Board paths are absolute ("/chain.log"); nothing may escape the directory. */
  #path(boardPath: unknown): string {
    if (typeof boardPath !== 'string' || !boardPath.startsWith('/')) throw new Error(`file paths must be absolute, got ${String(boardPath)}`);
    const parts = boardPath.split('/').filter(Boolean);
    if (parts.some((p) => p === '..' || p === '.')) throw new Error(`file path ${boardPath} may not contain . or ..`);
    return path.join(this.dir, ...parts);
  }
}

function usedBytes(dir: string): number {
  let total = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    total += entry.isDirectory() ? usedBytes(full) : fs.statSync(full).size;
  }
  return total;
}
