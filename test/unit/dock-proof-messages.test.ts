// The signed statements of the dock link are the bytes docs/PROTOCOL.md sections 4, 6 and 8 give,
// built here independently from the spec's text (label, 00, fields in order), so a camera and a
// dock written from the spec alone agree with ours on what a proof or a receipt signs. Written
// for the mutants that survived the format's mutation run (docs/MUTATION.md).
import assert from 'node:assert/strict';
import { fromHex, toHex } from '../../firmware/format/bytes.js';
import {
  cameraAuthMessage, decodeReceiptFields, deriveDockId, dockAuthMessage, encodeReceiptFields, provisionedMessage, receiptDigest,
  receiptMessage, signReceipt, type ReleaseReceipt,
} from '../../firmware/format/dock-proofs.js';
import { NodeCryptoPort } from '../../host-tools/crypto/node-crypto-port.js';

const port = new NodeCryptoPort();
const fill = (length: number, byte: number) => new Uint8Array(length).fill(byte);
/** "label" 00 || parts, as the spec writes a signed message. */
const spec = (label: string, ...parts: Uint8Array[]) => Buffer.concat([Buffer.from(`${label}\0`, 'ascii'), ...parts]);

const deviceId = fill(16, 0xd1);
const cameraNonce = fill(32, 0xc2);
const dockNonce = fill(32, 0xd3);
const dockPublicKey = Uint8Array.of(4, ...fill(64, 0x44));

describe('dock proof messages (docs/PROTOCOL.md)', () => {
  it('the dock proof signs "chaincam/dock-auth/v1" 00, device id, Nc, Nd and the dock key, in that order', () => {
    assert.equal(toHex(dockAuthMessage(deviceId, cameraNonce, dockNonce, dockPublicKey)),
      spec('chaincam/dock-auth/v1', deviceId, cameraNonce, dockNonce, dockPublicKey).toString('hex'));
  });

  it('the camera proof signs "chaincam/camera-auth/v1" 00, device id, dock id, Nd and Nc, in that order', () => {
    const dockId = deriveDockId(port, dockPublicKey);
    assert.equal(toHex(dockId), toHex(port.sha256(spec('chaincam/dock-id/v1', dockPublicKey)).subarray(0, 16)));
    assert.equal(toHex(cameraAuthMessage(deviceId, dockId, dockNonce, cameraNonce)),
      spec('chaincam/camera-auth/v1', deviceId, dockId, dockNonce, cameraNonce).toString('hex'));
  });

  it('the provisioning proof signs "chaincam/provisioned/v1" 00, device id, Nd, Nc, the agency key, the dock count and each dock key', () => {
    const agency = Uint8Array.of(4, ...fill(64, 0xa9));
    const docks = [Uint8Array.of(4, ...fill(64, 1)), Uint8Array.of(4, ...fill(64, 2))];
    assert.equal(toHex(provisionedMessage(deviceId, dockNonce, cameraNonce, agency, docks)),
      spec('chaincam/provisioned/v1', deviceId, dockNonce, cameraNonce, agency, Uint8Array.of(2), ...docks).toString('hex'));
    assert.equal(toHex(provisionedMessage(deviceId, dockNonce, cameraNonce, agency, [])),
      spec('chaincam/provisioned/v1', deviceId, dockNonce, cameraNonce, agency, Uint8Array.of(0)).toString('hex'));
  });

  it('each proof refuses a field of the wrong length rather than sign something else', () => {
    assert.throws(() => dockAuthMessage(deviceId.subarray(1), cameraNonce, dockNonce, dockPublicKey), { message: 'field must be 16 bytes, got 15' });
    assert.throws(() => cameraAuthMessage(deviceId, fill(15, 0), dockNonce, cameraNonce), { message: 'field must be 16 bytes, got 15' });
    assert.throws(() => provisionedMessage(deviceId, dockNonce, cameraNonce, dockPublicKey, [fill(64, 4)]), { message: 'field must be 65 bytes, got 64' });
  });
});

