// Lays text out in a bitmap font as a 1-bit mask, one row of bytes per pixel row,
// most significant bit leftmost. Unifont glyphs are 8 or 16 px wide, so every glyph
// starts on a byte: drawing is copying bytes, never pixels. Scaling and colour are
// the display driver's job, done once per changed row.
import type { BitmapFont } from './bitmap-font.js';

export interface TextMask {
  /** Width in pixels (a multiple of 8). */
  readonly width: number;
  readonly height: number;
  /** Bytes per row: width / 8. */
  readonly rowBytes: number;
  readonly bits: Uint8Array;
}

export class TextRenderer {
  readonly font: BitmapFont;

  constructor(font: BitmapFont) {
    this.font = font;
  }

  get height(): number {
    return this.font.height;
  }

  /** Width of `text` in pixels at scale 1. */
  measure(text: string): number {
    let width = 0;
    for (const ch of text) width += this.font.glyph(ch.codePointAt(0)!).width;
    return width;
  }

  /** True when every character of `text` has its own glyph. */
  covers(text: string): boolean {
    for (const ch of text) if (!this.font.has(ch.codePointAt(0)!)) return false;
    return true;
  }

  /** The longest prefix of `text` (with `ellipsis` when cut) no wider than `width`. */
  fit(text: string, width: number, ellipsis = '\u2026'): string {
    if (this.measure(text) <= width) return text;
    const room = width - this.measure(ellipsis);
    let used = 0;
    let out = '';
    for (const ch of text) {
      const w = this.font.glyph(ch.codePointAt(0)!).width;
      if (used + w > room) break;
      used += w;
      out += ch;
    }
    return out.trimEnd() + ellipsis;
  }

  mask(text: string): TextMask {
    const height = this.font.height;
    const width = this.measure(text);
    const rowBytes = width >> 3;
    const bits = new Uint8Array(rowBytes * height);
    const source = this.font.bitmaps;
    let column = 0;
    for (const ch of text) {
      const glyph = this.font.glyph(ch.codePointAt(0)!);
      for (let row = 0, from = glyph.offset, to = column; row < height; row++, to += rowBytes) {
        bits[to] = source[from++]!;
        if (glyph.rowBytes === 2) bits[to + 1] = source[from++]!;
      }
      column += glyph.rowBytes;
    }
    return { width, height, rowBytes, bits };
  }
}
