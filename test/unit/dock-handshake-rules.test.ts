// HELLO and mutual authentication from the dock's side (host-tools/dock/dock-handshake.ts,
// docs/PROTOCOL.md section 4): against the firmware's own DockSession run in Node (HostCamera),
// and against a camera scripted on the protocol's codec with real P-256 keys for what a real
// camera never sends (another protocol version, a key that is not its id's, a proof that fails,
// a late reply to an earlier HELLO). Timers fire only when the test fires them.
import assert from 'node:assert/strict';
import { toHex } from '../../firmware/format/bytes.js';
import { deriveDeviceId } from '../../firmware/format/chain.js';
import { DockFrameReader, LARGEST_ENCODED, encodeDockFrame } from '../../firmware/format/dock-frames.js';
import { DOCK_ERROR, decodeDockMessage, encodeDockMessage, type DockMessage } from '../../firmware/format/dock-messages.js';
import { cameraAuthMessage, deriveDockId } from '../../firmware/format/dock-proofs.js';
import { generateP256KeyPair } from '../../firmware/format/key-derivation.js';
import { NodeCryptoPort } from '../../host-tools/crypto/node-crypto-port.js';
import { DockClient, DockError } from '../../host-tools/dock/dock-client.js';
import { authenticateCamera, isUnprovisioned, sayHello } from '../../host-tools/dock/dock-handshake.js';
import { HeldTimers, outcome } from '../support/held-timers.js';
import { HostCamera } from '../support/host-camera.js';

const port = new NodeCryptoPort();
const WHERE = 'scripted camera';
type Hello = Extract<DockMessage, { type: 'hello' }>;
type HelloReply = Extract<DockMessage, { type: 'hello-reply' }>;

interface Script {
  /** The camera's HELLO-REPLY fields, given the HELLO (undefined: silent). */
  hello?: (m: Hello, reply: HelloReply) => DockMessage | DockMessage[] | undefined;
  /** The camera's AUTH-REPLY proof, given what it should sign. */
  proof?: (message: Uint8Array, sign: (m: Uint8Array) => Uint8Array) => Uint8Array;
}

function scriptedCamera(script: Script = {}) {
  const key = generateP256KeyPair(port);
  const deviceId = deriveDeviceId(port, key.publicKey);
  const cameraNonce = port.randomBytes(32);
  const timers = new HeldTimers();
  const received: DockMessage[] = [];
  let client!: DockClient;
  let dockNonce: Uint8Array = new Uint8Array(32);
  const send = (m: DockMessage) => client.receive(encodeDockFrame(encodeDockMessage(m)));
  const reader = new DockFrameReader((payload) => {
    const m = decodeDockMessage(payload);
    received.push(m);
    if (m.type === 'hello') {
      dockNonce = m.dockNonce;
      const reply: HelloReply = {
        type: 'hello-reply', version: 1, deviceId, cameraPublicKey: key.publicKey, cameraNonce, cameraTime: 0, maxData: 4096, window: 8, label: 'BWC-9',
        ...(m.maxData === undefined ? {} : { dockNonce: m.dockNonce }),
      };
      const out = script.hello ? script.hello(m, reply) : reply;
      for (const r of out === undefined ? [] : Array.isArray(out) ? out : [out]) send(r);
    } else if (m.type === 'auth') {
      const message = cameraAuthMessage(deviceId, deriveDockId(port, m.dockPublicKey), dockNonce, cameraNonce);
      const sign = (bytes: Uint8Array) => port.p256Sign(key.privateKey, bytes);
      send({ type: 'auth-reply', proof: script.proof ? script.proof(message, sign) : sign(message) });
    }
  }, LARGEST_ENCODED);
  client = new DockClient({ where: WHERE, write: (bytes) => reader.push(bytes), timers, timeoutMs: 700 });
  return { client, key, deviceId, id: toHex(deviceId), timers, received };
}

