// `chaincam verify STORE` on a dock's evidence store (docs/STORE.md section 4), read-only: the
// database is opened read-only and nothing is written anywhere. The signed log is checked and
// replayed (store-log-check.ts); then every file is held to it: each stored segment's object
// hashes to its digest unless the log records its lawful end, no object or generation the log
// does not commit to, each generation's chain.log the one the log committed, and each camera's
// current chain verified (verify-evidence.ts) and extending every chain and receipt the store
// ever held for it. Pinned cameras (--camera, --cameras) are enforced. Every fault is named.
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { bytesEqual, toHex } from '../../firmware/format/bytes.js';
import type { CryptoPort } from '../../firmware/format/crypto-port.js';
import { decodeReceiptFields } from '../../firmware/format/dock-proofs.js';
import { SEALED_HEADER_LENGTH } from '../../firmware/format/sealed-segment.js';
import { CAMERA_PUBLIC_FILE, CHAIN_LOG_FILE, SEGMENTS_DIR, segmentFileName } from '../evidence/evidence-layout.js';
import { readCameraIdentity } from '../keys/key-files.js';
import { readDockPublicKey } from '../dock/dock-key.js';
import { isEvidenceStore } from '../store/evidence-store.js';
import { segmentOfEntry } from '../store/store-replay.js';
import { CAMERAS_DIR, OBJECTS_DIR, STAGING_DIR, STORE_DB_FILE } from '../store/store-schema.js';
import { LOG_DIR } from '../store/store-log.js';
import { ROLL_IT_BACK, isUnfinishedWrite, openReadOnlyStoreDb, unfinishedWrite } from '../store/read-only-database.js';
import { hashFile, type HashedFile } from './sealed-file-hash.js';
import { checkStoreLog, compareTables } from './store-log-check.js';
import { verifyEvidence, type ChainEntry, type VerifyReport } from './verify-evidence.js';
import { formatVerifyReport } from './verify-report.js';

export { isEvidenceStore };

export interface StoreVerifyOptions {
  /** camera.pub files from provisioning: only these cameras, with these keys, may be in the store. */
  cameraFiles?: string[];
  /** A directory of provisioned cameras' DEVICEID.pub (KEYDIR/cameras). */
  camerasDir?: string;
  /** The dock key file (or its public part) that must sign the store's log. */
  dockKeyFile?: string;
}

export interface StoreVerifyReport {
  ok: boolean;
  store: string;
  cameras: VerifyReport[];
  segments: number;
  /** Segments stored in the database but not yet named by the camera's committed chain. */
  pending: number;
  logEntries: number;
  bytesHashed: number;
  failures: string[];
  notes: string[];
  /** Rollbacks and forks the dock refused, from the log. */
  alarms: string[];
}

interface StoredSegmentEntry { index: number; deviceId: string; digest: string; recording: number; segmentIndex: number; sequence: number; length: number; ended: boolean }

const STORE_TOP_LEVEL = new Set([STORE_DB_FILE, `${STORE_DB_FILE}-journal`, OBJECTS_DIR, CAMERAS_DIR, STAGING_DIR, LOG_DIR]);

