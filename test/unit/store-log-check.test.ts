// verify STORE's first part (host-tools/verify/store-log-check.ts), in process over a real store
// the dock wrote: the signed log must be there, start with the key that signs it, be covered
// exactly by its checkpoint, and replay into every table of evidence.sqlite row for row. Each
// failure is named as `chaincam verify STORE` prints it.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { toHex } from '../../firmware/format/bytes.js';
import { readChainLog } from '../../firmware/format/chain-log.js';
import { decodeRecord, type SegmentRecord } from '../../firmware/format/chain-records.js';
import { generateP256KeyPair } from '../../firmware/format/key-derivation.js';
import { NodeCryptoPort } from '../../host-tools/crypto/node-crypto-port.js';
import { EvidenceStore } from '../../host-tools/store/evidence-store.js';
import { encodeStoreEntry } from '../../host-tools/store/store-log-entries.js';
import { leafHash, readLogFrames, signCheckpoint, treeHash } from '../../host-tools/store/store-log.js';
import { checkStoreLog, compareTables } from '../../host-tools/verify/store-log-check.js';
import { HostCamera } from '../support/host-camera.js';

const port = new NodeCryptoPort();

describe('verify STORE: the signed log and the tables it proves', () => {
  let root: string;
  let dir: string;
  const dockKey = generateP256KeyPair(port);
  const entriesFile = () => path.join(dir, 'log', 'entries');
  const checkpointFile = () => path.join(dir, 'log', 'checkpoint');
  const check = (pinned?: Uint8Array) => {
    const failures: string[] = [];
    const log = checkStoreLog(dir, port, pinned, failures);
    return { failures, log };
  };
  /** Re-signs a checkpoint over the entries file as it now is, as a thief holding the dock's key could. */
  const resign = (key = dockKey) => {
    const { frames } = readLogFrames(new Uint8Array(fs.readFileSync(entriesFile())));
    fs.writeFileSync(checkpointFile(), signCheckpoint(port, key, frames.length, treeHash(port, frames.map((f) => leafHash(port, f.bytes)))));
  };
  const appendEntry = (bytes: Uint8Array) => {
    const frame = Buffer.alloc(4 + bytes.length);
    frame.writeUInt32BE(bytes.length);
    frame.set(bytes, 4);
    fs.appendFileSync(entriesFile(), frame);
  };

  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'chaincam-store-log-check-'));
    dir = path.join(root, 'store');
    const camera = HostCamera.create('officer kim');
    camera.record(2, [1_500, 2_500]);
    const frames = readChainLog(camera.evidence.chain).frames;
    const store = EvidenceStore.open(dir, { dockKey });
    store.pinCamera({ deviceId: camera.deviceId, publicKey: camera.key.publicKey, label: camera.label });
    for (const held of camera.evidence.held.values()) {
      const file = path.join(root, `${held.segment.sequence}.seg`);
      fs.writeFileSync(file, held.bytes);
      store.storeSegment(camera.id, decodeRecord(frames[held.segment.sequence]!.body) as SegmentRecord, file);
    }
    store.close();
  });
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

  it('a store as the dock left it: no failure, the entries read, the dock key taken from the first', () => {
    const { failures, log } = check(dockKey.publicKey);
    assert.deepEqual(failures, []);
    assert.deepEqual(log.entries.map((e) => e.type), ['store-opened', 'camera-pinned', 'segment-stored', 'segment-stored']);
    assert.deepEqual(log.dockPublicKey, dockKey.publicKey);
    const db = new Database(path.join(dir, 'evidence.sqlite'), { readonly: true });
    try {
      const compared: string[] = [];
      compareTables(db, log.replay, compared);
      assert.deepEqual(compared, []);
      assert.equal((log.replay.prepare('SELECT COUNT(*) AS n FROM segments').get() as { n: number }).n, 2, 'the replay is a database of its own');
    } finally {
      db.close();
    }
  });

  it('names a missing entries file or checkpoint', () => {
    fs.rmSync(checkpointFile());
    assert.deepEqual(check().failures, ['log/checkpoint is missing: the store\'s signed log is gone (or the store was made before it), so nothing in it is proven']);
    fs.writeFileSync(checkpointFile(), 'x');
    fs.rmSync(entriesFile());
    assert.deepEqual(check().failures, ['log/entries is missing: the store\'s signed log is gone (or the store was made before it), so nothing in it is proven']);
  });

  it('names a torn entries file, an entry that does not decode, and a log not opened by a store', () => {
    const whole = fs.readFileSync(entriesFile());
    fs.writeFileSync(entriesFile(), whole.subarray(0, whole.length - 3));
    const torn = check().failures;
    assert.match(torn[0]!, /^log\/entries: entry #3 at offset \d+ is truncated$/);

    const { frames } = readLogFrames(new Uint8Array(whole));
    const garbled = Buffer.from(whole);
    garbled[frames[2]!.offset + 4] = 0xee; // the third entry's type byte
    fs.writeFileSync(entriesFile(), garbled);
    const undecodable = check();
    assert.match(undecodable.failures[0]!, new RegExp(`^log entry #2 at log/entries offset ${frames[2]!.offset}: cannot be decoded: `));
    assert.equal(undecodable.failures.length, 1, 'nothing is replayed past an entry that cannot be read');

    fs.writeFileSync(entriesFile(), whole.subarray(frames[1]!.offset));
    resign();
    assert.deepEqual(check().failures, ['log entry #0 is not store-opened: the log does not say which dock key signs it']);
    fs.writeFileSync(entriesFile(), '');
    resign();
    assert.deepEqual(check().failures, ['log entry #0 is not store-opened: the log does not say which dock key signs it']);
  });

  it('a pinned dock key must be the one the log opened with', () => {
    const other = generateP256KeyPair(port);
    assert.deepEqual(check(other.publicKey).failures, [
      `the log is signed by dock key ${toHex(dockKey.publicKey).slice(0, 16)}…, not by the dock key pinned with --dock-key (${toHex(other.publicKey).slice(0, 16)}…): another store, or a forged one`,
    ]);
  });

  it('the checkpoint must cover exactly the entries: appended, removed or edited entries are named', () => {
    const whole = fs.readFileSync(entriesFile());
    const { frames } = readLogFrames(new Uint8Array(whole));
    appendEntry(encodeStoreEntry({ type: 'officer-assigned', time: Date.UTC(2026, 6, 1), deviceId: new Uint8Array(16), officer: 'nobody' }));
    assert.equal(check().failures[0], 'log entries #4..#4 are not covered by the signed checkpoint (it covers 4): the entry was appended without the dock\'s key, '
      + 'or the dock stopped between writing it and signing its checkpoint (a power cut or a full disk); keep the store as it is and compare it with the dock\'s own records');
    appendEntry(encodeStoreEntry({ type: 'officer-assigned', time: Date.UTC(2026, 6, 1), deviceId: new Uint8Array(16), officer: 'nobody' }));
    assert.equal(check().failures[0], 'log entries #4..#5 are not covered by the signed checkpoint (it covers 4): entries were appended without the dock\'s key');

    fs.writeFileSync(entriesFile(), whole.subarray(0, frames[3]!.offset));
    assert.equal(check().failures[0], 'the signed checkpoint covers 4 log entries, the log holds 3: entries were removed from its end');

    const edited = Buffer.from(whole);
    edited[edited.length - 1]! ^= 1;
    fs.writeFileSync(entriesFile(), edited);
    assert.equal(check().failures[0], 'the log\'s Merkle root is not the one the checkpoint signed: a log entry was edited, removed or inserted');

    fs.writeFileSync(entriesFile(), whole);
    fs.writeFileSync(checkpointFile(), fs.readFileSync(checkpointFile(), 'utf8').replace(/\n\n.*$/s, '\n\n— nothing\n'));
    assert.match(check().failures[0]!, /^log\/checkpoint: /);
    resign(generateP256KeyPair(port));
    assert.match(check().failures[0]!, /^log\/checkpoint: the checkpoint names .*, but this store's dock key is /);
  });

  it('an entry the replay refuses is named with its number and type, and the replay stops there', () => {
    const whole = fs.readFileSync(entriesFile());
    const { frames } = readLogFrames(new Uint8Array(whole));
    // The second segment stored twice, signed over anew: the replay refuses the copy.
    appendEntry(frames[3]!.bytes);
    resign();
    const { failures, log } = check();
    assert.equal(failures.length, 1);
    assert.match(failures[0]!, /^log entry #4 \(segment-stored\): stores segment [0-9a-f]{64} a second time$/);
    assert.equal(log.entries.length, 5);
  });

  it('compares every table row for row: an added, edited or deleted row, and tables that should not be or are not there', () => {
    const { log } = check();
    const db = new Database(path.join(dir, 'evidence.sqlite'));
    const compare = () => {
      const failures: string[] = [];
      compareTables(db, log.replay, failures);
      return failures;
    };
    try {
      const label = db.prepare('SELECT device_id, label FROM cameras').get() as { device_id: string; label: string };
      db.prepare('UPDATE cameras SET label = ?').run('officer lee');
      assert.deepEqual(compare(), [`evidence.sqlite cameras row ${label.device_id}: label is "officer lee", the signed log says "officer kim"; the row was edited`]);
      db.prepare('UPDATE cameras SET label = ?').run(label.label);

      const segment = db.prepare('SELECT * FROM segments ORDER BY sealed_digest LIMIT 1').get() as Record<string, unknown>;
      db.prepare('DELETE FROM segments WHERE sealed_digest = ?').run(segment.sealed_digest);
      assert.deepEqual(compare(), [`evidence.sqlite segments row ${segment.sealed_digest}, which the signed log records, is missing: the row was deleted`]);
      const columns = Object.keys(segment);
      db.prepare(`INSERT INTO segments (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`).run(...columns.map((c) => segment[c] as never));
      assert.deepEqual(compare(), []);

      db.exec('CREATE TABLE notes (text TEXT)');
      assert.deepEqual(compare(), ['evidence.sqlite holds a table "notes" that is not part of a store (docs/STORE.md section 2)']);
      db.exec('DROP TABLE notes');
      db.exec('ALTER TABLE receipts RENAME TO receipts_kept');
      assert.deepEqual(compare(), [
        'evidence.sqlite holds a table "receipts_kept" that is not part of a store (docs/STORE.md section 2)',
        'evidence.sqlite has no table "receipts"',
      ]);
      db.exec('ALTER TABLE receipts_kept RENAME TO receipts');
      db.exec('ALTER TABLE cameras RENAME COLUMN device_id TO device');
      const unreadable = compare();
      assert.equal(unreadable.length, 1);
      assert.match(unreadable[0]!, /^evidence\.sqlite table "cameras" cannot be read as a store's: no such column: device_id/);
    } finally {
      db.close();
    }
  });

  it('names the first 20 differing rows and says there are more, once', () => {
    const { log } = check();
    const db = new Database(path.join(dir, 'evidence.sqlite'));
    try {
      const insert = db.prepare('INSERT INTO cameras (device_id, public_key, label, first_seen) VALUES (?, ?, ?, ?)');
      const rowsAdded = (n: number) => {
        db.exec("DELETE FROM cameras WHERE label = 'forged'");
        for (let i = 0; i < n; i++) insert.run(`ff${String(i).padStart(30, '0')}`, '00', 'forged', 0);
        const failures: string[] = [];
        compareTables(db, log.replay, failures);
        return failures;
      };
      assert.equal(rowsAdded(20).length, 20);
      const many = rowsAdded(23);
      assert.equal(many.length, 21);
      assert.equal(many[19], `evidence.sqlite cameras row ff${String(19).padStart(30, '0')} is not in the store's log: it was added without the dock`);
      assert.equal(many[20], 'more rows differ from the log; the first are named above');
      assert.equal(rowsAdded(21).at(-1), 'more rows differ from the log; the first are named above');
    } finally {
      db.close();
    }
  });
});
