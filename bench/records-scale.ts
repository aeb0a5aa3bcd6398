// Benchmark: the records system's metadata at fleet scale (issue 17). A PostgreSQL database with
// the records tables, made by RecordsDb.open and RecordsPeople.open (the schema's own tables and
// indexes), seeded by records-scale-seed.ts with 55,000 cameras at 500 stations and a year of
// recordings: ~20 M segment rows, the camera chains, access entries and the records log (~45 M
// entries of every kind, in a year's count and size; real encodings, no real signatures: it is a
// metadata benchmark). Then the records system's own functions, on a RecordsDb, each timed many
// times (p50 and p99) and held to a threshold:
//   - a page of the web listing: listRecordings (records-web-queries.ts) with the filters the page
//     offers (station and dates, camera, legal ground, notice not given, flagged for review, none),
//     the first page and the next page by its `after` cursor, as the web page calls it;
//   - a recording's history: what the recording page loads (records-web.ts, view): recording,
//     segmentsOf, chainOf, accessTo, latestCheckpoint and lifecycleOf (read from the log itself);
//   - an expiry pass at the end of the year, after a year of daily passes (every earlier expired
//     segment is ended, with its segment-ended entry): its selection (dueSegments, about one day's
//     expired segments) and its per-segment database work (logSegmentEnded: one signed log append
//     each), without the object store (records-lifecycle.ts expireRecordings does both, with S3).
//     A writer's first append loads the Merkle tree's edge: from the whole log when no edge is
//     stored with the checkpoint (the seeded database's, or one from before edges were stored),
//     else from the edge, checked against the signed root; both are timed and shown apart.
// The web page's own log append (a search or a view is an access entry) is the same append as an
// expiry's: the per-segment figure is its cost. Fails (exit 1) if a p50 or p99 is over its threshold.
//   npx tsx bench/records-scale.ts [--cameras 55000] [--segments 20000000] [--runs 200] [--explain]
// Measured at --segments 20000000 (2026-11-30, 2 shared cores, PostgreSQL 15 defaults; the whole
// table and what changed in docs/RECORDS.md section 8.1): seed 557 s (43.3 M log entries); listing
// pages p50 1.2-33 ms, p99 4-162 ms, except a station's review queue at 71.7 ms before its index
// (1.1 ms with it at 2 M segments); a recording's history p50 3.4 ms, p99 17.8 ms; an expiry
// pass's selection p50 2.5 s, p99 3.5 s (54,535 segments due), each segment ended p50 3.6 ms,
// p99 29 ms; a writer's first append 447 s reading the whole log, 8 ms from the stored edge.
// --explain prints EXPLAIN (ANALYZE, BUFFERS) of every query of one listing, history and expiry
// selection. The database is dropped at the end.
import crypto from 'node:crypto';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { NodeCryptoPort } from '../host-tools/crypto/node-crypto-port.js';
import { generateP256KeyPair } from '../firmware/format/key-derivation.js';
import { RecordsDb } from '../host-tools/records/records-db.js';
import { RecordsPeople } from '../host-tools/records/records-people.js';
import { dueSegments, logSegmentEnded, type DueSegment } from '../host-tools/records/records-lifecycle.js';
import { accessTo, chainOf, latestCheckpoint, lifecycleOf, listRecordings, parseFilters, recording, segmentsOf, type RecordingFilters } from '../host-tools/records/records-web-queries.js';
import { recordingTarget } from '../host-tools/records/records-web-pages.js';
import { freshRecordsServices } from '../test/support/records-services.js';
import { SEGMENTS_PER_RECORDING, YEAR_END, seedFleetYear } from './records-scale-seed.js';

/** The thresholds (ms): what a records manager waits for a page's database work, and an expiry pass's. */
export const THRESHOLDS = {
  listing: { p50: 50, p99: 250 },
  history: { p50: 50, p99: 250 },
  expirySelection: { p50: 3000, p99: 6000 },
  segmentEnded: { p50: 25, p99: 250 },
  /** A new writer process's first append (it loads the tree's edge): ms, once. */
  firstAppendFromEdge: 1000,
} as const;

