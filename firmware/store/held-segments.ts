// The sealed segments the camera still holds: every segment record in chain.log that no
// `release` event has freed yet. Built by the boot scan from the chain itself (the chain is
// the only record of what was released), then kept as segments are sealed and released.
// A Map keeps insertion order, and segments are added in chain order.

/** A sealed segment the camera still holds, as its segment record describes it. */
export interface HeldSegment {
  /** Sequence of the segment record in the chain. */
  sequence: number;
  recording: number;
  segmentIndex: number;
  sealedLength: number;
  sealedDigest: Uint8Array;
}

export class HeldSegments {
  #bySequence = new Map<number, HeldSegment>();

  get size(): number {
    return this.#bySequence.size;
  }

  add(segment: HeldSegment): void {
    this.#bySequence.set(segment.sequence, segment);
  }

  get(sequence: number): HeldSegment | undefined {
    return this.#bySequence.get(sequence);
  }

  /** Forgets a segment; returns it, or undefined if it was not held. */
  remove(sequence: number): HeldSegment | undefined {
    const segment = this.#bySequence.get(sequence);
    this.#bySequence.delete(sequence);
    return segment;
  }

  /** Segments with a record sequence ≥ fromSequence, in chain order. */
  from(fromSequence: number): HeldSegment[] {
    const out: HeldSegment[] = [];
    for (const segment of this.#bySequence.values()) if (segment.sequence >= fromSequence) out.push(segment);
    return out;
  }
}
