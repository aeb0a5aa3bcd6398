// Dock link framing (docs/PROTOCOL.md section 2): COBS(payload || CRC-32) 00.
// Engine-neutral, used by the dock (Node) and as the reference for the camera, which frames
// what it sends with native CRC-32 and COBS (firmware/dock/dock-frame-writer.ts) and decodes
// the dock's small requests here.

/** The largest payload before HELLO agrees more, and always for dock-to-camera frames. */
export const MAX_PAYLOAD = 4352;
/** COBS of MAX_PAYLOAD + 4 CRC bytes, with slack; longer runs between zeros are noise. */
export const MAX_ENCODED = 4400;
/** The largest payload of any frame: a DATA of LARGEST_DATA (32768) bytes and its 14-byte header, with slack. */
export const LARGEST_PAYLOAD = 33024;
/** COBS of LARGEST_PAYLOAD + 4 CRC bytes (one code byte per 254), with slack. */
export const LARGEST_ENCODED = 33200;
export const CRC_LENGTH = 4;

/** Wire bytes a payload of `length` bytes needs at most: COBS codes, CRC and the 00. */
export function encodedLength(length: number): number {
  return length + CRC_LENGTH + Math.floor((length + CRC_LENGTH) / 254) + 2;
}

/**
 * CRC-32 tables for slicing by 4 (Intel, 2006): table k (at 256 k) advances a byte through k more
 * zero bytes, so four bytes are folded in with four lookups and one loop step instead of four.
 */
function buildCrcTables(): readonly number[] {
  const t: number[] = new Array(1024).fill(0);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  for (let n = 0; n < 256; n++) {
    for (let k = 1; k < 4; k++) t[256 * k + n] = (t[t[256 * (k - 1) + n]! & 0xff]! ^ (t[256 * (k - 1) + n]! >>> 8)) >>> 0;
  }
  return Object.freeze(t);
}
// Built when the module loads: on the device xsl runs that at build time and keeps the frozen
// table in flash; a lazily filled module-level `let` would cost RAM (xsl: "no const").
const CRC_TABLES = buildCrcTables();

/** Both the camera (Xtensa) and the dock (x86, ARM) are little-endian; anything else takes the byte loop. */
const LITTLE_ENDIAN = new Uint8Array(Uint32Array.of(1).buffer)[0] === 1;

