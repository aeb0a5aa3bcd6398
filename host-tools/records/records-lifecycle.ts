// The law's lifecycle of a recording in the records system (issue 17, Art. 10-7): retention
// (30 days from first storing by default, extended up to 180 with a reason and who asked), legal
// hold, and the expiry pass that ends what ran out lawfully. Each change is a signed log entry;
// the Object Lock follows it in the safe direction: a lock is extended or a hold put on BEFORE
// the entry is logged (a failure leaves the footage kept longer, never shorter), and a hold comes
// off or an object is deleted only AFTER its entry is logged.
import type { RecordsDb } from './records-db.js';
import type { RecordsObjectStore } from './records-objects.js';
import { DAY_MS, MAX_RETENTION_DAYS } from './records-schema.js';

export interface RecordingRef { deviceId: string; recording: number }

/** DEV:N, the camera's device id (32 hex digits) and the recording number. */
export function parseRecordingRef(text: string): RecordingRef {
  const match = /^([0-9a-f]{32}):(0|[1-9][0-9]{0,9})$/.exec(text);
  if (!match) throw new Error(`--recording ${text} is not DEVICEID:RECORDING (32 lowercase hex digits, a colon, the recording number)`);
  return { deviceId: match[1]!, recording: Number(match[2]) };
}

interface RecordingRow { first_stored_at: number; retain_until: number; legal_hold: boolean }

async function recordingRow(db: RecordsDb, ref: RecordingRef): Promise<RecordingRow> {
  const row = await db.one<RecordingRow>('SELECT first_stored_at, retain_until, legal_hold FROM recordings WHERE device_id = $1 AND recording = $2', [ref.deviceId, ref.recording]);
  if (!row) throw new Error(`the records system holds no recording ${ref.recording} of camera ${ref.deviceId}; nothing was changed`);
  return row;
}

const heldSegments = (db: RecordsDb, ref: RecordingRef) =>
  db.all<{ sealed_digest: string }>('SELECT sealed_digest FROM segments WHERE device_id = $1 AND recording = $2 AND ended_at IS NULL ORDER BY segment_index', [ref.deviceId, ref.recording]);

function needSaid(reason: string, by: string): void {
  if (!reason.trim()) throw new Error('--reason is required: the log keeps why; nothing was changed');
  if (!by.trim()) throw new Error('--by is required: the log keeps who asked; nothing was changed');
}

/** Extends a recording's retention to `until` (ms); returns the log entry. */
export async function extendRetention(db: RecordsDb, objects: RecordsObjectStore, ref: RecordingRef, until: number, reason: string, by: string): Promise<number> {
  needSaid(reason, by);
  const row = await recordingRow(db, ref);
  const latest = row.first_stored_at + MAX_RETENTION_DAYS * DAY_MS;
  if (until > latest) throw new Error(`retention may be extended to at most ${MAX_RETENTION_DAYS} days after the recording was first stored (${new Date(latest).toISOString()}); nothing was changed`);
  if (until <= row.retain_until) throw new Error(`recording ${ref.recording} is already kept until ${new Date(row.retain_until).toISOString()}; retention is only ever extended (compliance locks cannot be shortened); nothing was changed`);
  for (const s of await heldSegments(db, ref)) await objects.extendRetention(s.sealed_digest, new Date(until));
  const committed = await db.commit([{ type: 'retention', time: db.now(), deviceId: Buffer.from(ref.deviceId, 'hex'), recording: ref.recording, retainUntil: until, reason, by }]);
  return committed!.size - 1;
}

/** Puts a legal hold on (or takes it off) a recording's segments; returns the log entry. */
export async function setLegalHold(db: RecordsDb, objects: RecordsObjectStore, ref: RecordingRef, on: boolean, reason: string, by: string): Promise<number> {
  needSaid(reason, by);
  const row = await recordingRow(db, ref);
  if (row.legal_hold === on) throw new Error(`recording ${ref.recording} of camera ${ref.deviceId} is already ${on ? 'under' : 'not under'} legal hold; nothing was changed`);
  if (on) for (const s of await heldSegments(db, ref)) await objects.setLegalHold(s.sealed_digest, true);
  const committed = await db.commit([{ type: 'legal-hold', time: db.now(), deviceId: Buffer.from(ref.deviceId, 'hex'), recording: ref.recording, on, reason, by }]);
  if (!on) for (const s of await heldSegments(db, ref)) await objects.setLegalHold(s.sealed_digest, false);
  return committed!.size - 1;
}

