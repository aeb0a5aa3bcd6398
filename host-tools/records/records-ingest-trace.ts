// Where a records server's ingest time goes (CHAINCAM_INGEST_TRACE=1 on `chaincam records serve`):
// the wall time of each stage of a forwarded segment, summed over segments, and the event loop's
// delay, printed to stderr every `every` segments. Only for measuring (bench/records-ingest.ts);
// off, it costs one branch per stage.
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';

export class IngestTrace {
  readonly #totals = new Map<string, { ms: number; n: number }>();
  readonly #loop: IntervalHistogram;
  #segments = 0;

  constructor(readonly every = 100, readonly write: (line: string) => void = (line) => process.stderr.write(`${line}\n`)) {
    this.#loop = monitorEventLoopDelay({ resolution: 10 });
    this.#loop.enable();
  }

  static #shared?: IngestTrace;

  /** The process's trace when the environment asks for one (the server and its database share it), else undefined. */
  static fromEnvironment(): IngestTrace | undefined {
    if (process.env.CHAINCAM_INGEST_TRACE !== '1') return undefined;
    return (IngestTrace.#shared ??= new IngestTrace());
  }

  async time<T>(stage: string, run: () => Promise<T> | T): Promise<T> {
    const start = performance.now();
    try {
      return await run();
    } finally {
      const total = this.#totals.get(stage) ?? { ms: 0, n: 0 };
      total.ms += performance.now() - start;
      total.n++;
      this.#totals.set(stage, total);
    }
  }

  segmentDone(): void {
    if (++this.#segments % this.every) return;
    const stages = [...this.#totals].map(([stage, t]) => `${stage} ${(t.ms / t.n).toFixed(1)} ms x${t.n}`).join(', ');
    const ms = (ns: number) => (ns / 1e6).toFixed(0);
    this.write(`ingest trace after ${this.#segments} segments: mean per segment: ${stages}; event loop delay p50 ${ms(this.#loop.percentile(50))} ms, p99 ${ms(this.#loop.percentile(99))} ms, max ${ms(this.#loop.max)} ms`);
  }
}
