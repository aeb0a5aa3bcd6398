// The dock's embedded evidence store (docs/STORE.md): SQLite (better-sqlite3) for records,
// sealed segments as content-addressed files (objects/<sha256>.seg), per camera a verified copy
// of its evidence in the camera's own layout (cameras/<device>/current -> gen-N, with chain.log,
// camera.pub and segments/ hard-linked to the objects), and the signed log (log/) of everything
// stored, every receipt issued, every chain committed and every alarm. The log comes first:
// each change is appended to it and signed, then replayed into the database (store-replay.ts).
//
//   STORE/evidence.sqlite   STORE/objects/ab12….seg   STORE/cameras/<device>/current/…
//   STORE/log/entries  STORE/log/checkpoint
//   STORE/staging/<device>/  what a dock has received but not yet verified (resume point)
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { toHex } from '../../firmware/format/bytes.js';
import type { SegmentRecord } from '../../firmware/format/chain-records.js';
import { encodeRecord } from '../../firmware/format/chain-records.js';
import type { CryptoPort } from '../../firmware/format/crypto-port.js';
import { receiptDigest } from '../../firmware/format/dock-proofs.js';
import { NodeCryptoPort } from '../crypto/node-crypto-port.js';
import { CAMERA_PUBLIC_FILE, CHAIN_LOG_FILE, SEGMENTS_DIR, segmentFileName } from '../evidence/evidence-layout.js';
import { cameraDocument, type CameraIdentity } from '../keys/key-files.js';
import { verifyEvidence, type ChainEntry } from '../verify/verify-evidence.js';
import {
  CAMERAS_DIR, MAX_RETENTION_DAYS, OBJECTS_DIR, STAGING_DIR, STORE_DB_FILE, STORE_PRAGMAS, STORE_SCHEMA,
} from './store-schema.js';
import { describeFileError, fsyncDirectory, writeFileDurably } from './durable-files.js';
import { ALARM_KIND, RELEASE_SOURCE, decodeStoreEntry, encodeStoreEntry, type StoreEntry } from './store-log-entries.js';
import { LOG_DIR, LOG_ENTRIES_FILE, StoreLogWriter, readLogFrames } from './store-log.js';
import { applyStoreEntry } from './store-replay.js';
import { ROLL_IT_BACK, isUnfinishedWrite, openReadOnlyStoreDb, unfinishedWrite } from './read-only-database.js';

const DAY_MS = 86_400_000;

/** The store will not take this segment (full, read-only, failing disk): no receipt may go out. */
export class StoreRefusal extends Error {}

export interface StoreDockKey { publicKey: Uint8Array; privateKey: Uint8Array }

export interface EvidenceStoreOptions {
  /** Refuse every write, as a store on a read-only medium would. */
  readOnly?: boolean;
  /** Refuse a segment that would take the objects past this many bytes (a full store). */
  capacityBytes?: number;
  now?: () => number;
  /** The dock's key, which signs the log; a writer may also give it later (useDockKey). */
  dockKey?: StoreDockKey;
  port?: CryptoPort;
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

export interface StoreAlarm { logEntry: number; deviceId: string; kind: string; raisedAt: number; heldRecords: number; offeredRecords: number; divergence: number; text: string }

export function isEvidenceStore(dir: string): boolean {
  return fs.existsSync(path.join(dir, STORE_DB_FILE));
}

/**
 * A folder the dock may make a store in: a new or empty folder, or a store already. Anything
 * else (a file, a folder of other files) is refused before a byte is written there.
 */
export function checkStoreFolder(dir: string): void {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw new Error(describeFileError(error, `cannot use ${dir} as an evidence store`));
  }
  if (!stat.isDirectory()) throw new Error(`${dir} is a file, not an evidence store folder: give --store a new or empty folder (or an existing store)`);
  if (isEvidenceStore(dir)) return;
  const others = fs.readdirSync(dir);
  if (others.length) {
    throw new Error(`${dir} is not an evidence store (no ${STORE_DB_FILE}) and already holds other files (${others.slice(0, 3).join(', ')}${others.length > 3 ? ', …' : ''}); give --store a new or empty folder`);
  }
}

