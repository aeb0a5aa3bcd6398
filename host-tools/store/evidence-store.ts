// The dock's embedded evidence store: SQLite (better-sqlite3) for records and the audit trail,
// sealed segments as content-addressed files (objects/<sha256>.seg), and per camera a verified
// copy of its evidence in the camera's own layout (cameras/<device>/current -> gen-N, with
// chain.log, camera.pub and segments/ hard-linked to the objects) so `chaincam verify` reads it.
//
//   STORE/evidence.sqlite   STORE/objects/ab12….seg   STORE/cameras/<device>/current/…
//   STORE/staging/<device>/  what a dock has received but not yet verified (resume point)
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { toHex } from '../../firmware/format/bytes.js';
import type { SegmentRecord } from '../../firmware/format/chain-records.js';
import type { CryptoPort } from '../../firmware/format/crypto-port.js';
import { CAMERA_PUBLIC_FILE, CHAIN_LOG_FILE, SEGMENTS_DIR, segmentFileName } from '../evidence/evidence-layout.js';
import { cameraDocument, type CameraIdentity } from '../keys/key-files.js';
import { verifyEvidence, type ChainEntry } from '../verify/verify-evidence.js';
import {
  CAMERAS_DIR, DEFAULT_RETENTION_DAYS, MAX_RETENTION_DAYS, OBJECTS_DIR, STAGING_DIR, STORE_DB_FILE, STORE_SCHEMA, type AuditAction,
} from './store-schema.js';
import { fsyncDirectory, writeFileDurably } from './durable-files.js';

const DAY_MS = 86_400_000;

/** The store will not take this segment (full, read-only, failing disk): no receipt may go out. */
export class StoreRefusal extends Error {}

export interface EvidenceStoreOptions {
  /** Refuse every write, as a store on a read-only medium would. */
  readOnly?: boolean;
  /** Refuse a segment that would take the objects past this many bytes (a full store). */
  capacityBytes?: number;
  now?: () => number;
}

export interface StoredSegment {
  sealedDigest: string;
  deviceId: string;
  recording: number;
  segmentIndex: number;
  recordSequence: number;
  sealedLength: number;
  releasedAt: number | null;
}

export function isEvidenceStore(dir: string): boolean {
  return fs.existsSync(path.join(dir, STORE_DB_FILE));
}

export class EvidenceStore {
  readonly dir: string;
  readonly #db: Database.Database;
  readonly #options: EvidenceStoreOptions;
  readonly #now: () => number;

  private constructor(dir: string, db: Database.Database, options: EvidenceStoreOptions) {
    this.dir = dir;
    this.#db = db;
    this.#options = options;
    this.#now = options.now ?? Date.now;
  }

  static open(dir: string, options: EvidenceStoreOptions = {}): EvidenceStore {
    const file = path.join(dir, STORE_DB_FILE);
    if (options.readOnly) {
      if (!fs.existsSync(file)) throw new Error(`${dir} is not an evidence store (no ${STORE_DB_FILE})`);
      return new EvidenceStore(dir, new Database(file, { readonly: true, fileMustExist: true }), options);
    }
    for (const sub of [OBJECTS_DIR, CAMERAS_DIR, STAGING_DIR]) fs.mkdirSync(path.join(dir, sub), { recursive: true });
    let db: Database.Database;
    try {
      db = new Database(file);
      db.exec(STORE_SCHEMA);
    } catch (error) {
      throw new Error(`cannot open the evidence store database ${file}: ${(error as Error).message}`);
    }
    return new EvidenceStore(dir, db, options);
  }

  close(): void {
    this.#db.close();
  }

  stagingDir(deviceId: string): string {
    return path.join(this.dir, STAGING_DIR, deviceId);
  }

  objectPath(sealedDigest: string): string {
    return path.join(this.dir, OBJECTS_DIR, `${sealedDigest}.seg`);
  }

  /** The verified copy of a camera's evidence, in the camera's layout; undefined before the first. */
  cameraDir(deviceId: string): string | undefined {
    const current = path.join(this.dir, CAMERAS_DIR, deviceId, 'current');
    return fs.existsSync(current) ? current : undefined;
  }

