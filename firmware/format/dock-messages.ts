// Dock link messages (docs/PROTOCOL.md section 3): one table of types, a strict encoder and
// decoder used by both ends. DATA, the bulk message, is built with one set() so the camera
// does no per-byte work for it beyond the frame's CRC.
import { ByteReader, ByteWriter } from './bytes.js';

export const DOCK_PROTOCOL_VERSION = 1;
export const NONCE_LENGTH = 32;
export const PUBLIC_KEY_LENGTH = 65;
export const SIGNATURE_LENGTH = 64;
export const DOCK_ID_LENGTH = 16;
export const RECEIPT_FIELDS_LENGTH = 124;
export const LIST_ENTRY_LENGTH = 52;
export const MAX_LIST_ENTRIES = 80;
/** DATA bytes a camera sends to a dock that offers no limit in its HELLO (a version 1 dock of 2026). */
export const MAX_DATA = 4096;
/** The most DATA bytes a frame may carry: a HELLO's offer and a HELLO-REPLY's max data are at most this. */
export const LARGEST_DATA = 32768;
export const DEFAULT_WINDOW = 8;
/** Data a camera keeps in flight at most (window × max data), so large frames shrink the window. */
export const WINDOW_BYTES = 131072;
export const DATA_HEADER_LENGTH = 14;
/**
 * The TX ring holds the largest window of DATA frames on the wire (at most 131,744 bytes:
 * 8 frames of 16 KB or 4 of 32 KB, with header, CRC and COBS) and replies beside it, so a
 * window is handed to the driver at once and no frame waits in the XS heap. In PSRAM (firmware/dock/dock-port.ts).
 */
export const DOCK_TRANSMIT_BUFFER = 139_264;
/** The dock sends requests and ACKs (a PROVISION, the largest, is 1,106 bytes). */
export const DOCK_RECEIVE_BUFFER = 4096;

/** At most this many docks are enrolled at provisioning (PROVISION fits one frame). */
export const MAX_ENROLLED_DOCKS = 16;

export const DOCK_OBJECT = Object.freeze({ chain: 1, segment: 2 });

export const DOCK_MESSAGE = Object.freeze({
  hello: 0x01, helloReply: 0x81, auth: 0x02, authReply: 0x82, list: 0x03, listReply: 0x83,
  read: 0x04, data: 0x84, ack: 0x05, release: 0x06, released: 0x86, setTime: 0x07, timeSet: 0x87,
  bench: 0x08, benchReply: 0x88, close: 0x09, closed: 0x89, provision: 0x0a, provisioned: 0x8a, error: 0xff,
});

export const DOCK_ERROR = Object.freeze({
  malformed: 1, notAuthenticated: 2, authFailed: 3, noSuchObject: 4, receiptRefused: 5, storage: 6, version: 7,
  notProvisioned: 8, alreadyProvisioned: 9, provisioningRefused: 10,
});

export interface ListEntry {
  sequence: number;
  recording: number;
  segmentIndex: number;
  sealedLength: number;
  sealedDigest: Uint8Array;
}

export type DockMessage =
  | { type: 'hello'; version: number; dockNonce: Uint8Array; maxData?: number }
  | { type: 'hello-reply'; version: number; deviceId: Uint8Array; cameraPublicKey: Uint8Array; cameraNonce: Uint8Array; cameraTime: number; maxData: number; window: number; label: string; dockNonce?: Uint8Array }
  | { type: 'auth'; dockPublicKey: Uint8Array; proof: Uint8Array }
  | { type: 'auth-reply'; proof: Uint8Array }
  | { type: 'list'; fromSequence: number }
  | { type: 'list-reply'; chainLength: number; records: number; more: boolean; entries: ListEntry[] }
  | { type: 'read'; object: number; sequence: number; offset: number; length: number }
  | { type: 'data'; object: number; sequence: number; offset: number; data: Uint8Array }
  | { type: 'ack'; object: number; sequence: number; nextOffset: number }
  | { type: 'release'; receipt: Uint8Array; signature: Uint8Array }
  | { type: 'released'; segmentSequence: number; receiptDigest: Uint8Array }
  | { type: 'set-time'; time: number }
  | { type: 'time-set'; previousTime: number; newTime: number }
  | { type: 'bench'; command: number; argument: Uint8Array }
  | { type: 'bench-reply'; command: number; status: number; result: Uint8Array }
  | { type: 'close' }
  | { type: 'closed'; chainLength: number }
  | { type: 'provision'; agencyPublicKey: Uint8Array; dockPublicKeys: Uint8Array[] }
  | { type: 'provisioned'; deviceId: Uint8Array; cameraPublicKey: Uint8Array; proof: Uint8Array }
  | { type: 'error'; code: number; requestType: number; message: string };

