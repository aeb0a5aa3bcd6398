// The bench commands' arguments and results (docs/PROTOCOL.md section 3.1): what a bench
// station sends inside BENCH and reads back from BENCH-REPLY, shared by the camera's handler
// (firmware/dock/bench-commands.ts) and `chaincam bench --port`. Codes are part of the
// protocol: never renumber, only append.
import { ByteReader, ByteWriter, decodeUtf8, encodeUtf8 } from './bytes.js';

export const BENCH_COMMAND = Object.freeze({ echo: 0x01, status: 0x02, press: 0x03, journal: 0x04, selfTest: 0x05 });

export const BENCH_STATUS = Object.freeze({ ok: 0, unknownCommand: 1, badArgument: 2, refused: 3 });

/** What each indicator journal entry records. */
export const JOURNAL_KIND = Object.freeze({
  led: 0x01, tone: 0x02, sign: 0x03,
  recordingStart: 0x10, recordingStop: 0x11, noticeFailure: 0x12, groundUnconfirmed: 0x13, groundChange: 0x14,
});

export const JOURNAL_FLAG = Object.freeze({ driverFailed: 0x01, elapsedOnly: 0x02 });

export const SIGN_SCREEN = Object.freeze({ ready: 1, recording: 2, noticeNotGiven: 3, lowStorage: 4, choice: 5, unprovisioned: 6, card: 7 });

export const CHOICE_PURPOSES = Object.freeze(['start', 'confirm', 'change'] as const);

export const RECORDER_STATES = Object.freeze(['off', 'ready', 'recording', 'stopping'] as const);

export const SIGN_COLOURS = Object.freeze({ none: 0, monochrome: 1, rgb565: 2 });

export const JOURNAL_ENTRY_LENGTH = 12;
const JOURNAL_PAGE_HEADER = 9;
/** Entries in one journal page: a BENCH-REPLY result holds at most 255 bytes. */
export const MAX_JOURNAL_ENTRIES = Math.floor((255 - JOURNAL_PAGE_HEADER) / JOURNAL_ENTRY_LENGTH);
export const MAX_PRESS_MS = 60_000;
/** Presses in one PRESS sequence at most (a ground's taps and the long press that starts it). */
export const MAX_PRESSES = 16;

export interface BenchStatus {
  /** Time.ticks modulo 2^32: the camera's milliseconds since boot. */
  ticks: number;
  /** The index the next journal entry will get (entries are numbered from 0 at boot). */
  journalNext: number;
  journalCapacity: number;
  recorderState: (typeof RECORDER_STATES)[number];
  signWidth: number;
  signHeight: number;
  signColour: number;
  board: string;
  profile: string;
}

export interface JournalEntry {
  index: number;
  /** Camera ticks (mod 2^32) when the firmware drove the channel or recorded the event. */
  ticks: number;
  kind: number;
  flags: number;
  a: number;
  b: number;
  value: number;
}

export interface JournalPage {
  /** Index of the first entry in the page: above the one asked for if the ring overwrote those. */
  first: number;
  next: number;
  entries: JournalEntry[];
}

export function encodeBenchStatus(s: BenchStatus): Uint8Array {
  const state = RECORDER_STATES.indexOf(s.recorderState);
  if (state < 0) throw new Error(`unknown recorder state ${s.recorderState}`);
  return new ByteWriter().u32(s.ticks).u32(s.journalNext).u16(s.journalCapacity).u8(state)
    .u16(s.signWidth).u16(s.signHeight).u8(s.signColour).text(s.board).text(s.profile).finish();
}

export function decodeBenchStatus(bytes: Uint8Array): BenchStatus {
  const r = new ByteReader(bytes);
  const status: BenchStatus = {
    ticks: r.u32('ticks'), journalNext: r.u32('journal next'), journalCapacity: r.u16('journal capacity'),
    recorderState: RECORDER_STATES[r.u8('recorder state')] ?? fail('recorder state is not 0-3'),
    signWidth: r.u16('sign width'), signHeight: r.u16('sign height'), signColour: r.u8('sign colour'),
    board: r.text('board name'), profile: r.text('profile'),
  };
  r.expectEnd('bench status');
  return status;
}

/** One press of a PRESS sequence: released `gapMs` before it (0 for the first), then held `holdMs`. */
export interface BenchPress {
  gapMs: number;
  holdMs: number;
}

/**
 * PRESS: hold the button `holdMs` (1 ms .. 60 s); then, for each of `then`, release it `gapMs`
 * (1 ms .. 60 s) and hold it again. The camera times the whole sequence on its own clock, so a
 * slow host or link cannot stretch the gaps between a ground's taps.
 */
export function encodePressArgument(holdMs: number, then: readonly BenchPress[] = []): Uint8Array {
  if (then.length + 1 > MAX_PRESSES) throw new RangeError(`a bench press sequence has at most ${MAX_PRESSES} presses, not ${then.length + 1}`);
  const w = new ByteWriter().u16(checkPress(holdMs));
  for (const p of then) w.u16(checkGap(p.gapMs)).u16(checkPress(p.holdMs));
  return w.finish();
}

