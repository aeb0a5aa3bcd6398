// The segment being recorded: its video frames and audio chunks in capture order, held in
// RAM (PSRAM on the board) until it closes, then laid out as one AVI (avi-layout.ts).
// Frame bytes are kept by reference, never copied or read.
import { AUDIO_CHUNK, PAD_BYTE, VIDEO_CHUNK, aviHeader, aviIndex, chunkHeader, chunkSpan, type AviChunk, type AviStreams } from './avi-layout.js';

export interface ClosedSegment {
  recording: number;
  segmentIndex: number;
  /** Camera clock (ms since 1970) of the first frame, and the end of the last frame's slot. */
  startTime: number;
  endTime: number;
  frames: number;
  /** The AVI, piece by piece, in file order. */
  pieces: Uint8Array[];
  bytes: number;
}

export class OpenSegment {
  readonly recording: number;
  readonly segmentIndex: number;
  readonly startTime: number;
  #streams: AviStreams;
  #chunks: AviChunk[] = [];
  #frames = 0;
  #audioBytes = 0;
  #moviBytes = 0;
  #largest = 0;

  constructor(recording: number, segmentIndex: number, startTime: number, streams: AviStreams) {
    this.recording = recording;
    this.segmentIndex = segmentIndex;
    this.startTime = startTime;
    this.#streams = streams;
  }

  get frames(): number {
    return this.#frames;
  }

  /** Bytes the AVI will take if it closed now. */
  get bytes(): number {
    return 326 + this.#moviBytes + 8 + 16 * this.#chunks.length;
  }

  addFrame(jpeg: Uint8Array): void {
    this.#add({ id: VIDEO_CHUNK, bytes: jpeg });
    this.#frames++;
  }

  addAudio(samples: Uint8Array): void {
    if (!samples.length) return;
    this.#add({ id: AUDIO_CHUNK, bytes: samples });
    this.#audioBytes += samples.length;
  }

  close(): ClosedSegment {
    const s = this.#streams;
    const pieces: Uint8Array[] = [aviHeader(s, this.#frames, this.#audioBytes, this.#chunks.length - this.#frames, this.#moviBytes, this.#largest)];
    for (const chunk of this.#chunks) {
      pieces.push(chunkHeader(chunk.id, chunk.bytes.length), chunk.bytes);
      if (chunk.bytes.length & 1) pieces.push(PAD_BYTE);
    }
    pieces.push(aviIndex(this.#chunks));
    const endTime = this.startTime + Math.round((this.#frames * 1000) / s.fps);
    const bytes = this.bytes;
    this.#chunks = [];
    return { recording: this.recording, segmentIndex: this.segmentIndex, startTime: this.startTime, endTime, frames: this.#frames, pieces, bytes };
  }

  #add(chunk: AviChunk): void {
    this.#chunks.push(chunk);
    this.#moviBytes += chunkSpan(chunk.bytes.length);
    if (chunk.bytes.length > this.#largest) this.#largest = chunk.bytes.length;
  }
}
