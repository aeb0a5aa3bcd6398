// `chaincam sim`: runs the firmware on the simulated board in the foreground and
// prints, stamped with virtual time, what the indicators and the firmware do.
import { Command, InvalidArgumentError } from 'commander';
import { SimulatedBoard } from './board.js';
import { FirmwareFault } from './firmware-fault.js';
import { boardTarget, DEFAULT_TARGET, SUPPORTED_TARGETS } from './targets.js';
import type { TimelineEntry } from './timeline.js';

function seconds(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) throw new InvalidArgumentError('expected a number of seconds, 0 or more');
  return n;
}

export function stamp(t: number): string {
  return `${(t / 1000).toFixed(3).padStart(10)} s`;
}

/** One line for a timeline entry a person watching the camera would notice. */
export function describeEntry(entry: TimelineEntry): string | undefined {
  switch (entry.kind) {
    case 'gpio':
      return entry.direction === 'out' ? `${entry.channel.padEnd(8)} ${entry.level ? 'high' : 'low'}` : `${entry.channel.padEnd(8)} input ${entry.level ? 'high' : 'low'}`;
    case 'pwm':
      return `${entry.channel.padEnd(8)} ${entry.duty > 0 ? `${entry.hz} Hz, duty ${(entry.duty * 100).toFixed(0)}%` : 'silent'}`;
    case 'time':
      return `clock    set from ${new Date(entry.before).toISOString()} to ${new Date(entry.after).toISOString()}`;
    default:
      return undefined;
  }
}

export function registerSimCommand(program: Command): void {
  program
    .command('sim')
    .description('run the firmware on the simulated board (a real XS engine) and print what its indicators do')
    .option('--seconds <n>', 'virtual seconds to run', seconds, 10)
    .option('--target <name>', `board target (${SUPPORTED_TARGETS.join(', ')})`, DEFAULT_TARGET)
    .option('--main <module>', 'main module to run instead of firmware/main (a developer fixture)', 'firmware/main')
    .option('--quiet', 'print only the firmware trace and the summary')
    .action(async (options: { seconds: number; target: string; main: string; quiet?: boolean }) => {
      const out = process.stdout;
      const started = performance.now();
      let board: SimulatedBoard | undefined;
      let changes = 0;
      try {
        const target = boardTarget(options.target);
        out.write(`chaincam sim: ${(target.config.board as { name?: string } | undefined)?.name ?? target.name} (${target.platform}) for ${options.seconds} s of virtual time\n`);
        board = await SimulatedBoard.boot({
          target: options.target,
          main: options.main.replace(/\.[jt]s$/, ''),
          onTrace: (text, t) => out.write(`${stamp(t)}  trace    ${text.replace(/\n$/, '')}\n`),
        });
        const printEntry = (entry: TimelineEntry) => {
          const line = describeEntry(entry);
          if (!line) return;
          changes++;
          if (!options.quiet) out.write(`${stamp(entry.t)}  ${line}\n`);
        };
        // Boot already happened: print what it did, then follow along live.
        board.timeline.entries.forEach(printEntry);
        board.timeline.onRecord(printEntry);
        await board.advance(options.seconds * 1000);
        const wall = (performance.now() - started) / 1000;
        out.write(`done: ${options.seconds} s of virtual time in ${wall.toFixed(2)} s; ${changes} indicator changes; ${board.computeTotal.toLocaleString('en-US')} computrons\n`);
      } catch (error) {
        if (error instanceof FirmwareFault) {
          process.stderr.write(`chaincam sim: ${error.message}\n${error.firmwareStack ? `${error.firmwareStack.replace(/^/gm, '    ')}\n` : ''}`);
          process.exitCode = 3;
          return;
        }
        throw error;
      } finally {
        await board?.close();
      }
    });
}