  cameras(): { deviceId: string; publicKey: Uint8Array; label: string }[] {
    return (this.#db.prepare('SELECT device_id, public_key, label FROM cameras ORDER BY device_id').all() as { device_id: string; public_key: string; label: string }[])
      .map((row) => ({ deviceId: row.device_id, publicKey: Uint8Array.from(Buffer.from(row.public_key, 'hex')), label: row.label }));
  }

  pinnedCameraKey(deviceId: string): Uint8Array | undefined {
    const row = this.#db.prepare('SELECT public_key FROM cameras WHERE device_id = ?').get(deviceId) as { public_key: string } | undefined;
    return row ? Uint8Array.from(Buffer.from(row.public_key, 'hex')) : undefined;
  }

  /** Pins a camera's key on first contact (trust on first use at the agency's dock). */
  pinCamera(identity: CameraIdentity): void {
    this.#writable('pin a camera');
    this.#db.prepare('INSERT OR IGNORE INTO cameras (device_id, public_key, label, first_seen) VALUES (?, ?, ?, ?)')
      .run(toHex(identity.deviceId), toHex(identity.publicKey), identity.label, this.#now());
  }

  assignOfficer(deviceId: string, officer: string): void {
    this.#writable('assign an officer');
    this.#db.prepare('UPDATE cameras SET officer = ? WHERE device_id = ?').run(officer, deviceId);
  }

  segment(sealedDigest: string): StoredSegment | undefined {
    const row = this.#db.prepare(`SELECT sealed_digest, device_id, recording, segment_index, record_sequence, sealed_length, released_at
      FROM segments WHERE sealed_digest = ?`).get(sealedDigest) as Record<string, never> | undefined;
    return row && rowToSegment(row);
  }

  segments(deviceId?: string): StoredSegment[] {
    const rows = (deviceId
      ? this.#db.prepare('SELECT * FROM segments WHERE device_id = ? ORDER BY record_sequence').all(deviceId)
      : this.#db.prepare('SELECT * FROM segments ORDER BY device_id, record_sequence').all()) as Record<string, never>[];
    return rows.map(rowToSegment);
  }

  /**
   * Stores one verified sealed segment: the file is copied to objects/, fsync'd and renamed, then
   * one transaction records the segment, its recording and an audit entry. Only after this
   * returns may a receipt go out. Throws StoreRefusal when the store cannot take it.
   */
  storeSegment(deviceId: string, record: SegmentRecord, stagedFile: string): void {
    const digest = toHex(record.sealedDigest);
    if (this.segment(digest)) return;
    this.#writable(`store segment ${record.recording}/${record.segmentIndex}`);
    const capacity = this.#options.capacityBytes;
    if (capacity !== undefined && this.#storedBytes() + record.sealedLength > capacity) {
      throw new StoreRefusal(`evidence store ${this.dir} is full (${capacity} bytes): segment ${record.recording}/${record.segmentIndex} not stored; free space or add a store`);
    }
    const object = this.objectPath(digest);
    try {
      if (!fs.existsSync(object)) writeFileDurably(object, fs.readFileSync(stagedFile));
    } catch (error) {
      throw new StoreRefusal(`evidence store ${this.dir} cannot write ${object}: ${(error as Error).message}`);
    }
    const now = this.#now();
    const officer = (this.#db.prepare('SELECT officer FROM cameras WHERE device_id = ?').get(deviceId) as { officer: string | null } | undefined)?.officer ?? null;
    this.#db.transaction(() => {
      this.#db.prepare(`INSERT INTO segments (sealed_digest, device_id, recording, segment_index, record_sequence, sealed_length, legal_ground,
        notice_indicators, notice_reason, notice_text, start_time, end_time, stored_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
        .run(digest, deviceId, record.recording, record.segmentIndex, record.sequence, record.sealedLength, record.legalGround,
          record.noticeIndicators, record.noticeReason, record.noticeText, record.startTime, record.endTime, now);
      this.#db.prepare(`INSERT INTO recordings (device_id, recording, officer, legal_ground, notice_indicators, notice_reason, notice_text,
        start_time, end_time, first_stored_at, retain_until) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        ON CONFLICT (device_id, recording) DO UPDATE SET legal_ground = excluded.legal_ground,
          notice_indicators = notice_indicators & excluded.notice_indicators,
          notice_reason = CASE WHEN excluded.notice_reason <> 0 THEN excluded.notice_reason ELSE notice_reason END,
          notice_text = CASE WHEN excluded.notice_text <> '' THEN excluded.notice_text ELSE notice_text END,
          start_time = min(start_time, excluded.start_time), end_time = max(end_time, excluded.end_time)`)
        .run(deviceId, record.recording, officer, record.legalGround, record.noticeIndicators, record.noticeReason, record.noticeText,
          record.startTime, record.endTime, now, now + DEFAULT_RETENTION_DAYS * DAY_MS);
      this.#audit('store', deviceId, record.recording, { sealedDigest: digest, segmentIndex: record.segmentIndex, sequence: record.sequence, bytes: record.sealedLength });
    })();
  }

  /** The camera confirmed it freed the segment for this receipt. */
  recordRelease(sealedDigest: string, receiptDigest: string, dockId: string): void {
    const segment = this.segment(sealedDigest);
    if (!segment) throw new Error(`release of segment ${sealedDigest} that the store does not hold`);
    this.#writable('record a release');
    this.#db.transaction(() => {
      this.#db.prepare('UPDATE segments SET released_at = ?, receipt_digest = ? WHERE sealed_digest = ?').run(this.#now(), receiptDigest, sealedDigest);
      this.#audit('release', segment.deviceId, segment.recording, { sealedDigest, receiptDigest, dockId, segmentIndex: segment.segmentIndex });
    })();
  }

  /** Retention: 30 days by default, extendable up to 180 days after storing, with an audit entry. */
  extendRetention(deviceId: string, recording: number, days: number, reason: string, by: string): number {
    if (!Number.isInteger(days) || days < 1 || days > MAX_RETENTION_DAYS) throw new Error(`retention must be 1-${MAX_RETENTION_DAYS} days, got ${days}`);
    if (!reason.trim()) throw new Error('extending retention needs a reason for the audit trail');
    this.#writable('extend retention');
    const row = this.#db.prepare('SELECT first_stored_at, retain_until FROM recordings WHERE device_id = ? AND recording = ?').get(deviceId, recording) as { first_stored_at: number; retain_until: number } | undefined;
    if (!row) throw new Error(`no recording ${recording} of camera ${deviceId} in the store`);
    const until = row.first_stored_at + days * DAY_MS;
    if (until <= row.retain_until) return row.retain_until;
    this.#db.transaction(() => {
      this.#db.prepare('UPDATE recordings SET retain_until = ? WHERE device_id = ? AND recording = ?').run(until, deviceId, recording);
      this.#audit('retention', deviceId, recording, { from: row.retain_until, to: until, days, reason, by });
    })();
    return until;
  }

  recording(deviceId: string, recording: number): Record<string, unknown> | undefined {
    return this.#db.prepare('SELECT * FROM recordings WHERE device_id = ? AND recording = ?').get(deviceId, recording) as Record<string, unknown> | undefined;
  }

  /** Appends to the audit trail (verify and export record themselves here). */
  audit(action: AuditAction, deviceId: string | null, recording: number | null, detail: Record<string, unknown>): void {
    this.#writable(`audit ${action}`);
    this.#audit(action, deviceId, recording, detail);
  }

  auditEntries(): { id: number; at: number; action: AuditAction; device_id: string | null; recording: number | null; detail: string }[] {
    return this.#db.prepare('SELECT * FROM audit ORDER BY id').all() as never;
  }

  /**
   * Replaces a camera's verified copy with a newer chain: a new generation directory with the
   * chain, camera.pub and hard links to every stored segment the chain names, verified as a
   * whole, then swapped in with one rename of the `current` link.
   */
  commitChain(camera: CameraIdentity, chain: Uint8Array, port: CryptoPort, entries: ChainEntry[]): string {
    this.#writable('update a camera chain');
    const deviceId = toHex(camera.deviceId);
    const root = path.join(this.dir, CAMERAS_DIR, deviceId);
    fs.mkdirSync(root, { recursive: true });
    const generations = fs.readdirSync(root).filter((n) => /^gen-\d+$/.test(n)).map((n) => Number(n.slice(4)));
    const name = `gen-${String(Math.max(0, ...generations) + 1).padStart(6, '0')}`;
    const gen = path.join(root, name);
    fs.mkdirSync(path.join(gen, SEGMENTS_DIR), { recursive: true });
    writeFileDurably(path.join(gen, CAMERA_PUBLIC_FILE), `${JSON.stringify(cameraDocument({ ...camera, privateKey: undefined }, false), null, 2)}\n`);
    writeFileDurably(path.join(gen, CHAIN_LOG_FILE), chain);
    for (const { record } of entries) {
      if (record.kind !== 'segment') continue;
      const digest = toHex(record.sealedDigest);
      if (this.segment(digest)) fs.linkSync(this.objectPath(digest), path.join(gen, SEGMENTS_DIR, segmentFileName(record.recording, record.segmentIndex)));
    }
    fsyncDirectory(path.join(gen, SEGMENTS_DIR));
    const { report } = verifyEvidence(gen, { port });
    if (!report.ok) {
      fs.rmSync(gen, { recursive: true, force: true });
      throw new Error(`the new chain of camera ${deviceId} does not verify with the stored segments: ${report.failure?.message}`);
    }
    const link = path.join(root, `current.${process.pid}.tmp`);
    fs.rmSync(link, { force: true });
    fs.symlinkSync(name, link);
    fs.renameSync(link, path.join(root, 'current'));
    fsyncDirectory(root);
    return gen;
  }

  #storedBytes(): number {
    return (this.#db.prepare('SELECT coalesce(sum(sealed_length), 0) AS n FROM segments').get() as { n: number }).n;
  }

  #writable(what: string): void {
    if (this.#options.readOnly) throw new StoreRefusal(`evidence store ${this.dir} is read-only: cannot ${what}; nothing was changed`);
  }

  #audit(action: AuditAction, deviceId: string | null, recording: number | null, detail: Record<string, unknown>): void {
    this.#db.prepare('INSERT INTO audit (at, action, device_id, recording, detail) VALUES (?, ?, ?, ?, ?)')
      .run(this.#now(), action, deviceId, recording, JSON.stringify(detail));
  }
}

function rowToSegment(row: Record<string, never>): StoredSegment {
  return {
    sealedDigest: row.sealed_digest, deviceId: row.device_id, recording: row.recording, segmentIndex: row.segment_index,
    recordSequence: row.record_sequence, sealedLength: row.sealed_length, releasedAt: row.released_at,
  };
}
