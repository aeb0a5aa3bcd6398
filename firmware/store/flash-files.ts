// The part of Moddable's `file` module (littlefs on the board's "storage" partition) the
// store uses, passed in so the same store runs on the device and the simulated board.
import type { Directory, File, Iterator, System } from 'file';

export interface FlashFiles {
  File: typeof File;
  Directory: typeof Directory;
  Iterator: typeof Iterator;
  System: typeof System;
}

/** Reads `count` bytes at `position` of an open file as a Uint8Array. */
export function readAt(file: File, position: number, count: number): Uint8Array {
  file.position = position;
  return new Uint8Array(file.read(ArrayBuffer, count));
}

/** Appends to a file and closes it: littlefs commits a file's writes only at close. */
export function appendCommitted(files: FlashFiles, path: string, bytes: Uint8Array): void {
  const file = new files.File(path, true);
  try {
    file.position = file.length;
    file.write(bytes);
  } finally {
    file.close();
  }
}
