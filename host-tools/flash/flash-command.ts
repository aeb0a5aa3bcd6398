// `chaincam flash --board TARGET --port PATH [--debug] [--dry-run]`: builds the
// firmware with the user's Moddable SDK and ESP-IDF and flashes it, after
// checking that everything the build needs is there.
import { spawn } from 'node:child_process';
import type { Command } from 'commander';
import { projectRoot } from '../sim/project-root.js';
import { flashProblems } from './flash-checks.js';
import { flashPlan, formatPlan } from './flash-plan.js';
import { FLASH_TARGET_NAMES, flashTarget } from './flash-targets.js';

interface FlashOptions {
  board: string;
  port: string;
  debug?: boolean;
  dryRun?: boolean;
}

export function registerFlashCommand(program: Command): void {
  program
    .command('flash')
    .description('build the firmware with the Moddable SDK and ESP-IDF and flash it to a board')
    .requiredOption('--board <target>', `board target (${FLASH_TARGET_NAMES.join(', ')})`)
    .requiredOption('--port <path>', 'the board\'s serial port, e.g. /dev/ttyUSB0 or /dev/ttyACM0')
    .option('--debug', 'debug build: XS talks to xsbug over the serial port (mcconfig -d); read it with "chaincam log"')
    .option('--dry-run', 'print the command it would run and what is missing, and run nothing')
    .action(async (options: FlashOptions) => {
      const out = process.stdout;
      const target = flashTarget(options.board);
      const plan = flashPlan({ target, port: options.port, debug: options.debug === true, root: projectRoot });
      const problems = flashProblems(target, options.port, { env: process.env, root: projectRoot });
      if (options.dryRun) {
        out.write(`${formatPlan(plan)}\n`);
        if (problems.length) process.stderr.write(`chaincam flash: this machine is not ready yet:\n${problems.map((p) => `  - ${p}\n`).join('')}`);
        return;
      }
      if (problems.length) {
        throw new Error(`cannot flash the ${target.board} yet:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
      }
      out.write(`chaincam flash: ${target.board} on ${options.port} (${options.debug ? 'debug' : 'release'} build)\n  ${formatPlan(plan)}\n  boot mode: ${target.programming}\n`);
      const code = await new Promise<number>((resolve, reject) => {
        const child = spawn(plan.command, plan.args, { cwd: plan.cwd, env: { ...process.env, ...plan.env }, stdio: 'inherit' });
        child.on('error', (error) => reject(new Error(`cannot run mcconfig: ${error.message}; check that $MODDABLE/build/bin is on PATH`)));
        child.on('exit', (status, signal) => resolve(status ?? (signal ? 128 : 1)));
      });
      if (code !== 0) throw new Error(`mcconfig failed (exit ${code}) building or flashing the ${target.board}; its output above says where. If the upload did not start: ${target.programming}`);
      out.write(`flashed. Next: provision the camera's identity and keys ("chaincam provision", arriving with the dock link)${options.debug ? `. mcconfig has started xsbug on ${options.port}; to read the trace without it, quit xsbug and run "chaincam log --port ${options.port}"` : ''}\n`);
    });
}
