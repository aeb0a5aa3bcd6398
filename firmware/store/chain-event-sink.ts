// The recorder's EventSink on the camera: every event becomes a chain record, and the
// chain is signed (checkpoint) when a recording stops. Optionally also passes events on
// (to the trace, for the bench and tests).
import type { EventSink, RecorderEvent } from '../policy/event-sink.js';
import type { EvidenceStore } from './evidence-store.js';

export class ChainEventSink implements EventSink {
  readonly #store: EvidenceStore;
  readonly #also: EventSink | undefined;

  constructor(store: EvidenceStore, also?: EventSink) {
    this.#store = store;
    this.#also = also;
  }

  record(event: RecorderEvent): void {
    this.#also?.record(event);
    this.#store.appendEvent(event);
    if (event.type === 'recording-stop') this.#store.checkpoint();
  }
}
