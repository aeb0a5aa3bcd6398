// The camera's DockSession (firmware/dock/dock-session.ts) held to docs/PROTOCOL.md request by
// request, in XS on the simulated board (test/fixtures/firmware/dock-camera: the session over the
// camera's evidence store on the simulated flash, with the board's crypto engine). The dock side
// is raw frames, so each test sees exactly what the camera put on the link: every reply, its
// error code, the request type it names and its message, and what was (not) freed or recorded.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { toHex } from '../../firmware/format/bytes.js';
import { DockFrameReader, LARGEST_ENCODED, encodeDockFrame } from '../../firmware/format/dock-frames.js';
import { DOCK_ERROR, decodeDockMessage, encodeDockMessage, type DockMessage } from '../../firmware/format/dock-messages.js';
import { cameraAuthMessage, deriveDockId, dockAuthMessage, receiptDigest, signReceipt, type ReleaseReceipt } from '../../firmware/format/dock-proofs.js';
import { generateP256KeyPair, type P256KeyPair } from '../../firmware/format/key-derivation.js';
import { dockedCamera, hostPort, type DockedCamera } from '../support/dock-harness.js';
import { highSTwin } from '../unit/rfc6979-vectors.js';

type Reply<T extends DockMessage['type']> = Extract<DockMessage, { type: T }>;
type HelloReply = Reply<'hello-reply'>;

/** The dock's end as raw frames: what it sends, and every message the camera answers with. */
function rawDock(cam: DockedCamera) {
  const replies: DockMessage[] = [];
  const reader = new DockFrameReader((payload) => replies.push(decodeDockMessage(payload)), LARGEST_ENCODED);
  cam.client.receive = (bytes) => reader.push(bytes);
  /** Every reply so far: a lone delimiter is delivered once the camera's TX ring has drained. */
  const replied = async () => {
    await cam.inject(Uint8Array.of(0));
    return replies.splice(0);
  };
  const sendPayload = async (payload: Uint8Array) => {
    await cam.inject(encodeDockFrame(payload));
    return replied();
  };
  const ask = (m: DockMessage) => sendPayload(encodeDockMessage(m));
  const hello = async (offer?: number, dockNonce = hostPort.randomBytes(32)) => {
    const [reply, ...more] = await ask({ type: 'hello', version: 1, dockNonce, ...(offer === undefined ? {} : { maxData: offer }) });
    assert.equal(more.length, 0);
    assert.equal(reply?.type, 'hello-reply', JSON.stringify(reply));
    return { reply: reply as HelloReply, dockNonce };
  };
  const authMessage = (h: { reply: HelloReply; dockNonce: Uint8Array }, dock: P256KeyPair): DockMessage => ({
    type: 'auth', dockPublicKey: dock.publicKey, proof: hostPort.p256Sign(dock.privateKey, dockAuthMessage(h.reply.deviceId, h.reply.cameraNonce, h.dockNonce, dock.publicKey)),
  });
  /** HELLO, then AUTH with the enrolled dock's proof; returns the HELLO exchange and the dock id. */
  const authenticate = async (offer?: number) => {
    const h = await hello(offer);
    const [reply] = await ask(authMessage(h, cam.dock));
    assert.equal(reply?.type, 'auth-reply', JSON.stringify(reply));
    const dockId = deriveDockId(hostPort, cam.dock.publicKey);
    const proof = (reply as Reply<'auth-reply'>).proof;
    assert.ok(hostPort.p256Verify(h.reply.cameraPublicKey, cameraAuthMessage(h.reply.deviceId, dockId, h.dockNonce, h.reply.cameraNonce), proof), "the camera's proof verifies");
    return { ...h, dockId };
  };
  return { ask, sendPayload, hello, authMessage, authenticate };
}

const codeOf = (m: DockMessage) => encodeDockMessage(m)[0]!;