export type DockMessageType = DockMessage['type'];

const TYPE_CODES: Readonly<Record<DockMessageType, number>> = Object.freeze({
  hello: 0x01, 'hello-reply': 0x81, auth: 0x02, 'auth-reply': 0x82, list: 0x03, 'list-reply': 0x83,
  read: 0x04, data: 0x84, ack: 0x05, release: 0x06, released: 0x86, 'set-time': 0x07, 'time-set': 0x87,
  bench: 0x08, 'bench-reply': 0x88, close: 0x09, closed: 0x89, provision: 0x0a, provisioned: 0x8a, error: 0xff,
});

export function messageTypeCode(type: DockMessageType): number {
  return TYPE_CODES[type];
}

/** The window a camera grants for frames of `maxData` bytes: 8, fewer above 16 KB (4 at 32 KB), at least 2. */
export function windowFor(maxData: number): number {
  return Math.max(2, Math.min(DEFAULT_WINDOW, Math.floor(WINDOW_BYTES / maxData)));
}

/** DATA without ByteWriter: one allocation, one set() of the data. */
export function encodeData(object: number, sequence: number, offset: number, data: Uint8Array): Uint8Array {
  if (data.length < 1 || data.length > LARGEST_DATA) throw new Error(`DATA carries 1-${LARGEST_DATA} bytes, got ${data.length}`);
  const out = new Uint8Array(DATA_HEADER_LENGTH + data.length);
  writeDataHeader(out, object, sequence, offset);
  out.set(data, DATA_HEADER_LENGTH);
  return out;
}

/** The 14 bytes before a DATA frame's data, written into `out` at 0 (the camera's frame buffer). */
export function writeDataHeader(out: Uint8Array, object: number, sequence: number, offset: number): void {
  out[0] = DOCK_MESSAGE.data;
  out[1] = object;
  const high = Math.floor(offset / 0x100000000);
  const low = offset >>> 0;
  out[2] = sequence >>> 24; out[3] = (sequence >>> 16) & 0xff; out[4] = (sequence >>> 8) & 0xff; out[5] = sequence & 0xff;
  out[6] = high >>> 24; out[7] = (high >>> 16) & 0xff; out[8] = (high >>> 8) & 0xff; out[9] = high & 0xff;
  out[10] = low >>> 24; out[11] = (low >>> 16) & 0xff; out[12] = (low >>> 8) & 0xff; out[13] = low & 0xff;
}