export class EvidenceStore {
  readonly dir: string;
  readonly #db: Database.Database;
  readonly #options: EvidenceStoreOptions;
  readonly #now: () => number;
  readonly #port: CryptoPort;
  #dockKey: StoreDockKey | undefined;
  #log: StoreLogWriter | undefined;

  private constructor(dir: string, db: Database.Database, options: EvidenceStoreOptions) {
    this.dir = dir;
    this.#db = db;
    this.#options = options;
    this.#now = options.now ?? Date.now;
    this.#port = options.port ?? new NodeCryptoPort();
  }

  static open(dir: string, options: EvidenceStoreOptions = {}): EvidenceStore {
    const file = path.join(dir, STORE_DB_FILE);
    if (options.readOnly) {
      if (!fs.existsSync(file)) throw new Error(`${dir} is not an evidence store (no ${STORE_DB_FILE})`);
      let db: Database.Database;
      try {
        db = openReadOnlyStoreDb(dir);
      } catch (error) {
        if (isUnfinishedWrite(error)) throw new StoreRefusal(`${unfinishedWrite(`evidence store ${dir}`)}: reading it changes nothing, so it cannot roll that write back; ${ROLL_IT_BACK}, then try again`);
        throw error;
      }
      return new EvidenceStore(dir, db, options);
    }
    checkStoreFolder(dir);
    const fresh = !fs.existsSync(file);
    let db: Database.Database;
    try {
      for (const sub of [OBJECTS_DIR, CAMERAS_DIR, STAGING_DIR, LOG_DIR]) fs.mkdirSync(path.join(dir, sub), { recursive: true });
      db = new Database(file);
      if (!fresh && !db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'store_log'").get()) {
        db.close();
        throw new Error(`${dir} was made by an older chaincam, before the store kept a signed log; it cannot prove what it holds. Keep it as it is for examination and give the dock a new store`);
      }
      db.exec(STORE_PRAGMAS);
      db.exec(STORE_SCHEMA);
    } catch (error) {
      if (!(error as NodeJS.ErrnoException).code) throw error;
      throw new Error(describeFileError(error, `cannot open the evidence store ${dir}`));
    }
    const store = new EvidenceStore(dir, db, options);
    store.#log = new StoreLogWriter(dir, store.#port);
    store.#catchUp();
    if (options.dockKey) store.useDockKey(options.dockKey);
    return store;
  }

  /** The log is written before the database: entries a crash kept from the database are replayed. */
  #catchUp(): void {
    const applied = (this.#db.prepare('SELECT entries FROM store_log WHERE id = 1').get() as { entries: number } | undefined)?.entries ?? 0;
    if (applied >= this.#log!.size) return;
    const entries = this.logEntries();
    this.#db.transaction(() => {
      for (let i = applied; i < entries.length; i++) applyStoreEntry(this.#db, this.#port, entries[i]!, i);
    })();
  }

  /** The dock key that signs this store's log; a store is kept by one dock key. */
  useDockKey(dockKey: StoreDockKey): void {
    const kept = this.dockPublicKey();
    if (kept && toHex(kept) !== toHex(dockKey.publicKey)) {
      throw new Error(`evidence store ${this.dir} is kept by the dock with public key ${toHex(kept).slice(0, 16)}…, not by this dock's key: give this dock its own store`);
    }
    this.#dockKey = dockKey;
  }

  dockPublicKey(): Uint8Array | undefined {
    const row = this.#db.prepare('SELECT dock_public_key FROM store_log WHERE id = 1').get() as { dock_public_key: string } | undefined;
    return row ? Uint8Array.from(Buffer.from(row.dock_public_key, 'hex')) : undefined;
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
    if (this.pinnedCameraKey(toHex(identity.deviceId))) return;
    this.#commit({ type: 'camera-pinned', time: this.#now(), deviceId: identity.deviceId, publicKey: identity.publicKey, label: identity.label }, 'pin a camera');
  }