interface Timing { p50: number; p99: number }

async function time(n: number, run: (i: number) => Promise<unknown>): Promise<Timing> {
  const ms: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    await run(i);
    ms.push(performance.now() - t0);
  }
  ms.sort((a, b) => a - b);
  return { p50: ms[Math.floor(n * 0.5)]!, p99: ms[Math.min(n - 1, Math.floor(n * 0.99))]! };
}

/** A spread of picks 0..n-1 that is the same every run. */
const pick = (i: number, n: number) => (Math.imul(i + 1, 2654435761) >>> 0) % n;
const date = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const round1 = (n: number) => Math.round(n * 10) / 10;

/** Prints each query's plan before running it (--explain): the pool's query, wrapped for one pass. */
function explaining(db: RecordsDb, print: (line: string) => void): () => void {
  const pool = db.pool as unknown as { query: (text: string, values?: unknown[]) => Promise<pg.QueryResult> };
  const query = pool.query.bind(pool);
  pool.query = async (text: string, values?: unknown[]) => {
    const plan = await query(`EXPLAIN (ANALYZE, BUFFERS) ${text}`, values);
    print(`\n${text.replace(/\s+/g, ' ').slice(0, 300)}\n${plan.rows.map((r: Record<string, string>) => r['QUERY PLAN']).join('\n')}`);
    return query(text, values);
  };
  return () => {
    pool.query = query;
  };
}

