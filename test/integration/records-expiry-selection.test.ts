// An expiry pass's selection (records-lifecycle.ts dueSegments) on real PostgreSQL: it picks
// exactly the held segments whose recording's retention ran out (the boundary included) and that
// no legal hold keeps, a recording's ended segments left out; and it reads the recordings still
// holding segments, not every recording whose retention ever ran out (at a fleet's year that was
// 3.65 M lookups a pass: bench/records-scale.ts). The rows are put in with SQL: this tests the
// query, not the log (records-lifecycle.test.ts runs expiry end to end).
import assert from 'node:assert/strict';
import { NodeCryptoPort } from '../../host-tools/crypto/node-crypto-port.js';
import { RecordsDb } from '../../host-tools/records/records-db.js';
import { DUE_SEGMENTS_SQL, dueSegments } from '../../host-tools/records/records-lifecycle.js';
import { freshRecordsServices, type FreshRecordsServices } from '../support/records-services.js';

const CAMERA = 'c'.repeat(32);
const DOCK = 'd'.repeat(32);
const RECORDINGS = 5000;
const T0 = Date.UTC(2025, 0, 1);
/** Recording k is kept until T0 + k seconds; recordings below HELD_FROM are ended, except PARTLY. */
const HELD_FROM = 4990;
const PARTLY = 4989;
const HOLD = 4994;
const NOW = T0 + 4996 * 1000;

interface PlanNode { 'Node Type': string; 'Relation Name'?: string; 'Actual Rows': number; 'Actual Loops': number; 'Rows Removed by Filter'?: number; Plans?: PlanNode[] }
const nodes = (n: PlanNode): PlanNode[] => [n, ...(n.Plans ?? []).flatMap(nodes)];

describe("an expiry pass's selection of due segments", function () {
  this.timeout(120_000);
  let services: FreshRecordsServices;
  let db: RecordsDb;

  before(async () => {
    services = await freshRecordsServices('expiry-selection');
    db = await RecordsDb.open(services.settings.dbUrl, { port: new NodeCryptoPort() });
    await db.pool.query(`INSERT INTO stations VALUES ('${DOCK}', 'dockkey', 'station', ${T0}, 'kim');
      INSERT INTO cameras VALUES ('${CAMERA}', 'camkey', 'camera', ${T0});
      INSERT INTO recordings SELECT '${CAMERA}', k, '${DOCK}', 2, 7, 0, '', ${T0} + k, ${T0} + k + 1, ${T0} + k + 2, ${T0} + k * 1000, k = ${HOLD}, false, NULL
        FROM generate_series(0, ${RECORDINGS - 1}) k;
      INSERT INTO segments SELECT md5('s' || k || '/' || i) || md5('t' || k || '/' || i), '${CAMERA}', k, i, k * 3 + i, 1000, '${DOCK}', k * 3 + i, ${T0},
          CASE WHEN k < ${PARTLY} OR (k = ${PARTLY} AND i = 0) THEN ${T0} + k * 1000 END, CASE WHEN k < ${PARTLY} OR (k = ${PARTLY} AND i = 0) THEN 'retention' END
        FROM generate_series(0, ${RECORDINGS - 1}) k, generate_series(0, 2) i;
      ANALYZE`);
  });
  after(async () => {
    await db?.close();
    await services?.drop();
  });

  it('selects the held segments whose retention ran out, without a legal hold, oldest first', async () => {
    const due = await dueSegments(db, NOW);
    const expected = [[PARTLY, 1], [PARTLY, 2], ...[4990, 4991, 4992, 4993, 4995, 4996].flatMap((k) => [[k, 0], [k, 1], [k, 2]])];
    assert.deepEqual(due.map((s) => [s.recording, s.segment_index]), expected);
    assert.deepEqual(due.at(-1), {
      sealed_digest: due.at(-1)!.sealed_digest, device_id: CAMERA, recording: 4996, segment_index: 2, first_stored_at: T0 + 4996 + 2, retain_until: NOW,
    });
  });

  it('reads only the recordings that still hold segments, not every recording whose retention ran out', async () => {
    const plan = (await db.pool.query(`EXPLAIN (ANALYZE, FORMAT JSON) ${DUE_SEGMENTS_SQL}`, [NOW])).rows[0]['QUERY PLAN'][0].Plan as PlanNode;
    const onRecordings = nodes(plan).filter((n) => n['Relation Name'] === 'recordings');
    assert.ok(onRecordings.length > 0, 'the plan reads the recordings table');
    assert.deepEqual(onRecordings.filter((n) => n['Node Type'] === 'Seq Scan'), [], 'no sequential scan of recordings');
    const rowsRead = onRecordings.reduce((sum, n) => sum + (n['Actual Rows'] + (n['Rows Removed by Filter'] ?? 0)) * n['Actual Loops'], 0);
    const holding = RECORDINGS - PARTLY; // the recordings with a held segment
    assert.ok(rowsRead <= holding, `the selection read ${rowsRead} recordings rows; only ${holding} recordings hold segments (of ${RECORDINGS})`);
  });
});
