// Events to the debug trace, one JSON line each ("event {...}"): what the camera
// records before an evidence chain is attached to it, and what the bench reads.
import type { EventSink, RecorderEvent } from './event-sink.js';

function printable(value: unknown): unknown {
  if (value instanceof Uint8Array) return Array.from(value, (b) => b.toString(16).padStart(2, '0')).join('');
  return value;
}

export class TraceEventSink implements EventSink {
  readonly #ticks: () => number;

  constructor(ticks: () => number) {
    this.#ticks = ticks;
  }

  record(event: RecorderEvent): void {
    const fields: Record<string, unknown> = { t: this.#ticks() };
    for (const [key, value] of Object.entries(event)) fields[key] = printable(value);
    trace(`event ${JSON.stringify(fields)}\n`);
  }
}
