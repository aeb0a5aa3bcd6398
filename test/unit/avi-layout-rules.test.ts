// The AVI the camera writes, field by field against Microsoft's AVI RIFF reference (AVIMAINHEADER,
// AVISTREAMHEADER, BITMAPINFOHEADER, WAVEFORMATEX, AVIOLDINDEX): each offset below is the
// reference's layout written out by hand, each value what that field must hold for an MJPEG
// video stream and a mono 16-bit LPCM audio stream. ffprobe plays what the capture tests record;
// this pins every byte of the header, chunk headers and index entries those files are built from.
import assert from 'node:assert/strict';
import {
  AUDIO_CHUNK, AVI_HEADER_LENGTH, INDEX_ENTRY_LENGTH, PAD_BYTE, VIDEO_CHUNK,
  aviHeader, chunkHeader, chunkSpan, indexHeader, writeIndexEntry,
} from '../../firmware/capture/avi-layout.js';

type Field = [offset: number, name: string, kind: 'fourcc' | 'u32' | 'u16', value: number | string];

function readField(bytes: Uint8Array, [offset, , kind]: Field): number | string {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (kind === 'fourcc') return String.fromCharCode(...bytes.subarray(offset, offset + 4));
  return kind === 'u32' ? view.getUint32(offset, true) : view.getUint16(offset, true);
}

