// Regenerates test/vectors: `npx tsx host-tools/vectors/generate-vectors.ts [OUT_DIR]`.
// Output is byte-for-byte reproducible (seeded randomness, deterministic ECDSA nonces), so
// a diff in the committed vectors means the format changed.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { SeededCryptoPort } from '../crypto/seeded-crypto-port.js';
import { NodeCryptoPort } from '../crypto/node-crypto-port.js';
import { agencyKeyDocument, cameraDocument } from '../keys/key-files.js';
import { verifyEvidence } from '../verify/verify-evidence.js';
import { sampleKeys, writeSampleEvidence } from './sample-evidence.js';
import { VECTOR_CASES, type ExpectedOutcome } from './vector-catalog.js';

export const VECTOR_SEED = 'chaincam vectors v1';
const FOREIGN_SEED = 'chaincam vectors v1, another camera';

export interface VectorManifestEntry {
  name: string;
  description: string;
  dir: string;
  expect: ExpectedOutcome;
}

export function generateVectors(outDir: string): VectorManifestEntry[] {
  const port = new SeededCryptoPort(`${VECTOR_SEED}/tampering`);
  const keys = sampleKeys(VECTOR_SEED);
  fs.rmSync(outDir, { recursive: true, force: true });
  fs.mkdirSync(path.join(outDir, 'keys'), { recursive: true });
  const write = (name: string, doc: object) => fs.writeFileSync(path.join(outDir, 'keys', name), `${JSON.stringify(doc, null, 2)}\n`);
  const agency = keys.agency;
  write('agency.key', { comment: 'TEST VECTORS ONLY: published private key', ...agencyKeyDocument(port, agency, true) });
  write('agency.pub', agencyKeyDocument(port, agency, false));
  write('camera.key', { comment: 'TEST VECTORS ONLY: published private key', ...cameraDocument(keys.camera, true) });
  write('camera.pub', cameraDocument(keys.camera, false));

  const foreignDir = fs.mkdtempSync(path.join(os.tmpdir(), 'chaincam-foreign-'));
  try {
    fs.rmSync(foreignDir, { recursive: true });
    writeSampleEvidence(foreignDir, FOREIGN_SEED);
    const manifest: VectorManifestEntry[] = [];
    for (const vector of VECTOR_CASES) {
      const dir = path.join(outDir, vector.name);
      writeSampleEvidence(dir, VECTOR_SEED, keys);
      vector.tamper(dir, { port, keys, foreignDir });
      manifest.push({ name: vector.name, description: vector.description, dir: vector.name, expect: vector.expect });
    }
    fs.writeFileSync(path.join(outDir, 'manifest.json'), `${JSON.stringify({
      format: 'chaincam-vectors/v1',
      regenerate: 'npx tsx host-tools/vectors/generate-vectors.ts test/vectors',
      keys: 'keys/ (agency.key decrypts every vector; camera.pub pins the camera)',
      vectors: manifest,
    }, null, 2)}\n`);
    return manifest;
  } finally {
    fs.rmSync(foreignDir, { recursive: true, force: true });
  }
}

/** Checks one vector against its expected outcome; returns what differs, or undefined. */
export function checkVector(vectorsDir: string, entry: VectorManifestEntry): string | undefined {
  const { report } = verifyEvidence(path.join(vectorsDir, entry.dir), { port: new NodeCryptoPort(), cameraFile: path.join(vectorsDir, 'keys', 'camera.pub') });
  const want = entry.expect;
  if (report.ok !== want.ok) return `expected ok=${want.ok}, got ok=${report.ok} (${report.failure?.message ?? 'no failure'})`;
  if (want.ok) return undefined;
  const failure = report.failure!;
  if (want.record !== undefined && failure.record !== want.record) return `expected record #${want.record}, got #${failure.record}: ${failure.message}`;
  if (want.file !== undefined && failure.file !== want.file) return `expected file ${want.file}, got ${failure.file}: ${failure.message}`;
  if (want.message !== undefined && !failure.message.includes(want.message)) return `expected message with "${want.message}", got: ${failure.message}`;
  return undefined;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const out = path.resolve(process.argv[2] ?? 'test/vectors');
  const manifest = generateVectors(out);
  let bad = 0;
  for (const entry of manifest) {
    const problem = checkVector(out, entry);
    process.stdout.write(`${problem ? 'MISMATCH' : 'ok      '} ${entry.name}${problem ? `: ${problem}` : ''}\n`);
    if (problem) bad++;
  }
  process.exitCode = bad ? 1 : 0;
}
