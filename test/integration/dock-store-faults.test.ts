// What the dock does with a camera that is rolled back, forked or broken, and with a store folder
// or disk that cannot take evidence: refuses, says what and why, and stores and releases nothing.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { generateP256KeyPair } from '../../firmware/format/key-derivation.js';
import { offloadCamera } from '../../host-tools/dock/camera-offload.js';
import { segmentFileName } from '../../host-tools/evidence/evidence-layout.js';
import { EvidenceStore } from '../../host-tools/store/evidence-store.js';
import { verifyStore } from '../../host-tools/verify/verify-store.js';
import { hostPort } from '../support/dock-harness.js';
import { HostCamera } from '../support/host-camera.js';
import { runSubcommand } from '../support/run-subcommand.js';

describe('the dock refuses rolled-back, forked and broken cameras, and bad stores', function () {
  const dockKey = generateP256KeyPair(hostPort);
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'chaincam-dock-faults-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  const storeDir = () => path.join(dir, 'store');
  async function dock(camera: HostCamera, progress?: (total: number) => void) {
    const store = EvidenceStore.open(storeDir(), { dockKey });
    const lines: string[] = [];
    try {
      const result = await offloadCamera({
        client: camera.connect(dockKey.publicKey, 500), store, dockKey, port: hostPort, log: (l) => lines.push(l),
        progress: (p) => progress?.(p.totalBytes),
      });
      return { result, lines };
    } finally {
      store.close();
    }
  }
  const storedSegments = () => {
    const store = EvidenceStore.open(storeDir(), { readOnly: true });
    try {
      return store.segments().length;
    } finally {
      store.close();
    }
  };

  /** A camera docked twice (recordings 1 and 2), and the image of its flash after the first docking. */
  async function dockedTwice() {
    const camera = HostCamera.create();
    camera.record(1, [20_000, 20_000]);
    await dock(camera);
    const image = camera.image();
    camera.record(2, [10_000, 10_000]);
    await dock(camera);
    assert.equal(storedSegments(), 4);
    return { camera, image };
  }

  async function refusedWithAlarm(camera: HostCamera, pattern: RegExp) {
    const held = camera.evidence.heldSegments(0).map((s) => s.sequence);
    await assert.rejects(dock(camera), pattern);
    assert.equal(storedSegments(), 4, 'nothing stored from the camera');
    assert.deepEqual(camera.evidence.heldSegments(0).map((s) => s.sequence), held, 'nothing released on the camera');
    const report = verifyStore(storeDir(), hostPort);
    assert.ok(report.ok, report.failures.join('\n'));
    assert.equal(report.alarms.length, 1, 'the alarm is in the store log, and verify lists it');
    assert.match(report.alarms[0]!, new RegExp(`camera ${camera.id}`));
    // The camera stays refused, whatever it offers next; the genuine one too (same identity).
    await assert.rejects(dock(camera), /is refused: store log entry #\d+ holds an alarm/);
    return report;
  }

  it('a camera rolled back to an older flash image: alarm naming the camera and the records gone', async () => {
    const { camera, image } = await dockedTwice();
    const rolledBack = camera.restored(image);
    await refusedWithAlarm(rolledBack, new RegExp(`ALARM: camera ${camera.id} was rolled back: .* records #\\d+\\.\\.#\\d+, which it had signed and the dock had stored, are gone from it`));
    await assert.rejects(dock(camera), /is refused/, 'the genuine camera is refused too until a person decides');
  });

  it('a shorter fork (an old image that recorded a little): alarm, fork', async () => {
    const { camera, image } = await dockedTwice();
    const fork = camera.restored(image);
    fork.record(2, [5_000]);
    await refusedWithAlarm(fork, new RegExp(`ALARM: camera ${camera.id} offers a forked chain: .* differ from record #\\d+ on \\(a shorter fork\\)`));
  });

  it('a longer fork: alarm, fork, not a frame-length error, and later dockings refused the same way', async () => {
    const { camera, image } = await dockedTwice();
    const fork = camera.restored(image);
    fork.record(2, Array(12).fill(3_000));
    await refusedWithAlarm(fork, /ALARM: camera [0-9a-f]{32} offers a forked chain: .*\(a longer fork\)/);
  });

  it('LIST with more=1 forever: refused after the pages its records allow, nothing read', async () => {
    const camera = HostCamera.create();
    camera.record(1, [5_000]);
    const real = camera.evidence.heldSegments.bind(camera.evidence);
    const one = real(0)[0]!;
    // Always a full page and more, with new sequences each time.
    camera.evidence.heldSegments = (from: number) => Array.from({ length: 81 }, (_, i) => ({ ...one, sequence: from + i, sealedDigest: hostPort.sha256(Uint8Array.of(from + i)) }));
    await assert.rejects(dock(camera), /LIST goes on past \d+ pages|beyond its \d+ records/);
    assert.equal(fs.existsSync(path.join(storeDir(), 'objects')) ? fs.readdirSync(path.join(storeDir(), 'objects')).length : 0, 0);
  });

  it('the same segment listed twice: refused, nothing released twice', async () => {
    const camera = HostCamera.create();
    camera.record(1, [5_000, 5_000]);
    const real = camera.evidence.heldSegments.bind(camera.evidence);
    camera.evidence.heldSegments = (from: number) => {
      const held = real(from);
      return held.length ? [held[0]!, { ...held[0]!, sequence: held[1]!.sequence }] : held;
    };
    await assert.rejects(dock(camera), /listed segment [0-9a-f]{64} twice/);
    assert.equal(camera.evidence.heldSegments(0).length, 2, 'nothing released');
  });

  it('a declared length of 2^53-1: refused with what a READ can carry, no absurd progress', async () => {
    const camera = HostCamera.create();
    camera.record(1, [5_000]);
    const real = camera.evidence.heldSegments.bind(camera.evidence);
    camera.evidence.heldSegments = (from: number) => real(from).map((s) => ({ ...s, sealedLength: Number.MAX_SAFE_INTEGER }));
    const totals: number[] = [];
    await assert.rejects(dock(camera, (t) => totals.push(t)), /declares segment record #\d+ 9007199254740991 bytes long, beyond what a READ can carry \(4294967295\)/);
    assert.deepEqual(totals, [], 'no progress bar was drawn for it');
  });

  it('a full disk while staging is named as what it is, and nothing is released', async function () {
    if (!fs.existsSync('/dev/full')) this.skip();
    const camera = HostCamera.create();
    const [segment] = camera.record(1, [5_000]);
    EvidenceStore.open(storeDir(), { dockKey }).close();
    const staged = path.join(storeDir(), 'staging', camera.id, 'segments');
    fs.mkdirSync(staged, { recursive: true });
    fs.symlinkSync('/dev/full', path.join(staged, segmentFileName(1, segment!.segmentIndex)));
    await assert.rejects(dock(camera), /the dock cannot stage .*r000001-s0000\.seg: the disk is full \(ENOSPC\); free space on it .*nothing was released, the camera keeps its footage/);
    assert.equal(camera.evidence.heldSegments(0).length, 1);
    const report = verifyStore(storeDir(), hostPort);
    assert.equal(report.ok, false);
    assert.match(report.failures.join('\n'), /the store holds no camera's evidence/);
  });

  it('--store on a file or on a folder of other files is refused, and nothing is written there', () => {
    const file = path.join(dir, 'README.md');
    fs.writeFileSync(file, '# notes\n');
    assert.throws(() => EvidenceStore.open(file, { dockKey }), /README\.md is a file, not an evidence store folder/);
    const other = path.join(dir, 'documents');
    fs.mkdirSync(other);
    fs.writeFileSync(path.join(other, 'letter.txt'), 'hello');
    assert.throws(() => EvidenceStore.open(other, { dockKey }), /is not an evidence store \(no evidence\.sqlite\) and already holds other files \(letter\.txt\)/);
    assert.deepEqual(fs.readdirSync(other), ['letter.txt']);
    const cli = runSubcommand('host-tools/dock/dock-command.ts', 'registerDockCommand',
      ['dock', '--port', path.join(dir, 'no-port'), '--store', file, '--key', path.join(dir, 'dock.key'), '--new-key', '--once']);
    assert.equal(cli.status, 1);
    assert.match(cli.stderr, /README\.md is a file, not an evidence store folder: give --store a new or empty folder/);
    assert.equal(fs.existsSync(path.join(dir, 'dock.key')), false, 'nothing written, not even the new key');
  });

  it('a crash between the log and the database: the next open replays the log, and the store verifies', async () => {
    const camera = HostCamera.create();
    camera.record(1, [6_000]);
    EvidenceStore.open(storeDir(), { dockKey }).close();
    const db = path.join(storeDir(), 'evidence.sqlite');
    const empty = fs.readFileSync(db); // the database as it was before this docking's commits
    await dock(camera);
    fs.writeFileSync(db, empty);
    assert.equal(verifyStore(storeDir(), hostPort).ok, false, 'the database lost its rows');
    EvidenceStore.open(storeDir(), { dockKey }).close();
    const report = verifyStore(storeDir(), hostPort);
    assert.ok(report.ok, report.failures.join('\n'));
    assert.equal(report.segments, 1);
  });

  it('verify on an empty folder says it is not evidence', () => {
    const empty = path.join(dir, 'empty');
    fs.mkdirSync(empty);
    const cli = runSubcommand('host-tools/verify/verify-command.ts', 'registerVerifyCommand', ['verify', empty]);
    assert.equal(cli.status, 1);
    assert.match(cli.stderr, /empty is not evidence: it holds neither a camera's storage .* nor a dock's evidence store/);
  });
});
