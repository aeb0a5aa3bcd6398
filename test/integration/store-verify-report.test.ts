// What `chaincam verify STORE` reports of a store the dock made, exactly: its counts (segments,
// those awaiting their camera's next chain, log entries, bytes hashed once each), its notes, the
// cameras pinned by file or by folder, and faults only a dock gone wrong or a holder of the dock's
// key could cause (a receipt after a head the camera's chain never passed, a chain the log commits
// but the camera never signed). store-tampering.test.ts covers tampering with what the dock wrote.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { ByteWriter, toHex } from '../../firmware/format/bytes.js';
import { CHAIN_LOG_MAGIC, encodeFrame, readChainLog } from '../../firmware/format/chain-log.js';
import { decodeRecord, encodeRecord, type SegmentRecord } from '../../firmware/format/chain-records.js';
import { genesisLink, nextLink } from '../../firmware/format/chain.js';
import { deriveDockId, signReceipt } from '../../firmware/format/dock-proofs.js';
import { generateP256KeyPair } from '../../firmware/format/key-derivation.js';
import { offloadCamera } from '../../host-tools/dock/camera-offload.js';
import { segmentFileName } from '../../host-tools/evidence/evidence-layout.js';
import { cameraDocument } from '../../host-tools/keys/key-files.js';
import { EvidenceStore, StoreRefusal } from '../../host-tools/store/evidence-store.js';
import { encodeStoreEntry } from '../../host-tools/store/store-log-entries.js';
import { StoreLogWriter } from '../../host-tools/store/store-log.js';
import { EVIDENCE_TABLES } from '../../host-tools/store/store-schema.js';
import { checkStoreLog } from '../../host-tools/verify/store-log-check.js';
import { registerVerifyCommand } from '../../host-tools/verify/verify-command.js';
import { formatStoreReport, verifyStore } from '../../host-tools/verify/verify-store.js';
import { hostPort } from '../support/dock-harness.js';
import { runInProcess } from '../support/cli-in-process.js';
import { HostCamera } from '../support/host-camera.js';
import { storeFingerprint } from '../support/store-fingerprint.js';