export function encodeDockMessage(m: DockMessage): Uint8Array {
  if (m.type === 'data') return encodeData(m.object, m.sequence, m.offset, m.data);
  const w = new ByteWriter().u8(TYPE_CODES[m.type]);
  switch (m.type) {
    case 'hello':
      w.u8(m.version).bytes(m.dockNonce, NONCE_LENGTH);
      if (m.maxData !== undefined) w.u16(checkMaxData(m.maxData));
      break;
    case 'hello-reply':
      w.u8(m.version).bytes(m.deviceId, 16).bytes(m.cameraPublicKey, PUBLIC_KEY_LENGTH).bytes(m.cameraNonce, NONCE_LENGTH)
        .u64(m.cameraTime).u16(m.maxData).u8(m.window).text(m.label);
      // To a HELLO that offered a frame size (a dock of 2027 on), the dock's nonce echoed: the
      // dock takes only the reply to its latest HELLO (section 4).
      if (m.dockNonce !== undefined) w.bytes(m.dockNonce, NONCE_LENGTH);
      break;
    case 'auth': w.bytes(m.dockPublicKey, PUBLIC_KEY_LENGTH).bytes(m.proof, SIGNATURE_LENGTH); break;
    case 'auth-reply': w.bytes(m.proof, SIGNATURE_LENGTH); break;
    case 'list': w.u32(m.fromSequence); break;
    case 'list-reply':
      if (m.entries.length > MAX_LIST_ENTRIES) throw new Error(`LIST-REPLY holds at most ${MAX_LIST_ENTRIES} entries`);
      w.u64(m.chainLength).u32(m.records).u8(m.more ? 1 : 0).u16(m.entries.length);
      for (const e of m.entries) w.u32(e.sequence).u32(e.recording).u32(e.segmentIndex).u64(e.sealedLength).bytes(e.sealedDigest, 32);
      break;
    case 'read': w.u8(m.object).u32(m.sequence).u64(m.offset).u32(m.length); break;
    case 'ack': w.u8(m.object).u32(m.sequence).u64(m.nextOffset); break;
    case 'release': w.bytes(m.receipt, RECEIPT_FIELDS_LENGTH).bytes(m.signature, SIGNATURE_LENGTH); break;
    case 'released': w.u32(m.segmentSequence).bytes(m.receiptDigest, 32); break;
    case 'set-time': w.u64(m.time); break;
    case 'time-set': w.u64(m.previousTime).u64(m.newTime); break;
    case 'bench': checkShort(m.argument, 'BENCH argument'); w.u8(m.command).bytes(m.argument); break;
    case 'bench-reply': checkShort(m.result, 'BENCH-REPLY result'); w.u8(m.command).u8(m.status).bytes(m.result); break;
    case 'close': break;
    case 'closed': w.u64(m.chainLength); break;
    case 'provision':
      checkDockCount(m.dockPublicKeys.length);
      w.bytes(m.agencyPublicKey, PUBLIC_KEY_LENGTH).u8(m.dockPublicKeys.length);
      for (const key of m.dockPublicKeys) w.bytes(key, PUBLIC_KEY_LENGTH);
      break;
    case 'provisioned': w.bytes(m.deviceId, 16).bytes(m.cameraPublicKey, PUBLIC_KEY_LENGTH).bytes(m.proof, SIGNATURE_LENGTH); break;
    case 'error': w.u8(m.code).u8(m.requestType).text(m.message.length > 200 ? `${m.message.slice(0, 200)}…` : m.message); break;
  }
  return w.finish();
}

function checkDockCount(count: number): void {
  if (count < 1 || count > MAX_ENROLLED_DOCKS) throw new Error(`PROVISION enrols 1-${MAX_ENROLLED_DOCKS} docks, got ${count}`);
}

function checkShort(bytes: Uint8Array, what: string): void {
  if (bytes.length > 255) throw new Error(`${what} is at most 255 bytes, got ${bytes.length}`);
}

