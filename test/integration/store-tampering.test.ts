// The dock's store is evidence too (docs/STORE.md): a store made by the dock (offloadCamera into
// EvidenceStore, two dockings, two chain generations) verifies, verify leaves it byte for byte as
// it was, and every class of tampering fails `chaincam verify` naming the fault.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { generateP256KeyPair } from '../../firmware/format/key-derivation.js';
import { offloadCamera } from '../../host-tools/dock/camera-offload.js';
import { segmentFileName } from '../../host-tools/evidence/evidence-layout.js';
import { cameraDocument } from '../../host-tools/keys/key-files.js';
import { EvidenceStore } from '../../host-tools/store/evidence-store.js';
import { encodeStoreEntry } from '../../host-tools/store/store-log-entries.js';
import { StoreLogWriter } from '../../host-tools/store/store-log.js';
import { verifyStore, type StoreVerifyOptions } from '../../host-tools/verify/verify-store.js';
import { hostPort } from '../support/dock-harness.js';
import { HostCamera, type FlashImage } from '../support/host-camera.js';
import { runSubcommand } from '../support/run-subcommand.js';
import { storeFingerprint } from '../support/store-fingerprint.js';

describe('the evidence store proves what it holds (verify STORE)', function () {
  const dockKey = generateP256KeyPair(hostPort);
  let root: string;
  let base: string;
  let camera: HostCamera;
  let afterFirstDocking: FlashImage;
  let cameraPub: string;
  let dir: string;

  const dock = async (cam: HostCamera, storeDir: string) => {
    const store = EvidenceStore.open(storeDir, { dockKey });
    try {
      return await offloadCamera({ client: cam.connect(dockKey.publicKey), store, dockKey, port: hostPort, log: () => undefined });
    } finally {
      store.close();
    }
  };
  const verify = (options: StoreVerifyOptions = {}) => verifyStore(dir, hostPort, options);
  const fails = (pattern: RegExp, options: StoreVerifyOptions = {}) => {
    const report = verify(options);
    assert.equal(report.ok, false, 'the tampered store must not verify');
    assert.ok(report.failures.some((f) => pattern.test(f)), `no failure matches ${pattern}:\n${report.failures.join('\n')}`);
    return report;
  };
  const sql = (statement: string, ...args: unknown[]) => {
    const db = new Database(path.join(dir, 'evidence.sqlite'));
    try {
      db.prepare(statement).run(...args);
    } finally {
      db.close();
    }
  };
  const segmentRow = (recording: number, segmentIndex: number) => {
    const db = new Database(path.join(dir, 'evidence.sqlite'), { readonly: true });
    try {
      return db.prepare('SELECT * FROM segments WHERE recording = ? AND segment_index = ?').get(recording, segmentIndex) as Record<string, string>;
    } finally {
      db.close();
    }
  };
  const cameraDir = () => path.join(dir, 'cameras', camera.id);

  before(async () => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'chaincam-store-tamper-'));
    base = path.join(root, 'base');
    camera = HostCamera.create('officer kim');
    camera.record(1, [30_000, 20_000, 25_000]);
    await dock(camera, base);
    afterFirstDocking = camera.image();
    camera.record(2, [15_000, 12_000]);
    // A power cut lost segment 1 of recording 3: its loss is on the chain.
    camera.record(3, [9_000]);
    camera.event({ type: 'segment-lost', recording: 3, segmentIndex: 1, lossReason: 1 });
    await dock(camera, base);
    cameraPub = path.join(root, 'camera.pub');
    fs.writeFileSync(cameraPub, JSON.stringify(cameraDocument({ publicKey: camera.key.publicKey, deviceId: camera.deviceId, label: camera.label }, false)));
  });
  after(() => fs.rmSync(root, { recursive: true, force: true }));
  beforeEach(function () {
    dir = path.join(root, this.currentTest!.title.replace(/[^a-z0-9]+/gi, '-').slice(0, 60));
    execFileSync('cp', ['-a', base, dir]); // -a keeps the hard links and the relative `current` links
  });

  it('a store made by the dock verifies, pinned, and verify leaves it byte for byte as it was', () => {
    const before = storeFingerprint(dir);
    const report = verify({ cameraFiles: [cameraPub] });
    assert.ok(report.ok, report.failures.join('\n'));
    assert.equal(report.segments, 6);
    assert.equal(report.cameras.length, 1);
    const cli = runSubcommand('host-tools/verify/verify-command.ts', 'registerVerifyCommand', ['verify', dir, '--camera', cameraPub]);
    assert.equal(cli.status, 0, cli.stdout + cli.stderr);
    assert.match(cli.stdout, /VERIFIED: the signed log, every row/);
    assert.equal(storeFingerprint(dir), before, 'verify changed the store');
  });

  it("retention's lawful end: each ended segment is in the log with its rule, and the store still verifies", () => {
    const later = Date.now() + 31 * 86_400_000;
    const store = EvidenceStore.open(dir, { dockKey, now: () => later });
    const ended = store.endExpiredSegments();
    const entries = store.logEntries().filter((e) => e.type === 'segment-ended');
    store.close();
    assert.equal(ended.length, 6);
    assert.equal(entries.length, 6);
    assert.match(ended[0]!.rule, /^retention: recording 1 kept 30 days after it was first stored, until /);
    assert.deepEqual(fs.readdirSync(path.join(dir, 'objects')), []);
    const report = verify({ cameraFiles: [cameraPub] });
    assert.ok(report.ok, report.failures.join('\n'));
  });

  describe('segment altered', () => {
    it('a byte of its object flipped: named as altered, its SHA-256 no longer matching', () => {
      const object = path.join(dir, 'objects', `${segmentRow(1, 2).sealed_digest}.seg`);
      const bytes = fs.readFileSync(object);
      bytes[bytes.length - 100]! ^= 0x01;
      fs.rmSync(object); // a new file, so the generations' hard links keep the original
      fs.writeFileSync(object, bytes);
      const report = fails(/segment 1\/2 of camera [0-9a-f]{32}: objects\/[0-9a-f]{64}\.seg no longer matches its SHA-256; the stored footage was altered/);
      assert.equal(report.failures.length, 1, report.failures.join('\n'));
    });
  });

  describe('segment deleted', () => {
    it('its object: named as gone, with its log entry', () => {
      fs.rmSync(path.join(dir, 'objects', `${segmentRow(1, 1).sealed_digest}.seg`));
      fails(/segment 1\/1 of camera [0-9a-f]{32} \(stored by log entry #\d+\) is gone: objects\/[0-9a-f]{64}\.seg is missing/);
    });
    it('its row: named as deleted', () => {
      const digest = segmentRow(1, 1).sealed_digest;
      sql('DELETE FROM segments WHERE sealed_digest = ?', digest);
      fails(new RegExp(`segments row ${digest}, which the signed log records, is missing: the row was deleted`));
    });
    it('its generation file: named as missing from the current copy', () => {
      fs.rmSync(path.join(cameraDir(), 'current', 'segments', segmentFileName(2, 0)));
      fails(/current\/segments\/r000002-s0000\.seg is missing: the store holds segment 2\/0 \(log entry #\d+\) and its generation file was deleted/);
    });
    it('all three (object, row, every generation file): still named, from the log', () => {
      const digest = segmentRow(1, 0).sealed_digest;
      sql('DELETE FROM segments WHERE sealed_digest = ?', digest);
      fs.rmSync(path.join(dir, 'objects', `${digest}.seg`));
      for (const gen of ['gen-000001', 'gen-000002']) fs.rmSync(path.join(cameraDir(), gen, 'segments', segmentFileName(1, 0)));
      const report = fails(/segment 1\/0 of camera .* is gone: .* missing and the log records no lawful end/);
      assert.ok(report.failures.some((f) => /segments row .* is missing/.test(f)));
    });
  });

  describe('chain rolled back or forked in the store', () => {
    it('current repointed to the older generation', () => {
      fs.rmSync(path.join(cameraDir(), 'current'));
      fs.symlinkSync('gen-000001', path.join(cameraDir(), 'current'));
      fails(/current points to gen-000001, not to gen-000002, the last generation the log committed/);
    });
    it('the newest generation rolled back to the older chain', () => {
      fs.copyFileSync(path.join(cameraDir(), 'gen-000001', 'chain.log'), path.join(cameraDir(), 'gen-000002', 'chain.log'));
      const report = fails(/gen-000002\/chain\.log is not the chain log entry #\d+ committed/);
      assert.ok(report.failures.some((f) => /does not extend generation 2|is missing|not record/.test(f)), report.failures.join('\n'));
    });
    for (const [kind, sizes] of [['shorter', [4_000]], ['longer', [4_000, 4_000, 4_000, 4_000, 4_000, 4_000]]] as const) {
      it(`the newest generation replaced by a ${kind} fork the camera key signed`, () => {
        const fork = camera.restored(afterFirstDocking);
        fork.record(2, [...sizes]);
        fs.writeFileSync(path.join(cameraDir(), 'gen-000002', 'chain.log'), fork.evidence.chain);
        const report = fails(/gen-000002\/chain\.log is not the chain log entry #\d+ committed/);
        assert.ok(report.failures.some((f) => /does not extend generation 2|does not pass through the head the receipt|not record #/.test(f)), report.failures.join('\n'));
      });
    }
  });

  describe('fabricated or re-keyed camera', () => {
    it('a second camera the dock took: with the provisioned camera pinned, it is named', async () => {
      const stranger = HostCamera.create('officer kim'); // same label, another key
      stranger.record(1, [10_000]);
      await dock(stranger, dir);
      assert.ok(verify().ok, 'unpinned, a camera the dock took on first use verifies');
      fails(new RegExp(`camera ${stranger.id} "officer kim" \\(log entry #\\d+\\) is not one of the pinned cameras`), { cameraFiles: [cameraPub] });
      const keys = path.join(root, 'keys-cameras');
      fs.mkdirSync(keys, { recursive: true });
      fs.copyFileSync(cameraPub, path.join(keys, `${camera.id}.pub`));
      fails(new RegExp(`camera ${stranger.id} .* is not one of the pinned cameras`), { camerasDir: keys });
    });
    it('a camera copied in by hand, with its own key', () => {
      const fake = HostCamera.create('fake');
      fs.cpSync(path.join(cameraDir()), path.join(dir, 'cameras', fake.id), { recursive: true, verbatimSymlinks: true });
      fails(new RegExp(`cameras/${fake.id} is not a camera the store's log pinned: a fabricated camera`));
    });
    it('a pinned key edited in the database', () => {
      sql('UPDATE cameras SET public_key = ?', Buffer.from(HostCamera.create().key.publicKey).toString('hex'));
      fails(/cameras row [0-9a-f]{32}: public_key is .*the signed log says .*; the row was edited/);
    });
  });

  describe('SQLite row edited', () => {
    it('the legal ground of a segment and of its recording', () => {
      const digest = segmentRow(1, 0).sealed_digest;
      sql('UPDATE segments SET legal_ground = 5 WHERE sealed_digest = ?', digest);
      sql('UPDATE recordings SET legal_ground = 5 WHERE recording = 1');
      const report = fails(new RegExp(`segments row ${digest}: legal_ground is 5, the signed log says 2; the row was edited`));
      assert.ok(report.failures.some((f) => /recordings row [0-9a-f]{32}\/1: legal_ground is 5, the signed log says 2/.test(f)));
    });
    it('a time', () => {
      sql('UPDATE segments SET start_time = start_time - 3600000 WHERE recording = 2 AND segment_index = 1');
      fails(/segments row [0-9a-f]{64}: start_time is \d+, the signed log says \d+; the row was edited/);
    });
    it('a receipt: the digest kept with the segment, and the receipt kept whole', () => {
      sql('UPDATE segments SET receipt_digest = ? WHERE recording = 1 AND segment_index = 2', '00'.repeat(32));
      sql("UPDATE receipts SET dock_signature = ? WHERE segment_sequence = (SELECT min(segment_sequence) FROM receipts)", 'ab'.repeat(64));
      const report = fails(/segments row [0-9a-f]{64}: receipt_digest is "0{64}", the signed log says "[0-9a-f]{64}"/);
      assert.ok(report.failures.some((f) => /receipts row [0-9a-f]{64}: dock_signature is "(ab){64}"/.test(f)), report.failures.join('\n'));
    });
    it('a row added', () => {
      const row = segmentRow(1, 0);
      sql(`INSERT INTO segments SELECT '${'ee'.repeat(32)}', device_id, 9, 0, 999, sealed_length, legal_ground, notice_indicators, notice_reason, notice_text,
        start_time, end_time, stored_at, NULL, NULL, NULL, NULL FROM segments WHERE sealed_digest = ?`, row.sealed_digest);
      fails(/segments row (ee){32} is not in the store's log: it was added without the dock/);
    });
  });

  it('a foreign object added: named as not committed to by the log', () => {
    fs.writeFileSync(path.join(dir, 'objects', `${'ab'.repeat(32)}.seg`), crypto.randomBytes(5000));
    fails(/objects\/(ab){32}\.seg is not committed to by the store's log: a foreign object/);
  });

  describe('old generation edited', () => {
    it('its chain.log', () => {
      const file = path.join(cameraDir(), 'gen-000001', 'chain.log');
      const bytes = fs.readFileSync(file);
      bytes[bytes.length - 40] ^= 1;
      fs.chmodSync(file, 0o644);
      fs.writeFileSync(file, bytes);
      fails(/gen-000001\/chain\.log is not the chain log entry #\d+ committed/);
    });
    it('a segment file it holds (no longer the stored object)', () => {
      const file = path.join(cameraDir(), 'gen-000001', 'segments', segmentFileName(1, 1));
      const bytes = fs.readFileSync(file);
      bytes[bytes.length >> 1] ^= 1;
      fs.rmSync(file);
      fs.writeFileSync(file, bytes);
      fails(/gen-000001\/segments\/r000001-s0001\.seg is not the stored segment \(log entry #\d+\): the generation's copy was edited/);
    });
  });

  it('a file posing as the lost segment in a generation: named', () => {
    fs.writeFileSync(path.join(cameraDir(), 'current', 'segments', segmentFileName(3, 1)), crypto.randomBytes(3000));
    fails(/gen-000002\/segments\/r000003-s0001\.seg is not a segment the store's log holds for this camera: a file posing as footage \(or as a lost segment\)/);
  });

  it('the database replaced by something that is not one: named, not a crash', () => {
    fs.writeFileSync(path.join(dir, 'evidence.sqlite'), 'not a database at all, but long enough to look like a file of one '.repeat(20));
    fails(/evidence\.sqlite cannot be read as a database .*: it was damaged or replaced/);
  });

  describe('the signed log itself', () => {
    it('an entry edited: the Merkle root no longer matches the checkpoint', () => {
      const file = path.join(dir, 'log', 'entries');
      const bytes = fs.readFileSync(file);
      bytes[bytes.length - 3] ^= 1;
      fs.writeFileSync(file, bytes);
      fails(/Merkle root is not the one the checkpoint signed|log entry #\d+/);
    });
    it('entries removed from its end', () => {
      const file = path.join(dir, 'log', 'entries');
      const bytes = fs.readFileSync(file);
      const last = bytes.readUInt32BE(0); // Cut the file after its first entry.
      fs.writeFileSync(file, bytes.subarray(0, 4 + last));
      fails(/the signed checkpoint covers \d+ log entries, the log holds 1: entries were removed from its end/);
    });
    it("a retention past the law's 180 days, signed with the dock's key and put in the database: named", () => {
      const db = new Database(path.join(dir, 'evidence.sqlite'), { readonly: true });
      const { first_stored_at: first } = db.prepare('SELECT first_stored_at FROM recordings WHERE recording = 1').get() as { first_stored_at: number };
      db.close();
      const until = first + 10 * 365 * 86_400_000;
      const log = new StoreLogWriter(dir, hostPort);
      const index = log.size;
      log.append(encodeStoreEntry({ type: 'retention', time: first, deviceId: camera.deviceId, recording: 1, retainUntil: until, reason: 'kept for good', by: 'someone' }), dockKey);
      sql('UPDATE recordings SET retain_until = ? WHERE recording = 1', until);
      sql('UPDATE store_log SET entries = entries + 1');
      fails(new RegExp(`^log entry #${index} \\(retention\\): keeps recording 1 of camera ${camera.id} until ${new Date(until).toISOString()}, past 180 days after it was first stored .*, the longest the law allows$`));
    });
    it('signed by another dock than the one pinned', () => {
      const other = path.join(root, 'other-dock.key');
      fs.writeFileSync(other, JSON.stringify({ format: 'chaincam-dock-key/v1', publicKey: Buffer.from(generateP256KeyPair(hostPort).publicKey).toString('hex') }));
      fails(/not by the dock key pinned with --dock-key/, { dockKeyFile: other });
    });
  });
});
