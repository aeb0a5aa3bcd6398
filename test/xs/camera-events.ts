// Reading what the camera under test did, from its trace (events are JSON lines).
import type { SimulatedBoard } from '../../host-tools/sim/board.js';

export type TracedEvent = { t: number; type: string } & Record<string, any>;

export function events(board: SimulatedBoard, type?: string): TracedEvent[] {
  return board.traces
    .filter((line) => line.text.startsWith('event '))
    .map((line) => JSON.parse(line.text.slice(6)) as TracedEvent)
    .filter((event) => !type || event.type === type);
}

export function traced(board: SimulatedBoard, prefix: string): { t: number; text: string }[] {
  return board.traces.filter((line) => line.text.startsWith(prefix)).map((line) => ({ t: line.t, text: line.text.trim() }));
}

/** Onsets of each tone the board sounded (PWM buzzer or I2S speaker): [t, hz]. */
export function tones(board: SimulatedBoard): [number, number][] {
  return board.timeline.toneOnsets().map((e) => [e.t, e.hz]);
}

export const FIXTURE = 'test/fixtures/firmware/camera-under-test';
