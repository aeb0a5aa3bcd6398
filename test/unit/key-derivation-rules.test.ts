// Key material at its boundaries (docs/FORMAT.md section 2): HKDF's RFC 5869 output limit,
// P-256 private scalars exactly in [1, n-1], key generation drawing again on a scalar outside it,
// and the curve check that provisioning applies to keys it keeps. Checked against node:crypto
// (OpenSSL) and the curve equation, never against this code's own output. Written for the mutants
// that survived the format's mutation run (docs/MUTATION.md).
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { fromHex } from '../../firmware/format/bytes.js';
import { generateP256KeyPair, hkdfSha256, isOnP256Curve, isP256PrivateKey } from '../../firmware/format/key-derivation.js';
import { NodeCryptoPort } from '../../host-tools/crypto/node-crypto-port.js';

const port = new NodeCryptoPort();
const N = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n;
const P = 0xffffffff00000001000000000000000000000000ffffffffffffffffffffffffn;
const bytes32 = (value: bigint) => fromHex(value.toString(16).padStart(64, '0'));
const point = (x: bigint, y: bigint) => Uint8Array.of(4, ...bytes32(x), ...bytes32(y));

/** node:crypto, drawing the queued "random" scalars first: to show which draws keygen refuses. */
class QueuedRandomPort extends NodeCryptoPort {
  draws = 0;
  constructor(private readonly queue: Uint8Array[]) { super(); }
  override randomBytes(length: number): Uint8Array {
    this.draws++;
    return this.queue.shift() ?? super.randomBytes(length);
  }
}

describe('key derivation rules', () => {
  it('HKDF gives up to 255 blocks (8160 bytes), as node:crypto does, and refuses one byte more', () => {
    const ikm = crypto.randomBytes(32);
    const salt = crypto.randomBytes(16);
    for (const length of [0, 32, 64, 8160]) {
      assert.deepEqual(hkdfSha256(port, ikm, salt, Uint8Array.of(1), length), new Uint8Array(crypto.hkdfSync('sha256', ikm, salt, Uint8Array.of(1), length)));
    }
    assert.throws(() => hkdfSha256(port, ikm, salt, Uint8Array.of(1), 8161), { message: 'HKDF output too long' });
    assert.throws(() => crypto.hkdfSync('sha256', ikm, salt, Uint8Array.of(1), 8161));
    // An empty salt is HMAC's zero key (RFC 5869 2.2), as the segment keys use it.
    assert.deepEqual(hkdfSha256(port, ikm, new Uint8Array(0), Uint8Array.of(1), 64), new Uint8Array(crypto.hkdfSync('sha256', ikm, new Uint8Array(0), Uint8Array.of(1), 64)));
  });

  it('a private scalar is valid exactly from 1 to n-1, and only at 32 bytes', () => {
    for (const valid of [1n, 2n, N - 1n, N - 2n, N >> 1n]) assert.equal(isP256PrivateKey(bytes32(valid)), true, valid.toString(16));
    for (const invalid of [0n, N, N + 1n, (1n << 256n) - 1n]) assert.equal(isP256PrivateKey(bytes32(invalid)), false, invalid.toString(16));
    assert.equal(isP256PrivateKey(new Uint8Array(33).fill(1)), false);
    assert.equal(isP256PrivateKey(new Uint8Array(31).fill(1)), false);
    // node:crypto agrees at the edge: n-1 is a key, n is not.
    assert.doesNotThrow(() => crypto.createECDH('prime256v1').setPrivateKey(bytes32(N - 1n)));
    assert.throws(() => crypto.createECDH('prime256v1').setPrivateKey(bytes32(N)));
  });

  it('key generation draws again on a scalar of 0, n or above, and keeps the first valid one', () => {
    const valid = bytes32(N - 1n);
    const queued = new QueuedRandomPort([bytes32(0n), bytes32(N), new Uint8Array(32).fill(0xff), valid.slice()]);
    const pair = generateP256KeyPair(queued);
    assert.equal(queued.draws, 4);
    assert.deepEqual(pair.privateKey, valid);
    const ecdh = crypto.createECDH('prime256v1');
    ecdh.setPrivateKey(valid);
    assert.deepEqual(pair.publicKey, new Uint8Array(ecdh.getPublicKey()));
  });

  it('the curve check takes real keys and refuses a point off the curve or a coordinate of p or more', () => {
    for (let i = 0; i < 4; i++) assert.equal(isOnP256Curve(generateP256KeyPair(port).publicKey), true);
    const key = generateP256KeyPair(port).publicKey;
    const offCurve = key.slice();
    offCurve[64]! ^= 1;
    assert.equal(isOnP256Curve(offCurve), false);
    assert.equal(isOnP256Curve(key.subarray(0, 64)), false);
    assert.equal(isOnP256Curve(Uint8Array.of(3, ...key.subarray(1))), false);
    // (0, y0) is on the curve (y0² = b); (p, y0) is the same point mod p but not a canonical encoding.
    const y0 = 0x66485c780e2f83d72433bd5d84a06bb6541c2af31dae871728bf856a174f93f4n;
    assert.equal(isOnP256Curve(point(0n, y0)), true);
    assert.equal(isOnP256Curve(point(P, y0)), false);
    assert.equal(isOnP256Curve(point(0n, P - y0)), true);
    // (x1, 1) is on the curve (x1 a root of x³ − 3x + b − 1, found offline); (x1, 1 + p) is not canonical.
    const x1 = 0x8d0177ebab9c6e9e10db6dd095dbac0d6375e8a97b70f611875d877f0069d2c7n;
    assert.equal(isOnP256Curve(point(x1, 1n)), true);
    assert.equal(isOnP256Curve(point(x1, 1n + P)), false);
    // OpenSSL agrees on the canonical points it is given.
    const jwk = (x: bigint, y: bigint) => crypto.createPublicKey({
      key: { kty: 'EC', crv: 'P-256', x: Buffer.from(bytes32(x)).toString('base64url'), y: Buffer.from(bytes32(y)).toString('base64url') }, format: 'jwk',
    });
    for (const [x, y] of [[0n, y0], [x1, 1n]] as const) assert.doesNotThrow(() => jwk(x, y));
    assert.throws(() => jwk(x1, 2n));
  });
});
