// What the XS tests of firmware/store's parts share: the fixture that drives them one call at a
// time (test/fixtures/firmware/store-workout.ts), its answers, and a held-segment index row as
// FORMAT.md 5.2 lays it out, written here from the spec (not from the firmware's encoder).
import assert from 'node:assert/strict';
import type { SimulatedBoard } from '../../host-tools/sim/board.js';

export const STORE_WORKOUT = 'test/fixtures/firmware/store-workout';

/** A command's `ok`; the test fails with the firmware's error if the command threw. */
export async function commandOk(board: SimulatedBoard, name: string, args: Record<string, unknown> = {}): Promise<any> {
  const answer = (await board.command(name, args)) as { ok?: unknown; error?: string };
  if (answer.error !== undefined) assert.fail(`${name}: ${answer.error}`);
  return answer.ok;
}

export interface HeldRow { sequence: number; recording: number; segmentIndex: number; sealedLength: number; sealedDigest: string }

/** A row's 52 bytes in held-segments.idx: four big-endian u32, the digest, the state (1 released). */
export function heldRowBytes(row: HeldRow, released = false): Buffer {
  const bytes = Buffer.alloc(52);
  bytes.writeUInt32BE(row.sequence, 0);
  bytes.writeUInt32BE(row.recording, 4);
  bytes.writeUInt32BE(row.segmentIndex, 8);
  bytes.writeUInt32BE(row.sealedLength, 12);
  Buffer.from(row.sealedDigest, 'hex').copy(bytes, 16);
  bytes.writeUInt32BE(released ? 1 : 0, 48);
  return bytes;
}
