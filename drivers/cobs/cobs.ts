// COBS framing in native code (cobs.c): the camera frames a DATA header, a file's bytes and
// the CRC without a JavaScript step per byte or per zero, and without first copying them
// together. The simulated board answers the same call on the host (host-tools/sim/moddable/cobs.ts).

/**
 * COBS of the concatenation of 1-4 parts, then the 00 delimiter, as a new buffer of exactly
 * that length (docs/PROTOCOL.md section 2).
 */
export default function cobsFrame(this: unknown, ...parts: Uint8Array[]): ArrayBuffer {
  return native('xs_cobs_frame').call(this, ...parts);
}