describe('the dock\'s HELLO and authentication', () => {
  const dockKey = generateP256KeyPair(port);

  it('authenticates the firmware\'s own dock session: its hello, its id, this dock\'s id, the store\'s pin asked by id', async () => {
    const camera = HostCamera.create('officer ruiz');
    const asked: string[] = [];
    const auth = await authenticateCamera(camera.connect(dockKey.publicKey), port, dockKey, (id) => (asked.push(id), camera.key.publicKey));
    assert.equal(auth.deviceId, camera.id);
    assert.deepEqual(auth.hello.cameraPublicKey, camera.key.publicKey);
    assert.equal(auth.hello.label, 'officer ruiz');
    assert.deepEqual(auth.dockId, deriveDockId(port, dockKey.publicKey));
    assert.deepEqual(asked, [camera.id]);
    assert.equal(auth.hello.maxData, 32768, 'the 32 KB frames this dock offered');
  });

  it('a camera not enrolled for this dock refuses it: the camera\'s refusal is what the dock reports', async () => {
    const camera = HostCamera.create();
    const stranger = generateP256KeyPair(port);
    await assert.rejects(authenticateCamera(camera.connect(stranger.publicKey), port, dockKey, () => undefined), (e: unknown) => e instanceof DockError && /camera refused 0x02/.test(e.message));
  });

  it('sends HELLO with a fresh nonce, its offer and the timeout given; AUTH with its key and a proof over them', async () => {
    const camera = scriptedCamera();
    const pending = authenticateCamera(camera.client, port, dockKey, () => undefined, 333, 8192);
    const [hello] = camera.received as Hello[];
    assert.deepEqual([hello!.type, hello!.version, hello!.maxData, hello!.dockNonce.length], ['hello', 1, 8192, 32]);
    await pending;
    const auth = camera.received[1] as Extract<DockMessage, { type: 'auth' }>;
    assert.deepEqual(auth.dockPublicKey, dockKey.publicKey);
    const again = scriptedCamera();
    const waiting = sayHello(again.client, port, 333, null).catch((e: Error) => e);
    assert.deepEqual(again.timers.delays, [], 'answered at once');
    await waiting;
    assert.equal((again.received[0] as Hello).maxData, undefined, 'no offer: the HELLO of 2026');
    assert.notDeepEqual((again.received[0] as Hello).dockNonce, hello!.dockNonce, 'a new nonce each HELLO');
    const silent = scriptedCamera({ hello: () => undefined });
    const unanswered = sayHello(silent.client, port, 333);
    assert.deepEqual(silent.timers.delays, [333]);
    silent.timers.fire();
    await assert.rejects(unanswered, new Error(`${WHERE}: no hello-reply from the camera within 333 ms (is a camera docked on this port?)`));
  });

  it('passes over a late reply to an earlier HELLO, and takes a reply that does not echo the nonce', async () => {
    const late = scriptedCamera({ hello: (_m, reply) => [{ ...reply, label: 'late', dockNonce: new Uint8Array(32).fill(9) }, { ...reply, label: 'this one' }] });
    assert.equal((await outcome(sayHello(late.client, port))).hello.label, 'this one');
    const noEcho = scriptedCamera({ hello: (_m, reply) => ({ ...reply, dockNonce: undefined, label: 'no echo' }) });
    assert.equal((await outcome(sayHello(noEcho.client, port))).hello.label, 'no echo');
  });

  it('asks again without the offer only when the camera calls that HELLO malformed', async () => {
    const refusing = (code: number, requestType: number) => scriptedCamera({
      hello: (m, reply) => (m.maxData !== undefined ? { type: 'error', code, requestType, message: 'trailing bytes' } : reply),
    });
    const fell = refusing(DOCK_ERROR.malformed, 0x01);
    const { hello } = await outcome(sayHello(fell.client, port));
    assert.equal(hello.label, 'BWC-9');
    assert.deepEqual((fell.received as Hello[]).map((m) => m.maxData), [32768, undefined]);
    for (const [code, requestType] of [[DOCK_ERROR.malformed + 1, 0x01], [DOCK_ERROR.malformed, 0x02]] as const) {
      const other = refusing(code, requestType);
      await assert.rejects(outcome(sayHello(other.client, port)), (e: unknown) => e instanceof DockError && e.code === code);
      assert.equal(other.received.length, 1, 'no second HELLO');
    }
    // A dock of 2026 (no offer) that is refused does not ask again.
    const old = scriptedCamera({ hello: () => ({ type: 'error', code: DOCK_ERROR.malformed, requestType: 0x01, message: 'malformed' }) });
    await assert.rejects(outcome(sayHello(old.client, port, undefined, null)), DockError);
    assert.equal(old.received.length, 1);
  });

  it('refuses another protocol version, an unprovisioned camera, a key that is not its id\'s, another key than pinned, a failed proof', async () => {
    const v2 = scriptedCamera({ hello: (_m, reply) => ({ ...reply, version: 2 }) });
    await assert.rejects(outcome(sayHello(v2.client, port)), new Error(`${WHERE}: camera speaks dock protocol 2, this dock 1`));

    const blank = scriptedCamera({ hello: (_m, reply) => ({ ...reply, deviceId: new Uint8Array(16) }) });
    await assert.rejects(outcome(authenticateCamera(blank.client, port, dockKey, () => undefined)),
      new Error(`${WHERE}: the camera is not provisioned, so it has no evidence and no identity to offload; provision it first: chaincam provision --port ${WHERE} --keys KEYDIR --dock-key DOCKKEY`));
    assert.equal(blank.received.length, 1, 'no AUTH sent');

    const otherKey = generateP256KeyPair(port).publicKey;
    const posing = scriptedCamera({ hello: (_m, reply) => ({ ...reply, cameraPublicKey: otherKey }) });
    await assert.rejects(outcome(authenticateCamera(posing.client, port, dockKey, () => undefined)),
      new Error(`${WHERE}: camera ${posing.id} presents a public key that does not hash to its device id; refusing it`));
    assert.equal(posing.received.length, 1);

    const pinned = scriptedCamera();
    await assert.rejects(outcome(authenticateCamera(pinned.client, port, dockKey, () => otherKey)),
      new Error(`${WHERE}: camera ${pinned.id} presents a different key than the one the evidence store pinned; refusing it (a cloned or re-provisioned camera?)`));
    assert.equal(pinned.received.length, 1);
    const same = scriptedCamera();
    assert.equal((await outcome(authenticateCamera(same.client, port, dockKey, () => same.key.publicKey))).deviceId, same.id);

    for (const proof of [
      (m: Uint8Array, sign: (b: Uint8Array) => Uint8Array) => sign(Uint8Array.from(m, (b, i) => (i === 0 ? b ^ 1 : b))),
      () => port.p256Sign(generateP256KeyPair(port).privateKey, new Uint8Array(8)),
    ]) {
      const liar = scriptedCamera({ proof });
      await assert.rejects(outcome(authenticateCamera(liar.client, port, dockKey, () => undefined)),
        new Error(`${WHERE}: camera ${liar.id} failed to prove its identity key; nothing was read`));
    }
  });

  it('an unprovisioned camera is one whose device id is all zero', () => {
    const reply = { deviceId: new Uint8Array(16) } as HelloReply;
    assert.equal(isUnprovisioned(reply), true);
    for (let i = 0; i < 16; i++) {
      const id = new Uint8Array(16);
      id[i] = 1;
      assert.equal(isUnprovisioned({ deviceId: id } as HelloReply), false, `byte ${i}`);
    }
  });
});
