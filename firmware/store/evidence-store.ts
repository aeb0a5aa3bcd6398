// The camera's append-only evidence store on its flash file system (littlefs):
//   ROOT chain.log                      the hash chain (docs/FORMAT.md section 5)
//   ROOT segments/rRRRRRR-sSSSS.seg     sealed segments (section 9)
// Nothing here rewrites or deletes evidence. Every append is its own open-write-close, which
// littlefs commits atomically; a torn final frame (possible on FAT) is cut off at boot by
// copying the good frames and renaming over chain.log. Recovery at boot (recordBoot) puts a
// power cut on the record: the open segment becomes a `segment-lost` event and its recording
// is stopped with reason "power lost", then a checkpoint signs everything.
import type { CryptoPort } from '../format/crypto-port.js';
import type { ChainEvent } from '../format/chain-events.js';
import { CHAIN_LOG_MAGIC } from '../format/chain-log.js';
import { ChainWriter, deriveDeviceId, type ChainHead } from '../format/chain.js';
import type { SegmentRecord } from '../format/chain-records.js';
import { SegmentSealer } from '../format/sealed-segment.js';
import { scanChainLog, type OpenRecordingAtCut } from './chain-log-scan.js';
import { appendCommitted, readAt, type FlashFiles } from './flash-files.js';

export const MEDIA_TYPE_AVI = 1;
export const LOSS_REASON = Object.freeze({ powerCut: 1, writeError: 2, storageFull: 3 });
const RESET_REASON = Object.freeze({ powerOn: 1, recoveredAfterPowerCut: 5 });
const STOP_REASON_POWER_LOST = 5;
/** Ciphertext is written in batches of about this many bytes: fewer writes, bounded RAM. */
const WRITE_BATCH_BYTES = 64 * 1024;

export interface CameraKeys {
  /** The camera's P-256 signing key (32 bytes) and public key (65 bytes), from provisioning. */
  privateKey: Uint8Array;
  publicKey: Uint8Array;
  /** The agency's P-256 public key that every segment is sealed to. */
  agencyPublicKey: Uint8Array;
}

export interface EvidenceStoreOptions {
  files: FlashFiles;
  /** Where the evidence lives, ending in "/" (Moddable's config.file.root, e.g. "/"). */
  root: string;
  port: CryptoPort;
  keys: CameraKeys;
  /** The camera clock, ms since 1970 (Date.now on the device). */
  clock: () => number;
}

export interface SegmentToSeal {
  recording: number;
  segmentIndex: number;
  startTime: number;
  endTime: number;
  legalGround: number;
  noticeIndicators: number;
  noticeReason: number;
  noticeText: string;
  /** The plaintext, in order. */
  pieces: readonly Uint8Array[];
}

export function segmentFileName(recording: number, segmentIndex: number): string {
  return `r${String(recording).padStart(6, '0')}-s${String(segmentIndex).padStart(4, '0')}.seg`;
}

export class EvidenceStore {
  readonly deviceId: Uint8Array;
  /** What the last power cut left open, until recordBoot() has put it on the record. */
  readonly openAtCut: OpenRecordingAtCut | undefined;
  /** Bytes of a torn final frame cut off chain.log at boot. */
  readonly tornBytes: number;
  readonly #o: EvidenceStoreOptions;
  readonly #chain: ChainWriter;
  readonly #log: string;
  #lastRecording: number;

