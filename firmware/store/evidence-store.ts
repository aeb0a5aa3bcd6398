// The camera's append-only evidence store: the chain on its flash file system (littlefs), the
// footage on the microSD card when it has one (docs/ARCHITECTURE.md, "Footage on the card"):
//   ROOT chain.log                           the hash chain (docs/FORMAT.md section 5), littlefs
//   ROOT held-segments.idx                   the segments still held, rebuilt from chain.log at boot (5.2)
//   CARD segments/rRRRRRR-sSSSS.seg          sealed segments (section 9), the card's FAT volume
//   CARD chaincam-camera.id                  the device id of the camera that owns the card
// Without a card volume, segments go under ROOT on littlefs (the simulated board's default).
// Nothing here rewrites evidence, and a sealed file is deleted only by release(), after the
// `release` event that accounts for it is committed. Every append is its own
// open-write-close, which littlefs commits atomically; a torn final frame (possible on FAT) is cut off at boot by
// copying the good frames and renaming over chain.log. Recovery at boot (recordBoot) puts a
// power cut on the record: the open segment becomes a `segment-lost` event and its recording
// is stopped with reason "power lost", then a checkpoint signs everything. The boot scan also
// finds which sealed files are still held (recorded, not released): those the dock may read.
import type { CryptoPort } from '../format/crypto-port.js';
import type { ChainEvent } from '../format/chain-events.js';
import { CHAIN_LOG_MAGIC } from '../format/chain-log.js';
import { ChainWriter, deriveDeviceId, type ChainHead } from '../format/chain.js';
import type { SegmentRecord } from '../format/chain-records.js';
import { bytesEqual } from '../format/bytes.js';
import { SegmentSealer } from '../format/sealed-segment.js';
import { SegmentFile } from './segment-file.js';
import { scanChainLog, type OpenRecordingAtCut } from './chain-log-scan.js';
import { appendCommitted, readAt, type FlashFiles } from './flash-files.js';
import { HeldSegments, type HeldSegment } from './held-segments.js';

/** The hash chain's file in the store's root (docs/FORMAT.md section 5). */
export const CHAIN_LOG_FILE = 'chain.log';
export const MEDIA_TYPE_AVI = 1;
/** What the camera seals: an AVI streamed as recorded, its header last (docs/FORMAT.md 9.1). */
export const MEDIA_TYPE_AVI_HEADER_LAST = 2;
/** The open segment's spilled idx1 entries, in the store's root (outside segments/, which verify reads). */
export const OPEN_INDEX_FILE = 'open-segment.idx';
/** The held segments' index, in the store's root next to chain.log (docs/FORMAT.md section 5.2). */
export const HELD_INDEX_FILE = 'held-segments.idx';
export const LOSS_REASON = Object.freeze({ powerCut: 1, writeError: 2, storageFull: 3, cardRemoved: 4 });
/** storage-card conditions (record-codes.ts CARD_CONDITIONS). */
export const CARD_CONDITION = Object.freeze({ ready: 1, absent: 2, unformatted: 3, failing: 4, full: 5, removed: 6, foreign: 7 });
const RESET_REASON = Object.freeze({ powerOn: 1, recoveredAfterPowerCut: 5 });
const STOP_REASON_POWER_LOST = 5;
/** chain.log's torn tail is copied in pieces of this many bytes. */
const COPY_BYTES = 16 * 1024;

export interface CameraKeys {
  /** The camera's P-256 signing key (32 bytes) and public key (65 bytes), from provisioning. */
  privateKey: Uint8Array;
  publicKey: Uint8Array;
  /** The agency's P-256 public key that every segment is sealed to. */
  agencyPublicKey: Uint8Array;
}

/** A file volume and the folder on it the store uses, ending in "/". */
export interface StoreVolume {
  files: FlashFiles;
  root: string;
}

/** On the card: which camera's footage it holds (16 bytes, the device id). */
export const CARD_OWNER_FILE = 'chaincam-camera.id';

