// Chain records and their canonical bytes. Every field has a fixed width (texts a u8
// length), the decoder rejects anything it would not have produced itself, so one record
// has exactly one encoding and its hash is well defined. Layout: docs/FORMAT.md.
import { ByteReader, ByteWriter } from './bytes.js';
import { decodeEventPayload, encodeEventPayload, schemaForType, type ChainEvent } from './chain-events.js';
import { LEGAL_GROUNDS, NOTICE_INDICATOR_MASK, NOTICE_REASONS, isKnownCode } from './record-codes.js';

export const RECORD_FORMAT_VERSION = 1;
export const RECORD_KIND = Object.freeze({ segment: 1, event: 2, checkpoint: 3 });
/** Bytes before the kind-specific fields: version, kind, sequence, time. */
export const RECORD_HEADER_LENGTH = 14;
export const SIGNATURE_LENGTH = 64;
export const DEVICE_ID_LENGTH = 16;

interface RecordHeader {
  /** Position in the chain, from 0, without gaps. */
  sequence: number;
  /** Camera clock when the record was appended, ms since 1970-01-01 UTC. */
  time: number;
}

/** One closed, sealed segment of a recording. */
export interface SegmentRecord extends RecordHeader {
  kind: 'segment';
  recording: number;
  segmentIndex: number;
  startTime: number;
  endTime: number;
  legalGround: number;
  noticeIndicators: number;
  noticeReason: number;
  noticeText: string;
  sealedLength: number;
  sealedDigest: Uint8Array;
}

export interface EventRecord extends RecordHeader {
  kind: 'event';
  event: ChainEvent;
}

/** Signed statement: "this camera's chain had head `headLink` after `sequence` records". */
export interface CheckpointRecord extends RecordHeader {
  kind: 'checkpoint';
  deviceId: Uint8Array;
  headLink: Uint8Array;
  signature: Uint8Array;
}

export type ChainRecord = SegmentRecord | EventRecord | CheckpointRecord;

/** A record as callers build it: the chain assigns the sequence. */
export type NewSegmentRecord = Omit<SegmentRecord, 'sequence'>;
export type NewEventRecord = Omit<EventRecord, 'sequence'>;

export function encodeRecord(record: ChainRecord): Uint8Array {
  const w = new ByteWriter().u8(RECORD_FORMAT_VERSION).u8(RECORD_KIND[record.kind]).u32(record.sequence).u64(record.time);
  switch (record.kind) {
    case 'segment':
      checkSegment(record);
      w.u32(record.recording).u32(record.segmentIndex).u64(record.startTime).u64(record.endTime)
        .u8(record.legalGround).u8(record.noticeIndicators).u8(record.noticeReason)
        .u64(record.sealedLength).bytes(record.sealedDigest, 32).text(record.noticeText);
      break;
    case 'event': {
      const payload = encodeEventPayload(record.event);
      w.u16(schemaForType(record.event.type).code).u16(payload.length).bytes(payload);
      break;
    }
    case 'checkpoint':
      w.bytes(record.deviceId, DEVICE_ID_LENGTH).bytes(record.headLink, 32).bytes(record.signature, SIGNATURE_LENGTH);
      break;
  }
  return w.finish();
}

export function decodeRecord(bytes: Uint8Array): ChainRecord {
  const r = new ByteReader(bytes);
  const version = r.u8('format version');
  if (version !== RECORD_FORMAT_VERSION) throw new Error(`unsupported record format version ${version}`);
  const kindCode = r.u8('record kind');
  const sequence = r.u32('sequence');
  const time = r.u64('time');
  let record: ChainRecord;
  switch (kindCode) {
    case RECORD_KIND.segment: {
      record = {
        kind: 'segment', sequence, time,
        recording: r.u32('recording'), segmentIndex: r.u32('segment index'),
        startTime: r.u64('start time'), endTime: r.u64('end time'),
        legalGround: r.u8('legal ground'), noticeIndicators: r.u8('notice indicators'), noticeReason: r.u8('notice reason'),
        sealedLength: r.u64('sealed length'), sealedDigest: r.take(32, 'sealed digest'), noticeText: r.text('notice text'),
      };
      checkSegment(record);
      break;
    }
    case RECORD_KIND.event: {
      const code = r.u16('event type');
      const length = r.u16('payload length');
      record = { kind: 'event', sequence, time, event: decodeEventPayload(code, r.take(length, 'event payload')) };
      break;
    }
    case RECORD_KIND.checkpoint:
      record = {
        kind: 'checkpoint', sequence, time,
        deviceId: r.take(DEVICE_ID_LENGTH, 'device id'), headLink: r.take(32, 'head link'),
        signature: r.take(SIGNATURE_LENGTH, 'signature'),
      };
      break;
    default:
      throw new Error(`unknown record kind ${kindCode}`);
  }
  r.expectEnd(`${record.kind} record`);
  return record;
}

/** The invariants a segment record must satisfy to be encodable at all. */
function checkSegment(s: SegmentRecord): void {
  if (!isKnownCode(LEGAL_GROUNDS, s.legalGround)) throw new Error(`segment: legal ground ${s.legalGround} is not 0-9`);
  if ((s.noticeIndicators & ~NOTICE_INDICATOR_MASK) !== 0) throw new Error(`segment: invalid notice indicator bits ${s.noticeIndicators}`);
  if (!isKnownCode(NOTICE_REASONS, s.noticeReason)) throw new Error(`segment: unknown notice reason ${s.noticeReason}`);
  if (s.noticeReason === 0 && s.noticeIndicators === 0) throw new Error('segment: notice marked given but no indicator was on');
  if (s.endTime < s.startTime) throw new Error('segment: end time before start time');
}

/** A short human name for messages: "record #12 (segment: recording 3, segment 2)". */
export function describeRecord(record: ChainRecord): string {
  switch (record.kind) {
    case 'segment': return `record #${record.sequence} (segment: recording ${record.recording}, segment ${record.segmentIndex})`;
    case 'event': return `record #${record.sequence} (event: ${record.event.type})`;
    case 'checkpoint': return `record #${record.sequence} (checkpoint)`;
  }
}
