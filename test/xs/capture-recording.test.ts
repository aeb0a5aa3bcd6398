// The capture pipeline in XS: camera and microphone to AVI segments, sealed, chained and
// stored on the simulated flash; the raw storage verifies and exports to AVIs that ffprobe
// reads with the right frame count, rate, duration and an audio stream.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { NodeCryptoPort } from '../../host-tools/crypto/node-crypto-port.js';
import type { SimulatedBoard } from '../../host-tools/sim/board.js';
import { projectRoot } from '../../host-tools/sim/project-root.js';
import { verifyEvidence } from '../../host-tools/verify/verify-evidence.js';
import { checkSidecarProof } from '../support/sidecar-proof.js';
import { bootCapture, chainRecords, eventsOf, provision, writeAgencyKey } from './capture-support.js';

function ffprobe(file: string): Record<string, string>[] {
  const out = execFileSync('ffprobe', ['-v', 'error', '-count_frames', '-show_entries', 'stream=codec_type,codec_name,nb_read_frames,r_frame_rate,duration,sample_rate', '-of', 'json', file], { encoding: 'utf8' });
  return JSON.parse(out).streams;
}

describe('capture: camera and microphone to sealed AVI segments (XS)', function () {
  let dir: string;
  let board: SimulatedBoard | undefined;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'chaincam-capture-'));
    provision(path.join(dir, 'flash'));
  });
  afterEach(async () => {
    await board?.close();
    board = undefined;
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('records 2.5 s in 1 s segments that verify, export and play: 10 fps, frame counts and audio as recorded', async () => {
    const flash = path.join(dir, 'flash');
    board = await bootCapture(flash, { width: 320, height: 240, fps: 10, segmentSeconds: 1 });
    await board.advance(500);
    assert.equal(typeof (await board.command('start', { ground: 1 })), 'object');
    await board.advance(2500);
    assert.equal(await board.command('stop'), 'ok');
    await board.advance(200);
    const records = chainRecords(flash);
    const segments = records.filter((r) => r.kind === 'segment');
    assert.deepEqual(segments.map((s) => s.kind === 'segment' && s.segmentIndex), [0, 1, 2]);
    assert.equal(eventsOf(records, 'recording-stop')[0]!.stopReason, 1);
    const { report } = verifyEvidence(flash, { port: new NodeCryptoPort() });
    assert.ok(report.ok, JSON.stringify(report.failure));

    const key = path.join(dir, 'agency.key');
    writeAgencyKey(key);
    const out = path.join(dir, 'out');
    execFileSync(process.execPath, [path.join(projectRoot, 'bin/chaincam.js'), 'export', flash, '--key', key, '-o', out], { encoding: 'utf8' });
    assert.deepEqual(fs.readdirSync(out).sort(), ['r000001.avi', 'r000001.json'], 'one file and one sidecar for the recording');
    const whole = ffprobe(path.join(out, 'r000001.avi'));
    assert.equal(Number(whole.find((s) => s.codec_type === 'video')!.nb_read_frames), 25, 'all three segments, joined');
    assert.equal(Number(whole.find((s) => s.codec_type === 'video')!.duration), 2.5);
    const sidecar = JSON.parse(fs.readFileSync(path.join(out, 'r000001.json'), 'utf8'));
    assert.deepEqual(sidecar.segments.map((s: { inMedia: { firstFrame: number; frames: number } }) => [s.inMedia.firstFrame, s.inMedia.frames]), [[0, 10], [10, 10], [20, 5]]);
    assert.equal(sidecar.start.legalGround, 1);
    assert.deepEqual(sidecar.gaps, []);
    checkSidecarProof(sidecar);
    assert.equal(sidecar.mediaSha256, createHash('sha256').update(fs.readFileSync(path.join(out, 'r000001.avi'))).digest('hex'));

    const segmentsOut = path.join(dir, 'segments-out');
    execFileSync(process.execPath, [path.join(projectRoot, 'bin/chaincam.js'), 'export', flash, '--key', key, '-o', segmentsOut, '--segments'], { encoding: 'utf8' });
    const expected = [10, 10, 5];
    expected.forEach((frames, index) => {
      const streams = ffprobe(path.join(segmentsOut, `r000001-s000${index}.avi`));
      const video = streams.find((s) => s.codec_type === 'video')!;
      const audio = streams.find((s) => s.codec_type === 'audio')!;
      assert.equal(video.codec_name, 'mjpeg');
      assert.equal(Number(video.nb_read_frames), frames, `segment ${index} frames`);
      assert.equal(video.r_frame_rate, '10/1');
      assert.equal(Number(video.duration), frames / 10);
      assert.equal(audio.codec_name, 'pcm_s16le');
      assert.equal(audio.sample_rate, '8000');
    });
  });

  it('keeps no frame outside a recording under kr-2024 (no pre-event buffer), and the camera is off', async () => {
    board = await bootCapture(path.join(dir, 'flash'), { width: 160, height: 120, fps: 5 });
    await board.advance(5000);
    assert.equal(board.camera.framesRead, 0, 'the camera was not read before a recording');
    const state = await board.command('state') as Record<string, number>;
    assert.equal(state.preEventFrames, 0);
  });

  it('with the generic profile and 2 s of pre-event buffer, the first segment starts 2 s before the start, video only', async () => {
    const flash = path.join(dir, 'flash');
    board = await bootCapture(flash, { width: 160, height: 120, fps: 5, segmentSeconds: 10 }, {}, { profile: 'generic', policy: { preEventSeconds: 2 } });
    await board.advance(6000);
    assert.equal((await board.command('state') as Record<string, number>).preEventFrames, 10, 'the ring holds 2 s at 5 fps');
    const startedAt = Date.UTC(2026, 0, 1) + board.now;
    await board.command('start', { ground: 2 });
    await board.advance(1000);
    await board.command('stop');
    const [segment] = chainRecords(flash).filter((r) => r.kind === 'segment');
    assert.ok(segment && segment.kind === 'segment');
    assert.ok(startedAt - segment.startTime >= 1800 && startedAt - segment.startTime <= 2000, `pre-event start ${startedAt - segment.startTime} ms before the start`);
    assert.ok(verifyEvidence(flash, { port: new NodeCryptoPort() }).report.ok);
  });

  it('refuses a pre-event buffer the kr-2024 profile forbids', async () => {
    await assert.rejects(bootCapture(path.join(dir, 'flash'), {}, {}, { policy: { preEventSeconds: 5 } }), /allows at most 0 s of pre-event buffer/);
  });

  it('stops the recording with storage-full before the partition fills, warns on low space, and the chain verifies', async () => {
    const flash = path.join(dir, 'flash');
    board = await bootCapture(flash, { width: 160, height: 120, fps: 5, segmentSeconds: 1, reserveBytes: 16_384, lowSpaceBytes: 150_000 },
      { storage: { capacityBytes: 200_000 }, camera: { frameBytes: 10_000 } });
    await board.advance(500);
    await board.command('start', { ground: 1 });
    await board.advance(60_000);
    const records = chainRecords(flash);
    const stop = eventsOf(records, 'recording-stop');
    assert.equal(stop.length, 1);
    assert.equal(stop[0]!.stopReason, 4, 'stopped for storage full');
    assert.ok(board.traces.some((t) => /storage low: \d+ bytes free/.test(t.text)), 'the officer was warned first');
    assert.ok(board.storage.usedBytes <= 200_000);
    const { report } = verifyEvidence(flash, { port: new NodeCryptoPort() });
    assert.ok(report.ok, JSON.stringify(report.failure));
  });
});
