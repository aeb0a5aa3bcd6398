// The simulated camera's picture: colour bars, a bar that sweeps once a second, and the
// virtual time and frame number in large digits, so a frame in an exported AVI says when
// the board captured it. RGBA pixels, for the JPEG encoder.

// 3x5 digits and ':', '.', '#', ' ' as rows of 3 bits.
const GLYPHS: Record<string, number[]> = {
  '0': [7, 5, 5, 5, 7], '1': [2, 6, 2, 2, 7], '2': [7, 1, 7, 4, 7], '3': [7, 1, 7, 1, 7], '4': [5, 5, 7, 1, 1],
  '5': [7, 4, 7, 1, 7], '6': [7, 4, 7, 5, 7], '7': [7, 1, 1, 1, 1], '8': [7, 5, 7, 5, 7], '9': [7, 5, 7, 1, 7],
  ':': [0, 2, 0, 2, 0], '.': [0, 0, 0, 0, 2], '#': [5, 7, 5, 7, 5], ' ': [0, 0, 0, 0, 0],
};
const BARS = [[235, 235, 235], [235, 235, 16], [16, 235, 235], [16, 235, 16], [235, 16, 235], [235, 16, 16], [16, 16, 235], [16, 16, 16]];

export function clockText(ms: number, frame: number): string {
  const pad = (n: number, w: number) => String(n).padStart(w, '0');
  const h = Math.floor(ms / 3_600_000);
  const m = Math.floor(ms / 60_000) % 60;
  const s = Math.floor(ms / 1000) % 60;
  return `${pad(h, 2)}:${pad(m, 2)}:${pad(s, 2)}.${pad(ms % 1000, 3)} #${frame}`;
}

export function drawTestPattern(width: number, height: number, ms: number, frame: number): Uint8Array {
  const rgba = new Uint8Array(width * height * 4);
  const barWidth = Math.ceil(width / BARS.length);
  const sweep = Math.floor(((ms % 1000) / 1000) * width);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 4;
      const bar = BARS[Math.min(BARS.length - 1, Math.floor(x / barWidth))]!;
      const lit = Math.abs(x - sweep) < 4;
      rgba[i] = lit ? 255 : bar[0]!;
      rgba[i + 1] = lit ? 255 : bar[1]!;
      rgba[i + 2] = lit ? 255 : bar[2]!;
      rgba[i + 3] = 255;
    }
  }
  const text = clockText(ms, frame);
  const scale = Math.max(2, Math.floor(width / (text.length * 4 + 2)));
  const top = Math.floor(height / 2 - (5 * scale) / 2);
  const left = Math.floor((width - text.length * 4 * scale) / 2);
  // A black band behind the text keeps it readable over any bar.
  for (let y = top - scale; y < top + 6 * scale && y < height; y++) {
    for (let x = 0; x < width; x++) rgba.fill(0, (y * width + x) * 4, (y * width + x) * 4 + 3);
  }
  [...text].forEach((char, k) => {
    const rows = GLYPHS[char] ?? GLYPHS[' ']!;
    for (let row = 0; row < 5; row++) {
      for (let col = 0; col < 3; col++) {
        if (!((rows[row]! >> (2 - col)) & 1)) continue;
        for (let dy = 0; dy < scale; dy++) {
          const y = top + row * scale + dy;
          const x0 = left + (k * 4 + col) * scale;
          if (y >= 0 && y < height) rgba.fill(255, (y * width + x0) * 4, (y * width + x0 + scale) * 4);
        }
      }
    }
  });
  return rgba;
}
