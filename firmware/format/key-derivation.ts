// Key material derived from shared secrets and content keys: HKDF (RFC 5869) with
// HMAC-SHA-256, and P-256 key generation from the port's random bytes. Both run in a
// fixed, small number of port calls whatever the segment size.
import type { CryptoPort } from './crypto-port.js';
import { bytesEqual, concatBytes } from './bytes.js';

export function hkdfSha256(port: CryptoPort, ikm: Uint8Array, salt: Uint8Array, info: Uint8Array, length: number): Uint8Array {
  if (length > 255 * 32) throw new Error('HKDF output too long');
  const extract = port.createHmacSha256(salt.length > 0 ? salt : new Uint8Array(32));
  extract.update(ikm);
  const prk = extract.digest();
  const out = new Uint8Array(length);
  let previous: Uint8Array = new Uint8Array(0);
  for (let block = 1, offset = 0; offset < length; block++) {
    const expand = port.createHmacSha256(prk);
    expand.update(concatBytes(previous, info, Uint8Array.of(block)));
    previous = expand.digest();
    out.set(previous.subarray(0, Math.min(32, length - offset)), offset);
    offset += 32;
  }
  prk.fill(0);
  return out;
}

/** The order n of the P-256 group, big-endian. */
const P256_ORDER = Uint8Array.of(
  0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
  0xbc, 0xe6, 0xfa, 0xad, 0xa7, 0x17, 0x9e, 0x84, 0xf3, 0xb9, 0xca, 0xc2, 0xfc, 0x63, 0x25, 0x51,
);

/** True when 1 <= scalar < n, i.e. a valid P-256 private key. */
export function isP256PrivateKey(scalar: Uint8Array): boolean {
  if (scalar.length !== 32) return false;
  if (bytesEqual(scalar, new Uint8Array(32))) return false;
  for (let i = 0; i < 32; i++) {
    if (scalar[i]! !== P256_ORDER[i]!) return scalar[i]! < P256_ORDER[i]!;
  }
  return false;
}

export interface P256KeyPair {
  privateKey: Uint8Array;
  publicKey: Uint8Array;
}

/** Rejection sampling: out-of-range draws are astronomically rare (about 2^-32) but must not bias. */
export function generateP256KeyPair(port: CryptoPort): P256KeyPair {
  for (;;) {
    const privateKey = port.randomBytes(32);
    if (isP256PrivateKey(privateKey)) return { privateKey, publicKey: port.p256PublicKey(privateKey) };
  }
}

export function isP256PublicKey(bytes: Uint8Array): boolean {
  return bytes.length === 65 && bytes[0] === 0x04;
}

const P256_P = 0xffffffff00000001000000000000000000000000ffffffffffffffffffffffffn;
const P256_B = 0x5ac635d8aa3a93e7b3ebbd55769886bc651d06b0cc53b0f63bce3c3e27d2604bn;

function bigFrom(bytes: Uint8Array): bigint {
  let value = 0n;
  for (const byte of bytes) value = (value << 8n) | BigInt(byte);
  return value;
}

/**
 * True when the bytes are an uncompressed point on P-256: x, y < p and y² = x³ − 3x + b (mod p).
 * Checked where a key arrives from outside and is kept (provisioning), because a key off the
 * curve would only fail later, when footage sealed to it could no longer be opened.
 */
export function isOnP256Curve(bytes: Uint8Array): boolean {
  if (!isP256PublicKey(bytes)) return false;
  const x = bigFrom(bytes.subarray(1, 33));
  const y = bigFrom(bytes.subarray(33, 65));
  if (x >= P256_P || y >= P256_P) return false;
  const right = (((x * x) % P256_P) * x - 3n * x + P256_B) % P256_P;
  return (y * y) % P256_P === (right + P256_P) % P256_P;
}
