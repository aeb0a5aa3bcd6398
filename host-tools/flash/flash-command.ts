// `chaincam flash --board TARGET --port PATH [--debug] [--dry-run] [--keys DIR --dock-key FILE]`:
// builds the firmware with the user's Moddable SDK and ESP-IDF and flashes it, after
// checking that everything the build needs is there; with --keys, provisions the camera
// over its dock link once it has booted (or says exactly how to).
import { spawn } from 'node:child_process';
import type { Command } from 'commander';
import { projectRoot } from '../sim/project-root.js';
import { flashProblems } from './flash-checks.js';
import { flashPlan, formatPlan, shellQuote } from './flash-plan.js';
import { FLASH_TARGET_NAMES, flashTarget } from './flash-targets.js';
import { describeLinkProvision, provisionCameraOnPort } from '../provision/provision-command.js';
import { collect, wholeNumber } from '../cli-options.js';

interface FlashOptions {
  board: string;
  port: string;
  debug?: boolean;
  dryRun?: boolean;
  keys?: string;
  dockKey: string[];
  label: string;
  wait: number;
}


/** The provisioning step, as a command a person can paste. */
function provisionCommand(options: FlashOptions): string {
  const docks = options.dockKey.length ? options.dockKey.map((file) => `--dock-key ${shellQuote(file)}`).join(' ') : '--dock-key DOCK.key';
  return `chaincam provision --port ${shellQuote(options.port)} --keys ${options.keys ? shellQuote(options.keys) : 'KEYDIR'} ${docks}${options.label ? ` --label ${shellQuote(options.label)}` : ''}`;
}

export function registerFlashCommand(program: Command): void {
  program
    .command('flash')
    .description('build the firmware with the Moddable SDK and ESP-IDF and flash it to a board')
    .requiredOption('--board <target>', `board target (${FLASH_TARGET_NAMES.join(', ')})`)
    .requiredOption('--port <path>', 'the board\'s serial port, e.g. /dev/ttyUSB0 or /dev/ttyACM0')
    .option('--debug', 'debug build: XS talks to xsbug over the serial port (mcconfig -d); read it with "chaincam log"')
    .option('--dry-run', 'print the command it would run and what is missing, and run nothing')
    .option('--keys <dir>', 'then provision the camera over its link: a `chaincam keys init` directory (agency.pub)')
    .option('--dock-key <file>', 'with --keys: a dock key file whose public key the camera enrols (repeat for several)', collect, [])
    .option('--label <label>', 'with --keys: the asset tag recorded beside the camera\'s public key', '')
    .option('--wait <seconds>', 'with --keys: how long to wait for the flashed camera to boot', wholeNumber(1, 'whole seconds'), 30)
    .action(async (options: FlashOptions) => {
      const out = process.stdout;
      if (options.keys && options.debug) {
        throw new Error('--keys provisions over the serial port, which a debug build gives to xsbug: flash a release build to provision it, or provision it first and then flash with --debug (provisioning stays on the flash)');
      }
      if (options.keys && options.dockKey.length === 0) throw new Error('--keys needs at least one --dock-key: the camera must enrol the dock that will offload it');
      const target = flashTarget(options.board);
      const plan = flashPlan({ target, port: options.port, debug: options.debug === true, root: projectRoot });
      const problems = flashProblems(target, options.port, { env: process.env, root: projectRoot });
      if (options.dryRun) {
        out.write(`${formatPlan(plan)}\n`);
        if (options.keys) out.write(`then, once the camera has booted: ${provisionCommand(options)}\n`);
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
      if (options.debug) {
        out.write(`flashed. mcconfig has started xsbug on ${options.port}; to read the trace without it, quit xsbug and run "chaincam log --port ${options.port}". A new camera must be provisioned from a release build: ${provisionCommand(options)}\n`);
        return;
      }
      if (!options.keys) {
        out.write(`flashed. Next, provision the camera (its identity key is made on the camera; a provisioned camera is never re-keyed): ${provisionCommand(options)}\n`);
        return;
      }
      out.write(`flashed. Provisioning the camera on ${options.port} once it has booted (up to ${options.wait} s)...\n`);
      const result = await provisionCameraOnPort({ port: options.port, keys: options.keys, dockKey: options.dockKey, label: options.label, waitMs: options.wait * 1000 }).catch((error: Error) => {
        throw new Error(`flashed, but not provisioned: ${error.message}. Once fixed, run: ${provisionCommand(options)}`);
      });
      out.write(`${describeLinkProvision(result, options.port)}\n`);
    });
}
