// What each log entry does to the database (docs/STORE.md section 3.2). The dock writes rows
// only through this, so the tables are a replay of the log: verify replays the same entries
// into a database in memory and compares. An entry that makes no sense where it stands (a
// segment of a camera never pinned, a receipt for a segment not stored) throws, naming why.
import type Database from 'better-sqlite3';
import { bytesEqual, toHex } from '../../firmware/format/bytes.js';
import { decodeRecord, type SegmentRecord } from '../../firmware/format/chain-records.js';
import type { CryptoPort } from '../../firmware/format/crypto-port.js';
import { decodeReceiptFields, deriveDockId, receiptDigest, receiptMessage } from '../../firmware/format/dock-proofs.js';
import { deriveDeviceId } from '../../firmware/format/chain.js';
import { ALARM_KIND_NAMES, type StoreEntry } from './store-log-entries.js';
import { DEFAULT_RETENTION_DAYS, MAX_RETENTION_DAYS } from './store-schema.js';

const DAY_MS = 86_400_000;

export function segmentOfEntry(entry: Extract<StoreEntry, { type: 'segment-stored' }>): SegmentRecord {
  const record = decodeRecord(entry.recordBody);
  if (record.kind !== 'segment') throw new Error(`a segment-stored entry must hold a segment record, not a ${record.kind}`);
  return record;
}

