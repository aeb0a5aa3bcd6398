// Benchmark: the records system's metadata at fleet scale (issue 17): a PostgreSQL database with
// the records tables (records-schema.ts, its indexes) seeded with 55,000 cameras at 500 stations
// and a year of recordings, about 20 million segment rows, then the three queries the records
// system runs most, each timed many times (p50, p99):
//   - a page of the web listing: a station's recordings in a date range, newest first, 50 a page;
//   - a recording's history: its segments in order and its access entries;
//   - an expiry pass's selection: the segments of recordings whose retention ran out that day,
//     without a legal hold (records-lifecycle.ts's query).
// The rows are generated inside PostgreSQL (INSERT ... SELECT over generate_series: as fast as
// COPY without shipping 20 M rows through the client) and are metadata only: no log, no objects.
//   npx tsx bench/records-scale.ts [--cameras 55000] [--segments 20000000] [--runs 200]
import { parseArgs } from 'node:util';
import pg from 'pg';
import { RECORDS_SCHEMA } from '../host-tools/records/records-schema.js';
import { freshRecordsServices } from '../test/support/records-services.js';

const DAY = 86_400_000;
const YEAR_START = Date.UTC(2025, 0, 1);

export async function recordsScale(options: { cameras?: number; segments?: number; runs?: number } = {}): Promise<Record<string, number>> {
  const cameras = options.cameras ?? 55_000;
  const segments = options.segments ?? 20_000_000;
  const runs = options.runs ?? 200;
  const stations = 500;
  const segmentsPerRecording = 5;
  const recordings = Math.ceil(segments / segmentsPerRecording);
  const services = await freshRecordsServices('bench-scale');
  const db = new pg.Client({ connectionString: services.settings.dbUrl });
  await db.connect();
  try {
    await db.query(RECORDS_SCHEMA);
    const seedStart = performance.now();
    // Stations and cameras: ids are md5 hex (32 digits) of a counter, as device ids look.
    await db.query(`INSERT INTO stations SELECT left(md5('dock' || i), 32), md5('key' || i) || md5('key2' || i), 'station ' || i, ${YEAR_START}, 'bench'
      FROM generate_series(0, ${stations - 1}) i`);
    await db.query(`INSERT INTO cameras SELECT left(md5('cam' || i), 32), md5('pk' || i), 'camera ' || i, ${YEAR_START} FROM generate_series(0, ${cameras - 1}) i`);
    // Recordings spread over the year; camera c is docked at station c % stations.
    await db.query(`INSERT INTO recordings SELECT left(md5('cam' || (r % ${cameras})), 32), r / ${cameras}, left(md5('dock' || ((r % ${cameras}) % ${stations})), 32),
        1 + (r % 9), 7, CASE WHEN r % 97 = 0 THEN 3 ELSE 0 END, '', t, t + 600000, t + 3600000, t + 3600000 + ${30 * DAY},
        r % 211 = 0, r % 97 = 0, CASE WHEN r % 97 = 0 THEN 'notice not given (notice reason 3)' END
      FROM (SELECT r, ${YEAR_START} + (r::bigint * ${Math.floor((365 * DAY) / recordings)}) AS t FROM generate_series(0, ${recordings - 1}) r) g`);
    await db.query(`INSERT INTO segments SELECT md5('seg' || r || '/' || s) || md5('seg2' || r || '/' || s), left(md5('cam' || (r % ${cameras})), 32), r / ${cameras}, s,
        s + 2, 400000, left(md5('dock' || ((r % ${cameras}) % ${stations})), 32), 0, ${YEAR_START} + r::bigint * ${Math.floor((365 * DAY) / recordings)} + 3600000, NULL, NULL
      FROM generate_series(0, ${recordings - 1}) r, generate_series(0, ${segmentsPerRecording - 1}) s`);
    await db.query(`INSERT INTO people VALUES ('auditor park', 'auditor', ${YEAR_START}, 'bench')`);
    await db.query(`INSERT INTO access SELECT i, 'auditor park', 'view', 'recording ' || left(md5('cam' || (i % ${cameras})), 32) || ':' || (i / ${cameras}), 'audit', ${YEAR_START} + i
      FROM generate_series(0, ${Math.min(recordings, 1_000_000) - 1}) i`);
    await db.query('ANALYZE');
    const seedSeconds = (performance.now() - seedStart) / 1000;
    const segmentRows = Number((await db.query('SELECT count(*) FROM segments')).rows[0].count);

    const time = async (run: (i: number) => Promise<unknown>, n: number) => {
      const ms: number[] = [];
      for (let i = 0; i < n; i++) {
        const t0 = performance.now();
        await run(i);
        ms.push(performance.now() - t0);
      }
      ms.sort((a, b) => a - b);
      return { p50: ms[Math.floor(n * 0.5)]!, p99: ms[Math.min(n - 1, Math.floor(n * 0.99))]! };
    };
    const pick = (i: number, n: number) => (Math.imul(i + 1, 2654435761) >>> 0) % n;
    const listing = await time((i) => db.query(`SELECT device_id, recording, start_time, end_time, legal_ground, notice_reason, review, legal_hold, retain_until
        FROM recordings WHERE station = left(md5('dock' || $1::int), 32) AND start_time >= $2 AND start_time < $3 ORDER BY start_time DESC LIMIT 50`,
      [pick(i, stations), YEAR_START + pick(i, 300) * DAY, YEAR_START + (pick(i, 300) + 30) * DAY]), runs);
    const history = await time(async (i) => {
      const r = pick(i, recordings);
      const device = (await db.query(`SELECT left(md5('cam' || $1::int), 32) AS d`, [r % cameras])).rows[0].d as string;
      await db.query('SELECT sealed_digest, segment_index, sealed_length, stored_at, ended_at, end_rule FROM segments WHERE device_id = $1 AND recording = $2 ORDER BY segment_index', [device, Math.floor(r / cameras)]);
      await db.query('SELECT log_entry, person, action, reason, at FROM access WHERE target = $1 ORDER BY log_entry', [`recording ${device}:${Math.floor(r / cameras)}`]);
    }, runs);
    const expiry = await time((i) => db.query(`SELECT s.sealed_digest, s.device_id, s.recording, s.segment_index, r.first_stored_at, r.retain_until
        FROM recordings r JOIN segments s ON s.device_id = r.device_id AND s.recording = r.recording
        WHERE r.retain_until <= $1 AND r.retain_until > $2 AND NOT r.legal_hold AND s.ended_at IS NULL`, [YEAR_START + (40 + pick(i, 300)) * DAY, YEAR_START + (39 + pick(i, 300)) * DAY]), Math.max(10, Math.floor(runs / 10)));
    return {
      cameras, stations, 'recordings rows': recordings, 'segment rows': segmentRows, 'seed seconds': Math.round(seedSeconds),
      'listing page p50 ms': round1(listing.p50), 'listing page p99 ms': round1(listing.p99),
      'recording history p50 ms': round1(history.p50), 'recording history p99 ms': round1(history.p99),
      "expiry pass (one day's expired segments) p50 ms": round1(expiry.p50), 'expiry pass p99 ms': round1(expiry.p99),
    };
  } finally {
    await db.end();
    await services.drop();
  }
}

const round1 = (n: number) => Math.round(n * 10) / 10;

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({ options: { cameras: { type: 'string', default: '55000' }, segments: { type: 'string', default: '20000000' }, runs: { type: 'string', default: '200' } } });
  const figures = await recordsScale({ cameras: Number(values.cameras), segments: Number(values.segments), runs: Number(values.runs) });
  for (const [what, value] of Object.entries(figures)) process.stdout.write(`  ${what.padEnd(48)} ${value.toLocaleString('en-US')}\n`);
}
