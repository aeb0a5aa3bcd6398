// What a sign should look like, computed in Node from the same font module and
// layout the firmware uses, to compare with what the simulated panel decoded
// from the driver's bus traffic (the tests and `chaincam bench` both check it).
import { BitmapFont } from '../../drivers/bitmap-font.js';
import { SIGN_FONT } from '../../drivers/sign-font.js';
import { TextRenderer } from '../../drivers/text-renderer.js';
import { layoutSign, type SignScreen, type SignSize } from '../../firmware/notice/sign-layout.js';

export const renderer = new TextRenderer(new BitmapFont(SIGN_FONT));

/** The screen as RGB565 pixels, row-major. */
export function expectedPixels(screen: SignScreen, size: SignSize): Uint16Array {
  const out = new Uint16Array(size.width * size.height);
  for (const op of layoutSign(screen, size, renderer).ops) {
    if (op.op === 'fill') {
      for (let y = op.y; y < op.y + op.height; y++) out.fill(op.color, y * size.width + op.x, y * size.width + op.x + op.width);
      continue;
    }
    const mask = renderer.mask(op.text);
    for (let y = 0; y < mask.height * op.scale; y++) {
      for (let x = 0; x < mask.width * op.scale; x++) {
        const sx = Math.floor(x / op.scale), sy = Math.floor(y / op.scale);
        const set = (mask.bits[sy * mask.rowBytes + (sx >> 3)]! >> (7 - (sx & 7))) & 1;
        out[(op.y + y) * size.width + op.x + x] = set ? op.fg : op.bg;
      }
    }
  }
  return out;
}

/** The screen as a monochrome panel lights it: 1 for every colour but black. */
export function expectedLit(screen: SignScreen, size: SignSize): Uint8Array {
  return Uint8Array.from(expectedPixels(screen, size), (p) => (p ? 1 : 0));
}

/** The first differing pixel, as "(x, y): got A, want B", or undefined when equal. */
export function firstDifference(got: ArrayLike<number>, want: ArrayLike<number>, width: number): string | undefined {
  for (let i = 0; i < want.length; i++) {
    if (got[i] !== want[i]) return `(${i % width}, ${Math.floor(i / width)}): got 0x${got[i]!.toString(16)}, want 0x${want[i]!.toString(16)}`;
  }
  return undefined;
}

