// The sealed segments the camera still holds: every segment record in chain.log that no
// `release` event has freed yet. Built by the boot scan from the chain itself (the chain is
// the only record of what was released), then kept as segments are sealed and released.
// A 12-hour shift on a card holds thousands of segments, so they live in typed-array columns
// (48 bytes of chunk memory each, no XS slots): an object per segment ran a board out of its
// 32,768 slots after about five hours of 10 s segments. Objects are made only when asked for.
// Segments are added in chain order, so the sequence column is sorted; a release marks its row
// and rows are compacted once half of them are released.

/** A sealed segment the camera still holds, as its segment record describes it. */
export interface HeldSegment {
  /** Sequence of the segment record in the chain. */
  sequence: number;
  recording: number;
  segmentIndex: number;
  sealedLength: number;
  sealedDigest: Uint8Array;
}

const DIGEST = 32;
/** Column for released rows' sequence: never a real one (sequences fit in u32 below it). */
const RELEASED = 0xffffffff;
const GROWTH_ROWS = 1024;

export class HeldSegments {
  #sequence = new Uint32Array(64);
  #recording = new Uint32Array(64);
  #segmentIndex = new Uint32Array(64);
  #sealedLength = new Uint32Array(64);
  #digest = new Uint8Array(64 * DIGEST);
  /** Rows in use (held or released-but-not-compacted), and the held ones among them. */
  #rows = 0;
  #held = 0;

  get size(): number {
    return this.#held;
  }

  add(segment: HeldSegment): void {
    if (this.#rows && segment.sequence <= this.#lastSequence()) throw new Error(`held segments are added in chain order: #${segment.sequence} after #${this.#lastSequence()}`);
    if (this.#rows === this.#sequence.length) this.#grow();
    const row = this.#rows++;
    this.#sequence[row] = segment.sequence;
    this.#recording[row] = segment.recording;
    this.#segmentIndex[row] = segment.segmentIndex;
    this.#sealedLength[row] = segment.sealedLength;
    this.#digest.set(segment.sealedDigest.subarray(0, DIGEST), row * DIGEST);
    this.#held++;
  }

  get(sequence: number): HeldSegment | undefined {
    const row = this.#find(sequence);
    return row < 0 ? undefined : this.#segment(row);
  }

  /** Forgets a segment; returns it, or undefined if it was not held. */
  remove(sequence: number): HeldSegment | undefined {
    const row = this.#find(sequence);
    if (row < 0) return undefined;
    const segment = this.#segment(row);
    this.#sequence[row] = RELEASED;
    this.#held--;
    if (this.#held * 2 < this.#rows) this.#compact();
    return segment;
  }

  /** Segments with a record sequence ≥ fromSequence, in chain order. */
  from(fromSequence: number): HeldSegment[] {
    const out: HeldSegment[] = [];
    for (let row = this.#lowerBound(fromSequence); row < this.#rows; row++) {
      if (this.#sequence[row] !== RELEASED) out.push(this.#segment(row));
    }
    return out;
  }

  #segment(row: number): HeldSegment {
    return {
      sequence: this.#sequence[row]!, recording: this.#recording[row]!, segmentIndex: this.#segmentIndex[row]!,
      sealedLength: this.#sealedLength[row]!, sealedDigest: this.#digest.slice(row * DIGEST, (row + 1) * DIGEST),
    };
  }

  #lastSequence(): number {
    for (let row = this.#rows - 1; row >= 0; row--) if (this.#sequence[row] !== RELEASED) return this.#sequence[row]!;
    return -1;
  }

  /** The row of a held sequence, or -1. Released rows keep their place, so search around them. */
  #find(sequence: number): number {
    for (let row = this.#lowerBound(sequence); row < this.#rows; row++) {
      const value = this.#sequence[row]!;
      if (value === sequence) return row;
      if (value !== RELEASED) return -1;
    }
    return -1;
  }

  /** The first row whose (held) sequence is ≥ `sequence`, skipping released rows by looking past them. */
  #lowerBound(sequence: number): number {
    let low = 0;
    let high = this.#rows;
    while (low < high) {
      const middle = (low + high) >>> 1;
      let probe = middle;
      while (probe < high && this.#sequence[probe] === RELEASED) probe++;
      if (probe === high) high = middle;
      else if (this.#sequence[probe]! < sequence) low = probe + 1;
      else high = middle;
    }
    return low;
  }

  /** Grows by 1,024 rows (48 KiB) at a time, not by doubling: no half-empty megabyte on a long shift. */
  #grow(): void {
    const capacity = this.#sequence.length + GROWTH_ROWS;
    const widen = (column: Uint32Array) => {
      const wider = new Uint32Array(capacity);
      wider.set(column);
      return wider;
    };
    this.#sequence = widen(this.#sequence);
    this.#recording = widen(this.#recording);
    this.#segmentIndex = widen(this.#segmentIndex);
    this.#sealedLength = widen(this.#sealedLength);
    const digest = new Uint8Array(capacity * DIGEST);
    digest.set(this.#digest);
    this.#digest = digest;
  }

  #compact(): void {
    let to = 0;
    for (let row = 0; row < this.#rows; row++) {
      if (this.#sequence[row] === RELEASED) continue;
      if (to !== row) {
        this.#sequence[to] = this.#sequence[row]!;
        this.#recording[to] = this.#recording[row]!;
        this.#segmentIndex[to] = this.#segmentIndex[row]!;
        this.#sealedLength[to] = this.#sealedLength[row]!;
        this.#digest.copyWithin(to * DIGEST, row * DIGEST, (row + 1) * DIGEST);
      }
      to++;
    }
    this.#rows = to;
  }
}
