// The ingest API between a dock and the records system (docs/RECORDS.md section 5): a request
// signed with the dock's P-256 key over its method, path, body digest, time and a nonce, and the
// body of a forwarded segment (the camera's identity, its chain as the dock verified it, the
// record's sequence and the sealed bytes), all inside the signed body.
import { ByteReader, ByteWriter, concatBytes, decodeUtf8, encodeUtf8, toHex } from '../../firmware/format/bytes.js';
import type { CryptoPort } from '../../firmware/format/crypto-port.js';

export const SEGMENTS_PATH = '/v1/segments';
/** How far a request's time may be from the records system's clock. */
export const REQUEST_WINDOW_MS = 5 * 60_000;

export function requestMessage(method: string, path: string, bodyDigest: string, time: number, nonce: string): Uint8Array {
  return encodeUtf8(`chaincam/records-request/v1\n${method}\n${path}\n${bodyDigest}\n${time}\n${nonce}\n`);
}

export interface SignedHeaders { 'x-chaincam-dock': string; 'x-chaincam-time': string; 'x-chaincam-nonce': string; 'x-chaincam-signature': string }

export function signRequest(port: CryptoPort, dock: { publicKey: Uint8Array; privateKey: Uint8Array }, dockId: string, method: string, path: string, body: Uint8Array, time: number): SignedHeaders {
  const nonce = toHex(port.randomBytes(16));
  const signature = port.p256Sign(dock.privateKey, requestMessage(method, path, toHex(port.sha256(body)), time, nonce));
  return { 'x-chaincam-dock': dockId, 'x-chaincam-time': String(time), 'x-chaincam-nonce': nonce, 'x-chaincam-signature': toHex(signature) };
}

export interface ForwardedSegment {
  label: string;
  cameraPublicKey: Uint8Array;
  chain: Uint8Array;
  recordSequence: number;
  sealed: Uint8Array;
}

export function encodeForwardedSegment(s: ForwardedSegment): Uint8Array {
  const label = encodeUtf8(s.label);
  // The fields through ByteWriter; the chain and the sealed bytes (hundreds of KB) copied whole:
  // ByteWriter keeps a number per byte, which made encoding a dock's forwards its main CPU cost.
  const head = new ByteWriter().u8(1).u16(label.length).bytes(label).bytes(s.cameraPublicKey, 65).u32(s.recordSequence).u32(s.chain.length).finish();
  return concatBytes(head, s.chain, new ByteWriter().u32(s.sealed.length).finish(), s.sealed);
}

export function decodeForwardedSegment(bytes: Uint8Array): ForwardedSegment {
  const r = new ByteReader(bytes);
  const version = r.u8('version');
  if (version !== 1) throw new Error(`forwarded segment version ${version} is not 1`);
  const label = decodeUtf8(r.take(r.u16('label length'), 'label'));
  const cameraPublicKey = r.take(65, 'camera public key');
  const recordSequence = r.u32('record sequence');
  const chain = r.take(r.u32('chain length'), 'chain');
  // The sealed bytes (hundreds of KB) are the rest of the body: a view of it, not a copy.
  const sealedLength = r.u32('sealed length');
  if (r.remaining < sealedLength) throw new Error(`truncated: the sealed bytes need ${sealedLength} bytes at offset ${r.offset}, ${r.remaining} left`);
  if (r.remaining > sealedLength) throw new Error(`forwarded segment has ${r.remaining - sealedLength} unexpected trailing bytes`);
  const sealed = bytes.subarray(r.offset);
  return { label, cameraPublicKey, chain, recordSequence, sealed };
}
