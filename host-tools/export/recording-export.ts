// Export one recording as an investigator wants it: one playable file (segments joined
// without re-encoding, every missing segment a gap of its duration) and one sidecar that
// covers every segment, the grounds and their changes, the notice status, the clock correction
// and a chain proof anyone can check with the camera's public key (docs/FORMAT.md section 12).
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { CryptoPort } from '../../firmware/format/crypto-port.js';
import { toHex } from '../../firmware/format/bytes.js';
import { CLOCK_SOURCES, LEGAL_GROUNDS, LOSS_REASONS, MEDIA_TYPES, START_MODES, STOP_REASONS } from '../../firmware/format/record-codes.js';
import { SEGMENTS_DIR, segmentFileName } from '../evidence/evidence-layout.js';
import type { AgencyKey } from '../keys/key-files.js';
import { describeNotice } from '../verify/recording-tally.js';
import type { ChainEntry } from '../verify/verify-evidence.js';
import { readAviSegment } from './avi-segment-file.js';
import { chainProof, type RecordingFacts } from './recording-facts.js';
import { joinRecordingMedia, type MediaPiece } from './recording-media.js';
import { decryptSegmentFile, type DecryptedSegment } from './segment-decryption.js';

export interface RecordingExportContext {
  port: CryptoPort;
  agency: AgencyKey;
  /** The evidence directory the sealed segments are in (segments/). */
  dir: string;
  outDir: string;
  entries: readonly ChainEntry[];
  camera: { deviceId: Uint8Array; label: string; publicKey: Uint8Array };
  verified: boolean;
}

const iso = (ms: number): string => new Date(ms).toISOString();
const recordingBase = (recording: number): string => segmentFileName(recording, 0).replace(/-s\d+\.seg$/, '');

interface Missing { segmentIndex: number; reason: string }

