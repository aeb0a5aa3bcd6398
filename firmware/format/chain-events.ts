// Event payloads: each event type is a fixed list of fields, so one table drives the
// encoder, the strict decoder and docs/FORMAT.md alike.
import { ByteReader, ByteWriter } from './bytes.js';
import {
  CARD_CONDITIONS, CLOCK_SOURCES, DOCK_PHASES, LEGAL_GROUNDS, LOSS_REASONS, NOTICE_INDICATOR_MASK, NOTICE_REASONS,
  RESET_REASONS, START_MODES, STOP_REASONS, isKnownCode,
} from './record-codes.js';

export type ChainEvent =
  | { type: 'power-on'; resetReason: number; firmwareVersion: string }
  | { type: 'recording-start'; recording: number; legalGround: number; startMode: number }
  | { type: 'recording-stop'; recording: number; stopReason: number }
  | { type: 'ground-change'; recording: number; fromGround: number; toGround: number; reason: string }
  | { type: 'notice-failure'; recording: number; failedIndicators: number; noticeReason: number; text: string }
  | { type: 'dock-session'; phase: number; dockId: Uint8Array }
  | { type: 'release'; segmentSequence: number; sealedDigest: Uint8Array; receiptDigest: Uint8Array }
  | { type: 'clock-set'; previousTime: number; newTime: number; source: number }
  | { type: 'config-change-v1'; configDigest: Uint8Array; summary: string }
  | { type: 'config-change'; configDigest: Uint8Array; configuration: Uint8Array; summary: string }
  | { type: 'segment-lost'; recording: number; segmentIndex: number; lossReason: number }
  | { type: 'ground-unconfirmed'; recording: number; deadlineMs: number }
  | { type: 'storage-card'; condition: number; freeBytes: number; totalBytes: number };

export type ChainEventType = ChainEvent['type'];

/** u8 / u32 / u64 integers, fixed-size byte strings, u16-length-prefixed bytes, or u8-length-prefixed UTF-8 text. */
export type FieldKind = 'u8' | 'u32' | 'u64' | 'bytes16' | 'bytes32' | 'blob' | 'text';

export interface EventField {
  name: string;
  kind: FieldKind;
  /** For u8 codes: the table of allowed values. */
  codes?: Readonly<Record<number, unknown>>;
  /** For u8 bit masks: the bits allowed. */
  mask?: number;
}

export interface EventSchema {
  code: number;
  type: ChainEventType;
  fields: readonly EventField[];
}

const GROUND_1_TO_9 = Object.freeze(Object.fromEntries(Object.entries(LEGAL_GROUNDS).filter(([k]) => k !== '0')));

// Every schema, its field list and each field frozen: xsl keeps frozen tables in flash; an
// unfrozen object of a preloaded module is copied into RAM when first touched.
function schema(code: number, type: ChainEventType, fields: EventField[]): EventSchema {
  return Object.freeze({ code, type, fields: Object.freeze(fields.map((field) => Object.freeze(field))) });
}

