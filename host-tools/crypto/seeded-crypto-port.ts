// A reproducible CryptoPort for test vectors and tests: random bytes come from a seeded
// SHA-256 counter stream. Signatures need no seed: NodeCryptoPort signs with RFC 6979 nonces,
// so the same inputs give the same evidence bytes on every run. Never use it for real evidence.
import crypto from 'node:crypto';
import { NodeCryptoPort } from './node-crypto-port.js';

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
}
