// The officer's thumb on the camera's one button (docs/POLICY.md): the presses that
// choose a ground, start, confirm, change and stop, with the timings a person uses.
import type { SimulatedBoard } from '../sim/board.js';

const SHORT = 100;
const GAP = 300;
const LONG = 1200;
const HOLD = 3500;

async function shortPresses(board: SimulatedBoard, count: number): Promise<void> {
  for (let i = 0; i < count; i++) {
    await board.press('button', SHORT);
    await board.advance(GAP);
  }
}

/** From ready: offer grounds 1..g, then a long press starts on g. */
export async function recordOn(board: SimulatedBoard, ground: number): Promise<void> {
  await shortPresses(board, ground);
  await board.press('button', LONG);
}

export async function emergencyStart(board: SimulatedBoard): Promise<void> {
  await board.press('button', LONG);
}

/**
 * While recording on `current` (0: an unconfirmed emergency start): the first short press
 * offers ground 1 to confirm, or current+1 to change to; each further press the next one.
 */
export async function chooseWhileRecording(board: SimulatedBoard, current: number, ground: number): Promise<void> {
  const first = current === 0 ? 1 : (current % 9) + 1;
  await shortPresses(board, ((ground - first + 9) % 9) + 1);
  await board.press('button', LONG);
}

export async function stopRecording(board: SimulatedBoard): Promise<void> {
  await board.press('button', HOLD);
}
