// The microSD card: mounts the board's card through ESP-IDF (sdspi or sdmmc, drivers/sd-card/
// sd-card.c) as a FAT volume at /sdcard, and gives the same File, Directory, Iterator and System
// shape as Moddable's `file` module over it, so the evidence store keeps segments on the card
// and its chain on littlefs with one code path. Paths given here are volume paths ("/segments/x").
// On the simulated board host-tools/sim/moddable/sd-card.ts replaces this module.
import type { FlashFiles } from '../../firmware/store/flash-files.js';

/** Why a card cannot be used: the sign and the chain tell the officer which. */
export type CardProblem = 'absent' | 'unformatted' | 'failing';

export interface SdCardConfig {
  /** "spi" (sdspi: XIAO ESP32S3 Sense, LILYGO T-Camera Plus S3) or "sdmmc" (ESP32-CAM, 1 or 4 lines). */
  bus: 'spi' | 'sdmmc';
  /** SPI pins, or SDMMC clock/command/data pins (d0..d3; d1-d3 only in 4-line mode). */
  clock: number;
  mosi?: number;
  miso?: number;
  select?: number;
  command?: number;
  data?: number[];
  /** Bus clock in kHz (SPI default 20,000; SDMMC default 40,000). */
  khz?: number;
}

export interface MountedCard {
  files: FlashFiles;
  /** Where the store's files go on the volume, ending in "/". */
  root: string;
  totalBytes: number;
  clusterBytes: number;
}

export class SdCardError extends Error {
  readonly problem: CardProblem;

  constructor(problem: CardProblem, message: string) {
    super(message);
    this.problem = problem;
  }
}

/** What the native mount's error message says about the card (sd-card.c prefixes it). */
export function cardProblemOf(message: string): CardProblem {
  if (/^absent:|no card/i.test(message)) return 'absent';
  if (/^unformatted:|FR_NO_FILESYSTEM|no FAT/i.test(message)) return 'unformatted';
  return 'failing';
}

const MOUNT = '/sdcard';
type Writable = ArrayBufferLike | ArrayBufferView | string;

class CardFile extends Native('xs_sdcard_file_destructor') {
  #position = 0;

  constructor(path: string, write = false) {
    super();
    native('xs_sdcard_file_open').call(this, MOUNT + path, write === true);
  }

  read(type: typeof ArrayBuffer | typeof String, count?: number): ArrayBuffer | string {
    const n = count ?? this.length - this.#position;
    const bytes: ArrayBuffer = native('xs_sdcard_file_read').call(this, this.#position, n);
    this.#position += n;
    return type === String ? String.fromCharCode(...new Uint8Array(bytes)) : bytes;
  }

  write(...items: Writable[]): void {
    this.#position = native('xs_sdcard_file_write').call(this, this.#position, ...items);
  }

  close(): void {
    native('xs_sdcard_file_close').call(this);
  }

  get length(): number {
    return native('xs_sdcard_file_length').call(this);
  }

  get position(): number {
    return this.#position;
  }

  set position(value: number) {
    this.#position = value;
  }

  static delete(path: string): boolean {
    return native('xs_sdcard_delete')(MOUNT + path);
  }

  static exists(path: string): boolean {
    return native('xs_sdcard_exists')(MOUNT + path);
  }

  static rename(from: string, to: string): boolean {
    return native('xs_sdcard_rename')(MOUNT + from, to.includes('/') ? MOUNT + to : MOUNT + from.slice(0, from.lastIndexOf('/') + 1) + to);
  }
}

class CardIterator {
  #entries: { name: string; length?: number }[];

  constructor(path: string) {
    this.#entries = native('xs_sdcard_list')(MOUNT + path);
  }

  next(): { name: string; length?: number } | undefined {
    return this.#entries.shift();
  }
}

class CardDirectory {
  static create(path: string): void {
    native('xs_sdcard_mkdir')(MOUNT + path);
  }

  static delete(path: string): void {
    native('xs_sdcard_delete')(MOUNT + path);
  }
}

class CardSystem {
  static config(): { maxPathLength: number } {
    return { maxPathLength: 255 };
  }

  static info(): { used: number; total: number } {
    return native('xs_sdcard_info')();
  }
}

/** Mounts the card; throws SdCardError saying what is wrong with it. */
export function mountSdCard(config: SdCardConfig): MountedCard {
  let info: { total: number; cluster: number };
  try {
    info = native('xs_sdcard_mount')(config);
  } catch (error) {
    const message = (error as Error).message;
    throw new SdCardError(cardProblemOf(message), `SD card: ${message}`);
  }
  const files = { File: CardFile, Directory: CardDirectory, Iterator: CardIterator, System: CardSystem } as unknown as FlashFiles;
  return { files, root: '/', totalBytes: info.total, clusterBytes: info.cluster };
}
