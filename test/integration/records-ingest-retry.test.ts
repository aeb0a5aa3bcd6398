// A forward that dies after its object was PUT and before its entry committed (the records
// server killed, PostgreSQL gone: here the object store's answer is lost) leaves the object in
// the bucket. The retry must find it and not PUT it again: with Object Lock, a second PUT is a
// second locked version of the same footage. A first attempt skips that look (segment_puts says
// no attempt began before); these tests prove the retry still makes it.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ListObjectVersionsCommand, S3Client } from '@aws-sdk/client-s3';
import { toHex } from '../../firmware/format/bytes.js';
import { offloadCamera } from '../../host-tools/dock/camera-offload.js';
import { segmentKey } from '../../host-tools/records/object-store.js';
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

  before(async () => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'chaincam-records-retry-'));
    records = await startRecordsSystem('records-retry', {
      wrapObjects: (bucket) => new Proxy(bucket, {
        get(target, name) {
          const value = Reflect.get(target, name, target) as unknown;
          if (name !== 'putSegment') return typeof value === 'function' ? value.bind(target) : value;
          return async (...args: Parameters<RecordsObjectStore['putSegment']>) => {
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
});
