// Hostile traffic for the camera's dock link: noise, well-framed garbage, and valid requests
// with bytes flipped, from a seeded generator so a failing run can be replayed.
import { encodeDockFrame } from '../../firmware/format/dock-frames.js';
import { encodeDockMessage, type DockMessage } from '../../firmware/format/dock-messages.js';

export function seededRandom(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13; s ^= s >>> 17; s ^= s << 5;
    return (s >>> 0) / 0x100000000;
  };
}

const SAMPLES: DockMessage[] = [
  { type: 'hello', version: 1, dockNonce: new Uint8Array(32).fill(7) },
  { type: 'auth', dockPublicKey: Uint8Array.of(4, ...new Uint8Array(64).fill(1)), proof: new Uint8Array(64).fill(2) },
  { type: 'list', fromSequence: 0 },
  { type: 'read', object: 2, sequence: 3, offset: 0, length: 0 },
  { type: 'ack', object: 1, sequence: 0, nextOffset: 100 },
  { type: 'release', receipt: new Uint8Array(124).fill(3), signature: new Uint8Array(64).fill(4) },
  { type: 'set-time', time: 1_800_000_000_000 },
  { type: 'bench', command: 1, argument: Uint8Array.of(1, 2, 3) },
  { type: 'close' },
  { type: 'provision', agencyPublicKey: Uint8Array.of(4, ...new Uint8Array(64).fill(5)), dockPublicKeys: [Uint8Array.of(4, ...new Uint8Array(64).fill(6))] },
];

/** One hostile chunk of wire bytes: kind 0 noise, 1 framed random payload, 2 mutated valid frame. */
export function hostileBytes(random: () => number): Uint8Array {
  const kind = Math.floor(random() * 3);
  const n = 1 + Math.floor(random() * (kind === 0 ? 300 : 200));
  if (kind === 0) return Uint8Array.from({ length: n }, () => (random() < 0.05 ? 0 : Math.floor(random() * 256)));
  if (kind === 1) {
    const payload = Uint8Array.from({ length: n }, () => Math.floor(random() * 256));
    if (random() < 0.5) payload[0] = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10][Math.floor(random() * 10)]!;
    return encodeDockFrame(payload);
  }
  const payload = encodeDockMessage(SAMPLES[Math.floor(random() * SAMPLES.length)]!).slice();
  const flips = 1 + Math.floor(random() * 4);
  for (let i = 0; i < flips; i++) payload[Math.floor(random() * payload.length)] ^= 1 << Math.floor(random() * 8);
  const frame = encodeDockFrame(payload.length ? payload : Uint8Array.of(0));
  if (random() < 0.3) frame[Math.floor(random() * (frame.length - 1))] ^= 0x10; // damage after the CRC too
  return frame;
}
