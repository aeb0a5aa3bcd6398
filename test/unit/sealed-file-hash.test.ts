// verify hashes each sealed file in one pass and keeps its first bytes for the header check:
// the digest and size are sha256sum's, and the head is exactly the header's length, or the whole
// file when it is shorter than a header.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { hashFile } from '../../host-tools/verify/sealed-file-hash.js';

describe('hashing a sealed file', () => {
  let dir: string;
  beforeEach(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'chaincam-hash-')); });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('gives the SHA-256 and size of the whole file, and exactly its first headerLength bytes', () => {
    // Larger than one read (4 MiB), so the digest spans reads and the head comes from the first.
    for (const size of [0, 100, 171, 4 * 1024 * 1024 + 333]) {
      const bytes = crypto.randomBytes(size);
      const file = path.join(dir, `${size}.seg`);
      fs.writeFileSync(file, bytes);
      for (const headerLength of [0, 171]) {
        const hashed = hashFile(file, headerLength);
        assert.equal(hashed.size, size);
        assert.equal(Buffer.from(hashed.digest).toString('hex'), crypto.createHash('sha256').update(bytes).digest('hex'));
        assert.deepEqual(Buffer.from(hashed.head), bytes.subarray(0, Math.min(size, headerLength)), `${size} bytes, header ${headerLength}`);
      }
    }
  });
});
