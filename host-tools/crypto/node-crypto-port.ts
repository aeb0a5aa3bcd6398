// The host's CryptoPort over node:crypto (OpenSSL). Outputs are plain Uint8Array views,
// not Buffers, so format code's slice() copies as it does on the camera.
import crypto from 'node:crypto';
import type { CryptoPort, CtrStream, IncrementalHash } from '../../firmware/format/crypto-port.js';

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

  p256Sign(privateKey: Uint8Array, message: Uint8Array): Uint8Array {
    const publicKey = this.p256PublicKey(privateKey);
    const key = crypto.createPrivateKey({
      key: {
        kty: 'EC', crv: 'P-256', d: base64url(privateKey),
        x: base64url(publicKey.subarray(1, 33)), y: base64url(publicKey.subarray(33, 65)),
      },
      format: 'jwk',
    });
    return plain(crypto.sign('sha256', message, { key, dsaEncoding: 'ieee-p1363' }));
  }

  p256Verify(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
    if (signature.length !== 64) return false;
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
