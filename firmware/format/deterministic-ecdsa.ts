// ECDSA P-256 / SHA-256 signatures with exactly one form per key and message, so a court can
// reproduce them and nobody can malleate them:
// - the nonce k is RFC 6979's (section 3.2: HMAC-DRBG over HMAC-SHA-256, seeded with the private
//   key and the message hash), never an RNG's: a weak or repeating RNG cannot leak the key
//   through its signatures, and the same key and message always give the same signature;
// - s is the low one of the pair (s, n − s) (docs/FORMAT.md section 2): the other also verifies
//   mathematically, so verifiers reject it, and a signed record has one encoding.
// The curve step (R = k·G, s = k⁻¹(e + r·d)) is the platform's: Moddable's ecdsa on the camera,
// node:crypto on the host. Engine-neutral: runs in XS and in Node.
import type { CryptoPort } from './crypto-port.js';
import { concatBytes } from './bytes.js';
import { isP256PrivateKey } from './key-derivation.js';

/** The order n of the P-256 group. */
export const P256_ORDER = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n;
const HALF_ORDER = P256_ORDER >> 1n;

function bigFrom(bytes: Uint8Array): bigint {
  let value = 0n;
  for (let i = 0; i < bytes.length; i++) value = (value << 8n) | BigInt(bytes[i]!);
  return value;
}

function bytes32(value: bigint): Uint8Array {
  const out = new Uint8Array(32);
  for (let i = 31, v = value; i >= 0; i--, v >>= 8n) out[i] = Number(v & 0xffn);
  return out;
}

function hmac(port: Pick<CryptoPort, 'createHmacSha256'>, key: Uint8Array, ...parts: Uint8Array[]): Uint8Array {
  const mac = port.createHmacSha256(key);
  for (const part of parts) mac.update(part);
  return mac.digest();
}

/**
 * RFC 6979 section 3.2 for P-256 with SHA-256 (qlen = hlen = 256, so bits2int is the identity and
 * one HMAC block fills T). Each next() is the next candidate k in [1, n − 1]; call it again only
 * when the candidate made r or s zero (step h.3).
 */
export class Rfc6979Nonces {
  readonly #port: Pick<CryptoPort, 'createHmacSha256'>;
  #key: Uint8Array;
  #value: Uint8Array;
  #first = true;

  /** privateKey: the 32-byte scalar x; digest: h1 = SHA-256(message). */
  constructor(port: Pick<CryptoPort, 'createHmacSha256'>, privateKey: Uint8Array, digest: Uint8Array) {
    if (!isP256PrivateKey(privateKey)) throw new Error('RFC 6979: not a P-256 private key');
    if (digest.length !== 32) throw new Error('RFC 6979: the message hash must be 32 bytes (SHA-256)');
    this.#port = port;
    const reduced = bytes32(bigFrom(digest) % P256_ORDER); // bits2octets(h1)
    this.#value = new Uint8Array(32).fill(1); // step b
    this.#key = new Uint8Array(32); // step c
    this.#key = hmac(port, this.#key, this.#value, Uint8Array.of(0), privateKey, reduced); // d
    this.#value = hmac(port, this.#key, this.#value); // e
    this.#key = hmac(port, this.#key, this.#value, Uint8Array.of(1), privateKey, reduced); // f
    this.#value = hmac(port, this.#key, this.#value); // g
    reduced.fill(0);
  }

  next(): Uint8Array {
    for (;;) {
      if (!this.#first) {
        this.#key = hmac(this.#port, this.#key, this.#value, Uint8Array.of(0)); // h.3
        this.#value = hmac(this.#port, this.#key, this.#value);
      }
      this.#first = false;
      this.#value = hmac(this.#port, this.#key, this.#value); // h.2
      if (isP256PrivateKey(this.#value)) return this.#value.slice(); // h.3: 1 <= k < n
    }
  }

  /** Forgets the generator's state (it determines every k to come). */
  erase(): void {
    this.#key.fill(0);
    this.#value.fill(0);
  }
}

/** True when signature is r || s with 1 <= r < n and 1 <= s <= n/2: the one form verifiers accept. */
export function isCanonicalSignature(signature: Uint8Array): boolean {
  if (signature.length !== 64) return false;
  const r = signature.subarray(0, 32);
  const s = bigFrom(signature.subarray(32, 64));
  return isP256PrivateKey(r) && s >= 1n && s <= HALF_ORDER;
}

/** True when s > n/2 (and < n): the malleated twin (r, n − s) of a canonical signature. */
export function isHighS(signature: Uint8Array): boolean {
  if (signature.length !== 64) return false;
  const s = bigFrom(signature.subarray(32, 64));
  return s > HALF_ORDER && s < P256_ORDER;
}

/** (r, s) with s replaced by n − s when s > n/2. Both verify; only the result is canonical. */
export function toLowS(signature: Uint8Array): Uint8Array {
  if (!isHighS(signature)) return signature.slice();
  return concatBytes(signature.subarray(0, 32), bytes32(P256_ORDER - bigFrom(signature.subarray(32, 64))));
}

/**
 * The platform's ECDSA step with a given nonce: r || s (32 bytes each) for private key d, message
 * hash e and nonce k, or undefined when r or s came out 0 (then the next RFC 6979 k is tried).
 */
export type EcdsaWithNonce = (privateKey: Uint8Array, digest: Uint8Array, nonce: Uint8Array) => Uint8Array | undefined;

/** A candidate k fails with probability about 2^-128; four in a row means the platform step is broken. */
const MAX_CANDIDATES = 4;

/** ECDSA P-256 / SHA-256 over message with the RFC 6979 nonce, in low-S form: r || s. */
export function signDeterministically(port: Pick<CryptoPort, 'sha256' | 'createHmacSha256'>, privateKey: Uint8Array,
  message: Uint8Array, withNonce: EcdsaWithNonce): Uint8Array {
  const digest = port.sha256(message);
  const nonces = new Rfc6979Nonces(port, privateKey, digest);
  try {
    for (let attempt = 0; attempt < MAX_CANDIDATES; attempt++) {
      const k = nonces.next();
      const signature = withNonce(privateKey, digest, k);
      k.fill(0);
      // r >= n (x(kG) between n and p) is not reduced by every platform: take the next k.
      if (signature && signature.length === 64 && isP256PrivateKey(signature.subarray(0, 32)) && isP256PrivateKey(signature.subarray(32, 64))) {
        return toLowS(signature);
      }
    }
  } finally {
    nonces.erase();
  }
  throw new Error(`ECDSA signing failed ${MAX_CANDIDATES} times in a row with RFC 6979 nonces; the platform's P-256 arithmetic is broken`);
}
