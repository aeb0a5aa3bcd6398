// Hashes a sealed segment file the way sha256sum does: one pass, large reads into a reused
// buffer, OpenSSL's SHA-256. This loop is verify's throughput.
import crypto from 'node:crypto';
import fs from 'node:fs';

const READ_SIZE = 4 * 1024 * 1024;
let buffer: Buffer | undefined;

export interface HashedFile {
  size: number;
  digest: Uint8Array;
  /** The first bytes of the file (up to headerLength), for header checks without a second read. */
  head: Uint8Array;
}

export function hashFile(file: string, headerLength: number): HashedFile {
  buffer ??= Buffer.allocUnsafe(READ_SIZE);
  const hash = crypto.createHash('sha256');
  const fd = fs.openSync(file, 'r');
  let size = 0;
  let head = new Uint8Array(0);
  try {
    for (;;) {
      const n = fs.readSync(fd, buffer, 0, READ_SIZE, null);
      if (n === 0) break;
      if (head.length < headerLength) {
        head = Uint8Array.from(Buffer.concat([head, buffer.subarray(0, Math.min(n, headerLength - head.length))]));
      }
      hash.update(buffer.subarray(0, n));
      size += n;
    }
  } finally {
    fs.closeSync(fd);
  }
  return { size, digest: new Uint8Array(hash.digest()), head };
}
