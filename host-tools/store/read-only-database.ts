// A store's database opened for reading only. A dock killed inside a transaction leaves a hot
// journal (evidence.sqlite-journal): a read-write open would roll that write back, so a reader
// (verify, export, `chaincam store alarms`) must not make one, and says why it cannot read instead.
import path from 'node:path';
import Database from 'better-sqlite3';
import { STORE_DB_FILE } from './store-schema.js';

/** What a reader says of a store (`subject`) with a hot journal, before what the reader itself cannot do. */
export function unfinishedWrite(subject: string): string {
  return `${subject} holds a write the dock did not finish (${STORE_DB_FILE}-journal; the dock stopped mid-write)`;
}
/** What undoes it: the dock's own read-write open rolls the write back. */
export const ROLL_IT_BACK = 'start the dock on this store (or on a copy of it) once, which does';

/** The database of the store in `dir`, read-only and checked readable; closed again if it is not. */
export function openReadOnlyStoreDb(dir: string): Database.Database {
  const db = new Database(path.join(dir, STORE_DB_FILE), { readonly: true, fileMustExist: true });
  try {
    db.prepare('SELECT count(*) FROM sqlite_master').get();
  } catch (error) {
    db.close();
    throw error;
  }
  return db;
}

/** True for the error a read-only open of a store with a hot journal fails with. */
export function isUnfinishedWrite(error: unknown): boolean {
  return (error as { code?: string }).code === 'SQLITE_READONLY_ROLLBACK';
}
