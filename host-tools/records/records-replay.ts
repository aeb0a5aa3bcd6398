// What each records log entry does to the tables (docs/RECORDS.md section 3.2). The records
// server writes rows only through this (into PostgreSQL, inside the transaction that appends the
// entry), and `verify --records` replays the same entries into memory and compares: the tables
// are a replay of the log. An entry that makes no sense where it stands throws, naming why.
import { bytesEqual, toHex } from '../../firmware/format/bytes.js';
import { decodeRecord, type SegmentRecord } from '../../firmware/format/chain-records.js';
import type { CryptoPort } from '../../firmware/format/crypto-port.js';
import { deriveDeviceId } from '../../firmware/format/chain.js';
import { deriveDockId } from '../../firmware/format/dock-proofs.js';
import type { RecordsEntry } from './records-log-entries.js';
import { DAY_MS, DEFAULT_RETENTION_DAYS, MAX_RETENTION_DAYS, tableShape, type Row } from './records-schema.js';

/** Row access by primary key; PostgreSQL (records-db.ts) and memory (verify) implement it. */
export interface Tables {
  get(table: string, key: readonly (string | number)[]): Promise<Row | undefined>;
  insert(table: string, row: Row): Promise<void>;
  update(table: string, key: readonly (string | number)[], changes: Row): Promise<void>;
}

export function segmentOfEntry(entry: Extract<RecordsEntry, { type: 'segment-stored' }>): SegmentRecord {
  const record = decodeRecord(entry.recordBody);
  if (record.kind !== 'segment') throw new Error(`a segment-stored entry must hold a segment record, not a ${record.kind}`);
  return record;
}

/** Why a recording goes to review (issue 17: flagged, not hidden), or undefined. */
export function reviewReason(recording: { legal_ground: number; notice_reason: number }): string | undefined {
  if (recording.legal_ground === 0) return 'no confirmed legal ground (emergency start never confirmed)';
  if (recording.notice_reason !== 0) return `notice not given (notice reason ${recording.notice_reason})`;
  return undefined;
}

