import assert from 'node:assert/strict';
import { DockFrameReader, encodeDockFrame } from '../../firmware/format/dock-frames.js';
import { DOCK_ERROR, MAX_DATA, decodeDockMessage, encodeDockMessage, type DockMessage } from '../../firmware/format/dock-messages.js';
import { DockClient } from '../../host-tools/dock/dock-client.js';
import { sayHello } from '../../host-tools/dock/dock-handshake.js';
import { NodeCryptoPort } from '../../host-tools/crypto/node-crypto-port.js';

// The dock's side of docs/PROTOCOL.md section 5.1 against a peer that answers HELLO as a camera
// of 2026 did: a 34-byte HELLO only, anything longer is ERROR 1 (trailing bytes).
describe('HELLO offer (docs/PROTOCOL.md 5.1), dock side', () => {
  const port = new NodeCryptoPort();

  function cameraOf2026(): { client: DockClient; hellos: number[] } {
    const hellos: number[] = [];
    let client!: DockClient;
    const answer = (m: DockMessage) => setImmediate(() => client.receive(encodeDockFrame(encodeDockMessage(m))));
    const reader = new DockFrameReader((payload) => {
      hellos.push(payload.length);
      if (payload.length !== 34) return answer({ type: 'error', code: DOCK_ERROR.malformed, requestType: 1, message: 'malformed request: trailing bytes after hello message' });
      answer({
        type: 'hello-reply', version: 1, deviceId: new Uint8Array(16).fill(1), cameraPublicKey: new Uint8Array(65).fill(4), cameraNonce: new Uint8Array(32),
        cameraTime: 0, maxData: MAX_DATA, window: 8, label: 'cam-2026',
      });
    });
    client = new DockClient({ where: 'scripted camera', write: (bytes) => reader.push(bytes), timeoutMs: 500 });
    return { client, hellos };
  }

  it('offers 32768 in a 36-byte HELLO and falls back to the 34-byte HELLO when a camera of 2026 refuses it', async () => {
    const { client, hellos } = cameraOf2026();
    const { hello } = await sayHello(client, port);
    assert.deepEqual(hellos, [36, 34]);
    assert.equal(hello.maxData, 4096);
  });

  it('sends the 34-byte HELLO of 2026 when told not to offer', async () => {
    const { client, hellos } = cameraOf2026();
    await sayHello(client, port, undefined, null);
    assert.deepEqual(hellos, [34]);
  });

  it('encodes and decodes the offer as a u16 after the nonce', () => {
    const bytes = encodeDockMessage({ type: 'hello', version: 1, dockNonce: new Uint8Array(32), maxData: 32768 });
    assert.equal(bytes.length, 36);
    assert.deepEqual([...bytes.subarray(34)], [0x80, 0x00]);
    assert.deepEqual(decodeDockMessage(bytes), { type: 'hello', version: 1, dockNonce: new Uint8Array(32), maxData: 32768 });
    assert.throws(() => decodeDockMessage(Uint8Array.of(...bytes, 0)), /trailing|remain|bytes/);
    assert.throws(() => encodeDockMessage({ type: 'hello', version: 1, dockNonce: new Uint8Array(32), maxData: 100 }), /max data must be 4096-32768/);
  });
});
