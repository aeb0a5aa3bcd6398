// The simulated board's firmware/crypto/moddable-crypt-port: the same createCryptoPort()
// the camera gets over Moddable's crypt, here over the host's node:crypto (the board's
// "crypto hardware", host-tools/sim/hardware/crypto-engine.ts). Bulk bytes travel as the
// bridge payload; stateful hashes and CTR streams are host handles, released when done
// (or when XS collects a stream the firmware dropped).
import type { CryptoPort, CtrStream, IncrementalHash } from '../../../firmware/format/crypto-port.js';

// firmware/format/bytes.ts has the same concat, but this module loads under the key
// `firmware/crypto/moddable-crypt-port`, where a relative import of its own path resolves wrong.
function join(...parts: Uint8Array[]): Uint8Array {
  let length = 0;
  for (const part of parts) length += part.length;
  const out = new Uint8Array(length);
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

function bytesOf(reply: SimHostReply): Uint8Array {
  return reply.payload ?? new Uint8Array(0);
}

const released = new FinalizationRegistry<number>((handle) => {
  simHost.call('crypto.release', { handle });
});

class HostHash implements IncrementalHash {
  #handle: number | undefined;

  constructor(algorithm: 'sha256' | 'hmac-sha256', key?: Uint8Array) {
    this.#handle = simHost.call('crypto.hash.open', { algorithm }, key).result;
  }

  update(bytes: Uint8Array): void {
    if (this.#handle === undefined) throw new Error('hash already digested');
    if (bytes.length) simHost.call('crypto.hash.update', { handle: this.#handle }, bytes);
  }

  digest(): Uint8Array {
    if (this.#handle === undefined) throw new Error('hash already digested');
    const digest = bytesOf(simHost.call('crypto.hash.digest', { handle: this.#handle })).slice();
    this.#handle = undefined;
    return digest;
  }
}

class HostCtr implements CtrStream {
  readonly #handle: number;

  constructor(key: Uint8Array, initialCounter: Uint8Array) {
    this.#handle = simHost.call('crypto.ctr.open', {}, join(key, initialCounter)).result;
    released.register(this, this.#handle);
  }

  update(bytes: Uint8Array): Uint8Array {
    if (!bytes.length) return new Uint8Array(0);
    return bytesOf(simHost.call('crypto.ctr.update', { handle: this.#handle }, bytes));
  }
}

class SimulatedCryptPort implements CryptoPort {
  sha256(bytes: Uint8Array): Uint8Array {
    return bytesOf(simHost.call('crypto.sha256', {}, bytes)).slice();
  }

  createSha256(): IncrementalHash {
    return new HostHash('sha256');
  }

  createHmacSha256(key: Uint8Array): IncrementalHash {
    return new HostHash('hmac-sha256', key);
  }

  createAes256Ctr(key: Uint8Array, initialCounter: Uint8Array): CtrStream {
    if (key.length !== 32 || initialCounter.length !== 16) throw new Error('AES-256-CTR needs a 32-byte key and a 16-byte counter block');
    return new HostCtr(key, initialCounter);
  }

  /** The board's hardware RNG, as the camera's port draws from drivers/hardware-entropy. */
  randomBytes(length: number): Uint8Array {
    const out = new Uint8Array(length);
    for (let offset = 0; offset < length; offset += 1024) {
      out.set(bytesOf(simHost.call('entropy.fill', { length: Math.min(1024, length - offset) })), offset);
    }
    return out;
  }

  p256PublicKey(privateKey: Uint8Array): Uint8Array {
    return bytesOf(simHost.call('crypto.p256.public', {}, privateKey)).slice();
  }

  p256SharedSecret(privateKey: Uint8Array, peerPublicKey: Uint8Array): Uint8Array {
    if (peerPublicKey.length !== 65 || peerPublicKey[0] !== 4) throw new Error('peer key is not an uncompressed P-256 point');
    return bytesOf(simHost.call('crypto.p256.shared', {}, join(privateKey, peerPublicKey))).slice();
  }

  /** The host signs as the camera does: RFC 6979 nonce, low-S (NodeCryptoPort), so the bytes are the camera's. */
  p256Sign(privateKey: Uint8Array, message: Uint8Array): Uint8Array {
    return bytesOf(simHost.call('crypto.p256.sign', {}, join(privateKey, message))).slice();
  }

  p256Verify(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
    if (publicKey.length !== 65 || signature.length !== 64) return false;
    return simHost.call('crypto.p256.verify', {}, join(publicKey, signature, message)).result === true;
  }
}

export function createCryptoPort(): CryptoPort {
  return new SimulatedCryptPort();
}
