// verify over a camera's raw storage, in this process: which camera key it trusts and says it
// trusted, what it counts, and each refusal of a set that is not whole, named by the file and
// record at fault. The CLI tests reach the same rules in a child process; these pin them here.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CHAIN_LOG_MAGIC, readChainLog } from '../../firmware/format/chain-log.js';
import { encodeSealedHeader } from '../../firmware/format/sealed-segment.js';
import { segmentFileName } from '../../host-tools/evidence/evidence-layout.js';
import { cameraDocument } from '../../host-tools/keys/key-files.js';
import { hashFile } from '../../host-tools/verify/sealed-file-hash.js';
import { verifyEvidence, type VerifyOptions } from '../../host-tools/verify/verify-evidence.js';
import { hostPort } from '../support/dock-harness.js';
import { HostCamera } from '../support/host-camera.js';

/** Writes a camera's flash as the dock copies it: camera.pub, chain.log and every held segment. */
function writeSet(dir: string, camera: HostCamera, options: { cameraPub?: boolean; segments?: boolean } = {}): void {
  fs.mkdirSync(dir, { recursive: true });
  if (options.cameraPub !== false) writePub(path.join(dir, 'camera.pub'), camera);
  fs.writeFileSync(path.join(dir, 'chain.log'), camera.evidence.chain);
  if (options.segments === false) return;
  fs.mkdirSync(path.join(dir, 'segments'), { recursive: true });
  for (const { segment, bytes } of camera.evidence.held.values()) {
    fs.writeFileSync(path.join(dir, 'segments', segmentFileName(segment.recording, segment.segmentIndex)), bytes);
  }
}

function writePub(file: string, camera: HostCamera): void {
  fs.writeFileSync(file, JSON.stringify(cameraDocument({ publicKey: camera.key.publicKey, deviceId: camera.deviceId, label: camera.label }, false)));
}

/** A sealed container whose header says what `header` says, and pseudo-random content. */
function sealedBytes(camera: HostCamera, header: { deviceId?: Uint8Array; recording: number; segmentIndex: number; suite?: number }, size = 2_000): Uint8Array {
  const sealed = new Uint8Array(hostPort.randomBytes(size));
  sealed.set(encodeSealedHeader({
    suite: header.suite ?? 1, mediaType: 1, deviceId: header.deviceId ?? camera.deviceId, recording: header.recording, segmentIndex: header.segmentIndex,
    agencyKeyId: new Uint8Array(8), ephemeralPublicKey: hostPort.p256PublicKey(Uint8Array.of(...new Uint8Array(31), 7)),
    wrappedKey: new Uint8Array(32), wrapTag: new Uint8Array(32),
  }));
  return sealed;
}

