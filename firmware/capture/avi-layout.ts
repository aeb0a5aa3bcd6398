// The bytes of one segment as a standard AVI 1.0 file (RIFF 'AVI '): an MJPEG video stream
// and a 16-bit LPCM audio stream, movi chunks in capture order, and an idx1 index. Chunks
// stream to the card as they arrive; the header (a fixed AVI_HEADER_LENGTH bytes, with its
// true counts) and the index are built at close, and the sealed payload carries the header
// last (media type 2, docs/FORMAT.md section 9.1): export moves it to the front.
// Frames and samples are never copied or read here: only headers and index entries are built.
// Layout reference: Microsoft's AVI RIFF reference (AVIMAINHEADER, AVISTREAMHEADER,
// BITMAPINFOHEADER, WAVEFORMATEX, AVIOLDINDEX); all integers little-endian.

export const VIDEO_CHUNK = 0x63643030; // '00dc' read as a little-endian u32
export const AUDIO_CHUNK = 0x62773130; // '01wb'
const AVIF_HASINDEX = 0x10;
const AVIIF_KEYFRAME = 0x10;

export interface AviStreams {
  width: number;
  height: number;
  fps: number;
  sampleRate: number;
}

/** Bytes of one idx1 entry (AVIOLDINDEX): id, flags, offset, length. */
export const INDEX_ENTRY_LENGTH = 16;

/** Little-endian fields into a fixed buffer. */
class LeWriter {
  readonly bytes: Uint8Array;
  #view: DataView;
  offset = 0;

  constructor(length: number) {
    this.bytes = new Uint8Array(length);
    this.#view = new DataView(this.bytes.buffer);
  }

  fourcc(text: string): this {
    for (let i = 0; i < 4; i++) this.bytes[this.offset + i] = text.charCodeAt(i);
    this.offset += 4;
    return this;
  }

  u32(value: number): this {
    this.#view.setUint32(this.offset, value, true);
    this.offset += 4;
    return this;
  }

  u16(value: number): this {
    this.#view.setUint16(this.offset, value, true);
    this.offset += 2;
    return this;
  }
}

/** RIFF header through the 'movi' fourcc: 326 bytes whatever the counts. */
export const AVI_HEADER_LENGTH = 12 + 12 + 64 + (12 + 64 + 48) + (12 + 64 + 26) + 12;
const HEADER_LENGTH = AVI_HEADER_LENGTH;

/** The chunk header of a movi chunk: id and length (the data follows, padded to even). */
export function chunkHeader(id: number, length: number): Uint8Array {
  const w = new LeWriter(8);
  w.u32(id).u32(length);
  return w.bytes;
}

export const PAD_BYTE = new Uint8Array(1);

/** Bytes a chunk takes in movi: header, data, pad. */
export function chunkSpan(length: number): number {
  return 8 + length + (length & 1);
}

/**
 * RIFF header through the 'movi' fourcc, for a segment of `frames` video chunks, `audioBytes`
 * of samples in `audioChunks` chunks, and `moviBytes` of chunks in movi.
 */
export function aviHeader(s: AviStreams, frames: number, audioBytes: number, audioChunks: number, moviBytes: number, largestChunk: number): Uint8Array {
  const indexBytes = 8 + 16 * (frames + audioChunks);
  const riffLength = HEADER_LENGTH - 8 + moviBytes + indexBytes;
  const microsPerFrame = Math.round(1_000_000 / s.fps);
  const bytesPerSecond = s.sampleRate * 2;
  const w = new LeWriter(HEADER_LENGTH);
  w.fourcc('RIFF').u32(riffLength).fourcc('AVI ');
  w.fourcc('LIST').u32(4 + 64 + (12 + 64 + 48) + (12 + 64 + 26)).fourcc('hdrl');
  w.fourcc('avih').u32(56).u32(microsPerFrame).u32(0).u32(0).u32(AVIF_HASINDEX).u32(frames).u32(0).u32(2)
    .u32(largestChunk).u32(s.width).u32(s.height).u32(0).u32(0).u32(0).u32(0);
  // Video stream: MJPEG, fps frames per second.
  w.fourcc('LIST').u32(4 + 64 + 48).fourcc('strl');
  w.fourcc('strh').u32(56).fourcc('vids').fourcc('MJPG').u32(0).u16(0).u16(0).u32(0).u32(1).u32(s.fps).u32(0)
    .u32(frames).u32(largestChunk).u32(0xffffffff).u32(0).u16(0).u16(0).u16(s.width).u16(s.height);
  w.fourcc('strf').u32(40).u32(40).u32(s.width).u32(s.height).u16(1).u16(24).fourcc('MJPG')
    .u32(s.width * s.height * 3).u32(0).u32(0).u32(0).u32(0);
  // Audio stream: mono 16-bit LPCM; one block = one sample of 2 bytes.
  w.fourcc('LIST').u32(4 + 64 + 26).fourcc('strl');
  w.fourcc('strh').u32(56).fourcc('auds').u32(0).u32(0).u16(0).u16(0).u32(0).u32(2).u32(bytesPerSecond).u32(0)
    .u32(audioBytes / 2).u32(bytesPerSecond).u32(0xffffffff).u32(2).u16(0).u16(0).u16(0).u16(0);
  w.fourcc('strf').u32(18).u16(1).u16(1).u32(s.sampleRate).u32(bytesPerSecond).u16(2).u16(16).u16(0);
  w.fourcc('LIST').u32(4 + moviBytes).fourcc('movi');
  return w.bytes;
}

/** The idx1 chunk's own header, for `entries` entries that follow it. */
export function indexHeader(entries: number): Uint8Array {
  return new LeWriter(8).fourcc('idx1').u32(INDEX_ENTRY_LENGTH * entries).bytes;
}

/**
 * Writes the idx1 entry of one movi chunk into `into` at `at`: `moviOffset` counts from the
 * 'movi' fourcc (the first chunk is at 4), as AVIOLDINDEX does.
 */
export function writeIndexEntry(into: DataView, at: number, id: number, moviOffset: number, length: number): void {
  into.setUint32(at, id, true);
  into.setUint32(at + 4, id === VIDEO_CHUNK ? AVIIF_KEYFRAME : 0, true);
  into.setUint32(at + 8, moviOffset, true);
  into.setUint32(at + 12, length, true);
}
