// GNU Unifont's .hex format: one glyph a line, "XXXX:" then 32 hex digits
// (8x16) or 64 (16x16), rows top to bottom, most significant bit leftmost.
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';

export const DEBIAN_UNIFONT_HEX = '/usr/share/unifont/unifont.hex';
const DEBIAN_CHANGELOG = '/usr/share/doc/unifont/changelog.Debian.gz';

export interface HexGlyph {
  /** Bytes per row: 1 (8 px wide) or 2 (16 px wide). */
  rowBytes: 1 | 2;
  rows: Uint8Array;
}

export function readUnifontHex(file: string, wanted: ReadonlySet<number>): Map<number, HexGlyph> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new Error(`cannot read the Unifont glyphs ${file} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}): install Debian's unifont package (apt-get install unifont) or pass --hex`);
  }
  const glyphs = new Map<number, HexGlyph>();
  for (const line of text.split('\n')) {
    const colon = line.indexOf(':');
    if (colon < 0) continue;
    const codepoint = parseInt(line.slice(0, colon), 16);
    if (!wanted.has(codepoint)) continue;
    const hex = line.slice(colon + 1).trim();
    if (hex.length !== 32 && hex.length !== 64) throw new Error(`${file}: glyph U+${line.slice(0, colon)} has ${hex.length} hex digits; Unifont glyphs have 32 or 64`);
    glyphs.set(codepoint, { rowBytes: hex.length === 32 ? 1 : 2, rows: Uint8Array.from(Buffer.from(hex, 'hex')) });
  }
  return glyphs;
}

/** "unifont 1:15.0.01-2" from the installed Debian package, when the glyphs came from it. */
export function debianUnifontVersion(): string | undefined {
  try {
    const first = gunzipSync(readFileSync(DEBIAN_CHANGELOG)).toString('utf8').split('\n', 1)[0]!;
    const match = /^unifont \(([^)]+)\)/.exec(first);
    return match ? `unifont ${match[1]}` : undefined;
  } catch {
    return undefined;
  }
}
