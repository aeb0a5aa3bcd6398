// DockEvidence over the camera's EvidenceStore: what the dock reads is chain.log and the
// sealed files on flash, and a release is the store's (event committed, then file deleted).
// `events` must append to this same store's chain (main's ChainEventSink), so the
// dock-session and clock-set events land in the chain the dock reads. No default: its one
// caller, startDockLink, passes main's sink.
import type { EventSink } from '../policy/event-sink.js';
import type { EvidenceStore } from '../store/evidence-store.js';
import type { DockEvidence, HeldSegment } from './dock-evidence.js';

export interface StoreDockEvidenceOptions {
  store: EvidenceStore;
  /** The store's chain sink (main's ChainEventSink, which appends to this store's chain). */
  events: EventSink;
}

export class StoreDockEvidence implements DockEvidence {
  readonly events: EventSink;
  readonly #store: EvidenceStore;

  constructor(options: StoreDockEvidenceOptions) {
    this.#store = options.store;
    this.events = options.events;
  }

  chainLength(): number {
    return this.#store.chainLength;
  }

  records(): number {
    return this.#store.head.sequence;
  }

  heldSegments(fromSequence: number, limit?: number): HeldSegment[] {
    return this.#store.heldSegments(fromSequence, limit);
  }

  heldSegment(sequence: number): HeldSegment | undefined {
    return this.#store.heldSegment(sequence);
  }

  readChain(offset: number, length: number): Uint8Array {
    return this.#store.readChain(offset, length);
  }

  readSegment(sequence: number, offset: number, length: number): Uint8Array {
    return this.#store.readSegment(sequence, offset, length);
  }

  checkpoint(): void {
    this.#store.checkpoint();
  }

  release(sequence: number, receiptDigest: Uint8Array): void {
    this.#store.release(sequence, receiptDigest);
  }
}