/** Strict: throws on an unknown type, a short or long message, or an invalid field. */
export function decodeDockMessage(payload: Uint8Array): DockMessage {
  const r = new ByteReader(payload);
  const code = r.u8('message type');
  let m: DockMessage;
  switch (code) {
    case 0x01: {
      m = { type: 'hello', version: r.u8('version'), dockNonce: r.take(NONCE_LENGTH, 'dock nonce') };
      // A dock of 2026 ends here; a later one offers the largest DATA it takes (section 5.1).
      if (r.remaining) m.maxData = checkMaxData(r.u16('max data'));
      break;
    }
    case 0x81:
      m = {
        type: 'hello-reply', version: r.u8('version'), deviceId: r.take(16, 'device id'),
        cameraPublicKey: r.take(PUBLIC_KEY_LENGTH, 'camera public key'), cameraNonce: r.take(NONCE_LENGTH, 'camera nonce'),
        cameraTime: r.u64('camera time'), maxData: r.u16('max data'), window: r.u8('window'), label: r.text('label'),
      };
      if (r.remaining) m.dockNonce = r.take(NONCE_LENGTH, 'dock nonce echo');
      break;
    case 0x02: m = { type: 'auth', dockPublicKey: r.take(PUBLIC_KEY_LENGTH, 'dock public key'), proof: r.take(SIGNATURE_LENGTH, 'dock proof') }; break;
    case 0x82: m = { type: 'auth-reply', proof: r.take(SIGNATURE_LENGTH, 'camera proof') }; break;
    case 0x03: m = { type: 'list', fromSequence: r.u32('from sequence') }; break;
    case 0x83: {
      const chainLength = r.u64('chain length');
      const records = r.u32('records');
      const more = r.u8('more');
      if (more > 1) throw new Error(`LIST-REPLY more flag must be 0 or 1, got ${more}`);
      const count = r.u16('count');
      if (count > MAX_LIST_ENTRIES) throw new Error(`LIST-REPLY count ${count} exceeds ${MAX_LIST_ENTRIES}`);
      const entries: ListEntry[] = [];
      for (let i = 0; i < count; i++) {
        entries.push({ sequence: r.u32('sequence'), recording: r.u32('recording'), segmentIndex: r.u32('segment index'), sealedLength: r.u64('sealed length'), sealedDigest: r.take(32, 'sealed digest') });
      }
      m = { type: 'list-reply', chainLength, records, more: more === 1, entries };
      break;
    }
    case 0x04: m = { type: 'read', object: object(r), sequence: r.u32('sequence'), offset: r.u64('offset'), length: r.u32('length') }; break;
    case 0x84: {
      const header = { object: object(r), sequence: r.u32('sequence'), offset: r.u64('offset') };
      if (r.remaining < 1 || r.remaining > LARGEST_DATA) throw new Error(`DATA carries 1-${LARGEST_DATA} bytes, got ${r.remaining}`);
      m = { type: 'data', ...header, data: payload.subarray(r.offset) };
      r.offset = payload.length;
      break;
    }
    case 0x05: m = { type: 'ack', object: object(r), sequence: r.u32('sequence'), nextOffset: r.u64('next offset') }; break;
    case 0x06: m = { type: 'release', receipt: r.take(RECEIPT_FIELDS_LENGTH, 'receipt'), signature: r.take(SIGNATURE_LENGTH, 'dock signature') }; break;
    case 0x86: m = { type: 'released', segmentSequence: r.u32('segment sequence'), receiptDigest: r.take(32, 'receipt digest') }; break;
    case 0x07: m = { type: 'set-time', time: r.u64('time') }; break;
    case 0x87: m = { type: 'time-set', previousTime: r.u64('previous time'), newTime: r.u64('new time') }; break;
    case 0x08: m = { type: 'bench', command: r.u8('command'), argument: rest(r, 'BENCH argument') }; break;
    case 0x88: m = { type: 'bench-reply', command: r.u8('command'), status: r.u8('status'), result: rest(r, 'BENCH-REPLY result') }; break;
    case 0x09: m = { type: 'close' }; break;
    case 0x89: m = { type: 'closed', chainLength: r.u64('chain length') }; break;
    case 0x0a: {
      const agencyPublicKey = r.take(PUBLIC_KEY_LENGTH, 'agency public key');
      const count = r.u8('dock count');
      checkDockCount(count);
      const dockPublicKeys: Uint8Array[] = [];
      for (let i = 0; i < count; i++) dockPublicKeys.push(r.take(PUBLIC_KEY_LENGTH, `dock public key ${i + 1}`));
      m = { type: 'provision', agencyPublicKey, dockPublicKeys };
      break;
    }
    case 0x8a: m = { type: 'provisioned', deviceId: r.take(16, 'device id'), cameraPublicKey: r.take(PUBLIC_KEY_LENGTH, 'camera public key'), proof: r.take(SIGNATURE_LENGTH, 'provisioning proof') }; break;
    case 0xff: m = { type: 'error', code: r.u8('code'), requestType: r.u8('request type'), message: r.text('message') }; break;
    default: throw new Error(`unknown message type 0x${code.toString(16).padStart(2, '0')}`);
  }
  r.expectEnd(`${m.type} message`);
  return m;
}

function checkMaxData(value: number): number {
  if (!(value >= MAX_DATA && value <= LARGEST_DATA)) throw new Error(`max data must be ${MAX_DATA}-${LARGEST_DATA} bytes, got ${value}`);
  return value;
}

function object(r: ByteReader): number {
  const value = r.u8('object');
  if (value !== DOCK_OBJECT.chain && value !== DOCK_OBJECT.segment) throw new Error(`unknown object ${value} (1 chain.log, 2 segment)`);
  return value;
}

function rest(r: ByteReader, what: string): Uint8Array {
  if (r.remaining > 255) throw new Error(`${what} is at most 255 bytes, got ${r.remaining}`);
  return r.take(r.remaining, what);
}
