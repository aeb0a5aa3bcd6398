// One playable file per recording: the decrypted segment AVIs joined without re-encoding
// (their MJPEG frames and PCM chunks copied as they are, in order) under one header and one
// idx1 index. A segment that is not there (lost to a power cut, released, or missing) becomes
// a gap of the same duration: empty video chunks, which players show by holding the last
// picture, and digital silence, so the audio stays in step with the video after it. Nothing
// else is invented; the sidecar lists every gap.
import fs from 'node:fs';
import { AUDIO_CHUNK, INDEX_ENTRY_LENGTH, VIDEO_CHUNK, aviHeader, chunkHeader, indexHeader, writeIndexEntry, type AviStreams } from '../../firmware/capture/avi-layout.js';
import type { AviSegmentFile } from './avi-segment-file.js';

export type MediaPiece =
  | { kind: 'segment'; segmentIndex: number; avi: AviSegmentFile }
  | { kind: 'gap'; frames: number; audioBytes: number };

export interface JoinedMedia {
  streams: AviStreams;
  frames: number;
  audioBytes: number;
  length: number;
  /** Where each segment's frames sit in the joined file (0-based frame numbers). */
  placement: { segmentIndex: number; firstFrame: number; frames: number }[];
}

const COPY_SIZE = 1024 * 1024;

/** The streams all pieces share; segments recorded with other settings cannot be joined. */
export function commonStreams(pieces: readonly MediaPiece[]): AviStreams {
  let streams: AviStreams | undefined;
  for (const piece of pieces) {
    if (piece.kind !== 'segment') continue;
    const s = piece.avi.streams;
    if (!streams) streams = s;
    else if (s.width !== streams.width || s.height !== streams.height || s.fps !== streams.fps || s.sampleRate !== streams.sampleRate) {
      throw new Error(`${piece.avi.file}: recorded at ${s.width}x${s.height} ${s.fps} fps ${s.sampleRate} Hz, unlike the segments before it (${streams.width}x${streams.height} ${streams.fps} fps ${streams.sampleRate} Hz); export it with --segments`);
    }
  }
  if (!streams) throw new Error('no segment of this recording is here to export');
  return streams;
}

/** A gap's chunks: one empty frame each, with its share of the silence (whole samples). */
function gapChunks(frames: number, audioBytes: number): { id: number; length: number }[] {
  const out: { id: number; length: number }[] = [];
  const perFrame = frames ? Math.floor(audioBytes / frames / 2) * 2 : 0;
  for (let i = 0; i < frames; i++) {
    out.push({ id: VIDEO_CHUNK, length: 0 });
    const audio = i === frames - 1 ? audioBytes - perFrame * (frames - 1) : perFrame;
    if (audio) out.push({ id: AUDIO_CHUNK, length: audio });
  }
  if (!frames && audioBytes) out.push({ id: AUDIO_CHUNK, length: audioBytes });
  return out;
}

export function joinRecordingMedia(pieces: readonly MediaPiece[], outFile: string): JoinedMedia {
  const streams = commonStreams(pieces);
  let frames = 0;
  let audioBytes = 0;
  let audioChunks = 0;
  let moviBytes = 4;
  let largest = 0;
  const placement: JoinedMedia['placement'] = [];
  const count = (id: number, length: number): void => {
    if (id === VIDEO_CHUNK) frames++;
    else {
      audioBytes += length;
      audioChunks++;
    }
    moviBytes += 8 + length + (length & 1);
    largest = Math.max(largest, length);
  };
  for (const piece of pieces) {
    if (piece.kind === 'segment') {
      placement.push({ segmentIndex: piece.segmentIndex, firstFrame: frames, frames: piece.avi.frames });
      for (const chunk of piece.avi.chunks) count(chunk.id, chunk.length);
    } else {
      for (const chunk of gapChunks(piece.frames, piece.audioBytes)) count(chunk.id, chunk.length);
    }
  }
  if (moviBytes + 16 * (frames + audioChunks) > 0xffff_0000) {
    throw new Error(`${outFile}: the recording is too large for one AVI 1.0 file (${moviBytes} bytes of chunks); export it with --segments`);
  }
  const partial = `${outFile}.partial`;
  const out = fs.openSync(partial, 'wx', 0o600);
  try {
    let position = 0;
    const write = (bytes: Uint8Array): void => {
      fs.writeSync(out, bytes, 0, bytes.length, position);
      position += bytes.length;
    };
    write(aviHeader(streams, frames, audioBytes, audioChunks, moviBytes - 4, largest));
    const index = new Uint8Array(8 + INDEX_ENTRY_LENGTH * (frames + audioChunks));
    index.set(indexHeader(frames + audioChunks));
    const entries = new DataView(index.buffer);
    let entry = 8;
    let moviOffset = 4;
    const indexChunk = (id: number, length: number): void => {
      writeIndexEntry(entries, entry, id, moviOffset, length);
      entry += INDEX_ENTRY_LENGTH;
      moviOffset += 8 + length + (length & 1);
    };
    const silence = new Uint8Array(COPY_SIZE);
    for (const piece of pieces) {
      if (piece.kind === 'gap') {
        for (const chunk of gapChunks(piece.frames, piece.audioBytes)) {
          indexChunk(chunk.id, chunk.length);
          write(chunkHeader(chunk.id, chunk.length));
          for (let left = chunk.length; left > 0; left -= COPY_SIZE) write(silence.subarray(0, Math.min(left, COPY_SIZE)));
        }
        continue;
      }
      const source = fs.openSync(piece.avi.file, 'r');
      try {
        for (const chunk of piece.avi.chunks) {
          indexChunk(chunk.id, chunk.length);
          const data = Buffer.allocUnsafe(chunk.length + (chunk.length & 1));
          if (fs.readSync(source, data, 0, chunk.length, chunk.dataOffset) !== chunk.length) throw new Error(`${piece.avi.file}: chunk at ${chunk.dataOffset} is cut short`);
          if (chunk.length & 1) data[chunk.length] = 0;
          write(chunkHeader(chunk.id, chunk.length));
          write(data);
        }
      } finally {
        fs.closeSync(source);
      }
    }
    write(index);
    fs.closeSync(out);
    fs.renameSync(partial, outFile);
    return { streams, frames, audioBytes, length: position, placement };
  } catch (error) {
    try { fs.closeSync(out); } catch { /* already closed */ }
    fs.rmSync(partial, { force: true });
    throw error;
  }
}
