// Writes that survive a power cut: data fsync'd before the rename that publishes it, and
// the directory fsync'd after, so a receipt never names a file the disk could still lose.
import fs from 'node:fs';
import path from 'node:path';

export function writeFileDurably(file: string, data: Uint8Array | string): void {
  const temporary = `${file}.${process.pid}.tmp`;
  const fd = fs.openSync(temporary, 'w', 0o444);
  try {
    if (typeof data === "string") fs.writeSync(fd, data);
    else fs.writeSync(fd, data);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(temporary, file);
  fsyncDirectory(path.dirname(file));
}

export function fsyncDirectory(dir: string): void {
  const fd = fs.openSync(dir, 'r');
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

/** A file-system error as what it is, for a person at the dock: full disk, permissions, a bad folder. */
export function describeFileError(error: unknown, what: string): string {
  const e = error as NodeJS.ErrnoException;
  switch (e.code) {
    case 'ENOSPC': return `${what}: the disk is full (ENOSPC); free space on it or move the store to a larger disk`;
    case 'EDQUOT': return `${what}: the disk quota is used up (EDQUOT); raise the quota or free space`;
    case 'EACCES': case 'EPERM': return `${what}: permission denied (${e.code}); run the dock as a user who may write there`;
    case 'EROFS': return `${what}: the disk is read-only (EROFS); remount it read-write or use another store`;
    case 'ENOTDIR': return `${what}: a part of the path is a file, not a folder (ENOTDIR)`;
    case 'EIO': return `${what}: the disk reported an input/output error (EIO); check the disk`;
    default: return `${what}: ${e.message ?? String(error)}`;
  }
}
