// Each entry of a dock's signed store log is docs/STORE.md 3.1's table row, field for field: an
// entry cut anywhere names the field it stops in (the names read from that table), trailing
// bytes name the entry, and the type, source and alarm kind take only their documented codes.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { decodeStoreEntry, encodeStoreEntry, type StoreEntry } from '../../host-tools/store/store-log-entries.js';

const T = Date.UTC(2026, 5, 1);
const b = (n: number, fill: number) => new Uint8Array(n).fill(fill);

/** One entry of each type, every text non-empty so a cut inside it shows. */
const SAMPLES: StoreEntry[] = [
  { type: 'store-opened', time: T, dockPublicKey: b(65, 4) },
  { type: 'camera-pinned', time: T, deviceId: b(16, 1), publicKey: b(65, 4), label: 'officer kim' },
  { type: 'officer-assigned', time: T, deviceId: b(16, 1), officer: 'kim' },
  { type: 'segment-stored', time: T, deviceId: b(16, 1), recordBody: b(90, 7) },
  { type: 'receipt-issued', time: T, fields: b(124, 2), signature: b(64, 3) },
  { type: 'segment-released', time: T, sealedDigest: b(32, 5), receiptDigest: b(32, 6), source: 1 },
  { type: 'chain-committed', time: T, deviceId: b(16, 1), generation: 2, chainLength: 4000, records: 20, headLink: b(32, 8), chainDigest: b(32, 9) },
  { type: 'alarm', time: T, deviceId: b(16, 1), kind: 1, heldRecords: 9, heldHead: b(32, 8), offeredRecords: 4, offeredHead: b(32, 9), divergence: 4, text: 'rolled back' },
  { type: 'retention', time: T, deviceId: b(16, 1), recording: 3, retainUntil: T + 86_400_000, reason: 'complaint', by: 'lee' },
  { type: 'segment-ended', time: T, sealedDigest: b(32, 5), rule: 'retention' },
];

/** STORE.md 3.1's table: each type's fields by name, a `text` field as its length and its bytes. */
function documentedFields(): Map<string, string[]> {
  const text = fs.readFileSync('docs/STORE.md', 'utf8');
  const table = text.slice(text.indexOf('### 3.1 Entries and their file'), text.indexOf('### 3.2'));
  const rows = new Map<string, string[]>();
  for (const line of table.split('\n').filter((l) => /^\| [0-9A-F]{2} \|/.test(l))) {
    const [, entry, fields] = line.split('|').slice(1, 4).map((c) => c.trim());
    const names = fields!.replace(/\([^)]*\)/g, '').split(',').flatMap((field) => {
      const words = field.trim().replace(/^the camera's /, '').split(' ');
      const size = words.at(-1)!;
      const name = /^(\d+|u8|u16|u32|u64|`text`)$/.test(size) ? words.slice(0, -1).join(' ') : words.join(' ');
      return size === '`text`' ? [`${name} length`, name] : [name];
    });
    rows.set(entry!, ['entry type', 'time', ...names]);
  }
  return rows;
}

/** The fields a decoder names, in order, as the entry is cut shorter and shorter. */
function namedWhenCut(bytes: Uint8Array): string[] {
  const names: string[] = [];
  for (let length = 0; length < bytes.length; length++) {
    let message = '';
    try {
      decodeStoreEntry(bytes.subarray(0, length));
    } catch (error) {
      message = (error as Error).message;
    }
    const what = /^truncated: (.+) needs \d+ bytes at offset \d+, \d+ left$/.exec(message)?.[1];
    assert.ok(what, `cut at ${length} of ${bytes.length}: "${message}"`);
    if (names.at(-1) !== what) names.push(what);
  }
  return names;
}

describe('the store log\'s entries, as STORE.md 3.1 lays them out', () => {
  it('a cut anywhere names the field it stops in, in the table\'s order, for every type', () => {
    const documented = documentedFields();
    assert.equal(documented.size, SAMPLES.length, 'one sample per documented type');
    for (const entry of SAMPLES) {
      const bytes = encodeStoreEntry(entry);
      assert.deepEqual(decodeStoreEntry(bytes), entry);
      assert.deepEqual(namedWhenCut(bytes), documented.get(entry.type), entry.type);
    }
  });

  it('a text holds up to 65,535 bytes, and a longer one is refused before anything is written', () => {
    const longest = 'x'.repeat(65_535);
    const entry: StoreEntry = { type: 'segment-ended', time: T, sealedDigest: b(32, 5), rule: longest };
    assert.equal((decodeStoreEntry(encodeStoreEntry(entry)) as { rule: string }).rule, longest);
    assert.throws(() => encodeStoreEntry({ ...entry, rule: `${longest}y` }), new Error('text of 65536 bytes is too long for the store log (at most 65535)'));
  });

  it('names trailing bytes by the entry, and refuses a type, a source or an alarm kind it does not know', () => {
    for (const entry of SAMPLES) {
      const bytes = encodeStoreEntry(entry);
      const longer = new Uint8Array(bytes.length + 2);
      longer.set(bytes);
      assert.throws(() => decodeStoreEntry(longer), new Error(`${entry.type} entry has 2 unexpected trailing bytes`));
    }
    const unknown = encodeStoreEntry(SAMPLES[0]!);
    for (const type of [0, 11, 255]) {
      unknown[0] = type;
      assert.throws(() => decodeStoreEntry(unknown), new Error(`unknown store log entry type ${type}`));
    }
    for (const source of [0, 3]) {
      assert.throws(() => decodeStoreEntry(encodeStoreEntry({ ...SAMPLES[5] as Extract<StoreEntry, { type: 'segment-released' }>, source })), new Error(`segment-released source ${source} is not 1 or 2`));
    }
    assert.equal((decodeStoreEntry(encodeStoreEntry({ ...SAMPLES[5] as Extract<StoreEntry, { type: 'segment-released' }>, source: 2 })) as { source: number }).source, 2);
    for (const kind of [0, 3]) {
      assert.throws(() => decodeStoreEntry(encodeStoreEntry({ ...SAMPLES[7] as Extract<StoreEntry, { type: 'alarm' }>, kind })), new Error(`alarm kind ${kind} is not 1 (rollback) or 2 (fork)`));
    }
    assert.equal((decodeStoreEntry(encodeStoreEntry({ ...SAMPLES[7] as Extract<StoreEntry, { type: 'alarm' }>, kind: 2 })) as { kind: number }).kind, 2);
  });
});
