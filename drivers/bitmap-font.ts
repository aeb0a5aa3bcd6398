// A fixed-height bitmap font (drivers/sign-font.ts) ready to draw: glyphs by
// character, decoded once. Preloaded on the device, so the decoding happens when
// the firmware image is built and the bitmaps live in flash.
import type { SignFontData } from './sign-font.js';

const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

export interface Glyph {
  /** Width in pixels: 8 or 16. */
  readonly width: number;
  /** Bytes per row (width / 8). */
  readonly rowBytes: number;
  /** Offset of the glyph's first row in `BitmapFont.bitmaps`. */
  readonly offset: number;
}

function decodeBase64(text: string): Uint8Array {
  const values = new Uint8Array(128);
  for (let i = 0; i < 64; i++) values[BASE64.charCodeAt(i)] = i;
  const length = text.replace(/=+$/, '').length;
  const out = new Uint8Array(Math.floor((length * 3) / 4));
  let bits = 0;
  let count = 0;
  let o = 0;
  for (let i = 0; i < length; i++) {
    bits = (bits << 6) | values[text.charCodeAt(i)]!;
    count += 6;
    if (count >= 8) {
      count -= 8;
      out[o++] = (bits >> count) & 0xff;
    }
  }
  return out;
}

export class BitmapFont {
  readonly name: string;
  readonly height: number;
  readonly bitmaps: Uint8Array;
  readonly #glyphs = new Map<number, Glyph>();
  readonly #fallback: Glyph;

  constructor(data: SignFontData, fallback = '\uFFFD') {
    this.name = data.name;
    this.height = data.height;
    this.bitmaps = decodeBase64(data.bitmaps);
    let index = 0;
    let offset = 0;
    // for...of walks the string once; indexing a non-ASCII string in XS is not O(1).
    for (const ch of data.characters) {
      const rowBytes = data.widths.charCodeAt(index++) - 48;
      this.#glyphs.set(ch.codePointAt(0)!, Object.freeze({ width: rowBytes * 8, rowBytes, offset }));
      offset += rowBytes * data.height;
    }
    if (offset !== this.bitmaps.length) throw new Error(`font ${data.name}: ${this.bitmaps.length} bitmap bytes for glyphs that need ${offset}`);
    const missing = this.#glyphs.get(fallback.codePointAt(0)!);
    if (!missing) throw new Error(`font ${data.name} has no fallback glyph U+${fallback.codePointAt(0)!.toString(16)}`);
    this.#fallback = missing;
  }

  has(codepoint: number): boolean {
    return this.#glyphs.has(codepoint);
  }

  /** The glyph for a code point, or the fallback glyph (U+FFFD) when the font lacks it. */
  glyph(codepoint: number): Glyph {
    return this.#glyphs.get(codepoint) ?? this.#fallback;
  }
}
