// drivers/crc32/crc32 on the simulated board: the device runs the ESP32 ROM's CRC-32 in
// native code; here the host computes it (host-tools/sim/hardware/native-primitives.ts),
// so XS does no per-byte work, as on the device, and the bytes are charged as native work.

export default function crc32(bytes: Uint8Array, start: number, end: number, previous?: number): number {
  if (!(start >= 0 && end >= start && end <= bytes.length)) throw new RangeError('crc32: range outside the buffer');
  return simHost.call('native.crc32', { previous: previous ?? 0 }, bytes.subarray(start, end)).result;
}