export const EVENT_SCHEMAS: readonly EventSchema[] = Object.freeze([
  schema(1, 'power-on', [
    { name: 'resetReason', kind: 'u8', codes: RESET_REASONS }, { name: 'firmwareVersion', kind: 'text' }]),
  schema(2, 'recording-start', [
    { name: 'recording', kind: 'u32' }, { name: 'legalGround', kind: 'u8', codes: LEGAL_GROUNDS },
    { name: 'startMode', kind: 'u8', codes: START_MODES }]),
  schema(3, 'recording-stop', [
    { name: 'recording', kind: 'u32' }, { name: 'stopReason', kind: 'u8', codes: STOP_REASONS }]),
  schema(4, 'ground-change', [
    { name: 'recording', kind: 'u32' }, { name: 'fromGround', kind: 'u8', codes: LEGAL_GROUNDS },
    { name: 'toGround', kind: 'u8', codes: GROUND_1_TO_9 }, { name: 'reason', kind: 'text' }]),
  schema(5, 'notice-failure', [
    { name: 'recording', kind: 'u32' }, { name: 'failedIndicators', kind: 'u8', mask: NOTICE_INDICATOR_MASK },
    { name: 'noticeReason', kind: 'u8', codes: NOTICE_REASONS }, { name: 'text', kind: 'text' }]),
  schema(6, 'dock-session', [
    { name: 'phase', kind: 'u8', codes: DOCK_PHASES }, { name: 'dockId', kind: 'bytes16' }]),
  schema(7, 'release', [
    { name: 'segmentSequence', kind: 'u32' }, { name: 'sealedDigest', kind: 'bytes32' },
    { name: 'receiptDigest', kind: 'bytes32' }]),
  schema(8, 'clock-set', [
    { name: 'previousTime', kind: 'u64' }, { name: 'newTime', kind: 'u64' },
    { name: 'source', kind: 'u8', codes: CLOCK_SOURCES }]),
  // Written before the configuration itself went on the chain: its digest cannot be recomputed.
  schema(9, 'config-change-v1', [
    { name: 'configDigest', kind: 'bytes32' }, { name: 'summary', kind: 'text' }]),
  schema(10, 'segment-lost', [
    { name: 'recording', kind: 'u32' }, { name: 'segmentIndex', kind: 'u32' },
    { name: 'lossReason', kind: 'u8', codes: LOSS_REASONS }]),
  schema(11, 'ground-unconfirmed', [
    { name: 'recording', kind: 'u32' }, { name: 'deadlineMs', kind: 'u32' }]),
  schema(12, 'storage-card', [
    { name: 'condition', kind: 'u8', codes: CARD_CONDITIONS }, { name: 'freeBytes', kind: 'u64' }, { name: 'totalBytes', kind: 'u64' }]),
  schema(13, 'config-change', [
    { name: 'configDigest', kind: 'bytes32' }, { name: 'configuration', kind: 'blob' }, { name: 'summary', kind: 'text' }]),
]);

export function schemaForType(type: ChainEventType): EventSchema {
  for (const schema of EVENT_SCHEMAS) if (schema.type === type) return schema;
  throw new Error(`unknown event type "${type}"`);
}

export function schemaForCode(code: number): EventSchema | undefined {
  for (const schema of EVENT_SCHEMAS) if (schema.code === code) return schema;
  return undefined;
}

export function encodeEventPayload(event: ChainEvent): Uint8Array {
  const schema = schemaForType(event.type);
  const values = event as unknown as Record<string, unknown>;
  const writer = new ByteWriter();
  for (const field of schema.fields) {
    const value = values[field.name];
    checkCode(field, value, event.type);
    switch (field.kind) {
      case 'u8': writer.u8(value as number); break;
      case 'u32': writer.u32(value as number); break;
      case 'u64': writer.u64(value as number); break;
      case 'bytes16': writer.bytes(value as Uint8Array, 16); break;
      case 'bytes32': writer.bytes(value as Uint8Array, 32); break;
      case 'blob': writer.u16((value as Uint8Array).length).bytes(value as Uint8Array); break;
      case 'text': writer.text(value as string); break;
    }
  }
  return writer.finish();
}

export function decodeEventPayload(code: number, payload: Uint8Array): ChainEvent {
  const schema = schemaForCode(code);
  if (!schema) throw new Error(`unknown event type code ${code}`);
  const reader = new ByteReader(payload);
  const event: Record<string, unknown> = { type: schema.type };
  for (const field of schema.fields) {
    const what = `${schema.type} ${field.name}`;
    switch (field.kind) {
      case 'u8': event[field.name] = reader.u8(what); break;
      case 'u32': event[field.name] = reader.u32(what); break;
      case 'u64': event[field.name] = reader.u64(what); break;
      case 'bytes16': event[field.name] = reader.take(16, what); break;
      case 'bytes32': event[field.name] = reader.take(32, what); break;
      case 'blob': event[field.name] = reader.take(reader.u16(`${what} length`), what); break;
      case 'text': event[field.name] = reader.text(what); break;
    }
    checkCode(field, event[field.name], schema.type);
  }
  reader.expectEnd(`${schema.type} payload`);
  return event as unknown as ChainEvent;
}

function checkCode(field: EventField, value: unknown, type: string): void {
  if (field.codes && !isKnownCode(field.codes, value as number)) {
    throw new Error(`${type} ${field.name}: invalid code ${String(value)}`);
  }
  if (field.mask !== undefined && ((value as number) & ~field.mask) !== 0) {
    throw new Error(`${type} ${field.name}: invalid bits in mask ${String(value)}`);
  }
}
