// A progress line per camera (bytes, rate, time left), redrawn in place on a terminal and
// printed at the start and end otherwise. Our own renderer: one line each, no dependency.
import type { OffloadProgress } from './camera-offload.js';

interface Bar { label: string; done: number; total: number; started: number; finished: boolean }

export class ProgressLines {
  #bars = new Map<string, Bar>();
  #drawn = 0;
  #lastDraw = 0;
  #out: NodeJS.WriteStream;

  constructor(out: NodeJS.WriteStream = process.stdout) {
    this.#out = out;
  }

  update(port: string, p: OffloadProgress): void {
    let bar = this.#bars.get(port);
    // Updates after the last byte (receipts, releases) belong to the finished bar.
    if (bar?.finished && p.doneBytes >= p.totalBytes && p.totalBytes === bar.total) return;
    if (!bar || bar.finished) {
      bar = { label: `${port} ${p.deviceId.slice(0, 8)} ${p.label}`, done: p.doneBytes, total: p.totalBytes, started: performance.now(), finished: false };
      this.#bars.set(port, bar);
      if (!this.#out.isTTY) this.#out.write(`${formatBar(bar)}\n`);
    }
    bar.done = p.doneBytes;
    bar.total = p.totalBytes;
    if (bar.done >= bar.total && !bar.finished) {
      bar.finished = true;
      if (!this.#out.isTTY) this.#out.write(`${formatBar(bar)}\n`);
    }
    if (this.#out.isTTY && (bar.finished || performance.now() - this.#lastDraw > 100)) this.#draw();
  }

  #draw(): void {
    this.#lastDraw = performance.now();
    const lines = [...this.#bars.values()].map(formatBar);
    this.#out.write(`${this.#drawn ? `\x1b[${this.#drawn}F` : ''}${lines.map((l) => `\x1b[2K${l}`).join('\n')}\n`);
    this.#drawn = lines.length;
  }
}

export function formatBar(bar: Bar): string {
  const fraction = bar.total ? Math.min(1, bar.done / bar.total) : 1;
  const width = 24;
  const filled = Math.round(fraction * width);
  const seconds = (performance.now() - bar.started) / 1000;
  const rate = seconds > 0 ? bar.done / seconds : 0;
  const left = rate > 0 ? (bar.total - bar.done) / rate : 0;
  const mb = (n: number) => `${(n / 1e6).toFixed(2)} MB`;
  return `${bar.label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${(fraction * 100).toFixed(0).padStart(3)}% ` +
    `${mb(bar.done)}/${mb(bar.total)} ${(rate / 1e3).toFixed(0)} kB/s ${bar.finished ? 'done' : `${left.toFixed(0)} s left`}`;
}