export function applyStoreEntry(db: Database.Database, port: CryptoPort, entry: StoreEntry, index: number): void {
  const one = <T>(sql: string, ...args: unknown[]) => db.prepare(sql).get(...args) as T | undefined;
  const run = (sql: string, ...args: unknown[]) => db.prepare(sql).run(...args);
  const state = one<{ dock_public_key: string; entries: number }>('SELECT dock_public_key, entries FROM store_log WHERE id = 1');
  if (index === 0) {
    if (entry.type !== 'store-opened') throw new Error('the first entry must be store-opened (the dock key that signs the log)');
    run('INSERT INTO store_log (id, dock_public_key, entries) VALUES (1, ?, 0)', toHex(entry.dockPublicKey));
  } else if (!state || state.entries !== index) {
    throw new Error(`entry #${index} applied out of order (the database holds ${state?.entries ?? 0} entries)`);
  }
  const camera = (id: Uint8Array) => {
    const row = one<{ public_key: string; officer: string | null }>('SELECT public_key, officer FROM cameras WHERE device_id = ?', toHex(id));
    if (!row) throw new Error(`names camera ${toHex(id)}, which no earlier camera-pinned entry pinned`);
    return row;
  };
  switch (entry.type) {
    case 'store-opened':
      if (index !== 0) throw new Error('store-opened may only be the first entry');
      break;
    case 'camera-pinned': {
      if (!bytesEqual(deriveDeviceId(port, entry.publicKey), entry.deviceId)) throw new Error(`pins camera ${toHex(entry.deviceId)} with a key that is not that device's`);
      if (one('SELECT 1 FROM cameras WHERE device_id = ?', toHex(entry.deviceId))) throw new Error(`pins camera ${toHex(entry.deviceId)} a second time`);
      run('INSERT INTO cameras (device_id, public_key, label, officer, first_seen) VALUES (?, ?, ?, NULL, ?)', toHex(entry.deviceId), toHex(entry.publicKey), entry.label, entry.time);
      break;
    }
    case 'officer-assigned':
      camera(entry.deviceId);
      run('UPDATE cameras SET officer = ? WHERE device_id = ?', entry.officer, toHex(entry.deviceId));
      break;
    case 'segment-stored': {
      const { officer } = camera(entry.deviceId);
      const record = segmentOfEntry(entry);
      const deviceId = toHex(entry.deviceId);
      const digest = toHex(record.sealedDigest);
      if (one('SELECT 1 FROM segments WHERE sealed_digest = ?', digest)) throw new Error(`stores segment ${digest} a second time`);
      const held = one<{ sealed_digest: string }>('SELECT sealed_digest FROM segments WHERE device_id = ? AND recording = ? AND segment_index = ?', deviceId, record.recording, record.segmentIndex);
      if (held) throw new Error(`stores segment ${record.segmentIndex} of recording ${record.recording} of camera ${deviceId} as ${digest}, but the store holds that segment as ${held.sealed_digest}`);
      run(`INSERT INTO segments (sealed_digest, device_id, recording, segment_index, record_sequence, sealed_length, legal_ground,
        notice_indicators, notice_reason, notice_text, start_time, end_time, stored_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      digest, deviceId, record.recording, record.segmentIndex, record.sequence, record.sealedLength, record.legalGround,
      record.noticeIndicators, record.noticeReason, record.noticeText, record.startTime, record.endTime, entry.time);
      run(`INSERT INTO recordings (device_id, recording, officer, legal_ground, notice_indicators, notice_reason, notice_text,
        start_time, end_time, first_stored_at, retain_until) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        ON CONFLICT (device_id, recording) DO UPDATE SET legal_ground = excluded.legal_ground,
          notice_indicators = notice_indicators & excluded.notice_indicators,
          notice_reason = CASE WHEN excluded.notice_reason <> 0 THEN excluded.notice_reason ELSE notice_reason END,
          notice_text = CASE WHEN excluded.notice_text <> '' THEN excluded.notice_text ELSE notice_text END,
          start_time = min(start_time, excluded.start_time), end_time = max(end_time, excluded.end_time)`,
      deviceId, record.recording, officer, record.legalGround, record.noticeIndicators, record.noticeReason, record.noticeText,
      record.startTime, record.endTime, entry.time, entry.time + DEFAULT_RETENTION_DAYS * DAY_MS);
      break;
    }
    case 'receipt-issued': {
      const receipt = decodeReceiptFields(entry.fields);
      const dockKey = Buffer.from(state!.dock_public_key, 'hex');
      if (!bytesEqual(receipt.dockId, deriveDockId(port, dockKey))) throw new Error('holds a receipt naming another dock than the one that keeps this store');
      if (!port.p256Verify(dockKey, receiptMessage(entry.fields), entry.signature)) {
        throw new Error("holds a receipt whose dock signature does not verify with the store's dock key");
      }
      const digest = toHex(receipt.sealedDigest);
      const segment = one<{ device_id: string; record_sequence: number; sealed_length: number }>('SELECT device_id, record_sequence, sealed_length FROM segments WHERE sealed_digest = ?', digest);
      if (!segment || segment.device_id !== toHex(receipt.deviceId) || segment.record_sequence !== receipt.segmentSequence || segment.sealed_length !== receipt.sealedLength) {
        throw new Error(`holds a receipt for segment record #${receipt.segmentSequence} (${digest}), which no earlier entry stored with that camera, sequence and length`);
      }
      const kept = toHex(receiptDigest(port, entry.fields, entry.signature));
      if (one('SELECT 1 FROM receipts WHERE receipt_digest = ?', kept)) throw new Error(`keeps receipt ${kept} a second time`);
      run('INSERT INTO receipts (receipt_digest, device_id, segment_sequence, sealed_digest, fields, dock_signature, issued_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
        kept, toHex(receipt.deviceId), receipt.segmentSequence, digest, toHex(entry.fields), toHex(entry.signature), entry.time);
      break;
    }
    case 'segment-released': {
      const receipt = one<{ sealed_digest: string }>('SELECT sealed_digest FROM receipts WHERE receipt_digest = ?', toHex(entry.receiptDigest));
      if (!receipt || receipt.sealed_digest !== toHex(entry.sealedDigest)) throw new Error(`records a release with receipt ${toHex(entry.receiptDigest)}, which this store never issued for that segment`);
      run('UPDATE segments SET released_at = ?, receipt_digest = ? WHERE sealed_digest = ? AND released_at IS NULL', entry.time, toHex(entry.receiptDigest), toHex(entry.sealedDigest));
      break;
    }
    case 'chain-committed': {
      camera(entry.deviceId);
      const last = one<{ generation: number; chain_length: number; records: number }>('SELECT generation, chain_length, records FROM chains WHERE device_id = ? ORDER BY generation DESC LIMIT 1', toHex(entry.deviceId));
      if (last && (entry.generation <= last.generation || entry.chainLength < last.chain_length || entry.records < last.records)) {
        throw new Error(`commits generation ${entry.generation} of camera ${toHex(entry.deviceId)} (${entry.records} records) over generation ${last.generation} (${last.records} records): a chain may only grow`);
      }
      run('INSERT INTO chains (device_id, generation, chain_length, records, head_link, chain_digest, committed_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
        toHex(entry.deviceId), entry.generation, entry.chainLength, entry.records, toHex(entry.headLink), toHex(entry.chainDigest), entry.time);
      break;
    }
    case 'alarm':
      camera(entry.deviceId);
      run('INSERT INTO alarms (log_entry, device_id, kind, raised_at, held_records, offered_records, divergence, text) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
        index, toHex(entry.deviceId), ALARM_KIND_NAMES[entry.kind], entry.time, entry.heldRecords, entry.offeredRecords, entry.divergence, entry.text);
      break;
    case 'retention': {
      // The law keeps footage at most 180 days after it was first stored (Art. 10-7); the dock
      // never writes more, so a log that does was not written by it, or by a dock gone wrong.
      const stored = one<{ first_stored_at: number }>('SELECT first_stored_at FROM recordings WHERE device_id = ? AND recording = ?', toHex(entry.deviceId), entry.recording);
      if (stored && entry.retainUntil > stored.first_stored_at + MAX_RETENTION_DAYS * DAY_MS) {
        const limit = new Date(stored.first_stored_at + MAX_RETENTION_DAYS * DAY_MS).toISOString();
        throw new Error(`keeps recording ${entry.recording} of camera ${toHex(entry.deviceId)} until ${new Date(entry.retainUntil).toISOString()}, past ${MAX_RETENTION_DAYS} days after it was first stored (${limit}), the longest the law allows`);
      }
      const changed = run('UPDATE recordings SET retain_until = ? WHERE device_id = ? AND recording = ? AND retain_until < ?', entry.retainUntil, toHex(entry.deviceId), entry.recording, entry.retainUntil);
      if (!changed.changes) throw new Error(`extends recording ${entry.recording} of camera ${toHex(entry.deviceId)}, which is not stored or already kept that long`);
      break;
    }
    case 'segment-ended': {
      const row = one<{ device_id: string; recording: number; ended_at: number | null }>('SELECT device_id, recording, ended_at FROM segments WHERE sealed_digest = ?', toHex(entry.sealedDigest));
      const recording = row && one<{ retain_until: number }>('SELECT retain_until FROM recordings WHERE device_id = ? AND recording = ?', row.device_id, row.recording);
      if (!row || row.ended_at !== null || !recording) throw new Error(`ends segment ${toHex(entry.sealedDigest)}, which is not a stored segment still held`);
      if (entry.time < recording.retain_until) throw new Error(`ends segment ${toHex(entry.sealedDigest)} at ${new Date(entry.time).toISOString()}, before its retention ends (${new Date(recording.retain_until).toISOString()})`);
      run('UPDATE segments SET ended_at = ?, end_rule = ? WHERE sealed_digest = ?', entry.time, entry.rule, toHex(entry.sealedDigest));
      break;
    }
  }
  run('UPDATE store_log SET entries = ? WHERE id = 1', index + 1);
}
