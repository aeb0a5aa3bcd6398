// What the camera offers the dock: its chain.log bytes, the sealed segments it still holds,
// and the one destructive act the dock may cause, a release against a verified receipt.
// StoreDockEvidence implements it over the camera's EvidenceStore.
import type { EventSink } from '../policy/event-sink.js';
import type { HeldSegment } from '../store/held-segments.js';

export type { HeldSegment };

export interface DockEvidence {
  /** Appends chain events (dock-session, clock-set); the store's chain writer. */
  readonly events: EventSink;
  /** Byte length of chain.log, including its 8-byte magic. */
  chainLength(): number;
  /** Records in chain.log. */
  records(): number;
  /** Up to `limit` (default: all) held segments with a record sequence ≥ fromSequence, in chain order. */
  heldSegments(fromSequence: number, limit?: number): HeldSegment[];
  /** A held segment by its record's sequence, or undefined once released or never held. */
  heldSegment(sequence: number): HeldSegment | undefined;
  /** Up to `length` bytes of chain.log from `offset` (fewer only at its end). */
  readChain(offset: number, length: number): Uint8Array;
  /** Up to `length` bytes of a held sealed segment from `offset` (fewer only at its end). */
  readSegment(sequence: number, offset: number, length: number): Uint8Array;
  /** Appends a signed checkpoint over the chain so far. */
  checkpoint(): void;
  /**
   * Appends the `release` event (sequence, sealed digest, receipt digest), makes it durable,
   * and only then frees the sealed file: a power cut between the two leaves a file that a
   * release accounts for, never a missing file that nothing accounts for.
   */
  release(sequence: number, receiptDigest: Uint8Array): void;
}
