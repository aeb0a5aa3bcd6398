// The segment being recorded, streamed: each video frame and audio chunk goes, as it arrives,
// to the sink that seals it and appends it to the segment's file (firmware/store/segment-file.ts).
// What stays in RAM is bounded whatever the segment length or frame size: counters and a fixed
// buffer of index entries, which spills to the sink's side file when full. At close the idx1
// index and the AVI header (with its true counts) follow the movi chunks: media type 2,
// "AVI, header last" (docs/FORMAT.md section 9.1). Frame bytes are never copied or read here.
import {
  AUDIO_CHUNK, AVI_HEADER_LENGTH, INDEX_ENTRY_LENGTH, PAD_BYTE, VIDEO_CHUNK,
  aviHeader, chunkHeader, chunkSpan, indexHeader, writeIndexEntry, type AviStreams,
} from './avi-layout.js';

/** Where an open segment's plaintext goes: sealed and appended to its file in order. */
export interface SegmentPayloadSink {
  /** Appends plaintext to the sealed payload. */
  append(bytes: Uint8Array): void;
  /** Keeps index entries aside (off the heap) until close. */
  spillIndex(entries: Uint8Array): void;
  /** Appends every byte spilled so far, in order, to the sealed payload. */
  appendSpilledIndex(): void;
}

export interface ClosedSegment {
  recording: number;
  segmentIndex: number;
  /** Camera clock (ms since 1970) of the first frame, and the end of the last frame's slot. */
  startTime: number;
  endTime: number;
  frames: number;
  /** Plaintext bytes of the AVI. */
  bytes: number;
}

/** Index entries held in RAM before they spill: 256 × 16 bytes (12.8 s at 10 fps with audio). */
const INDEX_BUFFER_ENTRIES = 256;

export class OpenSegment {
  readonly recording: number;
  readonly segmentIndex: number;
  readonly startTime: number;
  #streams: AviStreams;
  #sink: SegmentPayloadSink;
  #index = new Uint8Array(INDEX_BUFFER_ENTRIES * INDEX_ENTRY_LENGTH);
  #indexView = new DataView(this.#index.buffer);
  #indexFill = 0;
  #chunks = 0;
  #frames = 0;
  #audioBytes = 0;
  #moviBytes = 0;
  #largest = 0;
  #closed = false;

  constructor(recording: number, segmentIndex: number, startTime: number, streams: AviStreams, sink: SegmentPayloadSink) {
    this.recording = recording;
    this.segmentIndex = segmentIndex;
    this.startTime = startTime;
    this.#streams = streams;
    this.#sink = sink;
  }

  get frames(): number {
    return this.#frames;
  }

  /** Bytes the AVI will take if it closed now. */
  get bytes(): number {
    return AVI_HEADER_LENGTH + this.#moviBytes + 8 + INDEX_ENTRY_LENGTH * this.#chunks;
  }

  addFrame(jpeg: Uint8Array): void {
    this.#add(VIDEO_CHUNK, jpeg);
    this.#frames++;
  }

  addAudio(samples: Uint8Array): void {
    if (!samples.length) return;
    this.#add(AUDIO_CHUNK, samples);
    this.#audioBytes += samples.length;
  }

  /** Appends the index and the header; the sink's owner then finishes the sealed file. */
  close(): ClosedSegment {
    if (this.#closed) throw new Error(`segment ${this.segmentIndex} of recording ${this.recording} is already closed`);
    this.#closed = true;
    const s = this.#streams;
    const bytes = this.bytes;
    this.#sink.append(indexHeader(this.#chunks));
    this.#sink.appendSpilledIndex();
    if (this.#indexFill) this.#sink.append(this.#index.subarray(0, this.#indexFill * INDEX_ENTRY_LENGTH));
    this.#sink.append(aviHeader(s, this.#frames, this.#audioBytes, this.#chunks - this.#frames, this.#moviBytes, this.#largest));
    const endTime = this.startTime + Math.round((this.#frames * 1000) / s.fps);
    return { recording: this.recording, segmentIndex: this.segmentIndex, startTime: this.startTime, endTime, frames: this.#frames, bytes };
  }

  #add(id: number, data: Uint8Array): void {
    if (this.#closed) throw new Error(`segment ${this.segmentIndex} of recording ${this.recording} is closed`);
    const sink = this.#sink;
    sink.append(chunkHeader(id, data.length));
    sink.append(data);
    if (data.length & 1) sink.append(PAD_BYTE);
    // idx1 offsets count from the 'movi' fourcc, whose 4 bytes come first.
    writeIndexEntry(this.#indexView, this.#indexFill * INDEX_ENTRY_LENGTH, id, 4 + this.#moviBytes, data.length);
    this.#chunks++;
    this.#moviBytes += chunkSpan(data.length);
    if (data.length > this.#largest) this.#largest = data.length;
    if (++this.#indexFill === INDEX_BUFFER_ENTRIES) {
      sink.spillIndex(this.#index);
      this.#indexFill = 0;
    }
  }
}
