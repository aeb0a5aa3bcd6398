// Moddable's `file` module (File, Iterator, Directory, System) over a Map, for Node tests of
// firmware code that takes FlashFiles (firmware/store/flash-files.ts). Writes land at once;
// power cuts are the simulated board's business (host-tools/sim/hardware/flash-storage.ts).
import type { FlashFiles } from '../../firmware/store/flash-files.js';

type Writable = ArrayBufferLike | ArrayBufferView | string;

function bytesOf(value: Writable): Uint8Array {
  if (typeof value === 'string') return new TextEncoder().encode(value);
  if (ArrayBuffer.isView(value)) return new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
  return new Uint8Array(value);
}

export function memoryFiles(): FlashFiles & { contents: Map<string, Uint8Array>; reads: number } {
  const contents = new Map<string, Uint8Array>();
  const volume = { contents, reads: 0 };
  class File {
    #path: string;
    position = 0;
    constructor(path: string, write = false) {
      if (!contents.has(path)) {
        if (!write) throw new Error(`file not found: ${path}`);
        contents.set(path, new Uint8Array(0));
      }
      this.#path = path;
    }
    get length(): number { return contents.get(this.#path)!.length; }
    read(_type: unknown, count?: number): ArrayBuffer {
      const data = contents.get(this.#path)!;
      const n = count ?? data.length - this.position;
      if (this.position + n > data.length) throw new Error('read past end of file');
      volume.reads++;
      const out = data.slice(this.position, this.position + n).buffer;
      this.position += n;
      return out;
    }
    write(...values: Writable[]): void {
      for (const value of values) {
        const bytes = bytesOf(value);
        const data = contents.get(this.#path)!;
        const end = this.position + bytes.length;
        const grown = end > data.length ? new Uint8Array(end) : data;
        if (grown !== data) grown.set(data);
        grown.set(bytes, this.position);
        contents.set(this.#path, grown);
        this.position = end;
      }
    }
    close(): void {}
    static exists(path: string): boolean { return contents.has(path); }
    static delete(path: string): boolean { return contents.delete(path); }
    static rename(from: string, to: string): boolean {
      const data = contents.get(from);
      if (!data) throw new Error(`file not found: ${from}`);
      contents.delete(from);
      contents.set(to, data);
      return true;
    }
  }
  class Iterator {
    #names: string[];
    constructor(path: string) {
      this.#names = [...contents.keys()].filter((p) => p.startsWith(path) && !p.slice(path.length).includes('/')).map((p) => p.slice(path.length));
    }
    next() {
      const name = this.#names.shift();
      return name === undefined ? undefined : { name, length: contents.get(name)?.length ?? 0 };
    }
  }
  class Directory {
    static create(): void {}
    static delete(): void {}
  }
  class System {
    static config() { return { maxPathLength: 255 }; }
    static info() { return { used: [...contents.values()].reduce((sum, data) => sum + data.length, 0), total: 1 << 30 }; }
  }
  return Object.assign(volume, { File, Iterator, Directory, System }) as unknown as FlashFiles & typeof volume;
}
