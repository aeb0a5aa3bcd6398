// RFC 6979 and low-S at their edges: the candidates after the first follow step h.3 exactly (against
// an implementation of section 3.2 written here over node:crypto's HMAC), an erased generator
// no longer yields them, the signer gives up after exactly four failed candidates and skips a
// platform answer of the wrong length, its generator state is zeroed when it returns, and
// canonical / high-S are decided exactly at 1, n/2 and n and only for 64 bytes. Written for the
// mutants that survived the format's mutation run (docs/MUTATION.md).
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import type { IncrementalHash } from '../../firmware/format/crypto-port.js';
import {
  P256_ORDER, Rfc6979Nonces, isCanonicalSignature, isHighS, signDeterministically, toLowS,
} from '../../firmware/format/deterministic-ecdsa.js';
import { NodeCryptoPort } from '../../host-tools/crypto/node-crypto-port.js';
import { RFC6979_P256_SHA256 } from './rfc6979-vectors.js';

const port = new NodeCryptoPort();
const privateKey = new Uint8Array(Buffer.from(RFC6979_P256_SHA256.privateKey, 'hex'));
const digest = port.sha256(new Uint8Array(Buffer.from('sample')));
const hmac = (key: Buffer, ...parts: Uint8Array[]) => crypto.createHmac('sha256', key).update(Buffer.concat(parts)).digest();
const hex32 = (value: bigint) => value.toString(16).padStart(64, '0');
const sig = (r: bigint, s: bigint) => new Uint8Array(Buffer.from(hex32(r) + hex32(s), 'hex'));
const HALF = P256_ORDER >> 1n;

/** RFC 6979 section 3.2 for P-256 / SHA-256, written from the RFC: the first `count` candidates k. */
function referenceCandidates(x: Uint8Array, h1: Uint8Array, count: number): string[] {
  const h = Buffer.from(hex32(BigInt(`0x${Buffer.from(h1).toString('hex')}`) % P256_ORDER), 'hex');
  let v = Buffer.alloc(32, 1);
  let k = Buffer.alloc(32, 0);
  k = hmac(k, v, Buffer.of(0), x, h);
  v = hmac(k, v);
  k = hmac(k, v, Buffer.of(1), x, h);
  v = hmac(k, v);
  const out: string[] = [];
  for (;;) {
    v = hmac(k, v);
    const t = BigInt(`0x${v.toString('hex')}`);
    if (t >= 1n && t < P256_ORDER) out.push(v.toString('hex'));
    if (out.length === count) return out;
    k = hmac(k, v, Buffer.of(0));
    v = hmac(k, v);
  }
}

describe('deterministic ECDSA rules', () => {
  it('the candidates after the first are those of step h.3, as RFC 6979 section 3.2 gives them', () => {
    const expected = referenceCandidates(privateKey, digest, 3);
    assert.equal(expected[0], RFC6979_P256_SHA256.signatures[0]!.k);
    const nonces = new Rfc6979Nonces(port, privateKey, digest);
    assert.deepEqual([0, 1, 2].map(() => Buffer.from(nonces.next()).toString('hex')), expected);
  });

  it('an erased generator no longer yields the next candidate', () => {
    const [, second] = referenceCandidates(privateKey, digest, 2);
    const nonces = new Rfc6979Nonces(port, privateKey, digest);
    nonces.next();
    nonces.erase();
    // From an all-zero state, step h.3 then h.2: what erase leaves, and nothing of the key.
    const k = hmac(Buffer.alloc(32), Buffer.alloc(32), Buffer.of(0));
    const v = hmac(k, hmac(k, Buffer.alloc(32)));
    const after = Buffer.from(nonces.next()).toString('hex');
    assert.notEqual(after, second);
    assert.equal(after, v.toString('hex'));
  });

  it('refuses a private key outside 1..n-1 and a hash that is not 32 bytes', () => {
    for (const bad of [new Uint8Array(32), new Uint8Array(Buffer.from(hex32(P256_ORDER), 'hex'))]) {
      assert.throws(() => new Rfc6979Nonces(port, bad, digest), { message: 'RFC 6979: not a P-256 private key' });
    }
    assert.throws(() => new Rfc6979Nonces(port, privateKey, digest.subarray(0, 31)), { message: 'RFC 6979: the message hash must be 32 bytes (SHA-256)' });
  });

  it('gives up after exactly four candidates, and skips a platform answer that is not 64 bytes', () => {
    let calls = 0;
    assert.throws(() => signDeterministically(port, privateKey, Buffer.from('sample'), () => { calls++; return undefined; }),
      { message: "ECDSA signing failed 4 times in a row with RFC 6979 nonces; the platform's P-256 arithmetic is broken" });
    assert.equal(calls, 4);

    const good = sig(5n, 7n);
    const answers = [Uint8Array.of(...good, 0), good.subarray(0, 63), good];
    const seen: string[] = [];
    const signature = signDeterministically(port, privateKey, Buffer.from('sample'), (_d, _e, k) => {
      seen.push(Buffer.from(k).toString('hex'));
      return answers.shift();
    });
    assert.deepEqual(signature, good);
    assert.deepEqual(seen, referenceCandidates(privateKey, digest, 3));
  });

  it('zeroes the generator\'s key and value once it has signed', () => {
    const handed: Uint8Array[] = [];
    const recording = new (class extends NodeCryptoPort {
      override createHmacSha256(key: Uint8Array): IncrementalHash {
        const mac = super.createHmacSha256(key);
        return { update: (bytes) => mac.update(bytes), digest: () => { const out = mac.digest(); handed.push(out); return out; } };
      }
    })();
    assert.deepEqual(signDeterministically(recording, privateKey, Buffer.from('sample'), () => sig(5n, 7n)), sig(5n, 7n));
    // RFC 6979 order: d (K), e (V), f (K), g (V), then h.2 (V): the generator holds outputs 2 and 4.
    assert.equal(handed.length, 5);
    for (const held of [handed[2]!, handed[4]!]) assert.deepEqual(held, new Uint8Array(32));
    assert.ok(handed[3]!.some((byte) => byte !== 0), 'only what the generator holds is erased');
  });

  it('canonical is 1 <= s <= n/2 at exactly 64 bytes; high-S is n/2 < s < n at exactly 64 bytes', () => {
    assert.equal(isCanonicalSignature(sig(1n, 1n)), true);
    assert.equal(isCanonicalSignature(sig(1n, HALF)), true);
    assert.equal(isCanonicalSignature(sig(1n, HALF + 1n)), false);
    assert.equal(isCanonicalSignature(Uint8Array.of(...sig(1n, 1n), 0)), false);
    assert.equal(isCanonicalSignature(sig(1n, 1n).subarray(0, 63)), false);

    assert.equal(isHighS(sig(1n, HALF)), false);
    assert.equal(isHighS(sig(1n, HALF + 1n)), true);
    assert.equal(isHighS(sig(1n, P256_ORDER - 1n)), true);
    assert.equal(isHighS(sig(1n, P256_ORDER)), false);
    assert.equal(isHighS(sig(1n, P256_ORDER + 1n)), false);
    assert.equal(isHighS(Uint8Array.of(...sig(1n, HALF + 1n), 0)), false);
    assert.equal(isHighS(new Uint8Array(63)), false);
  });

  it('toLowS gives a copy, never the signature it was given', () => {
    const low = sig(9n, 9n);
    const out = toLowS(low);
    assert.deepEqual(out, low);
    out[0] = 0xff;
    assert.equal(low[0], 0);
    assert.deepEqual(toLowS(sig(9n, P256_ORDER - 9n)), sig(9n, 9n));
  });
});
