// FORMAT.md section 10 step 7 on a camera's flash: the partial file of a segment the chain
// declares lost verifies only if it is a prefix of that segment's sealed container; any other
// file under that name fails, named.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { segmentFileName } from '../../host-tools/evidence/evidence-layout.js';
import { cameraDocument } from '../../host-tools/keys/key-files.js';
import { verifyEvidence } from '../../host-tools/verify/verify-evidence.js';
import { hostPort } from '../support/dock-harness.js';
import { HostCamera } from '../support/host-camera.js';

describe('a file under the name of a lost segment (camera flash)', () => {
  let dir: string;
  let camera: HostCamera;
  let lost: string;
  let partial: Uint8Array;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'chaincam-lost-'));
    camera = HostCamera.create();
    const [segment] = camera.record(4, [8_000]);
    // Segment 1 was being written when the power went: a prefix of its container is on the card.
    const whole = camera.evidence.readSegment(segment!.sequence, 0, 8_000).slice();
    new DataView(whole.buffer).setUint32(30, 1); // its header names segment 1
    partial = whole.subarray(0, 2_500);
    camera.event({ type: 'segment-lost', recording: 4, segmentIndex: 1, lossReason: 1 });
    fs.writeFileSync(path.join(dir, 'camera.pub'), JSON.stringify(cameraDocument({ publicKey: camera.key.publicKey, deviceId: camera.deviceId, label: 'x' }, false)));
    fs.writeFileSync(path.join(dir, 'chain.log'), camera.evidence.chain);
    fs.mkdirSync(path.join(dir, 'segments'));
    fs.writeFileSync(path.join(dir, 'segments', segmentFileName(4, 0)), camera.evidence.readSegment(segment!.sequence, 0, 8_000));
    lost = path.join(dir, 'segments', segmentFileName(4, 1));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('the partial file the camera wrote (a prefix of that segment) is noted, not evidence', () => {
    for (const length of [0, 5, 30, partial.length]) {
      fs.writeFileSync(lost, partial.subarray(0, length));
      const { report } = verifyEvidence(dir, { port: hostPort });
      assert.ok(report.ok, `${length} bytes: ${report.failure?.message}`);
      assert.ok(report.notes.some((n) => /partial segment kept after a recorded loss/.test(n)));
    }
  });

  it('a file of other content, or another segment\'s or camera\'s header, fails naming it', () => {
    const other = HostCamera.create();
    const [foreign] = other.record(4, [3_000]);
    const posers = [
      crypto.randomBytes(4_000),
      Buffer.from(partial).fill(0x41, 0, 8), // not the magic
      (() => { const b = Buffer.from(partial); b.writeUInt32BE(7, 26); return b; })(), // another recording
      (() => { const b = Buffer.from(partial); b.writeUInt32BE(0, 30); return b; })(), // segment 0's header
      Buffer.from(other.evidence.readSegment(foreign!.sequence, 0, 3_000)), // another camera's
    ];
    for (const [i, bytes] of posers.entries()) {
      fs.writeFileSync(lost, bytes);
      const { report } = verifyEvidence(dir, { port: hostPort });
      assert.equal(report.ok, false, `poser ${i} verified`);
      assert.match(report.failure!.message, /segments\/r000004-s0001\.seg poses as the partial file of lost segment 1 of recording 4, but its (byte \d+ is not what the camera writes there|header is invalid)/);
    }
  });
});