describe('AVI layout: every header field where the AVI reference puts it (firmware/capture/avi-layout.ts)', () => {
  // Odd, distinct numbers so that a swapped or mis-summed field cannot land on the right value.
  const streams = { width: 321, height: 243, fps: 3, sampleRate: 11025 };
  const frames = 7;
  const audioChunks = 5;
  const audioBytes = 9002;
  const moviBytes = 123_457;
  const largest = 40_001;
  const bytesPerSecond = 11025 * 2;
  const header = aviHeader(streams, frames, audioBytes, audioChunks, moviBytes, largest);

  const expected: Field[] = [
    // RIFF 'AVI ': its size counts everything after its own 8 bytes: the rest of the header, movi's data, and idx1 (8 + 16 per chunk).
    [0, 'RIFF', 'fourcc', 'RIFF'], [4, 'RIFF size', 'u32', 326 - 8 + moviBytes + 8 + 16 * (frames + audioChunks)], [8, 'form type', 'fourcc', 'AVI '],
    // LIST 'hdrl': avih (8 + 56), the video strl (12 + strh 64 + strf 48), the audio strl (12 + strh 64 + strf 26).
    [12, 'LIST', 'fourcc', 'LIST'], [16, 'hdrl size', 'u32', 4 + 64 + 124 + 102], [20, 'list type', 'fourcc', 'hdrl'],
    // AVIMAINHEADER
    [24, 'avih', 'fourcc', 'avih'], [28, 'avih size', 'u32', 56],
    [32, 'dwMicroSecPerFrame', 'u32', 333_333], [36, 'dwMaxBytesPerSec', 'u32', 0], [40, 'dwPaddingGranularity', 'u32', 0],
    [44, 'dwFlags (AVIF_HASINDEX)', 'u32', 0x10], [48, 'dwTotalFrames', 'u32', frames], [52, 'dwInitialFrames', 'u32', 0],
    [56, 'dwStreams', 'u32', 2], [60, 'dwSuggestedBufferSize', 'u32', largest], [64, 'dwWidth', 'u32', 321], [68, 'dwHeight', 'u32', 243],
    [72, 'dwReserved[0]', 'u32', 0], [76, 'dwReserved[1]', 'u32', 0], [80, 'dwReserved[2]', 'u32', 0], [84, 'dwReserved[3]', 'u32', 0],
    // The video stream: LIST 'strl', AVISTREAMHEADER, BITMAPINFOHEADER.
    [88, 'LIST', 'fourcc', 'LIST'], [92, 'video strl size', 'u32', 4 + 64 + 48], [96, 'list type', 'fourcc', 'strl'],
    [100, 'strh', 'fourcc', 'strh'], [104, 'strh size', 'u32', 56], [108, 'fccType', 'fourcc', 'vids'], [112, 'fccHandler', 'fourcc', 'MJPG'],
    [116, 'dwFlags', 'u32', 0], [120, 'wPriority', 'u16', 0], [122, 'wLanguage', 'u16', 0], [124, 'dwInitialFrames', 'u32', 0],
    [128, 'dwScale', 'u32', 1], [132, 'dwRate', 'u32', 3], [136, 'dwStart', 'u32', 0], [140, 'dwLength', 'u32', frames],
    [144, 'dwSuggestedBufferSize', 'u32', largest], [148, 'dwQuality', 'u32', 0xffffffff], [152, 'dwSampleSize', 'u32', 0],
    [156, 'rcFrame.left', 'u16', 0], [158, 'rcFrame.top', 'u16', 0], [160, 'rcFrame.right', 'u16', 321], [162, 'rcFrame.bottom', 'u16', 243],
    [164, 'strf', 'fourcc', 'strf'], [168, 'strf size', 'u32', 40],
    [172, 'biSize', 'u32', 40], [176, 'biWidth', 'u32', 321], [180, 'biHeight', 'u32', 243], [184, 'biPlanes', 'u16', 1], [186, 'biBitCount', 'u16', 24],
    [188, 'biCompression', 'fourcc', 'MJPG'], [192, 'biSizeImage', 'u32', 321 * 243 * 3], [196, 'biXPelsPerMeter', 'u32', 0],
    [200, 'biYPelsPerMeter', 'u32', 0], [204, 'biClrUsed', 'u32', 0], [208, 'biClrImportant', 'u32', 0],
    // The audio stream: LIST 'strl', AVISTREAMHEADER (a block is one 2-byte sample), WAVEFORMATEX.
    [212, 'LIST', 'fourcc', 'LIST'], [216, 'audio strl size', 'u32', 4 + 64 + 26], [220, 'list type', 'fourcc', 'strl'],
    [224, 'strh', 'fourcc', 'strh'], [228, 'strh size', 'u32', 56], [232, 'fccType', 'fourcc', 'auds'], [236, 'fccHandler', 'u32', 0],
    [240, 'dwFlags', 'u32', 0], [244, 'wPriority', 'u16', 0], [246, 'wLanguage', 'u16', 0], [248, 'dwInitialFrames', 'u32', 0],
    [252, 'dwScale', 'u32', 2], [256, 'dwRate', 'u32', bytesPerSecond], [260, 'dwStart', 'u32', 0], [264, 'dwLength (samples)', 'u32', 4501],
    [268, 'dwSuggestedBufferSize', 'u32', bytesPerSecond], [272, 'dwQuality', 'u32', 0xffffffff], [276, 'dwSampleSize', 'u32', 2],
    [280, 'rcFrame.left', 'u16', 0], [282, 'rcFrame.top', 'u16', 0], [284, 'rcFrame.right', 'u16', 0], [286, 'rcFrame.bottom', 'u16', 0],
    [288, 'strf', 'fourcc', 'strf'], [292, 'strf size', 'u32', 18],
    [296, 'wFormatTag (PCM)', 'u16', 1], [298, 'nChannels', 'u16', 1], [300, 'nSamplesPerSec', 'u32', 11025], [304, 'nAvgBytesPerSec', 'u32', bytesPerSecond],
    [308, 'nBlockAlign', 'u16', 2], [310, 'wBitsPerSample', 'u16', 16], [312, 'cbSize', 'u16', 0],
    // LIST 'movi': its size counts the fourcc and the chunks.
    [314, 'LIST', 'fourcc', 'LIST'], [318, 'movi size', 'u32', 4 + moviBytes], [322, 'list type', 'fourcc', 'movi'],
  ];

  it('is 326 bytes whatever the counts, ending at the movi fourcc', () => {
    assert.equal(AVI_HEADER_LENGTH, 326);
    assert.equal(header.length, 326);
    assert.equal(aviHeader({ width: 1, height: 1, fps: 60, sampleRate: 48_000 }, 100_000, 0, 0, 2 ** 31, 1).length, 326);
  });

  for (const field of expected) {
    it(`${field[0]}: ${field[1]} = ${typeof field[3] === 'number' ? field[3] : `'${field[3]}'`}`, () => {
      assert.equal(readField(header, field), field[3]);
    });
  }

  it('the fields above cover every byte of the header, in order, without overlap', () => {
    let at = 0;
    for (const [offset, name, kind] of expected) {
      assert.equal(offset, at, `${name} at ${offset}`);
      at += kind === 'u16' ? 2 : 4;
    }
    assert.equal(at, 326);
  });

  it('rounds the frame time to whole microseconds', () => {
    const view = (fps: number) => new DataView(aviHeader({ ...streams, fps }, 1, 0, 0, 0, 0).buffer).getUint32(32, true);
    assert.deepEqual([view(1), view(7), view(30), view(60)], [1_000_000, 142_857, 33_333, 16_667]);
  });

  it("a movi chunk's header: its id and its data's length (without the pad)", () => {
    assert.deepEqual([...chunkHeader(VIDEO_CHUNK, 0x01020305)], [0x30, 0x30, 0x64, 0x63, 0x05, 0x03, 0x02, 0x01]);
    assert.equal(String.fromCharCode(...chunkHeader(AUDIO_CHUNK, 0).subarray(0, 4)), '01wb');
    assert.equal(String.fromCharCode(...chunkHeader(VIDEO_CHUNK, 0).subarray(0, 4)), '00dc');
  });

  it('a chunk spans its header, its data and one pad byte when the data is odd', () => {
    assert.deepEqual([chunkSpan(0), chunkSpan(1), chunkSpan(2), chunkSpan(3001), chunkSpan(3200)], [8, 10, 10, 3010, 3208]);
    assert.deepEqual([...PAD_BYTE], [0]);
  });

  it("idx1's header: the fourcc and 16 bytes per entry", () => {
    assert.deepEqual([...indexHeader(3)], [0x69, 0x64, 0x78, 0x31, 48, 0, 0, 0]);
    assert.equal(INDEX_ENTRY_LENGTH, 16);
  });

  it('an idx1 entry (AVIOLDINDEX): id, flags (AVIIF_KEYFRAME on every video frame, none on audio), offset from movi, length', () => {
    const view = new DataView(new ArrayBuffer(40));
    writeIndexEntry(view, 4, VIDEO_CHUNK, 0x0a0b0c0d, 3001);
    writeIndexEntry(view, 20, AUDIO_CHUNK, 3014, 3200);
    const u32 = (at: number) => view.getUint32(at, true);
    assert.deepEqual([u32(0), u32(4), u32(8), u32(12), u32(16)], [0, VIDEO_CHUNK, 0x10, 0x0a0b0c0d, 3001]);
    assert.deepEqual([u32(20), u32(24), u32(28), u32(32), u32(36)], [AUDIO_CHUNK, 0, 3014, 3200, 0]);
  });
});