describe('verify over a camera\'s raw storage: its rules, in process', () => {
  let tmp: string;
  let dir: string;
  const verify = (options: Partial<VerifyOptions> = {}) => verifyEvidence(dir, { port: hostPort, ...options }).report;
  beforeEach(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'chaincam-verify-rules-'));
    dir = path.join(tmp, 'set');
  });
  afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('reports the camera, what it counted and hashed, and whether the key was pinned or taken from the set', () => {
    const camera = HostCamera.create('BWC-0042');
    camera.record(3, [2_000, 3_500]);
    camera.record(4, [1_200]);
    writeSet(dir, camera);
    const records = readChainLog(camera.evidence.chain).frames.length;

    const fromSet = verify();
    assert.ok(fromSet.ok, fromSet.failure?.message);
    assert.equal(fromSet.cameraKeySource, 'evidence set');
    assert.equal(fromSet.deviceId, camera.id);
    assert.equal(fromSet.label, 'BWC-0042');
    assert.equal(fromSet.records, records);
    // create: power-on, checkpoint; each segment and each stop is followed by a checkpoint.
    assert.equal(fromSet.checkpoints, 1 + 3 + 2);
    assert.equal(fromSet.bytesHashed, 2_000 + 3_500 + 1_200);
    assert.deepEqual(fromSet.recordings.map((r) => [r.recording, r.segments.length]), [[3, 2], [4, 1]]);
    assert.deepEqual(fromSet.notes, ['camera key taken from the evidence set itself; pass --camera CAMERA.pub from provisioning to pin it']);
    assert.equal(fromSet.failure, undefined);

    const pinnedFile = path.join(tmp, 'kept.pub');
    writePub(pinnedFile, camera);
    const pinned = verify({ cameraFile: pinnedFile });
    assert.ok(pinned.ok, pinned.failure?.message);
    assert.equal(pinned.cameraKeySource, 'pinned');
    assert.deepEqual(pinned.notes, []);

    // A camera provisioned over its link keeps no camera.pub: pinned, it verifies.
    fs.rmSync(path.join(dir, 'camera.pub'));
    const linkProvisioned = verify({ cameraFile: pinnedFile });
    assert.ok(linkProvisioned.ok, linkProvisioned.failure?.message);
    assert.equal(linkProvisioned.deviceId, camera.id);
  });

  it('refuses a set with no camera key, an unreadable one, or a pinned key of another camera, naming the file', () => {
    const camera = HostCamera.create();
    writeSet(dir, camera, { cameraPub: false });
    const noKey = verify();
    assert.equal(noKey.ok, false);
    assert.deepEqual([noKey.deviceId, noKey.label, noKey.records], ['', '', 0], 'no camera named before its key is read');
    assert.deepEqual(noKey.failure, {
      file: 'camera.pub',
      message: `${dir} has no camera.pub: give the camera's public key with --camera (chaincam provision --port kept it as KEYDIR/cameras/DEVICEID.pub)`,
    });

    const garbage = path.join(tmp, 'garbage.pub');
    fs.writeFileSync(garbage, 'not a key');
    const badPinned = verify({ cameraFile: garbage });
    assert.equal(badPinned.ok, false);
    assert.equal(badPinned.failure!.file, garbage);
    assert.match(badPinned.failure!.message, /garbage\.pub/);

    fs.writeFileSync(path.join(dir, 'camera.pub'), '{"kind": "nothing"}');
    const badInSet = verify();
    assert.equal(badInSet.ok, false);
    assert.equal(badInSet.failure!.file, 'camera.pub');
    assert.match(badInSet.failure!.message, /camera\.pub/);

    const pinnedFile = path.join(tmp, 'kept.pub');
    writePub(pinnedFile, camera);
    const pinnedBesideBad = verify({ cameraFile: pinnedFile });
    assert.equal(pinnedBesideBad.ok, false, 'a pinned key does not excuse an unreadable camera.pub in the set');
    assert.equal(pinnedBesideBad.failure!.file, 'camera.pub');

    const other = HostCamera.create();
    writePub(path.join(dir, 'camera.pub'), other);
    const foreign = verify({ cameraFile: pinnedFile });
    assert.equal(foreign.ok, false);
    assert.deepEqual(foreign.failure, {
      file: 'camera.pub',
      message: `camera.pub names device ${other.id}, but --camera pins device ${camera.id}: this storage is from another camera`,
    });
  });

  it('refuses what is not an evidence directory, a missing or empty chain, naming it', () => {
    const camera = HostCamera.create();
    const notDir = verify();
    assert.deepEqual(notDir.failure, { file: '.', message: `${dir} is not a directory (give the camera's storage directory)` });
    fs.mkdirSync(tmp, { recursive: true });
    fs.writeFileSync(dir, 'a file');
    assert.equal(verify().failure!.file, '.');
    fs.rmSync(dir);

    writeSet(dir, camera);
    fs.rmSync(path.join(dir, 'chain.log'));
    const noChain = verify();
    assert.equal(noChain.ok, false);
    assert.equal(noChain.failure!.file, 'chain.log');
    assert.match(noChain.failure!.message, /^cannot read chain\.log: ENOENT.* \(is this a chaincam evidence directory\?\)$/);

    fs.writeFileSync(path.join(dir, 'chain.log'), CHAIN_LOG_MAGIC);
    assert.deepEqual(verify().failure, { file: 'chain.log', message: 'chain.log holds no records' });
  });

  it('names the first record no checkpoint covers and counts the records after it', () => {
    const camera = HostCamera.create();
    const frames = readChainLog(camera.evidence.chain).frames;
    // Only the power-on, its checkpoint cut off: no checkpoint at all.
    writeSet(dir, camera);
    fs.writeFileSync(path.join(dir, 'chain.log'), camera.evidence.chain.subarray(0, frames[1]!.offset));
    const none = verify();
    assert.equal(none.ok, false);
    assert.equal(none.failure!.record, 0);
    assert.equal(none.failure!.offset, frames[0]!.offset);
    assert.match(none.failure!.message, /^record #0 \(event: power-on\) and the 0 records after it are not covered by a checkpoint signature; a checkpoint was removed, or the camera lost power before signing/);

    for (const type of ['recording-start', 'recording-stop'] as const) {
      camera.evidence.appendEvent(type === 'recording-start' ? { type, recording: 9, legalGround: 2, startMode: 1 } : { type, recording: 9, stopReason: 1 });
    }
    camera.evidence.appendEvent({ type: 'power-on', resetReason: 1, firmwareVersion: '0.1.0' });
    writeSet(dir, camera);
    const three = verify();
    assert.equal(three.ok, false);
    assert.equal(three.failure!.record, 2);
    assert.match(three.failure!.message, /^record #2 \(event: recording-start\) and the 2 records after it are not covered/);
    assert.equal(three.records, 5, 'every record read before the refusal is counted');
    assert.equal(three.checkpoints, 1);
  });

  it('fails a segment file whose header names another camera, recording or segment, or does not decode', () => {
    const other = HostCamera.create();
    const cases: [Parameters<typeof sealedBytes>[1], string][] = [
      [{ deviceId: other.deviceId, recording: 5, segmentIndex: 0 }, 'has a header for another camera, recording or segment'],
      [{ recording: 6, segmentIndex: 0 }, 'has a header for another camera, recording or segment'],
      [{ recording: 5, segmentIndex: 1 }, 'has a header for another camera, recording or segment'],
      [{ recording: 5, segmentIndex: 0, suite: 9 }, 'has an invalid header: unsupported sealing suite 9'],
    ];
    for (const [header, message] of cases) {
      const base = HostCamera.create();
      base.evidence.appendEvent({ type: 'recording-start', recording: 5, legalGround: 2, startMode: 1 });
      // The record commits to these very bytes, so only the header check can refuse them.
      const held = base.evidence.addSegment(5, 0, sealedBytes(base, header), 2);
      fs.rmSync(dir, { recursive: true, force: true });
      writeSet(dir, base);
      const report = verify();
      assert.equal(report.ok, false, JSON.stringify(header));
      assert.equal(report.failure!.record, held.sequence);
      assert.equal(report.failure!.file, path.join('segments', 'r000005-s0000.seg'));
      const offset = readChainLog(base.evidence.chain).frames[held.sequence]!.offset;
      assert.equal(report.failure!.message, `record #${held.sequence} (segment: recording 5, segment 0) at chain.log offset ${offset}: segments/r000005-s0000.seg ${message}`);
    }
    // The same bytes with this camera's header for that segment verify.
    const good = HostCamera.create();
    good.evidence.appendEvent({ type: 'recording-start', recording: 5, legalGround: 2, startMode: 1 });
    good.evidence.addSegment(5, 0, sealedBytes(good, { recording: 5, segmentIndex: 0 }), 2);
    fs.rmSync(dir, { recursive: true, force: true });
    writeSet(dir, good);
    assert.ok(verify().ok, verify().failure?.message);
  });

  it('names a gap the tally finds, as the record where it is found', () => {
    const camera = HostCamera.create();
    camera.evidence.appendEvent({ type: 'recording-start', recording: 2, legalGround: 2, startMode: 1 });
    camera.evidence.addSegment(2, 0, sealedBytes(camera, { recording: 2, segmentIndex: 0 }), 2);
    const skipped = camera.evidence.addSegment(2, 2, sealedBytes(camera, { recording: 2, segmentIndex: 2 }), 2);
    writeSet(dir, camera);
    const report = verify();
    assert.equal(report.ok, false);
    assert.equal(report.failure!.record, skipped.sequence);
    assert.match(report.failure!.message, /^record #\d+ \(segment: recording 2, segment 2\) at chain\.log offset \d+: gap: segment 1 of recording 2 has no record and no segment-lost event before this one$/);
  });

  it('a set with no segments folder verifies; files there that are not the camera\'s are named in name order', () => {
    const camera = HostCamera.create();
    writeSet(dir, camera, { segments: false });
    assert.ok(verify().ok, verify().failure?.message);

    fs.mkdirSync(path.join(dir, 'segments'));
    // Created out of order, so a listing in directory order would rarely name the first.
    for (const recording of [40, 7, 33, 12, 25, 3, 18]) {
      fs.writeFileSync(path.join(dir, 'segments', segmentFileName(recording, 0)), sealedBytes(camera, { recording, segmentIndex: 0 }));
    }
    assert.deepEqual(verify().failure, {
      file: path.join('segments', 'r000003-s0000.seg'),
      message: 'segments/r000003-s0000.seg is not in the chain: no segment record commits to it (inserted, or its record was removed)',
    });
    fs.writeFileSync(path.join(dir, 'segments', 'notes.txt'), 'hello');
    fs.writeFileSync(path.join(dir, 'segments', 'r1-s1.seg'), 'hello');
    assert.deepEqual(verify().failure, {
      file: path.join('segments', 'notes.txt'),
      message: 'segments/notes.txt is not a sealed segment name the camera writes; something was added to the storage',
    });
  });

  it('a partial file of a lost segment is checked to its whole header, and every file it opens is closed', () => {
    const camera = HostCamera.create();
    camera.record(4, [2_000]);
    camera.event({ type: 'segment-lost', recording: 4, segmentIndex: 1, lossReason: 1 });
    writeSet(dir, camera);
    const partial = sealedBytes(camera, { recording: 4, segmentIndex: 1 });
    const lost = path.join(dir, 'segments', segmentFileName(4, 1));
    const openFiles = () => fs.readdirSync('/proc/self/fd').length;
    const before = openFiles();
    for (const length of [33, 170, 171, 500]) {
      fs.writeFileSync(lost, partial.subarray(0, length));
      const report = verify();
      assert.ok(report.ok, `${length} bytes: ${report.failure?.message}`);
    }
    assert.equal(openFiles(), before, 'verify left files open');

    // A whole header that does not decode (its media type, byte 9, unknown) fails from 171 bytes on.
    const badMedia = partial.slice();
    badMedia[9] = 200;
    fs.writeFileSync(lost, badMedia.subarray(0, 170));
    assert.ok(verify().ok, 'a header cut before its end is not yet checked whole');
    for (const length of [171, 600]) {
      fs.writeFileSync(lost, badMedia.subarray(0, length));
      const report = verify();
      assert.equal(report.ok, false, `${length} bytes verified`);
      assert.equal(report.failure!.message, 'segments/r000004-s0001.seg poses as the partial file of lost segment 1 of recording 4, but its header is invalid: unknown media type 200; something was put in the storage');
    }
  });

  it('an error that is not a finding (a disk read failing) is thrown, not reported as evidence at fault', () => {
    const camera = HostCamera.create();
    camera.record(1, [1_000]);
    writeSet(dir, camera);
    const failingDisk: VerifyOptions['hashFile'] = (file) => { throw new Error(`EIO: i/o error, read '${file}'`); };
    assert.throws(() => verifyEvidence(dir, { port: hostPort, hashFile: failingDisk }), /EIO: i\/o error/);
    // The hash verify is given is the one it uses.
    let hashed = 0;
    const counting: VerifyOptions['hashFile'] = (file, length) => { hashed++; return hashFile(file, length); };
    assert.ok(verifyEvidence(dir, { port: hostPort, hashFile: counting }).report.ok);
    assert.equal(hashed, 1);
  });
});
