// The host's CryptoPort over node:crypto (OpenSSL). Outputs are plain Uint8Array views,
// not Buffers, so format code's slice() copies as it does on the camera.
import crypto from 'node:crypto';
import type { CryptoPort, CtrStream, IncrementalHash } from '../../firmware/format/crypto-port.js';
import { P256_ORDER, isCanonicalSignature, signDeterministically } from '../../firmware/format/deterministic-ecdsa.js';

function plain(buffer: Buffer): Uint8Array {
  return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
}

function base64url(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('base64url');
}

/** P-256 keys as node:crypto KeyObjects, built from raw bytes through JWK. */
function publicKeyObject(publicKey: Uint8Array): crypto.KeyObject {
  if (publicKey.length !== 65 || publicKey[0] !== 4) throw new Error('P-256 public key must be 65 bytes, uncompressed');
  return crypto.createPublicKey({
    key: { kty: 'EC', crv: 'P-256', x: base64url(publicKey.subarray(1, 33)), y: base64url(publicKey.subarray(33, 65)) },
    format: 'jwk',
  });
}

export class NodeCryptoPort implements CryptoPort {
  #publicKeys = new Map<string, crypto.KeyObject>();

  sha256(bytes: Uint8Array): Uint8Array {
    return plain(crypto.createHash('sha256').update(bytes).digest());
  }

  createSha256(): IncrementalHash {
    return hashOf(crypto.createHash('sha256'));
  }

  createHmacSha256(key: Uint8Array): IncrementalHash {
    return hashOf(crypto.createHmac('sha256', key));
  }

  createAes256Ctr(key: Uint8Array, initialCounter: Uint8Array): CtrStream {
    const cipher = crypto.createCipheriv('aes-256-ctr', key, initialCounter);
    return { update: (bytes) => plain(cipher.update(bytes)) };
  }

  randomBytes(length: number): Uint8Array {
    return plain(crypto.randomBytes(length));
  }

  p256PublicKey(privateKey: Uint8Array): Uint8Array {
    const ecdh = crypto.createECDH('prime256v1');
    ecdh.setPrivateKey(privateKey);
    return plain(ecdh.getPublicKey());
  }

  p256SharedSecret(privateKey: Uint8Array, peerPublicKey: Uint8Array): Uint8Array {
    const ecdh = crypto.createECDH('prime256v1');
    ecdh.setPrivateKey(privateKey);
    return plain(ecdh.computeSecret(peerPublicKey));
  }

  /** RFC 6979 nonce and low-S, as the camera signs: the same key and message give the same bytes. */
  p256Sign(privateKey: Uint8Array, message: Uint8Array): Uint8Array {
    return signDeterministically(this, privateKey, message, p256SignWithNonce);
  }

  /** Only the canonical (low-S) form verifies (docs/FORMAT.md section 2). */
  p256Verify(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
    if (!isCanonicalSignature(signature)) return false;
    const id = Buffer.from(publicKey).toString('hex');
    let key = this.#publicKeys.get(id);
    if (!key) {
      try {
        key = publicKeyObject(publicKey);
      } catch {
        return false;
      }
      this.#publicKeys.set(id, key);
    }
    return crypto.verify('sha256', message, { key, dsaEncoding: 'ieee-p1363' }, signature);
  }
}

function hashOf(hash: crypto.Hash | crypto.Hmac): IncrementalHash {
  return {
    update: (bytes) => void hash.update(bytes),
    digest: () => plain(hash.digest()),
  };
}

const toBigInt = (bytes: Uint8Array): bigint => BigInt(`0x${Buffer.from(bytes).toString('hex') || '0'}`);
const toBytes32 = (value: bigint): Uint8Array => Uint8Array.from(Buffer.from(value.toString(16).padStart(64, '0'), 'hex'));

function modPow(base: bigint, exponent: bigint, m: bigint): bigint {
  let result = 1n;
  let b = base % m;
  for (let e = exponent; e > 0n; e >>= 1n) {
    if (e & 1n) result = (result * b) % m;
    b = (b * b) % m;
  }
  return result;
}

/**
 * The ECDSA step with a given nonce: R = k·G by OpenSSL (node:crypto's ECDH, constant time),
 * r = x(R) mod n, s = k⁻¹(e + r·d) mod n in BigInt, blinded by a random b (s = (kb)⁻¹(eb + r·db))
 * so the arithmetic on d and k never runs on their bare values. undefined when r or s is 0.
 */
export function p256SignWithNonce(privateKey: Uint8Array, digest: Uint8Array, nonce: Uint8Array): Uint8Array | undefined {
  const ecdh = crypto.createECDH('prime256v1');
  ecdh.setPrivateKey(nonce);
  const r = toBigInt(ecdh.getPublicKey().subarray(1, 33)) % P256_ORDER;
  const n = P256_ORDER;
  const blind = (toBigInt(crypto.randomBytes(40)) % (n - 1n)) + 1n;
  const k = toBigInt(nonce), d = toBigInt(privateKey), e = toBigInt(digest) % n;
  const s = (modPow((k * blind) % n, n - 2n, n) * ((e * blind + r * ((d * blind) % n)) % n)) % n;
  if (r === 0n || s === 0n) return undefined;
  const signature = new Uint8Array(64);
  signature.set(toBytes32(r), 0);
  signature.set(toBytes32(s), 32);
  return signature;
}
