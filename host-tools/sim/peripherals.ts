// Devices wired to the simulated board's buses for each target (display panels).
import type { SimulatedBoard } from './board.js';

export function attachPeripherals(board: SimulatedBoard): void {
  void board;
}
