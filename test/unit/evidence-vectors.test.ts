// The committed vectors: each verifies exactly as its manifest says, and regenerating them
// reproduces the committed bytes (so the format cannot drift unnoticed).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { checkVector, generateVectors, type VectorManifestEntry } from '../../host-tools/vectors/generate-vectors.js';
import { documentedExamples, workedExamples } from '../../host-tools/vectors/format-examples.js';

const VECTORS = path.resolve('test/vectors');
const manifest = JSON.parse(fs.readFileSync(path.join(VECTORS, 'manifest.json'), 'utf8')) as { vectors: VectorManifestEntry[] };

function listFiles(dir: string): string[] {
  return fs.readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name)))
    .sort();
}

describe('evidence test vectors (test/vectors)', () => {
  for (const entry of manifest.vectors) {
    it(`${entry.name}: ${entry.expect.ok ? 'verifies' : `fails${entry.expect.record !== undefined ? ` at record #${entry.expect.record}` : ''} naming ${entry.expect.file}`}`, () => {
      assert.equal(checkVector(VECTORS, entry), undefined);
    });
  }

  it('covers every tampering the issue lists', () => {
    const names = manifest.vectors.map((v) => v.name);
    for (const kind of ['segment-byte-flip', 'record-byte-flip', 'chain-truncated', 'record-deleted', 'records-reordered', 'record-inserted', 'record-duplicated', 'foreign-records', 'wrong-signature']) {
      assert.ok(names.includes(kind), kind);
    }
  });

  it('regenerates byte for byte from the generator', () => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'chaincam-vectors-'));
    try {
      generateVectors(out);
      const files = listFiles(VECTORS);
      assert.deepEqual(listFiles(out), files);
      for (const file of files) assert.ok(fs.readFileSync(path.join(out, file)).equals(fs.readFileSync(path.join(VECTORS, file))), `${file} differs`);
    } finally {
      fs.rmSync(out, { recursive: true, force: true });
    }
  });

  it('docs/FORMAT.md shows the worked examples the code produces today', () => {
    assert.equal(documentedExamples(), workedExamples(VECTORS), 'run: npx tsx host-tools/vectors/format-examples.ts --write');
  });
});
