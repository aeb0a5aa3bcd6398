// The camera's small native modules (drivers/crc32, drivers/cobs) as the simulated board's
// host runs them: the same results as the C, from the engine-neutral reference code in
// firmware/format/dock-frames.ts, so XS spends no computrons walking the bytes.
import { cobsEncode, crc32 } from '../../../firmware/format/dock-frames.js';

export interface NativeReply {
  result?: unknown;
  bytes?: Uint8Array;
}

export class NativePrimitives {
  /** Bytes each primitive has processed since power-on (what the device's CPU spends natively). */
  readonly bytes = { crc32: 0, cobs: 0 };

  handle(h: Record<string, unknown>, bytes: Uint8Array): NativeReply {
    switch (h.op) {
      case 'native.crc32':
        this.bytes.crc32 += bytes.length;
        return { result: crc32(bytes, 0, bytes.length, Number(h.previous ?? 0)) };
      case 'native.cobs':
        this.bytes.cobs += bytes.length;
        return { bytes: cobsEncode(bytes, true) };
      default:
        throw new Error(`no native primitive "${String(h.op)}"`);
    }
  }
}
