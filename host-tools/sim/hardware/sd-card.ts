// The board's microSD card: a FAT32 volume over a host directory, sparse (a 32 GB card costs
// only the bytes written), with the card's real free space in clusters, its bus throughput,
// and the faults FAT has when the power goes or the card is pulled mid-write. Firmware reaches
// it through drivers/sd-card (host-tools/sim/moddable/sd-card.ts on this board).
//
// What a cut leaves (FatFs writes a file's directory entry and FAT only at f_sync/f_close, and
// an SD card's flash programs whole pages, so a cut mid-write can spoil a page written before):
// - stale directory size: every file open for writing is back at its size of its last close;
//   what was appended since is unreachable;
// - lost cluster chain: the clusters allocated since that close stay marked in the FAT with no
//   file owning them, so the card's free space shrinks until it is reformatted; a file created
//   and never closed keeps the size-0 entry FatFs flushed at its first cluster (or, with nothing
//   written, vanishes);
// - torn last cluster: the cluster the cut write fell in loses the bytes it held before the
//   write (they read back as FF), so data a close had committed can be damaged.
// `lastFault` says which of these a cut caused. Card state lives in DIR/card.json.
import fs from 'node:fs';
import path from 'node:path';

export type SdBus = 'spi' | 'sdmmc-1bit' | 'sdmmc-4bit';
export type SdCondition = 'ok' | 'absent' | 'unformatted' | 'failing';

/**
 * Sustained write throughput and per-write overhead of an ESP32-S3 on each bus. SPI at 20 MHz:
 * 1.01 MB/s, 4-bit SDMMC at 40 MHz: 2.34 MB/s (atomic14/esp32-sdcard-msc, ESP32-S3, 100 MB of
 * multi-sector writes through ESP-IDF); per write about 0.42 ms on SDMMC (ESP-IDF
 * examples/storage/perf_benchmark, FATFS "write tiny size"), taken as 1 ms on SPI.
 */
export const SD_BUS_SPEED: Readonly<Record<SdBus, { bytesPerSecond: number; perWriteMs: number }>> = Object.freeze({
  spi: { bytesPerSecond: 1_010_000, perWriteMs: 1 },
  // 1-line SDMMC: about 80% of 4-line (Freenove ESP32-S3 tutorial, chapter 4); the ESP32-CAM's mode.
  'sdmmc-1bit': { bytesPerSecond: 1_870_000, perWriteMs: 0.42 },
  'sdmmc-4bit': { bytesPerSecond: 2_340_000, perWriteMs: 0.42 },
});

/** FATFS file slots: drivers/sd-card/sd-card.c mounts the card with max_files = 4. */
export const MAX_OPEN_FILES = 4;

export interface SdCardOptions {
  /** Host directory holding the card (card.json and volume/). */
  dir: string;
  /** For a new card: its size in bytes (default 32 GB) and cluster size (default by FAT32 rules). */
  capacityBytes?: number;
  clusterBytes?: number;
  bus?: SdBus;
  condition?: SdCondition;
  /** The card is pulled at this write (1 = its first write after boot). */
  pullAtWrite?: number;
  /** Every write from this one on fails with an I/O error. */
  failAtWrite?: number;
}

interface CardState {
  capacityBytes: number;
  clusterBytes: number;
  formatted: boolean;
  lostClusters: number;
}

interface OpenFile {
  path: string;
  fd: number;
  write: boolean;
  /** The size its directory entry holds (set at open and close); undefined: no entry yet. */
  dirSize: number | undefined;
  clusters: number;
}

export interface SdFault {
  staleSizes: string[];
  vanished: string[];
  lostClusters: number;
  tornCluster?: { path: string; from: number; to: number };
}

/** SD Association formatter's FAT32 allocation unit by card size. */
function defaultCluster(capacity: number): number {
  if (capacity <= 8 * 2 ** 30) return 4096;
  if (capacity <= 32 * 2 ** 30) return 32 * 1024;
  return 128 * 1024;
}

export class CardError extends Error {}