/** CRC-32 (ISO-HDLC, as zlib) of bytes[start, end), continuing from `previous` (the CRC of the bytes before; 0 for none). */
export function crc32(bytes: Uint8Array, start = 0, end = bytes.length, previous = 0): number {
  const t = CRC_TABLES;
  let c = (previous ^ 0xffffffff) >>> 0;
  let i = start;
  // Up to a 4-byte boundary one byte at a time, then whole words read through a Uint32Array
  // view (one load instead of four loads and three shifts), then the tail.
  if (LITTLE_ENDIAN) {
    for (; i < end && (bytes.byteOffset + i) & 3; i++) c = t[(c ^ bytes[i]!) & 0xff]! ^ (c >>> 8);
    const words = (end - i) >>> 2;
    if (words > 0) {
      const view = new Uint32Array(bytes.buffer, bytes.byteOffset + i, words);
      for (let w = 0; w < words; w++) {
        c ^= view[w]!;
        c = t[768 + (c & 0xff)]! ^ t[512 + ((c >>> 8) & 0xff)]! ^ t[256 + ((c >>> 16) & 0xff)]! ^ t[c >>> 24]!;
      }
      i += words * 4;
    }
  }
  for (; i < end; i++) c = t[(c ^ bytes[i]!) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** Encodes one payload into wire bytes: COBS(payload || crc) followed by the 00 delimiter. */
export function encodeDockFrame(payload: Uint8Array): Uint8Array {
  if (payload.length === 0 || payload.length > LARGEST_PAYLOAD) throw new Error(`dock frame payload must be 1-${LARGEST_PAYLOAD} bytes, got ${payload.length}`);
  const crc = crc32(payload);
  const raw = new Uint8Array(payload.length + CRC_LENGTH);
  raw.set(payload, 0);
  const at = payload.length;
  raw[at] = crc >>> 24;
  raw[at + 1] = (crc >>> 16) & 0xff;
  raw[at + 2] = (crc >>> 8) & 0xff;
  raw[at + 3] = crc & 0xff;
  return cobsEncode(raw, true);
}

/** COBS: each zero becomes the distance to the next zero; runs of 254 non-zeros get a code FF. */
export function cobsEncode(raw: Uint8Array, delimit = false): Uint8Array {
  const out = new Uint8Array(raw.length + Math.ceil((raw.length + 1) / 254) + 1 + (delimit ? 1 : 0));
  let o = 0;
  let i = 0;
  for (;;) {
    let zero = raw.indexOf(0, i);
    if (zero < 0) zero = raw.length;
    // Split a long run into blocks of 254 data bytes (code FF: no zero follows).
    while (zero - i >= 254) {
      out[o++] = 0xff;
      out.set(raw.subarray(i, i + 254), o);
      o += 254;
      i += 254;
    }
    out[o++] = zero - i + 1;
    out.set(raw.subarray(i, zero), o);
    o += zero - i;
    if (zero >= raw.length) break;
    i = zero + 1;
  }
  if (delimit) out[o++] = 0;
  return out.subarray(0, o);
}

/** Reverses cobsEncode; undefined when the bytes are not a valid COBS block. */
export function cobsDecode(encoded: Uint8Array): Uint8Array | undefined {
  const out = new Uint8Array(encoded.length);
  let o = 0;
  let i = 0;
  while (i < encoded.length) {
    const code = encoded[i]!;
    const end = i + code;
    if (code === 0 || end > encoded.length) return undefined;
    out.set(encoded.subarray(i + 1, end), o);
    o += code - 1;
    i = end;
    if (code !== 0xff && i < encoded.length) out[o++] = 0;
  }
  return out.subarray(0, o);
}

/** Decodes one frame (without its 00); undefined if it is not COBS, too short, too long, or fails its CRC. */
export function decodeDockFrame(encoded: Uint8Array, maxEncoded = MAX_ENCODED): Uint8Array | undefined {
  if (encoded.length > maxEncoded) return undefined;
  const raw = cobsDecode(encoded);
  if (!raw || raw.length < CRC_LENGTH + 1) return undefined;
  const at = raw.length - CRC_LENGTH;
  const crc = ((raw[at]! << 24) | (raw[at + 1]! << 16) | (raw[at + 2]! << 8) | raw[at + 3]!) >>> 0;
  if (crc32(raw, 0, at) !== crc) return undefined;
  return raw.subarray(0, at);
}

/**
 * Splits a byte stream into frames and hands each good payload on. Bytes of a frame that
 * grows past `maxEncoded` (MAX_ENCODED: the camera's, which takes only requests; the dock's
 * is LARGEST_ENCODED) are skipped until the next delimiter, so noise cannot exhaust memory.
 */
export class DockFrameReader {
  /** Frames discarded: bad COBS, bad CRC, too long. */
  discarded = 0;
  readonly #maxEncoded: number;
  #buffer: Uint8Array;
  #length = 0;
  #overflow = false;
  #onPayload: (payload: Uint8Array) => void;

  constructor(onPayload: (payload: Uint8Array) => void, maxEncoded = MAX_ENCODED) {
    this.#onPayload = onPayload;
    this.#maxEncoded = maxEncoded;
    this.#buffer = new Uint8Array(maxEncoded);
  }

  push(bytes: Uint8Array): void {
    let i = 0;
    while (i < bytes.length) {
      const zero = bytes.indexOf(0, i);
      const end = zero < 0 ? bytes.length : zero;
      const n = end - i;
      if (!this.#overflow) {
        if (this.#length + n > this.#maxEncoded) {
          this.#overflow = true;
        } else {
          this.#buffer.set(bytes.subarray(i, end), this.#length);
          this.#length += n;
        }
      }
      if (zero < 0) return;
      this.#finish();
      i = zero + 1;
    }
  }

  #finish(): void {
    const length = this.#length;
    const overflow = this.#overflow;
    this.#length = 0;
    this.#overflow = false;
    if (overflow) {
      this.discarded++;
      return;
    }
    if (length === 0) return;
    const payload = decodeDockFrame(this.#buffer.subarray(0, length), this.#maxEncoded);
    if (!payload) {
      this.discarded++;
      return;
    }
    // Copy out: the buffer is reused for the next frame.
    this.#onPayload(payload.slice());
  }
}
