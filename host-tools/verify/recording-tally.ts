// What verify learns about recordings while it walks the chain: segment continuity (a gap
// must be explained by a segment-lost event), releases, grounds and notice status.
import { toHex } from '../../firmware/format/bytes.js';
import type { ChainRecord, SegmentRecord } from '../../firmware/format/chain-records.js';
import { NOTICE_INDICATOR_MASK, NOTICE_INDICATORS, NOTICE_REASONS } from '../../firmware/format/record-codes.js';

export interface SegmentFinding {
  sequence: number;
  segmentIndex: number;
  startTime: number;
  endTime: number;
  legalGround: number;
  notice: string;
  noticeGiven: boolean;
  sealedLength: number;
  sealedDigest: string;
  /** verified: file present and matching; released: offloaded with a receipt; absent: not yet resolved. */
  file: 'verified' | 'released' | 'absent';
}

export interface RecordingFinding {
  recording: number;
  startTime?: number;
  stopTime?: number;
  startMode?: number;
  stopReason?: number;
  /** Grounds in force, in order: the start ground, then each change. */
  grounds: number[];
  segments: SegmentFinding[];
  lostSegments: number[];
  noticeFailures: string[];
  /** The camera's configuration when the recording started (the chain's last config-change before it). */
  configuration?: string;
  /**
   * The camera clock's error measured at the first clock setting after the recording stopped:
   * corrected time = recorded time + offsetMs. Absent until a dock (or other source) sets the clock.
   */
  clockCorrection?: { offsetMs: number; sequence: number };
}

type Key = string;
const key = (recording: number, segmentIndex: number): Key => `${recording}/${segmentIndex}`;

export function describeNotice(indicators: number, reason: number, text: string): string {
  const on = Object.entries(NOTICE_INDICATORS).filter(([, bit]) => indicators & bit).map(([name]) => name);
  const channels = on.length ? on.join('+') : 'no indicator';
  if (reason === 0) return `given (${channels})`;
  return `NOT given: ${NOTICE_REASONS[reason] ?? `reason ${reason}`}${text ? ` "${text}"` : ''} (${channels})`;
}

export class RecordingTally {
  #recordings = new Map<number, RecordingFinding>();
  #lastIndex = new Map<number, number>();
  #segments = new Map<Key, SegmentRecord>();
  #lost = new Set<Key>();
  #released = new Set<number>();
  #absent: SegmentRecord[] = [];
  #notes: string[] = [];
  #configuration: string | undefined;
  #previous: { time: number; sequence: number; clockSetTo?: number } | undefined;

