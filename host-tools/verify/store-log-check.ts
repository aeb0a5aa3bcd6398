// verify STORE, part one: the signed log (docs/STORE.md section 3). Reads the entries, checks the
// checkpoint's signature and Merkle root over exactly those entries, replays them into a
// database in memory and compares every table of evidence.sqlite with that replay, row by row.
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { bytesEqual, toHex } from '../../firmware/format/bytes.js';
import type { CryptoPort } from '../../firmware/format/crypto-port.js';
import { decodeStoreEntry, type StoreEntry } from '../store/store-log-entries.js';
import { LOG_CHECKPOINT_FILE, LOG_DIR, LOG_ENTRIES_FILE, leafHash, openCheckpoint, readLogFrames, treeHash } from '../store/store-log.js';
import { applyStoreEntry } from '../store/store-replay.js';
import { EVIDENCE_TABLES, STORE_SCHEMA } from '../store/store-schema.js';

export interface CheckedLog {
  entries: StoreEntry[];
  dockPublicKey?: Uint8Array;
  /** The replay of the entries: what every table must hold. */
  replay: Database.Database;
}

/** Reads and checks the log; pushes what is wrong to `failures`. The replay stops at the first bad entry. */
export function checkStoreLog(dir: string, port: CryptoPort, pinnedDockKey: Uint8Array | undefined, failures: string[]): CheckedLog {
  const replay = new Database(':memory:');
  replay.exec(STORE_SCHEMA);
  const result: CheckedLog = { entries: [], replay };
  const entriesFile = path.join(dir, LOG_DIR, LOG_ENTRIES_FILE);
  const checkpointFile = path.join(dir, LOG_DIR, LOG_CHECKPOINT_FILE);
  if (!fs.existsSync(entriesFile) || !fs.existsSync(checkpointFile)) {
    failures.push(`${LOG_DIR}/${fs.existsSync(entriesFile) ? LOG_CHECKPOINT_FILE : LOG_ENTRIES_FILE} is missing: the store's signed log is gone (or the store was made before it), so nothing in it is proven`);
    return result;
  }
  const { frames, problem } = readLogFrames(new Uint8Array(fs.readFileSync(entriesFile)));
  if (problem) failures.push(`${LOG_DIR}/${LOG_ENTRIES_FILE}: ${problem}`);
  for (const frame of frames) {
    try {
      result.entries.push(decodeStoreEntry(frame.bytes));
    } catch (error) {
      failures.push(`log entry #${frame.index} at ${LOG_DIR}/${LOG_ENTRIES_FILE} offset ${frame.offset}: cannot be decoded: ${(error as Error).message}`);
      return result;
    }
  }
  const first = result.entries[0];
  if (first?.type !== 'store-opened') {
    failures.push(`log entry #0 is not store-opened: the log does not say which dock key signs it`);
    return result;
  }
  result.dockPublicKey = first.dockPublicKey;
  if (pinnedDockKey && !bytesEqual(pinnedDockKey, first.dockPublicKey)) {
    failures.push(`the log is signed by dock key ${toHex(first.dockPublicKey).slice(0, 16)}…, not by the dock key pinned with --dock-key (${toHex(pinnedDockKey).slice(0, 16)}…): another store, or a forged one`);
    return result;
  }
  try {
    const checkpoint = openCheckpoint(port, fs.readFileSync(checkpointFile, 'utf8'), first.dockPublicKey);
    if (checkpoint.size < frames.length) {
      // The dock signs a checkpoint after every entry, so a dock stopped between the two (a power
      // cut, a full disk) leaves exactly one uncovered: verify cannot tell that from a forged one.
      const why = frames.length - checkpoint.size === 1
        ? 'the entry was appended without the dock\'s key, or the dock stopped between writing it and signing its checkpoint (a power cut or a full disk); keep the store as it is and compare it with the dock\'s own records'
        : 'entries were appended without the dock\'s key';
      failures.push(`log entries #${checkpoint.size}..#${frames.length - 1} are not covered by the signed checkpoint (it covers ${checkpoint.size}): ${why}`);
    } else if (checkpoint.size > frames.length) {
      failures.push(`the signed checkpoint covers ${checkpoint.size} log entries, the log holds ${frames.length}: entries were removed from its end`);
    } else if (!bytesEqual(checkpoint.root, treeHash(port, frames.map((f) => leafHash(port, f.bytes))))) {
      failures.push(`the log's Merkle root is not the one the checkpoint signed: a log entry was edited, removed or inserted`);
    }
  } catch (error) {
    failures.push(`${LOG_DIR}/${LOG_CHECKPOINT_FILE}: ${(error as Error).message}`);
  }
  for (const [index, entry] of result.entries.entries()) {
    try {
      replay.transaction(() => applyStoreEntry(replay, port, entry, index))();
    } catch (error) {
      failures.push(`log entry #${index} (${entry.type}): ${(error as Error).message}`);
      break;
    }
  }
  return result;
}

type Row = Record<string, unknown>;
const MAX_ROW_FAILURES = 20;

/** Compares evidence.sqlite with the replay, table by table and row by row, naming each difference. */
export function compareTables(db: Database.Database, replay: Database.Database, failures: string[]): void {
  const expectedTables = new Set([...EVIDENCE_TABLES.map((t) => t.name)]);
  const tables = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'").all() as { name: string }[]).map((t) => t.name);
  for (const name of tables) if (!expectedTables.has(name)) failures.push(`evidence.sqlite holds a table "${name}" that is not part of a store (docs/STORE.md section 2)`);
  let reported = 0;
  for (const { name, orderBy } of EVIDENCE_TABLES) {
    if (!tables.includes(name)) {
      failures.push(`evidence.sqlite has no table "${name}"`);
      continue;
    }
    const keyColumns = orderBy.split(',').map((c) => c.trim());
    const keyOf = (row: Row) => keyColumns.map((c) => String(row[c])).join('/');
    let actual: Row[];
    try {
      actual = db.prepare(`SELECT * FROM ${name} ORDER BY ${orderBy}`).all() as Row[];
    } catch (error) {
      failures.push(`evidence.sqlite table "${name}" cannot be read as a store's: ${(error as Error).message}`);
      continue;
    }
    const expected = new Map((replay.prepare(`SELECT * FROM ${name} ORDER BY ${orderBy}`).all() as Row[]).map((r) => [keyOf(r), r]));
    const say = (text: string) => {
      if (reported++ < MAX_ROW_FAILURES) failures.push(text);
      else if (reported === MAX_ROW_FAILURES + 1) failures.push('more rows differ from the log; the first are named above');
    };
    for (const row of actual) {
      const key = keyOf(row);
      const wanted = expected.get(key);
      expected.delete(key);
      if (!wanted) {
        say(`evidence.sqlite ${name} row ${key} is not in the store's log: it was added without the dock`);
        continue;
      }
      const columns = new Set([...Object.keys(row), ...Object.keys(wanted)]);
      for (const column of columns) {
        if (row[column] !== wanted[column]) say(`evidence.sqlite ${name} row ${key}: ${column} is ${JSON.stringify(row[column])}, the signed log says ${JSON.stringify(wanted[column])}; the row was edited`);
      }
    }
    for (const key of expected.keys()) say(`evidence.sqlite ${name} row ${key}, which the signed log records, is missing: the row was deleted`);
  }
}