describe('verify STORE: what it reports, and faults of the dock itself', function () {
  const dockKey = generateP256KeyPair(hostPort);
  let root: string;
  let dir: string;
  let kim: HostCamera;
  let lee: HostCamera;
  let pubs: string;

  const dock = async (camera: HostCamera) => {
    const store = EvidenceStore.open(dir, { dockKey });
    try {
      return await offloadCamera({ client: camera.connect(dockKey.publicKey), store, dockKey, port: hostPort, log: () => undefined });
    } finally {
      store.close();
    }
  };
  const objectBytes = () => fs.readdirSync(path.join(dir, 'objects')).reduce((n, name) => n + fs.statSync(path.join(dir, 'objects', name)).size, 0);
  const committedAt = (deviceId: string) => committedAtIn(dir, deviceId);
  const dockKeyFile = () => {
    const file = path.join(root, 'dock.pub');
    fs.writeFileSync(file, JSON.stringify({ format: 'chaincam-dock-key/v1', publicKey: toHex(dockKey.publicKey) }));
    return file;
  };

  beforeEach(async () => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'chaincam-store-report-'));
    dir = path.join(root, 'store');
    kim = HostCamera.create('officer kim');
    kim.record(1, [3_000]);
    lee = HostCamera.create('officer lee');
    lee.record(5, [500]);
    lee.record(6, [500]);
    lee.record(7, [1_000, 1_000, 1_000], 0); // an emergency start never confirmed: a note on lee's report
    assert.ok(lee.evidence.records() > kim.evidence.records() + 1, 'lee\'s chain is the longer');
    await dock(kim);
    await dock(lee);
    pubs = path.join(root, 'cameras');
    fs.mkdirSync(pubs);
    for (const camera of [kim, lee]) {
      fs.writeFileSync(path.join(pubs, `${camera.id}.pub`), JSON.stringify(cameraDocument({ publicKey: camera.key.publicKey, deviceId: camera.deviceId, label: camera.label }, false)));
    }
  });
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

  it('counts what it proved: segments, log entries, cameras, and each object hashed once', () => {
    const report = verifyStore(dir, hostPort);
    assert.deepEqual(report.failures, []);
    assert.ok(report.ok);
    assert.equal(report.segments, 6);
    assert.equal(report.pending, 0);
    const entries = readStore(dir, (store) => store.logEntries().length);
    assert.equal(report.logEntries, entries);
    assert.deepEqual(report.cameras.map((c) => [c.deviceId, c.records, c.ok]).sort(), [[kim.id, kim.evidence.records(), true], [lee.id, lee.evidence.records(), true]].sort());
    // Each generation's segment files are hard links to the objects: every byte is hashed once.
    assert.equal(report.bytesHashed, objectBytes());
    assert.equal(report.bytesHashed, 7_000);
    assert.deepEqual(report.notes, ['the log\'s dock key was taken from the store itself; pass --dock-key DOCK.key (its public part is enough) to pin it']);
    // The camera key was held to the one the log pinned, so no note says it came from the copy; others stay.
    assert.deepEqual(report.cameras.map((c) => [c.deviceId, c.notes]).sort(), [[kim.id, []], [lee.id, ['recording 7: the legal ground was never confirmed after the emergency start']]].sort());
    assert.deepEqual(report.alarms, []);

    const pinned = verifyStore(dir, hostPort, { dockKeyFile: dockKeyFile() });
    assert.ok(pinned.ok, pinned.failures.join('\n'));
    assert.deepEqual(pinned.notes, []);
  });

  it('prints the report a person reads: counts, each camera, notes, and the verdict', () => {
    const text = formatStoreReport(verifyStore(dir, hostPort));
    const lines = text.split('\n');
    assert.equal(lines[0], `evidence store ${dir}: 2 cameras, 6 stored segments (0 awaiting their camera's next chain), ${verifyStore(dir, hostPort).logEntries} signed log entries`);
    assert.ok(lines.some((l) => l.startsWith(`  `) && l.includes(kim.id)), text);
    assert.deepEqual(lines.slice(0, -1).filter((l) => l.trim() === ''), [], 'no blank line inside the report');
    assert.ok(lines.includes('note: the log\'s dock key was taken from the store itself; pass --dock-key DOCK.key (its public part is enough) to pin it'), text);
    assert.equal(lines.at(-2), 'VERIFIED: the signed log, every row, every camera chain, signature and stored segment check out');
    assert.equal(lines.at(-1), '');
    fs.writeFileSync(path.join(dir, 'notes.txt'), 'x');
    const failed = formatStoreReport(verifyStore(dir, hostPort)).split('\n');
    assert.deepEqual(failed.slice(-3), ['FAILED: notes.txt is not part of an evidence store (docs/STORE.md section 1): something was added', 'FAILED: the store does not verify', '']);
  });

  it('prints the alarms the dock raised, which do not fail the store', () => {
    const store = EvidenceStore.open(dir, { dockKey });
    const entry = store.raiseAlarm({ kind: 'rollback', deviceId: kim.deviceId, heldRecords: 9, heldHead: new Uint8Array(32), offeredRecords: 4, offeredHead: new Uint8Array(32).fill(1), divergence: 4, text: 'camera offered 4 records where the store holds 9' });
    store.close();
    const report = verifyStore(dir, hostPort);
    assert.deepEqual(report.failures, []);
    assert.equal(report.alarms.length, 1);
    assert.match(report.alarms[0]!, new RegExp(`^log entry #${entry} at \\d{4}-\\d\\d-\\d\\dT[0-9:.]+Z: camera offered 4 records where the store holds 9$`));
    assert.ok(formatStoreReport(report).split('\n').includes(`ALARM: ${report.alarms[0]}`));
  });

  it('a segment stored before its camera\'s next chain is committed is counted as awaiting it, for that camera only', () => {
    // Docking was cut after kim's next segment was stored and before the chain that names it.
    const segment = kim.evidence.addSegment(2, 0, new Uint8Array(hostPort.randomBytes(1_500)), 2);
    const frames = readChainLog(kim.evidence.chain).frames;
    assert.equal(segment.sequence, kim.evidence.records() - 2, 'the record right after the committed chain\'s checkpoint');
    const staged = path.join(root, 'staged.seg');
    fs.writeFileSync(staged, kim.evidence.readSegment(segment.sequence, 0, 1_500));
    const store = EvidenceStore.open(dir, { dockKey });
    store.storeSegment(kim.id, decodeRecord(frames[segment.sequence]!.body) as SegmentRecord, staged);
    store.close();
    const report = verifyStore(dir, hostPort);
    assert.deepEqual(report.failures, []);
    assert.equal(report.segments, 7);
    // Lee's last segments lie past the end of kim's committed chain in sequence, and are no more awaited for that.
    const kimCommitted = verifyStore(dir, hostPort).cameras.find((c) => c.deviceId === kim.id)!.records;
    assert.ok(readStore(dir, (store) => store.segments(lee.id)).some((s) => s.recordSequence >= kimCommitted), 'a lee segment numbered past kim\'s chain');
    assert.equal(report.pending, 1, 'kim\'s new segment, and none of lee\'s');
  });

  it('holds the store to the cameras provisioned, by files or by a folder of DEVICEID.pub', () => {
    const files = [kim, lee].map((c) => path.join(pubs, `${c.id}.pub`));
    assert.deepEqual(verifyStore(dir, hostPort, { cameraFiles: files }).failures, []);
    fs.writeFileSync(path.join(pubs, 'README.txt'), 'the equipment room keeps provisioned cameras here');
    assert.deepEqual(verifyStore(dir, hostPort, { camerasDir: pubs }).failures, [], 'only .pub files are cameras');
    const onlyKim = verifyStore(dir, hostPort, { cameraFiles: [files[0]!] });
    assert.equal(onlyKim.failures.length, 1);
    assert.match(onlyKim.failures[0]!, new RegExp(`^camera ${lee.id} "officer lee" \\(log entry #\\d+\\) is not one of the pinned cameras: a camera the agency did not provision`));
    assert.throws(() => verifyStore(dir, hostPort, { camerasDir: files[0]! }), /^Error: --cameras .* is not a directory of provisioned cameras \(KEYDIR\/cameras\/DEVICEID\.pub\)$/);
    assert.throws(() => verifyStore(dir, hostPort, { camerasDir: path.join(root, 'nowhere') }), /is not a directory of provisioned cameras/);
  });

  it('a receipt the dock issued after a head the camera\'s chain does not pass through is named', () => {
    const store = EvidenceStore.open(dir, { dockKey });
    const held = store.segments(lee.id)[0]!;
    const records = lee.evidence.records();
    const { fields, signature } = signReceipt(hostPort, dockKey.privateKey, {
      deviceId: lee.deviceId, dockId: deriveDockId(hostPort, dockKey.publicKey), segmentSequence: held.recordSequence, sealedLength: held.sealedLength,
      sealedDigest: Buffer.from(held.sealedDigest, 'hex'), storedTime: Date.now(), records, headLink: new Uint8Array(32).fill(0x5a), storeId: 0,
    });
    store.recordReceipt(fields, signature);
    store.close();
    const report = verifyStore(dir, hostPort);
    assert.equal(report.ok, false);
    assert.deepEqual(report.failures, [
      `camera ${lee.id}'s current chain (${records} records) does not pass through the head the receipt for record #${held.recordSequence} (log entry #${report.logEntries - 1}) was issued after (${records} records): rolled back or forked`,
    ]);
  });

  it('`chaincam verify STORE` passes its pins on and exits 0 only for a store that verifies', async () => {
    const verify = (...args: string[]) => runInProcess([registerVerifyCommand], 'verify', dir, ...args);
    const ok = await verify('--cameras', pubs, '--dock-key', dockKeyFile());
    assert.equal(ok.code, 0, ok.out + ok.error);
    assert.match(ok.out, /^evidence store .*\nVERIFIED: the signed log, every row, every camera chain, signature and stored segment check out\n$/s);
    const onlyKim = await verify('--camera', path.join(pubs, `${kim.id}.pub`));
    assert.equal(onlyKim.code, 1);
    assert.match(onlyKim.out, new RegExp(`FAILED: camera ${lee.id} "officer lee" .* is not one of the pinned cameras`));
    const otherDock = path.join(root, 'other-dock.pub');
    fs.writeFileSync(otherDock, JSON.stringify({ format: 'chaincam-dock-key/v1', publicKey: toHex(generateP256KeyPair(hostPort).publicKey) }));
    const foreign = await verify('--dock-key', otherDock, '--json');
    assert.equal(foreign.code, 1);
    assert.match((JSON.parse(foreign.out) as { failures: string[] }).failures[0]!, /not by the dock key pinned with --dock-key/);
  });

  it('leaves no file open, and a store mid-write (its journal, its staging) verifies', () => {
    const openFiles = () => fs.readdirSync('/proc/self/fd').length;
    const before = openFiles();
    assert.ok(verifyStore(dir, hostPort).ok);
    assert.equal(openFiles(), before, 'verify left the database or a file open');
    fs.mkdirSync(path.join(dir, 'staging'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'evidence.sqlite-journal'), '');
    assert.deepEqual(verifyStore(dir, hostPort).failures, []);
  });

  it('a store the dock stopped in mid-write is named as such and left as it is; a folder with no database gets none', () => {
    // A dock killed inside a transaction leaves a hot journal; opening the database read-write
    // would roll it back, changing the store.
    const killed = spawnSync(process.execPath, ['-e', `
      const Database = require(${JSON.stringify(path.resolve('node_modules/better-sqlite3'))});
      const db = new Database(${JSON.stringify(path.join(dir, 'evidence.sqlite'))});
      db.pragma('cache_size = 1');
      db.exec('BEGIN');
      db.exec('CREATE TABLE scratch (x TEXT)'); // enough written that the cache spills into the file
      for (let i = 0; i < 2000; i++) db.prepare('INSERT INTO scratch VALUES (?)').run('x'.repeat(500));
      process.kill(process.pid, 'SIGKILL');`]);
    assert.equal(killed.signal, 'SIGKILL', killed.stderr.toString());
    assert.ok(fs.statSync(path.join(dir, 'evidence.sqlite-journal')).size > 0, 'a hot journal');
    const before = storeFingerprint(dir);
    assert.deepEqual(verifyStore(dir, hostPort).failures, [
      'evidence.sqlite holds a write the dock did not finish (evidence.sqlite-journal; the dock stopped mid-write): verify changes nothing, so it cannot roll that write back; start the dock on this store (or on a copy of it) once, which does, then verify again',
    ]);
    assert.equal(storeFingerprint(dir), before, 'verify rolled the write back');
    // Nor does any other reader (export, `chaincam store alarms`): their read-only open says why it cannot read.
    assert.throws(() => EvidenceStore.open(dir, { readOnly: true }), (e: Error) => e instanceof StoreRefusal && e.message === `evidence store ${dir} holds a write the dock did not finish `
      + '(evidence.sqlite-journal; the dock stopped mid-write): reading it changes nothing, so it cannot roll that write back; start the dock on this store (or on a copy of it) once, which does, then try again');
    assert.equal(storeFingerprint(dir), before, 'a read-only open rolled the write back');
    EvidenceStore.open(dir, { dockKey }).close(); // the dock, started, finishes what it left
    assert.deepEqual(verifyStore(dir, hostPort).failures, []);

    const empty = path.join(root, 'empty');
    fs.mkdirSync(empty);
    const none = verifyStore(empty, hostPort);
    assert.equal(none.failures.length, 1);
    assert.match(none.failures[0]!, /^evidence\.sqlite cannot be read as a database \(.*\): it was damaged or replaced$/);
    assert.deepEqual(fs.readdirSync(empty), [], 'verify made no database');
  });

  it('a camera pinned whose docking was cut before its first chain is noted, not failed', () => {
    const late = HostCamera.create('officer park');
    const store = EvidenceStore.open(dir, { dockKey });
    store.pinCamera({ deviceId: late.deviceId, publicKey: late.key.publicKey, label: late.label });
    store.close();
    const report = verifyStore(dir, hostPort);
    assert.deepEqual(report.failures, []);
    assert.ok(report.notes.includes(`camera ${late.id}: pinned, but no chain committed yet`), report.notes.join('\n'));
  });

  it('what the log committed of a camera, gone or added, is named', () => {
    const camera = path.join(dir, 'cameras', kim.id);
    const failuresAfter = (change: () => void) => {
      const copy = path.join(root, `copy-${Math.random().toString(36).slice(2)}`);
      fs.cpSync(dir, copy, { recursive: true, verbatimSymlinks: true });
      const saved = dir;
      dir = copy;
      try {
        change();
        return verifyStore(dir, hostPort).failures;
      } finally {
        dir = saved;
      }
    };
    const at = (...parts: string[]) => path.join(dir, 'cameras', kim.id, ...parts);
    assert.ok(fs.existsSync(camera));
    assert.deepEqual(failuresAfter(() => fs.rmSync(at(), { recursive: true })), [`cameras/${kim.id} is gone: the log committed 1 chain generation(s) of this camera; its verified copy was deleted`]);
    assert.deepEqual(failuresAfter(() => fs.rmSync(path.join(dir, 'cameras'), { recursive: true })), [
      `cameras/${kim.id} is gone: the log committed 1 chain generation(s) of this camera; its verified copy was deleted`,
      `cameras/${lee.id} is gone: the log committed 1 chain generation(s) of this camera; its verified copy was deleted`,
    ], 'in the order the log pinned them');
    assert.deepEqual(failuresAfter(() => fs.rmSync(path.join(dir, 'objects'), { recursive: true })).filter((f) => !/ is gone: objects\/[0-9a-f]{64}\.seg is missing and the log records no lawful end for it; the footage was deleted$/.test(f)), [], 'only the segments named as gone');
    const chainGone = failuresAfter(() => fs.rmSync(at('gen-000001', 'chain.log')));
    assert.equal(chainGone[0], `cameras/${kim.id}/gen-000001/chain.log is missing`);
    const genGone = failuresAfter(() => fs.rmSync(at('gen-000001'), { recursive: true }));
    assert.equal(genGone[0], `cameras/${kim.id}/gen-000001, committed by log entry #${committedAt(kim.id)}, is gone`);
    const noSegments = failuresAfter(() => fs.rmSync(at('gen-000001', 'segments'), { recursive: true }));
    assert.ok(noSegments.length > 0 && noSegments.every((f) => !/is not a segment the store's log holds/.test(f)), noSegments.join('\n'));
    assert.deepEqual(failuresAfter(() => fs.mkdirSync(at('gen-000007'))), [`cameras/${kim.id}/gen-000007 is not a chain generation the store's log committed: added, or a generation was replaced`]);
    const rekeyed = failuresAfter(() => {
      fs.chmodSync(at('gen-000001', 'camera.pub'), 0o644);
      fs.writeFileSync(at('gen-000001', 'camera.pub'), JSON.stringify(cameraDocument({ publicKey: lee.key.publicKey, deviceId: lee.deviceId, label: 'officer kim' }, false)));
    });
    assert.equal(rekeyed[0], `cameras/${kim.id}/gen-000001/camera.pub holds another key than the one the store pinned for camera ${kim.id}`);
    assert.match(rekeyed[1]!, new RegExp(`^camera ${kim.id}: record #0 \\(event: power-on\\) at chain\\.log offset 8: its stored link does not match`), 'and the chain, read with that key, fails');
    const garbled = failuresAfter(() => {
      fs.chmodSync(at('gen-000001', 'camera.pub'), 0o644);
      fs.writeFileSync(at('gen-000001', 'camera.pub'), '{');
    });
    assert.match(garbled[1]!, new RegExp(`^camera ${kim.id}: .*current/camera\\.pub is not a chaincam key file`), garbled.join('\n'));
    assert.match(garbled[0]!, new RegExp(`^cameras/${kim.id}/gen-000001/camera\\.pub: `));
    assert.deepEqual(failuresAfter(() => fs.rmSync(at('current'))), [`cameras/${kim.id}/current points to nothing, not to gen-000001, the last generation the log committed (entry #${committedAt(kim.id)}): the camera's chain was repointed`]);
  });

  it('a hostile log signed with the dock\'s key is reported, never a crash: an entry that is not a segment, an end of nothing, a camera re-keyed', () => {
    const log = new StoreLogWriter(dir, hostPort);
    const first = log.size;
    // A segment-stored entry whose record is an event, a segment-ended of a segment never stored,
    // and kim pinned again under lee's key.
    const event = readChainLog(kim.evidence.chain).frames[0]!.body;
    log.append(encodeStoreEntry({ type: 'segment-stored', time: Date.now(), deviceId: kim.deviceId, recordBody: event }), dockKey);
    log.append(encodeStoreEntry({ type: 'segment-ended', time: Date.now(), sealedDigest: new Uint8Array(32).fill(9), rule: 'retention' }), dockKey);
    log.append(encodeStoreEntry({ type: 'camera-pinned', time: Date.now(), deviceId: kim.deviceId, publicKey: lee.key.publicKey, label: 'officer kim' }), dockKey);
    const report = verifyStore(dir, hostPort, { cameraFiles: [kim, lee].map((c) => path.join(pubs, `${c.id}.pub`)) });
    assert.equal(report.ok, false);
    assert.match(report.failures.find((f) => f.startsWith('log entry'))!, new RegExp(`^log entry #${first} \\(segment-stored\\): a segment-stored entry must hold a segment record, not a event`));
    assert.ok(report.failures.includes(`camera ${kim.id} (log entry #${first + 2}) was pinned with another key than the provisioned one: re-keyed`), report.failures.join('\n'));
  });

  it('receipts are held to the chain at their edges: issued after the first record, or after none', () => {
    const issue = (records: number, headLink: Uint8Array) => {
      const store = EvidenceStore.open(dir, { dockKey });
      const held = store.segments(lee.id)[0]!;
      const { fields, signature } = signReceipt(hostPort, dockKey.privateKey, {
        deviceId: lee.deviceId, dockId: deriveDockId(hostPort, dockKey.publicKey), segmentSequence: held.recordSequence, sealedLength: held.sealedLength,
        sealedDigest: Buffer.from(held.sealedDigest, 'hex'), storedTime: Date.now(), records, headLink, storeId: 0,
      });
      store.recordReceipt(fields, signature);
      store.close();
      return verifyStore(dir, hostPort).failures;
    };
    const firstLink = readChainLog(lee.evidence.chain).frames[0]!.storedLink;
    assert.deepEqual(issue(1, firstLink), [], 'after exactly the first record, whose link it names');
    const none = issue(0, new Uint8Array(32));
    assert.equal(none.length, 1);
    assert.match(none[0]!, /does not pass through the head the receipt for record #\d+ \(log entry #\d+\) was issued after \(0 records\): rolled back or forked$/);
  });

  it('a fork the camera signed, committed with the dock\'s key as the next generation, is named: segments the store holds are not in it', () => {
    // Someone with the dock's key restores an older flash image of lee's that recorded again (the
    // camera signs whatever it records), and commits that chain with the log and rows agreeing.
    const provisioned = lee.image().chain.subarray(0, readChainLog(lee.evidence.chain).frames[2]!.offset); // power-on, checkpoint
    const fork = lee.restored({ chain: provisioned, held: new Map() });
    fork.record(7, Array.from({ length: 16 }, () => 1_000)); // longer than the chain it replaces: a chain may only grow
    const camera = path.join(dir, 'cameras', lee.id);
    const gen = path.join(camera, 'gen-000002');
    fs.mkdirSync(path.join(gen, 'segments'), { recursive: true });
    fs.copyFileSync(path.join(camera, 'gen-000001', 'camera.pub'), path.join(gen, 'camera.pub'));
    fs.writeFileSync(path.join(gen, 'chain.log'), fork.evidence.chain);
    for (const { segment, bytes } of fork.evidence.held.values()) fs.writeFileSync(path.join(gen, 'segments', segmentFileName(segment.recording, segment.segmentIndex)), bytes);
    fs.rmSync(path.join(camera, 'current'));
    fs.symlinkSync('gen-000002', path.join(camera, 'current'));
    const frames = readChainLog(fork.evidence.chain).frames;
    new StoreLogWriter(dir, hostPort).append(encodeStoreEntry({
      type: 'chain-committed', time: Date.now(), deviceId: lee.deviceId, generation: 2, chainLength: fork.evidence.chain.length,
      records: frames.length, headLink: frames.at(-1)!.storedLink, chainDigest: hostPort.sha256(fork.evidence.chain),
    }), dockKey);
    replayIntoDatabase(dir);
    const report = verifyStore(dir, hostPort);
    assert.equal(report.ok, false);
    const lees = report.cameras.find((c) => c.deviceId === lee.id)!;
    assert.ok(lees.ok, 'the fork is a chain the camera signed');
    const stored = report.failures.filter((f) => /^segment \d+\/\d+ \(log entry #\d+\) is not record #\d+ of camera [0-9a-f]{32}'s current chain$/.test(f));
    assert.equal(stored.length, 5, report.failures.join('\n'));
    assert.ok(report.failures.some((f) => f.includes('does not extend generation 1')), report.failures.join('\n'));
  });

  it('a chain the log commits but the camera never signed (forged with the dock\'s own key) is named by the camera\'s signature', () => {
    // Someone with the dock's key moves a record's time in lee's chain, recomputes every link and
    // the checkpoints' head links, commits it as a new generation in the signed log and replays
    // the log into the database: the log and every row agree; only the camera's key does not.
    const camera = path.join(dir, 'cameras', lee.id);
    const forged = forgeRecordTime(fs.readFileSync(path.join(camera, 'gen-000001', 'chain.log')), lee);
    const gen = path.join(camera, 'gen-000002');
    fs.mkdirSync(path.join(gen, 'segments'), { recursive: true });
    fs.copyFileSync(path.join(camera, 'gen-000001', 'camera.pub'), path.join(gen, 'camera.pub'));
    for (const name of fs.readdirSync(path.join(camera, 'gen-000001', 'segments'))) fs.linkSync(path.join(camera, 'gen-000001', 'segments', name), path.join(gen, 'segments', name));
    fs.writeFileSync(path.join(gen, 'chain.log'), forged.chain);
    fs.rmSync(path.join(camera, 'current'));
    fs.symlinkSync('gen-000002', path.join(camera, 'current'));
    new StoreLogWriter(dir, hostPort).append(encodeStoreEntry({
      type: 'chain-committed', time: Date.now(), deviceId: lee.deviceId, generation: 2, chainLength: forged.chain.length,
      records: forged.records, headLink: forged.head, chainDigest: hostPort.sha256(forged.chain),
    }), dockKey);
    replayIntoDatabase(dir);

    const report = verifyStore(dir, hostPort);
    assert.equal(report.ok, false);
    assert.deepEqual(report.failures.filter((f) => f.startsWith('evidence.sqlite') || f.startsWith('log')), [], 'the log and the rows agree');
    const mine = report.failures.filter((f) => f.startsWith(`camera ${lee.id}: `));
    assert.equal(mine.length, 1, report.failures.join('\n'));
    assert.match(mine[0]!, new RegExp(`^camera ${lee.id}: record #${forged.checkpoint} \\(checkpoint\\) at chain\\.log offset \\d+: the signature does not verify with the camera key ${lee.id}$`));
    assert.ok(report.failures.some((f) => f.startsWith(`camera ${lee.id}'s current chain`) && f.includes('does not extend generation 1')), report.failures.join('\n'));
  });
});

/** Reads a store as it is, read-only, and closes it. */
function readStore<T>(dir: string, read: (store: EvidenceStore) => T): T {
  const store = EvidenceStore.open(dir, { readOnly: true });
  try {
    return read(store);
  } finally {
    store.close();
  }
}

/** The log entry that committed a camera's only generation. */
const committedAtIn = (dir: string, deviceId: string) =>
  readStore(dir, (store) => store.logEntries().findIndex((e) => e.type === 'chain-committed' && toHex(e.deviceId) === deviceId));

/**
 * A camera's chain with its recording-stop moved an hour later and every link after it recomputed,
 * each later checkpoint's head link rewritten to match, as someone without the camera's key could:
 * only the checkpoint signatures after the edit no longer verify.
 */
function forgeRecordTime(chain: Uint8Array, camera: HostCamera): { chain: Uint8Array; head: Uint8Array; records: number; checkpoint: number } {
  const frames = readChainLog(chain).frames;
  const records = frames.map((f) => decodeRecord(f.body));
  const target = records.findIndex((r) => r.kind === 'event' && r.event.type === 'recording-stop');
  const out = new ByteWriter().bytes(CHAIN_LOG_MAGIC);
  let link = genesisLink(hostPort, camera.deviceId, camera.key.publicKey);
  for (const [i, frame] of frames.entries()) {
    const record = records[i]!;
    let body = frame.body;
    if (i === target) body = encodeRecord({ ...record, time: record.time + 3_600_000 });
    else if (i > target && record.kind === 'checkpoint') body = encodeRecord({ ...record, headLink: link });
    link = nextLink(hostPort, link, body);
    out.bytes(encodeFrame(body, link));
  }
  return { chain: out.finish(), head: link, records: frames.length, checkpoint: records.findIndex((r, i) => i > target && r.kind === 'checkpoint') };
}

/** Rewrites every table of evidence.sqlite to what the store's log, replayed, says it holds. */
function replayIntoDatabase(dir: string): void {
  const failures: string[] = [];
  const { replay } = checkStoreLog(dir, hostPort, undefined, failures);
  assert.deepEqual(failures, [], 'the forged log is a well-formed one');
  const copy = path.join(dir, '..', 'replay.sqlite');
  fs.writeFileSync(copy, replay.serialize());
  replay.close();
  const db = new Database(path.join(dir, 'evidence.sqlite'));
  try {
    db.pragma('foreign_keys = OFF'); // tables are refilled whole, parents and children alike
    db.prepare('ATTACH DATABASE ? AS replay').run(copy);
    db.transaction(() => {
      for (const { name } of EVIDENCE_TABLES) {
        db.exec(`DELETE FROM main.${name}`);
        db.exec(`INSERT INTO main.${name} SELECT * FROM replay.${name}`);
      }
    })();
    db.exec('DETACH DATABASE replay');
  } finally {
    db.close();
  }
}
