// Seeds a records database (its tables made by RecordsDb.open and RecordsPeople.open: the schema's
// own tables and indexes) with a fleet's year: cameras at stations, recordings, their segments, the
// camera chains, people's access entries, and the records log's entries of every kind in the count
// and size a year makes. Rows are generated inside PostgreSQL (INSERT ... SELECT over
// generate_series), so 20 M rows never cross the client. For speed the big tables are loaded with
// their secondary indexes, primary keys and foreign keys dropped, which are then rebuilt from the
// catalog's own definitions; the seed fails unless the catalog ends exactly as the schema made it.
//
// The log entries have the real encodings (RecordsEntry byte for byte, so lifecycleOf decodes
// them) but no real chain behind them: segment-stored carries an 82-byte record body of the right
// shape, not a signed camera record, and the checkpoint row is not a valid signature. It is a
// metadata benchmark. Entries come in regions (header, then per recording its five segment-stored
// and a chain-committed, then the flags, holds, retention extensions, access and segment-ended
// entries): the seq order is not the time order, which no query here depends on.
import pg from 'pg';
import { encodeRecordsEntry } from '../host-tools/records/records-log-entries.js';
import type { RecordsKey } from '../host-tools/records/records-log.js';

const DAY = 86_400_000;
export const YEAR_START = Date.UTC(2025, 0, 1);
/** The bench's "now": the end of the seeded year. Expiry ran every day before it. */
export const YEAR_END = YEAR_START + 365 * DAY;
export const SEGMENTS_PER_RECORDING = 5;
const SEGMENT_MS = 120_000;

export interface FleetShape { cameras: number; stations: number; recordings: number; accessEntries: number }

/** Recording r (0 .. recordings-1, in time order) and everything about it, as SQL over a column r. */
export function fleetSql(f: FleetShape) {
  const step = Math.floor((365 * DAY) / f.recordings);
  const cam = `(r % ${f.cameras})`;
  return {
    step,
    cam,
    device: `left(md5('cam' || ${cam}), 32)`,
    number: `(r / ${f.cameras})`,
    dock: `left(md5('dock' || (${cam} % ${f.stations})), 32)`,
    start: `(${YEAR_START}::bigint + r::bigint * ${step})`,
    stored: `(${YEAR_START}::bigint + r::bigint * ${step} + 3600000)`,
    retain: `(${YEAR_START}::bigint + r::bigint * ${step} + 3600000 + (CASE WHEN r % 503 = 0 THEN 90 ELSE 30 END) * ${DAY}::bigint)`,
    hold: '(r % 211 = 0)',
    review: '(r % 97 = 0)',
  };
}

/** Where each region of the log starts (entry seq numbers). */
export function logRegions(f: FleetShape, endedSegments: number) {
  const per = (k: number) => Math.floor((f.recordings - 1) / k) + 1;
  const recordingsAt = f.stations + 2 + f.cameras;
  const flagsAt = recordingsAt + (SEGMENTS_PER_RECORDING + 1) * f.recordings;
  const holdsAt = flagsAt + per(97);
  const retentionAt = holdsAt + per(211);
  const accessAt = retentionAt + per(503);
  const endedAt = accessAt + f.accessEntries;
  return { recordingsAt, flagsAt, holdsAt, retentionAt, accessAt, endedAt, size: endedAt + endedSegments };
}

const BULK_TABLES = ['recordings', 'segments', 'access', 'records_log', 'chains', 'cameras', 'stations'];

/** The catalog's definition of every index and constraint of the seeded tables, to drop and rebuild. */
async function catalog(db: pg.Client) {
  const tables = BULK_TABLES.map((t) => `'${t}'::regclass`).join(', ');
  const constraints = (await db.query(`SELECT conrelid::regclass::text AS tbl, conname, contype, pg_get_constraintdef(oid) AS def FROM pg_constraint
    WHERE conrelid IN (${tables}) AND contype IN ('p', 'u', 'f') ORDER BY conrelid::regclass::text, conname`)).rows as { tbl: string; conname: string; contype: string; def: string }[];
  const indexes = (await db.query(`SELECT indexrelid::regclass::text AS name, pg_get_indexdef(indexrelid) AS def FROM pg_index i
    WHERE indrelid IN (${tables}) AND NOT EXISTS (SELECT FROM pg_constraint c WHERE c.conindid = i.indexrelid) ORDER BY 1`)).rows as { name: string; def: string }[];
  return { constraints, indexes };
}

