// Moddable's `file` module (modules/files/file/file.js) on the simulated board: File,
// Iterator, Directory and System over the host's flash model
// (host-tools/sim/hardware/flash-storage.ts). Contents cross as the bridge payload; several
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

export class File {
  #handle: number | undefined;
  #position = 0;

  constructor(path: string, write = false) {
    this.#handle = simHost.call('file.open', { path, write: write === true }).result;
  }

  read(type: typeof ArrayBuffer | typeof String, count?: number): ArrayBuffer | string {
    const length = this.length;
    const n = count ?? length - this.#position;
    if (n < 0 || this.#position + n > length) throw new Error('read past end of file');
    const payload = n === 0 ? undefined : simHost.call('file.read', { handle: this.#check(), position: this.#position, count: n }).payload;
    this.#position += n;
    const bytes = payload ? (payload.buffer as ArrayBuffer).slice(payload.byteOffset, payload.byteOffset + payload.byteLength) : new ArrayBuffer(0);
    return type === String ? XsString.fromArrayBuffer(bytes) : bytes;
  }

  write(...items: Writable[]): void {
    if (!items.length) return;
    let joined = buffer(items[0]!);
    if (items.length > 1) joined = (joined as ArrayBuffer & { concat(...more: ArrayBuffer[]): ArrayBuffer }).concat(...items.slice(1).map(buffer));
    this.#position = simHost.call('file.write', { handle: this.#check(), position: this.#position }, joined).result;
  }

  close(): void {
    if (this.#handle === undefined) return;
    simHost.call('file.close', { handle: this.#handle });
    this.#handle = undefined;
  }

  get length(): number {
    return simHost.call('file.length', { handle: this.#check() }).result;
  }

  get position(): number {
    return this.#position;
  }

  set position(value: number) {
    this.#position = value;
  }

  static delete(path: string): boolean {
    return simHost.call('file.delete', { path }).result;
  }

  static exists(path: string): boolean {
    return simHost.call('file.exists', { path }).result;
  }

  static rename(from: string, to: string): boolean {
    return simHost.call('file.rename', { from, to }).result;
  }

  #check(): number {
    if (this.#handle === undefined) throw new Error('file closed');
    return this.#handle;
  }
}

export class Iterator {
  #entries: { name: string; length?: number }[];

  constructor(path: string) {
    this.#entries = simHost.call('file.list', { path }).result;
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

export class Directory {
  static create(path: string): void {
    simHost.call('file.mkdir', { path });
  }

  static delete(path: string): void {
    simHost.call('file.delete', { path });
  }
}

export class System {
  static config(): { maxPathLength: number } {
    return { maxPathLength: 255 };
  }

  static info(): { used: number; total: number } {
    return simHost.call('file.info').result;
  }
}

export default Object.freeze({ File, Iterator, System, Directory });