/** The replies are exactly one ERROR with this code, naming this request type, with this message. */
function refused(replies: DockMessage[], code: number, requestType: number, message: string): void {
  assert.deepEqual(replies, [{ type: 'error', code, requestType, message }]);
}

const REQUESTS: DockMessage[] = [
  { type: 'list', fromSequence: 0 },
  { type: 'read', object: 1, sequence: 0, offset: 0, length: 0 },
  { type: 'ack', object: 1, sequence: 0, nextOffset: 10 },
  { type: 'release', receipt: new Uint8Array(124), signature: new Uint8Array(64) },
  { type: 'set-time', time: Date.UTC(2030, 0, 1) },
  { type: 'bench', command: 1, argument: Uint8Array.of(1, 2) },
  { type: 'close' },
];

describe('dock session rules: the camera end of PROTOCOL.md, request by request (XS)', function () {
  this.timeout(600_000);
  let cam: DockedCamera | undefined;
  afterEach(async () => {
    const board = cam?.board;
    cam = undefined;
    try {
      board?.throwIfFaulted();
    } finally {
      await board?.close();
    }
  });

  it('before AUTH every request but HELLO is refused with its own type named, and nothing changes', async () => {
    cam = await dockedCamera();
    await cam.record(1, [3000]);
    const dock = rawDock(cam);
    const before = await cam.status();
    for (const m of REQUESTS) refused(await dock.ask(m), DOCK_ERROR.notAuthenticated, codeOf(m), 'not authenticated');
    await dock.hello();
    for (const m of REQUESTS) refused(await dock.ask(m), DOCK_ERROR.notAuthenticated, codeOf(m), 'not authenticated');
    refused(await dock.ask({ type: 'provision', agencyPublicKey: cam.dock.publicKey, dockPublicKeys: [cam.dock.publicKey] }), DOCK_ERROR.alreadyProvisioned, 0x0a,
      'this camera is already provisioned; it is never re-keyed over its link');
    const after = await cam.status();
    assert.deepEqual({ ...after, time: 0 }, { ...before, time: 0 }, 'nothing held, recorded or authenticated changed');
  });

  it('AUTH: only after HELLO, once per HELLO, only an enrolled dock with a proof over this session, each refusal saying why', async () => {
    cam = await dockedCamera();
    const dock = rawDock(cam);
    const records = (await cam.status()).records;
    refused(await dock.ask({ type: 'auth', dockPublicKey: cam.dock.publicKey, proof: new Uint8Array(64) }), DOCK_ERROR.authFailed, 0x02, 'authentication failed: send HELLO first');
    const stranger = generateP256KeyPair(hostPort);
    let h = await dock.hello();
    refused(await dock.ask(dock.authMessage(h, stranger)), DOCK_ERROR.authFailed, 0x02, 'authentication failed: this dock key is not enrolled on the camera');
    // The enrolled dock's proof over the earlier HELLO's nonces: one attempt per nonce, so refused.
    const late = dock.authMessage(h, cam.dock);
    refused(await dock.ask(late), DOCK_ERROR.authFailed, 0x02, 'authentication failed: send HELLO first');
    h = await dock.hello();
    refused(await dock.ask(late), DOCK_ERROR.authFailed, 0x02, 'authentication failed: the dock proof does not verify');
    refused(await dock.ask(dock.authMessage(h, cam.dock)), DOCK_ERROR.authFailed, 0x02, 'authentication failed: send HELLO first');
    // A HELLO of another version answers an error and leaves no HELLO to authenticate against.
    h = await dock.hello();
    refused(await dock.ask({ type: 'hello', version: 2, dockNonce: new Uint8Array(32) }), DOCK_ERROR.version, 0x01, 'camera speaks dock protocol version 1, not 2');
    refused(await dock.ask(dock.authMessage(h, cam.dock)), DOCK_ERROR.authFailed, 0x02, 'authentication failed: send HELLO first');
    assert.deepEqual([(await cam.status()).records, (await cam.status()).authenticated], [records, false], 'no refused AUTH is on the record');
    await dock.authenticate();
    const status = await cam.status();
    assert.deepEqual([status.records, status.authenticated], [records + 2, true], 'the session opened: dock-session and a checkpoint');
    // A second AUTH in an authenticated session is refused and leaves the session as it was.
    refused(await dock.ask(dock.authMessage(h, cam.dock)), DOCK_ERROR.authFailed, 0x02, 'authentication failed: send HELLO first');
    assert.equal((await cam.status()).authenticated, true);
  });

  it('with several docks enrolled, any one of them authenticates; a key beside them does not', async () => {
    const others = [generateP256KeyPair(hostPort), generateP256KeyPair(hostPort)];
    cam = await dockedCamera({ otherDocks: others.map((k) => k.publicKey) });
    const dock = rawDock(cam);
    refused(await dock.ask(dock.authMessage(await dock.hello(), generateP256KeyPair(hostPort))), DOCK_ERROR.authFailed, 0x02, 'authentication failed: this dock key is not enrolled on the camera');
    await dock.authenticate();
    const [reply] = await dock.ask(dock.authMessage(await dock.hello(), others[0]!));
    assert.equal(reply?.type, 'auth-reply', JSON.stringify(reply));
    assert.equal((await cam.status()).authenticated, true);
  });

  it('with no dock enrolled, AUTH is refused saying how to enroll one', async () => {
    cam = await dockedCamera({ enroll: false });
    const dock = rawDock(cam);
    const h = await dock.hello();
    refused(await dock.ask(dock.authMessage(h, cam.dock)), DOCK_ERROR.authFailed, 0x02,
      "authentication failed: no dock is enrolled on this camera (docks.bin on its flash is missing, empty or damaged); provision it with this dock's public key");
  });

  it('HELLO-REPLY names this camera, its clock and the frame size agreed; a HELLO in a session ends it on the record', async () => {
    cam = await dockedCamera();
    const dock = rawDock(cam);
    const nonce = new Uint8Array(32).fill(9);
    const { reply } = await dock.hello(undefined, nonce);
    const status = await cam.status();
    assert.equal(toHex(reply.deviceId), cam.deviceId);
    assert.deepEqual(reply.cameraPublicKey, cam.camera.publicKey);
    assert.equal(reply.label, 'fixture camera');
    assert.equal(reply.version, 1);
    assert.ok(reply.cameraTime > 1e12 && reply.cameraTime <= status.time && status.time - reply.cameraTime < 1000, `the camera's clock: ${reply.cameraTime} (then ${status.time})`);
    assert.deepEqual([reply.maxData, reply.window, reply.dockNonce], [4096, 8, undefined], 'a HELLO without an offer: 4096, window 8, no echo');
    assert.equal(reply.cameraNonce.length, 32);
    for (const [offer, window] of [[4096, 8], [10_000, 8], [20_000, 6], [32768, 4]] as const) {
      const { reply: r } = await dock.hello(offer, nonce);
      assert.deepEqual([r.maxData, r.window, r.dockNonce], [offer, window, nonce], `offer ${offer}`);
      assert.notDeepEqual(r.cameraNonce, reply.cameraNonce, 'a new camera nonce each HELLO');
    }
    await dock.authenticate();
    const open = await cam.status();
    await dock.hello();
    const after = await cam.status();
    assert.deepEqual([after.authenticated, after.records], [false, open.records + 2], 'the session ended: dock-session closed and a checkpoint');
    refused(await dock.ask({ type: 'list', fromSequence: 0 }), DOCK_ERROR.notAuthenticated, 0x03, 'not authenticated');
  });

  it('a frame that does not decode is malformed, naming its type byte; a reply sent to the camera is refused by name', async () => {
    cam = await dockedCamera();
    const dock = rawDock(cam);
    const decodeError = (payload: Uint8Array) => {
      try {
        decodeDockMessage(payload);
      } catch (error) {
        return (error as Error).message;
      }
      throw new Error('decodes');
    };
    for (const payload of [Uint8Array.of(0x01), Uint8Array.of(0x03, 0, 0), Uint8Array.of(0x7e, 1, 2)]) {
      refused(await dock.sendPayload(payload), DOCK_ERROR.malformed, payload[0]!, `malformed request: ${decodeError(payload)}`);
    }
    await dock.authenticate();
    const released: DockMessage = { type: 'released', segmentSequence: 1, receiptDigest: new Uint8Array(32) };
    refused(await dock.ask(released), DOCK_ERROR.malformed, 0x86, 'a camera does not accept released messages');
    refused(await dock.ask({ type: 'closed', chainLength: 1 }), DOCK_ERROR.malformed, 0x89, 'a camera does not accept closed messages');
    assert.equal((await cam.status()).authenticated, true, 'a refused message ends nothing');
  });

  it('LIST pages 80 held segments at a time, saying whether more follow, with the chain as it stands', async () => {
    cam = await dockedCamera();
    const made = await cam.record(1, Array.from({ length: 81 }, (_, i) => 210 + i));
    const dock = rawDock(cam);
    await dock.authenticate();
    const status = await cam.status();
    const [first, ...rest] = await dock.ask({ type: 'list', fromSequence: 0 });
    assert.equal(rest.length, 0);
    const page = first as Reply<'list-reply'>;
    assert.deepEqual([page.type, page.chainLength, page.records, page.more, page.entries.length], ['list-reply', status.chainLength, status.records, true, 80]);
    page.entries.forEach((e, i) => {
      assert.deepEqual([e.sequence, e.recording, e.segmentIndex, e.sealedLength, toHex(e.sealedDigest)], [made[i]!.sequence, 1, i, made[i]!.length, made[i]!.digest]);
    });
    const [second] = await dock.ask({ type: 'list', fromSequence: page.entries[79]!.sequence + 1 });
    const last = second as Reply<'list-reply'>;
    assert.deepEqual([last.more, last.entries.map((e) => e.sequence)], [false, [made[80]!.sequence]]);
  });

  it('READ streams a window of DATA frames, moves on only for an ACK of its own object at or past a frame end, and refuses what it does not hold', async () => {
    cam = await dockedCamera();
    const [segment] = await cam.record(1, [4096 * 10 + 100]);
    const dock = rawDock(cam);
    await dock.authenticate(4096);
    const s = segment!.sequence;
    const data = (replies: DockMessage[]) => replies.map((m) => {
      assert.equal(m.type, 'data', JSON.stringify(m));
      const d = m as Reply<'data'>;
      return [d.object, d.sequence, d.offset, d.data.length];
    });
    // The whole segment: a window of 8 frames, and no more until ACKed.
    assert.deepEqual(data(await dock.ask({ type: 'read', object: 2, sequence: s, offset: 0, length: 0 })), [0, 1, 2, 3, 4, 5, 6, 7].map((i) => [2, s, i * 4096, 4096]));
    assert.deepEqual(await dock.ask({ type: 'ack', object: 2, sequence: s, nextOffset: 4095 }), [], 'an ACK short of the first frame\'s end frees nothing');
    assert.deepEqual(await dock.ask({ type: 'ack', object: 1, sequence: 0, nextOffset: 4096 }), [], 'an ACK of another object is ignored');
    assert.deepEqual(await dock.ask({ type: 'ack', object: 2, sequence: s + 1, nextOffset: 4096 }), [], 'an ACK of another segment is ignored');
    assert.deepEqual(await dock.ask({ type: 'ack', object: 1, sequence: s, nextOffset: 4096 }), [], 'an ACK of chain.log under this sequence is ignored');
    assert.deepEqual(data(await dock.ask({ type: 'ack', object: 2, sequence: s, nextOffset: 4096 })), [[2, s, 8 * 4096, 4096]], 'one frame acknowledged: one more sent');
    assert.deepEqual(data(await dock.ask({ type: 'ack', object: 2, sequence: s, nextOffset: 3 * 4096 })), [[2, s, 9 * 4096, 4096], [2, s, 10 * 4096, 100]], 'to the end, never past it');
    assert.deepEqual(await dock.ask({ type: 'ack', object: 2, sequence: s, nextOffset: 10 * 4096 }), []);
    assert.deepEqual(await dock.ask({ type: 'ack', object: 2, sequence: s, nextOffset: segment!.length }), [], 'all acknowledged: the stream is over');
    assert.deepEqual(await dock.ask({ type: 'ack', object: 2, sequence: s, nextOffset: 0 }), [], 'nothing more after the end');
    // A range: from an offset, a length, cut at the end.
    assert.deepEqual(data(await dock.ask({ type: 'read', object: 2, sequence: s, offset: 10, length: 5 })), [[2, s, 10, 5]]);
    assert.deepEqual(data(await dock.ask({ type: 'read', object: 2, sequence: s, offset: segment!.length - 1, length: 0 })), [[2, s, segment!.length - 1, 1]]);
    assert.deepEqual(data(await dock.ask({ type: 'read', object: 2, sequence: s, offset: segment!.length - 3, length: 4096 })), [[2, s, segment!.length - 3, 3]]);
    // The same bytes as a whole read, and the digest the camera listed.
    const got = new Uint8Array(segment!.length);
    let stream = await dock.ask({ type: 'read', object: 2, sequence: s, offset: 0, length: 0 });
    while (stream.length) {
      for (const m of stream) got.set((m as Reply<'data'>).data, (m as Reply<'data'>).offset);
      const lastFrame = stream[stream.length - 1] as Reply<'data'>;
      stream = await dock.ask({ type: 'ack', object: 2, sequence: s, nextOffset: lastFrame.offset + lastFrame.data.length });
    }
    assert.equal(toHex(hostPort.sha256(got)), segment!.digest);
    const range = await dock.ask({ type: 'read', object: 2, sequence: s, offset: 4100, length: 7 });
    assert.deepEqual((range[0] as Reply<'data'>).data, got.subarray(4100, 4107));
    // A new READ replaces the stream: ACKs of the old one move nothing.
    await dock.ask({ type: 'read', object: 1, sequence: 0, offset: 0, length: 0 });
    assert.deepEqual(await dock.ask({ type: 'ack', object: 2, sequence: s, nextOffset: 4096 }), []);
    // A refused READ ends the stream before it: its ACKs move nothing either.
    assert.equal((await dock.ask({ type: 'read', object: 2, sequence: s, offset: 0, length: 0 })).length, 8);
    refused(await dock.ask({ type: 'read', object: 2, sequence: 999, offset: 0, length: 0 }), DOCK_ERROR.noSuchObject, 0x04, 'no held segment with record sequence 999');
    assert.deepEqual(await dock.ask({ type: 'ack', object: 2, sequence: s, nextOffset: 4096 }), []);
    // Refusals, each naming what is wrong.
    refused(await dock.ask({ type: 'read', object: 1, sequence: 1, offset: 0, length: 0 }), DOCK_ERROR.noSuchObject, 0x04, 'chain.log is object 1 with sequence 0');
    refused(await dock.ask({ type: 'read', object: 2, sequence: 999, offset: 0, length: 0 }), DOCK_ERROR.noSuchObject, 0x04, 'no held segment with record sequence 999');
    refused(await dock.ask({ type: 'read', object: 2, sequence: s, offset: segment!.length, length: 0 }), DOCK_ERROR.noSuchObject, 0x04,
      `offset ${segment!.length} is at or past the end (${segment!.length}) of the object`);
  });

  it('READ of chain.log: sequence 0 only, every byte to the length LIST gives', async () => {
    cam = await dockedCamera();
    await cam.record(1, [3000]);
    const dock = rawDock(cam);
    await dock.authenticate(32768);
    const status = await cam.status();
    const replies = await dock.ask({ type: 'read', object: 1, sequence: 0, offset: 0, length: 0 });
    const frames = replies as Reply<'data'>[];
    assert.deepEqual(frames.map((f) => [f.type, f.object, f.sequence, f.offset]), [['data', 1, 0, 0]]);
    assert.equal(frames[0]!.data.length, status.chainLength);
  });
  it('RELEASE frees a segment only for a receipt naming this camera, the authenticated dock and the segment exactly, signed low-S by that dock', async () => {
    cam = await dockedCamera();
    const [a, b] = await cam.record(1, [4000, 5000]);
    const dock = rawDock(cam);
    const auth = await dock.authenticate();
    const receipt = (over: Partial<ReleaseReceipt> = {}): ReleaseReceipt => ({
      deviceId: auth.reply.deviceId, dockId: auth.dockId, segmentSequence: a!.sequence, sealedLength: a!.length,
      sealedDigest: Uint8Array.from(Buffer.from(a!.digest, 'hex')), storedTime: 1, records: 1, headLink: new Uint8Array(32), storeId: 0, ...over,
    });
    const release = (signed: { fields: Uint8Array; signature: Uint8Array }) => dock.ask({ type: 'release', receipt: signed.fields, signature: signed.signature });
    const byDock = (r: ReleaseReceipt) => signReceipt(hostPort, cam!.dock.privateKey, r);
    const no = (why: string) => `receipt refused, nothing released: ${why}`;
    const other = generateP256KeyPair(hostPort);
    const records = (await cam.status()).records;
    refused(await release(byDock(receipt({ deviceId: Uint8Array.from(auth.reply.deviceId, (x, i) => (i === 15 ? x ^ 1 : x)) }))), DOCK_ERROR.receiptRefused, 0x06, no('it names another camera'));
    refused(await release(byDock(receipt({ dockId: deriveDockId(hostPort, other.publicKey) }))), DOCK_ERROR.receiptRefused, 0x06, no('it names another dock than the authenticated one'));
    refused(await release(byDock(receipt({ segmentSequence: 999 }))), DOCK_ERROR.receiptRefused, 0x06, no('no held segment has record sequence 999'));
    const mismatch = no(`it does not match segment record #${a!.sequence}'s sealed length and digest`);
    refused(await release(byDock(receipt({ sealedLength: a!.length - 1 }))), DOCK_ERROR.receiptRefused, 0x06, mismatch);
    refused(await release(byDock(receipt({ sealedDigest: Uint8Array.from(Buffer.from(b!.digest, 'hex')) }))), DOCK_ERROR.receiptRefused, 0x06, mismatch);
    const genuine = byDock(receipt());
    const twin = Uint8Array.from(Buffer.from(highSTwin(toHex(genuine.signature)), 'hex'));
    refused(await release({ fields: genuine.fields, signature: twin }), DOCK_ERROR.receiptRefused, 0x06, no('the dock signature is in high-S form (r, n - s), not the canonical low-S one'));
    refused(await release(signReceipt(hostPort, other.privateKey, receipt())), DOCK_ERROR.receiptRefused, 0x06, no('the dock signature does not verify'));
    const flipped = genuine.fields.slice();
    flipped[flipped.length - 1]! ^= 1; // storeId, a field the camera does not compare: only the signature covers it
    refused(await release({ fields: flipped, signature: genuine.signature }), DOCK_ERROR.receiptRefused, 0x06, no('the dock signature does not verify'));
    const status = await cam.status();
    assert.deepEqual([status.held, status.records], [[a!.sequence, b!.sequence], records], 'nothing released, nothing recorded');
    assert.deepEqual(await release(genuine), [{ type: 'released', segmentSequence: a!.sequence, receiptDigest: receiptDigest(hostPort, genuine.fields, genuine.signature) }]);
    assert.deepEqual((await cam.status()).held, [b!.sequence], 'exactly that segment freed');
    refused(await release(genuine), DOCK_ERROR.receiptRefused, 0x06, no(`no held segment has record sequence ${a!.sequence}`));
  });

  it('SET-TIME takes 2020-01-01 and 2100-01-01 exactly, nothing outside, and puts each change on the record first', async () => {
    cam = await dockedCamera();
    const dock = rawDock(cam);
    await dock.authenticate();
    const MIN = Date.UTC(2020, 0, 1);
    const MAX = Date.UTC(2100, 0, 1);
    const before = await cam.status();
    for (const time of [MIN - 1, MAX + 1]) {
      refused(await dock.ask({ type: 'set-time', time }), DOCK_ERROR.malformed, 0x07,
        `SET-TIME ${time} is outside 1577836800000..4102444800000 (2020-01-01..2100-01-01 UTC); the clock is unchanged`);
    }
    const unchanged = await cam.status();
    assert.equal(unchanged.records, before.records);
    assert.ok(unchanged.time - before.time < 1000, 'the clock is unchanged');
    const [setMin] = await dock.ask({ type: 'set-time', time: MIN });
    const m = setMin as Reply<'time-set'>;
    assert.deepEqual([m.type, m.newTime], ['time-set', MIN]);
    assert.ok(m.previousTime >= unchanged.time && m.previousTime - unchanged.time < 1000, `the previous time is the clock it replaced: ${m.previousTime}`);
    const atMin = await cam.status();
    assert.ok(atMin.time >= MIN && atMin.time - MIN < 1000, `the clock is set to 2020-01-01: ${atMin.time}`);
    assert.equal(atMin.records, unchanged.records + 2, 'a clock-set and a checkpoint');
    const [setMax] = await dock.ask({ type: 'set-time', time: MAX });
    const x = setMax as Reply<'time-set'>;
    assert.deepEqual([x.type, x.newTime], ['time-set', MAX]);
    assert.ok(x.previousTime >= MIN && x.previousTime - MIN < 1000);
    assert.ok((await cam.status()).time >= MAX);
  });

  it('CLOSE ends the session on the record; after it the dock may still LIST, READ and ACK, and nothing else', async () => {
    cam = await dockedCamera();
    const [segment] = await cam.record(1, [3000]);
    const dock = rawDock(cam);
    await dock.authenticate();
    const open = await cam.status();
    const [closed] = await dock.ask({ type: 'close' });
    const after = await cam.status();
    assert.deepEqual([after.authenticated, after.records], [false, open.records + 2], 'dock-session closed and a checkpoint');
    assert.deepEqual(closed, { type: 'closed', chainLength: after.chainLength }, 'CLOSED gives the chain length with the close on it');
    const [list] = await dock.ask({ type: 'list', fromSequence: 0 });
    assert.deepEqual((list as Reply<'list-reply'>).entries.map((e) => e.sequence), [segment!.sequence]);
    const [data] = await dock.ask({ type: 'read', object: 2, sequence: segment!.sequence, offset: 0, length: 10 });
    assert.deepEqual([data?.type, (data as Reply<'data'>).data.length], ['data', 10]);
    assert.deepEqual(await dock.ask({ type: 'ack', object: 2, sequence: segment!.sequence, nextOffset: 10 }), []);
    for (const m of REQUESTS.slice(3)) refused(await dock.ask(m), DOCK_ERROR.notAuthenticated, codeOf(m), 'not authenticated');
    assert.deepEqual((await cam.status()).records, after.records, 'nothing more on the record');
    // A stream open at a HELLO or a CLOSE is over: an ACK of it afterwards sends nothing.
    const big = (await cam.record(2, [4096 * 10]))[0]!.sequence;
    await dock.authenticate(4096);
    assert.equal((await dock.ask({ type: 'read', object: 2, sequence: big, offset: 0, length: 0 })).length, 8);
    await dock.ask({ type: 'close' });
    assert.deepEqual(await dock.ask({ type: 'ack', object: 2, sequence: big, nextOffset: 4096 }), [], 'CLOSE ended the stream');
    assert.equal((await dock.ask({ type: 'read', object: 2, sequence: big, offset: 0, length: 0 })).length, 8, 'READ after CLOSE');
    // The idle timeout ends sessions, not a READ after CLOSE: 40 s later its ACK still moves it on.
    await cam.board.advanceTo(cam.board.now + 40_000);
    assert.deepEqual((await dock.ask({ type: 'ack', object: 2, sequence: big, nextOffset: 4096 })).map((m) => [m.type, (m as Reply<'data'>).offset]), [['data', 8 * 4096]]);
    await dock.authenticate(4096);
    assert.deepEqual(await dock.ask({ type: 'ack', object: 2, sequence: big, nextOffset: 4096 }), [], 'HELLO ended the stream');
  });

  it('BENCH: echo (command 1) answers its argument; a camera without bench commands answers status 1', async () => {
    cam = await dockedCamera();
    const dock = rawDock(cam);
    await dock.authenticate();
    assert.deepEqual(await dock.ask({ type: 'bench', command: 1, argument: Uint8Array.of(5, 6, 7) }), [{ type: 'bench-reply', command: 1, status: 0, result: Uint8Array.of(5, 6, 7) }]);
    assert.deepEqual(await dock.ask({ type: 'bench', command: 2, argument: Uint8Array.of(5) }), [{ type: 'bench-reply', command: 2, status: 1, result: new Uint8Array(0) }]);
  });

  it("a session whose dock goes silent ends after 30 s of the board's clock, on the record; before AUTH nothing ends", async () => {
    cam = await dockedCamera();
    const dock = rawDock(cam);
    await dock.hello();
    const idle = await cam.status();
    await cam.board.advanceTo(cam.board.now + 40_000);
    assert.equal((await cam.status()).records, idle.records, 'no session, nothing to end');
    await dock.authenticate();
    const open = await cam.status();
    const start = cam.board.now;
    await cam.board.advanceTo(start + 28_000);
    assert.deepEqual([(await cam.status()).authenticated, (await cam.status()).records], [true, open.records], 'still open after 28 s');
    await cam.board.advanceTo(start + 32_000);
    const after = await cam.status();
    assert.deepEqual([after.authenticated, after.records], [false, open.records + 2], 'ended after 30 s: dock-session closed and a checkpoint');
    await cam.board.advanceTo(start + 40_000);
    assert.equal((await cam.status()).records, after.records, 'ended once');
  });
  it("a store that fails under a request answers a storage error naming the request, and the session goes on", async () => {
    cam = await dockedCamera();
    const [segment] = await cam.record(1, [3000]);
    const dock = rawDock(cam);
    await dock.authenticate();
    const segments = path.join(cam.board.storage.dir, 'segments');
    for (const name of fs.readdirSync(segments)) fs.rmSync(path.join(segments, name));
    const [reply, ...more] = await dock.ask({ type: 'read', object: 2, sequence: segment!.sequence, offset: 0, length: 0 });
    assert.deepEqual(more, []);
    assert.ok(reply?.type === 'error' && reply.code === DOCK_ERROR.storage && reply.requestType === 0x04 && /^camera storage error: \S/.test(reply.message), JSON.stringify(reply));
    assert.equal((await cam.status()).authenticated, true);
    const [list] = await dock.ask({ type: 'list', fromSequence: 0 });
    assert.equal(list?.type, 'list-reply');
  });
});
