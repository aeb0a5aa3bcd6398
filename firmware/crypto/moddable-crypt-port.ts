// The camera's CryptoPort over Moddable's crypt: native SHA-256, AES and P-256 arithmetic.
// The simulated board provides the same module specifier with a host-backed port.
// Manifest modules: crypt (digest), hmac, rng (which ecdsa imports; unused: k is RFC 6979's and
// random bytes come from drivers/hardware-entropy), curve, ecdsa and the arith modules
// (ec, ecp, mont, modular) with pkcs1 and ber that ecdsa imports.
import { BlockCipher, Digest, Mode } from 'crypt';
import HMAC from 'hmac';
import Curve from 'curve';
import ECDSA from 'ecdsa';
import ECPoint from 'ecp';
import type { CryptoPort, CtrStream, IncrementalHash } from '../format/crypto-port.js';
import { isCanonicalSignature, signDeterministically } from '../format/deterministic-ecdsa.js';
import { isP256PrivateKey, isP256PublicKey } from '../format/key-derivation.js';
import { hardwareRandomBytes } from '../../drivers/hardware-entropy/hardware-entropy.js';

/** crypt's natives want exactly-sized ArrayBuffers for keys and IVs. */
function ownBuffer(bytes: Uint8Array): ArrayBuffer {
  return bytes.slice().buffer as ArrayBuffer;
}

function sha256Of(message: Uint8Array): ArrayBuffer {
  return new Digest('SHA256').process(message);
}

class ModdableCryptPort implements CryptoPort {
  // Made with the port at run time, not cached in a module-level `let`: a preloaded module's
  // mutable binding costs RAM on the device (xsl: "no const").
  readonly #p256 = new Curve('secp256r1');

  sha256(bytes: Uint8Array): Uint8Array {
    return new Uint8Array(sha256Of(bytes));
  }

  createSha256(): IncrementalHash {
    const digest = new Digest('SHA256');
    return { update: (bytes) => digest.write(bytes), digest: () => new Uint8Array(digest.close()) };
  }

  createHmacSha256(key: Uint8Array): IncrementalHash {
    const hmac = new HMAC(new Digest('SHA256'), key);
    return { update: (bytes) => hmac.update(bytes), digest: () => new Uint8Array(hmac.close()) };
  }

  createAes256Ctr(key: Uint8Array, initialCounter: Uint8Array): CtrStream {
    const keyBuffer = ownBuffer(key);
    const mode = new Mode('CTR', new BlockCipher('AES', keyBuffer), ownBuffer(initialCounter));
    new Uint8Array(keyBuffer).fill(0); // the cipher copied the key into its own context
    return { update: (bytes) => new Uint8Array(mode.encrypt(bytes)) };
  }

  /** Keys and nonces from the hardware RNG with its entropy source on, not the RC4 `rng` stream. */
  randomBytes(length: number): Uint8Array {
    return hardwareRandomBytes(length);
  }

  p256PublicKey(privateKey: Uint8Array): Uint8Array {
    if (!isP256PrivateKey(privateKey)) throw new Error('not a P-256 private key');
    const point = this.#p256.dh(ownBuffer(privateKey));
    if (!point) throw new Error('P-256 public key derivation failed');
    return new Uint8Array(point);
  }

  p256SharedSecret(privateKey: Uint8Array, peerPublicKey: Uint8Array): Uint8Array {
    if (!isP256PublicKey(peerPublicKey)) throw new Error('peer key is not an uncompressed P-256 point');
    const point = this.#p256.dh(ownBuffer(privateKey), ownBuffer(peerPublicKey));
    if (!point) throw new Error('P-256 key agreement failed');
    return new Uint8Array(this.#p256.Z(point));
  }

  /** RFC 6979 nonce, low-S (firmware/format/deterministic-ecdsa.ts); never the RC4 rng's k. */
  p256Sign(privateKey: Uint8Array, message: Uint8Array): Uint8Array {
    return signDeterministically(this, privateKey, message, (d, e, k) => this.#signWithNonce(d, e, k));
  }

  /**
   * ecdsa.js signs with this.k when it is set (its constructor copies curve.k, "for debugging");
   * otherwise it draws k from the RC4 rng. Its r is x(k·G) unreduced, so an r >= n (probability
   * about 2^-128) comes back out of range and signDeterministically takes the next RFC 6979 k.
   * Its loop on s = 0 would not end with a fixed k; that needs e + r·d = 0 mod n (about 2^-256).
   */
  #signWithNonce(privateKey: Uint8Array, digest: Uint8Array, nonce: Uint8Array): Uint8Array {
    const ecdsa = new ECDSA(BigInt.fromArrayBuffer(ownBuffer(privateKey)) as bigint, this.#p256);
    ecdsa.k = BigInt.fromArrayBuffer(ownBuffer(nonce)) as bigint;
    const signature = new Uint8Array(ecdsa.sign(ownBuffer(digest)));
    ecdsa.k = undefined;
    return signature;
  }

  p256Verify(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
    // ecdsa.js does not range-check r and s: 1 <= r < n and 1 <= s <= n/2 (canonical, low-S) here.
    if (!isCanonicalSignature(signature) || !isP256PublicKey(publicKey)) return false;
    try {
      const ecdsa = new ECDSA(ECPoint.fromOctetString(publicKey), this.#p256);
      return ecdsa.verify(sha256Of(message), ownBuffer(signature));
    } catch {
      return false;
    }
  }
}

export function createCryptoPort(): CryptoPort {
  return new ModdableCryptPort();
}
