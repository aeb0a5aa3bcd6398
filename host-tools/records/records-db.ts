// The records system's PostgreSQL side (node-postgres): the schema, the records log's append
// (every change is an entry, applied to the tables and appended to records_log in ONE transaction,
// then signed into a checkpoint), and the reads the server, the lifecycle commands and verify need.
// Writers are serialised by a transaction-scoped advisory lock, so two servers on one database
// cannot interleave log entries; each keeps the Merkle tree's right edge and reloads it when
// another writer moved the log on.
import pg from 'pg';
import type { CryptoPort } from '../../firmware/format/crypto-port.js';
import { encodeRecordsEntry, decodeRecordsEntry, type AccessAction, type RecordsEntry, type Role } from './records-log-entries.js';
import { MerklePeaks, openRecordsCheckpoint, signRecordsCheckpoint, type RecordsKey } from './records-log.js';
import { bytesEqual } from '../../firmware/format/bytes.js';
import { applyRecordsEntry } from './records-replay.js';
import { RECORDS_SCHEMA, RECORDS_TABLES, tableShape, type Row } from './records-schema.js';
import { BufferedTables, literal, type RowRef } from './records-buffered-tables.js';
import { IngestTrace } from './records-ingest-trace.js';

// bigint columns hold ms times and counts, all below 2^53: read them as numbers.
pg.types.setTypeParser(pg.types.builtins.INT8, (value: string) => Number(value));

/** Any object that runs SQL: the pool or a client inside a transaction. */
export type Queryable = Pick<pg.PoolClient, 'query'>;

const LOG_LOCK = 17_0017; // pg_advisory_xact_lock key of the records log's single writer

/** A change appended: its entries are #first .. #size-1; the checkpoint signed with it covers checkpointSize entries. */
export interface Committed { first: number; size: number; checkpoint: string; checkpointSize: number }

interface PendingCommit {
  build: RecordsEntry[] | ((tables: BufferedTables) => Promise<RecordsEntry[]>);
  prefetch?: readonly RowRef[];
  resolve(committed: Committed | undefined): void;
  reject(error: unknown): void;
  rejected?: boolean;
}

/** At most this many changes share one transaction. */
const MAX_GROUP = 64;

export interface RecordsDbOptions {
  port: CryptoPort;
  /** Signs the log; without it the database is opened to read (verify, the web page's reads). */
  key?: RecordsKey;
  /** Writes a checkpoint to the Object Lock bucket; commit() returns once one covering its entries is written. */
  onCheckpoint?: (size: number, checkpoint: string) => Promise<void>;
  now?: () => number;
  /** Verify's connection: every transaction read-only, and the schema is not touched. */
  readOnly?: boolean;
}

export class RecordsDb {
  readonly pool: pg.Pool;
  readonly #options: RecordsDbOptions;
  #peaks?: MerklePeaks;
  /** Changes waiting for the next transaction; one transaction at a time in this process (the advisory lock serialises processes). */
  readonly #pending: PendingCommit[] = [];
  #draining = false;
  /** The newest checkpoint signed here, and the size of the newest one written to the bucket. */
  #latest?: Committed;
  #published = 0;
  #publishing?: Promise<void>;
  readonly #trace = IngestTrace.fromEnvironment();

  private constructor(pool: pg.Pool, options: RecordsDbOptions) {
    this.pool = pool;
    this.#options = options;
  }

  /** Connects and makes sure the schema is there (idempotent). */
  static async open(url: string, options: RecordsDbOptions): Promise<RecordsDb> {
    const pool = new pg.Pool({ connectionString: url, max: 20, ...(options.readOnly ? { options: '-c default_transaction_read_only=on' } : {}) });
    pool.on('error', () => undefined); // an idle client's lost connection: the next query reports it
    try {
      const client = await pool.connect();
      try {
        if (options.readOnly) {
          const found = await client.query("SELECT to_regclass('records_log') AS log");
          if (!found.rows[0].log) throw new Error('it holds no records tables (chaincam records init makes them)');
          return new RecordsDb(pool, options);
        }
        await client.query('BEGIN');
        await client.query('SELECT pg_advisory_xact_lock($1)', [LOG_LOCK]);
        await client.query(RECORDS_SCHEMA);
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw error;
      } finally {
        client.release();
      }
    } catch (error) {
      await pool.end().catch(() => undefined);
      throw new Error(`cannot open the records database at ${redact(url)}: ${(error as Error).message} (start it with npm run services, or set CHAINCAM_PG_URL / --db)`);
    }
    return new RecordsDb(pool, options);
  }

