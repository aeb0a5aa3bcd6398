// Boot-time reading of chain.log: finds the head (sequence and link after the last complete
// frame), what a power cut left open, a torn final frame to cut off, and which sealed
// segments are still held (recorded and not released), which it writes to the held-segment
// index on flash. Reads frame by frame (length, then body and link): RAM does not grow with
// the chain or with the segments held.
import { CHAIN_LOG_MAGIC, MAX_RECORD_LENGTH } from '../format/chain-log.js';
import { bytesEqual } from '../format/bytes.js';
import { decodeRecord } from '../format/chain-records.js';
import type { ChainHead } from '../format/chain.js';
import { readAt, type FlashFiles } from './flash-files.js';
import type { HeldSegments, HeldSegment } from './held-segments.js';

export interface OpenRecordingAtCut {
  recording: number;
  /** Index of the segment that was being recorded (the last closed one + 1). */
  openSegment: number;
  /**
   * False when the recording's last record is a segment-lost: its loss is already on the record
   * and no segment opens after a loss (the recording stops), so a cut before the stop lost nothing more.
   */
  segmentOpen: boolean;
}

export interface ChainLogScan {
  /** After the last complete frame; undefined when there is none (a new chain starts at genesis). */
  head?: ChainHead;
  /** Bytes of complete frames (magic included); anything after is torn. */
  validLength: number;
  fileLength: number;
  lastRecording: number;
  /** A recording started and never stopped: the power went off during it. */
  open?: OpenRecordingAtCut;
  /**
   * The segment a release event freed when that event is the chain's last record: a power
   * cut may have fallen between the event and deleting the file (EvidenceStore.release).
   */
  releasedAtTail?: HeldSegment;
  /** The configuration digest of the chain's last config-change event. */
  lastConfigDigest?: Uint8Array;
}

/** Reads chain.log at `path`; `held` (empty) receives every segment record no release event freed. */
export function scanChainLog(files: FlashFiles, path: string, held: HeldSegments): ChainLogScan {
  let file;
  try {
    file = new files.File(path);
  } catch {
    return { validLength: 0, fileLength: 0, lastRecording: 0 };
  }
  try {
    const fileLength = file.length;
    if (fileLength < CHAIN_LOG_MAGIC.length || !bytesEqual(readAt(file, 0, CHAIN_LOG_MAGIC.length), CHAIN_LOG_MAGIC)) {
      return { validLength: 0, fileLength, lastRecording: 0 };
    }
    let offset = CHAIN_LOG_MAGIC.length;
    let sequence = 0;
    let link: Uint8Array | undefined;
    let lastRecording = 0;
    let open: OpenRecordingAtCut | undefined;
    let releasedAtTail: HeldSegment | undefined;
    let lastConfigDigest: Uint8Array | undefined;
    while (fileLength - offset >= 4) {
      const header = readAt(file, offset, 4);
      const length = ((header[0]! << 24) | (header[1]! << 16) | (header[2]! << 8) | header[3]!) >>> 0;
      if (length === 0 || length > MAX_RECORD_LENGTH || fileLength - offset < 4 + length + 32) break;
      const frame = readAt(file, offset + 4, length + 32);
      const record = decodeRecord(frame.subarray(0, length));
      if (record.sequence !== sequence) throw new Error(`chain.log frame at ${offset} has sequence ${record.sequence}, expected ${sequence}: the log is damaged; have it verified at the dock`);
      releasedAtTail = undefined;
      if (record.kind === 'segment') {
        open = { recording: record.recording, openSegment: record.segmentIndex + 1, segmentOpen: true };
        held.add({
          sequence: record.sequence, recording: record.recording, segmentIndex: record.segmentIndex,
          sealedLength: record.sealedLength, sealedDigest: record.sealedDigest,
        }, false);
      } else if (record.kind === 'event') {
        const e = record.event;
        if (e.type === 'recording-start') {
          open = { recording: e.recording, openSegment: 0, segmentOpen: true };
          lastRecording = Math.max(lastRecording, e.recording);
        } else if (e.type === 'segment-lost' && open && open.recording === e.recording) {
          open = { recording: e.recording, openSegment: e.segmentIndex + 1, segmentOpen: false };
        } else if (e.type === 'recording-stop') {
          open = undefined;
        } else if (e.type === 'release') {
          releasedAtTail = held.remove(e.segmentSequence);
        } else if (e.type === 'config-change') {
          lastConfigDigest = e.configDigest.slice();
        }
      }
      link = frame.slice(length, length + 32);
      sequence++;
      offset += 4 + length + 32;
    }
    held.flush();
    return { head: link ? { sequence, link } : undefined, validLength: offset, fileLength, lastRecording, open, releasedAtTail, lastConfigDigest };
  } finally {
    file.close();
  }
}