/** Whose card this is: ours, a fresh one (no owner yet), or another camera's. */
export function cardOwnership(card: StoreVolume, deviceId: Uint8Array): 'ours' | 'new' | 'foreign' {
  const path = `${card.root}${CARD_OWNER_FILE}`;
  if (!card.files.File.exists(path)) return 'new';
  const file = new card.files.File(path);
  try {
    // Empty: a cut during its first write (FAT kept the entry, not the bytes); the card is still unclaimed.
    if (file.length === 0) return 'new';
    return file.length === deviceId.length && bytesEqual(readAt(file, 0, deviceId.length), deviceId) ? 'ours' : 'foreign';
  } finally {
    file.close();
  }
}

export interface EvidenceStoreOptions {
  files: FlashFiles;
  /** Where sealed segments go (the SD card); default: `files` under `root`. */
  card?: StoreVolume;
  /** Where the evidence lives, ending in "/" (Moddable's config.file.root, e.g. "/"). */
  root: string;
  port: CryptoPort;
  keys: CameraKeys;
  /** The camera clock, ms since 1970 (Date.now on the device). */
  clock: () => number;
}

/** What the capture side hands the store at a segment's close: the rest of its record. */
export type SegmentFields = Pick<SegmentRecord, 'startTime' | 'endTime' | 'legalGround' | 'noticeIndicators' | 'noticeReason' | 'noticeText'>;

export function segmentFileName(recording: number, segmentIndex: number): string {
  return `r${String(recording).padStart(6, '0')}-s${String(segmentIndex).padStart(4, '0')}.seg`;
}

export class EvidenceStore {
  readonly deviceId: Uint8Array;
  /** What the last power cut left open, until recordBoot() has put it on the record. */
  readonly openAtCut: OpenRecordingAtCut | undefined;
  /** Bytes of a torn final frame cut off chain.log at boot. */
  readonly tornBytes: number;
  /**
   * Segments the chain says are held whose sealed file was not on flash at boot. Nothing on
   * the camera can bring them back; they are not offered to the dock, and verify names them.
   */
  readonly missingSegments: readonly HeldSegment[];
  readonly #o: EvidenceStoreOptions;
  readonly #chain: ChainWriter;
  readonly #log: string;
  readonly #held: HeldSegments;
  /** The held segment the dock asked for last: READ asks for it again at every DATA frame. */
  #lastHeld: HeldSegment | undefined;
  readonly #indexPath: string;
  readonly #seg: StoreVolume;
  #lastConfigDigest: Uint8Array | undefined;
  /** The card's condition as last recorded (CARD_CONDITION); undefined for a store without a card. */
  cardCondition: number | undefined;
  #chainLength: number;
  #lastRecording: number;

