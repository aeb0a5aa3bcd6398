// The dock's side of one docking (host-tools/dock/camera-offload.ts) at its edges, in process: a
// camera running the firmware's own DockSession in Node (test/support/host-camera.ts) docks into a
// real evidence store on disk, with real P-256 and SHA-256 (node:crypto). What it holds to: nothing
// is stored or released unless the whole staged evidence verifies; a tampered segment or chain, a
// listing the chain does not back, a camera that confirms another release, a rolled-back or forked
// camera, a camera under an alarm or not provisioned are refused by name with nothing stored; a
// docking resumes what an earlier one staged, and a segment stored before is linked, not read again.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { toHex } from '../../firmware/format/bytes.js';
import { readChainLog } from '../../firmware/format/chain-log.js';
import { decodeRecord } from '../../firmware/format/chain-records.js';
import { decodeReceiptFields } from '../../firmware/format/dock-proofs.js';
import { generateP256KeyPair } from '../../firmware/format/key-derivation.js';
import { NodeCryptoPort } from '../../host-tools/crypto/node-crypto-port.js';
import { offloadCamera, type OffloadOptions, type OffloadProgress } from '../../host-tools/dock/camera-offload.js';
import type { DockClient } from '../../host-tools/dock/dock-client.js';
import { segmentFileName } from '../../host-tools/evidence/evidence-layout.js';
import { CameraRegistry } from '../../host-tools/keys/camera-registry.js';
import { cameraDocument } from '../../host-tools/keys/key-files.js';
import { EvidenceStore } from '../../host-tools/store/evidence-store.js';
import { HostCamera } from '../support/host-camera.js';

const port = new NodeCryptoPort();
const NOW = Date.UTC(2026, 5, 1, 9, 30);
const iso = (ms: number) => new Date(ms).toISOString();

