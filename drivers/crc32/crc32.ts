// CRC-32 (ISO-HDLC, as zlib) in native code: the ESP32 ROM's esp_rom_crc32_le (crc32.c),
// so the dock link's frames cost the camera no per-byte JavaScript. The simulated board
// answers the same call on the host (host-tools/sim/moddable/crc32.ts), charged as native bytes.

/**
 * CRC-32 of bytes[start, end), continuing from `previous` (the CRC of the bytes before them;
 * absent or 0 for none). Throws a RangeError for a range outside the bytes.
 */
export default function crc32(this: unknown, bytes: Uint8Array, start: number, end: number, previous?: number): number {
  return native('xs_crc32').call(this, bytes, start, end, previous);
}
