// The records tables as the records log's append transaction sees them (records-db.ts): rows
// read once and kept, changes written together in one round trip. Writers of the log are
// serialised, so each round trip under its lock is paid by every dock waiting for an ack.
import type { Queryable } from './records-db.js';
import type { Tables } from './records-replay.js';
import { tableShape, type Cell, type Row } from './records-schema.js';

/** A row key in a table, for BufferedTables.prefetch. */
export type RowRef = readonly [table: string, key: readonly (string | number)[]];

/**
 * The tables as the append transaction sees them: rows are read once (prefetch reads many in one
 * round trip) and kept, changes are applied to what is kept and written together by flush(), in
 * one round trip with the log entries and the checkpoint. The records log's writers are
 * serialised, so every round trip under its lock costs the whole system: this keeps a change to
 * about one. A change that does not apply is undone in memory (snapshot/restore): nothing of it
 * reached the database.
 */
export class BufferedTables implements Tables {
  #rows = new Map<string, Row | null>();
  #writes: string[] = [];
  #state?: Row;

  constructor(readonly db: Queryable) {}

  static #id(table: string, key: readonly (string | number)[]): string {
    return `${table}\u0000${key.join('\u0000')}`;
  }

  async get(table: string, key: readonly (string | number)[]): Promise<Row | undefined> {
    if (table === 'records_state' && this.#state) return { ...this.#state };
    const id = BufferedTables.#id(table, key);
    if (!this.#rows.has(id)) await this.prefetch([[table, key]]);
    const row = this.#rows.get(id);
    if (table === 'records_state' && row) this.#state = { ...row };
    return row ? { ...row } : undefined;
  }

  /** Reads every row not yet kept, in one round trip. */
  async prefetch(refs: readonly RowRef[]): Promise<void> {
    const wanted = refs.filter(([table, key]) => !this.#rows.has(BufferedTables.#id(table, key)));
    if (!wanted.length) return;
    const args: unknown[] = [];
    const columns = wanted.map(([table, key], i) => {
      const shape = tableShape(table);
      const where = shape.key.map((k, j) => `${k} = $${args.push(key[j]) && args.length}`).join(' AND ');
      return `(SELECT row_to_json(r) FROM (SELECT ${shape.columns.join(', ')} FROM ${table} WHERE ${where}) r) AS r${i}`;
    });
    const row = (await this.db.query(`SELECT ${columns.join(', ')}`, args)).rows[0] as Record<string, Row | null>;
    wanted.forEach(([table, key], i) => this.#rows.set(BufferedTables.#id(table, key), row[`r${i}`] ?? null));
  }

  async insert(table: string, row: Row): Promise<void> {
    const shape = tableShape(table);
    const full = Object.fromEntries(shape.columns.map((c) => [c, row[c] ?? null])) as Row;
    this.#rows.set(BufferedTables.#id(table, shape.key.map((k) => full[k] as string | number)), full);
    if (table === 'records_state') this.#state = { ...full };
    this.#writes.push(`INSERT INTO ${table} (${shape.columns.join(', ')}) VALUES (${shape.columns.map((c) => literal(full[c]!)).join(', ')})`);
  }

  async update(table: string, key: readonly (string | number)[], changes: Row): Promise<void> {
    const shape = tableShape(table);
    const id = BufferedTables.#id(table, key);
    const row = table === 'records_state' ? this.#state : this.#rows.get(id);
    if (!row) throw new Error(`no row ${key.join('/')} in ${table}`);
    Object.assign(row, changes);
    if (table === 'records_state') return; // written once, by flush
    this.#rows.set(id, row);
    this.#writes.push(`UPDATE ${table} SET ${Object.keys(changes).map((c) => `${c} = ${literal(changes[c]!)}`).join(', ')} WHERE ${shape.key.map((k, i) => `${k} = ${literal(key[i]!)}`).join(' AND ')}`);
  }

  /** Appends a statement to the flush (the log's own rows). */
  write(statement: string): void {
    this.#writes.push(statement);
  }

  snapshot(): { rows: Map<string, Row | null>; writes: number; state?: Row } {
    return { rows: new Map([...this.#rows].map(([k, v]) => [k, v && { ...v }])), writes: this.#writes.length, state: this.#state && { ...this.#state } };
  }

  restore(snapshot: ReturnType<BufferedTables['snapshot']>): void {
    this.#rows = snapshot.rows;
    this.#writes.length = snapshot.writes;
    this.#state = snapshot.state;
  }

  /**
   * Writes every change kept, and records_state once, in one round trip; `then` (the
   * transaction's COMMIT) goes in the same round trip after them, and runs only if they all did.
   */
  async flush(then?: string): Promise<void> {
    if (this.#state) this.#writes.push(`UPDATE records_state SET entries = ${literal(this.#state.entries!)} WHERE id = 1`);
    if (then) this.#writes.push(then);
    if (this.#writes.length) await this.db.query(this.#writes.join(';\n'));
    this.#writes = [];
  }
}

/** A SQL literal (standard_conforming_strings, as PostgreSQL has by default since 9.1). */
export function literal(value: Cell | Uint8Array): string {
  if (value === null) return 'NULL';
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value)) throw new Error(`${value} is not a whole number the records tables hold`);
    return String(value);
  }
  if (value instanceof Uint8Array) return `'\\x${Buffer.from(value).toString('hex')}'::bytea`;
  if (value.includes('\u0000')) throw new Error('text with a NUL character cannot be stored in PostgreSQL');
  return `'${value.replace(/'/g, "''")}'`;
}
