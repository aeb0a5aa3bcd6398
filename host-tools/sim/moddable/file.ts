// Moddable's `file` module (modules/files/file/file.js) on the simulated board: File,
// Iterator, Directory and System over the host's flash model
// (host-tools/sim/hardware/flash-storage.ts). `volumeClasses('sdcard')` makes the same classes
// over the SD card model for drivers/sd-card (host-tools/sim/moddable/sd-card.ts). Contents cross as the bridge payload; several
// values given to one write() are joined with native ArrayBuffer copies, one write as on
// the device.

type Writable = ArrayBufferLike | ArrayBufferView | string;

// XS's own UTF-8 conversions (the board's compartment has no TextEncoder).
const XsArrayBuffer = ArrayBuffer as unknown as { fromString(text: string): ArrayBuffer };
const XsString = String as unknown as { fromArrayBuffer(bytes: ArrayBuffer): string };

function buffer(value: Writable): ArrayBuffer {
  if (typeof value === 'string') return XsArrayBuffer.fromString(value);
  if (ArrayBuffer.isView(value)) return (value.buffer as ArrayBuffer).slice(value.byteOffset, value.byteOffset + value.byteLength);
  return value as ArrayBuffer;
}

/** File, Iterator, Directory and System over the host calls of one volume ("file" or "sdcard"). */
export function volumeClasses(family: 'file' | 'sdcard') {
  class File {
    #handle: number | undefined;
    #position = 0;

    constructor(path: string, write = false) {
      this.#handle = simHost.call(`${family}.open`, { path, write: write === true }).result;
    }

    read(type: typeof ArrayBuffer | typeof String, count?: number): ArrayBuffer | string {
      const length = this.length;
      const n = count ?? length - this.#position;
      if (n < 0 || this.#position + n > length) throw new Error('read past end of file');
      const payload = n === 0 ? undefined : simHost.call(`${family}.read`, { handle: this.#check(), position: this.#position, count: n }).payload;
      this.#position += n;
      const bytes = payload ? (payload.buffer as ArrayBuffer).slice(payload.byteOffset, payload.byteOffset + payload.byteLength) : new ArrayBuffer(0);
      return type === String ? XsString.fromArrayBuffer(bytes) : bytes;
    }

    write(...items: Writable[]): void {
      if (!items.length) return;
      let joined = buffer(items[0]!);
      if (items.length > 1) joined = (joined as ArrayBuffer & { concat(...more: ArrayBuffer[]): ArrayBuffer }).concat(...items.slice(1).map(buffer));
      this.#position = simHost.call(`${family}.write`, { handle: this.#check(), position: this.#position }, joined).result;
    }

    close(): void {
      if (this.#handle === undefined) return;
      simHost.call(`${family}.close`, { handle: this.#handle });
      this.#handle = undefined;
    }

    get length(): number {
      return simHost.call(`${family}.length`, { handle: this.#check() }).result;
    }

    get position(): number {
      return this.#position;
    }

    set position(value: number) {
      this.#position = value;
    }

    static delete(path: string): boolean {
      return simHost.call(`${family}.delete`, { path }).result;
    }

    static exists(path: string): boolean {
      return simHost.call(`${family}.exists`, { path }).result;
    }

    static rename(from: string, to: string): boolean {
      return simHost.call(`${family}.rename`, { from, to }).result;
    }

    #check(): number {
      if (this.#handle === undefined) throw new Error('file closed');
      return this.#handle;
    }
  }

  class Iterator {
    #entries: { name: string; length?: number }[];

    constructor(path: string) {
      this.#entries = simHost.call(`${family}.list`, { path }).result;
    }

    next(): { name: string; length?: number } | undefined {
      return this.#entries.shift();
    }

    [Symbol.iterator]() {
      return { next: () => {
        const value = this.next();
        return value === undefined ? { done: true as const, value: undefined } : { done: false as const, value };
      } };
    }
  }

  class Directory {
    static create(path: string): void {
      simHost.call(`${family}.mkdir`, { path });
    }

    static delete(path: string): void {
      simHost.call(`${family}.delete`, { path });
    }
  }

  class System {
    static config(): { maxPathLength: number } {
      return { maxPathLength: 255 };
    }

    static info(): { used: number; total: number } {
      return simHost.call(`${family}.info`).result;
    }
  }
  return { File, Iterator, Directory, System };
}

const flash = volumeClasses('file');
export const File = flash.File;
export const Iterator = flash.Iterator;
export const Directory = flash.Directory;
export const System = flash.System;
export default Object.freeze({ File, Iterator, System, Directory });
