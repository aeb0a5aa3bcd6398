// The only door from format code to cryptography. The camera implements it over Moddable's
// crypt (firmware/crypto/moddable-crypt-port.ts), the host over node:crypto, the simulated
// board by calling the host. Every method is synchronous because crypt on the device is.
// Bulk work (hashing, encrypting megabytes) happens behind this port, never in a JS loop.

/** An incremental SHA-256 or HMAC-SHA-256: feed any number of chunks, then take the digest once. */
export interface IncrementalHash {
  update(bytes: Uint8Array): void;
  /** 32 bytes. The hash cannot be used afterwards. */
  digest(): Uint8Array;
}

/** AES-256 in counter mode (NIST SP 800-38A, 128-bit big-endian counter). */
export interface CtrStream {
  /** Returns the input XORed with the next bytes of key stream; any chunk size. */
  update(bytes: Uint8Array): Uint8Array;
}

export interface CryptoPort {
  sha256(bytes: Uint8Array): Uint8Array;
  createSha256(): IncrementalHash;
  createHmacSha256(key: Uint8Array): IncrementalHash;
  /** key: 32 bytes; initialCounter: the 16-byte first counter block. */
  createAes256Ctr(key: Uint8Array, initialCounter: Uint8Array): CtrStream;
  randomBytes(length: number): Uint8Array;
  /** P-256 public key (65 bytes, uncompressed 04||X||Y) of a 32-byte private scalar. */
  p256PublicKey(privateKey: Uint8Array): Uint8Array;
  /** P-256 ECDH: the 32-byte X coordinate of privateKey * peerPublicKey. */
  p256SharedSecret(privateKey: Uint8Array, peerPublicKey: Uint8Array): Uint8Array;
  /** ECDSA P-256 with SHA-256 over message; signature is r||s, 32 bytes each. */
  p256Sign(privateKey: Uint8Array, message: Uint8Array): Uint8Array;
  p256Verify(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean;
}
