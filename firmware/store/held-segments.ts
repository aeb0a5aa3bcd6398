// The sealed segments the camera still holds: every segment record in chain.log that no
// `release` event has freed yet. The chain is the only record of what was released, so this
// index is derived from it: the boot scan rebuilds it from chain.log every boot, then it is
// kept as segments are sealed and released. It lives on flash, not in the XS heap
// (held-segments.idx, docs/FORMAT.md section 5.2): a 12-hour shift with no dock holds 4,320
// segments, and a heap that grew with them (48 bytes each in typed arrays; an object each ran a
// board out of its slots after about five hours) was not flat. RAM is a few numbers, a 4 KiB
// block only while the boot scan writes or a page is read, and the objects a caller asks for.
// Rows are fixed-size and in chain order (ascending record sequence, and so ascending recording
// and segment index), so a lookup is a binary search in the file. A release marks its row in
// place; the file is compacted once half its rows are released.
import { readAt, type FlashFiles } from './flash-files.js';

/** A sealed segment the camera still holds, as its segment record describes it. */
export interface HeldSegment {
  /** Sequence of the segment record in the chain. */
  sequence: number;
  recording: number;
  segmentIndex: number;
  sealedLength: number;
  sealedDigest: Uint8Array;
}

/** "CCHELD", 0x00, format version 0x01. */
export const HELD_INDEX_MAGIC = Uint8Array.of(0x43, 0x43, 0x48, 0x45, 0x4c, 0x44, 0x00, 0x01);
/** sequence, recording, segment index, sealed length (u32 each), sealed digest (32), state (u32). */
export const HELD_ROW_BYTES = 52;
const DIGEST_AT = 16;
const STATE_AT = 48;
const RELEASED = 1;
/** Rows read at once while listing or copying (about 4 KiB). */
const BLOCK_ROWS = 80;
/** No compaction below this many rows: a small file costs nothing to keep. */
const COMPACT_MIN_ROWS = 64;

function u32(bytes: Uint8Array, at: number): number {
  return ((bytes[at]! << 24) | (bytes[at + 1]! << 16) | (bytes[at + 2]! << 8) | bytes[at + 3]!) >>> 0;
}

function putU32(bytes: Uint8Array, at: number, value: number): void {
  bytes[at] = value >>> 24;
  bytes[at + 1] = value >>> 16;
  bytes[at + 2] = value >>> 8;
  bytes[at + 3] = value;
}

function encodeRow(segment: HeldSegment): Uint8Array {
  const row = new Uint8Array(HELD_ROW_BYTES);
  putU32(row, 0, segment.sequence);
  putU32(row, 4, segment.recording);
  putU32(row, 8, segment.segmentIndex);
  putU32(row, 12, segment.sealedLength);
  row.set(segment.sealedDigest.subarray(0, 32), DIGEST_AT);
  return row;
}

function decodeRow(bytes: Uint8Array, at: number): HeldSegment {
  return {
    sequence: u32(bytes, at), recording: u32(bytes, at + 4), segmentIndex: u32(bytes, at + 8),
    sealedLength: u32(bytes, at + 12), sealedDigest: bytes.slice(at + DIGEST_AT, at + DIGEST_AT + 32),
  };
}

export class HeldSegments {
  readonly #files: FlashFiles;
  readonly #path: string;
  /** Rows in the file (held and released-not-compacted), the held ones, the last sequence added. */
  #rows = 0;
  #held = 0;
  #last = -1;
  /** The boot scan's block of rows not yet written (none while recording). */
  #pending: Uint8Array | undefined;
  #pendingRows = 0;
  /** findByName's guess: the row after the last one it found. */
  #nameHint = 0;

  /** Starts an empty index at `path`, replacing whatever was there (the boot scan fills it). */
  constructor(files: FlashFiles, path: string) {
    this.#files = files;
    this.#path = path;
    if (files.File.exists(`${path}.tmp`)) files.File.delete(`${path}.tmp`);
    if (files.File.exists(path)) files.File.delete(path);
    this.#append(HELD_INDEX_MAGIC);
  }

  get size(): number {
    return this.#held;
  }

