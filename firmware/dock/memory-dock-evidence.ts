// DockEvidence held in memory, over a real ChainWriter: for tests, fixtures and benchmarks of
// the link itself. The camera uses StoreDockEvidence over its flash store.
import type { CryptoPort } from '../format/crypto-port.js';
import { ChainWriter } from '../format/chain.js';
import { CHAIN_LOG_MAGIC } from '../format/chain-log.js';
import type { NewSegmentRecord } from '../format/chain-records.js';
import type { ChainEvent } from '../format/chain-events.js';
import type { DockEvidence, HeldSegment } from './dock-evidence.js';

export interface MemoryDockEvidenceOptions {
  port: CryptoPort;
  deviceId: Uint8Array;
  cameraPublicKey: Uint8Array;
  signingKey: Uint8Array;
  /** The camera's clock, ms since 1970. */
  now: () => number;
}

export class MemoryDockEvidence implements DockEvidence {
  readonly events = { record: (event: ChainEvent) => this.appendEvent(event) };
  #writer: ChainWriter;
  #now: () => number;
  #chain: Uint8Array[] = [CHAIN_LOG_MAGIC];
  #chainLength = CHAIN_LOG_MAGIC.length;
  #flat: Uint8Array | undefined;
  #held = new Map<number, { segment: HeldSegment; bytes: Uint8Array }>();

  constructor(options: MemoryDockEvidenceOptions) {
    this.#writer = new ChainWriter(options);
    this.#now = options.now;
  }

  appendEvent(event: ChainEvent): void {
    this.#push(this.#writer.appendEvent(this.#now(), event).frame);
  }

  /** Stands in for the capture pipeline: a closed sealed segment, its record and a checkpoint. */
  addSegment(record: Omit<NewSegmentRecord, 'time' | 'kind' | 'sealedLength' | 'sealedDigest'>, sealed: Uint8Array, sealedDigest: Uint8Array): HeldSegment {
    const appended = this.#writer.appendSegment({ ...record, kind: 'segment', time: this.#now(), sealedLength: sealed.length, sealedDigest });
    this.#push(appended.frame);
    const segment: HeldSegment = {
      sequence: appended.record.sequence, recording: record.recording, segmentIndex: record.segmentIndex,
      sealedLength: sealed.length, sealedDigest,
    };
    this.#held.set(segment.sequence, { segment, bytes: sealed });
    this.checkpoint();
    return segment;
  }

  chainLength(): number {
    return this.#chainLength;
  }

  records(): number {
    return this.#writer.head.sequence;
  }

  chainBytes(): Uint8Array {
    if (!this.#flat) {
      const out = new Uint8Array(this.#chainLength);
      let o = 0;
      for (const part of this.#chain) {
        out.set(part, o);
        o += part.length;
      }
      this.#chain = [out];
      this.#flat = out;
    }
    return this.#flat;
  }

  heldSegments(fromSequence: number, limit = Infinity): HeldSegment[] {
    const out: HeldSegment[] = [];
    for (const { segment } of this.#held.values()) if (segment.sequence >= fromSequence) out.push(segment);
    return out.sort((a, b) => a.sequence - b.sequence).slice(0, limit);
  }

  heldSegment(sequence: number): HeldSegment | undefined {
    return this.#held.get(sequence)?.segment;
  }

  readChain(offset: number, length: number): Uint8Array {
    return this.chainBytes().subarray(offset, Math.min(offset + length, this.#chainLength));
  }

  readSegment(sequence: number, offset: number, length: number): Uint8Array {
    const held = this.#held.get(sequence);
    if (!held) throw new Error(`segment record #${sequence} is not held`);
    return held.bytes.subarray(offset, Math.min(offset + length, held.bytes.length));
  }

  checkpoint(): void {
    this.#push(this.#writer.appendCheckpoint(this.#now()).frame);
  }

  release(sequence: number, receiptDigest: Uint8Array): void {
    const held = this.#held.get(sequence);
    if (!held) throw new Error(`segment record #${sequence} is not held`);
    this.appendEvent({ type: 'release', segmentSequence: sequence, sealedDigest: held.segment.sealedDigest, receiptDigest });
    this.#held.delete(sequence);
  }

  #push(frame: Uint8Array): void {
    this.#chain.push(frame);
    this.#chainLength += frame.length;
    this.#flat = undefined;
  }
}
