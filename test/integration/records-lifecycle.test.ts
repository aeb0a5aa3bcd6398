// The law's lifecycle on the real Object Lock (Ceph RADOS Gateway): retention is extended (never
// shortened, at most 180 days, with a reason and who asked) on the objects' locks and in the log;
// a legal hold holds the objects and stops expiry; expiry ends a recording whose retention and
// object lock both ran out, logs the rule, deletes the object, and verify accepts exactly that end.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { toHex } from '../../firmware/format/bytes.js';
import { offloadCamera } from '../../host-tools/dock/camera-offload.js';
import { expireRecordings, extendRetention, setLegalHold } from '../../host-tools/records/records-lifecycle.js';
import { verifyRecords } from '../../host-tools/records/records-verify.js';
import { EvidenceStore } from '../../host-tools/store/evidence-store.js';
import { hostPort } from '../support/dock-harness.js';
import { HANG_STOP_MS } from '../support/hang-stop.js';
import { HostCamera } from '../support/host-camera.js';
import { startRecordsSystem, type RecordsSystem } from '../support/records-system.js';

const DAY = 86_400_000;

describe('retention, legal hold and expiry in the records system', function () {
  this.timeout(600_000);
  let records: RecordsSystem;
  let root: string;

  before(async () => {
    records = await startRecordsSystem();
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'chaincam-lifecycle-'));
  });
  after(async () => {
    await records?.close();
    if (root) fs.rmSync(root, { recursive: true, force: true });
  });

  /** A camera docked with --forward; returns its device id and the digests of what it recorded. */
  const dockCamera = async (label: string, recording: number, sizes: number[], ground = 2) => {
    const { dock, forwarder } = await records.enrolDock(`station of ${label}`);
    const camera = HostCamera.create(label);
    const made = camera.record(recording, sizes, ground);
    const store = EvidenceStore.open(path.join(root, label), { dockKey: dock });
    try {
      await offloadCamera({ client: camera.connect(dock.publicKey), store, dockKey: dock, port: hostPort, log: () => undefined, forward: forwarder });
    } finally {
      store.close();
    }
    return { deviceId: camera.id, digests: made.map((m) => toHex(m.sealedDigest)) };
  };
  const recordingRow = (deviceId: string, recording: number) => records.db.one<{ retain_until: number; first_stored_at: number; legal_hold: boolean }>(
    'SELECT retain_until, first_stored_at, legal_hold FROM recordings WHERE device_id = $1 AND recording = $2', [deviceId, recording]);
  const verified = async () => {
    const report = await verifyRecords(records.db, records.objects, hostPort, { recordsPublicKey: records.key.publicKey });
    assert.deepEqual(report.failures, []);
    return report;
  };

  it('extends retention on the locks and in the log; never shortens it, nor past 180 days, nor without a reason', async () => {
    const { deviceId, digests } = await dockCamera('officer kim', 1, [20_000, 10_000]);
    const ref = { deviceId, recording: 1 };
    const row = (await recordingRow(deviceId, 1))!;
    assert.equal(row.retain_until, row.first_stored_at + 30 * DAY, '30 days by default');
    const until = row.first_stored_at + 90 * DAY;
    const entry = await extendRetention(records.db, records.objects, ref, until, 'court order 2026-Go-17', 'prosecutor lee');
    for (const digest of digests) assert.ok((await records.objects.headSegment(digest))!.retainUntil!.getTime() >= until);
    const logged = (await records.db.decodedLog())[entry]!;
    assert.deepEqual({ ...logged, deviceId: undefined, time: undefined }, { type: 'retention', time: undefined, deviceId: undefined, recording: 1, retainUntil: until, reason: 'court order 2026-Go-17', by: 'prosecutor lee' });

    const size = (await records.db.decodedLog()).length;
    await assert.rejects(extendRetention(records.db, records.objects, ref, until - DAY, 'oops', 'lee'), /only ever extended/);
    await assert.rejects(extendRetention(records.db, records.objects, ref, row.first_stored_at + 181 * DAY, 'long', 'lee'), /at most 180 days/);
    await assert.rejects(extendRetention(records.db, records.objects, ref, until + DAY, ' ', 'lee'), /--reason is required/);
    await assert.rejects(extendRetention(records.db, records.objects, { deviceId, recording: 9 }, until + DAY, 'r', 'lee'), /no recording 9/);
    // The object store itself refuses to shorten a COMPLIANCE lock.
    await assert.rejects(records.objects.extendRetention(digests[0]!, new Date(until - DAY)));
    assert.equal((await records.db.decodedLog()).length, size, 'nothing refused reached the log');
    assert.equal((await recordingRow(deviceId, 1))!.retain_until, until);
    await verified();
  });

  it('a legal hold holds the objects and stops expiry; expiry then ends only what ran out, by its rule, and verify accepts the end', async () => {
    // A recording stored "30 days ago" by the records system's clock: its lock runs out in seconds.
    records.clock.offsetMs = -30 * DAY + 8_000;
    const { deviceId, digests } = await dockCamera('officer han', 4, [12_000]);
    records.clock.offsetMs = 0;
    const ref = { deviceId, recording: 4 };
    await setLegalHold(records.db, records.objects, ref, true, 'investigation 2026-17', 'investigator yoon');
    assert.equal((await records.objects.headSegment(digests[0]!))!.legalHold, true);
    await assert.rejects(setLegalHold(records.db, records.objects, ref, true, 'again', 'yoon'), /already under legal hold/);
    await verified();

    // Wait (a hang stop only) until the object's own lock has run out by the object store's clock.
    const lockEnd = (await records.objects.headSegment(digests[0]!))!.retainUntil!.getTime();
    const stop = Date.now() + HANG_STOP_MS;
    while (Date.now() <= lockEnd + 2_000 && Date.now() < stop) await new Promise((resolve) => setTimeout(resolve, 500));

    const held = await expireRecordings(records.db, records.objects);
    assert.deepEqual(held.ended, [], 'nothing under legal hold ends');
    assert.ok(await records.objects.headSegment(digests[0]!));
    await assert.rejects(records.objects.deleteSegment(digests[0]!), () => true, 'the object store refuses to delete a held object');
    assert.ok(await records.objects.headSegment(digests[0]!));

    await setLegalHold(records.db, records.objects, ref, false, 'investigation closed', 'investigator yoon');
    const { ended } = await expireRecordings(records.db, records.objects);
    assert.deepEqual(ended.map((e) => e.sealedDigest), digests, 'exactly the expired recording ends; the one kept 90 days stays');
    assert.match(ended[0]!.rule, /^retention: recording 4 of camera [0-9a-f]{32} kept 30 days after it was first stored, until .*, with no legal hold/);
    assert.equal(await records.objects.headSegment(digests[0]!), undefined, 'the object is gone');
    const log = await records.db.decodedLog();
    const last = log.at(-1)!;
    assert.equal(last.type, 'segment-ended');
    const report = await verified();
    assert.equal(report.segments, 2, 'the kept recording is still held');
  });

  it('a recording without a confirmed legal ground is flagged for review, in the log and the table, not hidden', async () => {
    const { deviceId, digests } = await dockCamera('officer jung', 9, [8_000, 6_000], 0);
    const row = await records.db.one<{ review: boolean; review_why: string }>('SELECT review, review_why FROM recordings WHERE device_id = $1 AND recording = 9', [deviceId]);
    assert.deepEqual(row, { review: true, review_why: 'no confirmed legal ground (emergency start never confirmed)' });
    const flags = (await records.db.decodedLog()).filter((e) => e.type === 'flagged-for-review' && e.recording === 9);
    assert.equal(flags.length, 1, 'flagged once, not per segment');
    for (const digest of digests) assert.ok(await records.objects.headSegment(digest), 'its footage is stored like any other');
    await verified();
  });
});
