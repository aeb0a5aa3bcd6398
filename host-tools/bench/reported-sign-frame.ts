// A sign frame for a camera on the bench port: the screen the camera reports drawing,
// rendered from the firmware's own layout (sign-render.ts) with a caption saying so,
// because nobody photographed the glass.
import type { SignScreen } from '../../firmware/notice/sign-layout.js';
import { expectedPixels } from '../sim/sign-render.js';
import { FONT_HEIGHT, Raster, type Rgb } from './raster.js';

const CAPTION = ['as the camera reports', 'drawing it; not a photo'];

function rgb(pixel: number, monochrome: boolean): Rgb {
  if (monochrome) return pixel ? [255, 255, 255] : [0, 0, 0];
  return [Math.round(((pixel >> 11) & 31) * 255 / 31), Math.round(((pixel >> 5) & 63) * 255 / 63), Math.round((pixel & 31) * 255 / 31)];
}

/** A small monochrome panel is drawn at 2x, as the simulated panel's own pictures are. */
export function reportedSignFrame(screen: SignScreen, size: { width: number; height: number; monochrome: boolean }): Buffer {
  const pixels = expectedPixels(screen, size);
  const zoom = size.width < 200 ? 2 : 1;
  const width = Math.max(size.width * zoom, 200);
  const height = size.height * zoom;
  const raster = new Raster(width, height + CAPTION.length * FONT_HEIGHT + 4, [90, 90, 90]);
  for (let i = 0; i < pixels.length; i++) {
    raster.rect((i % size.width) * zoom, Math.floor(i / size.width) * zoom, zoom, zoom, rgb(pixels[i]!, size.monochrome));
  }
  CAPTION.forEach((line, k) => raster.text(2, height + 2 + k * FONT_HEIGHT, line, [255, 255, 255]));
  return raster.png();
}
