// An access entry is evidence like footage: on the real PostgreSQL and RADOS Gateway, editing
// one (even with its access row edited to match, and the append-only trigger switched off by
// the table's owner) or deleting the newest (with the tables and records_checkpoints rolled back
// to match) makes `verify --records` fail, through the Merkle tree and the checkpoints the
// Object Lock bucket keeps.
import assert from 'node:assert/strict';
import { generateP256KeyPair } from '../../firmware/format/key-derivation.js';
import { openRecordsBucket } from '../../host-tools/records/records-bucket.js';
import { RecordsDb } from '../../host-tools/records/records-db.js';
import { checkpointObjectName } from '../../host-tools/records/records-log.js';
import { decodeRecordsEntry, encodeRecordsEntry } from '../../host-tools/records/records-log-entries.js';
import type { RecordsObjectStore } from '../../host-tools/records/records-objects.js';
import { RecordsPeople } from '../../host-tools/records/records-people.js';
import { DAY_MS } from '../../host-tools/records/records-schema.js';
import { verifyRecords } from '../../host-tools/records/records-verify.js';
import { hostPort } from '../support/dock-harness.js';
import { freshRecordsServices, type FreshRecordsServices } from '../support/records-services.js';

describe('deleting or editing an access entry fails verify --records', function () {
  this.timeout(600_000);

  async function loggedAccess(label: string) {
    const services = await freshRecordsServices(label);
    const objects = await openRecordsBucket(services.settings.s3);
    const key = generateP256KeyPair(hostPort);
    const db = await RecordsDb.open(services.settings.dbUrl, {
      port: hostPort, key,
      onCheckpoint: (size, checkpoint) => objects.putLogObject(checkpointObjectName(size), new TextEncoder().encode(checkpoint), new Date(Date.now() + DAY_MS)).then(() => undefined),
    });
    await db.openLog();
    await (await RecordsPeople.open(db)).add('lee', 'investigator', 'lee-investigates-2026', 'kim');
    const view = await db.logAccess('lee', 'view', 'recording 00112233445566778899aabbccddeeff:4', 'case 2026-4471');
    const exported = await db.logAccess('lee', 'export', 'recording 00112233445566778899aabbccddeeff:4', 'for prosecutor choi');
    const verify = () => verifyRecords(db, objects, hostPort, { recordsPublicKey: key.publicKey });
    const before = await verify();
    assert.deepEqual(before.failures, [], 'the untouched log verifies');
    assert.equal(before.ok, true);
    return { services, db, objects, view, exported, verify };
  }

  let opened: { services: FreshRecordsServices; db: RecordsDb; objects: RecordsObjectStore }[] = [];
  after(async () => {
    for (const o of opened) {
      await o.db.close();
      await o.services.drop();
    }
    opened = [];
  });

  it('an edited reason (access row edited to match) breaks the signed root', async () => {
    const t = await loggedAccess('access-edit');
    opened.push(t);
    const original = (await t.db.one<{ entry: Buffer }>('SELECT entry FROM records_log WHERE seq = $1', [t.exported]))!.entry;
    const entry = decodeRecordsEntry(new Uint8Array(original));
    assert.equal(entry.type, 'access');
    const edited = encodeRecordsEntry({ ...entry, reason: 'routine check' } as typeof entry);
    await t.db.pool.query('ALTER TABLE records_log DISABLE TRIGGER records_log_append_only');
    await t.db.pool.query('UPDATE records_log SET entry = $1 WHERE seq = $2', [Buffer.from(edited), t.exported]);
    await t.db.pool.query("UPDATE access SET reason = 'routine check' WHERE log_entry = $1", [t.exported]);
    const report = await t.verify();
    assert.equal(report.ok, false);
    assert.ok(report.failures.some((f) => /are not the ones it signed: the log was edited/.test(f)), report.failures.join('\n'));
  });

  it('a deleted newest entry (tables and checkpoints rolled back to match) is caught by the bucket', async () => {
    const t = await loggedAccess('access-delete');
    opened.push(t);
    await t.db.pool.query('ALTER TABLE records_log DISABLE TRIGGER records_log_append_only');
    await t.db.pool.query('DELETE FROM records_log WHERE seq = $1', [t.exported]);
    await t.db.pool.query('DELETE FROM access WHERE log_entry = $1', [t.exported]);
    await t.db.pool.query('UPDATE records_state SET entries = entries - 1');
    await t.db.pool.query('DELETE FROM records_checkpoints WHERE size > $1', [t.exported]);
    const report = await t.verify();
    assert.equal(report.ok, false);
    assert.ok(report.failures.some((f) => /signed \d+ entries but records_log holds \d+: the log was rolled back/.test(f)), report.failures.join('\n'));
  });

  it('a deleted middle entry leaves a hole the replay names', async () => {
    const t = await loggedAccess('access-hole');
    opened.push(t);
    await t.db.pool.query('ALTER TABLE records_log DISABLE TRIGGER records_log_append_only');
    await t.db.pool.query('DELETE FROM records_log WHERE seq = $1', [t.view]);
    await t.db.pool.query('DELETE FROM access WHERE log_entry = $1', [t.view]);
    const report = await t.verify();
    assert.equal(report.ok, false);
    assert.ok(report.failures.some((f) => new RegExp(`entry #${t.exported} where #${t.view} belongs: entries were deleted`).test(f)), report.failures.join('\n'));
  });
});
