// The camera's answers to a bench station's BENCH requests (docs/PROTOCOL.md section 3.1),
// given only after the station authenticated as an enrolled dock: the camera's clock and
// state, a press of its button, its power-on self-test again, and its indicator journal.
// A press goes in where the settled button contacts do, so the officer's controls are
// what the bench tests.
import Time from 'time';
import type { Camera } from '../camera.js';
import {
  BENCH_COMMAND, BENCH_STATUS, SIGN_COLOURS,
  decodeJournalArgument, decodePressArgument, encodeBenchProblem, encodeBenchStatus, encodeTicks,
} from '../format/bench-messages.js';

export type BenchCamera = Pick<Camera, 'recorder' | 'button' | 'journal' | 'sign'>;

export interface BenchAnswer {
  status: number;
  result: Uint8Array;
}

/** The DockSession's `bench` handler for this camera; `board` names it in the status. */
export function cameraBenchCommands(camera: BenchCamera, board: string, ticks: () => number = () => Time.ticks): (command: number, argument: Uint8Array) => BenchAnswer {
  return (command, argument) => {
    switch (command) {
      case BENCH_COMMAND.status: return argument.length ? noArgument('status') : ok(status(camera, board, ticks()));
      case BENCH_COMMAND.press: return press(camera, argument, ticks);
      case BENCH_COMMAND.journal: return journalPage(camera, argument);
      case BENCH_COMMAND.selfTest: return argument.length ? noArgument('self-test') : selfTest(camera, ticks);
      default: return { status: BENCH_STATUS.unknownCommand, result: encodeBenchProblem(`unknown bench command ${command}`) };
    }
  };
}

function status(camera: BenchCamera, board: string, now: number): Uint8Array {
  const panel = camera.sign?.panel;
  return encodeBenchStatus({
    ticks: now >>> 0,
    journalNext: camera.journal.next,
    journalCapacity: camera.journal.capacity,
    recorderState: camera.recorder.state,
    signWidth: panel?.width ?? 0,
    signHeight: panel?.height ?? 0,
    signColour: !panel ? SIGN_COLOURS.none : panel.color ? SIGN_COLOURS.rgb565 : SIGN_COLOURS.monochrome,
    board,
    profile: camera.recorder.policy.name,
  });
}

function press(camera: BenchCamera, argument: Uint8Array, ticks: () => number): BenchAnswer {
  let holdMs: number;
  try {
    holdMs = decodePressArgument(argument);
  } catch (error) {
    return problem(BENCH_STATUS.badArgument, error);
  }
  const at = ticks();
  try {
    camera.button.inject(holdMs);
  } catch (error) {
    return problem(BENCH_STATUS.refused, error);
  }
  return ok(encodeTicks(at >>> 0));
}

function journalPage(camera: BenchCamera, argument: Uint8Array): BenchAnswer {
  let from: number;
  try {
    from = decodeJournalArgument(argument);
  } catch (error) {
    return problem(BENCH_STATUS.badArgument, error);
  }
  return ok(camera.journal.page(from));
}

function selfTest(camera: BenchCamera, ticks: () => number): BenchAnswer {
  const at = ticks();
  try {
    camera.recorder.selfTest();
  } catch (error) {
    return problem(BENCH_STATUS.refused, error);
  }
  return ok(encodeTicks(at >>> 0));
}

function ok(result: Uint8Array): BenchAnswer {
  return { status: BENCH_STATUS.ok, result };
}

function noArgument(command: string): BenchAnswer {
  return problem(BENCH_STATUS.badArgument, new Error(`bench ${command} takes no argument`));
}

function problem(status: number, error: unknown): BenchAnswer {
  return { status, result: encodeBenchProblem(error instanceof Error ? error.message : String(error)) };
}
