// chain.log: an 8-byte file header, then one frame per record:
//   u32 body length | body | 32-byte link after this record.
// The stored link lets a reader find a torn final frame after a power cut and name the
// exact record that was altered; it is always recomputed, never trusted.
import { ByteWriter, bytesEqual } from './bytes.js';

/** "CCHAIN", 0x00, format version 0x01. */
export const CHAIN_LOG_MAGIC = Uint8Array.of(0x43, 0x43, 0x48, 0x41, 0x49, 0x4e, 0x00, 0x01);
export const FRAME_OVERHEAD = 4 + 32;
/** No record comes near this; a larger length means a corrupt or hostile file. */
export const MAX_RECORD_LENGTH = 4096;

export function encodeFrame(body: Uint8Array, link: Uint8Array): Uint8Array {
  return new ByteWriter().u32(body.length).bytes(body).bytes(link, 32).finish();
}

export interface ChainLogFrame {
  /** Index of the frame in the file (0-based): the record's expected sequence. */
  index: number;
  /** Byte offset of the frame in chain.log. */
  offset: number;
  body: Uint8Array;
  storedLink: Uint8Array;
}

export type ChainLogProblem = { offset: number; index: number; message: string };

/** Splits chain.log into frames. Stops at the first frame it cannot delimit and says why. */
export function readChainLog(file: Uint8Array): { frames: ChainLogFrame[]; problem?: ChainLogProblem } {
  const frames: ChainLogFrame[] = [];
  if (file.length < CHAIN_LOG_MAGIC.length || !bytesEqual(file.subarray(0, CHAIN_LOG_MAGIC.length), CHAIN_LOG_MAGIC)) {
    return { frames, problem: { offset: 0, index: 0, message: 'not a chaincam chain log (bad magic; expected "CCHAIN" 00 01)' } };
  }
  const view = new DataView(file.buffer, file.byteOffset, file.byteLength);
  let offset = CHAIN_LOG_MAGIC.length;
  while (offset < file.length) {
    const index = frames.length;
    if (file.length - offset < 4) {
      return { frames, problem: { offset, index, message: `truncated: ${file.length - offset} stray bytes where a frame length should be` } };
    }
    const length = view.getUint32(offset);
    if (length === 0 || length > MAX_RECORD_LENGTH) {
      return { frames, problem: { offset, index, message: `frame length ${length} is impossible (1-${MAX_RECORD_LENGTH})` } };
    }
    if (file.length - offset < 4 + length + 32) {
      return { frames, problem: { offset, index, message: `truncated: frame needs ${4 + length + 32} bytes, ${file.length - offset} left` } };
    }
    frames.push({
      index, offset,
      body: file.subarray(offset + 4, offset + 4 + length),
      storedLink: file.subarray(offset + 4 + length, offset + 4 + length + 32),
    });
    offset += 4 + length + 32;
  }
  return { frames };
}
