// The host's signer (NodeCryptoPort, which the dock, provisioning and the simulated board's
// crypto engine use) signs with RFC 6979 nonces in low-S form, and its verifier takes only that.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { NodeCryptoPort } from '../../host-tools/crypto/node-crypto-port.js';
import { P256_ORDER, Rfc6979Nonces, isCanonicalSignature, isHighS, signDeterministically, toLowS } from '../../firmware/format/deterministic-ecdsa.js';
import { RFC6979_P256_SHA256, highSTwin } from './rfc6979-vectors.js';

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');
const bytes = (text: string): Uint8Array => new Uint8Array(Buffer.from(text, 'hex'));

describe('deterministic ECDSA (RFC 6979 nonces, low-S)', () => {
  const port = new NodeCryptoPort();
  const privateKey = bytes(RFC6979_P256_SHA256.privateKey);
  const publicKey = bytes(RFC6979_P256_SHA256.publicKey);

  it('derives the public key of appendix A.2.5', () => {
    assert.equal(hex(port.p256PublicKey(privateKey)), RFC6979_P256_SHA256.publicKey);
  });

  for (const vector of RFC6979_P256_SHA256.signatures) {
    it(`gives k, r and s of appendix A.2.5 for "${vector.message}" (s as n - s when high)`, () => {
      const message = new Uint8Array(Buffer.from(vector.message));
      assert.equal(hex(new Rfc6979Nonces(port, privateKey, port.sha256(message)).next()), vector.k);
      const rfcSignature = bytes(vector.r + vector.s);
      const signature = port.p256Sign(privateKey, message);
      assert.equal(hex(signature), hex(toLowS(rfcSignature)));
      assert.equal(isHighS(rfcSignature), BigInt(`0x${vector.s}`) > P256_ORDER / 2n);
      assert.ok(port.p256Verify(publicKey, message, signature));
      assert.equal(port.p256Verify(publicKey, message, bytes(highSTwin(hex(signature)))), false, 'the high-S twin is refused');
    });
  }

  it('the nonce generator continues per step h.3 when a candidate is not used', () => {
    const digest = port.sha256(new Uint8Array(Buffer.from('sample')));
    const nonces = new Rfc6979Nonces(port, privateKey, digest);
    const first = hex(nonces.next());
    const second = hex(nonces.next());
    assert.notEqual(first, second);
    // A candidate the platform step rejects is followed by the next one, not a fresh start.
    let used = 0;
    const signature = signDeterministically(port, privateKey, new Uint8Array(Buffer.from('sample')), (d, e, k) => {
      used++;
      if (used === 1) {
        assert.equal(hex(k), first);
        return undefined; // as if r had come out 0
      }
      assert.equal(hex(k), second);
      return bytes('01'.padStart(64, '0') + '02'.padStart(64, '0'));
    });
    assert.equal(used, 2);
    assert.equal(hex(signature), '01'.padStart(64, '0') + '02'.padStart(64, '0'));
  });

  it('stops with an error naming the fault when the platform step keeps failing', () => {
    assert.throws(() => signDeterministically(port, privateKey, Uint8Array.of(1), () => undefined), /ECDSA signing failed 4 times/);
  });

  it('signs the same bytes every time, low-S, and OpenSSL accepts them', () => {
    for (let i = 0; i < 40; i++) {
      const { privateKey: key, publicKey: pub } = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' });
      const d = new Uint8Array(Buffer.from(key.export({ format: 'jwk' }).d!, 'base64url'));
      const message = crypto.randomBytes(i + 1);
      const signature = port.p256Sign(d, message);
      assert.deepEqual(signature, port.p256Sign(d, message));
      assert.ok(isCanonicalSignature(signature));
      assert.ok(crypto.verify('sha256', message, { key: pub, dsaEncoding: 'ieee-p1363' }, signature));
    }
  });

  it('canonical means 1 <= r < n and 1 <= s <= n/2', () => {
    const half = (P256_ORDER / 2n).toString(16).padStart(64, '0');
    const one = '1'.padStart(64, '0');
    assert.ok(isCanonicalSignature(bytes(one + half)));
    assert.equal(isCanonicalSignature(bytes(one + (P256_ORDER / 2n + 1n).toString(16))), false);
    assert.equal(isCanonicalSignature(bytes('0'.repeat(64) + one)), false);
    assert.equal(isCanonicalSignature(bytes(one + '0'.repeat(64))), false);
    assert.equal(isCanonicalSignature(bytes(P256_ORDER.toString(16) + one)), false);
    assert.equal(isCanonicalSignature(new Uint8Array(63)), false);
  });
});