export function verifyStore(dir: string, port: CryptoPort, options: StoreVerifyOptions = {}): StoreVerifyReport {
  const report: StoreVerifyReport = { ok: false, store: dir, cameras: [], segments: 0, pending: 0, logEntries: 0, bytesHashed: 0, failures: [], notes: [], alarms: [] };
  const failures = report.failures;
  const pinned = pinnedCameras(port, options);
  let db: Database.Database;
  try {
    db = openReadOnlyStoreDb(dir);
  } catch (error) {
    if (isUnfinishedWrite(error)) {
      failures.push(`${unfinishedWrite(STORE_DB_FILE)}: verify changes nothing, so it cannot roll that write back; ${ROLL_IT_BACK}, then verify again`);
    } else {
      failures.push(`${STORE_DB_FILE} cannot be read as a database (${(error as Error).message}): it was damaged or replaced`);
    }
    return report;
  }
  try {
    const log = checkStoreLog(dir, port, options.dockKeyFile ? readDockPublicKey(options.dockKeyFile) : undefined, failures);
    report.logEntries = log.entries.length;
    if (!options.dockKeyFile && log.dockPublicKey) report.notes.push(`the log's dock key was taken from the store itself; pass --dock-key DOCK.key (its public part is enough) to pin it`);
    compareTables(db, log.replay, failures);
    log.replay.close();

    for (const name of fs.readdirSync(dir)) if (!STORE_TOP_LEVEL.has(name)) failures.push(`${name} is not part of an evidence store (docs/STORE.md section 1): something was added`);

    // What the log says the store holds.
    const cameraKeys = new Map<string, Uint8Array>();
    const segments = new Map<string, StoredSegmentEntry>();
    const generations = new Map<string, { generation: number; index: number; records: number; headLink: Uint8Array; chainDigest: Uint8Array; chainLength: number }[]>();
    const receipts: { index: number; deviceId: string; sequence: number; records: number; headLink: Uint8Array; digest: string }[] = [];
    for (const [index, entry] of log.entries.entries()) {
      if (entry.type === 'camera-pinned') {
        const id = toHex(entry.deviceId);
        cameraKeys.set(id, entry.publicKey);
        const want = pinned?.get(id);
        if (pinned && !want) failures.push(`camera ${id} "${entry.label}" (log entry #${index}) is not one of the pinned cameras: a camera the agency did not provision (fabricated, or re-keyed under a new identity)`);
        else if (want && !bytesEqual(want, entry.publicKey)) failures.push(`camera ${id} (log entry #${index}) was pinned with another key than the provisioned one: re-keyed`);
      } else if (entry.type === 'segment-stored') {
        let record;
        try {
          record = segmentOfEntry(entry);
        } catch {
          continue; // The replay named it.
        }
        segments.set(toHex(record.sealedDigest), { index, deviceId: toHex(entry.deviceId), digest: toHex(record.sealedDigest), recording: record.recording, segmentIndex: record.segmentIndex, sequence: record.sequence, length: record.sealedLength, ended: false });
      } else if (entry.type === 'segment-ended') {
        const s = segments.get(toHex(entry.sealedDigest));
        if (s) s.ended = true;
      } else if (entry.type === 'chain-committed') {
        const id = toHex(entry.deviceId);
        generations.set(id, [...(generations.get(id) ?? []), { generation: entry.generation, index, records: entry.records, headLink: entry.headLink, chainDigest: entry.chainDigest, chainLength: entry.chainLength }]);
      } else if (entry.type === 'receipt-issued') {
        try {
          const r = decodeReceiptFields(entry.fields);
          receipts.push({ index, deviceId: toHex(r.deviceId), sequence: r.segmentSequence, records: r.records, headLink: r.headLink, digest: toHex(r.sealedDigest) });
        } catch {
          // The replay named it.
        }
      } else if (entry.type === 'alarm') {
        report.alarms.push(`log entry #${index} at ${new Date(entry.time).toISOString()}: ${entry.text}`);
      }
    }

    // Objects: each hashed once; verify-evidence reuses the hash for the same file (a hard link).
    const hashes = new Map<string, HashedFile>();
    const hashOnce = (file: string, headerLength: number): HashedFile => {
      const stat = fs.statSync(file);
      const key = `${stat.dev}:${stat.ino}:${stat.size}:${stat.mtimeMs}`;
      let hashed = hashes.get(key);
      if (!hashed || hashed.head.length < headerLength) {
        hashed = hashFile(file, Math.max(headerLength, SEALED_HEADER_LENGTH));
        report.bytesHashed += hashed.size;
        hashes.set(key, hashed);
      }
      return hashed;
    };
    const objectsDir = path.join(dir, OBJECTS_DIR);
    const objects = new Set(fs.existsSync(objectsDir) ? fs.readdirSync(objectsDir) : []);
    for (const name of objects) {
      const digest = name.endsWith('.seg') ? name.slice(0, -4) : '';
      if (!segments.has(digest)) failures.push(`${OBJECTS_DIR}/${name} is not committed to by the store's log: a foreign object, put there without the dock`);
    }
    for (const s of segments.values()) {
      report.segments++;
      const what = `segment ${s.recording}/${s.segmentIndex} of camera ${s.deviceId} (stored by log entry #${s.index})`;
      const name = `${s.digest}.seg`;
      if (!objects.has(name)) {
        if (!s.ended) failures.push(`${what} is gone: ${OBJECTS_DIR}/${name} is missing and the log records no lawful end for it; the footage was deleted`);
        continue;
      }
      const hashed = hashOnce(path.join(objectsDir, name), SEALED_HEADER_LENGTH);
      if (hashed.size !== s.length || toHex(hashed.digest) !== s.digest) {
        failures.push(`segment ${s.recording}/${s.segmentIndex} of camera ${s.deviceId}: ${OBJECTS_DIR}/${name} no longer matches its SHA-256; the stored footage was altered`);
      }
    }

    // Cameras: every generation committed, each current chain extending all of them.
    const camerasDir = path.join(dir, CAMERAS_DIR);
    const cameraDirs = fs.existsSync(camerasDir) ? fs.readdirSync(camerasDir) : [];
    for (const id of cameraDirs) if (!cameraKeys.has(id)) failures.push(`${CAMERAS_DIR}/${id} is not a camera the store's log pinned: a fabricated camera`);
    for (const [id, key] of cameraKeys) {
      const gens = generations.get(id) ?? [];
      const root = path.join(camerasDir, id);
      if (!gens.length) {
        report.notes.push(`camera ${id}: pinned, but no chain committed yet`);
        continue;
      }
      const r = checkCamera(root, id, key, port, gens, segments, objectsDir, hashOnce, failures);
      if (!r) continue;
      report.cameras.push(r.report);
      checkExtends(id, r.entries, gens, receipts, failures);
      const records = r.entries.length;
      for (const s of segments.values()) if (s.deviceId === id && s.sequence >= records) report.pending++;
    }
    if (!cameraKeys.size) failures.push(`the store holds no camera's evidence: nothing was ever stored in it (if a docking failed, the dock's log says why)`);
    report.ok = failures.length === 0;
  } finally {
    db.close();
  }
  return report;
}