describe('a docking, from the dock (camera-offload)', () => {
  let root: string;
  let store: EvidenceStore;
  let lines: string[];
  const dockKey = generateP256KeyPair(port);
  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'chaincam-offload-rules-'));
    store = EvidenceStore.open(path.join(root, 'store'));
    lines = [];
  });
  afterEach(() => {
    store.close();
    fs.rmSync(root, { recursive: true, force: true });
  });

  const dock = (camera: HostCamera, options: Partial<OffloadOptions> = {}, client: DockClient = camera.connect(dockKey.publicKey)) =>
    offloadCamera({ client, store, dockKey, port, log: (line) => lines.push(line), now: () => NOW, ...options });
  const held = (camera: HostCamera) => [...camera.evidence.held.keys()].sort((a, b) => a - b);
  const stagedSegment = (camera: HostCamera, recording: number, index: number) =>
    path.join(store.stagingDir(camera.id), 'segments', segmentFileName(recording, index));
  const events = (camera: HostCamera, type: string) => readChainLog(camera.evidence.chain).frames.map((f) => decodeRecord(f.body))
    .flatMap((r) => (r.kind === 'event' && r.event.type === type ? [r.event] : []));
  /** The store as a reader sees it: each segment's digest and whether it is released. */
  const storedState = () => store.segments().map((s) => [s.sealedDigest, s.releasedAt !== null]);
  /** A client whose replies to `type` are changed (or whose requests of `type` fail) on the dock's side. */
  const intercepted = (camera: HostCamera, type: string, change: (reply: any) => void) => {
    const client = camera.connect(dockKey.publicKey);
    const request = client.request.bind(client) as (m: any, t: any) => Promise<any>;
    (client as any).request = async (m: { type: string }, expected: string) => {
      const reply = await request(m, expected);
      if (m.type === type) change(reply);
      return reply;
    };
    return client;
  };

  it('stores and releases every held segment, sets the camera clock, logs it, and leaves no staged segment', async () => {
    const camera = HostCamera.create('officer han');
    const segments = camera.record(1, [3_000, 5_000]);
    const sealed = segments.map((s) => camera.evidence.held.get(s.sequence)!.bytes);
    const clockBefore = events(camera, 'clock-set').length;
    const progress: OffloadProgress[] = [];
    const fds = openFiles();
    const result = await dock(camera, { progress: (p) => progress.push({ ...p }) });
    assert.deepEqual(openFiles(), fds, 'every file the docking staged is closed');

    const chainLength = camera.evidence.chain.length;
    assert.deepEqual(result, { deviceId: camera.id, stored: 2, released: 2, bytesRead: chainLength + 8_000 });
    assert.deepEqual(held(camera), [], 'the camera released both');
    assert.deepEqual(storedState().sort(), segments.map((s) => [toHex(s.sealedDigest), true]).sort());
    segments.forEach((s, i) => assert.deepEqual(new Uint8Array(fs.readFileSync(store.objectPath(toHex(s.sealedDigest)))), sealed[i]));
    const [set] = events(camera, 'clock-set').slice(clockBefore);
    assert.equal((set as { newTime: number }).newTime, NOW, "the camera's clock is the dock's");
    assert.deepEqual(store.chains(camera.id).map((c) => c.chainLength), [chainLength], 'the chain after the releases is committed');
    assert.ok(!fs.existsSync(path.join(store.stagingDir(camera.id), 'segments')), 'no staged segment is left');

    assert.equal(lines[0], `host camera ${camera.id.slice(0, 8)}: camera ${camera.id} "officer han" authenticated`);
    const previous = (set as { previousTime: number }).previousTime;
    assert.equal(previous, Date.UTC(2026, 0, 1, 0, 0, 3), 'the camera\'s own clock: three seconds of recording after provisioning');
    assert.equal(lines[1], `host camera ${camera.id.slice(0, 8)}: camera ${camera.id} clock set from ${iso(previous)} to ${iso(NOW)} (was ${((previous - NOW) / 1000).toFixed(3)} s off)`);
    assert.equal(lines.at(-1), `host camera ${camera.id.slice(0, 8)}: camera ${camera.id} offloaded: 2 segments stored, 2 released, ${chainLength + 8_000} bytes read`);

    // Progress: one camera, named, counting up to what it had to read (the chain as listed and both segments).
    assert.ok(progress.length >= 3);
    assert.ok(progress.every((p) => p.deviceId === camera.id && p.label === 'officer han'));
    const total = progress[0]!.totalBytes;
    assert.ok(progress.every((p) => p.totalBytes === total));
    assert.equal(total - 8_000, readListedChain(camera), 'the total is the chain as listed and the two segments');
    assert.equal(progress[0]!.doneBytes, 0, 'nothing done before the chain is read');
    for (let i = 1; i < progress.length; i++) assert.ok(progress[i]!.doneBytes >= progress[i - 1]!.doneBytes, `progress only grows (${progress.map((p) => p.doneBytes)})`);
    assert.ok(progress.some((p) => p.doneBytes === total), 'and reaches the total');

    const releases = store.logEntries().flatMap((e) => (e.type === 'segment-released' ? [[toHex(e.sealedDigest), e.source]] : []));
    assert.deepEqual(releases, segments.map((s) => [toHex(s.sealedDigest), 1]), 'each release once, on the camera\'s reply');

    // The receipts: each names its segment, the dock's time, and the head of the chain the dock verified.
    const receipts = store.logEntries().flatMap((e) => (e.type === 'receipt-issued' ? [decodeReceiptFields(e.fields)] : []));
    assert.deepEqual(receipts.map((r) => [r.segmentSequence, r.sealedLength, toHex(r.sealedDigest), r.storedTime]),
      segments.map((s) => [s.sequence, s.sealedLength, toHex(s.sealedDigest), NOW]));
    const listed = readChainLog(camera.evidence.chain.subarray(0, readListedChain(camera))).frames;
    for (const r of receipts) {
      assert.equal(r.records, listed.length, 'records: every record the dock verified');
      assert.deepEqual(r.headLink, listed.at(-1)!.storedLink);
      assert.equal(toHex(r.deviceId), camera.id);
    }
  });

  it('a segment whose bytes are not the ones listed is discarded by name; nothing is stored or released', async () => {
    const camera = HostCamera.create();
    const [first, second] = camera.record(1, [2_000, 2_000]);
    const copy = camera.evidence.held.get(second!.sequence)!;
    const tampered = copy.bytes.slice();
    tampered[1_000] ^= 1;
    camera.evidence.held.set(second!.sequence, { ...copy, bytes: tampered });
    await assert.rejects(dock(camera), new RegExp(`: segment record #${second!.sequence} arrived with SHA-256 ${toHex(port.sha256(tampered))}, the camera listed ${toHex(second!.sealedDigest)}; discarded, it will be read again at the next docking$`));
    assert.deepEqual(storedState(), []);
    assert.deepEqual(held(camera), [first!.sequence, second!.sequence]);
    assert.ok(fs.existsSync(stagedSegment(camera, 1, 0)), 'the good one stays staged');
    assert.ok(!fs.existsSync(stagedSegment(camera, 1, 1)), 'the bad one is discarded');
    assert.deepEqual(store.logEntries().filter((e) => e.type !== 'store-opened'), [], 'nothing in the log');
  });

  it('a segment the camera lists under its new digest, which the chain does not sign, does not verify: nothing stored or released', async () => {
    const camera = HostCamera.create();
    const [first, second] = camera.record(1, [2_000, 2_000]);
    const copy = camera.evidence.held.get(second!.sequence)!;
    const tampered = copy.bytes.slice();
    tampered[1_000] ^= 1;
    camera.evidence.held.set(second!.sequence, { segment: { ...copy.segment, sealedDigest: port.sha256(tampered) }, bytes: tampered });
    await assert.rejects(dock(camera), new RegExp(`: camera ${camera.id} evidence does not verify, nothing stored or released: .*segment`));
    assert.deepEqual(storedState(), []);
    assert.deepEqual(held(camera), [first!.sequence, second!.sequence]);
    assert.ok(!fs.existsSync(path.join(store.stagingDir(camera.id), 'chain.log')), 'the staged chain is dropped, to be read whole next time');
    assert.deepEqual(store.logEntries().filter((e) => e.type !== 'store-opened'), []);
  });

  it('a chain with one byte changed does not verify: nothing stored or released', async () => {
    const camera = HostCamera.create();
    const [only] = camera.record(1, [2_000]);
    const chain = camera.evidence.chain.slice();
    chain[8 + 4 + 15] ^= 1; // inside the first record's body, after the magic and its length
    camera.evidence.chain = chain;
    await assert.rejects(dock(camera), new RegExp(`: camera ${camera.id} evidence does not verify, nothing stored or released: `));
    assert.deepEqual(storedState(), []);
    assert.deepEqual(held(camera), [only!.sequence]);
    assert.ok(!fs.existsSync(path.join(store.stagingDir(camera.id), 'chain.log')));
  });

  it('a listed segment under a record number the verified chain gives another record is refused before any is stored', async () => {
    const camera = HostCamera.create();
    const [only] = camera.record(1, [2_000]);
    const copy = camera.evidence.held.get(only!.sequence)!;
    // The same file, listed under the record before it (the recording-start event).
    camera.evidence.held.delete(only!.sequence);
    const moved = only!.sequence - 1;
    camera.evidence.held.set(moved, { segment: { ...copy.segment, sequence: moved }, bytes: copy.bytes });
    await assert.rejects(dock(camera), new RegExp(`: camera listed segment record #${moved}, which the verified chain does not hold with that digest$`));
    assert.deepEqual(storedState(), []);
    assert.deepEqual(held(camera), [moved]);
  });

  it('a camera that confirms another release than the receipt sent: stored, receipt kept, not counted released; the next docking finds the release on its chain', async () => {
    const camera = HostCamera.create();
    const [first, second] = camera.record(1, [2_000, 2_000]);
    const digests = [first!, second!].map((s) => toHex(s.sealedDigest));
    await assert.rejects(dock(camera, {}, intercepted(camera, 'release', (reply) => { reply.segmentSequence += 1; })),
      new RegExp(`: camera confirmed a different release than the receipt sent for record #${first!.sequence}$`));
    assert.deepEqual(storedState(), [[digests[0], false]], 'stored, but not released on the camera\'s word');
    const digestChanged = intercepted(camera, 'release', (reply) => { reply.receiptDigest = reply.receiptDigest.slice(); reply.receiptDigest[0] ^= 1; });
    await assert.rejects(dock(camera, {}, digestChanged), new RegExp(`: camera confirmed a different release than the receipt sent for record #${second!.sequence}$`));
    assert.deepEqual(storedState(), [[digests[0], false], [digests[1], false]]);
    assert.deepEqual(held(camera), [], 'the camera did release both');

    lines = [];
    const result = await dock(camera);
    assert.deepEqual([result.stored, result.released], [0, 0]);
    assert.deepEqual(storedState(), [[digests[0], true], [digests[1], true]], 'both releases are taken from the camera\'s chain');
    const sources = store.logEntries().flatMap((e) => (e.type === 'segment-released' ? [e.source] : []));
    assert.deepEqual(sources, [2, 2], 'recorded from the chain, not a reply');
  });

  it('a segment stored in a docking whose release did not happen is linked, not read again, then released', async () => {
    // Its staged copy kept (the store holds it under another name) or gone.
    for (const keepStaged of [false, true]) {
      const camera = HostCamera.create();
      const [first, second] = camera.record(1, [3_000, 4_000]);
      const pulled = camera.connect(dockKey.publicKey);
      const request = pulled.request.bind(pulled) as (m: any, t: any) => Promise<any>;
      (pulled as any).request = (m: { type: string }, t: string) => (m.type === 'release' ? Promise.reject(new Error('cable pulled')) : request(m, t));
      await assert.rejects(dock(camera, {}, pulled), /^Error: cable pulled$/);
      const mine = () => store.segments(camera.id).map((s) => [s.sealedDigest, s.releasedAt !== null]);
      assert.deepEqual(mine(), [[toHex(first!.sealedDigest), false]]);
      assert.ok(fs.existsSync(stagedSegment(camera, 1, 1)), 'the second stays staged');
      if (!keepStaged) fs.rmSync(stagedSegment(camera, 1, 0));

      const progress: OffloadProgress[] = [];
      const result = await dock(camera, { progress: (p) => progress.push({ ...p }) });
      assert.deepEqual([result.stored, result.released], [1, 2]);
      assert.ok(result.bytesRead < 3_000, `neither segment is read again (${result.bytesRead} bytes read, all of them chain)`);
      assert.equal(progress[0]!.totalBytes, readListedChain(camera) + 4_000, 'the stored one does not count toward what is left to read; the staged one does');
      assert.deepEqual(mine(), [[toHex(first!.sealedDigest), true], [toHex(second!.sealedDigest), true]]);
      assert.deepEqual(held(camera), []);
    }
  });

  it('a segment the camera released to another dock is not recorded released here, stored or not', async () => {
    const camera = HostCamera.create();
    const [first, second] = camera.record(1, [2_000, 2_000]);
    const pulled = camera.connect(dockKey.publicKey);
    const request = pulled.request.bind(pulled) as (m: any, t: any) => Promise<any>;
    (pulled as any).request = (m: { type: string }, t: string) => (m.type === 'release' ? Promise.reject(new Error('cable pulled')) : request(m, t));
    await assert.rejects(dock(camera, {}, pulled), /^Error: cable pulled$/);
    // Another agency dock, with its own store, takes and releases both.
    const otherKey = generateP256KeyPair(port);
    const other = EvidenceStore.open(path.join(root, 'other'));
    try {
      const elsewhere = await offloadCamera({ client: camera.connect(otherKey.publicKey), store: other, dockKey: otherKey, port, log: () => undefined });
      assert.equal(elsewhere.released, 2);
    } finally {
      other.close();
    }
    camera.record(2, [2_000]);
    const result = await dock(camera);
    assert.deepEqual([result.stored, result.released], [1, 1]);
    const state = new Map(storedState() as [string, boolean][]);
    assert.equal(state.get(toHex(first!.sealedDigest)), false, 'stored here, released on another dock\'s receipt: not released here');
    assert.equal(state.has(toHex(second!.sealedDigest)), false);
    assert.equal(store.logEntries().filter((e) => e.type === 'segment-released').length, 1, 'only this dock\'s own release');
  });

  it('a camera whose chain after the releases does not verify: what it released is kept, its chain is not committed', async () => {
    const camera = HostCamera.create();
    const [only] = camera.record(1, [2_000]);
    const client = intercepted(camera, 'release', () => { camera.evidence.chain[camera.evidence.chain.length - 40] ^= 1; });
    await assert.rejects(dock(camera, {}, client), new RegExp(`: camera ${camera.id} chain after the releases does not verify: .+`));
    assert.deepEqual(storedState(), [[toHex(only!.sealedDigest), true]], 'stored, and released on the camera\'s reply');
    assert.deepEqual(store.chains(camera.id), [], 'no chain committed');
  });

  it('a second docking reads only the chain past what the store holds or a pulled docking staged', async () => {
    const camera = HostCamera.create();
    camera.record(1, [2_000]);
    await dock(camera);
    const staged = path.join(store.stagingDir(camera.id), 'chain.log');
    const offered = path.join(store.stagingDir(camera.id), 'offered-chain.log');
    const heldLength = () => fs.statSync(path.join(store.cameraDir(camera.id)!, 'chain.log')).size;
    let recording = 2;
    const cases: [string, () => number][] = [
      ['as the last docking left it', () => heldLength()],
      ['lost', () => (fs.rmSync(staged), heldLength())],
      ['with 100 bytes of the tail read before a pull', () => {
        fs.writeFileSync(staged, camera.evidence.chain.subarray(0, heldLength() + 100));
        return heldLength() + 100;
      }],
      ['damaged inside the held part, with a tail', () => {
        const bytes = Buffer.from(camera.evidence.chain.subarray(0, heldLength() + 100));
        bytes[100] ^= 1;
        fs.writeFileSync(staged, bytes);
        return heldLength();
      }],
      ['shorter than the held chain', () => (fs.writeFileSync(staged, camera.evidence.chain.subarray(0, 500)), heldLength())],
    ];
    for (const [what, prepare] of cases) {
      camera.record(recording++, [1_500]);
      const from = prepare();
      const result = await dock(camera);
      assert.deepEqual([result.stored, result.released], [1, 1], what);
      assert.equal(result.bytesRead, camera.evidence.chain.length - from + 1_500, `staged chain ${what}: read from byte ${from}`);
      assert.ok(!fs.existsSync(offered), `staged chain ${what}: the camera's chain is not read whole`);
    }
    // A pulled docking that had read the whole chain as listed: nothing of it is read again.
    camera.record(recording++, [1_500]);
    let listed = 0;
    const client = intercepted(camera, 'list', () => {
      listed = camera.evidence.chain.length;
      fs.writeFileSync(staged, camera.evidence.chain);
    });
    const result = await dock(camera, {}, client);
    assert.equal(result.bytesRead, camera.evidence.chain.length - listed + 1_500);
    assert.ok(!fs.existsSync(offered));
    assert.equal(store.alarms(camera.id).length, 0);
  });

  it('a chain it cannot stage, a segment it cannot write: refused by name, nothing stored or released', async () => {
    const camera = HostCamera.create();
    const [only] = camera.record(1, [2_000]);
    const staging = store.stagingDir(camera.id);
    fs.mkdirSync(path.dirname(staging), { recursive: true });
    fs.writeFileSync(staging, 'not a folder');
    await assert.rejects(dock(camera), new RegExp(`^Error: the dock cannot stage camera ${camera.id} in ${staging}: a part of the path is a file, not a folder \\(ENOTDIR\\); nothing was read or released$`));
    fs.rmSync(staging);
    fs.mkdirSync(path.join(staging, 'segments'), { recursive: true });
    fs.symlinkSync('/dev/full', stagedSegment(camera, 1, 0));
    await assert.rejects(dock(camera), new RegExp(`^Error: the dock cannot stage ${stagedSegment(camera, 1, 0)}: the disk is full \\(ENOSPC\\); free space on it or move the store to a larger disk; nothing was released, the camera keeps its footage$`));
    assert.deepEqual(storedState(), []);
    assert.deepEqual(held(camera), [only!.sequence]);
  });

  it('resumes a staged segment from its length, and starts over one staged longer than the segment', async () => {
    const camera = HostCamera.create();
    const [first, second] = camera.record(1, [3_000, 3_000]);
    fs.mkdirSync(path.dirname(stagedSegment(camera, 1, 0)), { recursive: true });
    fs.writeFileSync(stagedSegment(camera, 1, 0), camera.evidence.held.get(first!.sequence)!.bytes.subarray(0, 1_000));
    fs.writeFileSync(stagedSegment(camera, 1, 1), new Uint8Array(3_001).fill(7));
    const progress: OffloadProgress[] = [];
    const result = await dock(camera, { progress: (p) => progress.push({ ...p }) });
    const total = progress[0]!.totalBytes;
    assert.equal(total, readListedChain(camera) + 6_000);
    // Up to the last byte it had to read (the chain's tail after the releases only follows it).
    const reading = progress.slice(0, progress.findIndex((p) => p.doneBytes >= total) + 1).map((p) => p.doneBytes);
    assert.equal(reading.at(-1), total, `progress reaches the total exactly (${reading} of ${total})`);
    assert.ok(reading.includes(readListedChain(camera) + 1_000), 'the staged 1000 bytes count as done');
    assert.equal(result.bytesRead, camera.evidence.chain.length + 2_000 + 3_000, 'the first read from byte 1000, the second whole');
    assert.deepEqual(storedState().map(([, released]) => released), [true, true]);
    assert.deepEqual([first!, second!].map((s) => toHex(port.sha256(fs.readFileSync(store.objectPath(toHex(s.sealedDigest)))))),
      [first!, second!].map((s) => toHex(s.sealedDigest)));
  });

  it('a camera rolled back to an older flash image raises an alarm and is refused from then on, naming it', async () => {
    const camera = HostCamera.create();
    // A long chain (read whole, in several 4 KB frames, when the dock compares it).
    camera.record(1, Array.from({ length: 30 }, () => 300));
    await dock(camera);
    const image = camera.image();
    camera.record(2, [2_000]);
    await dock(camera);
    const rolledBack = camera.restored(image);
    const restored = camera.restored(image);
    assert.ok(restored.evidence.chain.length > 2 * 4096);
    await assert.rejects(dock(restored, { maxData: 4096 }), new RegExp(`: ALARM: camera ${camera.id} was rolled back: .*\\. Nothing was stored or released; the camera stays refused at this store \\(store log entry #(\\d+), docs/STORE.md section 5\\)$`));
    const [alarm] = store.alarms(camera.id);
    assert.equal(alarm?.kind, 'rollback');
    assert.ok(lines.some((l) => l === `host camera ${camera.id.slice(0, 8)}: ALARM (store log entry #${alarm!.logEntry}): ${alarm!.text}`));
    assert.deepEqual(storedState().length, 31, 'only the first dockings stored anything');
    assert.deepEqual(fs.readFileSync(path.join(store.stagingDir(camera.id), 'offered-chain.log')), Buffer.from(restored.evidence.chain), 'the chain it offered is kept, as read');

    await assert.rejects(dock(rolledBack), new RegExp(`: camera ${camera.id} is refused: store log entry #${alarm!.logEntry} holds an alarm \\(rollback\\) about it since ${iso(alarm!.raisedAt).replace(/\./g, '\\.')}: .*Nothing is stored or released from it; take it out of service`));
    assert.deepEqual(held(rolledBack).length, 0, 'the image held nothing');
    assert.equal(store.alarms(camera.id).length, 1, 'refused before its chain is read: no second alarm');
  });

  it('a camera that forked after its last docking raises a fork alarm; nothing is stored from it', async () => {
    const camera = HostCamera.create();
    const image = camera.image();
    camera.record(1, [2_000]);
    await dock(camera);
    const forked = camera.restored(image);
    forked.record(2, [2_000, 2_000]);
    await assert.rejects(dock(forked), /: ALARM: camera [0-9a-f]{32} offers a forked chain: /);
    assert.equal(store.alarms(camera.id)[0]?.kind, 'fork');
    assert.equal(storedState().length, 1);
    assert.equal(held(forked).length, 2);
  });

  it('a staged chain whose tail does not link onto the held chain is replaced by the camera\'s own', async () => {
    const camera = HostCamera.create();
    camera.record(1, [2_000]);
    await dock(camera);
    const staged = path.join(store.stagingDir(camera.id), 'chain.log');
    // An earlier attempt left a tail that is not this camera's: as long as its chain, then longer than it.
    for (const longer of [false, true]) {
      const [later] = camera.record(longer ? 3 : 2, [2_000]);
      const heldChain = fs.readFileSync(path.join(store.cameraDir(camera.id)!, 'chain.log'));
      const extra = camera.evidence.chain.length - heldChain.length + (longer ? 5_000 : 0);
      fs.writeFileSync(staged, Buffer.concat([heldChain, Buffer.alloc(extra, 0x5a)]));
      const result = await dock(camera);
      assert.deepEqual([result.stored, result.released], [1, 1]);
      assert.ok(storedState().some(([d, released]) => d === toHex(later!.sealedDigest) && released));
      assert.deepEqual(fs.readFileSync(staged), Buffer.from(camera.evidence.chain), 'the staged chain is the camera\'s');
      assert.equal(store.alarms(camera.id).length, 0, 'no alarm: the camera\'s chain extends the held one');
    }
    assert.deepEqual(held(camera), []);
  });

  it('a staged tail whose frames delimit but do not link onto the held chain is replaced too', async () => {
    const camera = HostCamera.create();
    camera.record(1, [2_000]);
    await dock(camera);
    const [later] = camera.record(2, [2_000]);
    const heldChain = fs.readFileSync(path.join(store.cameraDir(camera.id)!, 'chain.log'));
    // The camera's own next frame, its stored link changed: a well-formed tail that does not link.
    const next = readChainLog(camera.evidence.chain).frames[readChainLog(heldChain).frames.length]!;
    const frame = Buffer.from(camera.evidence.chain.subarray(heldChain.length, heldChain.length + 4 + next.body.length + 32));
    frame[frame.length - 1]! ^= 1;
    fs.writeFileSync(path.join(store.stagingDir(camera.id), 'chain.log'), Buffer.concat([heldChain, frame]));
    const result = await dock(camera);
    assert.deepEqual([result.stored, result.released], [1, 1]);
    assert.ok(storedState().some(([d]) => d === toHex(later!.sealedDigest)));
    assert.deepEqual(fs.readFileSync(path.join(store.stagingDir(camera.id), 'chain.log')), Buffer.from(camera.evidence.chain));
  });

  it('with a registry, takes only a provisioned camera', async () => {
    const cameras = path.join(root, 'cameras');
    fs.mkdirSync(cameras);
    const registry = new CameraRegistry(cameras, port);
    const camera = HostCamera.create('BWC-7');
    camera.record(1, [2_000]);
    await assert.rejects(dock(camera, { cameras: registry }), new RegExp(`: camera ${camera.id} is not one this agency provisioned \\(no ${camera.id}\\.pub in ${cameras.replace(/[.]/g, '\\.')}\\); nothing was read from it or stored$`));
    const pub = path.join(cameras, `${camera.id}.pub`);
    const write = (c: HostCamera) => fs.writeFileSync(pub, `${JSON.stringify(cameraDocument({ deviceId: c.deviceId, publicKey: c.key.publicKey, label: c.label }, false), null, 2)}\n`);
    write(camera);
    const result = await dock(camera, { cameras: registry });
    assert.deepEqual([result.stored, result.released], [1, 1]);
  });
});

/** Open file descriptors of this process. */
function openFiles(): number {
  return fs.readdirSync('/proc/self/fd').length;
}

/** The chain length the camera listed: its chain before the dock's close added the release and session records. */
function readListedChain(camera: HostCamera): number {
  const frames = readChainLog(camera.evidence.chain).frames;
  let length = 8;
  for (const frame of frames) {
    const record = decodeRecord(frame.body);
    if (record.kind === 'event' && record.event.type === 'release') break;
    length += 4 + frame.body.length + 32;
  }
  return length;
}
