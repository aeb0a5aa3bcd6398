// A sign frame for a camera on the bench port: the screen the camera reports drawing,
// rendered from the firmware's own layout (sign-render.ts) with a caption saying so,
// because nobody photographed the glass.
import type { SignScreen } from '../../firmware/notice/sign-layout.js';
import { expectedPixels } from '../sim/sign-render.js';
import { FONT_HEIGHT, Raster } from './raster.js';

const CAPTION = ['as the camera reports', 'drawing it; not a photo'];

export function reportedSignFrame(screen: SignScreen, size: { width: number; height: number; monochrome: boolean }): Buffer {
  const pixels = expectedPixels(screen, size);
  const width = Math.max(size.width, 200);
  const raster = new Raster(width, size.height + CAPTION.length * FONT_HEIGHT + 4, [90, 90, 90]);
  for (let i = 0; i < pixels.length; i++) {
    const p = pixels[i]!;
    const o = ((Math.floor(i / size.width)) * width + (i % size.width)) * 4;
    const rgb = size.monochrome ? (p ? [255, 255, 255] : [0, 0, 0]) : [((p >> 11) & 31) * 255 / 31, ((p >> 5) & 63) * 255 / 63, (p & 31) * 255 / 31];
    raster.pixels.set([Math.round(rgb[0]!), Math.round(rgb[1]!), Math.round(rgb[2]!), 255], o);
  }
  CAPTION.forEach((line, k) => raster.text(2, size.height + 2 + k * FONT_HEIGHT, line, [255, 255, 255]));
  return raster.png();
}