  now(): number {
    return (this.#options.now ?? Date.now)();
  }

  async close(): Promise<void> {
    while (this.#draining || this.#pending.length) await new Promise((resolve) => setImmediate(resolve));
    await this.pool.end();
  }

  /**
   * Appends entries to the log in one transaction: each is applied to the tables first (an entry
   * that would not apply never reaches the log), then the log grows and a new checkpoint is
   * signed. `build` runs inside the transaction, under the log lock, so what it reads stays true;
   * the rows named in `prefetch` are read for the whole batch at once before any build runs.
   * Returns once a checkpoint covering the entries is in the bucket (when onCheckpoint is given).
   *
   * Group commit: the changes that arrive while a transaction runs go into the next one together
   * (each behind its own savepoint, so one that does not apply is refused alone), with one lock,
   * one checkpoint signature and one fsync for all of them.
   */
  commit(build: RecordsEntry[] | ((tables: BufferedTables) => Promise<RecordsEntry[]>), prefetch?: readonly RowRef[]): Promise<Committed | undefined> {
    const run = new Promise<Committed | undefined>((resolve, reject) => {
      this.#pending.push({ build, prefetch, resolve, reject });
      void this.#drain();
    });
    // The checkpoint goes to the bucket outside the writers' queue: appends go on meanwhile.
    return run.then(async (committed) => {
      if (committed) await this.#publish(committed);
      return committed;
    });
  }

  async #drain(): Promise<void> {
    if (this.#draining) return;
    this.#draining = true;
    try {
      while (this.#pending.length) {
        const batch = this.#pending.splice(0, MAX_GROUP);
        await (this.#trace ? this.#trace.time('transaction (per batch)', () => this.#commitBatch(batch)) : this.#commitBatch(batch));
      }
    } finally {
      this.#draining = false;
    }
  }

  /**
   * Returns once a checkpoint covering at least `committed.checkpointSize` entries is in the
   * bucket. One write at a time; a writer that finds a newer checkpoint signed writes that one,
   * which covers every append before it.
   */
  async #publish(committed: Committed): Promise<void> {
    const onCheckpoint = this.#options.onCheckpoint;
    if (!onCheckpoint) return;
    if (!this.#latest || this.#latest.checkpointSize < committed.checkpointSize) this.#latest = committed;
    while (this.#published < committed.checkpointSize) {
      if (this.#publishing) {
        await this.#publishing.catch(() => undefined);
        continue;
      }
      const latest = this.#latest;
      const write = () => onCheckpoint(latest.checkpointSize, latest.checkpoint);
      const writing = (this.#trace ? this.#trace.time('checkpoint to the bucket', write) : write()).then(() => {
        this.#published = Math.max(this.#published, latest.checkpointSize);
      });
      this.#publishing = writing.finally(() => {
        this.#publishing = undefined;
      });
      await writing;
    }
  }

