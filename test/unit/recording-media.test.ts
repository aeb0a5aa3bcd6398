// Joining a recording's segment AVIs into one file: frames copied as they are, a missing
// segment in the middle kept as a gap of its duration (empty frames and silence), so that
// ffprobe reads one video and one audio stream of the recording's whole length.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { VIDEO_CHUNK } from '../../firmware/capture/avi-layout.js';
import { readAviSegment } from '../../host-tools/export/avi-segment-file.js';
import { joinRecordingMedia } from '../../host-tools/export/recording-media.js';
import { TEST_STREAMS, aviSegment } from '../support/avi-segment.js';

const STREAMS = TEST_STREAMS;

/** A segment AVI laid out by the firmware's own layout code: frames, each followed by its audio. */
function writeSegment(file: string, frames: number, shade: number): void {
  fs.writeFileSync(file, aviSegment(frames, shade));
}

function probe(file: string): Record<string, string>[] {
  const out = execFileSync('ffprobe', ['-v', 'error', '-count_packets', '-show_entries', 'stream=codec_type,nb_read_packets,nb_frames,duration', '-of', 'json', file], { encoding: 'utf8' });
  return JSON.parse(out).streams;
}

describe('one AVI per recording: segments joined without re-encoding', () => {
  let dir: string;
  beforeEach(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'chaincam-join-')); });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('copies every frame byte for byte and keeps a middle gap as empty frames and silence of its length', () => {
    writeSegment(path.join(dir, 'a.avi'), 5, 10);
    writeSegment(path.join(dir, 'c.avi'), 5, 200);
    const a = readAviSegment(path.join(dir, 'a.avi'));
    const c = readAviSegment(path.join(dir, 'c.avi'));
    assert.equal(a.frames, 5);
    assert.equal(a.audioBytes, 16000);
    const out = path.join(dir, 'joined.avi');
    const joined = joinRecordingMedia([
      { kind: 'segment', segmentIndex: 0, avi: a },
      { kind: 'gap', frames: 5, audioBytes: 16000 },
      { kind: 'segment', segmentIndex: 2, avi: c },
    ], out);
    assert.deepEqual(joined.placement, [{ segmentIndex: 0, firstFrame: 0, frames: 5 }, { segmentIndex: 2, firstFrame: 10, frames: 5 }]);
    const streams = probe(out);
    const video = streams.find((s) => s.codec_type === 'video')!;
    const audio = streams.find((s) => s.codec_type === 'audio')!;
    assert.equal(Number(video.duration), 3, 'video: 5 + 5 gap + 5 frames at 5 fps');
    assert.equal(Number(audio.nb_frames), 3 * STREAMS.sampleRate, 'audio: 3 s of samples, in step with the video');
    assert.equal(Number(video.nb_read_packets), 10, 'ten pictures; the five gap frames are empty');
    const back = readAviSegment(out);
    assert.equal(back.frames, 15);
    const bytes = fs.readFileSync(out);
    const original = fs.readFileSync(path.join(dir, 'c.avi'));
    const firstOfC = back.chunks.filter((ch) => ch.id === VIDEO_CHUNK)[10]!;
    assert.deepEqual(bytes.subarray(firstOfC.dataOffset, firstOfC.dataOffset + firstOfC.length), original.subarray(c.chunks[0]!.dataOffset, c.chunks[0]!.dataOffset + c.chunks[0]!.length));
    const gapFrames = back.chunks.filter((ch) => ch.id === VIDEO_CHUNK).slice(5, 10);
    assert.ok(gapFrames.every((ch) => ch.length === 0), 'the gap invents no picture');
  });

  it('refuses segments recorded with other settings, and files that are not its AVIs, leaving nothing', () => {
    writeSegment(path.join(dir, 'a.avi'), 2, 10);
    const a = readAviSegment(path.join(dir, 'a.avi'));
    const other = { ...a, streams: { ...a.streams, fps: 10 } };
    const out = path.join(dir, 'joined.avi');
    assert.throws(() => joinRecordingMedia([{ kind: 'segment', segmentIndex: 0, avi: a }, { kind: 'segment', segmentIndex: 1, avi: other }], out), /recorded at 32x24 10 fps .* --segments/);
    assert.deepEqual(fs.readdirSync(dir), ['a.avi']);
    fs.writeFileSync(path.join(dir, 'b.avi'), 'RIFF....AVI nothing');
    assert.throws(() => readAviSegment(path.join(dir, 'b.avi')), /not an AVI segment as chaincam records it/);
  });
});