export async function recordsScale(options: { cameras?: number; segments?: number; runs?: number; explain?: boolean; progress?: (line: string) => void } = {}): Promise<Record<string, number>> {
  const progress = options.progress ?? ((line: string) => process.stderr.write(`${line}\n`));
  const cameras = options.cameras ?? 55_000;
  const stations = 500;
  const recordings = Math.ceil((options.segments ?? 20_000_000) / SEGMENTS_PER_RECORDING);
  const runs = options.runs ?? 200;
  const port = new NodeCryptoPort();
  const key = generateP256KeyPair(port);
  const services = await freshRecordsServices('bench-scale');
  let reader: RecordsDb | undefined;
  let writer: RecordsDb | undefined;
  try {
    // The records server's own opening: the schema, and the people schema the web page adds.
    reader = await RecordsDb.open(services.settings.dbUrl, { port });
    await RecordsPeople.open(reader);
    const shape = { cameras, stations, recordings, accessEntries: Math.round(recordings / 4) };
    const seed = await seedFleetYear(services.settings.dbUrl, shape, key, progress);
    const db = reader;
    const segmentRows = Number((await db.one<{ n: string }>('SELECT count(*) AS n FROM segments'))!.n);
    progress(`  seeded ${segmentRows.toLocaleString('en-US')} segment rows and ${seed.logEntries.toLocaleString('en-US')} log entries in ${seed.seconds.toFixed(0)} s`);

    // The listing's filters, as parseFilters reads them from the page's query string.
    const day0 = (i: number) => Date.UTC(2025, 0, 1) + pick(i, 330) * 86_400_000;
    const filters: [string, (i: number) => RecordingFilters][] = [
      ['station and 30 days', (i) => parseFilters(new URLSearchParams({ station: `station ${String(pick(i, stations)).padStart(4, '0')}`, from: date(day0(i)), to: date(day0(i) + 29 * 86_400_000) }))],
      ['camera', (i) => parseFilters(new URLSearchParams({ camera: `camera ${String(pick(i, cameras)).padStart(5, '0')}` }))],
      ['camera by device id', (i) => parseFilters(new URLSearchParams({ camera: deviceOf(pick(i, cameras)) }))],
      ['legal ground', (i) => parseFilters(new URLSearchParams({ ground: String(1 + pick(i, 9)) }))],
      ['ground and 7 days', (i) => parseFilters(new URLSearchParams({ ground: String(1 + pick(i, 9)), from: date(day0(i)), to: date(day0(i) + 6 * 86_400_000) }))],
      ['notice not given', () => parseFilters(new URLSearchParams({ notice: 'not-given' }))],
      ['flagged for review, station', (i) => parseFilters(new URLSearchParams({ review: 'yes', station: `station ${String(pick(i, stations)).padStart(4, '0')}` }))],
      ['no filter', () => parseFilters(new URLSearchParams())],
    ];
    const figures: Record<string, number> = {
      cameras, stations, 'recordings rows': recordings, 'segment rows': segmentRows, 'log entries': seed.logEntries, 'seed seconds': Math.round(seed.seconds),
    };
    const over: string[] = [];
    const report = (name: string, t: Timing, limit: Timing) => {
      figures[`${name} p50 ms (threshold ${limit.p50})`] = round1(t.p50);
      figures[`${name} p99 ms (threshold ${limit.p99})`] = round1(t.p99);
      if (t.p50 > limit.p50) over.push(`${name}: p50 ${round1(t.p50)} ms > ${limit.p50}`);
      if (t.p99 > limit.p99) over.push(`${name}: p99 ${round1(t.p99)} ms > ${limit.p99}`);
      progress(`  ${name}: p50 ${round1(t.p50)} ms (threshold ${limit.p50}), p99 ${round1(t.p99)} ms (threshold ${limit.p99})`);
    };

    const history = async (r: number) => {
      const deviceId = deviceOf(r % cameras);
      const n = Math.floor(r / cameras);
      const held = await recording(db, deviceId, n);
      if (!held) throw new Error(`the seeded recording ${n} of camera ${deviceId} is not there`);
      const segments = await segmentsOf(db, deviceId, n);
      await chainOf(db, deviceId);
      await accessTo(db, recordingTarget(deviceId, n));
      await latestCheckpoint(db);
      return lifecycleOf(db, deviceId, n, new Set(segments.map((s) => s.sealed_digest)));
    };
    if (options.explain) {
      const restore = explaining(db, progress);
      try {
        for (const [name, filter] of filters) {
          progress(`\n=== listing: ${name}`);
          const first = await listRecordings(db, filter(0));
          const last = first.rows.at(-1);
          if (last) await listRecordings(db, { ...filter(0), after: { startTime: last.start_time, deviceId: last.device_id, recording: last.recording } });
        }
        progress('\n=== history of recording 0 (it has a hold, a retention extension and a flag)');
        await history(0);
        progress('\n=== expiry selection');
        await dueSegments(db, YEAR_END);
      } finally {
        restore();
      }
    }

    for (const [name, filter] of filters) {
      const page = async (i: number, next: boolean) => {
        const f = filter(i);
        const first = await listRecordings(db, f);
        const last = first.rows.at(-1);
        if (!next) return first;
        if (!last || !first.more) return first;
        return listRecordings(db, { ...f, after: { startTime: last.start_time, deviceId: last.device_id, recording: last.recording } });
      };
      // The next page is timed alone: its cursor comes from a first page read untimed before it.
      const cursors: (RecordingFilters | undefined)[] = [];
      const n = Math.max(20, Math.floor(runs / 4));
      report(`listing, ${name}, first page`, await time(n, async (i) => {
        const f = filter(i);
        const first = await listRecordings(db, f);
        const last = first.rows.at(-1);
        cursors[i] = last && first.more ? { ...f, after: { startTime: last.start_time, deviceId: last.device_id, recording: last.recording } } : undefined;
      }), THRESHOLDS.listing);
      report(`listing, ${name}, next page`, await time(n, (i) => (cursors[i] ? listRecordings(db, cursors[i]!) : page(i, false))), THRESHOLDS.listing);
    }
    let lifecycleEntries = 0;
    report("a recording's history (the recording page's reads)", await time(runs, async (i) => {
      // One pick in ten is a recording with lifecycle entries (a hold, a flag or an extension).
      const r = i % 10 === 0 ? [97, 211, 503][i % 3]! * pick(i, Math.floor(recordings / 503)) : pick(i, recordings);
      lifecycleEntries += (await history(r)).length;
    }), THRESHOLDS.history);
    figures['history: lifecycle entries shown'] = lifecycleEntries;

    let due: DueSegment[] = [];
    report('expiry pass: selection of the due segments', await time(Math.max(5, Math.floor(runs / 20)), async () => {
      due = await dueSegments(db, YEAR_END);
    }), THRESHOLDS.expirySelection);
    figures['expiry pass: due segments (about one day)'] = due.length;
    writer = await RecordsDb.open(services.settings.dbUrl, { port, key, now: () => YEAR_END });
    const opening = performance.now();
    await logSegmentEnded(writer, due[0]!, YEAR_END);
    const fullRead = round1((performance.now() - opening) / 1000);
    figures["expiry pass: a writer's first append with no edge stored (reads the whole log) s"] = fullRead;
    progress(`  expiry pass: a writer's first append with no edge stored read ${seed.logEntries.toLocaleString('en-US')} log entries in ${fullRead} s`);
    const sample = Math.min(due.length - 2, runs * 5);
    const ended = await time(sample, (i) => logSegmentEnded(writer!, due[i + 1]!, YEAR_END));
    report('expiry pass: one segment ended (a signed log append)', ended, THRESHOLDS.segmentEnded);
    figures[`expiry pass: segments ended and timed`] = sample;
    // A new process (the next `chaincam records expire`, a restarted server) goes on from the edge stored with the last checkpoint.
    await writer.close();
    writer = await RecordsDb.open(services.settings.dbUrl, { port, key, now: () => YEAR_END });
    const reopened = performance.now();
    await logSegmentEnded(writer, due[sample + 1]!, YEAR_END);
    const fromEdge = performance.now() - reopened;
    figures[`expiry pass: a new writer's first append, from the stored edge, ms (threshold ${THRESHOLDS.firstAppendFromEdge})`] = round1(fromEdge);
    if (fromEdge > THRESHOLDS.firstAppendFromEdge) over.push(`a new writer's first append from the stored edge: ${round1(fromEdge)} ms > ${THRESHOLDS.firstAppendFromEdge}`);
    progress(`  expiry pass: a new writer's first append, from the stored edge: ${round1(fromEdge)} ms (threshold ${THRESHOLDS.firstAppendFromEdge})`);
    const ok = Number((await db.one<{ n: string }>('SELECT count(*) AS n FROM segments WHERE ended_at = $1', [YEAR_END]))!.n);
    if (ok !== sample + 2) throw new Error(`the expiry pass ended ${sample + 2} segments but ${ok} rows say so`);
    if (over.length) throw new Error(`over a threshold:\n  ${over.join('\n  ')}\n(figures: ${JSON.stringify(figures)})`);
    return figures;
  } finally {
    await writer?.close().catch(() => undefined);
    await reader?.close().catch(() => undefined);
    await services.drop();
  }
}

const deviceOf = (camera: number) => crypto.createHash('md5').update(`cam${camera}`).digest('hex');

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({ options: { cameras: { type: 'string', default: '55000' }, segments: { type: 'string', default: '20000000' }, runs: { type: 'string', default: '200' }, explain: { type: 'boolean', default: false } } });
  try {
    const figures = await recordsScale({ cameras: Number(values.cameras), segments: Number(values.segments), runs: Number(values.runs), explain: values.explain });
    for (const [what, value] of Object.entries(figures)) process.stdout.write(`  ${what.padEnd(72)} ${value.toLocaleString('en-US')}\n`);
  } catch (error) {
    process.stderr.write(`records-scale: ${(error as Error).message}\n`);
    process.exitCode = 1;
  }
}
