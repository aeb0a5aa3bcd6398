// Test helpers over host-tools/sim/sign-render.ts, plus where tests keep their PNGs.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { projectRoot } from '../../host-tools/sim/project-root.js';

export { expectedLit, expectedPixels, firstDifference, renderer } from '../../host-tools/sim/sign-render.js';

export const SIGNAGE_PNG_DIR = path.join(projectRoot, 'out/signage');

export function savePng(name: string, png: Buffer): string {
  mkdirSync(SIGNAGE_PNG_DIR, { recursive: true });
  const file = path.join(SIGNAGE_PNG_DIR, `${name}.png`);
  writeFileSync(file, png);
  return file;
}
