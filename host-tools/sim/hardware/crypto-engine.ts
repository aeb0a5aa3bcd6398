// The simulated board's crypto hardware: the firmware's CryptoPort calls land here
// (host-tools/sim/moddable/crypto-port.ts) and run on node:crypto, as Moddable's native
// crypt runs them on the device. Incremental hashes, HMACs and CTR streams live here as
// numbered handles, so the XS side holds no cipher state and never walks payload bytes.
// Keys and data arrive as the bridge payload; lengths that split it travel in the header.
import type { CryptoPort, CtrStream, IncrementalHash } from '../../../firmware/format/crypto-port.js';

export const CRYPTO_OPERATIONS = Object.freeze([
  'crypto.sha256', 'crypto.hash.open', 'crypto.hash.update', 'crypto.hash.digest', 'crypto.ctr.open',
  'crypto.ctr.update', 'crypto.release', 'crypto.p256.public', 'crypto.p256.shared',
  'crypto.p256.sign', 'crypto.p256.verify',
]);

export interface CryptoReply {
  result?: unknown;
  bytes?: Uint8Array;
}

export class CryptoEngine {
  readonly port: CryptoPort;
  #handles = new Map<number, IncrementalHash | CtrStream>();
  #next = 1;

  constructor(port: CryptoPort) {
    this.port = port;
  }

  /** Hash and cipher states the firmware still holds: a leak shows here. */
  get openHandles(): number {
    return this.#handles.size;
  }

  handle(h: Record<string, any>, bytes: Uint8Array): CryptoReply {
    const port = this.port;
    switch (h.op) {
      case 'crypto.sha256':
        return { bytes: port.sha256(bytes) };
      case 'crypto.hash.open': {
        const hash = h.algorithm === 'hmac-sha256' ? port.createHmacSha256(bytes) : port.createSha256();
        return { result: this.#open(hash) };
      }
      case 'crypto.hash.update':
        this.#hash(h.handle).update(bytes);
        return {};
      case 'crypto.hash.digest': {
        const digest = this.#hash(h.handle).digest();
        this.#handles.delete(h.handle);
        return { bytes: digest };
      }
      case 'crypto.ctr.open':
        if (bytes.length !== 48) throw new Error(`AES-256-CTR needs a 32-byte key and a 16-byte counter block, got ${bytes.length} bytes`);
        return { result: this.#open(port.createAes256Ctr(bytes.subarray(0, 32), bytes.subarray(32, 48))) };
      case 'crypto.ctr.update':
        return { bytes: this.#ctr(h.handle).update(bytes) };
      case 'crypto.release':
        this.#handles.delete(h.handle);
        return {};
      case 'crypto.p256.public':
        return { bytes: port.p256PublicKey(bytes) };
      case 'crypto.p256.shared':
        return { bytes: port.p256SharedSecret(bytes.subarray(0, 32), bytes.subarray(32)) };
      case 'crypto.p256.sign':
        return { bytes: port.p256Sign(bytes.subarray(0, 32), bytes.subarray(32)) };
      case 'crypto.p256.verify':
        return { result: port.p256Verify(bytes.subarray(0, 65), bytes.subarray(129), bytes.subarray(65, 129)) };
      default:
        throw new Error(`the simulated crypto engine has no operation "${h.op}"`);
    }
  }

  #open(state: IncrementalHash | CtrStream): number {
    const id = this.#next++;
    this.#handles.set(id, state);
    return id;
  }

  #hash(id: number): IncrementalHash {
    const state = this.#handles.get(id);
    if (!state || !('digest' in state)) throw new Error(`hash handle ${id} is not open (already digested?)`);
    return state;
  }

  #ctr(id: number): CtrStream {
    const state = this.#handles.get(id);
    if (!state || 'digest' in state) throw new Error(`AES-CTR handle ${id} is not open`);
    return state;
  }
}
