// The records system's servers killed during ingest (issue 17's kill tests), each a real process
// SIGKILLed at a step the test chooses and started again, so its own crash recovery runs:
// - PostgreSQL: a cluster of the test's own (postgres-cluster.ts); its postmaster is killed after
//   a segment's object is PUT and before the segment's log entry commits; the restart runs
//   PostgreSQL's crash recovery.
// - the object store: a RADOS Gateway of the test's own on the shared Ceph cluster
//   (rados-gateway.ts), killed before a segment's PUT, and killed while a PUT is under way.
// - the records server: `chaincam records serve` as a child process (records-serve-process.ts),
//   killed after it committed a segment and before its ack reached the dock (a relay holds the
//   server's replies until the segment's row is in PostgreSQL).
// Each time the dock releases nothing it was not acked for and forwards again once the server is
// back; nothing is lost or stored twice (rows, objects, object versions); the records system
// verifies. Every wait follows an event (a line a server logs, its port accepting, a process
// reaped, a row appearing); mocha's timeout is only a hang stop.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { toHex } from '../../firmware/format/bytes.js';
import { offloadCamera } from '../../host-tools/dock/camera-offload.js';
import { RecordsForwarder, forwardUnreleased } from '../../host-tools/dock/records-forwarder.js';
import { parseCheckpointObjectName } from '../../host-tools/records/records-log.js';
import type { RecordsObjectStore } from '../../host-tools/records/records-objects.js';
import { verifyRecords } from '../../host-tools/records/records-verify.js';
import { EvidenceStore } from '../../host-tools/store/evidence-store.js';
import { hostPort } from '../support/dock-harness.js';
import { HostCamera } from '../support/host-camera.js';
import { PostgresCluster } from '../support/postgres-cluster.js';
import { lookUntil } from '../support/process-events.js';
import { RadosGateway } from '../support/rados-gateway.js';
import { RecordsServeProcess } from '../support/records-serve-process.js';
import { objectVersions, startRecordsSystem, type RecordsSystem } from '../support/records-system.js';
import { TcpRelay } from '../support/tcp-relay.js';

type DockKey = { publicKey: Uint8Array; privateKey: Uint8Array };

