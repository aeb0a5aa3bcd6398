// The dock's evidence store at its edges (host-tools/store/evidence-store.ts, docs/STORE.md):
// which folders it makes a store in, a read-only store that refuses every write and changes
// nothing, a store kept by another dock's key, a segment stored twice, a full store, a release
// of what it does not hold or holds released, retention extended within the law's 1-180 days
// with a reason, an alarm's log entry, and a lawful end that removes the object. Written for
// the survivors of `npm run mutation -- host-tools/store/evidence-store.ts` (docs/MUTATION.md).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { toHex } from '../../firmware/format/bytes.js';
import { readChainLog } from '../../firmware/format/chain-log.js';
import { decodeRecord, type SegmentRecord } from '../../firmware/format/chain-records.js';
import { deriveDockId, signReceipt } from '../../firmware/format/dock-proofs.js';
import { generateP256KeyPair } from '../../firmware/format/key-derivation.js';
import { NodeCryptoPort } from '../../host-tools/crypto/node-crypto-port.js';
import { EvidenceStore, StoreRefusal, checkStoreFolder } from '../../host-tools/store/evidence-store.js';
import { CAMERA_PUBLIC_FILE, CHAIN_LOG_FILE, SEGMENTS_DIR, segmentFileName } from '../../host-tools/evidence/evidence-layout.js';
import { cameraDocument } from '../../host-tools/keys/key-files.js';
import { verifyEvidence } from '../../host-tools/verify/verify-evidence.js';
import { verifyStore } from '../../host-tools/verify/verify-store.js';
import { HostCamera } from '../support/host-camera.js';

const port = new NodeCryptoPort();
const DAY = 86_400_000;