export class SdCard {
  readonly dir: string;
  readonly bus: SdBus;
  readonly state: CardState;
  condition: SdCondition;
  pullAtWrite: number | undefined;
  failAtWrite: number | undefined;
  writes = 0;
  bytesWritten = 0;
  /** Device time the bus spent writing, and when it is free again. */
  busyMs = 0;
  busyUntil = 0;
  /** The longest a write waited for the bus (a backlog above a frame's interval drops frames). */
  maxWaitMs = 0;
  lastFault: SdFault | undefined;
  /** Called after each write that lands: the volume path, position and byte count. */
  onWrite: ((path: string, position: number, length: number) => void) | undefined;
  pulled = false;
  #open = new Map<number, OpenFile>();
  #next = 1;
  #usedClusters: number;

  constructor(options: SdCardOptions) {
    this.dir = options.dir;
    this.bus = options.bus ?? 'spi';
    this.condition = options.condition ?? 'ok';
    this.pullAtWrite = options.pullAtWrite;
    this.failAtWrite = options.failAtWrite;
    const stateFile = path.join(this.dir, 'card.json');
    if (fs.existsSync(stateFile)) {
      this.state = JSON.parse(fs.readFileSync(stateFile, 'utf8')) as CardState;
    } else {
      const capacityBytes = options.capacityBytes ?? 32e9;
      this.state = { capacityBytes, clusterBytes: options.clusterBytes ?? defaultCluster(capacityBytes), formatted: this.condition !== 'unformatted', lostClusters: 0 };
      fs.mkdirSync(path.join(this.dir, 'volume'), { recursive: true });
      this.#saveState();
    }
    if (this.condition === 'unformatted') this.state.formatted = false;
    this.#usedClusters = this.#countClusters(path.join(this.dir, 'volume'));
  }

  /** Data clusters of the volume: the capacity less the reserved sectors and two 4-byte-per-cluster FATs. */
  get totalClusters(): number {
    const { capacityBytes, clusterBytes } = this.state;
    return Math.floor((capacityBytes - 32 * 512) / (clusterBytes + 8));
  }

