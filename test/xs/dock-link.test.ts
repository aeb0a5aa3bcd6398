import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { toHex } from '../../firmware/format/bytes.js';
import { DockFrameReader, LARGEST_ENCODED, encodeDockFrame } from '../../firmware/format/dock-frames.js';
import { DATA_HEADER_LENGTH, DOCK_ERROR, decodeDockMessage, encodeDockMessage, windowFor, type DockMessage } from '../../firmware/format/dock-messages.js';
import { deriveDockId, signReceipt } from '../../firmware/format/dock-proofs.js';
import { generateP256KeyPair } from '../../firmware/format/key-derivation.js';
import { offloadCamera } from '../../host-tools/dock/camera-offload.js';
import { DockError } from '../../host-tools/dock/dock-client.js';
import { authenticateCamera, sayHello } from '../../host-tools/dock/dock-handshake.js';
import { EvidenceStore } from '../../host-tools/store/evidence-store.js';
import { verifyStore } from '../../host-tools/verify/verify-store.js';
import { verifyEvidence } from '../../host-tools/verify/verify-evidence.js';
import { CablePulled, dockedCamera, hostPort, type DockedCamera } from '../support/dock-harness.js';
import { hostileBytes, seededRandom } from '../support/dock-fuzz-frames.js';
import { highSTwin } from '../unit/rfc6979-vectors.js';

