// The board's true random number generator (hardware-entropy.c): the source of every key the
// camera makes, instead of Moddable's RC4 `rng` stream. The simulated board provides this module
// as a host call to node:crypto's randomBytes (host-tools/sim/moddable/hardware-entropy.ts).

const fill: (length: number) => ArrayBuffer = native('xs_hardware_entropy_fill');
const trueRandom: () => boolean = native('xs_hardware_entropy_true_random');

/** The most one draw returns; ask again for more. */
export const MAX_DRAW = 1024;

/** length bytes from the hardware RNG, with its entropy source switched on for the draw. */
export function hardwareRandomBytes(length: number): Uint8Array {
  const out = new Uint8Array(length);
  for (let offset = 0; offset < length; offset += MAX_DRAW) {
    out.set(new Uint8Array(fill(Math.min(MAX_DRAW, length - offset))), offset);
  }
  return out;
}

/** False on a chip where the draw cannot switch an entropy source on (the classic ESP32). */
export function isTrueRandom(): boolean {
  return trueRandom();
}
