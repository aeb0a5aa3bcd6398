// verify --records on a real records system (PostgreSQL + Ceph RADOS Gateway): a system made by
// docks forwarding verifies, and each class of tampering by whoever runs the database or the
// bucket fails it, naming the fault: a deleted table row, an edited log entry (the append-only
// trigger switched off first), a rolled-back log, a segment object deleted without a logged end.
// Each tamper is undone before the next, and verify passes again in between.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { toHex } from '../../firmware/format/bytes.js';
import { offloadCamera } from '../../host-tools/dock/camera-offload.js';
import { decodeRecordsEntry, encodeRecordsEntry } from '../../host-tools/records/records-log-entries.js';
import { verifyRecords } from '../../host-tools/records/records-verify.js';
import { EvidenceStore } from '../../host-tools/store/evidence-store.js';
import { hostPort } from '../support/dock-harness.js';
import { HANG_STOP_MS } from '../support/hang-stop.js';
import { HostCamera } from '../support/host-camera.js';
import { startRecordsSystem, type RecordsSystem } from '../support/records-system.js';

const DAY = 86_400_000;

describe('verify --records proves what the records system holds', function () {
  this.timeout(600_000);
  let records: RecordsSystem;
  let root: string;
  let expiring: string;

  const verify = () => verifyRecords(records.db, records.objects, hostPort, { recordsPublicKey: records.key.publicKey });
  const passes = async () => assert.deepEqual((await verify()).failures, []);
  const fails = async (pattern: RegExp) => {
    const report = await verify();
    assert.equal(report.ok, false, 'the tampered records system must not verify');
    assert.ok(report.failures.some((f) => pattern.test(f)), `no failure matches ${pattern}:\n${report.failures.join('\n')}`);
  };
  const sql = (statement: string, args: unknown[] = []) => records.db.pool.query(statement, args);
  /** What a database administrator can do: switch the append-only trigger off around a statement. */
  const asAdministrator = async (work: () => Promise<unknown>) => {
    await sql('ALTER TABLE records_log DISABLE TRIGGER USER');
    try {
      await work();
    } finally {
      await sql('ALTER TABLE records_log ENABLE TRIGGER USER');
    }
  };

  before(async () => {
    records = await startRecordsSystem();
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'chaincam-records-verify-'));
    const dockAt = async (label: string, recording: number, sizes: number[]) => {
      const { dock, forwarder } = await records.enrolDock(`station of ${label}`);
      const camera = HostCamera.create(label);
      const made = camera.record(recording, sizes);
      const store = EvidenceStore.open(path.join(root, label), { dockKey: dock });
      try {
        await offloadCamera({ client: camera.connect(dock.publicKey), store, dockKey: dock, port: hostPort, log: () => undefined, forward: forwarder });
      } finally {
        store.close();
      }
      return made.map((m) => toHex(m.sealedDigest));
    };
    await dockAt('officer kim', 1, [20_000, 15_000]);
    // One segment whose lock runs out in seconds: the object a bucket administrator can delete.
    records.clock.offsetMs = -30 * DAY + 5_000;
    expiring = (await dockAt('officer han', 2, [9_000]))[0]!;
    records.clock.offsetMs = 0;
    await records.db.addPerson('auditor park', 'auditor', 'records manager kim');
    await records.db.logAccess('auditor park', 'view', 'recording 1 of officer kim', 'quarterly audit');
    await records.db.logAccess('auditor park', 'export', 'recording 1 of officer kim', 'prosecutor request 17');
  });
  after(async () => {
    await records?.close();
    if (root) fs.rmSync(root, { recursive: true, force: true });
  });

  it('a records system made by forwarding docks verifies, and verify changes nothing', async () => {
    // pg_dump's \restrict lines carry a random token per dump: not data.
    const dump = async () => ({
      db: execFileSync('pg_dump', ['--data-only', '--no-owner', '--exclude-table=ingest_nonces', records.settings.dbUrl]).toString().replace(/^\\(un)?restrict .*$/gm, ''),
      segments: await records.objects.listSegments(),
      log: await records.objects.listLogObjects(''),
    });
    const before = await dump();
    const report = await verify();
    assert.deepEqual(report.failures, []);
    assert.equal(report.segments, 3);
    assert.deepEqual(await dump(), before);
  });

  it('catches a deleted table row (an access entry removed from the access table)', async () => {
    const row = (await records.db.all<Record<string, unknown>>('SELECT * FROM access ORDER BY log_entry'))[1]!;
    await sql('DELETE FROM access WHERE log_entry = $1', [row.log_entry]);
    await fails(new RegExp(`table access: row ${row.log_entry} is missing`));
    await sql('INSERT INTO access (log_entry, person, action, target, reason, at) VALUES ($1, $2, $3, $4, $5, $6)', [row.log_entry, row.person, row.action, row.target, row.reason, row.at]);
    await passes();
  });

  it('catches an edited log entry (the export reason rewritten, table and all)', async () => {
    const row = (await records.db.all<{ seq: number; entry: Buffer }>("SELECT seq, entry FROM records_log ORDER BY seq DESC LIMIT 1"))[0]!;
    const entry = decodeRecordsEntry(new Uint8Array(row.entry));
    assert.equal(entry.type, 'access');
    const edited = encodeRecordsEntry({ ...entry, reason: 'prosecutor request 18' } as typeof entry);
    await asAdministrator(() => sql('UPDATE records_log SET entry = $1 WHERE seq = $2', [Buffer.from(edited), row.seq]));
    await sql("UPDATE access SET reason = 'prosecutor request 18' WHERE log_entry = $1", [row.seq]);
    await fails(/the first \d+ entries of records_log are not the ones it signed: the log was edited/);
    await asAdministrator(() => sql('UPDATE records_log SET entry = $1 WHERE seq = $2', [row.entry, row.seq]));
    await sql("UPDATE access SET reason = 'prosecutor request 17' WHERE log_entry = $1", [row.seq]);
    await passes();
  });

  it('catches a rolled-back log (the last entries, their rows and checkpoints removed)', async () => {
    const rows = await records.db.all<{ seq: number; entry: Buffer }>('SELECT seq, entry FROM records_log ORDER BY seq DESC LIMIT 2');
    const access = await records.db.all<Record<string, unknown>>('SELECT * FROM access WHERE log_entry >= $1', [rows.at(-1)!.seq]);
    const checkpoints = await records.db.all<{ size: number; checkpoint: string }>('SELECT * FROM records_checkpoints WHERE size > $1', [rows.at(-1)!.seq]);
    await asAdministrator(() => sql('DELETE FROM records_log WHERE seq >= $1', [rows.at(-1)!.seq]));
    await sql('DELETE FROM access WHERE log_entry >= $1', [rows.at(-1)!.seq]);
    await sql('DELETE FROM records_checkpoints WHERE size > $1', [rows.at(-1)!.seq]);
    await sql('UPDATE records_state SET entries = $1', [rows.at(-1)!.seq]);
    await fails(/signed \d+ entries but records_log holds \d+: the log was rolled back/);
    for (const r of [...rows].reverse()) await sql('INSERT INTO records_log (seq, entry) VALUES ($1, $2)', [r.seq, r.entry]);
    for (const a of access) await sql('INSERT INTO access (log_entry, person, action, target, reason, at) VALUES ($1, $2, $3, $4, $5, $6)', [a.log_entry, a.person, a.action, a.target, a.reason, a.at]);
    for (const c of checkpoints) await sql('INSERT INTO records_checkpoints (size, checkpoint) VALUES ($1, $2)', [c.size, c.checkpoint]);
    await sql('UPDATE records_state SET entries = $1', [rows[0]!.seq + 1]);
    await passes();
  });

  it('catches a segment object deleted without a logged end (once its lock ran out)', async () => {
    const lockEnd = (await records.objects.headSegment(expiring))!.retainUntil!.getTime();
    const stop = Date.now() + HANG_STOP_MS;
    while (Date.now() <= lockEnd + 2_000 && Date.now() < stop) await new Promise((resolve) => setTimeout(resolve, 500));
    await records.objects.deleteSegment(expiring);
    await fails(new RegExp(`segment ${expiring} .*: its object is missing and no segment-ended entry ended it`));
  });
});
