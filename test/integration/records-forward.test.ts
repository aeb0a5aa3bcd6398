// `chaincam dock --forward` into a real records system (PostgreSQL + Ceph RADOS Gateway with
// Object Lock): the dock releases a camera's segment only after the records system's signed ack
// for it; with the records server down nothing is released and the dock forwards again later;
// the ingest API hears only enrolled docks' signed, fresh requests; a retry stores nothing twice.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { toHex } from '../../firmware/format/bytes.js';
import { generateP256KeyPair } from '../../firmware/format/key-derivation.js';
import { offloadCamera } from '../../host-tools/dock/camera-offload.js';
import { RecordsForwarder, forwardUnreleased } from '../../host-tools/dock/records-forwarder.js';
import { SEGMENTS_PATH, encodeForwardedSegment, signRequest } from '../../host-tools/records/records-protocol.js';
import { verifyRecords } from '../../host-tools/records/records-verify.js';
import { EvidenceStore } from '../../host-tools/store/evidence-store.js';
import { verifyStore } from '../../host-tools/verify/verify-store.js';
import { DockStation } from '../../host-tools/dock/dock-station.js';
import { SimulatedBoard } from '../../host-tools/sim/board.js';
import { SerialBridge } from '../../host-tools/sim/serial-bridge.js';
import { hostPort } from '../support/dock-harness.js';
import { ptyPair } from '../support/pty-pair.js';
import { HostCamera } from '../support/host-camera.js';
import { startRecordsSystem, type RecordsSystem } from '../support/records-system.js';

