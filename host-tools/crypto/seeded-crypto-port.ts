// A reproducible CryptoPort for test vectors and tests: random bytes come from a seeded
// SHA-256 counter stream and ECDSA nonces are derived from the key and message, so the
// same inputs give the same evidence bytes on every run. Never use it for real evidence.
import crypto from 'node:crypto';
import { NodeCryptoPort } from './node-crypto-port.js';

const P = 0xffffffff00000001000000000000000000000000ffffffffffffffffffffffffn;
const N = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n;
const G: Jacobian = [
  0x6b17d1f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945d898c296n,
  0x4fe342e2fe1a7f9b8ee7eb4a7c0f9e162bce33576b315ececbb6406837bf51f5n,
  1n,
];

type Jacobian = [bigint, bigint, bigint];

const mod = (a: bigint, m: bigint): bigint => ((a % m) + m) % m;

function power(base: bigint, exponent: bigint, m: bigint): bigint {
  let result = 1n;
  let b = mod(base, m);
  for (let e = exponent; e > 0n; e >>= 1n) {
    if (e & 1n) result = (result * b) % m;
    b = (b * b) % m;
  }
  return result;
}

const inverse = (a: bigint, m: bigint): bigint => power(a, m - 2n, m);

function double([x, y, z]: Jacobian): Jacobian {
  if (z === 0n || y === 0n) return [0n, 1n, 0n];
  const delta = (z * z) % P;
  const gamma = (y * y) % P;
  const beta = (x * gamma) % P;
  const alpha = mod(3n * (x - delta) * (x + delta), P);
  const x3 = mod(alpha * alpha - 8n * beta, P);
  const z3 = mod((y + z) * (y + z) - gamma - delta, P);
  const y3 = mod(alpha * (4n * beta - x3) - 8n * gamma * gamma, P);
  return [x3, y3, z3];
}

function add(a: Jacobian, b: Jacobian): Jacobian {
  if (a[2] === 0n) return b;
  if (b[2] === 0n) return a;
  const z1z1 = (a[2] * a[2]) % P;
  const z2z2 = (b[2] * b[2]) % P;
  const u1 = (a[0] * z2z2) % P;
  const u2 = (b[0] * z1z1) % P;
  const s1 = (a[1] * b[2] * z2z2) % P;
  const s2 = (b[1] * a[2] * z1z1) % P;
  if (u1 === u2) return s1 === s2 ? double(a) : [0n, 1n, 0n];
  const h = mod(u2 - u1, P);
  const i = (4n * h * h) % P;
  const j = (h * i) % P;
  const r = mod(2n * (s2 - s1), P);
  const v = (u1 * i) % P;
  const x3 = mod(r * r - j - 2n * v, P);
  const y3 = mod(r * (v - x3) - 2n * s1 * j, P);
  const z3 = mod(((a[2] + b[2]) * (a[2] + b[2]) - z1z1 - z2z2) * h, P);
  return [x3, y3, z3];
}

function multiplyX(k: bigint, point: Jacobian): bigint {
  let result: Jacobian = [0n, 1n, 0n];
  for (let i = BigInt(k.toString(2).length - 1); i >= 0n; i--) {
    result = double(result);
    if ((k >> i) & 1n) result = add(result, point);
  }
  const zInverse = inverse(result[2], P);
  return (result[0] * zInverse * zInverse) % P;
}

const toBigInt = (bytes: Uint8Array): bigint => BigInt(`0x${Buffer.from(bytes).toString('hex') || '0'}`);
const toBytes32 = (value: bigint): Uint8Array => Uint8Array.from(Buffer.from(value.toString(16).padStart(64, '0'), 'hex'));

export class SeededCryptoPort extends NodeCryptoPort {
  #seed: Buffer;
  #counter = 0;

  constructor(seed: string) {
    super();
    this.#seed = crypto.createHash('sha256').update(`chaincam test seed: ${seed}`).digest();
  }

  override randomBytes(length: number): Uint8Array {
    const out = new Uint8Array(length);
    for (let offset = 0; offset < length; offset += 32) {
      const block = crypto.createHash('sha256').update(this.#seed).update(String(this.#counter++)).digest();
      out.set(block.subarray(0, Math.min(32, length - offset)), offset);
    }
    return out;
  }

  /** ECDSA with a nonce from HMAC(key, message): deterministic, and still verifiable by anyone. */
  override p256Sign(privateKey: Uint8Array, message: Uint8Array): Uint8Array {
    const d = toBigInt(privateKey);
    const e = toBigInt(crypto.createHash('sha256').update(message).digest());
    for (let attempt = 0; ; attempt++) {
      const nonce = crypto.createHmac('sha256', privateKey).update(message).update(String(attempt)).digest();
      const k = mod(toBigInt(nonce), N - 1n) + 1n;
      const r = mod(multiplyX(k, G), N);
      const s = mod(inverse(k, N) * (e + r * d), N);
      if (r !== 0n && s !== 0n) {
        const signature = new Uint8Array(64);
        signature.set(toBytes32(r), 0);
        signature.set(toBytes32(s), 32);
        return signature;
      }
    }
  }
}
