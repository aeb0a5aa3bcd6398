// The entries of the evidence store's signed log (docs/STORE.md section 3): one binary encoding
// per entry, strict both ways, so an entry has exactly one encoding and its leaf hash is well
// defined. Texts are u16-length UTF-8 here (reasons and decisions can be long).
import { ByteReader, ByteWriter, decodeUtf8, encodeUtf8 } from '../../firmware/format/bytes.js';

export const STORE_ENTRY_TYPE = Object.freeze({
  'store-opened': 1, 'camera-pinned': 2, 'officer-assigned': 3, 'segment-stored': 4, 'receipt-issued': 5,
  'segment-released': 6, 'chain-committed': 7, alarm: 8, retention: 9, 'segment-ended': 10,
} as const);

/** Alarm kinds: a camera whose chain no longer extends the one the store holds. */
export const ALARM_KIND = Object.freeze({ rollback: 1, fork: 2 } as const);
export const ALARM_KIND_NAMES: Readonly<Record<number, string>> = Object.freeze({ 1: 'rollback', 2: 'fork' });
/** How the store learnt that the camera freed a segment. */
export const RELEASE_SOURCE = Object.freeze({ reply: 1, chain: 2 } as const);

interface Timed { time: number }
export type StoreEntry = Timed & (
  | { type: 'store-opened'; dockPublicKey: Uint8Array }
  | { type: 'camera-pinned'; deviceId: Uint8Array; publicKey: Uint8Array; label: string }
  | { type: 'officer-assigned'; deviceId: Uint8Array; officer: string }
  | { type: 'segment-stored'; deviceId: Uint8Array; recordBody: Uint8Array }
  | { type: 'receipt-issued'; fields: Uint8Array; signature: Uint8Array }
  | { type: 'segment-released'; sealedDigest: Uint8Array; receiptDigest: Uint8Array; source: number }
  | { type: 'chain-committed'; deviceId: Uint8Array; generation: number; chainLength: number; records: number; headLink: Uint8Array; chainDigest: Uint8Array }
  | { type: 'alarm'; deviceId: Uint8Array; kind: number; heldRecords: number; heldHead: Uint8Array; offeredRecords: number; offeredHead: Uint8Array; divergence: number; text: string }
  | { type: 'retention'; deviceId: Uint8Array; recording: number; retainUntil: number; reason: string; by: string }
  | { type: 'segment-ended'; sealedDigest: Uint8Array; rule: string }
);
export type StoreEntryType = StoreEntry['type'];

const longText = (w: ByteWriter, text: string) => {
  const bytes = encodeUtf8(text);
  if (bytes.length > 0xffff) throw new Error(`text of ${bytes.length} bytes is too long for the store log (at most 65535)`);
  return w.u16(bytes.length).bytes(bytes);
};
const readLongText = (r: ByteReader, what: string) => decodeUtf8(r.take(r.u16(`${what} length`), what));

export function encodeStoreEntry(e: StoreEntry): Uint8Array {
  const w = new ByteWriter().u8(STORE_ENTRY_TYPE[e.type]).u64(e.time);
  switch (e.type) {
    case 'store-opened': return w.bytes(e.dockPublicKey, 65).finish();
    case 'camera-pinned': return longText(w.bytes(e.deviceId, 16).bytes(e.publicKey, 65), e.label).finish();
    case 'officer-assigned': return longText(w.bytes(e.deviceId, 16), e.officer).finish();
    case 'segment-stored': return w.bytes(e.deviceId, 16).u16(e.recordBody.length).bytes(e.recordBody).finish();
    case 'receipt-issued': return w.bytes(e.fields, 124).bytes(e.signature, 64).finish();
    case 'segment-released': return w.bytes(e.sealedDigest, 32).bytes(e.receiptDigest, 32).u8(e.source).finish();
    case 'chain-committed': return w.bytes(e.deviceId, 16).u32(e.generation).u64(e.chainLength).u32(e.records).bytes(e.headLink, 32).bytes(e.chainDigest, 32).finish();
    case 'alarm': return longText(w.bytes(e.deviceId, 16).u8(e.kind).u32(e.heldRecords).bytes(e.heldHead, 32).u32(e.offeredRecords).bytes(e.offeredHead, 32).u32(e.divergence), e.text).finish();
    case 'retention': return longText(longText(w.bytes(e.deviceId, 16).u32(e.recording).u64(e.retainUntil), e.reason), e.by).finish();
    case 'segment-ended': return longText(w.bytes(e.sealedDigest, 32), e.rule).finish();
  }
}

export function decodeStoreEntry(bytes: Uint8Array): StoreEntry {
  const r = new ByteReader(bytes);
  const code = r.u8('entry type');
  const time = r.u64('time');
  let e: StoreEntry;
  switch (code) {
    case 1: e = { type: 'store-opened', time, dockPublicKey: r.take(65, 'dock public key') }; break;
    case 2: e = { type: 'camera-pinned', time, deviceId: r.take(16, 'device id'), publicKey: r.take(65, 'camera public key'), label: readLongText(r, 'label') }; break;
    case 3: e = { type: 'officer-assigned', time, deviceId: r.take(16, 'device id'), officer: readLongText(r, 'officer') }; break;
    case 4: e = { type: 'segment-stored', time, deviceId: r.take(16, 'device id'), recordBody: r.take(r.u16('record length'), 'segment record body') }; break;
    case 5: e = { type: 'receipt-issued', time, fields: r.take(124, 'receipt fields'), signature: r.take(64, 'dock signature') }; break;
    case 6: e = { type: 'segment-released', time, sealedDigest: r.take(32, 'sealed digest'), receiptDigest: r.take(32, 'receipt digest'), source: r.u8('source') }; break;
    case 7: e = { type: 'chain-committed', time, deviceId: r.take(16, 'device id'), generation: r.u32('generation'), chainLength: r.u64('chain length'), records: r.u32('records'), headLink: r.take(32, 'head link'), chainDigest: r.take(32, 'chain digest') }; break;
    case 8: e = { type: 'alarm', time, deviceId: r.take(16, 'device id'), kind: r.u8('kind'), heldRecords: r.u32('held records'), heldHead: r.take(32, 'held head link'), offeredRecords: r.u32('offered records'), offeredHead: r.take(32, 'offered head link'), divergence: r.u32('divergence'), text: readLongText(r, 'text') }; break;
    case 9: e = { type: 'retention', time, deviceId: r.take(16, 'device id'), recording: r.u32('recording'), retainUntil: r.u64('retain until'), reason: readLongText(r, 'reason'), by: readLongText(r, 'by') }; break;
    case 10: e = { type: 'segment-ended', time, sealedDigest: r.take(32, 'sealed digest'), rule: readLongText(r, 'rule') }; break;
    default: throw new Error(`unknown store log entry type ${code}`);
  }
  r.expectEnd(`${e.type} entry`);
  if (e.type === 'segment-released' && e.source !== 1 && e.source !== 2) throw new Error(`segment-released source ${e.source} is not 1 or 2`);
  if (e.type === 'alarm' && !ALARM_KIND_NAMES[e.kind]) throw new Error(`alarm kind ${e.kind} is not 1 (rollback) or 2 (fork)`);
  return e;
}
