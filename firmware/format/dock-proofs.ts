// The signed statements of the dock link (docs/PROTOCOL.md sections 4 and 6): who the dock is,
// the two authentication proofs, and the receipt that lets a camera free a segment.
import type { CryptoPort } from './crypto-port.js';
import { ByteReader, ByteWriter, asciiBytes, concatBytes } from './bytes.js';
import { DOCK_ID_LENGTH, NONCE_LENGTH, PUBLIC_KEY_LENGTH, RECEIPT_FIELDS_LENGTH } from './dock-messages.js';

const DOCK_ID_LABEL = asciiBytes('chaincam/dock-id/v1\0');
const DOCK_AUTH_LABEL = asciiBytes('chaincam/dock-auth/v1\0');
const CAMERA_AUTH_LABEL = asciiBytes('chaincam/camera-auth/v1\0');
const PROVISIONED_LABEL = asciiBytes('chaincam/provisioned/v1\0');
export const RECEIPT_LABEL = asciiBytes('chaincam/receipt/v1\0');

export function deriveDockId(port: CryptoPort, dockPublicKey: Uint8Array): Uint8Array {
  return port.sha256(concatBytes(DOCK_ID_LABEL, dockPublicKey)).slice(0, DOCK_ID_LENGTH);
}

/** What the dock signs: it knows the camera's fresh nonce, so the proof cannot be replayed. */
export function dockAuthMessage(deviceId: Uint8Array, cameraNonce: Uint8Array, dockNonce: Uint8Array, dockPublicKey: Uint8Array): Uint8Array {
  return new ByteWriter().bytes(DOCK_AUTH_LABEL).bytes(deviceId, 16).bytes(cameraNonce, NONCE_LENGTH)
    .bytes(dockNonce, NONCE_LENGTH).bytes(dockPublicKey, PUBLIC_KEY_LENGTH).finish();
}

export function cameraAuthMessage(deviceId: Uint8Array, dockId: Uint8Array, dockNonce: Uint8Array, cameraNonce: Uint8Array): Uint8Array {
  return new ByteWriter().bytes(CAMERA_AUTH_LABEL).bytes(deviceId, 16).bytes(dockId, DOCK_ID_LENGTH)
    .bytes(dockNonce, NONCE_LENGTH).bytes(cameraNonce, NONCE_LENGTH).finish();
}

/**
 * What a freshly provisioned camera signs with the identity key it has just made: bound to
 * both nonces of this HELLO and to exactly the keys it was given, so the provisioning host
 * knows the key lives on this camera now and was made for this request.
 */
export function provisionedMessage(deviceId: Uint8Array, dockNonce: Uint8Array, cameraNonce: Uint8Array, agencyPublicKey: Uint8Array, dockPublicKeys: readonly Uint8Array[]): Uint8Array {
  const w = new ByteWriter().bytes(PROVISIONED_LABEL).bytes(deviceId, 16).bytes(dockNonce, NONCE_LENGTH)
    .bytes(cameraNonce, NONCE_LENGTH).bytes(agencyPublicKey, PUBLIC_KEY_LENGTH).u8(dockPublicKeys.length);
  for (const key of dockPublicKeys) w.bytes(key, PUBLIC_KEY_LENGTH);
  return w.finish();
}

/** The dock's statement "segment `segmentSequence` of device `deviceId` is durably stored". */
export interface ReleaseReceipt {
  deviceId: Uint8Array;
  dockId: Uint8Array;
  segmentSequence: number;
  sealedLength: number;
  sealedDigest: Uint8Array;
  storedTime: number;
  /** Chain records the dock had verified, and the link after them. */
  records: number;
  headLink: Uint8Array;
  storeId: number;
}

export function encodeReceiptFields(r: ReleaseReceipt): Uint8Array {
  return new ByteWriter().bytes(r.deviceId, 16).bytes(r.dockId, DOCK_ID_LENGTH).u32(r.segmentSequence).u64(r.sealedLength)
    .bytes(r.sealedDigest, 32).u64(r.storedTime).u32(r.records).bytes(r.headLink, 32).u32(r.storeId).finish();
}

export function decodeReceiptFields(fields: Uint8Array): ReleaseReceipt {
  if (fields.length !== RECEIPT_FIELDS_LENGTH) throw new Error(`receipt must be ${RECEIPT_FIELDS_LENGTH} bytes, got ${fields.length}`);
  const r = new ByteReader(fields);
  const receipt = {
    deviceId: r.take(16, 'device id'), dockId: r.take(DOCK_ID_LENGTH, 'dock id'), segmentSequence: r.u32('segment sequence'),
    sealedLength: r.u64('sealed length'), sealedDigest: r.take(32, 'sealed digest'), storedTime: r.u64('stored time'),
    records: r.u32('records'), headLink: r.take(32, 'head link'), storeId: r.u32('store id'),
  };
  r.expectEnd('receipt');
  return receipt;
}

export function receiptMessage(fields: Uint8Array): Uint8Array {
  return concatBytes(RECEIPT_LABEL, fields);
}

/** SHA-256 over the signed receipt: what the camera's `release` event records. */
export function receiptDigest(port: CryptoPort, fields: Uint8Array, signature: Uint8Array): Uint8Array {
  return port.sha256(concatBytes(RECEIPT_LABEL, fields, signature));
}

export function signReceipt(port: CryptoPort, dockPrivateKey: Uint8Array, receipt: ReleaseReceipt): { fields: Uint8Array; signature: Uint8Array } {
  const fields = encodeReceiptFields(receipt);
  return { fields, signature: port.p256Sign(dockPrivateKey, receiptMessage(fields)) };
}