function pinnedCameras(port: CryptoPort, options: StoreVerifyOptions): Map<string, Uint8Array> | undefined {
  if (!options.cameraFiles?.length && !options.camerasDir) return undefined;
  const files = [...(options.cameraFiles ?? [])];
  if (options.camerasDir) {
    if (!fs.existsSync(options.camerasDir) || !fs.statSync(options.camerasDir).isDirectory()) throw new Error(`--cameras ${options.camerasDir} is not a directory of provisioned cameras (KEYDIR/cameras/DEVICEID.pub)`);
    files.push(...fs.readdirSync(options.camerasDir).filter((n) => n.endsWith('.pub')).map((n) => path.join(options.camerasDir!, n)));
  }
  const pinned = new Map<string, Uint8Array>();
  for (const file of files) {
    const identity = readCameraIdentity(port, file);
    pinned.set(toHex(identity.deviceId), identity.publicKey);
  }
  return pinned;
}

type Gen = { generation: number; index: number; records: number; headLink: Uint8Array; chainDigest: Uint8Array; chainLength: number };

function checkCamera(root: string, id: string, key: Uint8Array, port: CryptoPort, gens: Gen[], segments: Map<string, StoredSegmentEntry>, objectsDir: string,
  hashOnce: (file: string, headerLength: number) => HashedFile, failures: string[]): { report: VerifyReport; entries: ChainEntry[] } | undefined {
  const where = `${CAMERAS_DIR}/${id}`;
  if (!fs.existsSync(root)) {
    failures.push(`${where} is gone: the log committed ${gens.length} chain generation(s) of this camera; its verified copy was deleted`);
    return undefined;
  }
  const names = new Set(fs.readdirSync(root));
  const genName = (g: number) => `gen-${String(g).padStart(6, '0')}`;
  for (const name of names) {
    if (name !== 'current' && !gens.some((g) => genName(g.generation) === name)) failures.push(`${where}/${name} is not a chain generation the store's log committed: added, or a generation was replaced`);
  }
  const byDigest = new Map([...segments.values()].filter((s) => s.deviceId === id).map((s) => [s.digest, s]));
  const byName = new Map([...byDigest.values()].map((s) => [segmentFileName(s.recording, s.segmentIndex), s]));
  for (const g of gens) {
    const gdir = path.join(root, genName(g.generation));
    const gwhere = `${where}/${genName(g.generation)}`;
    if (!names.has(genName(g.generation))) {
      failures.push(`${gwhere}, committed by log entry #${g.index}, is gone`);
      continue;
    }
    let chain: Uint8Array;
    try {
      chain = new Uint8Array(fs.readFileSync(path.join(gdir, CHAIN_LOG_FILE)));
    } catch {
      failures.push(`${gwhere}/${CHAIN_LOG_FILE} is missing`);
      continue;
    }
    if (chain.length !== g.chainLength || !bytesEqual(port.sha256(chain), g.chainDigest)) {
      failures.push(`${gwhere}/${CHAIN_LOG_FILE} is not the chain log entry #${g.index} committed (${chain.length} bytes, the log says ${g.chainLength}): edited, rolled back or replaced`);
    }
    try {
      const identity = readCameraIdentity(port, path.join(gdir, CAMERA_PUBLIC_FILE));
      if (!bytesEqual(identity.publicKey, key)) failures.push(`${gwhere}/${CAMERA_PUBLIC_FILE} holds another key than the one the store pinned for camera ${id}`);
    } catch (error) {
      failures.push(`${gwhere}/${CAMERA_PUBLIC_FILE}: ${(error as Error).message}`);
    }
    const segDir = path.join(gdir, SEGMENTS_DIR);
    for (const name of fs.existsSync(segDir) ? fs.readdirSync(segDir) : []) {
      const match = byName.get(name);
      const file = path.join(segDir, name);
      if (!match) {
        failures.push(`${gwhere}/${SEGMENTS_DIR}/${name} is not a segment the store's log holds for this camera: a file posing as footage (or as a lost segment) was added`);
        continue;
      }
      const object = path.join(objectsDir, `${match.digest}.seg`);
      const same = fs.existsSync(object) && fs.statSync(object).ino === fs.statSync(file).ino;
      if (!same) {
        const hashed = hashOnce(file, 0);
        if (hashed.size !== match.length || toHex(hashed.digest) !== match.digest) failures.push(`${gwhere}/${SEGMENTS_DIR}/${name} is not the stored segment (log entry #${match.index}): the generation's copy was edited`);
      }
    }
  }
  const last = gens.at(-1)!;
  let target: string | undefined;
  try {
    target = fs.readlinkSync(path.join(root, 'current'));
  } catch {
    target = undefined;
  }
  if (target !== genName(last.generation)) {
    failures.push(`${where}/current points to ${target ?? 'nothing'}, not to ${genName(last.generation)}, the last generation the log committed (entry #${last.index}): the camera's chain was repointed`);
    return undefined;
  }
  const current = path.join(root, 'current');
  const verified = verifyEvidence(current, { port, hashFile: hashOnce });
  // The key was held to the one the signed log pinned above, not merely taken from the copy.
  verified.report.notes = verified.report.notes.filter((n) => !n.startsWith('camera key taken from the evidence set itself'));
  if (!verified.report.ok) {
    failures.push(`camera ${id}: ${verified.report.failure?.message}`);
    return { report: verified.report, entries: verified.entries };
  }
  // Every segment the store holds and this chain names is in the current copy, unless lawfully ended.
  for (const s of byDigest.values()) {
    if (s.ended || s.sequence >= verified.entries.length) continue;
    const record = verified.entries[s.sequence]!.record;
    if (record.kind !== 'segment' || toHex(record.sealedDigest) !== s.digest) {
      failures.push(`segment ${s.recording}/${s.segmentIndex} (log entry #${s.index}) is not record #${s.sequence} of camera ${id}'s current chain`);
    } else if (!fs.existsSync(path.join(current, SEGMENTS_DIR, segmentFileName(s.recording, s.segmentIndex)))) {
      failures.push(`${where}/current/${SEGMENTS_DIR}/${segmentFileName(s.recording, s.segmentIndex)} is missing: the store holds segment ${s.recording}/${s.segmentIndex} (log entry #${s.index}) and its generation file was deleted`);
    }
  }
  return { report: verified.report, entries: verified.entries };
}

