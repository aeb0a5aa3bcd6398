// The store log's replay at its edges (host-tools/store/store-replay.ts, docs/STORE.md section
// 3.2): each entry an edited or fabricated log could hold where it makes no sense, applied to a
// fresh store database (the real schema, real P-256 keys, segment records from the camera's
// own ChainWriter), refused with the sentence that names it and changing nothing; and each
// rule's accepting side at its boundary. The dock and verify both replay through this code, so
// a rule that slips here lets a forged log pass verify. Written for the survivors of
// `npm run mutation -- host-tools/store/store-replay.ts` (docs/MUTATION.md).
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { toHex } from '../../firmware/format/bytes.js';
import { ChainWriter, deriveDeviceId } from '../../firmware/format/chain.js';
import type { SegmentRecord } from '../../firmware/format/chain-records.js';
import { deriveDockId, receiptDigest, signReceipt, type ReleaseReceipt } from '../../firmware/format/dock-proofs.js';
import { generateP256KeyPair, type P256KeyPair } from '../../firmware/format/key-derivation.js';
import { NodeCryptoPort } from '../../host-tools/crypto/node-crypto-port.js';
import type { StoreEntry } from '../../host-tools/store/store-log-entries.js';
import { applyStoreEntry } from '../../host-tools/store/store-replay.js';
import { STORE_PRAGMAS, STORE_SCHEMA } from '../../host-tools/store/store-schema.js';

const port = new NodeCryptoPort();
const DAY = 86_400_000;
const T0 = Date.UTC(2026, 5, 1);

/** A provisioned camera: its key, its device id, and a writer of its signed chain. */
class Camera {
  readonly key: P256KeyPair = generateP256KeyPair(port);
  readonly deviceId = deriveDeviceId(port, this.key.publicKey);
  readonly id = toHex(this.deviceId);
  readonly #writer = new ChainWriter({ port, deviceId: this.deviceId, cameraPublicKey: this.key.publicKey, signingKey: this.key.privateKey });

  /** A sealed segment's record, as the camera appends it to its chain. */
  segment(recording: number, segmentIndex: number, fields: Partial<Omit<SegmentRecord, 'kind' | 'sequence'>> = {}) {
    const sealedLength = 1_000 + segmentIndex;
    const { record, body } = this.#writer.appendSegment({
      kind: 'segment', time: T0, recording, segmentIndex, startTime: T0 + segmentIndex * 1000, endTime: T0 + segmentIndex * 1000 + 999,
      legalGround: 2, noticeIndicators: 7, noticeReason: 0, noticeText: '', sealedLength,
      sealedDigest: port.sha256(Uint8Array.of(recording, segmentIndex, ...this.deviceId)), ...fields,
    });
    return { record, body, digest: toHex(record.sealedDigest) };
  }

  /** An event record body (not a segment), to put where a segment record belongs. */
  event() {
    return this.#writer.appendEvent(T0, { type: 'power-on', resetReason: 1, firmwareVersion: '0.1.0' }).body;
  }
}