// The camera's DockSession in XS (test/fixtures/firmware/dock-camera: the dock link over the
// camera's evidence store on the simulated flash, with the board's crypto engine) against the
// dock's code in Node, joined through the simulated UART without a pty so hundreds of sessions
// stay fast. The dock's timeouts run on the board's virtual clock (test/support/dock-harness.ts).
describe('dock link: camera side in XS', function () {
  let cam: DockedCamera | undefined;
  let dir: string;
  beforeEach(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'chaincam-dock-')); });
  afterEach(async () => {
    await cam?.board.close();
    cam = undefined;
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const expectError = async (promise: Promise<unknown>, code: number, text: RegExp) => {
    await assert.rejects(promise, (e: unknown) => e instanceof DockError && e.code === code && text.test(e.message));
  };

  it('a late reply to an earlier HELLO is passed over: the camera echoes the dock nonce, and AUTH uses the reply to the latest HELLO', async () => {
    cam = await dockedCamera();
    // A HELLO whose reply the dock stopped waiting for (it timed out on a slow host): the reply
    // still comes, after the next HELLO went out.
    cam.client.send({ type: 'hello', version: 1, dockNonce: new Uint8Array(32).fill(7), maxData: 32768 });
    const { hello } = await authenticateCamera(cam.client, hostPort, cam.dock, () => undefined);
    assert.equal(hello.dockNonce?.length, 32, 'the camera echoed the dock nonce');
    assert.notDeepEqual(Array.from(hello.dockNonce!), new Array(32).fill(7), 'the reply taken answers the latest HELLO');
    // A 2026 dock's HELLO (no max data offered) gets the 2026 reply: no echo.
    const { hello: old } = await sayHello(cam.reconnect(), hostPort, undefined, null);
    assert.equal(old.dockNonce, undefined);
    cam.board.throwIfFaulted();
  });

  it('answers nothing but HELLO to an unauthenticated peer', async () => {
    cam = await dockedCamera();
    await cam.record(1, [3000]);
    const before = await cam.status();
    for (const m of [{ type: 'list', fromSequence: 0 }, { type: 'read', object: 1, sequence: 0, offset: 0, length: 0 }, { type: 'set-time', time: 1 }, { type: 'close' }] as DockMessage[]) {
      await expectError(cam.client.request(m, 'list-reply'), DOCK_ERROR.notAuthenticated, /not authenticated$/);
    }
    const { hello } = await sayHello(cam.client, hostPort);
    assert.equal(toHex(hello.deviceId), cam.deviceId);
    await expectError(cam.client.request({ type: 'list', fromSequence: 0 }, 'list-reply'), DOCK_ERROR.notAuthenticated, /not authenticated/);
    // The clock runs on with the CPU's work (the board's CPU model); SET-TIME to 1 would have moved it back.
    const after = await cam.status();
    assert.ok(after.time >= before.time && after.time - before.time < 1000, `the camera's clock was not set: ${before.time} -> ${after.time}`);
    assert.deepEqual({ ...after, time: 0 }, { ...before, time: 0 }, 'nothing changed on the camera');
  });

  it('SET-TIME out of range is an error that changes nothing, and the camera stays dockable', async () => {
    cam = await dockedCamera();
    await cam.record(1, [3000]);
    await authenticateCamera(cam.client, hostPort, cam.dock, () => undefined);
    const before = await cam.status();
    for (const time of [Number.MAX_SAFE_INTEGER, 0, Date.UTC(2100, 0, 1) + 1]) {
      await expectError(cam.client.request({ type: 'set-time', time }, 'time-set'), DOCK_ERROR.malformed, /outside 1577836800000\.\.4102444800000 .*the clock is unchanged/);
    }
    const after = await cam.status();
    assert.equal(after.records, before.records, 'no clock-set record for a refused SET-TIME');
    assert.ok(Math.abs(after.time - before.time) < 5_000, `the clock is unchanged (${before.time} -> ${after.time})`);
    const good = Date.UTC(2030, 5, 1);
    const set = await cam.client.request({ type: 'set-time', time: good }, 'time-set');
    assert.equal(set.newTime, good);
    assert.equal((await cam.status()).records, before.records + 2, 'a valid SET-TIME: clock-set and a checkpoint');
    const store = EvidenceStore.open(dir);
    const result = await offloadCamera({ client: cam.client, store, dockKey: cam.dock, port: hostPort, log: () => undefined });
    assert.equal(result.stored, 1, 'the camera is still dockable');
    store.close();
    const report = verifyStore(dir, hostPort);
    assert.ok(report.ok, report.failures.join('\n'));
    const { entries } = verifyEvidence(path.join(dir, 'cameras', cam.deviceId, 'current'), { port: hostPort });
    const clockSets = entries.flatMap(({ record }) => (record.kind === 'event' && record.event.type === 'clock-set' ? [record.event] : []));
    assert.equal(clockSets.length, 2, 'one clock-set per accepted SET-TIME, none for the refused ones');
    assert.equal(clockSets[0]!.newTime, good);
    assert.ok(Math.abs(clockSets[0]!.previousTime - before.time) < 5_000, 'its previous time is the clock the refusals left alone');
    assert.ok(clockSets[1]!.previousTime >= good && clockSets[1]!.previousTime < good + 60_000, "the dock's SET-TIME found the clock the first one set");
  });

  it('refuses a dock key that is not enrolled, and a replayed AUTH', async () => {
    cam = await dockedCamera();
    const stranger = generateP256KeyPair(hostPort);
    const records = (await cam.status()).records;
    await expectError(authenticateCamera(cam.client, hostPort, stranger, () => undefined), DOCK_ERROR.authFailed, /not enrolled/);
    // Record the enrolled dock's AUTH, then replay it after a new HELLO (new camera nonce).
    const sent: DockMessage[] = [];
    const send = cam.client.send.bind(cam.client);
    cam.client.send = (m) => { if (m.type === 'auth') sent.push(m); send(m); };
    await authenticateCamera(cam.client, hostPort, cam.dock, () => undefined);
    assert.equal((await cam.status()).records, records + 2, 'dock-session opened and a checkpoint');
    await sayHello(cam.client, hostPort);
    const error = await cam.client.request(sent[0]!, 'auth-reply').catch((e) => e);
    assert.ok(error instanceof DockError && error.code === DOCK_ERROR.authFailed && /does not verify/.test(error.message), String(error));
    assert.equal((await cam.status()).authenticated, false);
  });

  it('frees a segment only for a receipt signed by the authenticated dock over exactly its digest', async () => {
    cam = await dockedCamera();
    const [a, b] = await cam.record(1, [4000, 5000]);
    const auth = await authenticateCamera(cam.client, hostPort, cam.dock, () => undefined);
    const receipt = (segment: typeof a, over: Partial<{ digest: string; length: number }> = {}) => ({
      deviceId: auth.hello.deviceId, dockId: auth.dockId, segmentSequence: segment!.sequence, sealedLength: over.length ?? segment!.length,
      sealedDigest: Uint8Array.from(Buffer.from(over.digest ?? segment!.digest, 'hex')), storedTime: 1, records: 1, headLink: new Uint8Array(32), storeId: 0,
    });
    const release = (signed: { fields: Uint8Array; signature: Uint8Array }) => cam!.client.request({ type: 'release', receipt: signed.fields, signature: signed.signature }, 'released');
    const forger = generateP256KeyPair(hostPort);
    await expectError(release(signReceipt(hostPort, forger.privateKey, receipt(a))), DOCK_ERROR.receiptRefused, /signature does not verify/);
    await expectError(release(signReceipt(hostPort, cam.dock.privateKey, receipt(a, { digest: b!.digest }))), DOCK_ERROR.receiptRefused, /does not match/);
    await expectError(release(signReceipt(hostPort, cam.dock.privateKey, receipt(a, { length: a!.length + 1 }))), DOCK_ERROR.receiptRefused, /does not match/);
    await expectError(release(signReceipt(hostPort, cam.dock.privateKey, { ...receipt(a), dockId: deriveDockId(hostPort, forger.publicKey) })), DOCK_ERROR.receiptRefused, /another dock/);
    const genuine = signReceipt(hostPort, cam.dock.privateKey, receipt(a));
    const twin = Uint8Array.from(Buffer.from(highSTwin(toHex(genuine.signature)), 'hex'));
    await expectError(release({ fields: genuine.fields, signature: twin }), DOCK_ERROR.receiptRefused, /high-S form/);
    assert.deepEqual((await cam.status()).held, [a!.sequence, b!.sequence], 'nothing released');
    const ok = await release(signReceipt(hostPort, cam.dock.privateKey, receipt(a)));
    assert.equal(ok.segmentSequence, a!.sequence);
    assert.deepEqual((await cam.status()).held, [b!.sequence]);
    await expectError(release(signReceipt(hostPort, cam.dock.privateKey, receipt(a))), DOCK_ERROR.receiptRefused, /no held segment/);
  });

  it('survives 2,000 hostile frames without a fault, an answer beyond HELLO, or a change', async () => {
    cam = await dockedCamera();
    await cam.record(1, [3000]);
    const before = await cam.status();
    const random = seededRandom(2024);
    for (let i = 0; i < 2000; i++) await cam.inject(hostileBytes(random));
    cam.board.throwIfFaulted();
    const after = await cam.status();
    assert.deepEqual(after.held, before.held);
    assert.ok(after.discardedFrames > 100, `bad frames were discarded (${after.discardedFrames})`);
    assert.equal(after.authenticated, false);
    cam.reconnect();
    await cam.inject(Uint8Array.of(0)); // flush any half frame the fuzz left in the camera's decoder
    await authenticateCamera(cam.client, hostPort, cam.dock, () => undefined);
  });

  it('acknowledges once per half window of DATA frames and at the object\'s end', async () => {
    cam = await dockedCamera();
    const [segment] = await cam.record(1, [4096 * 10 + 100]); // 11 frames: ACKs after 4, 8 and the 11th
    await authenticateCamera(cam.client, hostPort, cam.dock, () => undefined, undefined, 4096);
    const acks: number[] = [];
    const send = cam.client.send.bind(cam.client);
    cam.client.send = (m) => { if (m.type === 'ack') acks.push(m.nextOffset); send(m); };
    await cam.client.read(2, segment!.sequence, 0, segment!.length, () => undefined);
    assert.deepEqual(acks, [4 * 4096, 8 * 4096, segment!.length]);
  });

  it("times out a silent camera on the board's clock: after the timeout in virtual ms, whatever the host's speed", async () => {
    cam = await dockedCamera();
    const sentAt = cam.board.now;
    cam.cut.dock = true; // The dock's bytes are lost on the way: the camera never answers.
    await assert.rejects(cam.client.request({ type: 'hello', version: 1, dockNonce: new Uint8Array(32) }, 'hello-reply', 1500), /no hello-reply from the camera within 1500 ms/);
    assert.ok(cam.board.now >= sentAt + 1500 && cam.board.now < sentAt + 1600, `the board's clock ran to the timeout: ${sentAt} -> ${cam.board.now} ms`);
    cam.cut.dock = false;
    const { hello } = await sayHello(cam.reconnect(), hostPort);
    assert.equal(toHex(hello.deviceId), cam.deviceId, 'the camera answers the next HELLO');
    cam.board.throwIfFaulted();
  });

  it('loses and duplicates nothing across 60 cable pulls at random points, resuming from the last acknowledged offset', async function () {
    cam = await dockedCamera();
    const made = [...await cam.record(1, [20_000, 30_000, 9_000]), ...await cam.record(2, [40_000])];
    const store = EvidenceStore.open(dir);
    const random = seededRandom(60);
    const resumedAt: number[] = [];
    let pulls = 0;
    let done = false;
    for (let attempt = 0; attempt < 400 && !(done && pulls >= 60); attempt++) {
      if (done) {
        made.push(...await cam.record(3 + attempt, [15_000, 15_000])); // Docked again with new footage.
        done = false;
      }
      const client = cam.reconnect({ readRetries: 1 });
      const send = client.send.bind(client);
      client.send = (m) => { if (m.type === 'read' && m.offset > 0 && m.object === 2) resumedAt.push(m.offset); send(m); };
      cam.cut.camera = cam.cut.dock = false;
      if (pulls < 60) cam.pull.at = cam.transmitted.bytes + Math.floor(random() * 12_000);
      await cam.inject(Uint8Array.of(0));
      try {
        // 4 KB frames, so a pull within 12 KB often lands after whole frames were written.
        await offloadCamera({ client, store, dockKey: cam.dock, port: hostPort, log: () => undefined, maxData: 4096 });
        done = true;
      } catch (error) {
        // Only the pull counts as a pull: a timeout, a refusal or a fault fails the test.
        if (!(error instanceof CablePulled)) throw error;
        pulls++;
      }
      cam.pull.at = Infinity; // A pull aimed past the end of a finished offload never happened.
    }
    console.log(`      ${pulls} cable pulls tested (each ended an offload with CablePulled), ${resumedAt.length} segment reads resumed mid-file`);
    assert.equal(pulls, cam.pulls.count, 'every pull the harness made ended an offload, and nothing else did');
    assert.ok(done && pulls >= 60, `offload completed after ${pulls} pulls`);
    assert.ok(resumedAt.length > 5, `segment reads resumed mid-file ${resumedAt.length} times`);
    assert.deepEqual((await cam.status()).held, [], 'every segment released');
    const stores = store.logEntries().filter((e) => e.type === 'segment-stored');
    assert.equal(stores.length, made.length, 'each segment stored exactly once');
    assert.deepEqual(store.segments().map((s) => s.sealedDigest).sort(), made.map((m) => m.digest).sort(), 'nothing lost');
    assert.ok(store.segments().every((s) => s.releasedAt !== null));
    store.close();
    const report = verifyStore(dir, hostPort);
    assert.ok(report.ok, report.failures.join('\n'));
  });

  /** Every DATA frame the camera sends from now on, by data length. */
  const dataLengths = (c: DockedCamera) => {
    const lengths: number[] = [];
    const receive = c.client.receive.bind(c.client);
    const reader = new DockFrameReader((payload) => { if (payload[0] === 0x84) lengths.push(payload.length - DATA_HEADER_LENGTH); }, LARGEST_ENCODED);
    c.client.receive = (bytes) => { reader.push(bytes); receive(bytes); };
    return lengths;
  };

  it('a dock of 2026 (HELLO without an offer) gets 4096-byte DATA frames and a window of 8, and offloads everything', async () => {
    cam = await dockedCamera();
    const made = await cam.record(1, [50_000, 9_000]);
    const lengths = dataLengths(cam);
    const hello = await cam.client.request({ type: 'hello', version: 1, dockNonce: new Uint8Array(32) }, 'hello-reply');
    assert.equal(encodeDockMessage({ type: 'hello', version: 1, dockNonce: new Uint8Array(32) }).length, 34, 'the HELLO of 2026');
    assert.deepEqual([hello.maxData, hello.window], [4096, 8]);
    const store = EvidenceStore.open(dir);
    const result = await offloadCamera({ client: cam.client, store, dockKey: cam.dock, port: hostPort, log: () => undefined, maxData: null });
    assert.equal(result.released, made.length);
    assert.equal(Math.max(...lengths), 4096, 'no DATA frame above 4096 bytes');
    store.close();
    const report = verifyStore(dir, hostPort);
    assert.ok(report.ok, report.failures.join('\n'));
  });

  it('a dock that offers 32768 at HELLO gets 32 KB DATA frames with a window of 4, ACKed every 2, and the same bytes', async () => {
    cam = await dockedCamera();
    const [segment] = await cam.record(1, [32768 * 3 + 500]);
    const lengths = dataLengths(cam);
    const auth = await authenticateCamera(cam.client, hostPort, cam.dock, () => undefined, undefined, 32768);
    assert.deepEqual([auth.hello.maxData, auth.hello.window], [32768, 4]);
    const acks: number[] = [];
    const send = cam.client.send.bind(cam.client);
    cam.client.send = (m) => { if (m.type === 'ack') acks.push(m.nextOffset); send(m); };
    const got = new Uint8Array(segment!.length);
    await cam.client.read(2, segment!.sequence, 0, segment!.length, (data, offset) => got.set(data, offset));
    assert.deepEqual(lengths, [32768, 32768, 32768, 500]);
    assert.deepEqual(acks, [65536, segment!.length]);
    assert.equal(toHex(hostPort.sha256(got)), segment!.digest);
  });

  it('grants at most what the dock offers, and refuses an offer outside 4096-32768 as malformed', async () => {
    cam = await dockedCamera();
    const { hello } = await sayHello(cam.client, hostPort, undefined, 10_000);
    assert.deepEqual([hello.maxData, hello.window], [10_000, 8]);
    assert.equal(windowFor(20_000), 6);
    const payload = encodeDockMessage({ type: 'hello', version: 1, dockNonce: new Uint8Array(32) });
    const replies: DockMessage[] = [];
    const reader = new DockFrameReader((p) => replies.push(decodeDockMessage(p)), LARGEST_ENCODED);
    cam.client.receive = (bytes) => reader.push(bytes);
    for (const offer of [4095, 32769, 65535]) {
      await cam.inject(encodeDockFrame(Uint8Array.of(...payload, offer >> 8, offer & 0xff)));
      const m = replies.shift();
      assert.ok(m?.type === 'error' && m.code === DOCK_ERROR.malformed && /max data must be 4096-32768/.test(m.message), JSON.stringify(m));
    }
  });

  it('a full or read-only store sends no receipt, and the camera keeps everything', async () => {
    cam = await dockedCamera();
    const made = await cam.record(1, [20_000, 20_000]);
    const full = EvidenceStore.open(dir, { capacityBytes: 10_000 });
    await assert.rejects(offloadCamera({ client: cam.client, store: full, dockKey: cam.dock, port: hostPort, log: () => undefined }), /is full/);
    assert.deepEqual((await cam.status()).held, made.map((m) => m.sequence), 'camera kept both');
    assert.equal(full.segments().length, 0, 'nothing stored');
    full.close();
    const readOnly = EvidenceStore.open(dir, { readOnly: true });
    await cam.client.request({ type: 'close' }, 'closed').catch(() => undefined);
    await assert.rejects(offloadCamera({ client: cam.client, store: readOnly, dockKey: cam.dock, port: hostPort, log: () => undefined }), /read-only/);
    readOnly.close();
    assert.deepEqual((await cam.status()).held, made.map((m) => m.sequence), 'camera still keeps both');
  });
});
