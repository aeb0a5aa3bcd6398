// The entries of the records system's signed log (docs/RECORDS.md section 3): one strict binary
// encoding per entry (as the dock store's, docs/STORE.md section 3.1), so an entry has exactly one
// encoding and its leaf hash is well defined. Texts are u16-length UTF-8.
import { ByteReader, ByteWriter, decodeUtf8, encodeUtf8 } from '../../firmware/format/bytes.js';

export const RECORDS_ENTRY_TYPE = Object.freeze({
  'records-opened': 1, 'dock-enrolled': 2, 'camera-pinned': 3, 'segment-stored': 4, 'chain-committed': 5,
  retention: 6, 'legal-hold': 7, 'segment-ended': 8, 'flagged-for-review': 9, 'person-added': 10, access: 11,
} as const);

/** What a person did, in an access entry. */
export const ACCESS_ACTIONS = ['search', 'view', 'export', 'retention', 'legal-hold'] as const;
export type AccessAction = typeof ACCESS_ACTIONS[number];
/** The roles of people (issue 17): who may do what is the web page's business; the log keeps the role. */
export const ROLES = ['records-manager', 'investigator', 'auditor'] as const;
export type Role = typeof ROLES[number];

interface Timed { time: number }
export type RecordsEntry = Timed & (
  | { type: 'records-opened'; recordsPublicKey: Uint8Array }
  | { type: 'dock-enrolled'; dockPublicKey: Uint8Array; station: string; by: string }
  | { type: 'camera-pinned'; deviceId: Uint8Array; publicKey: Uint8Array; label: string }
  | { type: 'segment-stored'; dockId: Uint8Array; deviceId: Uint8Array; recordBody: Uint8Array }
  | { type: 'chain-committed'; deviceId: Uint8Array; chainLength: number; records: number; headLink: Uint8Array; chainDigest: Uint8Array }
  | { type: 'retention'; deviceId: Uint8Array; recording: number; retainUntil: number; reason: string; by: string }
  | { type: 'legal-hold'; deviceId: Uint8Array; recording: number; on: boolean; reason: string; by: string }
  | { type: 'segment-ended'; sealedDigest: Uint8Array; rule: string }
  | { type: 'flagged-for-review'; deviceId: Uint8Array; recording: number; why: string }
  | { type: 'person-added'; name: string; role: Role; by: string }
  | { type: 'access'; person: string; action: AccessAction; target: string; reason: string }
);
export type RecordsEntryType = RecordsEntry['type'];

const text = (w: ByteWriter, value: string) => {
  const bytes = encodeUtf8(value);
  if (bytes.length > 0xffff) throw new Error(`text of ${bytes.length} bytes is too long for the records log (at most 65535)`);
  return w.u16(bytes.length).bytes(bytes);
};
const readText = (r: ByteReader, what: string) => decodeUtf8(r.take(r.u16(`${what} length`), what));

export function encodeRecordsEntry(e: RecordsEntry): Uint8Array {
  const w = new ByteWriter().u8(RECORDS_ENTRY_TYPE[e.type]).u64(e.time);
  switch (e.type) {
    case 'records-opened': return w.bytes(e.recordsPublicKey, 65).finish();
    case 'dock-enrolled': return text(text(w.bytes(e.dockPublicKey, 65), e.station), e.by).finish();
    case 'camera-pinned': return text(w.bytes(e.deviceId, 16).bytes(e.publicKey, 65), e.label).finish();
    case 'segment-stored': return w.bytes(e.dockId, 16).bytes(e.deviceId, 16).u16(e.recordBody.length).bytes(e.recordBody).finish();
    case 'chain-committed': return w.bytes(e.deviceId, 16).u64(e.chainLength).u32(e.records).bytes(e.headLink, 32).bytes(e.chainDigest, 32).finish();
    case 'retention': return text(text(w.bytes(e.deviceId, 16).u32(e.recording).u64(e.retainUntil), e.reason), e.by).finish();
    case 'legal-hold': return text(text(w.bytes(e.deviceId, 16).u32(e.recording).u8(e.on ? 1 : 0), e.reason), e.by).finish();
    case 'segment-ended': return text(w.bytes(e.sealedDigest, 32), e.rule).finish();
    case 'flagged-for-review': return text(w.bytes(e.deviceId, 16).u32(e.recording), e.why).finish();
    case 'person-added': return text(text(w, e.name).u8(ROLES.indexOf(e.role) + 1), e.by).finish();
    case 'access': return text(text(text(w, e.person).u8(ACCESS_ACTIONS.indexOf(e.action) + 1), e.target), e.reason).finish();
  }
}

export function decodeRecordsEntry(bytes: Uint8Array): RecordsEntry {
  const r = new ByteReader(bytes);
  const code = r.u8('entry type');
  const time = r.u64('time');
  let e: RecordsEntry;
  switch (code) {
    case 1: e = { type: 'records-opened', time, recordsPublicKey: r.take(65, 'records public key') }; break;
    case 2: e = { type: 'dock-enrolled', time, dockPublicKey: r.take(65, 'dock public key'), station: readText(r, 'station'), by: readText(r, 'by') }; break;
    case 3: e = { type: 'camera-pinned', time, deviceId: r.take(16, 'device id'), publicKey: r.take(65, 'camera public key'), label: readText(r, 'label') }; break;
    case 4: e = { type: 'segment-stored', time, dockId: r.take(16, 'dock id'), deviceId: r.take(16, 'device id'), recordBody: r.take(r.u16('record length'), 'record body') }; break;
    case 5: e = { type: 'chain-committed', time, deviceId: r.take(16, 'device id'), chainLength: r.u64('chain length'), records: r.u32('records'), headLink: r.take(32, 'head link'), chainDigest: r.take(32, 'chain digest') }; break;
    case 6: e = { type: 'retention', time, deviceId: r.take(16, 'device id'), recording: r.u32('recording'), retainUntil: r.u64('retain until'), reason: readText(r, 'reason'), by: readText(r, 'by') }; break;
    case 7: {
      const deviceId = r.take(16, 'device id');
      const recording = r.u32('recording');
      const on = r.u8('hold');
      if (on > 1) throw new Error(`legal-hold value ${on} is not 0 (off) or 1 (on)`);
      e = { type: 'legal-hold', time, deviceId, recording, on: on === 1, reason: readText(r, 'reason'), by: readText(r, 'by') };
      break;
    }
    case 8: e = { type: 'segment-ended', time, sealedDigest: r.take(32, 'sealed digest'), rule: readText(r, 'rule') }; break;
    case 9: e = { type: 'flagged-for-review', time, deviceId: r.take(16, 'device id'), recording: r.u32('recording'), why: readText(r, 'why') }; break;
    case 10: {
      const name = readText(r, 'name');
      const role = ROLES[r.u8('role') - 1];
      if (!role) throw new Error(`person-added role is not 1-${ROLES.length}`);
      e = { type: 'person-added', time, name, role, by: readText(r, 'by') };
      break;
    }
    case 11: {
      const person = readText(r, 'person');
      const action = ACCESS_ACTIONS[r.u8('action') - 1];
      if (!action) throw new Error(`access action is not 1-${ACCESS_ACTIONS.length}`);
      e = { type: 'access', time, person, action, target: readText(r, 'target'), reason: readText(r, 'reason') };
      break;
    }
    default: throw new Error(`unknown records log entry type ${code}`);
  }
  r.expectEnd(`${e.type} entry`);
  return e;
}
