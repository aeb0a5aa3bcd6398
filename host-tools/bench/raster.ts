// An RGBA canvas with just what report pictures need: rectangles and text in the
// sign's own bitmap font (so Korean labels render the way the camera draws them).
import { BitmapFont } from '../../drivers/bitmap-font.js';
import { SIGN_FONT } from '../../drivers/sign-font.js';
import { TextRenderer } from '../../drivers/text-renderer.js';
import { encodePng } from '../sim/png.js';

export type Rgb = readonly [number, number, number];

const renderer = new TextRenderer(new BitmapFont(SIGN_FONT));

export class Raster {
  readonly width: number;
  readonly height: number;
  readonly pixels: Uint8Array;

  constructor(width: number, height: number, background: Rgb = [255, 255, 255]) {
    this.width = width;
    this.height = height;
    this.pixels = new Uint8Array(width * height * 4);
    this.rect(0, 0, width, height, background);
  }

  rect(x: number, y: number, width: number, height: number, color: Rgb): void {
    const x0 = Math.max(0, Math.floor(x)), y0 = Math.max(0, Math.floor(y));
    const x1 = Math.min(this.width, Math.ceil(x + width)), y1 = Math.min(this.height, Math.ceil(y + height));
    for (let py = y0; py < y1; py++) {
      for (let px = x0; px < x1; px++) {
        const i = (py * this.width + px) * 4;
        this.pixels[i] = color[0];
        this.pixels[i + 1] = color[1];
        this.pixels[i + 2] = color[2];
        this.pixels[i + 3] = 255;
      }
    }
  }

  /** Draws text with its top-left corner at (x, y); characters the font lacks show as boxes. */
  text(x: number, y: number, text: string, color: Rgb = [0, 0, 0]): number {
    const shown = [...text].map((ch) => (renderer.covers(ch) ? ch : '?')).join('');
    const mask = renderer.mask(shown);
    for (let my = 0; my < mask.height; my++) {
      for (let mx = 0; mx < mask.width; mx++) {
        if ((mask.bits[my * mask.rowBytes + (mx >> 3)]! >> (7 - (mx & 7))) & 1) this.rect(x + mx, y + my, 1, 1, color);
      }
    }
    return mask.width;
  }

  /** Width in pixels that text() would draw. */
  textWidth(text: string): number {
    return renderer.mask([...text].map((ch) => (renderer.covers(ch) ? ch : '?')).join('')).width;
  }

  png(): Buffer {
    return encodePng(this.width, this.height, this.pixels);
  }
}

export const FONT_HEIGHT = renderer.height;
