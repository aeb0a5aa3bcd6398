// What the web page reads from the records tables: the filtered, paginated listing, one
// recording with its segments, chain and history, and the access log. Reads only: every change
// goes through the signed log (records-db.ts commit).
import { decodeRecordsEntry, type RecordsEntry } from './records-log-entries.js';
import type { RecordsDb } from './records-db.js';
import { DAY_MS } from './records-schema.js';

export const PAGE_SIZE = 50;
const MAX_CAMERA_IDS = 1000;

export interface RecordingFilters {
  camera?: string;
  station?: string;
  from?: string;
  to?: string;
  ground?: number;
  notice?: 'given' | 'not-given';
  review?: 'yes' | 'no';
  /** Keyset cursor: the listing continues after this row (pages stay fast however deep). */
  after?: { startTime: number; deviceId: string; recording: number };
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** Reads the filters from a query string; throws saying which one is wrong (nothing is searched). */
export function parseFilters(query: URLSearchParams): RecordingFilters {
  const text = (name: string) => {
    const value = (query.get(name) ?? '').trim();
    if (value.length > 100) throw new Error(`the ${name} filter is longer than 100 characters`);
    return value || undefined;
  };
  const filters: RecordingFilters = { camera: text('camera'), station: text('station') };
  for (const name of ['from', 'to'] as const) {
    const value = text(name);
    if (value !== undefined && (!DATE.test(value) || Number.isNaN(Date.parse(`${value}T00:00:00Z`)))) throw new Error(`the ${name} date "${value}" is not a date as YYYY-MM-DD`);
    filters[name] = value;
  }
  const ground = text('ground');
  if (ground !== undefined) {
    if (!/^\d$/.test(ground)) throw new Error(`the ground filter "${ground}" is not a legal ground code 0-9`);
    filters.ground = Number(ground);
  }
  const notice = text('notice');
  if (notice !== undefined && notice !== 'given' && notice !== 'not-given') throw new Error('the notice filter is "given" or "not-given"');
  filters.notice = notice as RecordingFilters['notice'];
  const review = text('review');
  if (review !== undefined && review !== 'yes' && review !== 'no') throw new Error('the review filter is "yes" or "no"');
  filters.review = review as RecordingFilters['review'];
  const after = text('after');
  if (after !== undefined) {
    const match = /^(0|[1-9]\d{0,15})\.([0-9a-f]{32})\.(0|[1-9]\d{0,9})$/.exec(after);
    if (!match) throw new Error(`after "${after}" is not a listing position (START.DEVICEID.RECORDING, as the next link gives)`);
    filters.after = { startTime: Number(match[1]), deviceId: match[2]!, recording: Number(match[3]) };
  }
  return filters;
}

/** The filters as a query string, in a fixed order (also the search's target in the access log). */
export function filterQuery(filters: RecordingFilters, after: RecordingFilters['after'] | null = filters.after): string {
  const query = new URLSearchParams();
  for (const name of ['camera', 'station', 'from', 'to', 'ground', 'notice', 'review'] as const) {
    const value = filters[name];
    if (value !== undefined) query.set(name, String(value));
  }
  if (after) query.set('after', `${after.startTime}.${after.deviceId}.${after.recording}`);
  return query.toString();
}

export interface RecordingRow {
  device_id: string; recording: number; label: string; station: string; station_name: string;
  legal_ground: number; notice_indicators: number; notice_reason: number; notice_text: string;
  start_time: number; end_time: number; first_stored_at: number; retain_until: number; legal_hold: boolean;
  review: boolean; review_why: string | null; segments: number;
}

const RECORDING_COLUMNS = `r.device_id, r.recording, c.label, r.station, s.station AS station_name, r.legal_ground, r.notice_indicators,
  r.notice_reason, r.notice_text, r.start_time, r.end_time, r.first_stored_at, r.retain_until, r.legal_hold, r.review, r.review_why,
  (SELECT count(*) FROM segments g WHERE g.device_id = r.device_id AND g.recording = r.recording)::int AS segments`;

export async function listRecordings(db: RecordsDb, f: RecordingFilters): Promise<{ rows: RecordingRow[]; more: boolean }> {
  const where: string[] = [];
  const args: unknown[] = [];
  const arg = (value: unknown) => `$${args.push(value)}`;
  // Camera and station are resolved to ids first (small tables), so the recordings are then read
  // through their (device, recording) and (station, start) indexes, not scanned for a label.
  if (f.camera) {
    const match = [f.camera.toLowerCase(), `%${f.camera.replace(/[\\%_]/g, (c) => `\\${c}`)}%`];
    const ids = (await db.all<{ device_id: string }>(`SELECT device_id FROM cameras WHERE device_id = $1 OR label ILIKE $2 LIMIT ${MAX_CAMERA_IDS + 1}`, match)).map((r) => r.device_id);
    // A filter as broad as a fleet's label prefix matches too many cameras for a list: as a join then.
    where.push(ids.length <= MAX_CAMERA_IDS ? `r.device_id = ANY(${arg(ids)})`
      : `r.device_id IN (SELECT device_id FROM cameras WHERE device_id = ${arg(match[0])} OR label ILIKE ${arg(match[1])})`);
  }
  if (f.station) {
    const ids = (await db.all<{ dock_id: string }>('SELECT dock_id FROM stations WHERE dock_id = $1 OR station ILIKE $2',
      [f.station.toLowerCase(), `%${f.station.replace(/[\\%_]/g, (c) => `\\${c}`)}%`])).map((r) => r.dock_id);
    where.push(`r.station = ANY(${arg(ids)})`);
  }
  if (f.from) where.push(`r.start_time >= ${arg(Date.parse(`${f.from}T00:00:00Z`))}`);
  if (f.to) where.push(`r.start_time < ${arg(Date.parse(`${f.to}T00:00:00Z`) + DAY_MS)}`);
  if (f.ground !== undefined) where.push(`r.legal_ground = ${arg(f.ground)}`);
  if (f.notice) where.push(f.notice === 'given' ? 'r.notice_reason = 0' : 'r.notice_reason <> 0');
  if (f.review) where.push(f.review === 'yes' ? 'r.review' : 'NOT r.review');
  if (f.after) where.push(`(r.start_time, r.device_id, r.recording) < (${arg(f.after.startTime)}, ${arg(f.after.deviceId)}, ${arg(f.after.recording)})`);
  const rows = await db.all<RecordingRow>(`SELECT ${RECORDING_COLUMNS} FROM recordings r JOIN cameras c ON c.device_id = r.device_id
    JOIN stations s ON s.dock_id = r.station ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
    ORDER BY r.start_time DESC, r.device_id DESC, r.recording DESC LIMIT ${PAGE_SIZE + 1}`, args);
  return { rows: rows.slice(0, PAGE_SIZE), more: rows.length > PAGE_SIZE };
}

export async function recording(db: RecordsDb, deviceId: string, n: number): Promise<RecordingRow | undefined> {
  return db.one<RecordingRow>(`SELECT ${RECORDING_COLUMNS} FROM recordings r JOIN cameras c ON c.device_id = r.device_id
    JOIN stations s ON s.dock_id = r.station WHERE r.device_id = $1 AND r.recording = $2`, [deviceId, n]);
}

export interface SegmentRow { sealed_digest: string; segment_index: number; record_sequence: number; sealed_length: number; dock_id: string; stored_entry: number; stored_at: number; ended_at: number | null; end_rule: string | null }

export const segmentsOf = (db: RecordsDb, deviceId: string, n: number) => db.all<SegmentRow>(
  `SELECT sealed_digest, segment_index, record_sequence, sealed_length, dock_id, stored_entry, stored_at, ended_at, end_rule
   FROM segments WHERE device_id = $1 AND recording = $2 ORDER BY segment_index`, [deviceId, n]);

export interface ChainRow { chain_length: number; records: number; head_link: string; chain_digest: string; committed_at: number }
export const chainOf = (db: RecordsDb, deviceId: string) => db.one<ChainRow>('SELECT chain_length, records, head_link, chain_digest, committed_at FROM chains WHERE device_id = $1', [deviceId]);

export interface AccessRow { log_entry: number; person: string; action: string; target: string; reason: string; at: number }
export const accessTo = (db: RecordsDb, target: string) => db.all<AccessRow>('SELECT log_entry, person, action, target, reason, at FROM access WHERE target = $1 ORDER BY log_entry', [target]);

/** The access log, newest first, from before entry `before` (a keyset cursor, as the listing's). */
export async function accessLog(db: RecordsDb, person: string | undefined, before: number | undefined): Promise<{ rows: AccessRow[]; more: boolean }> {
  const where: string[] = [];
  const args: unknown[] = [];
  if (person) where.push(`person = $${args.push(person)}`);
  if (before !== undefined) where.push(`log_entry < $${args.push(before)}`);
  const rows = await db.all<AccessRow>(`SELECT log_entry, person, action, target, reason, at FROM access ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
    ORDER BY log_entry DESC LIMIT ${PAGE_SIZE + 1}`, args);
  return { rows: rows.slice(0, PAGE_SIZE), more: rows.length > PAGE_SIZE };
}

export const latestCheckpoint = (db: RecordsDb) => db.one<{ size: number; checkpoint: string }>('SELECT size, checkpoint FROM records_checkpoints ORDER BY size DESC LIMIT 1');

export type LifecycleEntry = Extract<RecordsEntry, { type: 'retention' | 'legal-hold' | 'flagged-for-review' | 'segment-ended' }> & { index: number };

/**
 * A recording's retention, legal-hold, review and end history, read from the signed log itself
 * (the tables keep only the current state), through the partial indexes records-people.ts makes
 * over those rare entry types: the entries' own bytes, decoded here, are what is shown.
 */
export async function lifecycleOf(db: RecordsDb, deviceId: string, n: number, digests: ReadonlySet<string>): Promise<LifecycleEntry[]> {
  const rows = await db.all<{ seq: number; entry: Buffer }>(`
    SELECT seq, entry FROM records_log WHERE get_byte(entry, 0) IN (6, 7, 9) AND substring(entry from 10 for 16) = $1
    UNION ALL
    SELECT seq, entry FROM records_log WHERE get_byte(entry, 0) = 8 AND substring(entry from 10 for 32) = ANY($2::bytea[])
    ORDER BY seq`, [Buffer.from(deviceId, 'hex'), [...digests].map((d) => Buffer.from(d, 'hex'))]);
  const found: LifecycleEntry[] = [];
  for (const { seq, entry: bytes } of rows) {
    const entry = decodeRecordsEntry(new Uint8Array(bytes));
    if (entry.type === 'segment-ended' || ((entry.type === 'retention' || entry.type === 'legal-hold' || entry.type === 'flagged-for-review') && entry.recording === n)) {
      found.push({ ...entry, index: seq });
    }
  }
  return found;
}