  private constructor(options: EvidenceStoreOptions) {
    this.#o = options;
    const { files, root, port, keys } = options;
    this.#log = `${root}chain.log`;
    this.deviceId = deriveDeviceId(port, keys.publicKey);
    files.Directory.create(`${root}segments/`);
    // A copy left by #cutTornTail: complete only if chain.log is gone (the cut fell at the rename).
    if (files.File.exists(`${this.#log}.tmp`)) {
      if (files.File.exists(this.#log)) files.File.delete(`${this.#log}.tmp`);
      else files.File.rename(`${this.#log}.tmp`, this.#log);
    }
    const scan = scanChainLog(files, this.#log);
    if (scan.validLength === 0) {
      // No chain yet (or its 8-byte header never made it to flash): start one.
      if (files.File.exists(this.#log)) files.File.delete(this.#log);
      appendCommitted(files, this.#log, CHAIN_LOG_MAGIC);
    } else if (scan.validLength < scan.fileLength) {
      this.#cutTornTail(scan.validLength);
    }
    this.tornBytes = scan.validLength ? scan.fileLength - scan.validLength : 0;
    this.openAtCut = scan.open;
    this.#lastRecording = scan.lastRecording;
    this.#chain = new ChainWriter({ port, deviceId: this.deviceId, cameraPublicKey: keys.publicKey, signingKey: keys.privateKey, head: scan.head });
  }

  /** Opens (or creates) the store and finds where the chain stopped. */
  static open(options: EvidenceStoreOptions): EvidenceStore {
    if (!options.root.endsWith('/')) throw new Error(`evidence store root must end with "/", got "${options.root}"`);
    return new EvidenceStore(options);
  }

  get head(): ChainHead {
    return this.#chain.head;
  }

  /** The number the recorder gives its next recording: never reused across power cycles. */
  get nextRecording(): number {
    return this.#lastRecording + 1;
  }

  /** Bytes free on the partition. */
  get freeBytes(): number {
    const info = this.#o.files.System.info();
    return info.total - info.used;
  }

  /** The first records after boot: power-on, then what a power cut interrupted, then a checkpoint. */
  recordBoot(firmwareVersion: string): void {
    const open = this.openAtCut;
    this.appendEvent({ type: 'power-on', resetReason: open ? RESET_REASON.recoveredAfterPowerCut : RESET_REASON.powerOn, firmwareVersion });
    if (open) {
      this.appendEvent({ type: 'segment-lost', recording: open.recording, segmentIndex: open.openSegment, lossReason: LOSS_REASON.powerCut });
      this.appendEvent({ type: 'recording-stop', recording: open.recording, stopReason: STOP_REASON_POWER_LOST });
    }
    this.checkpoint();
  }

  appendEvent(event: ChainEvent): void {
    if (event.type === 'recording-start') this.#lastRecording = Math.max(this.#lastRecording, event.recording);
    appendCommitted(this.#o.files, this.#log, this.#chain.appendEvent(this.#o.clock(), event).frame);
  }

  /** Signs the head (one ECDSA signature): at each segment close, recording stop and boot. */
  checkpoint(): void {
    appendCommitted(this.#o.files, this.#log, this.#chain.appendCheckpoint(this.#o.clock()).frame);
  }

  /**
   * Seals a closed segment to its file, then appends its record and a checkpoint. If the
   * file cannot be written, the segment's loss goes on the record instead, and this throws.
   */
  writeSegment(segment: SegmentToSeal): SegmentRecord {
    const { files, root, port, keys } = this.#o;
    const sealer = new SegmentSealer({
      port, agencyPublicKey: keys.agencyPublicKey, deviceId: this.deviceId,
      recording: segment.recording, segmentIndex: segment.segmentIndex, mediaType: MEDIA_TYPE_AVI,
    });
    let summary;
    try {
      const file = new files.File(`${root}segments/${segmentFileName(segment.recording, segment.segmentIndex)}`, true);
      try {
        file.write(sealer.header);
        let batch: Uint8Array[] = [];
        let batchBytes = 0;
        for (const piece of segment.pieces) {
          batch.push(sealer.seal(piece));
          batchBytes += piece.length;
          if (batchBytes >= WRITE_BATCH_BYTES) {
            file.write(...batch);
            batch = [];
            batchBytes = 0;
          }
        }
        summary = sealer.finish();
        batch.push(summary.trailer);
        file.write(...batch);
      } finally {
        file.close();
      }
    } catch (error) {
      const full = /full|space/i.test((error as Error).message);
      this.appendEvent({ type: 'segment-lost', recording: segment.recording, segmentIndex: segment.segmentIndex, lossReason: full ? LOSS_REASON.storageFull : LOSS_REASON.writeError });
      throw new Error(`segment ${segment.segmentIndex} of recording ${segment.recording} could not be stored (${(error as Error).message}); its loss is on the record`);
    }
    const appended = this.#chain.appendSegment({
      kind: 'segment', time: this.#o.clock(), recording: segment.recording, segmentIndex: segment.segmentIndex,
      startTime: segment.startTime, endTime: segment.endTime, legalGround: segment.legalGround,
      noticeIndicators: segment.noticeIndicators, noticeReason: segment.noticeReason, noticeText: segment.noticeText,
      sealedLength: summary.sealedLength, sealedDigest: summary.sealedDigest,
    });
    appendCommitted(files, this.#log, appended.frame);
    this.checkpoint();
    return appended.record;
  }

  /** Keeps the complete frames: copy them aside, then rename over chain.log (lfs_rename replaces atomically). */
  #cutTornTail(validLength: number): void {
    const { files } = this.#o;
    const source = new files.File(this.#log);
    const copy = new files.File(`${this.#log}.tmp`, true);
    try {
      for (let offset = 0; offset < validLength; offset += WRITE_BATCH_BYTES) {
        copy.write(readAt(source, offset, Math.min(WRITE_BATCH_BYTES, validLength - offset)));
      }
    } finally {
      copy.close();
      source.close();
    }
    files.File.rename(`${this.#log}.tmp`, this.#log);
  }
}
