// Benchmark: `chaincam verify` throughput on generated sealed footage against sha256sum
// over the same files, in the same run, on one core. Goal: verify >= 0.8 of sha256sum.
//   npx tsx bench/verify-throughput.ts [--size-mb 1024] [--segment-mb 8] [--keep DIR]
import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { deriveDeviceId } from '../firmware/format/chain.js';
import { generateP256KeyPair } from '../firmware/format/key-derivation.js';
import { NodeCryptoPort } from '../host-tools/crypto/node-crypto-port.js';
import { EvidenceSetWriter } from '../host-tools/evidence/evidence-set-writer.js';
import { SEGMENTS_DIR } from '../host-tools/evidence/evidence-layout.js';
import { verifyEvidence } from '../host-tools/verify/verify-evidence.js';

const { values } = parseArgs({
  options: {
    'size-mb': { type: 'string', default: '1024' },
    'segment-mb': { type: 'string', default: '8' },
    keep: { type: 'string' },
    runs: { type: 'string', default: '3' },
  },
});
const sizeMb = Number(values['size-mb']);
const segmentMb = Number(values['segment-mb']);
const runs = Number(values.runs);
if (!(sizeMb > 0 && segmentMb > 0 && runs > 0)) throw new Error('--size-mb, --segment-mb and --runs must be positive numbers');

const port = new NodeCryptoPort();
const dir = values.keep ? path.resolve(values.keep) : fs.mkdtempSync(path.join(os.tmpdir(), 'chaincam-bench-'));

function generate(): void {
  const agency = generateP256KeyPair(port);
  const cameraKeys = generateP256KeyPair(port);
  const camera = { ...cameraKeys, deviceId: deriveDeviceId(port, cameraKeys.publicKey), label: 'bench' };
  const writer = EvidenceSetWriter.create(dir, port, camera, agency.publicKey);
  const block = new Uint8Array(crypto.randomBytes(1 << 20));
  const segments = Math.ceil(sizeMb / segmentMb);
  const t0 = Date.UTC(2026, 0, 1);
  writer.appendEvent(t0, { type: 'recording-start', recording: 1, legalGround: 1, startMode: 1 });
  for (let i = 0; i < segments; i++) {
    const mb = Math.min(segmentMb, sizeMb - i * segmentMb);
    const chunks = function* () { for (let k = 0; k < mb; k++) yield block; };
    writer.writeSegment({ recording: 1, segmentIndex: i, startTime: t0 + i * 10_000, endTime: t0 + (i + 1) * 10_000, legalGround: 1, noticeIndicators: 7, chunks: chunks() });
    writer.appendCheckpoint(t0 + (i + 1) * 10_000);
  }
}

function best(label: string, fn: () => void): number {
  let fastest = Infinity;
  for (let i = 0; i < runs; i++) {
    const start = process.hrtime.bigint();
    fn();
    fastest = Math.min(fastest, Number(process.hrtime.bigint() - start) / 1e9);
  }
  process.stdout.write(`  ${label}: best of ${runs} ${fastest.toFixed(3)} s\n`);
  return fastest;
}

try {
  if (!values.keep || !fs.existsSync(path.join(dir, 'chain.log'))) {
    process.stdout.write(`generating ${sizeMb} MB of sealed footage in ${segmentMb} MB segments under ${dir}\n`);
    const start = Date.now();
    generate();
    process.stdout.write(`  sealed in ${((Date.now() - start) / 1000).toFixed(1)} s\n`);
  }
  const files = fs.readdirSync(path.join(dir, SEGMENTS_DIR)).map((f) => path.join(dir, SEGMENTS_DIR, f));
  const bytes = files.reduce((n, f) => n + fs.statSync(f).size, 0);
  // Warm the page cache for both contenders alike.
  spawnSync('cat', files, { stdio: ['ignore', 'ignore', 'inherit'] });
  let report;
  const verifySeconds = best('chaincam verify', () => {
    report = verifyEvidence(dir, { port }).report;
    if (!report.ok) throw new Error(`bench set does not verify: ${report.failure?.message}`);
  });
  const shaSeconds = best('sha256sum', () => {
    const result = spawnSync('sha256sum', files, { stdio: ['ignore', 'ignore', 'inherit'] });
    if (result.status !== 0) throw new Error('sha256sum failed (is coreutils installed?)');
  });
  const mbps = (s: number) => (bytes / 1e6 / s).toFixed(0);
  process.stdout.write(
    `${(bytes / 1e6).toFixed(0)} MB in ${files.length} sealed segments, ${report!.records} records\n` +
    `verify ${mbps(verifySeconds)} MB/s, sha256sum ${mbps(shaSeconds)} MB/s, ratio ${(shaSeconds / verifySeconds).toFixed(2)} (goal >= 0.80)\n`,
  );
} finally {
  if (!values.keep) fs.rmSync(dir, { recursive: true, force: true });
}
