// Streaming capture in XS: frames are sealed and appended to the open segment's file as they
// arrive, in writes of at least 16 KB; a long segment's index spills to a side file and comes
// back at close; the exported AVI (header moved to the front) has an idx1 entry for every
// chunk, at the right offset and length, and plays.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { NodeCryptoPort } from '../../host-tools/crypto/node-crypto-port.js';
import type { SimulatedBoard } from '../../host-tools/sim/board.js';
import { projectRoot } from '../../host-tools/sim/project-root.js';
import { verifyEvidence } from '../../host-tools/verify/verify-evidence.js';
import { bootCapture, chainRecords, provision, writeAgencyKey } from './capture-support.js';

const WRITE_BYTES = 16 * 1024;

interface AviFacts {
  totalFrames: number;
  chunks: { id: string; offset: number; length: number }[];
  indexed: { id: string; offset: number; length: number }[];
}

/** Walks a RIFF AVI: avih's frame count, the movi chunks as laid out, and idx1's entries. */
function readAvi(bytes: Buffer): AviFacts {
  assert.equal(bytes.toString('latin1', 0, 4), 'RIFF');
  assert.equal(bytes.readUInt32LE(4), bytes.length - 8, 'RIFF length is the file length');
  assert.equal(bytes.toString('latin1', 8, 12), 'AVI ');
  const totalFrames = bytes.readUInt32LE(12 + 12 + 8 + 16);
  const movi = bytes.indexOf('movi', 12, 'latin1');
  const moviSize = bytes.readUInt32LE(movi - 4) - 4;
  const chunks: AviFacts['chunks'] = [];
  for (let at = movi + 4; at < movi + 4 + moviSize; ) {
    const length = bytes.readUInt32LE(at + 4);
    chunks.push({ id: bytes.toString('latin1', at, at + 4), offset: at - movi, length });
    at += 8 + length + (length & 1);
  }
  const idx1 = movi + 4 + moviSize;
  assert.equal(bytes.toString('latin1', idx1, idx1 + 4), 'idx1');
  const entries = bytes.readUInt32LE(idx1 + 4) / 16;
  const indexed: AviFacts['indexed'] = [];
  for (let i = 0; i < entries; i++) {
    const at = idx1 + 8 + 16 * i;
    indexed.push({ id: bytes.toString('latin1', at, at + 4), offset: bytes.readUInt32LE(at + 8), length: bytes.readUInt32LE(at + 12) });
  }
  assert.equal(idx1 + 8 + 16 * entries, bytes.length, 'idx1 ends the file');
  return { totalFrames, chunks, indexed };
}

describe('capture streams sealed frames to the open segment file (XS)', function () {
  let dir: string;
  let board: SimulatedBoard | undefined;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'chaincam-streaming-'));
    provision(path.join(dir, 'flash'));
  });
  afterEach(async () => {
    await board?.close();
    board = undefined;
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('appends each frame as it arrives in writes of >= 16 KB; a 60 s segment spills its index and exports to an AVI indexed chunk by chunk', async () => {
    const flash = path.join(dir, 'flash');
    board = await bootCapture(flash, { width: 160, height: 120, fps: 5, segmentSeconds: 60 }, { camera: { frameBytes: 3001 } });
    const writes: { file: string; position: number; length: number }[] = [];
    board.storage.onWrite = (file, position, length) => writes.push({ file, position, length });
    await board.advance(500);
    await board.command('start', { ground: 1 });
    await board.advance(3000);
    const segmentFile = path.join(flash, 'segments', 'r000001-s0000.seg');
    assert.ok(fs.existsSync(segmentFile), 'the open segment has its file');
    assert.ok(fs.statSync(segmentFile).size >= 4 * WRITE_BYTES, `3 s of frames are on storage already (${fs.statSync(segmentFile).size} bytes)`);
    assert.equal(chainRecords(flash).filter((r) => r.kind === 'segment').length, 0, 'no segment record before the close');

    await board.advance(57_500);
    await board.command('stop');
    await board.advance(200);
    const segments = chainRecords(flash).filter((r) => r.kind === 'segment');
    assert.deepEqual(segments.map((s) => s.kind === 'segment' && s.segmentIndex), [0, 1]);
    assert.ok(writes.some((w) => w.file === 'open-segment.idx'), 'the 60 s segment spilled index entries to the side file');
    assert.ok(!fs.existsSync(path.join(flash, 'open-segment.idx')), 'the side file is gone after the close');
    for (const name of ['r000001-s0000.seg', 'r000001-s0001.seg']) {
      const own = writes.filter((w) => w.file === `segments/${name}`);
      assert.ok(own.length >= 1, `${name} was written`);
      own.slice(0, -1).forEach((w, i) => assert.ok(w.length >= WRITE_BYTES, `${name} write ${i}: ${w.length} bytes`));
      own.forEach((w, i) => assert.equal(w.position, i ? own[i - 1]!.position + own[i - 1]!.length : 0, `${name} write ${i} appends`));
    }
    assert.ok(writes.filter((w) => w.file === 'segments/r000001-s0000.seg').length > 100, 'segment 0 went out in many writes as it was recorded');
    const { report } = verifyEvidence(flash, { port: new NodeCryptoPort() });
    assert.ok(report.ok, JSON.stringify(report.failure));

    const key = path.join(dir, 'agency.key');
    writeAgencyKey(key);
    const out = path.join(dir, 'out');
    execFileSync(process.execPath, [path.join(projectRoot, 'bin/chaincam.js'), 'export', flash, '--key', key, '-o', out, '--segments'], { encoding: 'utf8' });
    const avi = readAvi(fs.readFileSync(path.join(out, 'r000001-s0000.avi')));
    assert.equal(avi.totalFrames, 300, '60 s at 5 fps');
    assert.equal(avi.chunks.filter((c) => c.id === '00dc').length, 300);
    assert.ok(avi.chunks.filter((c) => c.id === '01wb').length >= 299, 'audio with every frame');
    assert.ok(avi.chunks.length > 512, 'more chunks than two index buffers: the side file was read back');
    assert.deepEqual(avi.indexed, avi.chunks, 'idx1 names every movi chunk at its offset and length, in order');
    const probe = JSON.parse(execFileSync('ffprobe', ['-v', 'error', '-count_frames', '-show_entries', 'stream=codec_type,nb_read_frames', '-of', 'json',
      path.join(out, 'r000001-s0000.avi')], { encoding: 'utf8' })).streams;
    assert.equal(Number(probe.find((s: Record<string, string>) => s.codec_type === 'video').nb_read_frames), 300);
  });
});
