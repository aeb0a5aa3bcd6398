// Export from the records system: one recording as `chaincam export` makes it (the decrypted
// AVI, its sidecar with the chain proof; host-tools/export), from what the records system holds:
// the camera's chain as last committed (chains/<device>/<records>.log in the Object Lock bucket)
// and the recording's sealed segments. The chain is checked again (every link, every camera
// signature) and each segment's SHA-256 against its record before anything is decrypted. The
// agency private key is read from a file here; production keeps it in an HSM (docs/RECORDS.md).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { bytesEqual, fromHex, toHex } from '../../firmware/format/bytes.js';
import type { CryptoPort } from '../../firmware/format/crypto-port.js';
import { readChainLog } from '../../firmware/format/chain-log.js';
import { SEGMENTS_DIR, segmentFileName } from '../evidence/evidence-layout.js';
import { recordingFacts } from '../export/recording-facts.js';
import { exportRecording } from '../export/recording-export.js';
import { readAgencyKey } from '../keys/key-files.js';
import type { ChainEntry } from '../verify/verify-evidence.js';
import { checkCameraChain } from './records-chain-check.js';
import type { RecordsDb } from './records-db.js';
import type { RecordsObjectStore } from './records-objects.js';

export const chainObjectName = (deviceId: string, records: number) => `chains/${deviceId}/${String(records).padStart(10, '0')}.log`;

/** Returns the exporter the web page calls: (device, recording, outDir) → the files written. */
export function recordsExporter(db: RecordsDb, objects: RecordsObjectStore, port: CryptoPort, agencyKeyFile: string) {
  const agency = readAgencyKey(port, agencyKeyFile, true); // read now: a wrong key file stops serve, not an export
  return async (deviceId: string, recording: number, outDir: string): Promise<string[]> => {
    const camera = await db.one<{ public_key: string; label: string }>('SELECT public_key, label FROM cameras WHERE device_id = $1', [deviceId]);
    const chainRow = await db.one<{ records: number }>('SELECT records FROM chains WHERE device_id = $1', [deviceId]);
    if (!camera || !chainRow) throw new Error(`the records system holds no committed chain for camera ${deviceId}: nothing to export`);
    const chain = await objects.getLogObject(chainObjectName(deviceId, chainRow.records));
    if (!chain) throw new Error(`the bucket has no ${chainObjectName(deviceId, chainRow.records)}: run chaincam verify --records`);
    const deviceIdBytes = fromHex(deviceId);
    const publicKey = fromHex(camera.public_key);
    const checked = checkCameraChain(port, deviceIdBytes, publicKey, chain);
    const entries: ChainEntry[] = readChainLog(chain).frames.map((frame, i) => ({
      record: checked.records[i]!, body: frame.body, previousLink: i ? checked.links[i - 1]! : frame.storedLink, link: checked.links[i]!, offset: frame.offset,
    }));
    const facts = recordingFacts(entries).get(recording);
    if (!facts || !facts.segments.length) throw new Error(`camera ${deviceId}'s chain has no segment of recording ${recording}`);
    const view = fs.mkdtempSync(path.join(os.tmpdir(), 'chaincam-records-export-'));
    try {
      fs.mkdirSync(path.join(view, SEGMENTS_DIR));
      const held = await db.all<{ sealed_digest: string; segment_index: number }>('SELECT sealed_digest, segment_index FROM segments WHERE device_id = $1 AND recording = $2 AND ended_at IS NULL', [deviceId, recording]);
      for (const s of held) {
        const record = facts.segments.find((f) => f.record.segmentIndex === s.segment_index)?.record;
        if (!record || toHex(record.sealedDigest) !== s.sealed_digest) throw new Error(`segment ${s.segment_index} of recording ${recording}: the table's digest is not the chain's: run chaincam verify --records`);
        const sealed = await objects.getSegment(s.sealed_digest);
        if (!bytesEqual(port.sha256(sealed), record.sealedDigest)) throw new Error(`segment ${s.segment_index} of recording ${recording}: the bucket's bytes do not have the recorded SHA-256: run chaincam verify --records`);
        fs.writeFileSync(path.join(view, SEGMENTS_DIR, segmentFileName(recording, s.segment_index)), sealed);
      }
      const media = exportRecording({ port, agency, dir: view, outDir, entries, camera: { deviceId: deviceIdBytes, label: camera.label, publicKey }, verified: true }, facts);
      return [media, media.replace(/\.[^.]+$/, '.json')];
    } finally {
      fs.rmSync(view, { recursive: true, force: true });
    }
  };
}
