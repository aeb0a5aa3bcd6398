// drivers/cobs/cobs on the simulated board: COBS in native code on the device; here the host
// encodes (host-tools/sim/hardware/native-primitives.ts). The parts are joined and the result
// taken with ArrayBuffer slice and concat, which xsnap does not meter per byte (a TypedArray
// set costs 2 computrons a byte), so XS does no per-byte work, as on the device.

type Joinable = ArrayBuffer & { concat(...more: ArrayBuffer[]): ArrayBuffer };

function bufferOf(part: Uint8Array): ArrayBuffer {
  return (part.buffer as ArrayBuffer).slice(part.byteOffset, part.byteOffset + part.byteLength);
}

export default function cobsFrame(...parts: Uint8Array[]): ArrayBuffer {
  if (parts.length < 1 || parts.length > 4) throw new RangeError('cobsFrame: 1 to 4 parts');
  const joined = (bufferOf(parts[0]!) as Joinable).concat(...parts.slice(1).map(bufferOf));
  const encoded = simHost.call('native.cobs', {}, joined).payload!;
  return (encoded.buffer as ArrayBuffer).slice(encoded.byteOffset, encoded.byteOffset + encoded.byteLength);
}