  private constructor(options: EvidenceStoreOptions) {
    this.#o = options;
    const { files, root, port, keys } = options;
    this.#log = `${root}${CHAIN_LOG_FILE}`;
    this.deviceId = deriveDeviceId(port, keys.publicKey);
    const seg = this.#seg = options.card ?? { files, root };
    // Another camera's card is refused before anything is written to it.
    const owner = options.card && cardOwnership(seg, this.deviceId);
    if (owner === 'foreign') throw new Error('this SD card holds another camera\'s footage: it is not used (dock that camera, or give this camera its own card)');
    if (owner === 'new') {
      if (seg.files.File.exists(`${seg.root}${CARD_OWNER_FILE}`)) seg.files.File.delete(`${seg.root}${CARD_OWNER_FILE}`);
      appendCommitted(seg.files, `${seg.root}${CARD_OWNER_FILE}`, this.deviceId);
    }
    seg.files.Directory.create(`${seg.root}segments/`);
    // The index entries of a segment the power cut left open: that segment is lost anyway.
    this.#indexPath = `${seg.root}${OPEN_INDEX_FILE}`;
    if (seg.files.File.exists(this.#indexPath)) seg.files.File.delete(this.#indexPath);
    // A copy left by #cutTornTail: complete only if chain.log is gone (the cut fell at the rename).
    if (files.File.exists(`${this.#log}.tmp`)) {
      if (files.File.exists(this.#log)) files.File.delete(`${this.#log}.tmp`);
      else files.File.rename(`${this.#log}.tmp`, this.#log);
    }
    this.#held = new HeldSegments(files, `${root}${HELD_INDEX_FILE}`);
    const scan = scanChainLog(files, this.#log, this.#held);
    if (scan.validLength === 0) {
      // No chain yet (or its 8-byte header never made it to flash): start one.
      if (files.File.exists(this.#log)) files.File.delete(this.#log);
      appendCommitted(files, this.#log, CHAIN_LOG_MAGIC);
    } else if (scan.validLength < scan.fileLength) {
      this.#cutTornTail(scan.validLength);
    }
    this.tornBytes = scan.validLength ? scan.fileLength - scan.validLength : 0;
    this.#chainLength = scan.validLength || CHAIN_LOG_MAGIC.length;
    this.openAtCut = scan.open;
    this.#lastRecording = scan.lastRecording;
    this.#lastConfigDigest = scan.lastConfigDigest;
    this.missingSegments = this.#reconcileSegmentFiles(scan.releasedAtTail);
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

  /** Byte length of chain.log, its 8-byte magic included. */
  get chainLength(): number {
    return this.#chainLength;
  }

  /** Bytes free where footage goes (the card's real free space, in whole clusters). */
  get freeBytes(): number {
    const info = this.#seg.files.System.info();
    return info.total - info.used;
  }

  /** Bytes of the footage volume. */
  get totalBytes(): number {
    return this.#seg.files.System.info().total;
  }

  /**
   * The first records after boot: power-on, then what a power cut interrupted, then the
   * configuration if it is not the one the chain last recorded (firmware/format/camera-configuration.ts),
   * then a checkpoint. Returns true when the configuration went on the chain.
   */
  recordBoot(firmwareVersion: string, configuration?: { digest: Uint8Array; encoded: Uint8Array; summary: string }, cardCondition?: number): boolean {
    const open = this.openAtCut;
    this.appendEvent({ type: 'power-on', resetReason: open ? RESET_REASON.recoveredAfterPowerCut : RESET_REASON.powerOn, firmwareVersion });
    if (open) {
      if (open.segmentOpen) this.appendEvent({ type: 'segment-lost', recording: open.recording, segmentIndex: open.openSegment, lossReason: LOSS_REASON.powerCut });
      this.appendEvent({ type: 'recording-stop', recording: open.recording, stopReason: STOP_REASON_POWER_LOST });
    }
    const changed = configuration !== undefined && !(this.#lastConfigDigest && bytesEqual(this.#lastConfigDigest, configuration.digest));
    if (changed) {
      this.appendEvent({ type: 'config-change', configDigest: configuration.digest, configuration: configuration.encoded, summary: configuration.summary });
      this.#lastConfigDigest = configuration.digest;
    }
    if (cardCondition !== undefined) this.recordCard(cardCondition);
    this.checkpoint();
    return changed;
  }

  appendEvent(event: ChainEvent): void {
    if (event.type === 'recording-start') this.#lastRecording = Math.max(this.#lastRecording, event.recording);
    this.#append(this.#chain.appendEvent(this.#o.clock(), event).frame);
  }

  /** Signs the head (one ECDSA signature): at each segment close, recording stop and boot. */
  checkpoint(): void {
    this.#append(this.#chain.appendCheckpoint(this.#o.clock()).frame);
  }

  /**
   * Opens the sealed file of a segment about to be recorded; its plaintext streams in through
   * the returned SegmentFile, and commitSegment or abandonSegment ends it.
   */
  openSegment(recording: number, segmentIndex: number): SegmentFile {
    const { port, keys } = this.#o;
    const { files, root } = this.#seg;
    const sealer = new SegmentSealer({ port, agencyPublicKey: keys.agencyPublicKey, deviceId: this.deviceId, recording, segmentIndex, mediaType: MEDIA_TYPE_AVI_HEADER_LAST });
    try {
      return new SegmentFile(files, `${root}segments/${segmentFileName(recording, segmentIndex)}`, this.#indexPath, sealer, recording, segmentIndex);
    } catch (error) {
      throw this.#lost(recording, segmentIndex, error as Error);
    }
  }

  /**
   * Finishes a streamed segment's file, then appends its record and a checkpoint. If the file
   * cannot be finished, the segment's loss goes on the record instead, and this throws.
   */
  commitSegment(file: SegmentFile, fields: SegmentFields): SegmentRecord {
    let summary;
    try {
      summary = file.finish();
    } catch (error) {
      file.abandon();
      throw this.#lost(file.recording, file.segmentIndex, error as Error);
    }
    const appended = this.#chain.appendSegment({
      kind: 'segment', time: this.#o.clock(), recording: file.recording, segmentIndex: file.segmentIndex,
      startTime: fields.startTime, endTime: fields.endTime, legalGround: fields.legalGround,
      noticeIndicators: fields.noticeIndicators, noticeReason: fields.noticeReason, noticeText: fields.noticeText,
      sealedLength: summary.sealedLength, sealedDigest: summary.sealedDigest,
    });
    this.#append(appended.frame);
    this.#held.add({
      sequence: appended.record.sequence, recording: file.recording, segmentIndex: file.segmentIndex,
      sealedLength: summary.sealedLength, sealedDigest: summary.sealedDigest,
    });
    this.checkpoint();
    return appended.record;
  }

  /** A streamed segment that failed to write: closed, and its loss put on the record. Returns the error to throw. */
  abandonSegment(file: SegmentFile, error: Error): Error {
    file.abandon();
    return this.#lost(file.recording, file.segmentIndex, error);
  }

  /** The card's state on the chain: at boot, and when a write finds it full, failing or gone. */
  recordCard(condition: number): void {
    let space = { freeBytes: 0, totalBytes: 0 };
    try {
      if (condition !== CARD_CONDITION.removed && condition !== CARD_CONDITION.absent) space = { freeBytes: this.freeBytes, totalBytes: this.totalBytes };
    } catch {
      // A card that cannot answer has no space to report.
    }
    this.appendEvent({ type: 'storage-card', condition, ...space });
    this.cardCondition = condition;
  }

  #lost(recording: number, segmentIndex: number, error: Error): Error {
    const removed = /removed/i.test(error.message);
    const full = /full|space/i.test(error.message);
    this.appendEvent({ type: 'segment-lost', recording, segmentIndex, lossReason: removed ? LOSS_REASON.cardRemoved : full ? LOSS_REASON.storageFull : LOSS_REASON.writeError });
    if (this.#o.card) this.recordCard(removed ? CARD_CONDITION.removed : full ? CARD_CONDITION.full : CARD_CONDITION.failing);
    return new Error(`segment ${segmentIndex} of recording ${recording} could not be stored (${error.message}); its loss is on the record`);
  }

  /** Up to `limit` held segments with a record sequence ≥ fromSequence, in chain order (read from flash). */
  heldSegments(fromSequence: number, limit?: number): HeldSegment[] {
    return this.#held.from(fromSequence, limit);
  }

  /** Segments held: recorded and not released (nor missing at boot). */
  get heldCount(): number {
    return this.#held.size;
  }

  heldSegment(sequence: number): HeldSegment | undefined {
    if (this.#lastHeld?.sequence === sequence) return this.#lastHeld;
    const held = this.#held.get(sequence);
    if (held) this.#lastHeld = held;
    return held;
  }

  /** Up to `length` bytes of chain.log from `offset`; fewer only at its end. */
  readChain(offset: number, length: number): Uint8Array {
    return this.#read(this.#o.files, this.#log, this.#chainLength, offset, length);
  }

  /** Up to `length` bytes of a held sealed segment from `offset`; fewer only at its end. */
  readSegment(sequence: number, offset: number, length: number): Uint8Array {
    const held = this.heldSegment(sequence);
    if (!held) throw new Error(`segment record #${sequence} is not held on this camera (released, or never stored)`);
    return this.#read(this.#seg.files, this.#segmentPath(held), held.sealedLength, offset, length);
  }

  /**
   * Frees a held segment for a verified receipt: the `release` event is committed to chain.log
   * first, and only then is the sealed file deleted. A power cut in between leaves a released
   * file, which the next boot deletes; never a missing file that nothing accounts for.
   */
  release(sequence: number, receiptDigest: Uint8Array): void {
    const held = this.heldSegment(sequence);
    if (!held) throw new Error(`segment record #${sequence} is not held on this camera (released already, or never stored)`);
    this.appendEvent({ type: 'release', segmentSequence: sequence, sealedDigest: held.sealedDigest, receiptDigest });
    this.#lastHeld = undefined;
    this.#held.remove(sequence);
    this.#seg.files.File.delete(this.#segmentPath(held));
  }

  #append(frame: Uint8Array): void {
    appendCommitted(this.#o.files, this.#log, frame);
    this.#chainLength += frame.length;
  }

  #read(files: FlashFiles, path: string, size: number, offset: number, length: number): Uint8Array {
    const count = Math.max(0, Math.min(length, size - offset));
    if (count === 0) return new Uint8Array(0);
    const file = new files.File(path);
    try {
      return readAt(file, offset, count);
    } finally {
      file.close();
    }
  }

  #segmentPath(segment: HeldSegment): string {
    return `${this.#seg.root}segments/${segmentFileName(segment.recording, segment.segmentIndex)}`;
  }

  /**
   * One listing of segments/ at boot: the file of a release the power cut interrupted is
   * deleted now, and each held segment's file is looked up in the index as the listing goes
   * (bounded RAM). Only if fewer files than held segments were found are the held segments
   * checked one by one: one whose file is gone is set aside as missing.
   */
  #reconcileSegmentFiles(releasedAtTail: HeldSegment | undefined): HeldSegment[] {
    const { files, root } = this.#seg;
    const releasedName = releasedAtTail && segmentFileName(releasedAtTail.recording, releasedAtTail.segmentIndex);
    let deleteReleased = false;
    let found = 0;
    const listing = new files.Iterator(`${root}segments/`);
    for (let entry = listing.next(); entry; entry = listing.next()) {
      if (entry.name === releasedName) deleteReleased = true;
      const name = /^r(\d{6,})-s(\d{4,})\.seg$/.exec(entry.name);
      if (name && this.#held.findByName(Number(name[1]), Number(name[2]))) found++;
    }
    if (deleteReleased) files.File.delete(this.#segmentPath(releasedAtTail!));
    const missing: HeldSegment[] = [];
    if (found === this.#held.size) return missing;
    for (let page = this.#held.from(0, 64); page.length; page = this.#held.from(page.at(-1)!.sequence + 1, 64)) {
      for (const segment of page) {
        if (files.File.exists(this.#segmentPath(segment))) continue;
        missing.push(segment);
        this.#held.remove(segment.sequence);
      }
    }
    return missing;
  }

  /** Keeps the complete frames: copy them aside, then rename over chain.log (lfs_rename replaces atomically). */
  #cutTornTail(validLength: number): void {
    const { files } = this.#o;
    const source = new files.File(this.#log);
    const copy = new files.File(`${this.#log}.tmp`, true);
    try {
      for (let offset = 0; offset < validLength; offset += COPY_BYTES) {
        copy.write(readAt(source, offset, Math.min(COPY_BYTES, validLength - offset)));
      }
    } finally {
      copy.close();
      source.close();
    }
    files.File.rename(`${this.#log}.tmp`, this.#log);
  }
}