describe('release receipts (docs/PROTOCOL.md section 6)', () => {
  const receipt: ReleaseReceipt = {
    deviceId, dockId: fill(16, 0xdd), segmentSequence: 0x01020304, sealedLength: 2 ** 40 + 5, sealedDigest: fill(32, 0x5d),
    storedTime: 1_764_000_000_123, records: 77, headLink: fill(32, 0x1b), storeId: 3,
  };
  const fields = encodeReceiptFields(receipt);

  it('lays the 124 bytes out at the offsets of the section 6 table and reads them back', () => {
    assert.equal(fields.length, 124);
    const view = Buffer.from(fields);
    assert.deepEqual([view.readUInt32BE(32), Number(view.readBigUInt64BE(36)), Number(view.readBigUInt64BE(76)), view.readUInt32BE(84), view.readUInt32BE(120)],
      [0x01020304, 2 ** 40 + 5, 1_764_000_000_123, 77, 3]);
    assert.deepEqual([view.subarray(16, 32), view.subarray(44, 76), view.subarray(88, 120)].map((b) => b.toString('hex')),
      [toHex(receipt.dockId), toHex(receipt.sealedDigest), toHex(receipt.headLink)]);
    assert.deepEqual(decodeReceiptFields(fields), receipt);
  });

  it('refuses receipt fields of any other length, one byte short or over, by their length', () => {
    for (const bad of [fields.subarray(0, 123), Uint8Array.of(...fields, 0), new Uint8Array(0)]) {
      assert.throws(() => decodeReceiptFields(bad), { message: `receipt must be 124 bytes, got ${bad.length}` });
    }
  });

  it('names the 64-bit field that does not fit 2^53 (sealed length, stored time)', () => {
    const long = fields.slice();
    long[36] = 0x00; long[37] = 0x20;
    assert.throws(() => decodeReceiptFields(long), { message: 'sealed length exceeds 2^53 at offset 36' });
    const late = fields.slice();
    late[76] = 0xff;
    assert.throws(() => decodeReceiptFields(late), { message: 'stored time exceeds 2^53 at offset 76' });
  });

  it('the dock signs "chaincam/receipt/v1" 00 || fields, and the release event keeps SHA-256 of that and the signature', () => {
    const dockKey = port.p256PublicKey(fill(32, 7));
    const signed = signReceipt(port, fill(32, 7), receipt);
    assert.deepEqual(signed.fields, fields);
    assert.equal(toHex(receiptMessage(fields)), spec('chaincam/receipt/v1', fields).toString('hex'));
    assert.ok(port.p256Verify(dockKey, spec('chaincam/receipt/v1', fields), signed.signature));
    assert.equal(toHex(receiptDigest(port, fields, signed.signature)), toHex(port.sha256(spec('chaincam/receipt/v1', fields, signed.signature))));
    // The worked example of PROTOCOL.md: its digest, from its fields and signature.
    const exampleFields = fromHex('a0a1a2a3a4a5a6a7a8a9aaabacadaeafa61086f2e70bd6ae51095f5d049da78d0000000700000000000001a742424242424242424242424242424242424242424242424242424242424242420000019b76daa8000000000c333333333333333333333333333333333333333333333333333333333333333300000000');
    const exampleSignature = fromHex('4f21e2d211d7e90addbfe002eb5f25a7b8339f668f22f1e4fc1802c816c2805b42e61284c6637de184a7c4d8fd272ca333eec05e539e030b4066f8d9d3dce3c3');
    assert.equal(toHex(receiptDigest(port, exampleFields, exampleSignature)), '0b70b294a05d88542ec92c1e8379f871234ed757bdcdc71c521966d0132d245f');
    assert.equal(decodeReceiptFields(exampleFields).segmentSequence, 7);
  });
});
