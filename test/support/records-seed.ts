// Recordings for the web page's tests, entered the way the ingest enters them: camera-pinned,
// segment-stored (a real segment record body) and chain-committed entries committed to the signed
// log on a real PostgreSQL. With an object store, each segment's sealed bytes are put in the
// Object Lock bucket under the digest its record names, so retention and hold move real locks.
import { encodeRecord } from '../../firmware/format/chain-records.js';
import { deriveDeviceId } from '../../firmware/format/chain.js';
import { deriveDockId } from '../../firmware/format/dock-proofs.js';
import { generateP256KeyPair } from '../../firmware/format/key-derivation.js';
import { toHex } from '../../firmware/format/bytes.js';
import type { RecordsDb } from '../../host-tools/records/records-db.js';
import type { RecordsEntry } from '../../host-tools/records/records-log-entries.js';
import { reviewReason } from '../../host-tools/records/records-replay.js';
import { DAY_MS } from '../../host-tools/records/records-schema.js';
import { hostPort } from './dock-harness.js';

export interface SeededRecording { deviceId: string; recording: number; label: string; digests: string[] }

export interface SegmentPut { putSegment(digestHex: string, bytes: Uint8Array, retainUntil: Date): Promise<unknown> }

/** Enrols a dock at `station` and stores `recordings` of one camera; returns what was stored. */
export async function seedCamera(db: RecordsDb, o: {
  station: string; label: string; recordings: { recording: number; start: number; ground?: number; noticeReason?: number; noticeText?: string; segments?: number }[];
  objects?: SegmentPut;
}): Promise<SeededRecording[]> {
  const dock = generateP256KeyPair(hostPort);
  const camera = generateP256KeyPair(hostPort);
  const deviceId = deriveDeviceId(hostPort, camera.publicKey);
  const now = db.now();
  const entries: RecordsEntry[] = [
    { type: 'dock-enrolled', time: now, dockPublicKey: dock.publicKey, station: o.station, by: 'records manager (seed)' },
    { type: 'camera-pinned', time: now, deviceId, publicKey: camera.publicKey, label: o.label },
  ];
  const seeded: SeededRecording[] = [];
  let sequence = 0;
  for (const r of o.recordings) {
    const digests: string[] = [];
    for (let segmentIndex = 0; segmentIndex < (r.segments ?? 2); segmentIndex++) {
      const sealed = hostPort.randomBytes(512 + segmentIndex);
      const sealedDigest = hostPort.sha256(sealed);
      digests.push(toHex(sealedDigest));
      await o.objects?.putSegment(toHex(sealedDigest), sealed, new Date(now + 30 * DAY_MS));
      const recordBody = encodeRecord({
        kind: 'segment', sequence: sequence++, time: r.start + (segmentIndex + 1) * 60_000, recording: r.recording, segmentIndex,
        startTime: r.start + segmentIndex * 60_000, endTime: r.start + (segmentIndex + 1) * 60_000, legalGround: r.ground ?? 2,
        noticeIndicators: 0b111, noticeReason: r.noticeReason ?? 0, noticeText: r.noticeText ?? '', sealedLength: sealed.length, sealedDigest,
      });
      entries.push({ type: 'segment-stored', time: now, dockId: deriveDockId(hostPort, dock.publicKey), deviceId, recordBody });
    }
    // As the ingest does: no confirmed ground or a notice failure goes to review, not out of sight.
    const why = reviewReason({ legal_ground: r.ground ?? 2, notice_reason: r.noticeReason ?? 0 });
    if (why) entries.push({ type: 'flagged-for-review', time: now, deviceId, recording: r.recording, why });
    seeded.push({ deviceId: toHex(deviceId), recording: r.recording, label: o.label, digests });
  }
  entries.push({ type: 'chain-committed', time: now, deviceId, chainLength: 4096, records: sequence + 1, headLink: hostPort.sha256(deviceId), chainDigest: hostPort.sha256(camera.publicKey) });
  await db.commit(entries);
  return seeded;
}