  /**
   * Adds a segment after the ones held. `commit` false (the boot scan) keeps the row in a
   * block written when full or before the next read, as one append; flush() writes it and
   * frees the block.
   */
  add(segment: HeldSegment, commit = true): void {
    if (segment.sequence <= this.#last) throw new Error(`held segments are added in chain order: #${segment.sequence} after #${this.#last}`);
    this.#last = segment.sequence;
    this.#held++;
    if (commit && !this.#pending) {
      this.#append(encodeRow(segment));
      this.#rows++;
      return;
    }
    const pending = (this.#pending ??= new Uint8Array(BLOCK_ROWS * HELD_ROW_BYTES));
    pending.set(encodeRow(segment), this.#pendingRows * HELD_ROW_BYTES);
    this.#pendingRows++;
    if (commit || this.#pendingRows === BLOCK_ROWS) this.flush();
  }

  /** Writes the rows add() kept back. */
  flush(): void {
    if (!this.#pending) return;
    if (this.#pendingRows) this.#append(this.#pending.subarray(0, this.#pendingRows * HELD_ROW_BYTES));
    this.#rows += this.#pendingRows;
    this.#pendingRows = 0;
    this.#pending = undefined;
  }

  get(sequence: number): HeldSegment | undefined {
    return this.#withFile(false, (file) => {
      const row = this.#find(file, sequence);
      return row < 0 ? undefined : decodeRow(this.#readRows(file, row, 1), 0);
    });
  }

  /** Forgets a segment (marks its row released); returns it, or undefined if it was not held. */
  remove(sequence: number): HeldSegment | undefined {
    const segment = this.#withFile(true, (file) => {
      const row = this.#find(file, sequence);
      if (row < 0) return undefined;
      const found = decodeRow(this.#readRows(file, row, 1), 0);
      const state = new Uint8Array(4);
      putU32(state, 0, RELEASED);
      file.position = HELD_INDEX_MAGIC.length + row * HELD_ROW_BYTES + STATE_AT;
      file.write(state);
      return found;
    });
    if (!segment) return undefined;
    this.#held--;
    if (this.#rows >= COMPACT_MIN_ROWS && this.#held * 2 < this.#rows) this.#compact();
    return segment;
  }

  /** Up to `limit` held segments with a record sequence ≥ fromSequence, in chain order. */
  from(fromSequence: number, limit = Infinity): HeldSegment[] {
    const out: HeldSegment[] = [];
    if (limit <= 0) return out;
    this.#withFile(false, (file) => {
      for (let row = this.#lowerBound(file, fromSequence); row < this.#rows; row += BLOCK_ROWS) {
        const count = Math.min(BLOCK_ROWS, this.#rows - row);
        const block = this.#readRows(file, row, count);
        for (let at = 0; at < count * HELD_ROW_BYTES; at += HELD_ROW_BYTES) {
          if (u32(block, at + STATE_AT) === RELEASED) continue;
          out.push(decodeRow(block, at));
          if (out.length >= limit) return;
        }
      }
    });
    return out;
  }

  /**
   * The held segment of a sealed file's name (recording, segment index): the boot's file check.
   * A listing usually runs in chain order, so the row after the last one found is tried first,
   * then a binary search.
   */
  findByName(recording: number, segmentIndex: number): HeldSegment | undefined {
    return this.#withFile(false, (file) => {
      const order = (key: Uint8Array) => {
        const r = u32(key, 4);
        const s = u32(key, 8);
        return r === recording && s === segmentIndex ? 0 : r < recording || (r === recording && s < segmentIndex) ? -1 : 1;
      };
      const found = (row: number, key: Uint8Array) => {
        this.#nameHint = row + 1;
        return u32(key, STATE_AT) === RELEASED ? undefined : decodeRow(key, 0);
      };
      if (this.#nameHint < this.#rows) {
        const key = this.#readRows(file, this.#nameHint, 1);
        if (order(key) === 0) return found(this.#nameHint, key);
      }
      let low = 0;
      let high = this.#rows;
      while (low < high) {
        const middle = (low + high) >>> 1;
        const key = this.#readRows(file, middle, 1);
        const side = order(key);
        if (side === 0) return found(middle, key);
        if (side < 0) low = middle + 1;
        else high = middle;
      }
      return undefined;
    });
  }

  #withFile<T>(write: boolean, run: (file: InstanceType<FlashFiles['File']>) => T): T {
    this.flush();
    const file = new this.#files.File(this.#path, write);
    try {
      return run(file);
    } finally {
      file.close();
    }
  }

  #readRows(file: InstanceType<FlashFiles['File']>, row: number, count: number): Uint8Array {
    return readAt(file, HELD_INDEX_MAGIC.length + row * HELD_ROW_BYTES, count * HELD_ROW_BYTES);
  }

  #sequenceAt(file: InstanceType<FlashFiles['File']>, row: number): number {
    return u32(readAt(file, HELD_INDEX_MAGIC.length + row * HELD_ROW_BYTES, 4), 0);
  }

  /** The first row whose sequence is ≥ `sequence` (released rows keep theirs, so the file stays sorted). */
  #lowerBound(file: InstanceType<FlashFiles['File']>, sequence: number): number {
    let low = 0;
    let high = this.#rows;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (this.#sequenceAt(file, middle) < sequence) low = middle + 1;
      else high = middle;
    }
    return low;
  }

  /** The row of a held sequence, or -1. */
  #find(file: InstanceType<FlashFiles['File']>, sequence: number): number {
    const row = this.#lowerBound(file, sequence);
    if (row >= this.#rows) return -1;
    const key = this.#readRows(file, row, 1);
    return u32(key, 0) === sequence && u32(key, STATE_AT) !== RELEASED ? row : -1;
  }

  #append(bytes: Uint8Array): void {
    const file = new this.#files.File(this.#path, true);
    try {
      file.position = file.length;
      file.write(bytes);
    } finally {
      file.close();
    }
  }

  /** Copies the held rows, a block at a time, to a new file and renames it over the index. */
  #compact(): void {
    const { File } = this.#files;
    const tmp = `${this.#path}.tmp`;
    if (File.exists(tmp)) File.delete(tmp);
    const copy = new File(tmp, true);
    let kept = 0;
    try {
      copy.write(HELD_INDEX_MAGIC);
      this.#withFile(false, (file) => {
        for (let row = 0; row < this.#rows; row += BLOCK_ROWS) {
          const count = Math.min(BLOCK_ROWS, this.#rows - row);
          const block = this.#readRows(file, row, count);
          let to = 0;
          for (let at = 0; at < count * HELD_ROW_BYTES; at += HELD_ROW_BYTES) {
            if (u32(block, at + STATE_AT) === RELEASED) continue;
            if (to !== at) block.copyWithin(to, at, at + HELD_ROW_BYTES);
            to += HELD_ROW_BYTES;
          }
          if (to) copy.write(block.subarray(0, to));
          kept += to / HELD_ROW_BYTES;
        }
      });
    } finally {
      copy.close();
    }
    File.rename(tmp, this.#path);
    this.#rows = kept;
  }
}