  assignOfficer(deviceId: string, officer: string): void {
    this.#commit({ type: 'officer-assigned', time: this.#now(), deviceId: Buffer.from(deviceId, 'hex'), officer }, 'assign an officer');
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
   * Stores one verified sealed segment: the file is copied to objects/, fsync'd and renamed,
   * then the segment record goes into the signed log and the database. Only after this returns
   * may a receipt go out. Throws StoreRefusal when the store cannot take it.
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
    const written = !fs.existsSync(object);
    try {
      if (written) writeFileDurably(object, fs.readFileSync(stagedFile));
    } catch (error) {
      fs.rmSync(`${object}.${process.pid}.tmp`, { force: true });
      throw new StoreRefusal(`${describeFileError(error, `evidence store ${this.dir} cannot write ${object}`)}; segment ${record.recording}/${record.segmentIndex} not stored, no receipt sent, the camera keeps it`);
    }
    const entries = path.join(this.dir, LOG_DIR, LOG_ENTRIES_FILE);
    const logBytes = fileLength(entries);
    try {
      this.#commit({ type: 'segment-stored', time: this.#now(), deviceId: Buffer.from(deviceId, 'hex'), recordBody: encodeRecord(record) }, `store segment ${record.recording}/${record.segmentIndex}`);
    } catch (error) {
      // Not in the log, not stored: an object the log never names would read as a foreign one to
      // verify. But once any of the entry reached the log's file (its checkpoint failed after it),
      // the next open replays it, and the object it names must be there.
      if (written && fileLength(entries) === logBytes) fs.rmSync(object, { force: true });
      throw error;
    }
  }

