// The camera signs as a court can check: RFC 6979 nonces (appendix A.2.5, P-256 with SHA-256)
// computed by the firmware's code in XS over the board's HMAC, low-S signatures, the same bytes
// from the camera's signing path and the simulated board's, and no high-S twin accepted.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { SimulatedBoard } from '../../host-tools/sim/board.js';
import { NodeCryptoPort } from '../../host-tools/crypto/node-crypto-port.js';
import { P256_ORDER } from '../../firmware/format/deterministic-ecdsa.js';
import { RFC6979_P256_SHA256, ascii, highSTwin } from '../unit/rfc6979-vectors.js';

describe('deterministic ECDSA in XS (RFC 6979, low-S)', function () {
  let board: SimulatedBoard;
  before(async () => {
    board = await SimulatedBoard.boot({ main: 'test/fixtures/firmware/deterministic-signing' });
  });
  after(async () => board?.close());

  for (const vector of RFC6979_P256_SHA256.signatures) {
    it(`gives RFC 6979's k, r and s for "${vector.message}"`, async () => {
      const args = { privateKey: RFC6979_P256_SHA256.privateKey, message: ascii(vector.message) };
      const [k] = await board.command('nonces', args) as string[];
      assert.equal(k, vector.k);
      const signed = await board.command('sign', args) as { camera: string; board: string };
      const s = BigInt(`0x${vector.s}`);
      const lowS = s > P256_ORDER / 2n ? (P256_ORDER - s).toString(16).padStart(64, '0') : vector.s;
      assert.equal(signed.camera, vector.r + lowS, 'the camera path: r and the low one of s, n - s');
      assert.equal(signed.board, signed.camera, 'the simulated board signs the same bytes');
    });
  }

  it('signs any key and message as the host does, always low-S, and refuses the high-S twin', async () => {
    const host = new NodeCryptoPort();
    for (let i = 0; i < 6; i++) {
      const ecdh = crypto.createECDH('prime256v1');
      ecdh.generateKeys();
      const privateKey = ecdh.getPrivateKey('hex').padStart(64, '0');
      const publicKey = ecdh.getPublicKey('hex');
      const message = crypto.randomBytes(20 + i * 17).toString('hex');
      const signed = await board.command('sign', { privateKey, message }) as { camera: string; board: string };
      assert.equal(signed.camera, signed.board);
      assert.equal(signed.camera, Buffer.from(host.p256Sign(Buffer.from(privateKey, 'hex'), Buffer.from(message, 'hex'))).toString('hex'));
      assert.ok(BigInt(`0x${signed.camera.slice(64)}`) <= P256_ORDER / 2n, 'low-S');
      const twin = highSTwin(signed.camera);
      const key = crypto.createPublicKey({ key: Buffer.from(`3059301306072a8648ce3d020106082a8648ce3d030107034200${publicKey}`, 'hex'), format: 'der', type: 'spki' });
      assert.ok(crypto.verify('sha256', Buffer.from(message, 'hex'), { key, dsaEncoding: 'ieee-p1363' }, Buffer.from(twin, 'hex')), 'the twin is a valid ECDSA signature to OpenSSL');
      assert.equal(await board.command('verify', { publicKey, message, signature: signed.camera }), true);
      assert.equal(await board.command('verify', { publicKey, message, signature: twin }), false, 'the board refuses the high-S twin');
    }
  });
});
