// A forward that dies after its object was PUT and before its entry committed (the records
// server killed, PostgreSQL gone: here the object store's answer is lost) leaves the object in
// the bucket. The retry must find it and not PUT it again: with Object Lock, a second PUT is a
// second locked version of the same footage. A first attempt skips that look (segment_puts says
// no attempt began before); these tests prove the retry still makes it. A server that died after
// the commit, before it locked or held the object as the recording is, leaves that to the retry.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ListObjectVersionsCommand, S3Client } from '@aws-sdk/client-s3';
import { toHex } from '../../firmware/format/bytes.js';
import { offloadCamera } from '../../host-tools/dock/camera-offload.js';
import { segmentKey } from '../../host-tools/records/object-store.js';
import { setLegalHold } from '../../host-tools/records/records-lifecycle.js';
import type { RecordsObjectStore } from '../../host-tools/records/records-objects.js';
import { verifyRecords } from '../../host-tools/records/records-verify.js';
import { EvidenceStore } from '../../host-tools/store/evidence-store.js';
import { hostPort } from '../support/dock-harness.js';
import { HostCamera } from '../support/host-camera.js';
import { startRecordsSystem, type RecordsSystem } from '../support/records-system.js';

describe('a forward retried after its object was put stores one version', function () {
  this.timeout(300_000);
  let root: string;
  let records: RecordsSystem;
  let s3: S3Client;
  /** Digests whose next PUT succeeds and then reports a failure, as if the answer were lost. */
  const loseAnswer = new Set<string>();
  const puts: { digest: string; firstAttempt: boolean }[] = [];
  /** Digests whose next legal hold the server does not live to set (it dies after the commit). */
  const holdDies = new Set<string>();
  /** Digests whose next PUT the object store does not take. */
  const putRefused = new Set<string>();

  before(async () => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'chaincam-records-retry-'));
    records = await startRecordsSystem('records-retry', {
      wrapObjects: (bucket) => new Proxy(bucket, {
        get(target, name) {
          const value = Reflect.get(target, name, target) as unknown;
          if (name === 'setLegalHold') {
            return async (...args: Parameters<RecordsObjectStore['setLegalHold']>) => {
              if (holdDies.delete(args[0])) throw new Error('the records server died before it set the legal hold');
              return target.setLegalHold(...args);
            };
          }
          if (name !== 'putSegment') return typeof value === 'function' ? value.bind(target) : value;
          return async (...args: Parameters<RecordsObjectStore['putSegment']>) => {
            if (putRefused.delete(args[0])) throw new Error('the object store is not answering');
            puts.push({ digest: args[0], firstAttempt: args[3]?.firstAttempt === true });
            const result = await target.putSegment(...args);
            if (loseAnswer.delete(args[0])) throw new Error('the connection closed before the answer arrived');
            return result;
          };
        },
      }),
    });
    const { endpoint, region, accessKey, secretKey } = records.settings.s3;
    s3 = new S3Client({ endpoint, region, forcePathStyle: true, credentials: { accessKeyId: accessKey, secretAccessKey: secretKey } });
  });
  after(async () => {
    s3?.destroy();
    await records?.close();
    if (root) fs.rmSync(root, { recursive: true, force: true });
  });

  const heldDigests = (camera: HostCamera) => [...camera.evidence.held.values()].map((h) => toHex(h.segment.sealedDigest));
  const versions = async (digest: string) => {
    const key = segmentKey(digest);
    const listed = await s3.send(new ListObjectVersionsCommand({ Bucket: records.settings.s3.bucket, Prefix: key }));
    return (listed.Versions ?? []).filter((v) => v.Key === key).length;
  };

  it('puts a segment once when the first attempt lost the answer to its PUT, and the retry acks it', async () => {
    const { dock: key, forwarder } = await records.enrolDock('Seodaemun police station');
    const camera = HostCamera.create('officer choi');
    const [lost, clean] = camera.record(1, [18_000, 9_000]).map((m) => toHex(m.sealedDigest));
    loseAnswer.add(lost!);
    const dock = async () => {
      const store = EvidenceStore.open(path.join(root, 'dock'), { dockKey: key });
      try {
        return await offloadCamera({ client: camera.connect(key.publicKey), store, dockKey: key, port: hostPort, log: () => undefined, forward: forwarder });
      } finally {
        store.close();
      }
    };
    await assert.rejects(dock(), /not released: the records system at .* refused it \(503\): the object store did not take segment/);
    assert.equal(await versions(lost!), 1, 'the first attempt stored the object');
    assert.equal((await records.db.all('SELECT 1 FROM segments WHERE sealed_digest = $1', [lost])).length, 0, 'and committed nothing');
    assert.equal(camera.evidence.held.size, 2, 'nothing released');

    await dock();
    assert.equal(camera.evidence.held.size, 0, 'released once acked');
    assert.equal(await versions(lost!), 1, 'the retry found the object and did not put a second version');
    assert.equal(await versions(clean!), 1);
    assert.deepEqual(puts.filter((p) => p.digest === lost).map((p) => p.firstAttempt), [true, false], 'the first attempt skipped the look, the retry made it');
    assert.deepEqual(await records.db.all('SELECT sealed_digest FROM segment_puts'), [], 'each commit cleared its mark');
    const report = await verifyRecords(records.db, records.objects, hostPort, { recordsPublicKey: records.key.publicKey });
    assert.deepEqual(report.failures, []);
  });

  it('a retry of a segment the server committed but died before holding holds it before the ack', async () => {
    const { dock: key, forwarder } = await records.enrolDock('Mapo police station');
    const camera = HostCamera.create('officer yoon');
    const [first, second] = camera.record(4, [9_000, 7_000]).map((m) => toHex(m.sealedDigest));
    const dock = async () => {
      const store = EvidenceStore.open(path.join(root, 'dock-hold'), { dockKey: key });
      try {
        return await offloadCamera({ client: camera.connect(key.publicKey), store, dockKey: key, port: hostPort, log: () => undefined, forward: forwarder });
      } finally {
        store.close();
      }
    };
    // The first segment is stored; the second's PUT is not taken, so it stays on the camera.
    putRefused.add(second!);
    await assert.rejects(dock(), /not released/);
    assert.deepEqual(heldDigests(camera), [second]);
    // The recording goes under legal hold; the second segment comes again, its commit finds the
    // recording held, and the server dies before it puts the hold on that segment's object.
    await setLegalHold(records.db, records.objects, { deviceId: camera.id, recording: 4 }, true, 'complaint 2026-118', 'sgt lee');
    holdDies.add(second!);
    await assert.rejects(dock(), /not released/);
    assert.equal((await records.db.all('SELECT 1 FROM segments WHERE sealed_digest = $1', [second])).length, 1, 'the second segment was committed');
    assert.deepEqual([(await records.objects.headSegment(second!))?.legalHold, heldDigests(camera)], [false, [second]], 'its object not yet held, the camera keeping it');

    // The retry acks what was committed, and only once the object is held as its recording is.
    await dock();
    assert.equal(camera.evidence.held.size, 0, 'released once acked');
    assert.deepEqual([(await records.objects.headSegment(first!))?.legalHold, (await records.objects.headSegment(second!))?.legalHold], [true, true]);
    const report = await verifyRecords(records.db, records.objects, hostPort, { recordsPublicKey: records.key.publicKey });
    assert.deepEqual(report.failures, []);
  });
});
