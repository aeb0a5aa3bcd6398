/*
 * Declarations for Moddable's `file` module, as chaincam uses it on littlefs.
 * Replaces @moddable/typings 5.6.0 file.d.ts (not in our configs): its Iterator, Directory and
 * System are not exported and its read() type parameter rejects ArrayBuffer results.
 *
 * Written from reading Moddable SDK 8.2.3 (commit 48ee02d8c) at:
 *   modules/files/file/file.js                 (class shape)
 *   modules/files/file/manifest_littlefs.json  (littlefs; esp32 partition "#storage", root "/")
 *   modules/files/file/littlefs/modLittlefs.c  (open flags RDWR|CREAT for write, no truncate,
 *                                              no sync: a file's writes commit at close())
 *   documentation/files/files.md
 */
declare module 'file' {
  type FileWritable = ArrayBufferLike | ArrayBufferView | string;

  export class File {
    /** Read-only unless `write`; write mode creates the file if missing and never truncates. Position starts at 0. */
    constructor(path: string, write?: boolean);
    /** Reads `count` bytes (default: to the end) from `position`, which advances. */
    read(type: typeof ArrayBuffer, count?: number): ArrayBuffer;
    read(type: typeof String, count?: number): string;
    /** Writes the values one after the other at `position`, which advances. */
    write(...values: FileWritable[]): void;
    /** littlefs commits the file's writes here. Safe to call twice. */
    close(): void;
    readonly length: number;
    position: number;
    static delete(path: string): boolean;
    static exists(path: string): boolean;
    /** `to` is a name in the same directory, or a full path. */
    static rename(from: string, to: string): boolean;
  }

  /** Entries of a directory: files have a length, directories do not. */
  export class Iterator {
    constructor(path: string);
    next(): { name: string; length?: number } | undefined;
    [Symbol.iterator](): IterableIterator<{ name: string; length?: number }>;
  }

  export class Directory {
    static create(path: string): void;
    static delete(path: string): void;
  }

  export class System {
    static config(): { maxPathLength: number };
    /** Bytes in use and partition size. */
    static info(): { used: number; total: number };
  }

  const file: { File: typeof File; Iterator: typeof Iterator; System: typeof System; Directory: typeof Directory };
  export default file;
}
