// Sealed segment container: a segment encrypted under a fresh content key that is wrapped
// to the agency's P-256 key (ECIES: ephemeral ECDH, HKDF-SHA-256, AES-256-CTR, HMAC-SHA-256)
// and then dropped, so the camera cannot read back what it recorded.
// Encrypt-then-MAC with AES-CTR and HMAC because both stream in any chunk size through
// Moddable's native crypt; its GCM pads every GHASH write to 16 bytes (see FORMAT.md).
// Byte layout: docs/FORMAT.md, "Sealed segment".
import type { CryptoPort, CtrStream, IncrementalHash } from './crypto-port.js';
import { ByteReader, ByteWriter, asciiBytes, bytesEqual, concatBytes, toHex } from './bytes.js';
import { generateP256KeyPair, hkdfSha256, isP256PublicKey } from './key-derivation.js';
import { DEVICE_ID_LENGTH } from './chain-records.js';
import { MEDIA_TYPES, isKnownCode } from './record-codes.js';

/** "CCSEAL", 0x00, container version 0x01. */
export const SEALED_MAGIC = Uint8Array.of(0x43, 0x43, 0x53, 0x45, 0x41, 0x4c, 0x00, 0x01);
export const SEAL_SUITE_P256_HKDF_AES256CTR_HMACSHA256 = 1;
export const SEALED_HEADER_LENGTH = 171;
export const SEALED_TAG_LENGTH = 32;
/** Offset of the wrap tag: the wrap tag covers every header byte before it. */
const WRAP_TAG_OFFSET = 139;

const SEGMENT_KEYS_INFO = asciiBytes('chaincam/segment-keys/v1');
const KEY_WRAP_INFO = asciiBytes('chaincam/key-wrap/v1');
/** CTR counter blocks start at zero: every key here encrypts exactly one message. */
const ZERO_COUNTER = new Uint8Array(16);

export interface SealedHeader {
  suite: number;
  mediaType: number;
  deviceId: Uint8Array;
  recording: number;
  segmentIndex: number;
  agencyKeyId: Uint8Array;
  ephemeralPublicKey: Uint8Array;
  wrappedKey: Uint8Array;
  wrapTag: Uint8Array;
}

/** First 8 bytes of SHA-256(agency public key): tells export which key a segment needs. */
export function agencyKeyId(port: CryptoPort, agencyPublicKey: Uint8Array): Uint8Array {
  return port.sha256(agencyPublicKey).slice(0, 8);
}

export function encodeSealedHeader(h: SealedHeader): Uint8Array {
  return new ByteWriter().bytes(SEALED_MAGIC).u8(h.suite).u8(h.mediaType).bytes(h.deviceId, DEVICE_ID_LENGTH)
    .u32(h.recording).u32(h.segmentIndex).bytes(h.agencyKeyId, 8).bytes(h.ephemeralPublicKey, 65)
    .bytes(h.wrappedKey, 32).bytes(h.wrapTag, 32).finish();
}

export function decodeSealedHeader(bytes: Uint8Array): SealedHeader {
  if (bytes.length < SEALED_HEADER_LENGTH) throw new Error(`sealed segment shorter than its ${SEALED_HEADER_LENGTH}-byte header`);
  const r = new ByteReader(bytes.subarray(0, SEALED_HEADER_LENGTH));
  if (!bytesEqual(r.take(8, 'magic'), SEALED_MAGIC)) throw new Error('not a chaincam sealed segment (bad magic; expected "CCSEAL" 00 01)');
  const header: SealedHeader = {
    suite: r.u8('suite'), mediaType: r.u8('media type'), deviceId: r.take(DEVICE_ID_LENGTH, 'device id'),
    recording: r.u32('recording'), segmentIndex: r.u32('segment index'), agencyKeyId: r.take(8, 'agency key id'),
    ephemeralPublicKey: r.take(65, 'ephemeral public key'), wrappedKey: r.take(32, 'wrapped key'), wrapTag: r.take(32, 'wrap tag'),
  };
  if (header.suite !== SEAL_SUITE_P256_HKDF_AES256CTR_HMACSHA256) throw new Error(`unsupported sealing suite ${header.suite}`);
  if (!isKnownCode(MEDIA_TYPES, header.mediaType)) throw new Error(`unknown media type ${header.mediaType}`);
  if (!isP256PublicKey(header.ephemeralPublicKey)) throw new Error('ephemeral public key is not an uncompressed P-256 point');
  return header;
}

interface SegmentKeys { encryption: Uint8Array; authentication: Uint8Array }

function segmentKeys(port: CryptoPort, contentKey: Uint8Array): SegmentKeys {
  const okm = hkdfSha256(port, contentKey, new Uint8Array(0), SEGMENT_KEYS_INFO, 64);
  return { encryption: okm.slice(0, 32), authentication: okm.slice(32, 64) };
}

function wrapKeys(port: CryptoPort, sharedSecret: Uint8Array, ephemeralPublicKey: Uint8Array, agencyPublicKey: Uint8Array): SegmentKeys {
  const okm = hkdfSha256(port, sharedSecret, concatBytes(ephemeralPublicKey, agencyPublicKey), KEY_WRAP_INFO, 64);
  return { encryption: okm.slice(0, 32), authentication: okm.slice(32, 64) };
}

function hmac(port: CryptoPort, key: Uint8Array, data: Uint8Array): Uint8Array {
  const mac = port.createHmacSha256(key);
  mac.update(data);
  return mac.digest();
}

