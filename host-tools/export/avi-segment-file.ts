// Reads a decrypted segment AVI as the camera lays it out (firmware/capture/avi-layout.ts):
// the stream formats from hdrl and the movi chunks from idx1, without loading the chunks.
// Anything that is not such an AVI is refused with what was expected, so a join never
// guesses at a file it does not understand.
import fs from 'node:fs';
import { AUDIO_CHUNK, VIDEO_CHUNK, type AviStreams } from '../../firmware/capture/avi-layout.js';

export interface AviChunkRef {
  id: number;
  /** Absolute file offset of the chunk's data (after its 8-byte header). */
  dataOffset: number;
  length: number;
}

export interface AviSegmentFile {
  file: string;
  streams: AviStreams;
  chunks: AviChunkRef[];
  frames: number;
  audioBytes: number;
}

const fourcc = (bytes: Buffer, at: number): string => bytes.toString('latin1', at, at + 4);

/** `label` names the file in errors (the sealed segment it was decrypted from). */
export function readAviSegment(file: string, label = file): AviSegmentFile {
  const fail = (what: string): never => {
    throw new Error(`${label}: ${what}; not an AVI segment as chaincam records it (export it with --segments to get the segment files as they are)`);
  };
  const bytes = fs.readFileSync(file);
  if (bytes.length < 12 || fourcc(bytes, 0) !== 'RIFF' || fourcc(bytes, 8) !== 'AVI ') fail('no RIFF AVI header');
  let hdrl: [number, number] | undefined;
  let movi: number | undefined;
  let idx1: [number, number] | undefined;
  for (let at = 12; at + 8 <= bytes.length; ) {
    const id = fourcc(bytes, at);
    const length = bytes.readUInt32LE(at + 4);
    if (at + 8 + length > bytes.length) fail(`chunk ${id} at ${at} runs past the end`);
    if (id === 'LIST' && fourcc(bytes, at + 8) === 'hdrl') hdrl = [at + 12, at + 8 + length];
    if (id === 'LIST' && fourcc(bytes, at + 8) === 'movi') movi = at + 8;
    if (id === 'idx1') idx1 = [at + 8, length];
    at += 8 + length + (length & 1);
  }
  if (!hdrl || movi === undefined || !idx1) return fail('hdrl, movi or idx1 is missing');
  const streams = readStreams(bytes, hdrl[0], hdrl[1], fail);
  const chunks: AviChunkRef[] = [];
  let frames = 0;
  let audioBytes = 0;
  for (let at = idx1[0]; at + 16 <= idx1[0] + idx1[1]; at += 16) {
    const id = bytes.readUInt32LE(at);
    const dataOffset = movi + bytes.readUInt32LE(at + 8) + 8;
    const length = bytes.readUInt32LE(at + 12);
    if (id !== VIDEO_CHUNK && id !== AUDIO_CHUNK) fail(`index entry ${(at - idx1[0]) / 16} names chunk ${fourcc(bytes, at)}`);
    if (dataOffset + length > bytes.length || bytes.readUInt32LE(dataOffset - 8) !== id) fail(`index entry ${(at - idx1[0]) / 16} does not point at its chunk`);
    if (id === VIDEO_CHUNK) frames++;
    else audioBytes += length;
    chunks.push({ id, dataOffset, length });
  }
  return { file, streams, chunks, frames, audioBytes };
}

function readStreams(bytes: Buffer, from: number, to: number, fail: (what: string) => never): AviStreams {
  let width = 0;
  let height = 0;
  let fps = 0;
  let sampleRate = 0;
  for (let at = from; at + 8 <= to; ) {
    const id = fourcc(bytes, at);
    const length = bytes.readUInt32LE(at + 4);
    if (id === 'avih') {
      width = bytes.readUInt32LE(at + 8 + 32);
      height = bytes.readUInt32LE(at + 8 + 36);
    }
    if (id === 'LIST' && fourcc(bytes, at + 8) === 'strl') {
      const strh = at + 12;
      if (fourcc(bytes, strh) !== 'strh') fail('a stream list without strh');
      const kind = fourcc(bytes, strh + 8);
      const strf = strh + 8 + bytes.readUInt32LE(strh + 4);
      if (kind === 'vids') fps = bytes.readUInt32LE(strh + 8 + 24) / bytes.readUInt32LE(strh + 8 + 20);
      if (kind === 'auds') sampleRate = bytes.readUInt32LE(strf + 8 + 4);
      at += 8 + length;
      continue;
    }
    at += 8 + length + (length & 1);
  }
  if (!width || !height || !fps || !sampleRate) fail('its video or audio stream format is missing');
  return { width, height, fps, sampleRate };
}
