// Art. 10-6(1) on the real capture path: the CapturePipeline (firmware/capture) keeps a frame only
// under a live notice token for its recording, at begin and at every frame, checked by what the
// evidence store put on the simulated flash, not by a probe. And on the whole composition (the
// recorder, notice controller, LED and buzzer drivers, pipeline and store of capture-recorder),
// the first frame kept comes after the LED and the start tone were on.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { SegmentRecord } from '../../firmware/format/chain-records.js';
import { NodeCryptoPort } from '../../host-tools/crypto/node-crypto-port.js';
import type { SimulatedBoard } from '../../host-tools/sim/board.js';
import { verifyEvidence } from '../../host-tools/verify/verify-evidence.js';
import { tones } from './camera-events.js';
import { bootCapture, chainRecords, provision } from './capture-support.js';

const FIXTURE = 'test/fixtures/firmware/notice-gated-capture';
const CAPTURE = { width: 160, height: 120, fps: 5, segmentSeconds: 1 };
const EPOCH = Date.UTC(2026, 0, 1); // the simulated RTC at power-on: camera time - EPOCH is board time

describe('no frame kept without notice, on the real capture pipeline and store (XS)', function () {
  this.timeout(120_000);
  let flash: string;
  let board: SimulatedBoard | undefined;
  beforeEach(() => {
    flash = fs.mkdtempSync(path.join(os.tmpdir(), 'chaincam-notice-gate-'));
    provision(flash);
  });
  afterEach(async () => {
    await board?.close();
    board = undefined;
    fs.rmSync(flash, { recursive: true, force: true });
  });

  const segments = () => chainRecords(flash).filter((r): r is SegmentRecord => r.kind === 'segment');
  const sealedFiles = () => fs.readdirSync(path.join(flash, 'segments')).filter((f) => f.endsWith('.seg'));

  for (const [token, refusal] of [
    ['none', /frame refused: no live notice token for recording 1 \(notice must be on first\)/],
    ['look-alike', /frame refused: no live notice token for recording 1/],
    ['revoked', /frame refused: no live notice token for recording 1/],
    ['other', /frame refused: the notice token is for recording 2, not 1/],
  ] as const) {
    it(`begin with ${token === 'other' ? "another recording's token" : token === 'none' ? 'no token' : `a ${token} token`} is refused and keeps no frame`, async () => {
      board = await bootCapture(flash, CAPTURE, { main: FIXTURE });
      const begun = (await board.command('begin', { token })) as { recording: number; error?: string };
      assert.match(begun.error ?? 'begin accepted it', refusal);
      await board.advance(2500);
      assert.deepEqual(await board.command('state'), { kept: 0, refused: 0 });
      await board.command('end', { recording: begun.recording });
      await board.advance(500);
      board.throwIfFaulted();
      assert.deepEqual(segments(), [], 'no segment on the chain');
      assert.deepEqual(sealedFiles(), [], 'no sealed file on the flash');
    });
  }

  it('a token revoked while recording: no frame after the revocation is kept', async () => {
    board = await bootCapture(flash, CAPTURE, { main: FIXTURE });
    const { recording } = (await board.command('begin', { token: 'live' })) as { recording: number };
    await board.advance(1500);
    const revokedAt = (await board.command('revoke')) as number;
    const before = (await board.command('state')) as { kept: number; refused: number };
    assert.ok(before.kept >= 7, `frames were kept under the live token (${before.kept})`);
    await board.advance(3000);
    const after = (await board.command('state')) as { kept: number; refused: number };
    assert.equal(after.kept, before.kept, 'no frame kept after the revocation');
    assert.ok(after.refused >= 14, `the frames after it were refused (${after.refused})`);
    await board.command('end', { recording });
    await board.advance(200);
    board.throwIfFaulted();
    const kept = segments();
    assert.equal(kept.length, 2, 'the full segment before the revocation and the partial one it ended');
    // A segment's end is its last frame's time plus one frame period (OpenSegment.close).
    const frameMs = 1000 / CAPTURE.fps;
    assert.ok(kept.every((s) => s.endTime - frameMs < revokedAt), `every segment's last frame came before the revocation at ${revokedAt}: ends ${kept.map((s) => s.endTime).join(', ')}`);
    assert.equal(sealedFiles().length, 2);
    const { report } = verifyEvidence(flash, { port: new NodeCryptoPort() });
    assert.ok(report.ok, JSON.stringify(report.failure));
  });

  it('the whole camera: the first frame kept is after its LED and start tone were on', async () => {
    // The XIAO: a GPIO LED and a PWM buzzer (the LILYGO's light is a lamp on its sign, which this
    // composition's trace sign does not draw).
    board = await bootCapture(flash, CAPTURE, { target: 'xiao_esp32s3_sense' });
    await board.advance(700);
    assert.equal(typeof (await board.command('start', { ground: 1 })), 'object');
    await board.advance(2000);
    assert.equal(await board.command('stop'), 'ok');
    await board.advance(300);
    board.throwIfFaulted();
    const [first] = segments();
    assert.ok(first, 'a segment was kept');
    const firstFrame = first.startTime - EPOCH;
    const ledOn = board.timeline.levels('led').find((e) => e.level === 1 && e.t >= 700);
    const toneOn = tones(board).find(([t]) => t >= 700);
    assert.ok(ledOn && toneOn, `the LED and the start tone came on: LED ${JSON.stringify(board.timeline.levels("led").slice(0, 4))}, tones ${JSON.stringify(tones(board).slice(0, 4))}`);
    assert.ok(ledOn.t <= firstFrame && toneOn[0] <= firstFrame, `LED at ${ledOn.t} ms, tone at ${toneOn[0]} ms, first frame at ${firstFrame} ms`);
  });
});