export interface SegmentSealerOptions {
  port: CryptoPort;
  agencyPublicKey: Uint8Array;
  deviceId: Uint8Array;
  recording: number;
  segmentIndex: number;
  mediaType: number;
}

export interface SealedSummary {
  /** The last 32 bytes of the container (the payload tag). */
  trailer: Uint8Array;
  /** SHA-256 over every byte of the container: what the chain record commits to. */
  sealedDigest: Uint8Array;
  sealedLength: number;
}

/**
 * Seals one segment as it is recorded: write `header`, then the output of each seal(chunk),
 * then finish().trailer. Memory stays constant whatever the segment length.
 */
export class SegmentSealer {
  readonly header: Uint8Array;
  #cipher: CtrStream;
  #mac: IncrementalHash | undefined;
  #digest: IncrementalHash;
  #length: number;

  constructor(options: SegmentSealerOptions) {
    const { port, agencyPublicKey } = options;
    if (!isP256PublicKey(agencyPublicKey)) throw new Error('agency public key must be a 65-byte uncompressed P-256 point');
    const contentKey = port.randomBytes(32);
    const ephemeral = generateP256KeyPair(port);
    const shared = port.p256SharedSecret(ephemeral.privateKey, agencyPublicKey);
    const wrap = wrapKeys(port, shared, ephemeral.publicKey, agencyPublicKey);
    const wrappedKey = port.createAes256Ctr(wrap.encryption, ZERO_COUNTER).update(contentKey);
    const partial: SealedHeader = {
      suite: SEAL_SUITE_P256_HKDF_AES256CTR_HMACSHA256, mediaType: options.mediaType, deviceId: options.deviceId,
      recording: options.recording, segmentIndex: options.segmentIndex, agencyKeyId: agencyKeyId(port, agencyPublicKey),
      ephemeralPublicKey: ephemeral.publicKey, wrappedKey, wrapTag: new Uint8Array(32),
    };
    const unsigned = encodeSealedHeader(partial);
    partial.wrapTag = hmac(port, wrap.authentication, unsigned.subarray(0, WRAP_TAG_OFFSET));
    this.header = encodeSealedHeader(partial);

    const keys = segmentKeys(port, contentKey);
    this.#cipher = port.createAes256Ctr(keys.encryption, ZERO_COUNTER);
    this.#mac = port.createHmacSha256(keys.authentication);
    this.#mac.update(this.header);
    this.#digest = port.createSha256();
    this.#digest.update(this.header);
    this.#length = this.header.length;
    // Erase what could recover the content key; only the agency's private key can now.
    for (const secret of [contentKey, ephemeral.privateKey, shared, wrap.encryption, wrap.authentication, keys.encryption, keys.authentication]) {
      secret.fill(0);
    }
  }

  seal(chunk: Uint8Array): Uint8Array {
    if (!this.#mac) throw new Error('segment already finished');
    const ciphertext = this.#cipher.update(chunk);
    this.#mac.update(ciphertext);
    this.#digest.update(ciphertext);
    this.#length += ciphertext.length;
    return ciphertext;
  }

  finish(): SealedSummary {
    if (!this.#mac) throw new Error('segment already finished');
    const trailer = this.#mac.digest();
    this.#mac = undefined;
    this.#digest.update(trailer);
    this.#length += trailer.length;
    return { trailer, sealedDigest: this.#digest.digest(), sealedLength: this.#length };
  }
}

export interface SegmentOpenerOptions {
  port: CryptoPort;
  agencyPrivateKey: Uint8Array;
  agencyPublicKey: Uint8Array;
  /** The container's first SEALED_HEADER_LENGTH bytes. */
  header: Uint8Array;
}

/** Decrypts a sealed segment with the agency key; finish(tag) throws unless it is authentic. */
export class SegmentOpener {
  readonly header: SealedHeader;
  #cipher: CtrStream;
  #mac: IncrementalHash;

  constructor(options: SegmentOpenerOptions) {
    const { port } = options;
    const header = decodeSealedHeader(options.header);
    const expectedId = agencyKeyId(port, options.agencyPublicKey);
    if (!bytesEqual(expectedId, header.agencyKeyId)) {
      throw new Error(`sealed to agency key ${toHex(header.agencyKeyId)}, but the key given is ${toHex(expectedId)}`);
    }
    const shared = port.p256SharedSecret(options.agencyPrivateKey, header.ephemeralPublicKey);
    const wrap = wrapKeys(port, shared, header.ephemeralPublicKey, options.agencyPublicKey);
    if (!bytesEqual(hmac(port, wrap.authentication, options.header.subarray(0, WRAP_TAG_OFFSET)), header.wrapTag)) {
      throw new Error('key envelope does not authenticate (header altered, or not sealed to this agency key)');
    }
    const contentKey = port.createAes256Ctr(wrap.encryption, ZERO_COUNTER).update(header.wrappedKey);
    const keys = segmentKeys(port, contentKey);
    this.header = header;
    this.#cipher = port.createAes256Ctr(keys.encryption, ZERO_COUNTER);
    this.#mac = port.createHmacSha256(keys.authentication);
    this.#mac.update(options.header.subarray(0, SEALED_HEADER_LENGTH));
    contentKey.fill(0);
  }

  open(ciphertext: Uint8Array): Uint8Array {
    this.#mac.update(ciphertext);
    return this.#cipher.update(ciphertext);
  }

  finish(tag: Uint8Array): void {
    if (!bytesEqual(this.#mac.digest(), tag)) throw new Error('payload tag does not match: the sealed segment was altered');
  }
}