  /** A receipt about to go out, kept whole (fields and dock signature) before the camera sees it. */
  recordReceipt(fields: Uint8Array, signature: Uint8Array): string {
    this.#commit({ type: 'receipt-issued', time: this.#now(), fields, signature }, 'keep a receipt');
    return toHex(receiptDigest(this.#port, fields, signature));
  }

  /** True when this store issued the receipt with this digest. */
  issuedReceipt(receiptDigestHex: string): boolean {
    return this.#db.prepare('SELECT 1 FROM receipts WHERE receipt_digest = ?').get(receiptDigestHex) !== undefined;
  }

  /** The camera confirmed it freed the segment for this receipt (its RELEASED reply, or its chain). */
  recordRelease(sealedDigest: string, receiptDigestHex: string, source: 'reply' | 'chain' = 'reply'): void {
    const segment = this.segment(sealedDigest);
    if (!segment) throw new Error(`release of segment ${sealedDigest} that the store does not hold`);
    if (segment.releasedAt !== null) return;
    this.#commit({ type: 'segment-released', time: this.#now(), sealedDigest: Buffer.from(sealedDigest, 'hex'), receiptDigest: Buffer.from(receiptDigestHex, 'hex'), source: RELEASE_SOURCE[source] }, 'record a release');
  }

  /** Retention: 30 days by default, extendable up to 180 days after storing, in the log. */
  extendRetention(deviceId: string, recording: number, days: number, reason: string, by: string): number {
    if (!Number.isInteger(days) || days < 1 || days > MAX_RETENTION_DAYS) throw new Error(`retention must be 1-${MAX_RETENTION_DAYS} days, got ${days}`);
    if (!reason.trim()) throw new Error('extending retention needs a reason for the log');
    this.#writable('extend retention');
    const row = this.#db.prepare('SELECT first_stored_at, retain_until FROM recordings WHERE device_id = ? AND recording = ?').get(deviceId, recording) as { first_stored_at: number; retain_until: number } | undefined;
    if (!row) throw new Error(`no recording ${recording} of camera ${deviceId} in the store`);
    const until = row.first_stored_at + days * DAY_MS;
    if (until <= row.retain_until) return row.retain_until;
    this.#commit({ type: 'retention', time: this.#now(), deviceId: Buffer.from(deviceId, 'hex'), recording, retainUntil: until, reason, by }, 'extend retention');
    return until;
  }

  /**
   * Retention's lawful end (Art. 10-7; 30 days, up to 180 when extended): every stored segment
   * whose recording's retain_until has passed gets a segment-ended entry naming the rule, and
   * only then are its object and its generation links removed. Returns the segments ended.
   */
  endExpiredSegments(): { deviceId: string; recording: number; segmentIndex: number; rule: string }[] {
    this.#writable('end expired segments');
    const now = this.#now();
    const due = this.#db.prepare(`SELECT s.sealed_digest, s.device_id, s.recording, s.segment_index, r.first_stored_at, r.retain_until
      FROM segments s JOIN recordings r ON r.device_id = s.device_id AND r.recording = s.recording
      WHERE s.ended_at IS NULL AND r.retain_until <= ? ORDER BY s.device_id, s.record_sequence`).all(now) as Record<string, never>[];
    const ended = [];
    for (const row of due) {
      const days = Math.round((row.retain_until - row.first_stored_at) / DAY_MS);
      const rule = `retention: recording ${row.recording} kept ${days} days after it was first stored, until ${new Date(row.retain_until).toISOString()}`;
      this.#commit({ type: 'segment-ended', time: now, sealedDigest: Buffer.from(row.sealed_digest as string, 'hex'), rule }, 'end a segment');
      const name = segmentFileName(row.recording, row.segment_index);
      const root = path.join(this.dir, CAMERAS_DIR, row.device_id);
      for (const gen of fs.existsSync(root) ? fs.readdirSync(root).filter((n) => /^gen-\d+$/.test(n)) : []) fs.rmSync(path.join(root, gen, SEGMENTS_DIR, name), { force: true });
      fs.rmSync(this.objectPath(row.sealed_digest), { force: true });
      ended.push({ deviceId: row.device_id as string, recording: row.recording as number, segmentIndex: row.segment_index as number, rule });
    }
    return ended;
  }

  recording(deviceId: string, recording: number): Record<string, unknown> | undefined {
    return this.#db.prepare('SELECT * FROM recordings WHERE device_id = ? AND recording = ?').get(deviceId, recording) as Record<string, unknown> | undefined;
  }

  /** Every entry of the signed log, in order (decoded; verify checks the signatures). */
  logEntries(): StoreEntry[] {
    const file = path.join(this.dir, LOG_DIR, LOG_ENTRIES_FILE);
    if (!fs.existsSync(file)) return [];
    return readLogFrames(new Uint8Array(fs.readFileSync(file))).frames.map((f) => decodeStoreEntry(f.bytes));
  }

  /** Alarms raised for a camera (a rollback or fork refused at the dock), oldest first. */
  alarms(deviceId?: string): StoreAlarm[] {
    const rows = (deviceId ? this.#db.prepare('SELECT * FROM alarms WHERE device_id = ? ORDER BY log_entry').all(deviceId)
      : this.#db.prepare('SELECT * FROM alarms ORDER BY log_entry').all()) as Record<string, never>[];
    return rows.map((r) => ({ logEntry: r.log_entry, deviceId: r.device_id, kind: r.kind, raisedAt: r.raised_at, heldRecords: r.held_records, offeredRecords: r.offered_records, divergence: r.divergence, text: r.text }));
  }

  /** Writes an alarm to the log: this camera's chain no longer extends the one the store holds. */
  raiseAlarm(alarm: Omit<Extract<StoreEntry, { type: 'alarm' }>, 'type' | 'time' | 'kind'> & { kind: keyof typeof ALARM_KIND }): number {
    this.#commit({ ...alarm, type: 'alarm', time: this.#now(), kind: ALARM_KIND[alarm.kind] }, 'raise an alarm');
    return this.#log!.size - 1;
  }

  /** The chain generations the store committed for a camera, oldest first. */
  chains(deviceId: string): { generation: number; chainLength: number; records: number; headLink: string }[] {
    return (this.#db.prepare('SELECT generation, chain_length, records, head_link FROM chains WHERE device_id = ? ORDER BY generation').all(deviceId) as Record<string, never>[])
      .map((r) => ({ generation: r.generation, chainLength: r.chain_length, records: r.records, headLink: r.head_link }));
  }

  /**
   * Replaces a camera's verified copy with a newer chain: a new generation directory with the
   * chain, camera.pub and hard links to every stored segment the chain names, verified as a
   * whole, committed to the log, then swapped in with one rename of the `current` link.
   */
  commitChain(camera: CameraIdentity, chain: Uint8Array, port: CryptoPort, entries: ChainEntry[]): string {
    this.#writable('update a camera chain');
    const deviceId = toHex(camera.deviceId);
    const root = path.join(this.dir, CAMERAS_DIR, deviceId);
    fs.mkdirSync(root, { recursive: true });
    const generations = fs.readdirSync(root).filter((n) => /^gen-\d+$/.test(n)).map((n) => Number(n.slice(4)));
    const generation = Math.max(0, ...generations) + 1;
    const name = `gen-${String(generation).padStart(6, '0')}`;
    const gen = path.join(root, name);
    fs.mkdirSync(path.join(gen, SEGMENTS_DIR), { recursive: true });
    writeFileDurably(path.join(gen, CAMERA_PUBLIC_FILE), `${JSON.stringify(cameraDocument({ ...camera, privateKey: undefined }, false), null, 2)}\n`);
    writeFileDurably(path.join(gen, CHAIN_LOG_FILE), chain);
    for (const { record } of entries) {
      if (record.kind !== 'segment') continue;
      const digest = toHex(record.sealedDigest);
      // Footage the store holds; a segment whose retention ended has no object left to link.
      if (this.#held(digest)) fs.linkSync(this.objectPath(digest), path.join(gen, SEGMENTS_DIR, segmentFileName(record.recording, record.segmentIndex)));
    }
    fsyncDirectory(path.join(gen, SEGMENTS_DIR));
    const { report } = verifyEvidence(gen, { port });
    if (!report.ok) {
      fs.rmSync(gen, { recursive: true, force: true });
      throw new Error(`the new chain of camera ${deviceId} does not verify with the stored segments: ${report.failure?.message}`);
    }
    const last = entries.at(-1)!;
    try {
      this.#commit({
        type: 'chain-committed', time: this.#now(), deviceId: camera.deviceId, generation, chainLength: chain.length,
        records: entries.length, headLink: last.link, chainDigest: port.sha256(chain),
      }, 'commit a camera chain');
    } catch (error) {
      // Not in the log: a generation the log never names must not stay beside the committed ones.
      fs.rmSync(gen, { recursive: true, force: true });
      throw error;
    }
    const link = path.join(root, `current.${process.pid}.tmp`);
    fs.rmSync(link, { force: true });
    fs.symlinkSync(name, link);
    fs.renameSync(link, path.join(root, 'current'));
    fsyncDirectory(root);
    return gen;
  }

  #held(sealedDigest: string): boolean {
    return this.#db.prepare('SELECT 1 FROM segments WHERE sealed_digest = ? AND ended_at IS NULL').get(sealedDigest) !== undefined;
  }

  #storedBytes(): number {
    return (this.#db.prepare('SELECT coalesce(sum(sealed_length), 0) AS n FROM segments WHERE ended_at IS NULL').get() as { n: number }).n;
  }

  #writable(what: string): void {
    if (this.#options.readOnly) throw new StoreRefusal(`evidence store ${this.dir} is read-only: cannot ${what}; nothing was changed`);
  }

  /** Appends an entry to the signed log, then replays it into the database. */
  #commit(entry: StoreEntry, what: string): void {
    this.#writable(what);
    const log = this.#log!;
    if (!this.#dockKey) throw new Error(`evidence store ${this.dir}: cannot ${what} without the dock's key, which signs the store's log`);
    try {
      if (log.size === 0) this.#append({ type: 'store-opened', time: this.#now(), dockPublicKey: this.#dockKey.publicKey });
      this.#append(entry);
    } catch (error) {
      throw new StoreRefusal(`${describeFileError(error, `evidence store ${this.dir} cannot ${what}`)}; nothing more was stored or released`);
    }
  }

  /** The entry is applied first (so a nonsensical one never reaches the log), then logged, then committed. */
  #append(entry: StoreEntry): void {
    const log = this.#log!;
    this.#db.transaction(() => {
      applyStoreEntry(this.#db, this.#port, entry, log.size);
      log.append(encodeStoreEntry(entry), this.#dockKey!);
    })();
  }
}

function fileLength(file: string): number {
  return fs.existsSync(file) ? fs.statSync(file).size : 0;
}

function rowToSegment(row: Record<string, never>): StoredSegment {
  return {
    sealedDigest: row.sealed_digest, deviceId: row.device_id, recording: row.recording, segmentIndex: row.segment_index,
    recordSequence: row.record_sequence, sealedLength: row.sealed_length, releasedAt: row.released_at,
  };
}
