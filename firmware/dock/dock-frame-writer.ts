// The camera's frame encoder (docs/PROTOCOL.md section 2): CRC-32 and COBS run in native code
// (drivers/crc32, drivers/cobs) over the message's parts as they are (a DATA frame's 14-byte
// header, the buffer the file was read into, the CRC), so a frame costs the same few
// JavaScript steps whatever its length and its bytes are never copied in JavaScript
// (bench/dock-frame-cost.ts measures it).
import crc32 from '../../drivers/crc32/crc32.js';
import cobsFrame from '../../drivers/cobs/cobs.js';
import { LARGEST_PAYLOAD } from '../format/dock-frames.js';
import { DATA_HEADER_LENGTH, writeDataHeader } from '../format/dock-messages.js';

export class DockFrameWriter {
  readonly #header = new Uint8Array(DATA_HEADER_LENGTH);
  readonly #crc = new Uint8Array(4);

  /** One DATA frame around `data` (as read from the file): its wire bytes, a new buffer. */
  data(object: number, sequence: number, offset: number, data: Uint8Array): Uint8Array {
    if (data.length === 0) throw new Error(`object ${object}/${sequence} ended early at ${offset}`);
    writeDataHeader(this.#header, object, sequence, offset);
    this.#setCrc(crc32(data, 0, data.length, crc32(this.#header, 0, DATA_HEADER_LENGTH)));
    return new Uint8Array(cobsFrame(this.#header, data, this.#crc));
  }

  /** Any other message's payload: its wire bytes, a new buffer. */
  frame(payload: Uint8Array): Uint8Array {
    if (payload.length === 0 || payload.length > LARGEST_PAYLOAD) throw new Error(`dock frame payload must be 1-${LARGEST_PAYLOAD} bytes, got ${payload.length}`);
    this.#setCrc(crc32(payload, 0, payload.length));
    return new Uint8Array(cobsFrame(payload, this.#crc));
  }

  #setCrc(crc: number): void {
    const b = this.#crc;
    b[0] = crc >>> 24;
    b[1] = (crc >>> 16) & 0xff;
    b[2] = (crc >>> 8) & 0xff;
    b[3] = crc & 0xff;
  }
}
