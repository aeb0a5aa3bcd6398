// The evidence script the XS fixture (test/fixtures/firmware/evidence-writer.ts) and the
// Node encoder both run, so their bytes can be compared. Footage chunk i of a segment is
// filled with (i * 37 + salt) & 0xff, as the fixture's "prepare" command makes it.
import type { ChainEvent } from '../../firmware/format/chain-events.js';

export const T0 = Date.UTC(2026, 2, 1, 9, 0, 0);

export function footageChunks(chunks: number, chunkBytes: number, salt: number): Uint8Array[] {
  return Array.from({ length: chunks }, (_, i) => new Uint8Array(chunkBytes).fill((i * 37 + salt) & 0xff));
}

export type ScriptStep =
  | { op: 'event'; time: number; event: ChainEvent }
  | { op: 'checkpoint'; time: number }
  | { op: 'segment'; recording: number; segmentIndex: number; startTime: number; endTime: number; legalGround: number;
      noticeIndicators: number; chunks: number; chunkBytes: number; salt: number };

export const EVIDENCE_SCRIPT: ScriptStep[] = [
  { op: 'event', time: T0, event: { type: 'power-on', resetReason: 1, firmwareVersion: '0.1.0' } },
  { op: 'checkpoint', time: T0 },
  { op: 'event', time: T0 + 1000, event: { type: 'recording-start', recording: 1, legalGround: 1, startMode: 1 } },
  { op: 'segment', recording: 1, segmentIndex: 0, startTime: T0 + 1000, endTime: T0 + 11_000, legalGround: 1, noticeIndicators: 7, chunks: 5, chunkBytes: 1000, salt: 3 },
  { op: 'checkpoint', time: T0 + 11_000 },
  { op: 'segment', recording: 1, segmentIndex: 1, startTime: T0 + 11_000, endTime: T0 + 14_500, legalGround: 1, noticeIndicators: 7, chunks: 3, chunkBytes: 777, salt: 9 },
  { op: 'event', time: T0 + 14_500, event: { type: 'recording-stop', recording: 1, stopReason: 1 } },
  { op: 'checkpoint', time: T0 + 14_500 },
];
