// Maps a generated JavaScript line back to its TypeScript line, so a firmware
// fault names the line a developer wrote. Only line numbers: that is all XS prints.

const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

function decodeVlq(segment: string): number[] {
  const values: number[] = [];
  let value = 0;
  let shift = 0;
  for (const char of segment) {
    const digit = BASE64.indexOf(char);
    if (digit < 0) throw new Error(`bad source map character "${char}"`);
    value += (digit & 31) << shift;
    if (digit & 32) {
      shift += 5;
    } else {
      values.push(value & 1 ? -(value >>> 1) : value >>> 1);
      value = 0;
      shift = 0;
    }
  }
  return values;
}

/** For each generated line (0-based), the original line (0-based) of its first mapping. */
export function originalLines(mappings: string): (number | undefined)[] {
  const lines: (number | undefined)[] = [];
  let sourceLine = 0;
  for (const generated of mappings.split(';')) {
    let first: number | undefined;
    for (const segment of generated.split(',')) {
      if (!segment) continue;
      const fields = decodeVlq(segment);
      if (fields.length >= 4) {
        sourceLine += fields[2]!;
        first ??= sourceLine;
      }
    }
    lines.push(first);
  }
  return lines;
}
