// The records system's servers going away during ingest (issue 17's kill tests): PostgreSQL
// after a segment's object is PUT and before its log entry commits, the object store before a
// PUT, and the records server after it stored a segment but before its ack reached the dock. Each
// time the dock releases nothing it was not acked for, forwards again once the server is back,
// nothing is lost or stored twice, and the records system verifies. The real PostgreSQL and RADOS
// Gateway stay up (other tests share them): they go away for this records system only, through a
// loopback relay the test cuts (test/support/tcp-proxy.ts), at a step the test chooses.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { toHex } from '../../firmware/format/bytes.js';
import { offloadCamera } from '../../host-tools/dock/camera-offload.js';
import { forwardUnreleased, type RecordsForwarder } from '../../host-tools/dock/records-forwarder.js';
import type { RecordsObjectStore } from '../../host-tools/records/records-objects.js';
import { verifyRecords } from '../../host-tools/records/records-verify.js';
import { EvidenceStore } from '../../host-tools/store/evidence-store.js';
import { hostPort } from '../support/dock-harness.js';
import { HostCamera } from '../support/host-camera.js';
import { recordsProxies, startRecordsSystem, type RecordsSystem } from '../support/records-system.js';
import type { TcpProxy } from '../support/tcp-proxy.js';

describe('the records system survives its servers going away during ingest', function () {
  this.timeout(600_000);
  let root: string;
  let proxies: { db: TcpProxy; s3: TcpProxy };
  let records: RecordsSystem;
  /** What the test does at the next step of the ingest it hooks. */
  const on: { put?: 'before' | 'after'; act?: () => Promise<void> } = {};

  before(async () => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'chaincam-records-faults-'));
    proxies = await recordsProxies();
    records = await startRecordsSystem('records-faults', {
      dbProxy: proxies.db, s3Proxy: proxies.s3,
      wrapObjects: (bucket) => new Proxy(bucket, {
        get(target, name) {
          if (name !== 'putSegment') {
            const value = Reflect.get(target, name, target) as unknown;
            return typeof value === 'function' ? value.bind(target) : value; // its private fields need the real receiver
          }
          return async (...args: Parameters<RecordsObjectStore['putSegment']>) => {
            const act = on.act;
            if (act && on.put === 'before') await take(act);
            const result = await target.putSegment(...args);
            if (act && on.put === 'after') await take(act);
            return result;
          };
        },
      }),
    });
  });
  after(async () => {
    await proxies?.db.restore().catch(() => undefined);
    await proxies?.s3.restore().catch(() => undefined);
    await records?.close();
    await proxies?.db.close();
    await proxies?.s3.close();
    if (root) fs.rmSync(root, { recursive: true, force: true });
  });
  async function take(act: () => Promise<void>) {
    on.act = undefined;
    on.put = undefined;
    await act();
  }

  const dock = async (camera: HostCamera, storeDir: string, key: { publicKey: Uint8Array; privateKey: Uint8Array }, forwarder: RecordsForwarder) => {
    const store = EvidenceStore.open(storeDir, { dockKey: key });
    try {
      return await offloadCamera({ client: camera.connect(key.publicKey), store, dockKey: key, port: hostPort, log: () => undefined, forward: forwarder });
    } finally {
      store.close();
    }
  };
  const resume = async (storeDir: string, key: { publicKey: Uint8Array; privateKey: Uint8Array }, forwarder: RecordsForwarder) => {
    const store = EvidenceStore.open(storeDir, { dockKey: key });
    try {
      return await forwardUnreleased(store, forwarder, () => undefined);
    } finally {
      store.close();
    }
  };
  /** After the fault: the dock resumes and docks again; everything is released once, stored once, and verifies. */
  const recovers = async (camera: HostCamera, storeDir: string, key: { publicKey: Uint8Array; privateKey: Uint8Array }, forwarder: RecordsForwarder, made: string[]) => {
    await resume(storeDir, key, forwarder);
    const again = await dock(camera, storeDir, key, forwarder);
    assert.equal(camera.evidence.held.size, 0, 'the camera released everything once acked');
    assert.ok(again.released >= 1);
    const stored = (await records.db.all<{ sealed_digest: string }>('SELECT sealed_digest FROM segments')).map((r) => r.sealed_digest);
    for (const digest of made) assert.equal(stored.filter((d) => d === digest).length, 1, `segment ${digest} stored once`);
    const objects = await records.objects.listSegments();
    assert.deepEqual([...objects].sort(), [...stored].sort(), 'one object per stored segment, none without its entry');
    const report = await verifyRecords(records.db, records.objects, hostPort, { recordsPublicKey: records.key.publicKey });
    assert.deepEqual(report.failures, []);
  };
  const heldDigests = (camera: HostCamera) => [...camera.evidence.held.values()].map((h) => toHex(h.segment.sealedDigest));

  it('PostgreSQL goes away after the object is PUT, before its log entry commits', async () => {
    const { dock: key, forwarder } = await records.enrolDock('Mapo police station');
    const camera = HostCamera.create('officer kim');
    const made = camera.record(1, [20_000, 10_000]).map((m) => toHex(m.sealedDigest));
    on.put = 'after';
    on.act = () => proxies.db.cut();
    const storeDir = path.join(root, 'db');
    await assert.rejects(dock(camera, storeDir, key, forwarder), /not released: the records system at .* refused it \(503\)/);
    assert.deepEqual(heldDigests(camera).sort(), [...made].sort(), 'nothing released');
    assert.ok((await records.objects.headSegment(made[0]!)), 'the object was stored before the database went away');
    await proxies.db.restore();
    await recovers(camera, storeDir, key, forwarder, made);
  });

  it('the object store goes away before a PUT', async () => {
    const { dock: key, forwarder } = await records.enrolDock('Jongno police station');
    const camera = HostCamera.create('officer lee');
    const made = camera.record(2, [15_000, 5_000]).map((m) => toHex(m.sealedDigest));
    on.put = 'before';
    on.act = () => proxies.s3.cut();
    const storeDir = path.join(root, 's3');
    await assert.rejects(dock(camera, storeDir, key, forwarder), /not released: the records system at .* refused it \(503\): the object store did not take segment/);
    assert.equal(camera.evidence.held.size, 2, 'nothing released');
    await proxies.s3.restore();
    await recovers(camera, storeDir, key, forwarder, made);
  });

  it('the records server goes away after storing a segment, before its ack reaches the dock', async () => {
    const { dock: key, forwarder } = await records.enrolDock('Gangnam police station');
    const camera = HostCamera.create('officer park');
    const made = camera.record(3, [12_000, 8_000]).map((m) => toHex(m.sealedDigest));
    on.put = 'after';
    on.act = () => records.stopServer();
    const storeDir = path.join(root, 'server');
    await assert.rejects(dock(camera, storeDir, key, forwarder), /not released: the records system at .* cannot be reached/);
    assert.equal(camera.evidence.held.size, 2, 'nothing released without an ack');
    await records.startServer();
    await recovers(camera, storeDir, key, forwarder, made);
  });
});
