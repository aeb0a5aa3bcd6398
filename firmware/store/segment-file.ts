// One segment sealed straight to its file while it is recorded: each piece of plaintext (a
// chunk header, a frame, audio) is encrypted (AES-CTR), MACed and hashed by the SegmentSealer
// as it arrives, and its ciphertext waits in the write queue until the queue holds at least
// WRITE_BUFFER_BYTES; then the queue goes out as one write (Moddable's File.write takes several
// buffers). So every write but the last is at least 16 KiB and RAM holds under 16 KiB of queued
// ciphertext plus one frame and its ciphertext. Ciphertext is queued by reference, never
// copied: TypedArray copies cost XS 2 computrons a byte, which would make the per-frame cost grow
// with the frame (bench/capture-cost.ts).
// The open segment's idx1 entries spill to a side file (`open-segment.idx` in the store's root)
// and are read back into the sealed payload at close. The file stays open for the segment's
// life: on littlefs nothing of it is committed before close, on FAT a cut leaves a partial file
// (docs/FORMAT.md section 10 step 7); either way the chain records the segment as lost at boot.
import type { File } from 'file';
import type { SealedSummary, SegmentSealer } from '../format/sealed-segment.js';
import type { SegmentPayloadSink } from '../capture/open-segment.js';
import { appendCommitted, readAt, type FlashFiles } from './flash-files.js';

/** Bytes per write to the segment file: SD cards and FAT want large, cluster-sized writes. */
export const WRITE_BUFFER_BYTES = 16 * 1024;

export class SegmentFile implements SegmentPayloadSink {
  readonly recording: number;
  readonly segmentIndex: number;
  readonly path: string;
  readonly #files: FlashFiles;
  readonly #indexPath: string;
  readonly #sealer: SegmentSealer;
  #file: File | undefined;
  #queue: Uint8Array[] = [];
  #queued = 0;
  #spilled = 0;
  /** Bytes handed to the file so far (writes), header included. */
  written = 0;

  constructor(files: FlashFiles, path: string, indexPath: string, sealer: SegmentSealer, recording: number, segmentIndex: number) {
    this.#files = files;
    this.path = path;
    this.#indexPath = indexPath;
    this.#sealer = sealer;
    this.recording = recording;
    this.segmentIndex = segmentIndex;
    if (files.File.exists(indexPath)) files.File.delete(indexPath);
    this.#file = new files.File(path, true);
    this.#enqueue(sealer.header);
  }

  append(bytes: Uint8Array): void {
    if (bytes.length) this.#enqueue(this.#sealer.seal(bytes));
  }

  spillIndex(entries: Uint8Array): void {
    appendCommitted(this.#files, this.#indexPath, entries);
    this.#spilled += entries.length;
  }

  appendSpilledIndex(): void {
    if (!this.#spilled) return;
    const file = new this.#files.File(this.#indexPath);
    try {
      for (let position = 0; position < this.#spilled; ) {
        const n = Math.min(WRITE_BUFFER_BYTES, this.#spilled - position);
        this.append(readAt(file, position, n));
        position += n;
      }
    } finally {
      file.close();
    }
  }

  /** Seals the payload tag, writes what is buffered and closes the file. */
  finish(): SealedSummary {
    const summary = this.#sealer.finish();
    this.#queue.push(summary.trailer);
    this.#queued += summary.trailer.length;
    this.#flush();
    this.#close();
    return summary;
  }

  /** Closes the file after a failure; the chain records the segment lost (EvidenceStore.abandonSegment). */
  abandon(): void {
    try {
      this.#close();
    } catch {
      // The volume failed already; what it kept is a partial file at most.
    }
  }

  #enqueue(ciphertext: Uint8Array): void {
    this.#queue.push(ciphertext);
    this.#queued += ciphertext.length;
    if (this.#queued >= WRITE_BUFFER_BYTES) this.#flush();
  }

  #flush(): void {
    const file = this.#open();
    const queue = this.#queue;
    this.#queue = [];
    file.write(...queue);
    this.written += this.#queued;
    this.#queued = 0;
  }

  #open(): File {
    if (!this.#file) throw new Error(`segment file ${this.path} is closed`);
    return this.#file;
  }

  #close(): void {
    const file = this.#file;
    this.#file = undefined;
    this.#queue = [];
    this.#queued = 0;
    file?.close();
    if (this.#spilled && this.#files.File.exists(this.#indexPath)) this.#files.File.delete(this.#indexPath);
    this.#spilled = 0;
  }
}
