// The `chaincam` command line: one subcommand per job, each in its own module.
import { Command, CommanderError } from 'commander';
import { registerBenchCommand } from './bench/bench-command.js';
import { registerBudgetCommand } from './budget/budget-command.js';
import { registerDockCommand } from './dock/dock-command.js';
import { registerExportCommand } from './export/export-command.js';
import { registerFlashCommand } from './flash/flash-command.js';
import { registerFontCommand } from './font/font-command.js';
import { registerKeysCommand } from './keys/keys-command.js';
import { registerLogCommand } from './log/log-command.js';
import { registerProvisionCommand } from './provision/provision-command.js';
import { registerRecordsCommand } from './records/records-command.js';
import { registerSimCommand } from './sim/sim-command.js';
import { registerStoreCommand } from './store/store-command.js';
import { registerVerifyCommand } from './verify/verify-command.js';

/** Thrown for conditions the user can fix; printed without a stack trace. */
export class UserError extends Error {}

export async function main(argv: string[]): Promise<number> {
  const program = new Command('chaincam')
    .description('chaincam: lawful body-camera firmware, its simulated board and its host tools')
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });
  registerSimCommand(program);
  registerKeysCommand(program);
  registerVerifyCommand(program);
  registerDockCommand(program);
  registerProvisionCommand(program);
  registerExportCommand(program);
  registerStoreCommand(program);
  registerRecordsCommand(program);
  registerFlashCommand(program);
  registerLogCommand(program);
  registerFontCommand(program);
  registerBenchCommand(program);
  registerBudgetCommand(program);
  try {
    await program.parseAsync(argv, { from: 'user' });
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode;
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`chaincam: ${message}\n`);
    if (process.env.CHAINCAM_DEBUG && error instanceof Error) process.stderr.write(`${error.stack}\n`);
    return 1;
  }
}
