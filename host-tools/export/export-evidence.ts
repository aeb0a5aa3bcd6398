// Export: decrypt verified footage for playback with JSON sidecars holding its metadata and a
// chain proof, so the files can be checked later against the camera key alone. By default one
// file per recording (recording-export.ts); with `segments`, one file per sealed segment.
import fs from 'node:fs';
import path from 'node:path';
import type { CryptoPort } from '../../firmware/format/crypto-port.js';
import { toHex } from '../../firmware/format/bytes.js';
import { decodeRecord, type SegmentRecord } from '../../firmware/format/chain-records.js';
import { readChainLog } from '../../firmware/format/chain-log.js';
import { LEGAL_GROUNDS, MEDIA_TYPES } from '../../firmware/format/record-codes.js';
import { CHAIN_LOG_FILE, SEGMENTS_DIR, segmentFileName } from '../evidence/evidence-layout.js';
import { readAgencyKey } from '../keys/key-files.js';
import { verifyEvidence, type ChainEntry } from '../verify/verify-evidence.js';
import { describeNotice } from '../verify/recording-tally.js';
import { decryptSegmentFile } from './segment-decryption.js';
import { chainProof, recordingFacts } from './recording-facts.js';
import { exportRecording } from './recording-export.js';

export interface ExportOptions {
  port: CryptoPort;
  agencyKeyFile: string;
  outDir: string;
  cameraFile?: string;
  /** Export what authenticates even though the set does not verify. */
  force?: boolean;
  /** One file per sealed segment instead of one per recording. */
  segments?: boolean;
  /** Only this recording. */
  recording?: number;
}

export interface ExportResult {
  verified: boolean;
  exported: string[];
  skipped: { file: string; reason: string }[];
}

export function exportEvidence(dir: string, options: ExportOptions): ExportResult {
  const { port } = options;
  const agency = readAgencyKey(port, options.agencyKeyFile, true);
  const { report, entries, camera } = verifyEvidence(dir, { port, cameraFile: options.cameraFile });
  if (!report.ok && !options.force) {
    throw new Error(`${dir} does not verify: ${report.failure?.message}. Export refuses unverified evidence; run \`chaincam verify\` for the report, or pass --force to export only the segments that still authenticate.`);
  }
  if (!camera) throw new Error(`${dir}: no usable camera identity, nothing can be exported`);
  fs.mkdirSync(options.outDir, { recursive: true });
  const result: ExportResult = { verified: report.ok, exported: [], skipped: [] };
  const wanted = (recording: number): boolean => options.recording === undefined || recording === options.recording;
  let perSegment = segmentRecords(dir, entries, report.ok).filter(({ record }) => wanted(record.recording));
  if (!options.segments) {
    const context = { port, agency, dir, outDir: options.outDir, entries, camera, verified: report.ok };
    for (const facts of recordingFacts(entries).values()) {
      if (!wanted(facts.recording) || !facts.segments.length) continue;
      try {
        result.exported.push(exportRecording(context, facts));
      } catch (error) {
        if (!options.force) throw error;
        result.skipped.push({ file: `recording ${facts.recording}`, reason: (error as Error).message });
      }
    }
    // With --force, segments past the chain's first failure carry no proof: exported one by one.
    perSegment = perSegment.filter(({ entry }) => entry === undefined);
  }
  for (const { record, entry } of perSegment) {
    const base = segmentFileName(record.recording, record.segmentIndex).replace(/\.seg$/, '');
    const sealedFile = path.join(dir, SEGMENTS_DIR, `${base}.seg`);
    if (!fs.existsSync(sealedFile)) {
      result.skipped.push({ file: sealedFile, reason: 'not on this storage (released to the dock)' });
      continue;
    }
    const at = entry ? entries.indexOf(entry) : -1;
    const end = at >= 0 ? entries.findIndex((e, i) => i > at && e.record.kind === 'checkpoint') : -1;
    const proof = at >= 0 && end >= 0 ? chainProof(entries, at, end) : undefined;
    try {
      const decrypted = decryptSegmentFile(port, agency, sealedFile, path.join(options.outDir, base));
      const finalMedia = decrypted.file;
      const sidecar = {
        format: 'chaincam-export/v1',
        verified: report.ok,
        recordVerified: entry !== undefined && proof !== undefined,
        deviceId: toHex(camera.deviceId),
        cameraLabel: camera.label,
        cameraPublicKey: toHex(camera.publicKey),
        recording: record.recording,
        segmentIndex: record.segmentIndex,
        startTime: new Date(record.startTime).toISOString(),
        endTime: new Date(record.endTime).toISOString(),
        legalGround: record.legalGround,
        legalGroundText: LEGAL_GROUNDS[record.legalGround],
        notice: describeNotice(record.noticeIndicators, record.noticeReason, record.noticeText),
        mediaType: MEDIA_TYPES[decrypted.header.mediaType]?.name,
        mediaFile: path.basename(finalMedia),
        plaintextLength: decrypted.plaintextLength,
        plaintextSha256: toHex(decrypted.plaintextSha256),
        sealedFile: `${SEGMENTS_DIR}/${base}.seg`,
        sealedLength: record.sealedLength,
        sealedDigest: toHex(record.sealedDigest),
        chainProof: proof ?? null,
      };
      fs.writeFileSync(path.join(options.outDir, `${base}.json`), `${JSON.stringify(sidecar, null, 2)}\n`, { flag: 'wx' });
      result.exported.push(finalMedia);
    } catch (error) {
      if (!options.force) throw new Error(`${sealedFile}: ${(error as Error).message}`);
      result.skipped.push({ file: sealedFile, reason: (error as Error).message });
    }
  }
  return result;
}

/**
 * The segment records to export: the verified ones, and with --force also those after the
 * first failure that still decode (they carry no proof and recordVerified: false).
 */
function segmentRecords(dir: string, verified: ChainEntry[], ok: boolean): { record: SegmentRecord; entry?: ChainEntry }[] {
  const out: { record: SegmentRecord; entry?: ChainEntry }[] = [];
  for (const entry of verified) if (entry.record.kind === 'segment') out.push({ record: entry.record, entry });
  if (ok) return out;
  const seen = new Set(out.map((o) => `${o.record.recording}/${o.record.segmentIndex}`));
  const { frames } = readChainLog(fs.readFileSync(path.join(dir, CHAIN_LOG_FILE)));
  for (const frame of frames.slice(verified.length)) {
    try {
      const record = decodeRecord(frame.body);
      const key = `${record.kind === 'segment' ? record.recording : ''}/${record.kind === 'segment' ? record.segmentIndex : ''}`;
      if (record.kind === 'segment' && !seen.has(key)) {
        seen.add(key);
        out.push({ record });
      }
    } catch { /* undecodable: nothing to export from it */ }
  }
  return out;
}
