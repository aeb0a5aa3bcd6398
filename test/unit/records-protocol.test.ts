// The records system's wire and chain checks without servers: the forwarded-segment body
// encodes one way, the ack is bound to its dock, digest and key, and the chain check accepts a
// camera's real chain and refuses an edited one, another camera's key and an unsigned tail.
import assert from 'node:assert/strict';
import { toHex } from '../../firmware/format/bytes.js';
import { generateP256KeyPair } from '../../firmware/format/key-derivation.js';
import { checkCameraChain, checkForwardedSegment } from '../../host-tools/records/records-chain-check.js';
import { checkAck, openRecordsCheckpoint, signAck } from '../../host-tools/records/records-log.js';
import { documentedRecordsExamples, recordsExamples } from '../../host-tools/records/records-examples.js';
import { decodeForwardedSegment, encodeForwardedSegment } from '../../host-tools/records/records-protocol.js';
import { hostPort } from '../support/dock-harness.js';
import { HostCamera } from '../support/host-camera.js';

describe('records protocol and chain checks', () => {
  const camera = HostCamera.create('officer kim');
  camera.record(1, [3_000, 2_000]);
  const held = [...camera.evidence.held.values()];

  it('a forwarded segment round-trips and refuses trailing bytes', () => {
    const segment = { label: 'officer kim', cameraPublicKey: camera.key.publicKey, chain: camera.evidence.chain, recordSequence: held[0]!.segment.sequence, sealed: held[0]!.bytes };
    const bytes = encodeForwardedSegment(segment);
    assert.deepEqual(decodeForwardedSegment(bytes), { ...segment, chain: Uint8Array.from(segment.chain), sealed: Uint8Array.from(segment.sealed) });
    assert.throws(() => decodeForwardedSegment(Uint8Array.of(...bytes, 0)));
  });

  it('an ack verifies only for its dock, digest and records key', () => {
    const key = generateP256KeyPair(hostPort);
    const dockId = 'ab'.repeat(16);
    const digest = 'cd'.repeat(32);
    const ack = signAck(hostPort, key, dockId, digest, 42);
    assert.equal(checkAck(hostPort, key.publicKey, ack, dockId, digest), 42);
    assert.throws(() => checkAck(hostPort, key.publicKey, ack, 'ef'.repeat(16), digest), /not for dock/);
    assert.throws(() => checkAck(hostPort, key.publicKey, ack, dockId, 'ef'.repeat(32)), /not for dock/);
    assert.throws(() => checkAck(hostPort, generateP256KeyPair(hostPort).publicKey, ack, dockId, digest), /does not verify/);
  });

  it("accepts the camera's chain and its segments, and refuses what was changed", () => {
    const checked = checkCameraChain(hostPort, camera.deviceId, camera.key.publicKey, camera.evidence.chain);
    for (const h of held) {
      const record = checkForwardedSegment(hostPort, camera.deviceId, checked.records[h.segment.sequence], h.segment.sequence, h.bytes);
      assert.equal(toHex(record.sealedDigest), toHex(h.segment.sealedDigest));
    }
    assert.throws(() => checkForwardedSegment(hostPort, camera.deviceId, checked.records[held[0]!.segment.sequence], held[0]!.segment.sequence, held[1]!.bytes), /bytes/);
    const other = HostCamera.create('other');
    assert.throws(() => checkCameraChain(hostPort, other.deviceId, other.key.publicKey, camera.evidence.chain), /link/);
    const edited = camera.evidence.chain.slice();
    edited[edited.length - 40] ^= 1;
    assert.throws(() => checkCameraChain(hostPort, camera.deviceId, camera.key.publicKey, edited));
    const unsigned = HostCamera.create('unsigned');
    unsigned.evidence.appendEvent({ type: 'power-on', resetReason: 1, firmwareVersion: '0.1.0' });
    assert.throws(() => checkCameraChain(hostPort, unsigned.deviceId, unsigned.key.publicKey, unsigned.evidence.chain), /not covered/);
  });

  it("docs/RECORDS.md's worked example is what the code produces, and its signatures verify", () => {
    // ECDSA signatures are randomized: compare everything else, then check each signature.
    const withoutSignatures = (text: string) => text.replace(/^\u2014 .*$/m, '').replace(/signature:? `[0-9a-f]{128}`/g, '');
    const documented = documentedRecordsExamples();
    assert.equal(withoutSignatures(documented), withoutSignatures(recordsExamples()), 'run: npx tsx host-tools/records/records-examples.ts --write');
    const recordsKey = Uint8Array.from(Buffer.from(/records public key: `([0-9a-f]+)`/.exec(documented)![1]!, 'hex'));
    const note = /```\n(chaincam\.records[\s\S]*?)```/.exec(documented)![1]!;
    assert.equal(openRecordsCheckpoint(hostPort, note, recordsKey).size, 4);
    const ack = /stored by log entry #5: `(".*?")` \(that is \d+ bytes\), signature `([0-9a-f]{128})`/.exec(documented)!;
    assert.equal(checkAck(hostPort, recordsKey, { ack: JSON.parse(ack[1]!), signature: ack[2]! }, 'a61086f2e70bd6ae51095f5d049da78d', '42'.repeat(32)), 5);
    const dockKey = hostPort.p256PublicKey(Uint8Array.from({ length: 32 }, (_, i) => i + 1));
    const message = /```\n(chaincam\/records-request[^`]*?)\n```/.exec(documented)![1]!.replace(/\\n/g, '\n');
    const signature = /^signature: `([0-9a-f]{128})`$/m.exec(documented)![1]!;
    assert.ok(hostPort.p256Verify(dockKey, new TextEncoder().encode(message), Buffer.from(signature, 'hex')));
  });
});
