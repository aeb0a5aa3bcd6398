/*
 * Augments the declaration of Moddable's `file` module that both the SDK (typings/file.d.ts,
 * which mcconfig type-checks against) and @moddable/typings 5.6.0 (file.d.ts, our own checks)
 * provide. Listed in manifest.json's typescript "types"; it redeclares nothing of theirs.
 *
 * Their File.write takes (ArrayBufferLike | string, ...(ArrayBuffer | string)[]): no typed
 * arrays and no spread of an array. The littlefs native (Moddable SDK 8.2.3, commit 48ee02d8c,
 * modules/files/file/littlefs/modLittlefs.c xs_file_write) writes each argument in turn and
 * reads any buffer (xsmcGetBufferReadable), a string, or a number as one byte. Writes commit at
 * close(): littlefs opens RDWR|CREAT, never truncates and has no sync.
 */
declare module 'file' {
  type FileWritable = ArrayBufferLike | ArrayBufferView | string;

  export interface File {
    /** Writes the values one after the other at `position`, which advances. */
    write(...values: FileWritable[]): void;
  }
}