export interface EndedSegment { deviceId: string; recording: number; segmentIndex: number; sealedDigest: string; rule: string }

/** A held segment whose recording's retention has run out at the pass's time, with no legal hold. */
export interface DueSegment { sealed_digest: string; device_id: string; recording: number; segment_index: number; first_stored_at: number; retain_until: number }

/**
 * What an expiry pass at `now` must end: the held segments of recordings whose retention ran out
 * and that no legal hold keeps, oldest retention first. Reads only (the bench times it alone).
 * It starts from the recordings that still hold segments (the segments_held index: about the
 * retention window's), looks each one's retention up by its key, and reads the segments of the
 * due ones only, rather than reading every recording whose retention ever ran out, which grows
 * with every year kept (bench/records-scale.ts). The OFFSET 0 fences keep each lateral lookup a
 * lookup: flattened, the planner hashes the whole recordings table or sorts every held segment.
 */
export const DUE_SEGMENTS_SQL = `SELECT s.sealed_digest, h.device_id, h.recording, s.segment_index, r.first_stored_at, r.retain_until
   FROM (SELECT DISTINCT device_id, recording FROM segments WHERE ended_at IS NULL) h
   CROSS JOIN LATERAL (SELECT first_stored_at, retain_until FROM recordings
     WHERE device_id = h.device_id AND recording = h.recording AND retain_until <= $1 AND NOT legal_hold OFFSET 0) r
   CROSS JOIN LATERAL (SELECT sealed_digest, segment_index FROM segments
     WHERE device_id = h.device_id AND recording = h.recording AND ended_at IS NULL OFFSET 0) s
   ORDER BY r.retain_until, h.device_id, h.recording, s.segment_index`;
export const dueSegments = (db: RecordsDb, now: number) => db.all<DueSegment>(DUE_SEGMENTS_SQL, [now]);

/** Logs a due segment's end (segment-ended, naming the rule) at `now`: the database's part of ending it. */
export async function logSegmentEnded(db: RecordsDb, s: DueSegment, now: number): Promise<EndedSegment> {
  const days = Math.round((s.retain_until - s.first_stored_at) / DAY_MS);
  const rule = `retention: recording ${s.recording} of camera ${s.device_id} kept ${days} days after it was first stored, until ${new Date(s.retain_until).toISOString()}, with no legal hold (Art. 10-7)`;
  await db.commit([{ type: 'segment-ended', time: now, sealedDigest: Buffer.from(s.sealed_digest, 'hex'), rule }]);
  return { deviceId: s.device_id, recording: s.recording, segmentIndex: s.segment_index, sealedDigest: s.sealed_digest, rule };
}

/**
 * Ends every segment whose recording's retention ran out and that no legal hold keeps: the
 * object's own lock must have run out too (the bucket is asked, not the table), the segment-ended
 * entry names the rule, and only then is the object's version deleted. A segment whose lock still
 * runs is left for a later pass and reported.
 */
export async function expireRecordings(db: RecordsDb, objects: RecordsObjectStore, log: (line: string) => void = () => undefined): Promise<{ ended: EndedSegment[]; waiting: number }> {
  const now = db.now();
  const due = await dueSegments(db, now);
  const ended: EndedSegment[] = [];
  let waiting = 0;
  for (const s of due) {
    const head = await objects.headSegment(s.sealed_digest);
    if (head?.legalHold || (head?.retainUntil && head.retainUntil.getTime() > Date.now())) {
      log(`segment ${s.sealed_digest} (recording ${s.recording} of camera ${s.device_id}): its object lock runs until ${head.retainUntil?.toISOString()}${head.legalHold ? ' with a legal hold on' : ''}; left for a later pass`);
      waiting++;
      continue;
    }
    const end = await logSegmentEnded(db, s, now);
    if (head) await objects.deleteSegment(s.sealed_digest);
    ended.push(end);
  }
  return { ended, waiting };
}
