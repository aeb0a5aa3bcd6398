// `chaincam export STORE`: footage from a dock's evidence store. The whole store is verified
// first (read-only, verify-store.ts, with the same pinning as verify), then each camera's
// verified chain (cameras/<id>/current) and its sealed segments by digest (objects/) are laid
// out in a temporary view as the camera did, so the one export path (export-evidence.ts:
// verify, then decrypt) serves both. Nothing is written into the store: the export's audit
// line goes to export-audit.jsonl in the output folder.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SEGMENTS_DIR, segmentFileName } from '../evidence/evidence-layout.js';
import { EvidenceStore } from '../store/evidence-store.js';
import { verifyStore, type StoreVerifyOptions } from '../verify/verify-store.js';
import { exportEvidence, type ExportOptions, type ExportResult } from './export-evidence.js';

export interface StoreExportOptions extends ExportOptions, StoreVerifyOptions {
  /** Only this camera (device id hex); every camera in the store otherwise. */
  deviceId?: string;
  /** Only this recording's files are kept in the output. */
  recording?: number;
}

export function exportStore(storeDir: string, options: StoreExportOptions): ExportResult & { cameras: string[] } {
  storeDir = path.resolve(storeDir);
  const checked = verifyStore(storeDir, options.port, options);
  if (!checked.ok && !options.force) {
    throw new Error(`the evidence store ${storeDir} does not verify, nothing exported (chaincam verify ${storeDir} names every fault; --force exports what still authenticates): ${checked.failures[0]}`);
  }
  const store = EvidenceStore.open(storeDir, { readOnly: true });
  const result: ExportResult & { cameras: string[] } = { verified: checked.ok, exported: [], skipped: [], cameras: [] };
  try {
    const cameras = store.cameras().filter((c) => !options.deviceId || c.deviceId === options.deviceId);
    if (!cameras.length) throw new Error(`${storeDir} holds ${options.deviceId ? `no camera ${options.deviceId}` : 'no camera yet'}: dock a camera first`);
    for (const camera of cameras) {
      const current = store.cameraDir(camera.deviceId);
      if (!current) continue;
      const view = fs.mkdtempSync(path.join(os.tmpdir(), 'chaincam-export-view-'));
      try {
        for (const name of fs.readdirSync(current)) if (fs.statSync(path.join(current, name)).isFile()) fs.symlinkSync(path.join(current, name), path.join(view, name));
        fs.mkdirSync(path.join(view, SEGMENTS_DIR));
        for (const segment of store.segments(camera.deviceId)) {
          if (options.recording !== undefined && segment.recording !== options.recording) continue;
          fs.symlinkSync(store.objectPath(segment.sealedDigest), path.join(view, SEGMENTS_DIR, segmentFileName(segment.recording, segment.segmentIndex)));
        }
        const outDir = path.join(options.outDir, camera.deviceId);
        const one = exportEvidence(view, { ...options, outDir, recording: options.recording });
        result.verified &&= one.verified;
        result.exported.push(...one.exported);
        // Segments of other recordings were left out of the view on purpose.
        result.skipped.push(...one.skipped.filter(() => options.recording === undefined));
        result.cameras.push(camera.deviceId);
        fs.appendFileSync(path.join(options.outDir, 'export-audit.jsonl'), `${JSON.stringify({
          at: new Date().toISOString(), action: 'export', store: storeDir, deviceId: camera.deviceId, recording: options.recording ?? null,
          files: one.exported.length, to: path.resolve(outDir), storeVerified: checked.ok, logEntries: checked.logEntries,
        })}\n`);
      } finally {
        fs.rmSync(view, { recursive: true, force: true });
      }
    }
  } finally {
    store.close();
  }
  return result;
}
