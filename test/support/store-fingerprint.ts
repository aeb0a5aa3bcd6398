// A store as a disk holds it, in one hash: to prove that verify and export change nothing.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/** Every file's path, kind, mode, link count, symlink target and bytes: the store as a disk holds it. */
export function storeFingerprint(dir: string): string {
  const hash = crypto.createHash('sha256');
  const walk = (rel: string) => {
    const full = path.join(dir, rel);
    const stat = fs.lstatSync(full);
    hash.update(`${rel}\0${stat.mode}\0${stat.nlink}\0${stat.size}\0${stat.mtimeMs}\0`);
    if (stat.isSymbolicLink()) hash.update(fs.readlinkSync(full));
    else if (stat.isDirectory()) for (const name of fs.readdirSync(full).sort()) walk(path.join(rel, name));
    else hash.update(fs.readFileSync(full));
  };
  walk('.');
  return hash.digest('hex');
}