/** The current chain must pass through the head of every committed generation and every receipt. */
function checkExtends(id: string, entries: ChainEntry[], gens: Gen[], receipts: { index: number; deviceId: string; sequence: number; records: number; headLink: Uint8Array }[], failures: string[]): void {
  const passes = (records: number, head: Uint8Array) => records >= 1 && records <= entries.length && bytesEqual(entries[records - 1]!.link, head);
  for (const g of gens) {
    if (!passes(g.records, g.headLink)) failures.push(`camera ${id}'s current chain (${entries.length} records) does not extend generation ${g.generation} (log entry #${g.index}, ${g.records} records): rolled back or forked`);
  }
  for (const r of receipts) {
    if (r.deviceId === id && !passes(r.records, r.headLink)) {
      failures.push(`camera ${id}'s current chain (${entries.length} records) does not pass through the head the receipt for record #${r.sequence} (log entry #${r.index}) was issued after (${r.records} records): rolled back or forked`);
    }
  }
}

export function formatStoreReport(report: StoreVerifyReport): string {
  const lines = [`evidence store ${report.store}: ${report.cameras.length} cameras, ${report.segments} stored segments (${report.pending} awaiting their camera's next chain), ${report.logEntries} signed log entries`];
  for (const camera of report.cameras) lines.push(formatVerifyReport(camera).trimEnd().replace(/^/gm, '  '));
  for (const note of report.notes) lines.push(`note: ${note}`);
  for (const alarm of report.alarms) lines.push(`ALARM: ${alarm}`);
  for (const failure of report.failures) lines.push(`FAILED: ${failure}`);
  lines.push(report.ok ? 'VERIFIED: the signed log, every row, every camera chain, signature and stored segment check out' : 'FAILED: the store does not verify');
  return `${lines.join('\n')}\n`;
}