  /**
   * Returns once a checkpoint covering log entry `entry` is in the bucket. A change already in
   * the log is acked again (a dock's retry) only after this: the process that committed it may
   * have died between its COMMIT and its checkpoint's write, and an ack must never name an entry
   * no checkpoint in the bucket covers (docs/RECORDS.md section 3.3).
   */
  async published(entry: number): Promise<void> {
    if (!this.#options.onCheckpoint || this.#published > entry) return;
    const newest = await this.one<{ size: number; checkpoint: string }>('SELECT size, checkpoint FROM records_checkpoints ORDER BY size DESC LIMIT 1');
    if (!newest || newest.size <= entry) throw new Error(`no checkpoint signed covers records log entry #${entry}: run chaincam verify --records`);
    await this.#publish({ first: 0, size: newest.size, checkpoint: newest.checkpoint, checkpointSize: newest.size });
  }

  async #commitBatch(batch: PendingCommit[]): Promise<void> {
    const key = this.#options.key;
    if (!key) {
      for (const item of batch) item.reject(new Error('the records database was opened without the records key, which signs the log: nothing was changed'));
      return;
    }
    const port = this.#options.port;
    const done: { item: PendingCommit; first: number; size: number }[] = [];
    let client: pg.PoolClient | undefined;
    try {
      client = await this.pool.connect();
      // BEGIN, the log lock and the log's state in one round trip (simple query protocol: the
      // statements run in order, each only if the one before did): a writer's round trips are
      // paid by every change waiting behind it.
      const opened = await client.query(`BEGIN; SELECT pg_advisory_xact_lock(${LOG_LOCK}); SELECT records_public_key, entries FROM records_state WHERE id = 1`) as unknown as pg.QueryResult[];
      const state = opened[2]!.rows[0] as { records_public_key: string; entries: number } | undefined;
      if (state && state.records_public_key !== Buffer.from(key.publicKey).toString('hex')) {
        throw new Error(`this records database is kept by the records key ${state.records_public_key.slice(0, 16)}…, not by the key given`);
      }
      const size = state?.entries ?? 0;
      if (!this.#peaks || this.#peaks.size !== size) this.#peaks = await this.#loadPeaks(client, size);
      let peaks = this.#peaks.clone();
      const tables = new BufferedTables(client);
      // The rows every change of the batch will read, in one round trip under the lock, rather
      // than one round trip per change while every other change waits.
      await tables.prefetch(batch.flatMap((item) => item.prefetch ?? []));
      const append = async (entry: RecordsEntry) => {
        const index = peaks.size;
        try {
          await applyRecordsEntry(tables, port, entry, index);
        } catch (error) {
          throw new Error(`${entry.type} refused: it ${(error as Error).message}; nothing was changed`);
        }
        const bytes = encodeRecordsEntry(entry);
        tables.write(`INSERT INTO records_log (seq, entry) VALUES (${index}, ${literal(bytes)})`);
        peaks.appendEntry(bytes);
      };
      if (size === 0) await append({ type: 'records-opened', time: this.now(), recordsPublicKey: key.publicKey });
      for (const item of batch) {
        const before = peaks.clone();
        const kept = tables.snapshot();
        try {
          const entries = Array.isArray(item.build) ? item.build : await item.build(tables);
          for (const entry of entries) await append(entry);
          done.push({ item, first: before.size, size: peaks.size });
        } catch (error) {
          peaks = before;
          tables.restore(kept);
          item.rejected = true;
          item.reject(error);
        }
      }
      if (peaks.size === size) {
        await client.query('ROLLBACK');
        for (const d of done) d.item.resolve(undefined);
        return;
      }
      const checkpoint = signRecordsCheckpoint(port, key, peaks.size, peaks.root);
      tables.write(`INSERT INTO records_checkpoints (size, checkpoint, edge) VALUES (${peaks.size}, ${literal(checkpoint)}, ${literal(peaks.edge)})`);
      await tables.flush('COMMIT');
      this.#peaks = peaks;
      for (const d of done) d.item.resolve(d.size === d.first ? undefined : { first: d.first, size: d.size, checkpoint, checkpointSize: peaks.size });
    } catch (error) {
      await client?.query('ROLLBACK').catch(() => undefined);
      this.#peaks = undefined; // reload next time: what the database holds is the truth
      for (const item of batch) if (!item.rejected) item.reject(error);
    } finally {
      client?.release();
    }
  }

  /**
   * The tree's edge at `size` entries: the one stored with the checkpoint of that size when it
   * reproduces the root that checkpoint signs with this key (a stored edge is trusted no further
   * than the signature), else read from the whole log (which at a fleet's year, ~45 M entries,
   * takes minutes: bench/records-scale.ts).
   */
  async #loadPeaks(db: Queryable, size: number): Promise<MerklePeaks> {
    const port = this.#options.port;
    const stored = (await db.query('SELECT checkpoint, edge FROM records_checkpoints WHERE size = $1', [size])).rows[0] as { checkpoint: string; edge: Buffer | null } | undefined;
    if (stored?.edge && this.#options.key) {
      try {
        const signed = openRecordsCheckpoint(port, stored.checkpoint, this.#options.key.publicKey);
        const peaks = MerklePeaks.fromEdge(port, size, new Uint8Array(stored.edge));
        if (signed.size === size && bytesEqual(signed.root, peaks.root)) return peaks;
      } catch {
        // not a signed checkpoint of this key, or not an edge: read the log instead
      }
    }
    return this.#readPeaks(db, size);
  }

  async #readPeaks(db: Queryable, size: number): Promise<MerklePeaks> {
    const peaks = new MerklePeaks(this.#options.port);
    for await (const entry of this.logEntries(db)) {
      if (entry.seq !== peaks.size) throw new Error(`records_log has entry #${entry.seq} where #${peaks.size} belongs: run chaincam verify --records and keep the database as it is`);
      peaks.appendEntry(entry.bytes);
    }
    if (peaks.size !== size) throw new Error(`records_log holds ${peaks.size} entries but the tables were built from ${size}: run chaincam verify --records and keep the database as it is`);
    return peaks;
  }

  /** The log's entries in order, read in pages (the log can be long). */
  async *logEntries(db: Queryable = this.pool): AsyncGenerator<{ seq: number; bytes: Uint8Array }> {
    let from = -1;
    for (;;) {
      const page = (await db.query('SELECT seq, entry FROM records_log WHERE seq > $1 ORDER BY seq LIMIT 5000', [from])).rows as { seq: number; entry: Buffer }[];
      for (const row of page) yield { seq: row.seq, bytes: new Uint8Array(row.entry) };
      if (page.length < 5000) return;
      from = page.at(-1)!.seq;
    }
  }

  async decodedLog(): Promise<RecordsEntry[]> {
    const entries: RecordsEntry[] = [];
    for await (const e of this.logEntries()) entries.push(decodeRecordsEntry(e.bytes));
    return entries;
  }

  async one<T>(sql: string, args: unknown[] = []): Promise<T | undefined> {
    return (await this.pool.query(sql, args)).rows[0] as T | undefined;
  }

  async all<T>(sql: string, args: unknown[] = []): Promise<T[]> {
    return (await this.pool.query(sql, args)).rows as T[];
  }

  async tableRows(table: string): Promise<Row[]> {
    const shape = tableShape(table);
    return this.all<Row>(`SELECT ${shape.columns.join(', ')} FROM ${table} ORDER BY ${shape.key.join(', ')}`);
  }

  /** The records public key the log was opened with (entry #0), if any. */
  async recordsPublicKey(): Promise<string | undefined> {
    return (await this.one<{ records_public_key: string }>('SELECT records_public_key FROM records_state WHERE id = 1'))?.records_public_key;
  }

  /** Starts the log (entry #0, records-opened, with the records key) if it is empty. */
  async openLog(): Promise<void> {
    await this.commit([]);
  }

  async enrolDock(dockPublicKey: Uint8Array, station: string, by: string): Promise<Committed | undefined> {
    return this.commit([{ type: 'dock-enrolled', time: this.now(), dockPublicKey, station, by }]);
  }

  async addPerson(name: string, role: Role, by: string): Promise<Committed | undefined> {
    return this.commit([{ type: 'person-added', time: this.now(), name, role, by }]);
  }

  /**
   * Logs one access by a person (search, view, export, retention, legal-hold) in the signed log,
   * with why: an auditor sees it, and deleting or editing it is as detectable as deleting footage.
   */
  async logAccess(person: string, action: AccessAction, target: string, reason: string): Promise<number> {
    const committed = await this.commit([{ type: 'access', time: this.now(), person, action, target, reason }]);
    return committed!.size - 1;
  }
}

/** The URL without its password, for messages. */
export function redact(url: string): string {
  return url.replace(/\/\/([^:/@]+):[^@]*@/, '//$1:***@');
}

export const RECORDS_TABLE_NAMES = RECORDS_TABLES.map((t) => t.name);