describe('the evidence store at its edges', () => {
  let root: string;
  const dockKey = generateP256KeyPair(port);
  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'chaincam-store-rules-'));
  });
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

  /** A camera's sealed segments as the dock has them after checking: the record and a staged file each. */
  const recorded = (sizes: number[]) => {
    const camera = HostCamera.create('officer han');
    camera.record(1, sizes);
    const frames = readChainLog(camera.evidence.chain).frames;
    const staged = path.join(root, 'staged');
    fs.mkdirSync(staged, { recursive: true });
    const segments = [...camera.evidence.held.values()].map((h) => {
      const record = decodeRecord(frames[h.segment.sequence]!.body) as SegmentRecord;
      const file = path.join(staged, `${h.segment.sequence}.seg`);
      fs.writeFileSync(file, h.bytes);
      return { record, file, digest: toHex(record.sealedDigest) };
    });
    return { camera, deviceId: toHex(camera.deviceId), segments };
  };
  const opened = (options: Parameters<typeof EvidenceStore.open>[1] = {}) => EvidenceStore.open(path.join(root, 'store'), { dockKey, ...options });
  const stored = (store: EvidenceStore, sizes: number[]) => {
    const r = recorded(sizes);
    store.pinCamera({ deviceId: r.camera.deviceId, publicKey: r.camera.key.publicKey, label: r.camera.label });
    for (const s of r.segments) store.storeSegment(r.deviceId, s.record, s.file);
    return r;
  };
  /** Every byte of the store's files, to show something changed nothing. */
  const snapshot = (dir: string) => {
    const out = new Map<string, string>();
    const walk = (d: string) => {
      for (const e of fs.readdirSync(d, { withFileTypes: true })) {
        const p = path.join(d, e.name);
        if (e.isDirectory()) walk(p);
        else if (e.isFile()) out.set(path.relative(dir, p), toHex(port.sha256(fs.readFileSync(p))));
      }
    };
    walk(dir);
    return out;
  };

  it('makes a store only in a new or empty folder, naming what else a folder holds', () => {
    checkStoreFolder(path.join(root, 'new'));
    fs.mkdirSync(path.join(root, 'empty'));
    checkStoreFolder(path.join(root, 'empty'));
    fs.writeFileSync(path.join(root, 'file'), 'x');
    assert.throws(() => checkStoreFolder(path.join(root, 'file')), /is a file, not an evidence store folder/);
    const three = path.join(root, 'three');
    fs.mkdirSync(three);
    for (const n of ['a', 'b', 'c']) fs.writeFileSync(path.join(three, n), '');
    assert.throws(() => checkStoreFolder(three), /already holds other files \(a, b, c\); give --store a new or empty folder$/);
    fs.writeFileSync(path.join(three, 'd'), '');
    assert.throws(() => checkStoreFolder(three), /already holds other files \(a, b, c, …\)/);
  });

  it('opened read-only, it makes nothing where there is no store, and refuses every write changing nothing', () => {
    const missing = path.join(root, 'missing');
    assert.throws(() => EvidenceStore.open(missing, { readOnly: true }), /missing is not an evidence store \(no /);
    assert.equal(fs.existsSync(missing), false, 'no folder made');
    const store = opened();
    const { deviceId, segments } = stored(store, [3_000, 2_000]);
    store.close();
    const more = recorded([1_000]);
    const before = snapshot(path.join(root, 'store'));
    const reader = EvidenceStore.open(path.join(root, 'store'), { readOnly: true, dockKey });
    const refusal = (what: string) => new RegExp(`^Error: evidence store .*store is read-only: cannot ${what}; nothing was changed$`);
    assert.throws(() => reader.storeSegment(more.deviceId, more.segments[0]!.record, more.segments[0]!.file), refusal('store segment 1/0'));
    assert.throws(() => reader.extendRetention(deviceId, 1, 90, 'investigation 2026-117', 'records manager kim'), refusal('extend retention'));
    assert.throws(() => reader.endExpiredSegments(), refusal('end expired segments'));
    assert.throws(() => reader.recordRelease(segments[0]!.digest, '00'.repeat(32)), refusal('record a release'));
    assert.throws(() => reader.assignOfficer(deviceId, 'officer han'), refusal('assign an officer'));
    assert.throws(() => reader.recordReceipt(new Uint8Array(8), new Uint8Array(64)), refusal('keep a receipt'));
    assert.equal(reader.segments().length, 2, 'it reads what is stored');
    reader.close();
    assert.deepEqual(snapshot(path.join(root, 'store')), before);
  });

  it('says why a folder cannot be a store, and writes nothing without the key that signs its log', () => {
    fs.writeFileSync(path.join(root, 'file'), 'x');
    assert.throws(() => checkStoreFolder(path.join(root, 'file', 'store')), /cannot use .*file\/store as an evidence store/);
    const store = EvidenceStore.open(path.join(root, 'store'));
    assert.deepEqual(store.logEntries(), [], 'a new store has no log yet');
    const r = recorded([1_000]);
    assert.throws(() => store.pinCamera({ deviceId: r.camera.deviceId, publicKey: r.camera.key.publicKey, label: r.camera.label }),
      /^Error: evidence store .*store: cannot pin a camera without the dock's key, which signs the store's log$/);
    assert.deepEqual(store.cameras(), []);
    assert.equal(store.issuedReceipt('00'.repeat(32)), false);
    store.close();
  });

  it("is kept by one dock's key: another dock's key is refused", () => {
    const store = opened();
    stored(store, [1_000]);
    store.close();
    assert.throws(() => opened({ dockKey: generateP256KeyPair(port) }), /is kept by the dock with public key [0-9a-f]{16}…, not by this dock's key: give this dock its own store$/);
    opened().close();
  });

  it('stores a segment once however often it is given, and refuses one that would pass its capacity, keeping nothing of it', () => {
    const r = recorded([4_000, 3_000]);
    const [first, second] = r.segments;
    const exact = first!.record.sealedLength + second!.record.sealedLength;
    const store = opened({ capacityBytes: exact - 1 });
    store.pinCamera({ deviceId: r.camera.deviceId, publicKey: r.camera.key.publicKey, label: r.camera.label });
    store.storeSegment(r.deviceId, first!.record, first!.file);
    const entries = store.logEntries().length;
    store.storeSegment(r.deviceId, first!.record, first!.file);
    assert.equal(store.logEntries().length, entries, 'the second time logs nothing');
    assert.throws(() => store.storeSegment(r.deviceId, second!.record, second!.file), (e: Error) => e instanceof StoreRefusal && /is full \(\d+ bytes\): segment 1\/1 not stored; free space or add a store/.test(e.message));
    assert.equal(store.segment(second!.digest), undefined);
    assert.equal(fs.existsSync(store.objectPath(second!.digest)), false, 'no object kept');
    assert.equal(store.logEntries().length, entries);
    store.close();
    const roomy = opened({ capacityBytes: exact });
    roomy.storeSegment(r.deviceId, second!.record, second!.file);
    assert.ok(roomy.segment(second!.digest), 'a segment that fills the store exactly is stored');
    roomy.close();
  });

  it('releases only what it holds, once', () => {
    const store = opened();
    const { camera, segments } = stored(store, [1_500]);
    const s = segments[0]!;
    const { fields, signature } = signReceipt(port, dockKey.privateKey, {
      deviceId: camera.deviceId, dockId: deriveDockId(port, dockKey.publicKey), segmentSequence: s.record.sequence, sealedLength: s.record.sealedLength,
      sealedDigest: s.record.sealedDigest, storedTime: 0, records: s.record.sequence + 1, headLink: new Uint8Array(32), storeId: 0,
    });
    const receipt = store.recordReceipt(fields, signature);
    assert.equal(store.issuedReceipt(receipt), true);
    assert.throws(() => store.recordRelease('ab'.repeat(32), receipt), /^Error: release of segment (ab){32} that the store does not hold$/);
    store.recordRelease(s.digest, receipt);
    const entries = store.logEntries().length;
    store.recordRelease(s.digest, receipt);
    assert.equal(store.logEntries().length, entries, 'a second release logs nothing');
    assert.notEqual(store.segment(s.digest)!.releasedAt, null);
    store.close();
  });

  it('extends retention within 1-180 days of the first store, with a reason, never shortening it', () => {
    let now = Date.UTC(2026, 5, 1);
    const store = opened({ now: () => now });
    const { deviceId } = stored(store, [1_000]);
    const first = store.recording(deviceId, 1)!.first_stored_at as number;
    assert.equal(store.extendRetention(deviceId, 1, 1, 'case 7', 'kim'), first + 30 * DAY, 'one day is a lawful length, shorter than the default');
    for (const days of [0, 181, 1.5, -3]) assert.throws(() => store.extendRetention(deviceId, 1, days, 'case 7', 'kim'), /retention must be 1-180 days, got /);
    assert.throws(() => store.extendRetention(deviceId, 1, 90, '  ', 'kim'), /needs a reason for the log/);
    assert.throws(() => store.extendRetention(deviceId, 9, 90, 'case 7', 'kim'), /no recording 9 of camera [0-9a-f]{32} in the store/);
    const entries = store.logEntries().length;
    assert.equal(store.extendRetention(deviceId, 1, 20, 'case 7', 'kim'), first + 30 * DAY, 'shorter than the default: unchanged');
    assert.equal(store.extendRetention(deviceId, 1, 30, 'case 7', 'kim'), first + 30 * DAY, 'the same: unchanged');
    assert.equal(store.logEntries().length, entries, 'nothing logged for either');
    now += 5 * DAY;
    assert.equal(store.extendRetention(deviceId, 1, 180, 'case 7', 'kim'), first + 180 * DAY, 'counted from the first store, not from now');
    const entry = store.logEntries().at(-1)!;
    assert.equal(entry.type, 'retention');
    assert.deepEqual(entry.type === 'retention' && [entry.retainUntil, entry.reason, entry.by], [first + 180 * DAY, 'case 7', 'kim']);
    assert.equal(store.recording(deviceId, 1)!.retain_until, first + 180 * DAY);
    store.close();
  });

  it("an alarm's number is its log entry, and a lawful end logs its rule before the object goes", () => {
    let now = Date.UTC(2026, 5, 1);
    const store = opened({ now: () => now });
    const { camera, segments } = stored(store, [2_000]);
    const index = store.raiseAlarm({ deviceId: camera.deviceId, kind: 'rollback', heldRecords: 9, heldHead: new Uint8Array(32), offeredRecords: 7, offeredHead: new Uint8Array(32).fill(1), divergence: 7, text: 'a shorter chain' });
    assert.equal(index, store.logEntries().length - 1);
    assert.equal(store.logEntries()[index]!.type, 'alarm');
    assert.deepEqual(store.endExpiredSegments(), [], 'nothing is due on the day it was stored');
    assert.ok(fs.existsSync(store.objectPath(segments[0]!.digest)));
    now += 31 * DAY;
    const ended = store.endExpiredSegments();
    assert.equal(ended.length, 1);
    assert.match(ended[0]!.rule, /^retention: recording 1 kept 30 days after it was first stored, until 2026-07-01T/);
    assert.equal(fs.existsSync(store.objectPath(segments[0]!.digest)), false, 'its object is gone');
    const last = store.logEntries().at(-1)!;
    assert.equal(last.type === 'segment-ended' && last.rule, ended[0]!.rule);
    store.close();
  });

  it("commits a camera's chain as the next generation, its segments linked to the stored objects, and refuses one that does not verify", () => {
    const store = opened();
    const { camera, deviceId, segments } = stored(store, [2_000, 3_000]);
    const identity = { deviceId: camera.deviceId, publicKey: camera.key.publicKey, label: camera.label };
    /** The chain and the entries the dock verified it to (as camera-offload stages them). */
    const verified = (chain: Uint8Array) => {
      const staging = fs.mkdtempSync(path.join(root, 'staging-'));
      fs.mkdirSync(path.join(staging, SEGMENTS_DIR));
      fs.writeFileSync(path.join(staging, CAMERA_PUBLIC_FILE), JSON.stringify(cameraDocument(identity, false)));
      fs.writeFileSync(path.join(staging, CHAIN_LOG_FILE), chain);
      for (const s of segments) fs.copyFileSync(s.file, path.join(staging, SEGMENTS_DIR, segmentFileName(s.record.recording, s.record.segmentIndex)));
      const result = verifyEvidence(staging, { port });
      assert.ok(result.report.ok, result.report.failure?.message);
      return result.entries;
    };
    const cameraDir = path.join(root, 'store', 'cameras', deviceId);
    const chain = camera.evidence.chain.slice();
    const entries = verified(chain);
    const gen = store.commitChain(identity, chain, port, entries);
    assert.equal(gen, path.join(cameraDir, 'gen-000001'));
    assert.equal(fs.readlinkSync(path.join(cameraDir, 'current')), 'gen-000001');
    assert.deepEqual(fs.readdirSync(cameraDir).sort(), ['current', 'gen-000001']);
    assert.deepEqual(fs.readFileSync(path.join(gen, CHAIN_LOG_FILE)), Buffer.from(chain));
    assert.deepEqual(JSON.parse(fs.readFileSync(path.join(gen, CAMERA_PUBLIC_FILE), 'utf8')), cameraDocument(identity, false));
    for (const s of segments) {
      const linked = path.join(gen, SEGMENTS_DIR, segmentFileName(s.record.recording, s.record.segmentIndex));
      assert.equal(fs.statSync(linked).ino, fs.statSync(store.objectPath(s.digest)).ino, 'a hard link to the stored object, not a copy');
    }
    const committed = store.logEntries().at(-1)!;
    assert.deepEqual(committed.type === 'chain-committed' && [committed.deviceId, committed.generation, committed.chainLength, committed.records, committed.headLink, committed.chainDigest],
      [camera.deviceId, 1, chain.length, entries.length, entries.at(-1)!.link, port.sha256(chain)]);

    // A longer chain, the camera having released both segments: the next generation, and current moves to it.
    for (const sequence of [...camera.evidence.held.keys()]) camera.evidence.release(sequence, new Uint8Array(32).fill(7));
    camera.evidence.checkpoint();
    const longer = camera.evidence.chain.slice();
    const next = store.commitChain(identity, longer, port, verified(longer));
    assert.equal(path.basename(next), 'gen-000002');
    assert.equal(fs.readlinkSync(path.join(cameraDir, 'current')), 'gen-000002');
    assert.deepEqual(fs.readdirSync(cameraDir).sort(), ['current', 'gen-000001', 'gen-000002']);
    assert.deepEqual(store.chains(deviceId).map((c) => [c.generation, c.chainLength, c.records, c.headLink]),
      [[1, chain.length, entries.length, toHex(entries.at(-1)!.link)], [2, longer.length, readChainLog(longer).frames.length, store.chains(deviceId)[1]!.headLink]]);
    assert.match(store.chains(deviceId)[1]!.headLink, /^[0-9a-f]{64}$/);

    // One byte of the chain changed after it was verified: refused, nothing of it kept, nothing logged.
    const bad = longer.slice();
    bad[bad.length - 10] ^= 1;
    const logged = store.logEntries().length;
    assert.throws(() => store.commitChain(identity, bad, port, verified(longer)), new RegExp(`^Error: the new chain of camera ${deviceId} does not verify with the stored segments: .+`));
    assert.deepEqual(fs.readdirSync(cameraDir).sort(), ['current', 'gen-000001', 'gen-000002']);
    assert.equal(fs.readlinkSync(path.join(cameraDir, 'current')), 'gen-000002');
    assert.equal(store.logEntries().length, logged);

    // A lawful end removes the footage from every generation that links it, and the object; the chains stay.
    const ended = opened({ now: () => Date.now() + 31 * DAY });
    store.close();
    assert.equal(ended.endExpiredSegments().length, 2);
    for (const g of ['gen-000001', 'gen-000002']) {
      assert.deepEqual(fs.readdirSync(path.join(cameraDir, g, SEGMENTS_DIR)), [], g);
      assert.equal(fs.existsSync(path.join(cameraDir, g, CHAIN_LOG_FILE)), true);
    }
    assert.deepEqual(segments.map((s) => fs.existsSync(ended.objectPath(s.digest))), [false, false]);
    // The camera docks again after its footage's lawful end: its longer chain is committed all the same.
    camera.event({ type: 'power-on', resetReason: 1, firmwareVersion: '0.1.0' });
    const after = camera.evidence.chain.slice();
    const third = ended.commitChain(identity, after, port, verified(after));
    assert.deepEqual(fs.readdirSync(path.join(third, SEGMENTS_DIR)), [], 'no link to footage that ended');
    ended.close();
  });

  it('replays, at open, the log entries a crash kept from the database, and only those', () => {
    const store = opened();
    const first = stored(store, [2_000]);
    store.close();
    const db = path.join(root, 'store', 'evidence.sqlite');
    const before = fs.readFileSync(db); // the database as a crash would leave it: behind the log
    const again = opened();
    const second = stored(again, [3_000]);
    const whole = { segments: again.segments(), cameras: again.cameras().map((c) => c.deviceId), log: again.logEntries().length };
    again.close();
    fs.writeFileSync(db, before);
    const reopened = opened();
    assert.deepEqual({ segments: reopened.segments(), cameras: reopened.cameras().map((c) => c.deviceId), log: reopened.logEntries().length }, whole);
    assert.deepEqual(reopened.segments().map((s) => s.deviceId).sort(), [first.deviceId, second.deviceId].sort());
    reopened.close();
    // Opened again with nothing to replay, it is the same.
    const last = opened();
    assert.deepEqual(last.segments(), whole.segments);
    last.close();
  });

  it('says what failed on the disk under it; a segment it could not write, or could not log, is not stored', () => {
    // A path through a file, and a store whose folders cannot be made.
    const file = path.join(root, 'a-file');
    fs.writeFileSync(file, '');
    assert.throws(() => EvidenceStore.open(path.join(file, 'store')), { message: `cannot use ${path.join(file, 'store')} as an evidence store: a part of the path is a file, not a folder (ENOTDIR)` });
    const made = opened();
    made.close();
    const dir = path.join(root, 'store');
    fs.rmSync(path.join(dir, 'staging'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'staging'), '');
    assert.throws(() => opened(), (e: Error) => e.message.startsWith(`cannot open the evidence store ${dir}: EEXIST`));
    fs.rmSync(path.join(dir, 'staging'));

    // The object's bytes cannot be written (a full disk): refused, no object, no temporary file, nothing logged.
    const store = opened();
    const r = recorded([2_000]);
    store.pinCamera({ deviceId: r.camera.deviceId, publicKey: r.camera.key.publicKey, label: r.camera.label });
    const [segment] = r.segments;
    const object = store.objectPath(segment!.digest);
    const temporary = `${object}.${process.pid}.tmp`;
    fs.symlinkSync('/dev/full', temporary);
    const logged = store.logEntries().length;
    assert.throws(() => store.storeSegment(r.deviceId, segment!.record, segment!.file), (e: Error) => e instanceof StoreRefusal &&
      e.message === `evidence store ${dir} cannot write ${object}: the disk is full (ENOSPC); free space on it or move the store to a larger disk; segment 1/0 not stored, no receipt sent, the camera keeps it`);
    assert.deepEqual([fs.existsSync(object), fs.existsSync(temporary), store.segments(), store.logEntries().length], [false, false, [], logged]);

    // The log cannot take an entry (its file on a full disk): refused by what it was for, the database
    // unchanged, and the object it had written removed (one the log never names reads as a foreign one).
    const entries = path.join(dir, 'log', 'entries');
    const kept = fs.readFileSync(entries);
    fs.rmSync(entries);
    fs.symlinkSync('/dev/full', entries);
    assert.throws(() => store.storeSegment(r.deviceId, segment!.record, segment!.file), (e: Error) => e instanceof StoreRefusal &&
      e.message === `evidence store ${dir} cannot store segment 1/0: the disk is full (ENOSPC); free space on it or move the store to a larger disk; nothing more was stored or released`);
    assert.deepEqual([store.segments(), fs.existsSync(object)], [[], false]);
    store.close();
    fs.rmSync(entries); // (reading /dev/full never ends: no store opens on it)
    fs.writeFileSync(entries, kept); // the disk has room again
    const report = verifyStore(dir, port);
    assert.deepEqual([report.ok, report.failures], [true, []]);

    // The entry reached the log but its checkpoint could not be written: refused, yet the object
    // stays, for the log names it: the next open replays the entry and the segment is stored whole.
    // No checkpoint covers that entry (the dock does not sign at open what it did not just write),
    // and verify says so, naming the stop as one cause: STORE.md 3.4.
    const again = opened();
    const checkpointTemporary = path.join(dir, 'log', `checkpoint.${process.pid}.tmp`);
    fs.symlinkSync('/dev/full', checkpointTemporary);
    assert.throws(() => again.storeSegment(r.deviceId, segment!.record, segment!.file), (e: Error) => e instanceof StoreRefusal &&
      e.message.startsWith(`evidence store ${dir} cannot store segment 1/0: the disk is full (ENOSPC)`));
    assert.deepEqual([again.segments(), fs.existsSync(object), again.logEntries().length], [[], true, logged + 1]);
    again.close();
    fs.rmSync(checkpointTemporary);
    const replayed = opened();
    assert.deepEqual(replayed.segments().map((s) => s.sealedDigest), [segment!.digest]);
    replayed.close();
    const after = verifyStore(dir, port);
    assert.deepEqual([after.ok, after.failures.length], [false, 1]);
    assert.match(after.failures[0]!, /^log entries #(\d+)\.\.#\1 are not covered by the signed checkpoint .* or the dock stopped between writing it and signing its checkpoint/);
  });

  it('opened again without the key it reads what it holds and names each write it cannot sign', () => {
    let now = Date.UTC(2026, 5, 1);
    const store = opened({ now: () => now });
    const { camera, deviceId, segments } = stored(store, [2_000]);
    store.assignOfficer(deviceId, 'officer han, badge 7');
    const assigned = store.logEntries().at(-1)!;
    assert.deepEqual(assigned.type === 'officer-assigned' && [assigned.deviceId, assigned.officer], [camera.deviceId, 'officer han, badge 7']);
    assert.deepEqual(store.cameras(), [{ deviceId, publicKey: camera.key.publicKey, label: 'officer han' }]);
    store.close();

    now += 31 * DAY;
    const keyless = EvidenceStore.open(path.join(root, 'store'), { now: () => now });
    assert.deepEqual(keyless.cameras().map((c) => c.deviceId), [deviceId], 'it reads');
    const refusal = (what: string) => new RegExp(`^Error: evidence store .*store: cannot ${what} without the dock's key, which signs the store's log$`);
    assert.throws(() => keyless.extendRetention(deviceId, 1, 60, 'case 9', 'kim'), refusal('extend retention'));
    assert.throws(() => keyless.endExpiredSegments(), refusal('end a segment'));
    assert.throws(() => keyless.raiseAlarm({ deviceId: camera.deviceId, kind: 'fork', heldRecords: 1, heldHead: new Uint8Array(32), offeredRecords: 1, offeredHead: new Uint8Array(32), divergence: 1, text: 'x' }), refusal('raise an alarm'));
    assert.ok(fs.existsSync(keyless.objectPath(segments[0]!.digest)), 'nothing ended');
    // A chain it cannot log is not kept either: no generation folder beside the committed ones.
    const chain = camera.evidence.chain.slice();
    const staging = fs.mkdtempSync(path.join(root, 'staging-'));
    fs.mkdirSync(path.join(staging, SEGMENTS_DIR));
    fs.writeFileSync(path.join(staging, CAMERA_PUBLIC_FILE), JSON.stringify(cameraDocument({ deviceId: camera.deviceId, publicKey: camera.key.publicKey, label: camera.label }, false)));
    fs.writeFileSync(path.join(staging, CHAIN_LOG_FILE), chain);
    for (const s of segments) fs.copyFileSync(s.file, path.join(staging, SEGMENTS_DIR, segmentFileName(s.record.recording, s.record.segmentIndex)));
    assert.throws(() => keyless.commitChain({ deviceId: camera.deviceId, publicKey: camera.key.publicKey, label: camera.label }, chain, port, verifyEvidence(staging, { port }).entries), refusal('commit a camera chain'));
    assert.deepEqual(fs.readdirSync(path.join(root, 'store', 'cameras', deviceId)), []);
    keyless.close();
    const reader = EvidenceStore.open(path.join(root, 'store'), { readOnly: true });
    assert.throws(() => reader.commitChain({ deviceId: camera.deviceId, publicKey: camera.key.publicKey, label: 'x' }, new Uint8Array(0), port, []),
      /^Error: evidence store .*store is read-only: cannot update a camera chain; nothing was changed$/);
    reader.close();
  });

  it('refuses a store made before the signed log, a staged file that is gone, and ends a segment whose object is already gone', () => {
    // A store from before the log: a database without its store_log table.
    const old = path.join(root, 'old');
    fs.mkdirSync(old);
    new Database(path.join(old, 'evidence.sqlite')).exec('CREATE TABLE segments (x)').close();
    assert.throws(() => EvidenceStore.open(old, { dockKey }), { message: `${old} was made by an older chaincam, before the store kept a signed log; it cannot prove what it holds. Keep it as it is for examination and give the dock a new store` });

    let now = Date.UTC(2026, 5, 1);
    const store = opened({ now: () => now });
    const r = recorded([2_000, 3_000]);
    store.pinCamera({ deviceId: r.camera.deviceId, publicKey: r.camera.key.publicKey, label: r.camera.label });
    const [first, second] = r.segments;
    fs.rmSync(first!.file);
    const object = store.objectPath(first!.digest);
    assert.throws(() => store.storeSegment(r.deviceId, first!.record, first!.file), (e: Error) => e instanceof StoreRefusal &&
      e.message.startsWith(`evidence store ${path.join(root, 'store')} cannot write ${object}: ENOENT`) && e.message.endsWith('; segment 1/0 not stored, no receipt sent, the camera keeps it'));
    store.storeSegment(r.deviceId, second!.record, second!.file);
    fs.rmSync(store.objectPath(second!.digest)); // gone by other hands before its end
    now += 31 * DAY;
    assert.deepEqual(store.endExpiredSegments().map((e) => [e.recording, e.segmentIndex]), [[1, 1]]);
    store.close();
  });
});