describe('the records system survives its servers being killed during ingest', function () {
  this.timeout(600_000);
  let root: string;
  /** What each test started, stopped after it in reverse order, whether it passed or not. */
  const started: (() => Promise<unknown>)[] = [];
  /** What the test does at the next segment PUT of the ingest (and the digest it did it at), or at the next checkpoint write. */
  const on: { put?: 'before' | 'after'; act?: () => Promise<void>; digest?: string; checkpoint?: () => Promise<void> } = {};

  before(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'chaincam-records-faults-'));
  });
  afterEach(async () => {
    on.put = on.act = on.checkpoint = undefined;
    for (const stop of started.splice(0).reverse()) await stop().catch((error) => console.error(`records-faults cleanup: ${(error as Error).message}`));
  });
  after(() => {
    if (root) fs.rmSync(root, { recursive: true, force: true });
  });

  /** The bucket, with the test's act at the next segment PUT. */
  const hooked = (bucket: RecordsObjectStore): RecordsObjectStore => new Proxy(bucket, {
    get(target, name) {
      if (name === 'putLogObject') {
        return async (...args: Parameters<RecordsObjectStore['putLogObject']>) => {
          const act = args[0].startsWith('checkpoint-') ? on.checkpoint : undefined;
          if (act) on.checkpoint = undefined;
          await act?.();
          return target.putLogObject(...args);
        };
      }
      if (name !== 'putSegment') {
        const value = Reflect.get(target, name, target) as unknown;
        return typeof value === 'function' ? value.bind(target) : value; // its private fields need the real receiver
      }
      return async (...args: Parameters<RecordsObjectStore['putSegment']>) => {
        const act = on.act;
        const when = on.put;
        if (act) [on.act, on.put, on.digest] = [undefined, undefined, args[0]];
        if (act && when === 'before') await act();
        const result = await target.putSegment(...args);
        if (act && when === 'after') await act();
        return result;
      };
    },
  });

  const dock = async (camera: HostCamera, storeDir: string, key: DockKey, forwarder: RecordsForwarder) => {
    const store = EvidenceStore.open(storeDir, { dockKey: key });
    try {
      return await offloadCamera({ client: camera.connect(key.publicKey), store, dockKey: key, port: hostPort, log: () => undefined, forward: forwarder });
    } finally {
      store.close();
    }
  };
  const resume = async (storeDir: string, key: DockKey, forwarder: RecordsForwarder) => {
    const store = EvidenceStore.open(storeDir, { dockKey: key });
    try {
      return await forwardUnreleased(store, forwarder, () => undefined);
    } finally {
      store.close();
    }
  };
  const storedDigests = async (records: RecordsSystem) => (await records.db.all<{ sealed_digest: string }>('SELECT sealed_digest FROM segments')).map((r) => r.sealed_digest);
  const heldDigests = (camera: HostCamera) => [...camera.evidence.held.values()].map((h) => toHex(h.segment.sealedDigest));

  /** After the fault: the dock resumes and docks again; everything is released once, stored once, and verifies. */
  const recovers = async (records: RecordsSystem, camera: HostCamera, storeDir: string, key: DockKey, forwarder: RecordsForwarder, made: string[]) => {
    await resume(storeDir, key, forwarder);
    const again = await dock(camera, storeDir, key, forwarder);
    assert.equal(camera.evidence.held.size, 0, 'the camera released everything once acked');
    assert.ok(again.released >= 1);
    const stored = await storedDigests(records);
    for (const digest of made) assert.equal(stored.filter((d) => d === digest).length, 1, `segment ${digest} stored once`);
    const objects = await records.objects.listSegments();
    assert.deepEqual([...objects].sort(), [...stored].sort(), 'one object per stored segment, none without its entry');
    const versions = await objectVersions(records.settings.s3);
    assert.deepEqual([...versions].filter(([, n]) => n !== 1), [], 'every object in the bucket has one version: nothing was PUT twice');
    const entries = (await records.db.one<{ n: number }>('SELECT count(*)::int AS n FROM records_log'))!.n;
    const checkpoints = (await records.objects.listLogObjects('checkpoint-')).map((name) => parseCheckpointObjectName(name) ?? 0);
    assert.equal(Math.max(...checkpoints), entries, 'a checkpoint in the bucket covers the whole log, every acked entry included');
    const report = await verifyRecords(records.db, records.objects, hostPort, { recordsPublicKey: records.key.publicKey });
    assert.deepEqual(report.failures, []);
  };

  it('PostgreSQL is killed after the object is PUT, before its log entry commits, and recovers from the crash', async () => {
    const postgres = await PostgresCluster.create('faults');
    started.push(() => postgres.remove());
    const records = await startRecordsSystem('records-faults-pg', { dbUrl: postgres.url, wrapObjects: hooked });
    started.push(() => records.close());
    const { dock: key, forwarder } = await records.enrolDock('Mapo police station');
    const camera = HostCamera.create('officer kim');
    const made = camera.record(1, [20_000, 10_000]).map((m) => toHex(m.sealedDigest));
    on.put = 'after';
    on.act = () => postgres.kill();
    const storeDir = path.join(root, 'db');
    await assert.rejects(dock(camera, storeDir, key, forwarder), /not released: the records system at .* refused it \(503\)/);
    assert.deepEqual(heldDigests(camera).sort(), [...made].sort(), 'nothing released');
    await postgres.start();
    assert.ok(postgres.log.has(/database system was not properly shut down; automatic recovery in progress/), 'PostgreSQL ran its crash recovery');
    assert.ok(await records.objects.headSegment(on.digest!), 'the object was stored before PostgreSQL was killed');
    assert.ok(!(await storedDigests(records)).includes(on.digest!), 'its log entry never committed');
    await recovers(records, camera, storeDir, key, forwarder, made);
  });

  it('a checkpoint the bucket did not take after the COMMIT (as when the server dies in between) is written before the retry is acked', async () => {
    const records = await startRecordsSystem('records-faults-checkpoint', { wrapObjects: hooked });
    started.push(() => records.close());
    const { dock: key, forwarder } = await records.enrolDock('Seocho police station');
    const camera = HostCamera.create('officer yoon');
    const made = camera.record(5, [9_000]).map((m) => toHex(m.sealedDigest));
    on.checkpoint = async () => {
      throw new Error('the server died before it wrote this checkpoint');
    };
    const storeDir = path.join(root, 'checkpoint');
    await assert.rejects(dock(camera, storeDir, key, forwarder), /not released: the records system at .* refused it \(503\): the server died/);
    assert.deepEqual(await storedDigests(records), made, 'the segment was committed');
    assert.equal(camera.evidence.held.size, 1, 'nothing released');
    await recovers(records, camera, storeDir, key, forwarder, made);
  });

  describe('the object store (a RADOS Gateway of the test\'s own)', function () {
    before(function () {
      const why = RadosGateway.unavailable();
      if (why) {
        console.log(`    (skipped: ${why})`);
        this.skip();
      }
    });

    it('is killed before a PUT', async () => {
      const gateway = await RadosGateway.create('faults');
      started.push(() => gateway.remove());
      const records = await startRecordsSystem('records-faults-s3', { s3Endpoint: gateway.endpoint, wrapObjects: hooked });
      started.push(() => records.close());
      const { dock: key, forwarder } = await records.enrolDock('Jongno police station');
      const camera = HostCamera.create('officer lee');
      const made = camera.record(2, [15_000, 5_000]).map((m) => toHex(m.sealedDigest));
      on.put = 'before';
      on.act = () => gateway.kill();
      const storeDir = path.join(root, 's3-before');
      await assert.rejects(dock(camera, storeDir, key, forwarder), /not released: the records system at .* refused it \(503\): the object store did not take segment/);
      assert.equal(camera.evidence.held.size, 2, 'nothing released');
      await gateway.start();
      await recovers(records, camera, storeDir, key, forwarder, made);
    });

    it('is killed while a PUT is under way', async () => {
      const gateway = await RadosGateway.create('faults');
      started.push(() => gateway.remove());
      const records = await startRecordsSystem('records-faults-s3-put', { s3Endpoint: gateway.endpoint, wrapObjects: hooked });
      started.push(() => records.close());
      const { dock: key, forwarder } = await records.enrolDock('Yongsan police station');
      const camera = HostCamera.create('officer choi');
      // One segment, so the next PUT the gateway executes is its own (1.5 MB: the gateway reads
      // and writes it to RADOS in several pieces). It is killed once it logs that it executes
      // that PUT: it has the request, has not answered, and may have stored part of the body.
      const made = camera.record(4, [1_500_000]).map((m) => toHex(m.sealedDigest));
      let killed: Promise<void> | undefined;
      on.put = 'before';
      on.act = async () => {
        killed = gateway.log.next(/s3:put_obj executing/).then(() => gateway.kill());
      };
      const storeDir = path.join(root, 's3-during');
      await assert.rejects(dock(camera, storeDir, key, forwarder), /not released: the records system at .* refused it \(503\): the object store did not take segment/);
      await killed;
      assert.equal(camera.evidence.held.size, 1, 'nothing released');
      await gateway.start();
      await recovers(records, camera, storeDir, key, forwarder, made);
    });
  });

  it('the records server is killed after it committed a segment, before its ack reached the dock', async () => {
    const records = await startRecordsSystem('records-faults-server', { serve: false });
    started.push(() => records.close());
    const server = new RecordsServeProcess(records);
    started.push(() => server.stop());
    await server.start();
    const relay = await TcpRelay.start(server.port);
    started.push(() => relay.close());
    const { dock: key } = await records.enrolDock('Gangnam police station');
    const forwarder = new RecordsForwarder(relay.url, key, records.key.publicKey, hostPort, () => records.clock.now());
    const camera = HostCamera.create('officer park');
    const made = camera.record(3, [12_000, 8_000]).map((m) => toHex(m.sealedDigest));
    const storeDir = path.join(root, 'server');
    relay.holdReplies();
    const docking = dock(camera, storeDir, key, forwarder);
    docking.catch(() => undefined); // awaited below, once the server is killed
    const committed = await lookUntil('a segment of the docking committed in PostgreSQL',
      async () => (await records.db.one<{ sealed_digest: string }>('SELECT sealed_digest FROM segments WHERE sealed_digest = ANY($1)', [made]))?.sealed_digest);
    await server.kill();
    await assert.rejects(docking, /not released: the records system at .* cannot be reached/);
    assert.equal(camera.evidence.held.size, 2, `nothing released without an ack (segment ${committed} was committed)`);
    relay.passReplies();
    await server.start();
    await recovers(records, camera, storeDir, key, forwarder, made);
  });
});