/** Returns the media file written; throws (leaving nothing behind) if the recording cannot be exported. */
export function exportRecording(context: RecordingExportContext, facts: RecordingFacts): string {
  const base = recordingBase(facts.recording);
  const work = fs.mkdtempSync(path.join(context.outDir, `.${base}-work-`));
  try {
    const held: { segment: RecordingFacts['segments'][number]; decrypted: DecryptedSegment }[] = [];
    const missing: Missing[] = [];
    for (const segment of facts.segments) {
      const name = segmentFileName(segment.record.recording, segment.record.segmentIndex);
      const sealed = path.join(context.dir, SEGMENTS_DIR, name);
      if (!fs.existsSync(sealed)) {
        missing.push({ segmentIndex: segment.record.segmentIndex, reason: segment.released ? 'released to the dock: not on this storage (export it from the store)' : 'sealed file absent' });
        continue;
      }
      held.push({ segment, decrypted: decryptSegmentFile(context.port, context.agency, sealed, path.join(work, name.replace(/\.seg$/, ''))) });
    }
    for (const lost of facts.lost) missing.push({ segmentIndex: lost.event.segmentIndex, reason: `lost on the camera: ${LOSS_REASONS[lost.event.lossReason] ?? `reason ${lost.event.lossReason}`} (segment-lost, record #${lost.entry.record.sequence})` });
    missing.sort((a, b) => a.segmentIndex - b.segmentIndex);
    if (!held.length) throw new Error(`recording ${facts.recording}: no segment of it is on this storage`);
    const mediaTypes = new Set(held.map((h) => h.decrypted.header.mediaType));
    if (mediaTypes.size > 1) throw new Error(`recording ${facts.recording}: its segments hold different media types; export it with --segments`);
    const mediaType = held[0]!.decrypted.header.mediaType;
    const mediaFile = path.join(context.outDir, `${base}.${MEDIA_TYPES[mediaType]?.extension ?? 'bin'}`);
    if (fs.existsSync(mediaFile)) throw new Error(`${mediaFile} already exists; export into an empty directory`);
    const media = MEDIA_TYPES[mediaType]?.extension === 'avi' ? joinAvi(held, missing, facts, mediaFile) : concatenate(held, mediaFile);
    const sidecar = {
      format: 'chaincam-export/v2',
      verified: context.verified,
      deviceId: toHex(context.camera.deviceId),
      cameraLabel: context.camera.label,
      cameraPublicKey: toHex(context.camera.publicKey),
      recording: facts.recording,
      mediaFile: path.basename(mediaFile),
      mediaType: MEDIA_TYPES[mediaType]?.name,
      mediaLength: fs.statSync(mediaFile).size,
      mediaSha256: sha256File(mediaFile),
      ...describeTimes(facts),
      start: facts.start && { record: facts.start.entry.record.sequence, legalGround: facts.start.event.legalGround, legalGroundText: LEGAL_GROUNDS[facts.start.event.legalGround], startMode: START_MODES[facts.start.event.startMode] },
      stop: facts.stop && { record: facts.stop.entry.record.sequence, stopReason: STOP_REASONS[facts.stop.event.stopReason] ?? `reason ${facts.stop.event.stopReason}` },
      groundChanges: facts.groundChanges.map(({ entry, event }) => ({
        record: entry.record.sequence, recordedTime: iso(entry.record.time), from: event.fromGround, to: event.toGround, toText: LEGAL_GROUNDS[event.toGround], reason: event.reason,
      })),
      groundUnconfirmed: facts.unconfirmed.map(({ entry, event }) => ({ record: entry.record.sequence, deadlineMs: event.deadlineMs })),
      noticeFailures: facts.noticeFailures.map(({ entry, event }) => ({ record: entry.record.sequence, failedIndicators: event.failedIndicators, notice: describeNotice(0, event.noticeReason, event.text) })),
      segments: facts.segments.map(({ entry, record, released }) => {
        const h = held.find((x) => x.segment.record === record);
        const placed = media.placement.find((p) => p.segmentIndex === record.segmentIndex);
        return {
          segmentIndex: record.segmentIndex,
          record: entry.record.sequence,
          recordedStart: iso(record.startTime),
          recordedEnd: iso(record.endTime),
          legalGround: record.legalGround,
          notice: describeNotice(record.noticeIndicators, record.noticeReason, record.noticeText),
          sealedLength: record.sealedLength,
          sealedDigest: toHex(record.sealedDigest),
          released,
          inMedia: h ? { plaintextLength: h.decrypted.plaintextLength, plaintextSha256: toHex(h.decrypted.plaintextSha256), ...placed } : null,
        };
      }),
      gaps: media.gaps,
      chainProof: facts.proof ? chainProof(context.entries, facts.proof.first, facts.proof.last) : null,
    };
    fs.writeFileSync(path.join(context.outDir, `${base}.json`), `${JSON.stringify(sidecar, null, 2)}\n`, { flag: 'wx' });
    return mediaFile;
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

type Held = { segment: RecordingFacts['segments'][number]; decrypted: DecryptedSegment }[];
type Placed = { placement: { segmentIndex: number; firstFrame?: number; frames?: number; offset?: number; length?: number }[]; gaps: object[] };

function joinAvi(held: Held, missing: Missing[], facts: RecordingFacts, mediaFile: string): Placed {
  const avis = held.map((h) => ({
    index: h.segment.record.segmentIndex,
    record: h.segment.record,
    avi: readAviSegment(h.decrypted.file, `${SEGMENTS_DIR}/${segmentFileName(h.segment.record.recording, h.segment.record.segmentIndex)} (decrypted)`),
  }));
  const { fps, sampleRate } = avis[0]!.avi.streams;
  const frameMs = 1000 / fps;
  const pieces: MediaPiece[] = [];
  const gaps: object[] = [];
  // A gap spans from the end of what is held before it to the start of what is held after it
  // (the recording's start and stop at the edges), less the one frame interval between them.
  const addGap = (from: number, to: number, reasons: Missing[]): void => {
    const frames = Math.max(0, Math.round((to - from) / frameMs) - 1);
    const audioBytes = Math.round((frames * frameMs * sampleRate) / 1000) * 2;
    pieces.push({ kind: 'gap', frames, audioBytes });
    gaps.push({ segments: reasons.map((m) => ({ segmentIndex: m.segmentIndex, reason: m.reason })), recordedFrom: iso(from), recordedTo: iso(to), emptyFrames: frames, silenceBytes: audioBytes });
  };
  let previousEnd = facts.start ? facts.start.entry.record.time - frameMs : avis[0]!.record.startTime - frameMs;
  let nextIndex = 0;
  for (const { index, record, avi } of avis) {
    const skipped = missing.filter((m) => m.segmentIndex >= nextIndex && m.segmentIndex < index);
    if (skipped.length) addGap(previousEnd, record.startTime, skipped);
    pieces.push({ kind: 'segment', segmentIndex: index, avi });
    previousEnd = record.endTime;
    nextIndex = index + 1;
  }
  // After the last held segment nothing needs keeping in step, and a segment lost to a power
  // cut has no known end (the stop is recorded at the next boot): listed, not padded.
  const trailing = missing.filter((m) => m.segmentIndex >= nextIndex);
  if (trailing.length) {
    gaps.push({ segments: trailing.map((m) => ({ segmentIndex: m.segmentIndex, reason: m.reason })), recordedFrom: iso(previousEnd), recordedTo: null, emptyFrames: 0, silenceBytes: 0, note: 'at the end of the recording: its duration is not known, so nothing was added to the media' });
  }
  return { placement: joinRecordingMedia(pieces, mediaFile).placement, gaps };
}

/** Opaque segments (no known container) are joined byte for byte; the sidecar gives each one's range. */
function concatenate(held: Held, mediaFile: string): Placed {
  const partial = `${mediaFile}.partial`;
  const placement: Placed['placement'] = [];
  let offset = 0;
  try {
    for (const { segment, decrypted } of held) {
      const bytes = fs.readFileSync(decrypted.file);
      fs.appendFileSync(partial, bytes, { mode: 0o600 });
      placement.push({ segmentIndex: segment.record.segmentIndex, offset, length: bytes.length });
      offset += bytes.length;
    }
    fs.renameSync(partial, mediaFile);
  } catch (error) {
    fs.rmSync(partial, { force: true });
    throw error;
  }
  return { placement, gaps: [] };
}

/** Recorded times as the camera stamped them, and corrected by the offset the next docking measured. */
function describeTimes(facts: RecordingFacts): object {
  const first = facts.start?.entry.record.time ?? facts.segments[0]?.record.startTime;
  const last = facts.stop?.entry.record.time ?? facts.segments.at(-1)?.record.endTime;
  const times = { recordedStart: first === undefined ? null : iso(first), recordedStop: last === undefined ? null : iso(last) };
  if (!facts.clockSet) return { ...times, clock: { corrected: false, note: 'no clock setting after this recording is on the chain: times are as the camera recorded them' } };
  const { event, entry } = facts.clockSet;
  const offsetMs = event.newTime - event.previousTime;
  return {
    ...times,
    correctedStart: first === undefined ? null : iso(first + offsetMs),
    correctedStop: last === undefined ? null : iso(last + offsetMs),
    clock: {
      corrected: true,
      offsetMs,
      setBy: { record: entry.record.sequence, source: CLOCK_SOURCES[event.source] ?? `source ${event.source}`, previousTime: iso(event.previousTime), newTime: iso(event.newTime) },
      note: 'corrected = recorded + offsetMs: the camera clock\'s error as measured at the next clock setting after the recording (its drift during the recording is not known)',
    },
  };
}

function sha256File(file: string): string {
  const hash = crypto.createHash('sha256');
  const fd = fs.openSync(file, 'r');
  try {
    const buffer = Buffer.allocUnsafe(1024 * 1024);
    for (let n; (n = fs.readSync(fd, buffer, 0, buffer.length, null)) > 0; ) hash.update(buffer.subarray(0, n));
  } finally {
    fs.closeSync(fd);
  }
  return hash.digest('hex');
}