export async function applyRecordsEntry(t: Tables, port: CryptoPort, entry: RecordsEntry, index: number): Promise<void> {
  const state = await t.get('records_state', [1]);
  if (index === 0) {
    if (entry.type !== 'records-opened') throw new Error('the first entry must be records-opened (the key that signs the log)');
    await t.insert('records_state', { id: 1, records_public_key: toHex(entry.recordsPublicKey), entries: 0 });
  } else if (!state || state.entries !== index) {
    throw new Error(`entry #${index} applied out of order (the tables hold ${state?.entries ?? 0} entries)`);
  }
  const camera = async (id: Uint8Array) => {
    const row = await t.get('cameras', [toHex(id)]);
    if (!row) throw new Error(`names camera ${toHex(id)}, which no earlier camera-pinned entry pinned`);
    return row;
  };
  const recording = async (deviceId: Uint8Array, n: number) => {
    const row = await t.get('recordings', [toHex(deviceId), n]);
    if (!row) throw new Error(`names recording ${n} of camera ${toHex(deviceId)}, which no segment-stored entry stored`);
    return row;
  };
  const said = (value: string, what: string) => {
    if (!value.trim()) throw new Error(`has an empty ${what}`);
  };
  switch (entry.type) {
    case 'records-opened':
      if (index !== 0) throw new Error('records-opened may only be the first entry');
      break;
    case 'dock-enrolled': {
      const dockId = toHex(deriveDockId(port, entry.dockPublicKey));
      if (await t.get('stations', [dockId])) throw new Error(`enrols dock ${dockId} a second time`);
      said(entry.station, 'station name');
      said(entry.by, 'by');
      await t.insert('stations', { dock_id: dockId, dock_public_key: toHex(entry.dockPublicKey), station: entry.station, enrolled_at: entry.time, enrolled_by: entry.by });
      break;
    }
    case 'camera-pinned':
      if (!bytesEqual(deriveDeviceId(port, entry.publicKey), entry.deviceId)) throw new Error(`pins camera ${toHex(entry.deviceId)} with a key that is not that device's`);
      if (await t.get('cameras', [toHex(entry.deviceId)])) throw new Error(`pins camera ${toHex(entry.deviceId)} a second time`);
      await t.insert('cameras', { device_id: toHex(entry.deviceId), public_key: toHex(entry.publicKey), label: entry.label, first_seen: entry.time });
      break;
    case 'segment-stored': {
      await camera(entry.deviceId);
      const dockId = toHex(entry.dockId);
      if (!await t.get('stations', [dockId])) throw new Error(`stores a segment forwarded by dock ${dockId}, which no dock-enrolled entry enrolled`);
      const record = segmentOfEntry(entry);
      const deviceId = toHex(entry.deviceId);
      const digest = toHex(record.sealedDigest);
      if (await t.get('segments', [digest])) throw new Error(`stores segment ${digest} a second time`);
      await t.insert('segments', {
        sealed_digest: digest, device_id: deviceId, recording: record.recording, segment_index: record.segmentIndex,
        record_sequence: record.sequence, sealed_length: record.sealedLength, dock_id: dockId, stored_entry: index,
        stored_at: entry.time, ended_at: null, end_rule: null,
      });
      const held = await t.get('recordings', [deviceId, record.recording]);
      if (!held) {
        await t.insert('recordings', {
          device_id: deviceId, recording: record.recording, station: dockId, legal_ground: record.legalGround,
          notice_indicators: record.noticeIndicators, notice_reason: record.noticeReason, notice_text: record.noticeText,
          start_time: record.startTime, end_time: record.endTime, first_stored_at: entry.time,
          retain_until: entry.time + DEFAULT_RETENTION_DAYS * DAY_MS, legal_hold: false, review: false, review_why: null,
        });
      } else {
        await t.update('recordings', [deviceId, record.recording], {
          legal_ground: record.legalGround,
          notice_indicators: (held.notice_indicators as number) & record.noticeIndicators,
          notice_reason: record.noticeReason !== 0 ? record.noticeReason : held.notice_reason,
          notice_text: record.noticeText !== '' ? record.noticeText : held.notice_text,
          start_time: Math.min(held.start_time as number, record.startTime),
          end_time: Math.max(held.end_time as number, record.endTime),
        });
      }
      break;
    }
    case 'chain-committed': {
      await camera(entry.deviceId);
      const deviceId = toHex(entry.deviceId);
      const held = await t.get('chains', [deviceId]);
      const row = { chain_length: entry.chainLength, records: entry.records, head_link: toHex(entry.headLink), chain_digest: toHex(entry.chainDigest), committed_at: entry.time };
      if (!held) {
        await t.insert('chains', { device_id: deviceId, ...row });
      } else {
        if (entry.records <= (held.records as number) || entry.chainLength <= (held.chain_length as number)) {
          throw new Error(`commits a chain of camera ${deviceId} with ${entry.records} records over one with ${held.records}: a chain may only grow`);
        }
        await t.update('chains', [deviceId], row);
      }
      break;
    }
    case 'retention': {
      const held = await recording(entry.deviceId, entry.recording);
      said(entry.reason, 'reason');
      said(entry.by, 'by (who asked)');
      if (entry.retainUntil <= (held.retain_until as number)) throw new Error(`shortens or keeps the retention of recording ${entry.recording} of camera ${toHex(entry.deviceId)}: retention may only be extended`);
      if (entry.retainUntil > (held.first_stored_at as number) + MAX_RETENTION_DAYS * DAY_MS) throw new Error(`extends recording ${entry.recording} of camera ${toHex(entry.deviceId)} beyond ${MAX_RETENTION_DAYS} days after it was first stored`);
      await t.update('recordings', [toHex(entry.deviceId), entry.recording], { retain_until: entry.retainUntil });
      break;
    }
    case 'legal-hold': {
      const held = await recording(entry.deviceId, entry.recording);
      said(entry.reason, 'reason');
      said(entry.by, 'by (who asked)');
      if (held.legal_hold === entry.on) throw new Error(`sets the legal hold of recording ${entry.recording} of camera ${toHex(entry.deviceId)} ${entry.on ? 'on' : 'off'}, which it already is`);
      await t.update('recordings', [toHex(entry.deviceId), entry.recording], { legal_hold: entry.on });
      break;
    }
    case 'segment-ended': {
      const digest = toHex(entry.sealedDigest);
      const segment = await t.get('segments', [digest]);
      if (!segment || segment.ended_at !== null) throw new Error(`ends segment ${digest}, which is not a stored segment still held`);
      said(entry.rule, 'rule');
      const held = (await t.get('recordings', [segment.device_id as string, segment.recording as number]))!;
      if (held.legal_hold) throw new Error(`ends segment ${digest} while its recording is under legal hold`);
      if (entry.time < (held.retain_until as number)) throw new Error(`ends segment ${digest} at ${new Date(entry.time).toISOString()}, before its retention ends (${new Date(held.retain_until as number).toISOString()})`);
      await t.update('segments', [digest], { ended_at: entry.time, end_rule: entry.rule });
      break;
    }
    case 'flagged-for-review': {
      const held = await recording(entry.deviceId, entry.recording);
      said(entry.why, 'why');
      if (held.review) throw new Error(`flags recording ${entry.recording} of camera ${toHex(entry.deviceId)} for review a second time`);
      await t.update('recordings', [toHex(entry.deviceId), entry.recording], { review: true, review_why: entry.why });
      break;
    }
    case 'person-added':
      said(entry.name, 'name');
      said(entry.by, 'by');
      if (await t.get('people', [entry.name])) throw new Error(`adds person "${entry.name}" a second time`);
      await t.insert('people', { name: entry.name, role: entry.role, added_at: entry.time, added_by: entry.by });
      break;
    case 'access':
      if (!await t.get('people', [entry.person])) throw new Error(`logs an access by "${entry.person}", whom no person-added entry added`);
      said(entry.reason, 'reason');
      await t.insert('access', { log_entry: index, person: entry.person, action: entry.action, target: entry.target, reason: entry.reason, at: entry.time });
      break;
  }
  await t.update('records_state', [1], { entries: index + 1 });
}

/** The tables in memory: what verify replays the log into. */
export class MemoryTables implements Tables {
  readonly rows = new Map<string, Map<string, Row>>();

  #table(name: string): Map<string, Row> {
    tableShape(name);
    let table = this.rows.get(name);
    if (!table) this.rows.set(name, table = new Map());
    return table;
  }

  async get(table: string, key: readonly (string | number)[]): Promise<Row | undefined> {
    const row = this.#table(table).get(key.join('/'));
    return row && { ...row };
  }

  async insert(table: string, row: Row): Promise<void> {
    const shape = tableShape(table);
    const key = shape.key.map((k) => row[k]).join('/');
    const rows = this.#table(table);
    if (rows.has(key)) throw new Error(`duplicate key ${key} in ${table}`);
    rows.set(key, Object.fromEntries(shape.columns.map((c) => [c, row[c] ?? null])));
  }

  async update(table: string, key: readonly (string | number)[], changes: Row): Promise<void> {
    const row = this.#table(table).get(key.join('/'));
    if (!row) throw new Error(`no row ${key.join('/')} in ${table}`);
    Object.assign(row, changes);
  }
}