describe('the store log replay at its edges (docs/STORE.md section 3.2)', () => {
  const dock = generateP256KeyPair(port);
  const dockId = deriveDockId(port, dock.publicKey);
  let db: Database.Database;
  let camera: Camera;
  beforeEach(() => {
    db = new Database(':memory:');
    db.exec(STORE_PRAGMAS);
    db.exec(STORE_SCHEMA);
    camera = new Camera();
  });
  afterEach(() => db.close());

  const opened = (key = dock.publicKey): StoreEntry => ({ type: 'store-opened', time: T0, dockPublicKey: key });
  const pinned = (c: Camera, time = T0, publicKey = c.key.publicKey): StoreEntry => ({ type: 'camera-pinned', time, deviceId: c.deviceId, publicKey, label: `camera ${c.id.slice(0, 4)}` });
  const stored = (c: Camera, body: Uint8Array, time = T0): StoreEntry => ({ type: 'segment-stored', time, deviceId: c.deviceId, recordBody: body });
  const receiptOf = (c: Camera, record: SegmentRecord, changes: Partial<ReleaseReceipt> = {}, key = dock.privateKey) => signReceipt(port, key, {
    deviceId: c.deviceId, dockId, segmentSequence: record.sequence, sealedLength: record.sealedLength, sealedDigest: record.sealedDigest,
    storedTime: T0, records: record.sequence + 1, headLink: new Uint8Array(32), storeId: 0, ...changes,
  });
  const issued = (receipt: { fields: Uint8Array; signature: Uint8Array }, time = T0): StoreEntry => ({ type: 'receipt-issued', time, ...receipt });
  const released = (digest: string, receipt: { fields: Uint8Array; signature: Uint8Array }, time = T0): StoreEntry => ({
    type: 'segment-released', time, sealedDigest: Buffer.from(digest, 'hex'), receiptDigest: receiptDigest(port, receipt.fields, receipt.signature), source: 1,
  });
  const committed = (c: Camera, generation: number, chainLength: number, records: number): StoreEntry => ({
    type: 'chain-committed', time: T0, deviceId: c.deviceId, generation, chainLength, records, headLink: new Uint8Array(32).fill(generation), chainDigest: new Uint8Array(32).fill(records),
  });
  const retention = (c: Camera, recording: number, retainUntil: number): StoreEntry => ({ type: 'retention', time: T0, deviceId: c.deviceId, recording, retainUntil, reason: 'case 7', by: 'kim' });
  const ended = (digest: string, time: number): StoreEntry => ({ type: 'segment-ended', time, sealedDigest: Buffer.from(digest, 'hex'), rule: 'retention ran out' });

  const entries = () => (db.prepare('SELECT entries FROM store_log WHERE id = 1').get() as { entries: number } | undefined)?.entries;
  /** Applies the entries as verify replays a log: each in its own transaction, at the next index. */
  const apply = (...list: StoreEntry[]) => {
    for (const entry of list) {
      const index = entries() ?? 0;
      db.transaction(() => applyStoreEntry(db, port, entry, index))();
      assert.equal(entries(), index + 1, `store_log.entries after entry #${index} (${entry.type})`);
    }
  };
  /** Every row of every table, to show a refused entry changed nothing. */
  const tables = () => Object.fromEntries(['store_log', 'cameras', 'recordings', 'segments', 'receipts', 'chains', 'alarms']
    .map((name) => [name, db.prepare(`SELECT * FROM ${name}`).all()]));
  /** The entry, applied next, is refused with exactly `message`, and the store is as it was. */
  const refuses = (entry: StoreEntry, message: string, index = entries() ?? 0) => {
    const before = tables();
    assert.throws(() => db.transaction(() => applyStoreEntry(db, port, entry, index))(), (error: Error) => {
      assert.equal(error.message, message);
      return true;
    });
    assert.deepEqual(tables(), before, 'a refused entry changes nothing');
  };
  const row = (sql: string, ...args: unknown[]) => db.prepare(sql).get(...args) as Record<string, unknown> | undefined;

  describe('the order of entries', () => {
    it('the first entry must open the store with its dock key', () => {
      refuses(pinned(camera), 'the first entry must be store-opened (the dock key that signs the log)', 0);
      assert.equal(entries(), undefined, 'no store_log row');
      apply(opened());
      assert.deepEqual(row('SELECT * FROM store_log'), { id: 1, dock_public_key: toHex(dock.publicKey), entries: 1 });
    });

    it('store-opened may not come again later', () => {
      apply(opened());
      refuses(opened(), 'store-opened may only be the first entry');
      apply(pinned(camera));
      refuses(opened(generateP256KeyPair(port).publicKey), 'store-opened may only be the first entry');
    });

    it('an entry applies only at the index after the last one applied', () => {
      refuses(pinned(camera), 'entry #1 applied out of order (the database holds 0 entries)', 1);
      apply(opened());
      refuses(pinned(camera), 'entry #2 applied out of order (the database holds 1 entries)', 2);
      apply(pinned(camera));
      refuses(pinned(new Camera()), 'entry #1 applied out of order (the database holds 2 entries)', 1);
      assert.equal(entries(), 2);
    });
  });

  describe('cameras', () => {
    it('pins a camera under its own id, once', () => {
      apply(opened());
      const other = new Camera();
      refuses(pinned(camera, T0, other.key.publicKey), `pins camera ${camera.id} with a key that is not that device's`);
      apply(pinned(camera, T0 + 5));
      assert.deepEqual(row('SELECT * FROM cameras'), { device_id: camera.id, public_key: toHex(camera.key.publicKey), label: `camera ${camera.id.slice(0, 4)}`, officer: null, first_seen: T0 + 5 });
      refuses(pinned(camera, T0 + 6), `pins camera ${camera.id} a second time`);
      apply(pinned(other));
      assert.equal(row('SELECT count(*) AS n FROM cameras')!.n, 2);
    });

    it('every entry that names a camera needs it pinned first', () => {
      apply(opened());
      const stranger = new Camera();
      const says = `names camera ${stranger.id}, which no earlier camera-pinned entry pinned`;
      refuses({ type: 'officer-assigned', time: T0, deviceId: stranger.deviceId, officer: 'officer han' }, says);
      refuses(stored(stranger, stranger.segment(1, 0).body), says);
      refuses(committed(stranger, 1, 100, 3), says);
      refuses({ type: 'alarm', time: T0, deviceId: stranger.deviceId, kind: 1, heldRecords: 9, heldHead: new Uint8Array(32), offeredRecords: 7, offeredHead: new Uint8Array(32), divergence: 7, text: 'shorter' }, says);
    });

    it("assigns an officer, whom the camera's next recording takes", () => {
      apply(opened(), pinned(camera), stored(camera, camera.segment(1, 0).body));
      apply({ type: 'officer-assigned', time: T0, deviceId: camera.deviceId, officer: 'officer han' });
      assert.equal(row('SELECT officer FROM cameras WHERE device_id = ?', camera.id)!.officer, 'officer han');
      apply(stored(camera, camera.segment(2, 0).body));
      assert.deepEqual(db.prepare('SELECT recording, officer FROM recordings ORDER BY recording').all(), [{ recording: 1, officer: null }, { recording: 2, officer: 'officer han' }]);
    });

    it("an alarm is kept under its own log entry's index", () => {
      apply(opened(), pinned(camera), pinned(new Camera()));
      apply({ type: 'alarm', time: T0 + 9, deviceId: camera.deviceId, kind: 2, heldRecords: 9, heldHead: new Uint8Array(32), offeredRecords: 11, offeredHead: new Uint8Array(32), divergence: 5, text: 'a fork' });
      assert.deepEqual(row('SELECT * FROM alarms'), { log_entry: 3, device_id: camera.id, kind: 'fork', raised_at: T0 + 9, held_records: 9, offered_records: 11, divergence: 5, text: 'a fork' });
    });
  });

  describe('segments', () => {
    it('stores a segment record once, and nothing else as one', () => {
      apply(opened(), pinned(camera));
      refuses(stored(camera, camera.event()), 'a segment-stored entry must hold a segment record, not a event');
      const s = camera.segment(1, 0);
      apply(stored(camera, s.body, T0 + 3));
      assert.deepEqual(row('SELECT sealed_digest, device_id, recording, segment_index, record_sequence, sealed_length, stored_at, released_at, receipt_digest, ended_at, end_rule FROM segments'), {
        sealed_digest: s.digest, device_id: camera.id, recording: 1, segment_index: 0, record_sequence: s.record.sequence, sealed_length: 1_000,
        stored_at: T0 + 3, released_at: null, receipt_digest: null, ended_at: null, end_rule: null,
      });
      assert.equal(row('SELECT retain_until FROM recordings')!.retain_until, T0 + 3 + 30 * DAY);
      refuses(stored(camera, s.body, T0 + 4), `stores segment ${s.digest} a second time`);
    });

    it("refuses a second, different segment under a recording's segment index the store already holds", () => {
      const other = new Camera();
      apply(opened(), pinned(camera), pinned(other));
      const s = camera.segment(1, 0);
      apply(stored(camera, s.body));
      const again = camera.segment(1, 0, { sealedDigest: port.sha256(Uint8Array.of(9)) });
      refuses(stored(camera, again.body), `stores segment 0 of recording 1 of camera ${camera.id} as ${again.digest}, but the store holds that segment as ${s.digest}`);
      apply(stored(camera, camera.segment(1, 1).body), stored(camera, camera.segment(2, 0).body), stored(other, other.segment(1, 0).body));
      assert.equal(row('SELECT count(*) AS n FROM segments')!.n, 4, 'the next index, the next recording and another camera are other segments');
    });

    it("a recording's row joins its segments: ground of the latest, notice ANDed, times widened", () => {
      apply(opened(), pinned(camera));
      apply(stored(camera, camera.segment(1, 1, { noticeIndicators: 6, noticeReason: 3, noticeText: 'spoken' }).body, T0 + 1));
      apply(stored(camera, camera.segment(1, 0, { legalGround: 4, noticeIndicators: 3 }).body, T0 + 2));
      assert.deepEqual(row('SELECT legal_ground, notice_indicators, notice_reason, notice_text, start_time, end_time, first_stored_at, retain_until FROM recordings'), {
        legal_ground: 4, notice_indicators: 2, notice_reason: 3, notice_text: 'spoken', start_time: T0, end_time: T0 + 1999, first_stored_at: T0 + 1, retain_until: T0 + 1 + 30 * DAY,
      });
    });
  });

  describe('receipts and releases', () => {
    let s: ReturnType<Camera['segment']>;
    beforeEach(() => {
      s = camera.segment(1, 0);
      apply(opened(), pinned(camera), stored(camera, s.body));
    });

    it("keeps a receipt this store's dock signed for a stored segment", () => {
      const receipt = receiptOf(camera, s.record);
      apply(issued(receipt, T0 + 7));
      assert.deepEqual(row('SELECT * FROM receipts'), {
        receipt_digest: toHex(receiptDigest(port, receipt.fields, receipt.signature)), device_id: camera.id, segment_sequence: s.record.sequence,
        sealed_digest: s.digest, fields: toHex(receipt.fields), dock_signature: toHex(receipt.signature), issued_at: T0 + 7,
      });
      refuses(issued(receipt, T0 + 8), `keeps receipt ${toHex(receiptDigest(port, receipt.fields, receipt.signature))} a second time`);
      apply(issued(receiptOf(camera, s.record, { storedTime: T0 + 8 }), T0 + 8));
      assert.equal(row('SELECT count(*) AS n FROM receipts')!.n, 2, 'another receipt for the same segment is kept');
    });

    it('refuses a receipt naming another dock, or signed by another key, or unsigned', () => {
      const otherDock = generateP256KeyPair(port);
      refuses(issued(receiptOf(camera, s.record, { dockId: deriveDockId(port, otherDock.publicKey) })), 'holds a receipt naming another dock than the one that keeps this store');
      const signature = "holds a receipt whose dock signature does not verify with the store's dock key";
      refuses(issued(receiptOf(camera, s.record, {}, otherDock.privateKey)), signature);
      const { fields } = receiptOf(camera, s.record);
      refuses(issued({ fields, signature: new Uint8Array(64) }), signature);
      const signed = receiptOf(camera, s.record);
      refuses(issued({ fields: signed.fields, signature: receiptOf(camera, s.record, { storeId: 1 }).signature }), signature);
    });

    it('refuses a receipt for a segment record the log did not store with that camera, sequence and length', () => {
      const other = new Camera();
      apply(pinned(other));
      const says = (sequence: number, digest: string) => `holds a receipt for segment record #${sequence} (${digest}), which no earlier entry stored with that camera, sequence and length`;
      const unstored = camera.segment(1, 1);
      refuses(issued(receiptOf(camera, unstored.record)), says(unstored.record.sequence, unstored.digest));
      refuses(issued(receiptOf(other, s.record)), says(s.record.sequence, s.digest));
      refuses(issued(receiptOf(camera, s.record, { segmentSequence: s.record.sequence + 1 })), says(s.record.sequence + 1, s.digest));
      refuses(issued(receiptOf(camera, s.record, { sealedLength: s.record.sealedLength - 1 })), says(s.record.sequence, s.digest));
      refuses(issued(receiptOf(camera, s.record, { sealedLength: s.record.sealedLength + 1 })), says(s.record.sequence, s.digest));
    });

    it('records a release only with a receipt this store issued for that segment, and only the first', () => {
      const t = camera.segment(1, 1);
      apply(stored(camera, t.body));
      const receipt = receiptOf(camera, s.record);
      const says = `records a release with receipt ${toHex(receiptDigest(port, receipt.fields, receipt.signature))}, which this store never issued for that segment`;
      refuses(released(s.digest, receipt), says);
      apply(issued(receipt));
      refuses(released(t.digest, receipt), says);
      apply(released(s.digest, receipt, T0 + 20));
      apply(released(s.digest, receipt, T0 + 30));
      assert.deepEqual(db.prepare('SELECT sealed_digest, released_at, receipt_digest FROM segments ORDER BY record_sequence').all(), [
        { sealed_digest: s.digest, released_at: T0 + 20, receipt_digest: toHex(receiptDigest(port, receipt.fields, receipt.signature)) },
        { sealed_digest: t.digest, released_at: null, receipt_digest: null },
      ]);
    });
  });

  describe('chains', () => {
    it("a camera's committed chain may only grow: generation up, length and records never down", () => {
      const other = new Camera();
      apply(opened(), pinned(camera), pinned(other));
      apply(committed(camera, 1, 500, 10));
      apply(committed(camera, 2, 500, 10));
      const says = (generation: number, records: number) => `commits generation ${generation} of camera ${camera.id} (${records} records) over generation 2 (10 records): a chain may only grow`;
      refuses(committed(camera, 2, 600, 12), says(2, 12));
      refuses(committed(camera, 1, 600, 12), says(1, 12));
      refuses(committed(camera, 3, 499, 12), says(3, 12));
      refuses(committed(camera, 3, 600, 9), says(3, 9));
      apply(committed(other, 1, 100, 3));
      apply(committed(camera, 3, 501, 11));
      assert.deepEqual(db.prepare('SELECT device_id, generation, chain_length, records FROM chains ORDER BY device_id = ?, generation').all(camera.id), [
        { device_id: other.id, generation: 1, chain_length: 100, records: 3 },
        { device_id: camera.id, generation: 1, chain_length: 500, records: 10 },
        { device_id: camera.id, generation: 2, chain_length: 500, records: 10 },
        { device_id: camera.id, generation: 3, chain_length: 501, records: 11 },
      ]);
    });
  });

  describe('retention and its lawful end', () => {
    let s: ReturnType<Camera['segment']>;
    const until = T0 + 30 * DAY;
    beforeEach(() => {
      s = camera.segment(1, 0);
      apply(opened(), pinned(camera), stored(camera, s.body));
    });

    it('a retention entry must lengthen a stored recording', () => {
      const says = (recording: number) => `extends recording ${recording} of camera ${camera.id}, which is not stored or already kept that long`;
      refuses(retention(camera, 2, until + DAY), says(2));
      refuses(retention(camera, 1, until), says(1));
      refuses(retention(camera, 1, until - DAY), says(1));
      apply(retention(camera, 1, until + 1));
      assert.equal(row('SELECT retain_until FROM recordings')!.retain_until, until + 1);
    });

    it('a retention entry may keep a recording at most 180 days after it was first stored', () => {
      const longest = T0 + 180 * DAY;
      refuses(retention(camera, 1, longest + 1), `keeps recording 1 of camera ${camera.id} until ${new Date(longest + 1).toISOString()}, past 180 days after it was first stored (${new Date(longest).toISOString()}), the longest the law allows`);
      apply(stored(camera, camera.segment(1, 1).body, T0 + 10 * DAY));
      refuses(retention(camera, 1, longest + 1), `keeps recording 1 of camera ${camera.id} until ${new Date(longest + 1).toISOString()}, past 180 days after it was first stored (${new Date(longest).toISOString()}), the longest the law allows`);
      apply(retention(camera, 1, longest));
      assert.equal(row('SELECT retain_until FROM recordings')!.retain_until, longest);
    });

    it('ends a stored segment once, and not before its retention ends', () => {
      refuses(ended(s.digest, until - 1), `ends segment ${s.digest} at ${new Date(until - 1).toISOString()}, before its retention ends (${new Date(until).toISOString()})`);
      const unstored = camera.segment(1, 1);
      refuses(ended(unstored.digest, until), `ends segment ${unstored.digest}, which is not a stored segment still held`);
      apply(ended(s.digest, until));
      assert.deepEqual(row('SELECT ended_at, end_rule FROM segments'), { ended_at: until, end_rule: 'retention ran out' });
      refuses(ended(s.digest, until + DAY), `ends segment ${s.digest}, which is not a stored segment still held`);
    });

    it('an extended retention moves the end', () => {
      apply(retention(camera, 1, until + 5 * DAY));
      refuses(ended(s.digest, until + 5 * DAY - 1), `ends segment ${s.digest} at ${new Date(until + 5 * DAY - 1).toISOString()}, before its retention ends (${new Date(until + 5 * DAY).toISOString()})`);
      apply(ended(s.digest, until + 5 * DAY));
    });

    it('refuses to end a segment whose recording row was deleted from the database', () => {
      db.prepare('DELETE FROM recordings').run();
      refuses(ended(s.digest, until), `ends segment ${s.digest}, which is not a stored segment still held`);
    });
  });
});
