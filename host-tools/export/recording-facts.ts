// What the verified chain says about one recording: its start and stop, every ground in force
// and each change, notice failures, its segments (held, released or lost), the clock correction
// the next docking measured, and the span of chain records that proves all of it.
import type { CheckpointRecord, SegmentRecord } from '../../firmware/format/chain-records.js';
import type { ChainEvent } from '../../firmware/format/chain-events.js';
import type { ChainEntry } from '../verify/verify-evidence.js';

type EventOf<T extends ChainEvent['type']> = Extract<ChainEvent, { type: T }>;

export interface RecordingFacts {
  recording: number;
  start?: { entry: ChainEntry; event: EventOf<'recording-start'> };
  stop?: { entry: ChainEntry; event: EventOf<'recording-stop'> };
  groundChanges: { entry: ChainEntry; event: EventOf<'ground-change'> }[];
  noticeFailures: { entry: ChainEntry; event: EventOf<'notice-failure'> }[];
  unconfirmed: { entry: ChainEntry; event: EventOf<'ground-unconfirmed'> }[];
  segments: { entry: ChainEntry; record: SegmentRecord; released: boolean }[];
  lost: { entry: ChainEntry; event: EventOf<'segment-lost'> }[];
  /** The first clock-set after the recording: its offset applies to the times recorded before it. */
  clockSet?: { entry: ChainEntry; event: EventOf<'clock-set'> };
  /** Index range [first, last] in the chain of the records that prove the recording, ending at a checkpoint. */
  proof?: { first: number; last: number };
}

const recordingOf = (event: ChainEvent): number | undefined => ('recording' in event ? event.recording : undefined);

export function recordingFacts(entries: readonly ChainEntry[]): Map<number, RecordingFacts> {
  const facts = new Map<number, RecordingFacts>();
  const of = (recording: number): RecordingFacts => {
    let f = facts.get(recording);
    if (!f) {
      f = { recording, groundChanges: [], noticeFailures: [], unconfirmed: [], segments: [], lost: [] };
      facts.set(recording, f);
    }
    return f;
  };
  const bySequence = new Map<number, RecordingFacts['segments'][number]>();
  const span = new Map<number, { first: number; last: number }>();
  entries.forEach((entry, i) => {
    const record = entry.record;
    let recording: number | undefined;
    if (record.kind === 'segment') {
      recording = record.recording;
      const segment = { entry, record, released: false };
      of(recording).segments.push(segment);
      bySequence.set(record.sequence, segment);
    } else if (record.kind === 'event') {
      const event = record.event;
      recording = recordingOf(event);
      if (event.type === 'release') {
        const segment = bySequence.get(event.segmentSequence);
        if (segment) segment.released = true;
      } else if (event.type === 'clock-set') {
        for (const f of facts.values()) if (!f.clockSet && f.stop) f.clockSet = { entry, event };
      } else if (recording !== undefined) {
        const f = of(recording);
        if (event.type === 'recording-start') f.start = { entry, event };
        if (event.type === 'recording-stop') f.stop = { entry, event };
        if (event.type === 'ground-change') f.groundChanges.push({ entry, event });
        if (event.type === 'notice-failure') f.noticeFailures.push({ entry, event });
        if (event.type === 'ground-unconfirmed') f.unconfirmed.push({ entry, event });
        if (event.type === 'segment-lost') f.lost.push({ entry, event });
      }
    }
    if (recording !== undefined) {
      const s = span.get(recording);
      span.set(recording, { first: s?.first ?? i, last: i });
    }
  });
  for (const f of facts.values()) {
    const s = span.get(f.recording);
    if (!s) continue;
    const through = f.clockSet ? Math.max(s.last, entries.indexOf(f.clockSet.entry)) : s.last;
    const checkpoint = entries.findIndex((e, i) => i >= through && e.record.kind === 'checkpoint');
    if (checkpoint >= 0) f.proof = { first: s.first, last: checkpoint };
  }
  for (const f of facts.values()) f.segments.sort((a, b) => a.record.segmentIndex - b.record.segmentIndex);
  return facts;
}

/** The chain proof of FORMAT.md section 12: records, links, and the checkpoint that signs them. */
export function chainProof(entries: readonly ChainEntry[], first: number, last: number): object {
  const checkpoint = entries[last]!.record as CheckpointRecord;
  return {
    method: 'docs/FORMAT.md section 12: link[i] = SHA-256("chaincam/link/v1" 00 || link[i-1] || record[i]) from previousLink (section 8); the checkpoint signs its head link (section 6.3)',
    previousLink: Buffer.from(entries[first]!.previousLink).toString('hex'),
    records: entries.slice(first, last + 1).map((e) => ({
      sequence: e.record.sequence, kind: e.record.kind, record: Buffer.from(e.body).toString('hex'), link: Buffer.from(e.link).toString('hex'),
    })),
    checkpoint: {
      sequence: checkpoint.sequence, time: checkpoint.time,
      headLink: Buffer.from(checkpoint.headLink).toString('hex'), signature: Buffer.from(checkpoint.signature).toString('hex'),
    },
  };
}