export function decodePressArgument(bytes: Uint8Array): BenchPress[] {
  if (bytes.length > 2 && (bytes.length - 2) % 4 !== 0) throw new Error(`press argument of ${bytes.length} bytes: it is a hold (2 bytes), then a gap and a hold (4 bytes) for each further press`);
  const r = new ByteReader(bytes);
  const presses: BenchPress[] = [{ gapMs: 0, holdMs: checkPress(r.u16('hold ms')) }];
  while (r.remaining > 0) {
    if (presses.length === MAX_PRESSES) throw new RangeError(`a bench press sequence has at most ${MAX_PRESSES} presses`);
    const gapMs = checkGap(r.u16('gap ms'));
    presses.push({ gapMs, holdMs: checkPress(r.u16('hold ms')) });
  }
  r.expectEnd('press argument');
  return presses;
}

/** PRESS and SELF-TEST answer with the camera ticks at which they began. */
export function encodeTicks(ticks: number): Uint8Array {
  return new ByteWriter().u32(ticks).finish();
}

export function decodeTicks(bytes: Uint8Array): number {
  const r = new ByteReader(bytes);
  const ticks = r.u32('ticks');
  r.expectEnd('ticks result');
  return ticks;
}

export function encodeJournalArgument(from: number): Uint8Array {
  return new ByteWriter().u32(from).finish();
}

export function decodeJournalArgument(bytes: Uint8Array): number {
  const r = new ByteReader(bytes);
  const from = r.u32('from index');
  r.expectEnd('journal argument');
  return from;
}

/** Lays out a page; `entry(k, view, offset)` writes the k-th entry with writeJournalEntry. */
export function encodeJournalPage(first: number, next: number, count: number, entry: (k: number, view: DataView, offset: number) => void): Uint8Array {
  if (count > MAX_JOURNAL_ENTRIES) throw new Error(`a journal page holds at most ${MAX_JOURNAL_ENTRIES} entries`);
  const bytes = new Uint8Array(JOURNAL_PAGE_HEADER + count * JOURNAL_ENTRY_LENGTH);
  const view = new DataView(bytes.buffer);
  view.setUint32(0, first >>> 0);
  view.setUint32(4, next >>> 0);
  bytes[8] = count;
  for (let k = 0; k < count; k++) entry(k, view, JOURNAL_PAGE_HEADER + k * JOURNAL_ENTRY_LENGTH);
  return bytes;
}

export function writeJournalEntry(view: DataView, offset: number, ticks: number, kind: number, flags: number, a: number, b: number, value: number): void {
  view.setUint32(offset, ticks >>> 0);
  view.setUint8(offset + 4, kind);
  view.setUint8(offset + 5, flags);
  view.setUint8(offset + 6, a);
  view.setUint8(offset + 7, b);
  view.setUint32(offset + 8, value >>> 0);
}

export function decodeJournalPage(bytes: Uint8Array): JournalPage {
  const r = new ByteReader(bytes);
  const first = r.u32('first index');
  const next = r.u32('next index');
  const count = r.u8('count');
  if (count > MAX_JOURNAL_ENTRIES) throw new Error(`journal page count ${count} exceeds ${MAX_JOURNAL_ENTRIES}`);
  const entries: JournalEntry[] = [];
  for (let k = 0; k < count; k++) {
    entries.push({ index: first + k, ticks: r.u32('ticks'), kind: r.u8('kind'), flags: r.u8('flags'), a: r.u8('a'), b: r.u8('b'), value: r.u32('value') });
  }
  r.expectEnd('journal page');
  if (first + count > next) throw new Error(`journal page runs past the camera's next index (${first}+${count} > ${next})`);
  return { first, next, entries };
}

/** A refusal's result: what was wrong, for the bench tester (UTF-8, cut to 255 bytes). */
export function encodeBenchProblem(text: string): Uint8Array {
  const bytes = encodeUtf8(text);
  return bytes.length <= 255 ? bytes : bytes.subarray(0, 255);
}

export function decodeBenchProblem(bytes: Uint8Array): string {
  try {
    return decodeUtf8(bytes);
  } catch {
    return `(${bytes.length} bytes that are not UTF-8)`;
  }
}

function checkGap(gapMs: number): number {
  if (!Number.isInteger(gapMs) || gapMs < 1 || gapMs > MAX_PRESS_MS) throw new RangeError(`a bench press sequence releases the button 1-${MAX_PRESS_MS} ms between presses, not ${gapMs}`);
  return gapMs;
}

function checkPress(holdMs: number): number {
  if (!Number.isInteger(holdMs) || holdMs < 1 || holdMs > MAX_PRESS_MS) throw new RangeError(`a bench press holds the button 1-${MAX_PRESS_MS} ms, not ${holdMs}`);
  return holdMs;
}

function fail(what: string): never {
  throw new Error(what);
}
