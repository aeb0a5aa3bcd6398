// The camera's answers to a bench station's BENCH requests (docs/PROTOCOL.md section 3.1),
// given only after the station authenticated as an enrolled dock: the camera's clock and
// state, a press (or a timed sequence of presses) of its button, its power-on self-test again,
// and its indicator journal.
// A press goes in where the settled button contacts do, so the officer's controls are
// what the bench tests.
import Time from 'time';
import Timer from 'timer';
import type { Camera } from '../camera.js';
import {
  BENCH_COMMAND, BENCH_STATUS, SIGN_COLOURS,
  decodeJournalArgument, decodePressArgument, encodeBenchProblem, encodeBenchStatus, encodeTicks, type BenchPress,
} from '../format/bench-messages.js';

export type BenchCamera = Pick<Camera, 'recorder' | 'button' | 'journal' | 'sign'>;

export interface BenchAnswer {
  status: number;
  result: Uint8Array;
}

/** The DockSession's `bench` handler for this camera; `board` names it in the status. */
export function cameraBenchCommands(camera: BenchCamera, board: string, ticks: () => number = () => Time.ticks): (command: number, argument: Uint8Array) => BenchAnswer {
  // The presses of a sequence still to come (their timers), so a new PRESS waits for them.
  const sequence: { timers: Timer[] } = { timers: [] };
  return (command, argument) => {
    switch (command) {
      case BENCH_COMMAND.status: return argument.length ? noArgument('status') : ok(status(camera, board, ticks()));
      case BENCH_COMMAND.press: return press(camera, argument, ticks, sequence);
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

/**
 * Presses the button as the argument says: the first press now, each further one `gapMs` after
 * the one before was released, all on the camera's clock (Timer), so a ground's taps keep their
 * rhythm however late the bench's next request would have come.
 */
function press(camera: BenchCamera, argument: Uint8Array, ticks: () => number, sequence: { timers: Timer[] }): BenchAnswer {
  let presses: BenchPress[];
  try {
    presses = decodePressArgument(argument);
  } catch (error) {
    return problem(BENCH_STATUS.badArgument, error);
  }
  if (sequence.timers.length) return problem(BENCH_STATUS.refused, new Error('the button is already pressed (a press sequence is still running)'));
  const at = ticks();
  try {
    camera.button.inject(presses[0]!.holdMs);
  } catch (error) {
    return problem(BENCH_STATUS.refused, error);
  }
  let due = presses[0]!.holdMs;
  for (const next of presses.slice(1)) {
    due += next.gapMs;
    const timer: Timer = Timer.set(() => {
      sequence.timers = sequence.timers.filter((t) => t !== timer);
      try {
        camera.button.inject(next.holdMs);
      } catch (error) {
        // A thumb on the button meanwhile: the rest of the sequence is dropped, and the bench sees it in the journal.
        for (const t of sequence.timers) Timer.clear(t);
        sequence.timers = [];
        trace(`bench: press sequence stopped: ${(error as Error).message}\n`);
      }
    }, due);
    sequence.timers.push(timer);
    due += next.holdMs;
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
