// `chaincam verify STORE` on a dock's evidence store: every camera's verified copy is checked
// as a camera's storage is (verify-evidence.ts) with the key the store pinned, and every stored
// segment file must still hash to its digest. The run is appended to the store's audit trail.
import fs from 'node:fs';
import { toHex } from '../../firmware/format/bytes.js';
import type { CryptoPort } from '../../firmware/format/crypto-port.js';
import { EvidenceStore, isEvidenceStore } from '../store/evidence-store.js';
import { hashFile } from './sealed-file-hash.js';
import { verifyEvidence, type VerifyReport } from './verify-evidence.js';
import { formatVerifyReport } from './verify-report.js';

export { isEvidenceStore };

export interface StoreVerifyReport {
  ok: boolean;
  store: string;
  cameras: VerifyReport[];
  segments: number;
  /** Segments stored in the database but not yet named by the camera's committed chain. */
  pending: number;
  failures: string[];
}

export function verifyStore(dir: string, port: CryptoPort): StoreVerifyReport {
  const store = EvidenceStore.open(dir, { readOnly: true });
  const report: StoreVerifyReport = { ok: false, store: dir, cameras: [], segments: 0, pending: 0, failures: [] };
  try {
    const committed = new Set<string>();
    for (const camera of store.cameras()) {
      const cameraDir = store.cameraDir(camera.deviceId);
      if (!cameraDir) continue;
      const { report: r, entries } = verifyEvidence(cameraDir, { port });
      report.cameras.push(r);
      if (!r.ok) report.failures.push(`camera ${camera.deviceId}: ${r.failure?.message}`);
      else if (r.deviceId !== camera.deviceId || toHex(readPublicKey(cameraDir)) !== toHex(camera.publicKey)) {
        report.failures.push(`camera ${camera.deviceId}: its copy names another camera key than the store pinned`);
      }
      for (const e of entries) if (e.record.kind === 'segment') committed.add(toHex(e.record.sealedDigest));
    }
    for (const segment of store.segments()) {
      report.segments++;
      if (!committed.has(segment.sealedDigest)) report.pending++;
      const file = store.objectPath(segment.sealedDigest);
      if (!fs.existsSync(file)) {
        report.failures.push(`segment ${segment.recording}/${segment.segmentIndex} of camera ${segment.deviceId}: ${file} is missing`);
        continue;
      }
      const hashed = hashFile(file, 0);
      if (hashed.size !== segment.sealedLength || toHex(hashed.digest) !== segment.sealedDigest) {
        report.failures.push(`segment ${segment.recording}/${segment.segmentIndex} of camera ${segment.deviceId}: ${file} no longer matches its SHA-256; the stored footage was altered`);
      }
    }
    report.ok = report.failures.length === 0;
  } finally {
    store.close();
  }
  // The audit trail records every verification; a read-only store is verified all the same.
  try {
    const writable = EvidenceStore.open(dir);
    writable.audit('verify', null, null, { ok: report.ok, cameras: report.cameras.length, segments: report.segments, failures: report.failures.slice(0, 5) });
    writable.close();
  } catch {
    // Not writable: the report still stands.
  }
  return report;
}

function readPublicKey(cameraDir: string): Uint8Array {
  const doc = JSON.parse(fs.readFileSync(`${cameraDir}/camera.pub`, 'utf8')) as { publicKey: string };
  return Uint8Array.from(Buffer.from(doc.publicKey, 'hex'));
}

export function formatStoreReport(report: StoreVerifyReport): string {
  const lines = [`evidence store ${report.store}: ${report.cameras.length} cameras, ${report.segments} stored segments (${report.pending} awaiting their camera's next chain)`];
  for (const camera of report.cameras) lines.push(formatVerifyReport(camera).trimEnd().replace(/^/gm, '  '));
  for (const failure of report.failures) lines.push(`FAILED: ${failure}`);
  lines.push(report.ok ? 'VERIFIED: every camera chain, signature and stored segment checks out' : 'FAILED: the store does not verify');
  return `${lines.join('\n')}\n`;
}
