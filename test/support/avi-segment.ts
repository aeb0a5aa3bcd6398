// A segment AVI laid out by the firmware's own layout code (firmware/capture/avi-layout.ts):
// `frames` small JPEG frames of one shade rising by one a frame, each followed by its audio,
// then the index. Playable by ffprobe; used where a test needs real footage without a camera.
import jpeg from 'jpeg-js';
import { AUDIO_CHUNK, INDEX_ENTRY_LENGTH, VIDEO_CHUNK, aviHeader, chunkHeader, chunkSpan, indexHeader, PAD_BYTE, writeIndexEntry } from '../../firmware/capture/avi-layout.js';

export const TEST_STREAMS = Object.freeze({ width: 32, height: 24, fps: 5, sampleRate: 8000 });

export function testFrame(shade: number): Uint8Array {
  const { width, height } = TEST_STREAMS;
  return new Uint8Array(jpeg.encode({ data: Buffer.alloc(width * height * 4, shade), width, height }, 80).data);
}

export function aviSegment(frames: number, shade: number): Uint8Array {
  const chunks: { id: number; bytes: Uint8Array }[] = [];
  for (let i = 0; i < frames; i++) {
    chunks.push({ id: VIDEO_CHUNK, bytes: testFrame(shade + i) });
    chunks.push({ id: AUDIO_CHUNK, bytes: new Uint8Array((TEST_STREAMS.sampleRate / TEST_STREAMS.fps) * 2).fill(7) });
  }
  const moviBytes = chunks.reduce((n, c) => n + chunkSpan(c.bytes.length), 0);
  const parts: Uint8Array[] = [aviHeader(TEST_STREAMS, frames, frames * 3200, frames, moviBytes, Math.max(...chunks.map((c) => c.bytes.length)))];
  for (const c of chunks) parts.push(chunkHeader(c.id, c.bytes.length), c.bytes, ...(c.bytes.length & 1 ? [PAD_BYTE] : []));
  const entries = new DataView(new ArrayBuffer(INDEX_ENTRY_LENGTH * chunks.length));
  let moviOffset = 4;
  chunks.forEach((c, i) => {
    writeIndexEntry(entries, i * INDEX_ENTRY_LENGTH, c.id, moviOffset, c.bytes.length);
    moviOffset += chunkSpan(c.bytes.length);
  });
  parts.push(indexHeader(chunks.length), new Uint8Array(entries.buffer));
  return new Uint8Array(Buffer.concat(parts));
}