/** Seeds the database; `progress` gets a line per step. Returns the seed's wall time in seconds. */
export async function seedFleetYear(url: string, f: FleetShape, key: RecordsKey, progress: (line: string) => void): Promise<{ seconds: number; logEntries: number; endedSegments: number }> {
  const clients = [new pg.Client({ connectionString: url }), new pg.Client({ connectionString: url })];
  const t0 = performance.now();
  const step = async <T>(what: string, run: () => Promise<T>): Promise<T> => {
    const started = performance.now();
    const result = await run();
    progress(`  seed: ${what} (${((performance.now() - started) / 1000).toFixed(1)} s, ${((performance.now() - t0) / 1000).toFixed(0)} s in all)`);
    return result;
  };
  try {
    for (const c of clients) {
      await c.connect();
      // Session settings of a bulk load only; the temporary functions encode a log text (u16 length, UTF-8) and a byte.
      await c.query(`SET synchronous_commit = off; SET maintenance_work_mem = '512MB'; SET work_mem = '256MB';
        CREATE FUNCTION pg_temp.txt(s text) RETURNS bytea LANGUAGE sql IMMUTABLE AS $$ SELECT substring(int4send(octet_length(convert_to(s, 'UTF8'))) from 3 for 2) || convert_to(s, 'UTF8') $$;
        CREATE FUNCTION pg_temp.b(v int) RETURNS bytea LANGUAGE sql IMMUTABLE AS $$ SELECT set_byte('\\x00'::bytea, 0, v) $$;`);
    }
    const [db, db2] = clients as [pg.Client, pg.Client];
    const before = await catalog(db);
    await step('dropped the seeded tables\' indexes and keys (rebuilt after the load)', async () => {
      for (const c of before.constraints.filter((c) => c.contype === 'f')) await db.query(`ALTER TABLE ${c.tbl} DROP CONSTRAINT ${c.conname}`);
      for (const c of before.constraints.filter((c) => c.contype !== 'f')) await db.query(`ALTER TABLE ${c.tbl} DROP CONSTRAINT ${c.conname}`);
      for (const i of before.indexes) await db.query(`DROP INDEX ${i.name}`);
    });
    const q = fleetSql(f);
    const ended = `NOT ${q.hold} AND ${q.retain} <= ${YEAR_END - DAY}`;
    const endedRecordings = Number((await db.query(`SELECT count(*) FROM generate_series(0, ${f.recordings - 1}) r WHERE ${ended}`)).rows[0].count);
    const endedSegments = endedRecordings * SEGMENTS_PER_RECORDING;
    const at = logRegions(f, endedSegments);
    const rule = `'retention: recording ' || ${q.number} || ' of camera ' || ${q.device} || ' kept ' || (CASE WHEN r % 503 = 0 THEN 90 ELSE 30 END) || ' days after it was first stored, until '
      || to_char(to_timestamp(${q.retain} / 1000.0) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') || ', with no legal hold (Art. 10-7)'`;
    const digest = `md5('seg' || r || '/' || s) || md5('seg2' || r || '/' || s)`;
    const views = `(i % 5 = 0)`;
    const viewed = `((i::bigint * 7919) % ${f.recordings})`;

    await step(`${f.stations} stations, ${f.cameras} cameras, their chains, one person, the log's first ${at.recordingsAt} entries`, async () => {
      await db.query(`INSERT INTO stations SELECT left(md5('dock' || i), 32), '04' || md5('k1' || i) || md5('k2' || i) || md5('k3' || i) || md5('k4' || i),
        'station ' || lpad(i::text, 4, '0'), ${YEAR_START}, 'records manager kim' FROM generate_series(0, ${f.stations - 1}) i`);
      await db.query(`INSERT INTO cameras SELECT left(md5('cam' || i), 32), '04' || md5('p1' || i) || md5('p2' || i) || md5('p3' || i) || md5('p4' || i),
        'camera ' || lpad(i::text, 5, '0'), ${YEAR_START} FROM generate_series(0, ${f.cameras - 1}) i`);
      await db.query(`INSERT INTO chains SELECT left(md5('cam' || i), 32), 400 * 365, 2 * 365, md5('h' || i) || md5('h2' || i), md5('d' || i) || md5('d2' || i),
        ${YEAR_END} - (i % 7) * ${DAY}::bigint FROM generate_series(0, ${f.cameras - 1}) i`);
      await db.query(`INSERT INTO people VALUES ('auditor park', 'auditor', ${YEAR_START}, 'records manager kim')`);
      await db.query('INSERT INTO records_log VALUES (0, $1)', [Buffer.from(encodeRecordsEntry({ type: 'records-opened', time: YEAR_START, recordsPublicKey: key.publicKey }))]);
      await db.query(`INSERT INTO records_log SELECT 1 + i, '\\x02'::bytea || int8send(${YEAR_START}::bigint) || decode(s.dock_public_key, 'hex') || pg_temp.txt(s.station) || pg_temp.txt(s.enrolled_by)
        FROM generate_series(0, ${f.stations - 1}) i JOIN stations s ON s.dock_id = left(md5('dock' || i), 32)`);
      await db.query(`INSERT INTO records_log VALUES (${f.stations + 1}, '\\x0a'::bytea || int8send(${YEAR_START}::bigint) || pg_temp.txt('auditor park') || '\\x03'::bytea || pg_temp.txt('records manager kim'))`);
      await db.query(`INSERT INTO records_log SELECT ${f.stations + 2} + i, '\\x03'::bytea || int8send(${YEAR_START}::bigint) || decode(c.device_id, 'hex') || decode(c.public_key, 'hex') || pg_temp.txt(c.label)
        FROM generate_series(0, ${f.cameras - 1}) i JOIN cameras c ON c.device_id = left(md5('cam' || i), 32)`);
    });
    await step(`${f.recordings.toLocaleString('en-US')} recordings, their flags, holds and retention extensions (rows and log entries)`, async () => {
      await db.query(`INSERT INTO recordings SELECT ${q.device}, ${q.number}, ${q.dock}, 1 + (r % 9), 7, CASE WHEN ${q.review} THEN 3 ELSE 0 END, '',
          ${q.start}, ${q.start} + ${SEGMENTS_PER_RECORDING * SEGMENT_MS}, ${q.stored}, ${q.retain}, ${q.hold}, ${q.review},
          CASE WHEN ${q.review} THEN 'notice not given (notice reason 3)' END
        FROM generate_series(0, ${f.recordings - 1}) r`);
      await db.query(`INSERT INTO records_log SELECT ${at.flagsAt} + r / 97, '\\x09'::bytea || int8send(${q.stored}) || decode(${q.device}, 'hex') || int4send(${q.number}::int)
          || pg_temp.txt('notice not given (notice reason 3)') FROM generate_series(0, ${f.recordings - 1}, 97) r`);
      await db.query(`INSERT INTO records_log SELECT ${at.holdsAt} + r / 211, '\\x07'::bytea || int8send(${q.stored} + ${DAY}) || decode(${q.device}, 'hex') || int4send(${q.number}::int)
          || '\\x01'::bytea || pg_temp.txt('case 2025-' || r || ': preservation order of the district prosecutor') || pg_temp.txt('records manager kim') FROM generate_series(0, ${f.recordings - 1}, 211) r`);
      await db.query(`INSERT INTO records_log SELECT ${at.retentionAt} + r / 503, '\\x06'::bytea || int8send(${q.stored} + ${DAY}) || decode(${q.device}, 'hex') || int4send(${q.number}::int)
          || int8send(${q.retain}) || pg_temp.txt('kept for the trial of case 2025-' || r) || pg_temp.txt('prosecutor lee, case 2025-' || r) FROM generate_series(0, ${f.recordings - 1}, 503) r`);
    });
    const segmentRows = f.recordings * SEGMENTS_PER_RECORDING;
    // The two biggest loads side by side, one connection each (one core each).
    await step(`${segmentRows.toLocaleString('en-US')} segment rows, and their segment-stored and chain-committed log entries (${((SEGMENTS_PER_RECORDING + 1) * f.recordings).toLocaleString('en-US')})`, () => Promise.all([
      db.query(`INSERT INTO segments SELECT ${digest}, ${q.device}, ${q.number}, s, ${q.number} * 7 + s + 2, 36000000 + (r % 1000) * 1000, ${q.dock},
          ${at.recordingsAt} + r::bigint * ${SEGMENTS_PER_RECORDING + 1} + s, ${q.stored},
          CASE WHEN ${ended} THEN ${q.retain} + 3600000 END, CASE WHEN ${ended} THEN ${rule} END
        FROM generate_series(0, ${f.recordings - 1}) r, generate_series(0, ${SEGMENTS_PER_RECORDING - 1}) s`),
      db2.query(`INSERT INTO records_log SELECT ${at.recordingsAt} + r::bigint * ${SEGMENTS_PER_RECORDING + 1} + s,
          CASE WHEN s < ${SEGMENTS_PER_RECORDING} THEN '\\x04'::bytea || int8send(${q.stored}) || decode(${q.dock}, 'hex') || decode(${q.device}, 'hex') || '\\x0052'::bytea
            || '\\x01'::bytea || int8send(${q.number} * 7 + s + 2) || '\\x0000000000'::bytea || int4send(${q.number}::int) || int4send(s) || int8send(${q.start} + s * ${SEGMENT_MS})
            || int8send(${q.start} + (s + 1) * ${SEGMENT_MS}) || pg_temp.b(1 + r % 9) || '\\x07'::bytea || pg_temp.b(CASE WHEN ${q.review} THEN 3 ELSE 0 END)
            || int8send(36000000 + (r % 1000) * 1000) || decode(${digest}, 'hex') || '\\x00'::bytea
          ELSE '\\x05'::bytea || int8send(${q.stored}) || decode(${q.device}, 'hex') || int8send((${q.number} + 1) * 400) || int4send((${q.number}::int + 1) * 7)
            || decode(md5('h' || r) || md5('h2' || r), 'hex') || decode(md5('d' || r) || md5('d2' || r), 'hex') END
        FROM generate_series(0, ${f.recordings - 1}) r, generate_series(0, ${SEGMENTS_PER_RECORDING}) s`),
    ]));
    await step(`${f.accessEntries.toLocaleString('en-US')} access entries (rows and log entries) and ${endedSegments.toLocaleString('en-US')} segment-ended log entries`, () => Promise.all([
      (async () => {
        await db.query(`INSERT INTO access SELECT ${at.accessAt} + i, 'auditor park', CASE WHEN ${views} THEN 'view' ELSE 'search' END,
            CASE WHEN ${views} THEN 'recording ' || left(md5('cam' || (${viewed} % ${f.cameras})), 32) || ':' || (${viewed} / ${f.cameras}) ELSE 'recordings?station=station+' || lpad((i % ${f.stations})::text, 4, '0') END,
            CASE WHEN ${views} THEN 'case 2025-' || i || ', asked by the district prosecutor' ELSE 'listing recordings (a search needs no reason)' END,
            ${YEAR_START} + i::bigint * ${Math.floor((365 * DAY) / Math.max(1, f.accessEntries))}
          FROM generate_series(0, ${f.accessEntries - 1}) i`);
        await db.query(`INSERT INTO records_log SELECT log_entry, '\\x0b'::bytea || int8send(at) || pg_temp.txt(person) || pg_temp.b(CASE WHEN action = 'view' THEN 2 ELSE 1 END)
            || pg_temp.txt(target) || pg_temp.txt(reason) FROM access`);
      })(),
      db2.query(`INSERT INTO records_log SELECT ${at.endedAt} - 1 + row_number() OVER (), '\\x08'::bytea || int8send(${q.retain} + 3600000) || decode(${digest}, 'hex') || pg_temp.txt(${rule})
        FROM generate_series(0, ${f.recordings - 1}) r, generate_series(0, ${SEGMENTS_PER_RECORDING - 1}) s WHERE ${ended}`),
    ]));
    await db.query(`INSERT INTO records_state VALUES (1, $1, ${at.size})`, [Buffer.from(key.publicKey).toString('hex')]);
    await db.query(`INSERT INTO records_checkpoints VALUES (${at.size}, $1)`, [`(a bench's stand-in for the checkpoint of ${at.size} entries: not signed)`]);
    await step('primary keys and unique keys rebuilt', async () => {
      for (const c of before.constraints.filter((c) => c.contype !== 'f')) await db.query(`ALTER TABLE ${c.tbl} ADD CONSTRAINT ${c.conname} ${c.def}`);
    });
    await step(`indexes rebuilt (${before.indexes.map((i) => i.name).join(', ')})`, async () => {
      // Two at a time, one per connection.
      const queue = [...before.indexes];
      await Promise.all(clients.map(async (c) => {
        for (let i = queue.shift(); i; i = queue.shift()) await c.query(i.def);
      }));
    });
    await step('foreign keys rebuilt (each checked over its table)', async () => {
      for (const c of before.constraints.filter((c) => c.contype === 'f')) await db.query(`ALTER TABLE ${c.tbl} ADD CONSTRAINT ${c.conname} ${c.def}`);
    });
    const after = await catalog(db);
    if (JSON.stringify(after) !== JSON.stringify(before)) throw new Error(`the seeded tables' indexes and keys differ from the schema's after the rebuild:\n${JSON.stringify(before)}\n${JSON.stringify(after)}`);
    // What autovacuum does to insert-only tables in a running system: visibility map and statistics.
    await step('VACUUM ANALYZE', () => db.query('VACUUM ANALYZE'));
    return { seconds: (performance.now() - t0) / 1000, logEntries: at.size, endedSegments };
  } finally {
    for (const c of clients) await c.end().catch(() => undefined);
  }
}
