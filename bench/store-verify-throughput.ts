// Benchmark: `chaincam verify STORE` throughput on a dock's evidence store against sha256sum over
// the same bytes (every stored object and every chain.log), in the same run, on one core.
// Goal: store verify >= 0.8 of sha256sum. The store is made by the store's own code: a camera's
// evidence set (EvidenceSetWriter), verified, each segment stored with its receipt kept whole in
// the signed log, and the chain committed, as a docking does.
//   npx tsx bench/store-verify-throughput.ts [--size-mb 512] [--segment-mb 4] [--runs 3]
import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { deriveDeviceId } from '../firmware/format/chain.js';
import { signReceipt } from '../firmware/format/dock-proofs.js';
import { deriveDockId } from '../firmware/format/dock-proofs.js';
import { generateP256KeyPair } from '../firmware/format/key-derivation.js';
import { toHex } from '../firmware/format/bytes.js';
import type { SegmentRecord } from '../firmware/format/chain-records.js';
import { NodeCryptoPort } from '../host-tools/crypto/node-crypto-port.js';
import { CHAIN_LOG_FILE, SEGMENTS_DIR, segmentFileName } from '../host-tools/evidence/evidence-layout.js';
import { EvidenceSetWriter } from '../host-tools/evidence/evidence-set-writer.js';
import { EvidenceStore } from '../host-tools/store/evidence-store.js';
import { verifyEvidence } from '../host-tools/verify/verify-evidence.js';
import { verifyStore } from '../host-tools/verify/verify-store.js';

export async function storeVerifyThroughput(options: { sizeMb?: number; segmentMb?: number; runs?: number } = {}): Promise<Record<string, number>> {
  const sizeMb = options.sizeMb ?? 512;
  const segmentMb = options.segmentMb ?? 4;
  const runs = options.runs ?? 3;
  const port = new NodeCryptoPort();
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'chaincam-store-bench-'));
  try {
    const flash = path.join(root, 'flash');
    const storeDir = path.join(root, 'store');
    const agency = generateP256KeyPair(port);
    const keys = generateP256KeyPair(port);
    const camera = { ...keys, deviceId: deriveDeviceId(port, keys.publicKey), label: 'bench' };
    const writer = EvidenceSetWriter.create(flash, port, camera, agency.publicKey);
    const block = new Uint8Array(crypto.randomBytes(1 << 20));
    const t0 = Date.UTC(2026, 0, 1);
    writer.appendEvent(t0, { type: 'recording-start', recording: 1, legalGround: 1, startMode: 1 });
    for (let i = 0; i < Math.ceil(sizeMb / segmentMb); i++) {
      const mb = Math.min(segmentMb, sizeMb - i * segmentMb);
      const chunks = function* () { for (let k = 0; k < mb; k++) yield block; };
      writer.writeSegment({ recording: 1, segmentIndex: i, startTime: t0 + i * 10_000, endTime: t0 + (i + 1) * 10_000, legalGround: 1, noticeIndicators: 7, chunks: chunks() });
      writer.appendCheckpoint(t0 + (i + 1) * 10_000);
    }
    const { report, entries } = verifyEvidence(flash, { port });
    if (!report.ok) throw new Error(`bench evidence does not verify: ${report.failure?.message}`);

    const dockKey = generateP256KeyPair(port);
    const store = EvidenceStore.open(storeDir, { dockKey, port });
    store.pinCamera(camera);
    const last = entries.at(-1)!;
    for (const { record } of entries) {
      if (record.kind !== 'segment') continue;
      const segment = record as SegmentRecord;
      store.storeSegment(toHex(camera.deviceId), segment, path.join(flash, SEGMENTS_DIR, segmentFileName(segment.recording, segment.segmentIndex)));
      const receipt = signReceipt(port, dockKey.privateKey, {
        deviceId: camera.deviceId, dockId: deriveDockId(port, dockKey.publicKey), segmentSequence: segment.sequence, sealedLength: segment.sealedLength,
        sealedDigest: segment.sealedDigest, storedTime: t0, records: last.record.sequence + 1, headLink: last.link, storeId: 0,
      });
      store.recordReceipt(receipt.fields, receipt.signature);
    }
    store.commitChain(camera, fs.readFileSync(path.join(flash, CHAIN_LOG_FILE)), port, entries);
    store.close();
    fs.rmSync(flash, { recursive: true, force: true });

    const objects = fs.readdirSync(path.join(storeDir, 'objects')).map((f) => path.join(storeDir, 'objects', f));
    const chains = [path.join(storeDir, 'cameras', toHex(camera.deviceId), 'current', CHAIN_LOG_FILE)];
    const files = [...objects, ...chains];
    const bytes = files.reduce((n, f) => n + fs.statSync(f).size, 0);
    spawnSync('cat', files, { stdio: ['ignore', 'ignore', 'inherit'] }); // warm the page cache alike
    const best = (fn: () => void) => {
      let fastest = Infinity;
      for (let i = 0; i < runs; i++) {
        const start = process.hrtime.bigint();
        fn();
        fastest = Math.min(fastest, Number(process.hrtime.bigint() - start) / 1e9);
      }
      return fastest;
    };
    const verifySeconds = best(() => {
      const result = verifyStore(storeDir, port);
      if (!result.ok) throw new Error(`bench store does not verify: ${result.failures[0]}`);
    });
    const shaSeconds = best(() => {
      const result = spawnSync('sha256sum', files, { stdio: ['ignore', 'ignore', 'inherit'] });
      if (result.status !== 0) throw new Error('sha256sum failed (is coreutils installed?)');
    });
    return {
      'stored MB': Math.round(bytes / 1e6),
      'stored segments': objects.length,
      'store verify MB/s': Math.round(bytes / 1e6 / verifySeconds),
      'sha256sum MB/s': Math.round(bytes / 1e6 / shaSeconds),
      'ratio x100 (goal >= 80)': Math.round((shaSeconds / verifySeconds) * 100),
    };
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({ options: { 'size-mb': { type: 'string', default: '512' }, 'segment-mb': { type: 'string', default: '4' }, runs: { type: 'string', default: '3' } } });
  const figures = await storeVerifyThroughput({ sizeMb: Number(values['size-mb']), segmentMb: Number(values['segment-mb']), runs: Number(values.runs) });
  for (const [what, value] of Object.entries(figures)) process.stdout.write(`  ${what.padEnd(28)} ${value.toLocaleString('en-US')}\n`);
}
