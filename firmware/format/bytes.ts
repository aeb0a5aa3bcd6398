// Byte plumbing for the evidence format. Engine-neutral: runs unchanged in XS on the
// camera and in Node, so it uses only Uint8Array/DataView (no TextEncoder, no Buffer).
// Every multi-byte integer in chaincam formats is big-endian.

export function concatBytes(...parts: Uint8Array[]): Uint8Array {
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

/** Compares without an early exit, so a MAC check does not leak where it differs. */
export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}

const HEX = '0123456789abcdef';

export function toHex(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i++) s += HEX[bytes[i]! >> 4]! + HEX[bytes[i]! & 15]!;
  return s;
}

export function fromHex(hex: string): Uint8Array {
  if (hex.length % 2 !== 0) throw new Error(`not a hex string (odd length): "${hex.slice(0, 20)}"`);
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) {
    const high = HEX.indexOf(hex[2 * i]!.toLowerCase());
    const low = HEX.indexOf(hex[2 * i + 1]!.toLowerCase());
    if (high < 0 || low < 0) throw new Error(`not a hex string: "${hex.slice(0, 20)}"`);
    out[i] = (high << 4) | low;
  }
  return out;
}

/** Strict UTF-8: the format stores short texts (reasons, versions); no TextEncoder on XS. */
export function encodeUtf8(text: string): Uint8Array {
  const out: number[] = [];
  for (let i = 0; i < text.length; i++) {
    let c = text.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
      const low = text.charCodeAt(i + 1);
      if (low >= 0xdc00 && low <= 0xdfff) {
        c = 0x10000 + ((c - 0xd800) << 10) + (low - 0xdc00);
        i++;
      }
    }
    if (c >= 0xd800 && c <= 0xdfff) throw new Error('text contains an unpaired surrogate');
    if (c < 0x80) out.push(c);
    else if (c < 0x800) out.push(0xc0 | (c >> 6), 0x80 | (c & 63));
    else if (c < 0x10000) out.push(0xe0 | (c >> 12), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
    else out.push(0xf0 | (c >> 18), 0x80 | ((c >> 12) & 63), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
  }
  return Uint8Array.from(out);
}

/** Rejects overlong forms, surrogates and truncation, so each text has exactly one encoding. */
export function decodeUtf8(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; ) {
    const b = bytes[i]!;
    let c: number;
    let n: number;
    let min: number;
    if (b < 0x80) { c = b; n = 0; min = 0; }
    else if ((b & 0xe0) === 0xc0) { c = b & 31; n = 1; min = 0x80; }
    else if ((b & 0xf0) === 0xe0) { c = b & 15; n = 2; min = 0x800; }
    else if ((b & 0xf8) === 0xf0) { c = b & 7; n = 3; min = 0x10000; }
    else throw new Error('invalid UTF-8');
    for (let k = 1; k <= n; k++) {
      const cont = bytes[i + k];
      if (cont === undefined || (cont & 0xc0) !== 0x80) throw new Error('invalid UTF-8');
      c = (c << 6) | (cont & 63);
    }
    if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff)) throw new Error('invalid UTF-8');
    s += String.fromCodePoint(c);
    i += n + 1;
  }
  return s;
}

/** Appends fixed-width big-endian fields; the record codecs are built from it. */
export class ByteWriter {
  #chunks: number[] = [];

  u8(value: number): this {
    checkUint(value, 0xff, 'u8');
    this.#chunks.push(value);
    return this;
  }

  u16(value: number): this {
    checkUint(value, 0xffff, 'u16');
    this.#chunks.push(value >>> 8, value & 0xff);
    return this;
  }

  u32(value: number): this {
    checkUint(value, 0xffffffff, 'u32');
    this.#chunks.push(value >>> 24, (value >>> 16) & 0xff, (value >>> 8) & 0xff, value & 0xff);
    return this;
  }

  /** Milliseconds and lengths fit in 2^53; split into two u32 so XS needs no BigInt here. */
  u64(value: number): this {
    checkUint(value, Number.MAX_SAFE_INTEGER, 'u64');
    const high = Math.floor(value / 0x100000000);
    return this.u32(high).u32(value - high * 0x100000000);
  }

  bytes(value: Uint8Array, length?: number): this {
    if (length !== undefined && value.length !== length) {
      throw new Error(`field must be ${length} bytes, got ${value.length}`);
    }
    for (let i = 0; i < value.length; i++) this.#chunks.push(value[i]!);
    return this;
  }

  /** Text: u8 byte length, then UTF-8; at most 255 bytes. */
  text(value: string): this {
    const utf8 = encodeUtf8(value);
    if (utf8.length > 255) throw new Error(`text longer than 255 UTF-8 bytes: "${value.slice(0, 40)}..."`);
    return this.u8(utf8.length).bytes(utf8);
  }

  finish(): Uint8Array {
    return Uint8Array.from(this.#chunks);
  }
}

function checkUint(value: number, max: number, what: string): void {
  if (!Number.isInteger(value) || value < 0 || value > max) throw new Error(`${what} out of range: ${value}`);
}

/** Reads fixed-width fields and refuses to read past the end. */
export class ByteReader {
  readonly bytes: Uint8Array;
  offset = 0;
  #view: DataView;

  constructor(bytes: Uint8Array) {
    this.bytes = bytes;
    this.#view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  get remaining(): number {
    return this.bytes.length - this.offset;
  }

  #need(n: number, what: string): void {
    if (this.remaining < n) throw new Error(`truncated: ${what} needs ${n} bytes at offset ${this.offset}, ${this.remaining} left`);
  }

  u8(what = 'u8'): number {
    this.#need(1, what);
    return this.#view.getUint8(this.offset++);
  }

  u16(what = 'u16'): number {
    this.#need(2, what);
    const v = this.#view.getUint16(this.offset);
    this.offset += 2;
    return v;
  }

  u32(what = 'u32'): number {
    this.#need(4, what);
    const v = this.#view.getUint32(this.offset);
    this.offset += 4;
    return v;
  }

  u64(what = 'u64'): number {
    this.#need(8, what);
    const high = this.#view.getUint32(this.offset);
    const low = this.#view.getUint32(this.offset + 4);
    if (high > 0x1fffff) throw new Error(`${what} exceeds 2^53 at offset ${this.offset}`);
    this.offset += 8;
    return high * 0x100000000 + low;
  }

  take(n: number, what = 'bytes'): Uint8Array {
    this.#need(n, what);
    const out = this.bytes.slice(this.offset, this.offset + n);
    this.offset += n;
    return out;
  }

  text(what = 'text'): string {
    const n = this.u8(`${what} length`);
    return decodeUtf8(this.take(n, what));
  }

  expectEnd(what: string): void {
    if (this.remaining !== 0) throw new Error(`${what} has ${this.remaining} unexpected trailing bytes`);
  }
}

/** ASCII labels used for domain separation; the format keeps them 7-bit. */
export function asciiBytes(text: string): Uint8Array {
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i) & 0x7f;
  return out;
}
