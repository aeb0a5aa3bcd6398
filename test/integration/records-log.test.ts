// The records log on a real PostgreSQL: entries encode one way, every change is one transaction
// of entry + tables, the checkpoint is the RFC 6962 root signed with the records key, records_log
// refuses UPDATE, DELETE and TRUNCATE, and an entry that does not apply changes nothing.
import assert from 'node:assert/strict';
import { generateP256KeyPair } from '../../firmware/format/key-derivation.js';
import { RecordsDb } from '../../host-tools/records/records-db.js';
import { decodeRecordsEntry, encodeRecordsEntry, type RecordsEntry } from '../../host-tools/records/records-log-entries.js';
import { openRecordsCheckpoint } from '../../host-tools/records/records-log.js';
import { leafHash, treeHash } from '../../host-tools/store/store-log.js';
import { hostPort } from '../support/dock-harness.js';
import { freshRecordsServices } from '../support/records-services.js';

describe('the records log on PostgreSQL', function () {
  this.timeout(60_000);
  const key = generateP256KeyPair(hostPort);
  const dock = generateP256KeyPair(hostPort);
  let database: Awaited<ReturnType<typeof freshRecordsServices>>;
  let db: RecordsDb;

  before(async () => {
    database = await freshRecordsServices('records-log');
    db = await RecordsDb.open(database.settings.dbUrl, { port: hostPort, key });
  });
  after(async () => {
    await db?.close();
    await database?.drop();
  });

  it('encodes every entry type one way and refuses trailing bytes', () => {
    const id = new Uint8Array(16).fill(7);
    const entries: RecordsEntry[] = [
      { type: 'records-opened', time: 1, recordsPublicKey: key.publicKey },
      { type: 'dock-enrolled', time: 2, dockPublicKey: dock.publicKey, station: 'Mapo station', by: 'kim' },
      { type: 'retention', time: 3, deviceId: id, recording: 4, retainUntil: 99, reason: 'court order 2026-17', by: 'prosecutor lee' },
      { type: 'legal-hold', time: 4, deviceId: id, recording: 4, on: true, reason: 'investigation', by: 'lee' },
      { type: 'segment-ended', time: 5, sealedDigest: new Uint8Array(32).fill(1), rule: 'retention ran out' },
      { type: 'flagged-for-review', time: 6, deviceId: id, recording: 4, why: 'no ground' },
      { type: 'person-added', time: 7, name: 'park', role: 'auditor', by: 'kim' },
      { type: 'access', time: 8, person: 'park', action: 'export', target: 'recording x', reason: 'court' },
    ];
    for (const entry of entries) {
      const bytes = encodeRecordsEntry(entry);
      assert.deepEqual(encodeRecordsEntry(decodeRecordsEntry(bytes)), bytes);
      assert.throws(() => decodeRecordsEntry(Uint8Array.of(...bytes, 0)), /trailing|end/i);
    }
  });

  it('appends entries with their table rows and signs a checkpoint over the RFC 6962 root', async () => {
    await db.enrolDock(dock.publicKey, 'Mapo station', 'records manager kim');
    await db.addPerson('auditor park', 'auditor', 'records manager kim');
    const entry = await db.logAccess('auditor park', 'search', 'station Mapo, 2026-11', 'quarterly audit');
    const log = [];
    for await (const e of db.logEntries()) log.push(e.bytes);
    assert.equal(log.length, 4);
    assert.equal(entry, 3);
    const latest = (await db.one<{ size: number; checkpoint: string }>('SELECT size, checkpoint FROM records_checkpoints ORDER BY size DESC LIMIT 1'))!;
    const checkpoint = openRecordsCheckpoint(hostPort, latest.checkpoint, key.publicKey);
    assert.equal(checkpoint.size, 4);
    assert.deepEqual(checkpoint.root, treeHash(hostPort, log.map((e) => leafHash(hostPort, e))));
    assert.deepEqual(await db.tableRows('access'), [{ log_entry: 3, person: 'auditor park', action: 'search', target: 'station Mapo, 2026-11', reason: 'quarterly audit', at: (await db.decodedLog())[3]!.time }]);
  });

  it('refuses an entry that does not apply and changes nothing', async () => {
    const before = await db.tableRows('records_state');
    await assert.rejects(db.logAccess('nobody', 'view', 'x', 'curious'), /access refused: .*whom no person-added entry added; nothing was changed/);
    await assert.rejects(db.addPerson('auditor park', 'auditor', 'kim'), /a second time/);
    assert.deepEqual(await db.tableRows('records_state'), before);
    assert.equal((await db.decodedLog()).length, 4);
  });

  it('records_log refuses UPDATE, DELETE and TRUNCATE', async () => {
    await assert.rejects(db.pool.query("UPDATE records_log SET entry = '\\x00' WHERE seq = 3"), /append-only: UPDATE refused/);
    await assert.rejects(db.pool.query('DELETE FROM records_log WHERE seq = 3'), /append-only: DELETE refused/);
    await assert.rejects(db.pool.query('TRUNCATE records_log'), /append-only: TRUNCATE refused/);
    assert.equal((await db.decodedLog()).length, 4);
  });

  it('a second writer on the same database continues the same log', async () => {
    const other = await RecordsDb.open(database.settings.dbUrl, { port: hostPort, key });
    try {
      await other.logAccess('auditor park', 'view', 'recording y', 'audit');
    } finally {
      await other.close();
    }
    const index = await db.logAccess('auditor park', 'view', 'recording z', 'audit');
    assert.equal(index, 5);
    const log = [];
    for await (const e of db.logEntries()) log.push(e.bytes);
    const latest = (await db.one<{ checkpoint: string }>('SELECT checkpoint FROM records_checkpoints ORDER BY size DESC LIMIT 1'))!;
    assert.deepEqual(openRecordsCheckpoint(hostPort, latest.checkpoint, key.publicKey).root, treeHash(hostPort, log.map((e) => leafHash(hostPort, e))));
  });

  it('a writer goes on from the edge stored with the signed checkpoint, and not from one that does not give its root', async () => {
    const logRoot = async () => {
      const log = [];
      for await (const e of db.logEntries()) log.push(e.bytes);
      return treeHash(hostPort, log.map((e) => leafHash(hostPort, e)));
    };
    const latest = async () => (await db.one<{ size: number; checkpoint: string; edge: Buffer }>('SELECT size, checkpoint, edge FROM records_checkpoints ORDER BY size DESC LIMIT 1'))!;
    const stored = await latest();
    assert.equal(stored.edge.length % 32, 0);
    // An edge that does not reproduce the signed root (one byte flipped) is not used: the writer reads the log.
    const flipped = Buffer.from(stored.edge);
    flipped[0]! ^= 1;
    await db.pool.query('UPDATE records_checkpoints SET edge = $1 WHERE size = $2', [flipped, stored.size]);
    for (const person of ['auditor lee', 'auditor cho']) {
      const writer = await RecordsDb.open(database.settings.dbUrl, { port: hostPort, key });
      try {
        await writer.logAccess('auditor park', 'view', `recording of ${person}`, 'audit');
      } finally {
        await writer.close();
      }
      assert.deepEqual(openRecordsCheckpoint(hostPort, (await latest()).checkpoint, key.publicKey).root, await logRoot());
    }
  });

  it('changes arriving together share a transaction, and one that does not apply is refused alone', async () => {
    const before = (await db.decodedLog()).length;
    const results = await Promise.allSettled([
      db.logAccess('auditor park', 'search', 'station Jongno', 'audit 1'),
      db.logAccess('nobody', 'export', 'recording 9', 'curious'),
      db.logAccess('auditor park', 'view', 'recording 8', 'audit 2'),
      db.addPerson('auditor park', 'auditor', 'kim'),
      db.logAccess('auditor park', 'export', 'recording 8', 'audit 3'),
    ]);
    assert.deepEqual(results.map((r) => r.status), ['fulfilled', 'rejected', 'fulfilled', 'rejected', 'fulfilled']);
    const log = await db.decodedLog();
    assert.equal(log.length, before + 3);
    assert.deepEqual(log.slice(before).map((e) => e.type === 'access' && e.reason), ['audit 1', 'audit 2', 'audit 3']);
    const indexes = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
    assert.deepEqual(indexes, [before, before + 1, before + 2], 'each change is told its own log entry');
    const access = await db.tableRows('access');
    assert.deepEqual(access.slice(-3).map((a) => a.log_entry), indexes);
    const latest = (await db.one<{ size: number; checkpoint: string }>('SELECT size, checkpoint FROM records_checkpoints ORDER BY size DESC LIMIT 1'))!;
    assert.equal(latest.size, before + 3);
    const leaves = [];
    for await (const e of db.logEntries()) leaves.push(leafHash(hostPort, e.bytes));
    assert.deepEqual(openRecordsCheckpoint(hostPort, latest.checkpoint, key.publicKey).root, treeHash(hostPort, leaves));
  });
});