  get freeBytes(): number {
    return (this.totalClusters - this.#usedClusters - this.state.lostClusters) * this.state.clusterBytes;
  }

  get totalBytes(): number {
    return this.totalClusters * this.state.clusterBytes;
  }

  /** What ESP-IDF's mount would answer: throws as the card's condition makes it fail. */
  mount(): { totalBytes: number; freeBytes: number; clusterBytes: number } {
    if (this.condition === 'absent' || this.pulled) throw new CardError('no card in the slot (sdmmc_card_init: ESP_ERR_TIMEOUT)');
    if (this.condition === 'failing') throw new CardError('the card does not answer (sdmmc_card_init: ESP_ERR_INVALID_RESPONSE)');
    if (!this.state.formatted) throw new CardError('no FAT file system on the card (f_mount: FR_NO_FILESYSTEM)');
    return { totalBytes: this.totalBytes, freeBytes: this.freeBytes, clusterBytes: this.state.clusterBytes };
  }

  /** Pulls the card out now: what was open is left as a cut leaves it. */
  pull(): void {
    if (this.pulled) return;
    this.pulled = true;
    this.cut();
  }

  /** The board lost power (or the card its contact): every file open for writing is left as FAT leaves it. */
  cut(torn?: { file: OpenFile; position: number }): void {
    if (!this.#open.size) return;
    const fault: SdFault = { staleSizes: [], vanished: [], lostClusters: 0 };
    const cluster = this.state.clusterBytes;
    for (const file of this.#open.values()) {
      if (!file.write) {
        fs.closeSync(file.fd);
        continue;
      }
      if (torn && torn.file === file && file.dirSize !== undefined) {
        const from = Math.floor(torn.position / cluster) * cluster;
        const to = Math.min(torn.position, file.dirSize);
        if (to > from) {
          fs.writeSync(file.fd, Buffer.alloc(to - from, 0xff), 0, to - from, from);
          fault.tornCluster = { path: this.#boardPath(file.path), from, to };
        }
      }
      fs.closeSync(file.fd);
      const kept = file.dirSize === undefined ? 0 : Math.ceil(file.dirSize / cluster);
      const lost = file.clusters - kept;
      fault.lostClusters += lost;
      this.#usedClusters -= lost;
      if (file.dirSize === undefined && file.clusters === 0) {
        fs.rmSync(file.path, { force: true });
        fault.vanished.push(this.#boardPath(file.path));
      } else if (file.dirSize === undefined) {
        // FatFs flushed the new entry (size 0) when it moved its window to the FAT for the first cluster.
        fs.truncateSync(file.path, 0);
        fault.staleSizes.push(this.#boardPath(file.path));
      } else if (fs.statSync(file.path).size !== file.dirSize) {
        fs.truncateSync(file.path, file.dirSize);
        fault.staleSizes.push(this.#boardPath(file.path));
      }
    }
    this.#open.clear();
    this.state.lostClusters += fault.lostClusters;
    this.#saveState();
    this.lastFault = fault;
  }

  handle(h: Record<string, any>, bytes: Uint8Array, t: number, powerCut: () => boolean): { result?: unknown; bytes?: Uint8Array } {
    if (h.op === 'sdcard.mount') return { result: this.mount() };
    if (this.pulled || this.condition === 'absent') throw new CardError('SD card removed: the card is not in the slot');
    switch (h.op) {
      case 'sdcard.open': {
        const file = this.#path(h.path);
        const exists = fs.existsSync(file);
        if (!h.write && !exists) throw new CardError(`file not found on the card: ${h.path}`);
        // drivers/sd-card mounts FATFS with max_files = 4: a fifth open file fails (ENFILE), so
        // firmware that leaves a file open runs out of them on the device, and here.
        if (this.#open.size >= MAX_OPEN_FILES) throw new CardError(`SD card write failed: open ${h.path} (Too many open files in system)`);
        if (exists && fs.statSync(file).isDirectory()) throw new CardError(`${h.path} is a directory`);
        const fd = fs.openSync(file, h.write ? (exists ? 'r+' : 'w+') : 'r');
        const size = exists ? fs.fstatSync(fd).size : 0;
        const id = this.#next++;
        this.#open.set(id, { path: file, fd, write: h.write === true, dirSize: exists ? size : undefined, clusters: Math.ceil(size / this.state.clusterBytes) });
        return { result: id };
      }
      case 'sdcard.read': {
        const file = this.#file(h.handle);
        const out = Buffer.alloc(h.count);
        if (fs.readSync(file.fd, out, 0, h.count, h.position) !== h.count) throw new CardError(`read past the end of the file (${h.count} bytes at ${h.position})`);
        return { bytes: out };
      }
      case 'sdcard.write':
        return { result: this.#write(this.#file(h.handle), h.position, bytes, t, powerCut) };
      case 'sdcard.length':
        return { result: fs.fstatSync(this.#file(h.handle).fd).size };
      case 'sdcard.close': {
        const file = this.#open.get(h.handle);
        if (file) {
          fs.closeSync(file.fd);
          if (file.write) file.dirSize = fs.statSync(file.path).size;
        }
        this.#open.delete(h.handle);
        return {};
      }
      case 'sdcard.delete': {
        const file = this.#path(h.path);
        if (!fs.existsSync(file)) return { result: false };
        this.#usedClusters -= fs.statSync(file).isDirectory() ? 1 + this.#countClusters(file) : Math.ceil(fs.statSync(file).size / this.state.clusterBytes);
        fs.rmSync(file, { recursive: true });
        return { result: true };
      }
      case 'sdcard.exists':
        return { result: fs.existsSync(this.#path(h.path)) };
      case 'sdcard.rename': {
        const from = this.#path(h.from);
        const to = h.to.includes('/') ? this.#path(h.to) : path.join(path.dirname(from), h.to);
        if (fs.existsSync(to)) this.#usedClusters -= Math.ceil(fs.statSync(to).size / this.state.clusterBytes);
        fs.renameSync(from, to);
        return { result: true };
      }
      case 'sdcard.mkdir': {
        const dir = this.#path(h.path);
        if (!fs.existsSync(dir)) {
          fs.mkdirSync(dir, { recursive: true });
          this.#usedClusters += 1;
        }
        return {};
      }
      case 'sdcard.list': {
        const dir = this.#path(h.path);
        if (!fs.existsSync(dir)) throw new CardError(`directory not found on the card: ${h.path}`);
        const entries = fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1));
        return { result: entries.map((e) => (e.isDirectory() ? { name: e.name } : { name: e.name, length: fs.statSync(path.join(dir, e.name)).size })) };
      }
      case 'sdcard.info':
        return { result: { used: this.totalBytes - this.freeBytes, total: this.totalBytes } };
      default:
        throw new Error(`the simulated SD card has no operation "${h.op}"`);
    }
  }

  #write(file: OpenFile, position: number, bytes: Uint8Array, t: number, powerCut: () => boolean): number {
    if (!file.write) throw new CardError('file is open for reading only');
    const cluster = this.state.clusterBytes;
    const size = fs.fstatSync(file.fd).size;
    const needed = Math.max(0, Math.ceil(Math.max(size, position + bytes.length) / cluster) - file.clusters);
    if (needed > this.totalClusters - this.#usedClusters - this.state.lostClusters) {
      throw new CardError(`SD card full: ${bytes.length} bytes need ${needed} more clusters of ${cluster} bytes (${this.freeBytes} bytes free)`);
    }
    this.writes++;
    if (this.failAtWrite !== undefined && this.writes >= this.failAtWrite) throw new CardError('SD card write failed (I/O error: the card did not accept the data)');
    if (this.pullAtWrite !== undefined && this.writes >= this.pullAtWrite) {
      fs.writeSync(file.fd, bytes, 0, Math.floor(bytes.length / 2), position);
      this.pulled = true;
      this.cut({ file, position });
      throw new CardError('SD card removed during a write');
    }
    if (powerCut()) {
      fs.writeSync(file.fd, bytes, 0, Math.floor(bytes.length / 2), position);
      file.clusters += needed;
      this.#usedClusters += needed;
      this.cut({ file, position });
      return -1;
    }
    fs.writeSync(file.fd, bytes, 0, bytes.length, position);
    file.clusters += needed;
    this.#usedClusters += needed;
    this.bytesWritten += bytes.length;
    this.onWrite?.(this.#boardPath(file.path), position, bytes.length);
    const speed = SD_BUS_SPEED[this.bus];
    const cost = speed.perWriteMs + (bytes.length * 1000) / speed.bytesPerSecond;
    const start = Math.max(t, this.busyUntil);
    this.maxWaitMs = Math.max(this.maxWaitMs, start - t);
    this.busyUntil = start + cost;
    this.busyMs += cost;
    return position + bytes.length;
  }

  #file(id: number): OpenFile {
    const file = this.#open.get(id);
    if (!file) throw new CardError(`file handle ${id} is not open (closed already?)`);
    return file;
  }

  #path(boardPath: unknown): string {
    if (typeof boardPath !== 'string' || !boardPath.startsWith('/')) throw new CardError(`card paths must be absolute, got ${String(boardPath)}`);
    const parts = boardPath.split('/').filter(Boolean);
    if (parts.some((p) => p === '..' || p === '.')) throw new CardError(`card path ${boardPath} may not contain . or ..`);
    return path.join(this.dir, 'volume', ...parts);
  }

  #boardPath(hostPath: string): string {
    return `/${path.relative(path.join(this.dir, 'volume'), hostPath).split(path.sep).join('/')}`;
  }

  #saveState(): void {
    fs.writeFileSync(path.join(this.dir, 'card.json'), `${JSON.stringify(this.state, null, 2)}\n`);
  }

  #countClusters(dir: string): number {
    let clusters = 0;
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      clusters += entry.isDirectory() ? 1 + this.#countClusters(full) : Math.ceil(fs.statSync(full).size / this.state.clusterBytes);
    }
    return clusters;
  }
}
