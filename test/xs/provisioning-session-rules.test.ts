// The unprovisioned camera's end of the dock link (firmware/dock/provisioning-session.ts, under
// firmware/main in XS) held to docs/PROTOCOL.md section 8 with raw frames: every reply is
// compared whole, so its label, identity, clock, echo, error codes and messages are what a
// provisioning station reads.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DockFrameReader, LARGEST_ENCODED, encodeDockFrame } from '../../firmware/format/dock-frames.js';
import { DOCK_ERROR, decodeDockMessage, encodeDockMessage, type DockMessage } from '../../firmware/format/dock-messages.js';
import { generateP256KeyPair } from '../../firmware/format/key-derivation.js';
import { SimulatedBoard } from '../../host-tools/sim/board.js';
import { attachDock, hostPort } from '../support/dock-harness.js';

type HelloReply = Extract<DockMessage, { type: 'hello-reply' }>;

describe('provisioning session rules: an unprovisioned camera, frame by frame (XS)', function () {
  this.timeout(600_000);
  let flash: string;
  let board: SimulatedBoard | undefined;
  beforeEach(() => { flash = fs.mkdtempSync(path.join(os.tmpdir(), 'chaincam-provisioning-rules-')); });
  afterEach(async () => {
    const b = board;
    board = undefined;
    try {
      b?.throwIfFaulted();
    } finally {
      await b?.close();
      fs.rmSync(flash, { recursive: true, force: true });
    }
  });

  async function rawLink(capacityBytes?: number) {
    board = await SimulatedBoard.boot({ storage: { dir: flash, ...(capacityBytes === undefined ? {} : { capacityBytes }) } });
    const cable = attachDock(board);
    const replies: DockMessage[] = [];
    const reader = new DockFrameReader((payload) => replies.push(decodeDockMessage(payload)), LARGEST_ENCODED);
    cable.client.receive = (bytes) => reader.push(bytes);
    /** Sends these payloads in one chunk (one delivery), and returns every reply. */
    const send = async (...payloads: Uint8Array[]) => {
      await cable.inject(Uint8Array.from(payloads.flatMap((p) => Array.from(encodeDockFrame(p)))));
      await cable.inject(Uint8Array.of(0));
      return replies.splice(0);
    };
    return { send, ask: (...ms: DockMessage[]) => send(...ms.map((m) => encodeDockMessage(m))) };
  }

  it('HELLO-REPLY: all-zero identity, "unprovisioned", the camera clock, and the nonce echoed only to a dock that offers a frame size', async () => {
    const link = await rawLink();
    const nonce = new Uint8Array(32).fill(3);
    const [plain, ...more] = await link.ask({ type: 'hello', version: 1, dockNonce: nonce });
    assert.deepEqual(more, []);
    const reply = plain as HelloReply;
    assert.equal(reply.type, 'hello-reply');
    assert.deepEqual([reply.version, reply.deviceId, reply.cameraPublicKey, reply.label, reply.maxData, reply.window, reply.dockNonce],
      [1, new Uint8Array(16), new Uint8Array(65), 'unprovisioned', 4096, 8, undefined]);
    assert.ok(reply.cameraTime > 1e12, `the camera's clock in ms since 1970, not 0: ${reply.cameraTime}`);
    assert.equal(reply.cameraNonce.length, 32);
    const [offered] = await link.ask({ type: 'hello', version: 1, dockNonce: nonce, maxData: 32768 });
    assert.deepEqual((offered as HelloReply).dockNonce, nonce);
    assert.notDeepEqual((offered as HelloReply).cameraNonce, reply.cameraNonce);
  });

  it('a HELLO of another version and a malformed frame are refused by name; the refused HELLO leaves none to provision against', async () => {
    const link = await rawLink();
    const agency = generateP256KeyPair(hostPort);
    const dock = generateP256KeyPair(hostPort);
    await link.ask({ type: 'hello', version: 1, dockNonce: new Uint8Array(32) });
    assert.deepEqual(await link.ask({ type: 'hello', version: 2, dockNonce: new Uint8Array(32) }),
      [{ type: 'error', code: DOCK_ERROR.version, requestType: 0x01, message: 'camera speaks dock protocol version 1, not 2' }]);
    assert.deepEqual(await link.ask({ type: 'provision', agencyPublicKey: agency.publicKey, dockPublicKeys: [dock.publicKey] }),
      [{ type: 'error', code: DOCK_ERROR.provisioningRefused, requestType: 0x0a, message: 'not provisioned: send HELLO first' }]);
    const bad = Uint8Array.of(0x03, 1);
    let why = '';
    try { decodeDockMessage(bad); } catch (error) { why = (error as Error).message; }
    assert.ok(why);
    assert.deepEqual(await link.send(bad), [{ type: 'error', code: DOCK_ERROR.malformed, requestType: 0x03, message: `malformed request: ${why}` }]);
    assert.deepEqual(fs.readdirSync(flash).filter((f) => /identity|docks/.test(f)), [], 'nothing written');
  });

  it('a frame in the same delivery after PROVISIONED is refused: the camera has just been provisioned', async () => {
    const link = await rawLink();
    const agency = generateP256KeyPair(hostPort);
    const dock = generateP256KeyPair(hostPort);
    await link.ask({ type: 'hello', version: 1, dockNonce: new Uint8Array(32) });
    const replies = await link.ask({ type: 'provision', agencyPublicKey: agency.publicKey, dockPublicKeys: [dock.publicKey] },
      { type: 'hello', version: 1, dockNonce: new Uint8Array(32) }, { type: 'list', fromSequence: 0 });
    assert.deepEqual(replies.map((m) => m.type), ['provisioned', 'error', 'error']);
    for (const [m, requestType] of [[replies[1], 0x01], [replies[2], 0x03]] as const) {
      assert.deepEqual(m, { type: 'error', code: DOCK_ERROR.alreadyProvisioned, requestType, message: 'this camera has just been provisioned; send HELLO again' });
    }
  });
  it('a flash that cannot take the keys answers a storage error saying why, and the camera stays unprovisioned', async () => {
    const link = await rawLink(200);
    const agency = generateP256KeyPair(hostPort);
    const dock = generateP256KeyPair(hostPort);
    await link.ask({ type: 'hello', version: 1, dockNonce: new Uint8Array(32) });
    const [reply, ...more] = await link.ask({ type: 'provision', agencyPublicKey: agency.publicKey, dockPublicKeys: [dock.publicKey] });
    assert.deepEqual(more, []);
    assert.ok(reply?.type === 'error' && reply.code === DOCK_ERROR.storage && reply.requestType === 0x0a
      && /^not provisioned: the camera could not store its keys: \S/.test(reply.message), JSON.stringify(reply));
    const [hello] = await link.ask({ type: 'hello', version: 1, dockNonce: new Uint8Array(32) });
    assert.equal((hello as HelloReply).label, 'unprovisioned');
  });
});