describe('docks forward to the records system (dock --forward)', function () {
  this.timeout(600_000);
  let records: RecordsSystem;
  let root: string;

  before(async () => {
    records = await startRecordsSystem();
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'chaincam-forward-'));
  });
  after(async () => {
    await records?.close();
    if (root) fs.rmSync(root, { recursive: true, force: true });
  });

  const dockInto = async (camera: HostCamera, storeDir: string, dock: { publicKey: Uint8Array; privateKey: Uint8Array }, forward: RecordsForwarder) => {
    const store = EvidenceStore.open(storeDir, { dockKey: dock });
    try {
      return await offloadCamera({ client: camera.connect(dock.publicKey), store, dockKey: dock, port: hostPort, log: () => undefined, forward });
    } finally {
      store.close();
    }
  };
  const storedDigests = async () => (await records.db.all<{ sealed_digest: string }>('SELECT sealed_digest FROM segments ORDER BY sealed_digest')).map((r) => r.sealed_digest);

  it('releases each segment only after the records system acked it, and everything verifies', async () => {
    const { dock, forwarder } = await records.enrolDock();
    const camera = HostCamera.create('officer kim');
    const made = camera.record(1, [40_000, 30_000, 20_000]);
    // At every ack the camera still holds the segment and the records system has it, locked.
    const acks: string[] = [];
    const watching = new (class extends RecordsForwarder {
      override async forward(segment: Parameters<RecordsForwarder['forward']>[0]): Promise<number> {
        const entry = await super.forward(segment);
        const digest = toHex(hostPort.sha256(segment.sealed));
        assert.ok([...camera.evidence.held.values()].some((h) => toHex(h.segment.sealedDigest) === digest), 'the camera released a segment before its ack');
        const head = await records.objects.headSegment(digest);
        assert.equal(head?.length, segment.sealed.length);
        assert.ok(head!.retainUntil!.getTime() >= records.clock.now() + 29 * 86_400_000, 'the object is locked for the retention');
        acks.push(digest);
        return entry;
      }
    })(records.url, dock, records.key.publicKey, hostPort, () => records.clock.now());
    const store = path.join(root, 'one');
    const result = await dockInto(camera, store, dock, watching);
    assert.equal(result.released, 3);
    assert.deepEqual(acks.sort(), made.map((m) => toHex(m.sealedDigest)).sort());
    assert.equal(camera.evidence.held.size, 0);
    assert.deepEqual(await storedDigests(), acks);
    const report = await verifyRecords(records.db, records.objects, hostPort, { recordsPublicKey: records.key.publicKey });
    assert.deepEqual(report.failures, []);
    assert.equal(report.segments, 3);
    assert.ok(verifyStore(store, hostPort).ok, 'the dock store verifies as before');
    void forwarder;
  });

  it('with the records server down nothing is released; the dock forwards again at its next start, storing nothing twice', async () => {
    const { dock, forwarder } = await records.enrolDock('Jongno police station');
    const camera = HostCamera.create('officer lee');
    const made = camera.record(7, [25_000, 15_000]);
    const store = path.join(root, 'two');
    await records.stopServer();
    await assert.rejects(dockInto(camera, store, dock, forwarder), /stored at the dock but not released: the records system at .* cannot be reached/);
    assert.equal(camera.evidence.held.size, 2, 'the camera keeps every segment');
    const opened = EvidenceStore.open(store, { readOnly: true });
    const unreleased = opened.segments().filter((s) => s.releasedAt === null).length;
    opened.close();
    assert.ok(unreleased >= 1, 'the dock stored what it read');
    const before = await storedDigests();
    for (const m of made) assert.ok(!before.includes(toHex(m.sealedDigest)));

    await records.startServer();
    const reopened = EvidenceStore.open(store, { dockKey: dock });
    const resumed = await forwardUnreleased(reopened, forwarder, () => undefined);
    reopened.close();
    assert.deepEqual(resumed, { acked: unreleased, failed: 0 });
    // The next docking forwards everything again (idempotent by digest) and releases it all.
    const again = await dockInto(camera, store, dock, forwarder);
    assert.equal(again.released, 2);
    assert.equal(camera.evidence.held.size, 0);
    const after = await storedDigests();
    assert.equal(after.length, before.length + 2, 'each segment stored once');
    const objects = await records.objects.listSegments();
    assert.equal(objects.length, after.length, 'one object per segment');
    const report = await verifyRecords(records.db, records.objects, hostPort, { recordsPublicKey: records.key.publicKey });
    assert.deepEqual(report.failures, []);
  });

  it('hears only enrolled docks, signed and fresh, and refuses tampered bodies; nothing changes', async () => {
    const { dock } = await records.enrolDock('Gangnam police station');
    const stranger = generateP256KeyPair(hostPort);
    const camera = HostCamera.create('officer park');
    camera.record(3, [10_000]);
    const held = [...camera.evidence.held.values()][0]!;
    const body = encodeForwardedSegment({ label: 'officer park', cameraPublicKey: camera.key.publicKey, chain: camera.evidence.chain, recordSequence: held.segment.sequence, sealed: held.bytes });
    const post = (headers: Record<string, string>, payload: Uint8Array = body) => fetch(new URL(SEGMENTS_PATH, records.url), { method: 'POST', body: payload, headers });
    const idOf = (k: { publicKey: Uint8Array }) => new RecordsForwarder(records.url, { ...k, privateKey: new Uint8Array(32) }, records.key.publicKey, hostPort).dockId;
    const logBefore = (await records.db.decodedLog()).length;

    const unenrolled = await post(signRequest(hostPort, stranger, idOf(stranger), 'POST', SEGMENTS_PATH, body, records.clock.now()) as unknown as Record<string, string>);
    assert.equal(unenrolled.status, 403);
    assert.match((await unenrolled.json() as { error: string }).error, /not enrolled/);

    const signed = signRequest(hostPort, dock, idOf(dock), 'POST', SEGMENTS_PATH, body, records.clock.now()) as unknown as Record<string, string>;
    const tampered = body.slice();
    tampered[tampered.length - 1] ^= 1;
    const edited = await post(signed, tampered);
    assert.equal(edited.status, 401);
    assert.match((await edited.json() as { error: string }).error, /does not verify/);

    const stale = await post(signRequest(hostPort, dock, idOf(dock), 'POST', SEGMENTS_PATH, body, records.clock.now() - 600_000) as unknown as Record<string, string>);
    assert.equal(stale.status, 401);

    const first = await post(signed);
    assert.equal(first.status, 200);
    const replay = await post(signed);
    assert.equal(replay.status, 409);
    assert.match((await replay.json() as { error: string }).error, /replayed/);

    // Sealed bytes that are not the record's: refused before anything is stored.
    const other = HostCamera.create('officer choi');
    other.record(1, [5_000, 6_000]);
    const [first5k, second6k] = [...other.evidence.held.values()];
    const wrong = encodeForwardedSegment({ label: 'x', cameraPublicKey: other.key.publicKey, chain: other.evidence.chain, recordSequence: first5k!.segment.sequence, sealed: second6k!.bytes });
    const refused = await post(signRequest(hostPort, dock, idOf(dock), 'POST', SEGMENTS_PATH, wrong, records.clock.now()) as unknown as Record<string, string>, wrong);
    assert.equal(refused.status, 422);
    assert.match((await refused.json() as { error: string }).error, /the sealed bytes are 6000 bytes, segment record #\d+ says 5000; nothing was stored/);
    assert.equal((await records.db.decodedLog()).length, logBefore + 3, 'only the accepted segment was logged: camera-pinned, segment-stored, chain-committed');
  });

  it('the simulated camera (its XS firmware) over a real pty: the dock station forwards and releases after the acks', async () => {
    const { dock, forwarder } = await records.enrolDock('Seodaemun police station');
    const pair = await ptyPair();
    const board = await SimulatedBoard.boot({ main: 'test/fixtures/firmware/dock-camera' });
    let bridge: SerialBridge | undefined;
    const storeDir = path.join(root, 'xs');
    const store = EvidenceStore.open(storeDir);
    try {
      const cameraKey = generateP256KeyPair(hostPort);
      await board.command('provision', { cameraPrivateKey: toHex(cameraKey.privateKey), enrolledDocks: [toHex(dock.publicKey)] });
      const made = (await board.command('record', { recording: 1, sizes: [30_000, 10_000] })) as { digest: string }[];
      bridge = await SerialBridge.open({ board, path: pair.camera });
      bridge.start();
      const lines: string[] = [];
      const station = new DockStation({ path: pair.dock, baud: 2_000_000, store, dockKey: dock, port: hostPort, log: (l) => lines.push(l), once: true, timeoutMs: 30_000, forward: forwarder });
      const result = await station.run();
      await station.stop();
      assert.equal(result?.released, 2);
      assert.deepEqual(((await board.command('status')) as { held: number[] }).held, []);
      const digests = await storedDigests();
      for (const m of made) assert.ok(digests.includes(m.digest), 'the records system holds each released segment');
      const ackLines = lines.filter((l) => /acked by the records system/.test(l));
      assert.equal(ackLines.length, 2);
      const report = await verifyRecords(records.db, records.objects, hostPort, { recordsPublicKey: records.key.publicKey });
      assert.deepEqual(report.failures, []);
    } finally {
      store.close();
      await bridge?.close();
      await board.close();
      await pair.close();
    }
  });
});