  #recording(recording: number): RecordingFinding {
    let finding = this.#recordings.get(recording);
    if (!finding) {
      finding = { recording, grounds: [], segments: [], lostSegments: [], noticeFailures: [] };
      this.#recordings.set(recording, finding);
    }
    return finding;
  }

  /** Returns what is wrong with the record in context, or undefined. */
  add(record: ChainRecord, earlier: readonly { record: ChainRecord }[]): string | undefined {
    this.#checkTime(record);
    if (record.kind === 'segment') return this.#addSegment(record);
    if (record.kind !== 'event') return undefined;
    const event = record.event;
    switch (event.type) {
      case 'recording-start': {
        const finding = this.#recording(event.recording);
        if (finding.startTime !== undefined) return `recording ${event.recording} was already started`;
        finding.startTime = record.time;
        finding.startMode = event.startMode;
        finding.grounds.push(event.legalGround);
        finding.configuration = this.#configuration;
        return undefined;
      }
      case 'clock-set':
        for (const finding of this.#recordings.values()) {
          if (finding.stopTime !== undefined && !finding.clockCorrection) finding.clockCorrection = { offsetMs: event.newTime - event.previousTime, sequence: record.sequence };
        }
        return undefined;
      case 'config-change':
        this.#configuration = event.summary;
        return undefined;
      case 'config-change-v1':
        this.#configuration = `${event.summary} (recorded by digest only; its configuration is not on the chain)`;
        return undefined;
      case 'recording-stop': {
        const finding = this.#recording(event.recording);
        finding.stopTime = record.time;
        finding.stopReason = event.stopReason;
        return undefined;
      }
      case 'ground-change':
        this.#recording(event.recording).grounds.push(event.toGround);
        return undefined;
      case 'notice-failure':
        this.#recording(event.recording).noticeFailures.push(describeNotice(NOTICE_INDICATOR_MASK & ~event.failedIndicators, event.noticeReason, event.text));
        return undefined;
      case 'segment-lost': {
        const k = key(event.recording, event.segmentIndex);
        if (this.#segments.has(k)) return `names segment ${event.segmentIndex} of recording ${event.recording} as lost, but it has a record`;
        // A loss takes its segment's place in the recording, so it continues the recording as a
        // segment record would: a loss may not skip a segment nothing accounts for.
        const problem = this.#continues(event.recording, event.segmentIndex);
        if (problem) return problem;
        this.#lost.add(k);
        this.#recording(event.recording).lostSegments.push(event.segmentIndex);
        return undefined;
      }
      case 'release': {
        const target = earlier[event.segmentSequence]?.record;
        if (event.segmentSequence >= record.sequence || !target || target.kind !== 'segment') {
          return `releases record #${event.segmentSequence}, which is not an earlier segment record`;
        }
        if (toHex(target.sealedDigest) !== toHex(event.sealedDigest)) return `releases record #${event.segmentSequence} with a different sealed digest`;
        this.#released.add(event.segmentSequence);
        return undefined;
      }
      default:
        return undefined;
    }
  }

  /**
   * Record times follow the camera's clock, which only a clock setting may move backwards: any
   * other step back is noted (the times around it cannot be trusted as recorded).
   */
  #checkTime(record: ChainRecord): void {
    const previous = this.#previous;
    this.#previous = { time: record.time, sequence: record.sequence, clockSetTo: record.kind === 'event' && record.event.type === 'clock-set' ? record.event.newTime : undefined };
    if (!previous || record.time >= previous.time) return;
    if (previous.clockSetTo !== undefined && record.time >= previous.clockSetTo) return;
    this.#notes.push(`time runs backwards at record #${record.sequence}: ${new Date(record.time).toISOString()} after ${new Date(previous.time).toISOString()} at record #${previous.sequence}, with no clock setting between them; the camera's clock was not monotonic, so its times here are not reliable`);
  }

  /** FORMAT.md 10 step 5: each segment of a recording, recorded or lost, follows the last one (its index + 1). */
  #continues(recording: number, segmentIndex: number): string | undefined {
    const last = this.#lastIndex.get(recording) ?? -1;
    if (segmentIndex <= last) return `segment ${segmentIndex} of recording ${recording} repeats or goes back (segment ${last} came before)`;
    // A loss moves `last` on too, so any index skipped here has neither a record nor a loss.
    if (segmentIndex > last + 1) return `gap: segment ${last + 1} of recording ${recording} has no record and no segment-lost event before this one`;
    this.#lastIndex.set(recording, segmentIndex);
    return undefined;
  }

  #addSegment(record: SegmentRecord): string | undefined {
    const { recording, segmentIndex } = record;
    const problem = this.#continues(recording, segmentIndex);
    if (problem) return problem;
    this.#segments.set(key(recording, segmentIndex), record);
    this.#recording(recording).segments.push({
      sequence: record.sequence, segmentIndex, startTime: record.startTime, endTime: record.endTime,
      legalGround: record.legalGround, notice: describeNotice(record.noticeIndicators, record.noticeReason, record.noticeText),
      noticeGiven: record.noticeReason === 0, sealedLength: record.sealedLength, sealedDigest: toHex(record.sealedDigest),
      file: 'absent',
    });
    return undefined;
  }

  #finding(record: SegmentRecord): SegmentFinding {
    return this.#recordings.get(record.recording)!.segments.find((s) => s.sequence === record.sequence)!;
  }

  fileVerified(record: SegmentRecord): void {
    this.#finding(record).file = 'verified';
  }

  fileAbsent(record: SegmentRecord): void {
    this.#absent.push(record);
  }

  /** The first absent segment file that no release accounts for. */
  missingFiles(): SegmentRecord | undefined {
    for (const record of this.#absent) {
      if (!this.#released.has(record.sequence)) return record;
      this.#finding(record).file = 'released';
    }
    return undefined;
  }

  hasSegment(recording: number, segmentIndex: number): boolean {
    return this.#segments.has(key(recording, segmentIndex));
  }

  isLost(recording: number, segmentIndex: number): boolean {
    return this.#lost.has(key(recording, segmentIndex));
  }

  addNote(note: string): void {
    this.#notes.push(note);
  }

  notes(): string[] {
    const notes = [...this.#notes];
    for (const finding of this.#recordings.values()) {
      if (finding.startTime === undefined) notes.push(`recording ${finding.recording}: no recording-start event in this chain`);
      if (finding.grounds.length > 0 && finding.grounds[finding.grounds.length - 1] === 0) {
        notes.push(`recording ${finding.recording}: the legal ground was never confirmed after the emergency start`);
      }
    }
    return notes;
  }

  findings(): RecordingFinding[] {
    return [...this.#recordings.values()].sort((a, b) => a.recording - b.recording);
  }
}
