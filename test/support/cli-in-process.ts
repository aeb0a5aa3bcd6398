// Runs one `chaincam` command line in this process, the way host-tools/cli.ts does, so a test
// (and Stryker's coverage) sees the command's code: its exit code, what it printed, its error.
import { Command, CommanderError } from 'commander';

export interface CliResult { code: number; out: string; error: string }

export async function runInProcess(register: ((program: Command) => void)[], ...argv: string[]): Promise<CliResult> {
  const program = new Command('chaincam').exitOverride().configureOutput({ writeErr: () => {}, writeOut: () => {} });
  for (const add of register) add(program);
  let out = '';
  const write = process.stdout.write;
  process.stdout.write = ((chunk: string) => { out += chunk; return true; }) as typeof process.stdout.write;
  const previousExitCode = process.exitCode;
  process.exitCode = undefined;
  try {
    await program.parseAsync(argv, { from: 'user' });
    return { code: typeof process.exitCode === 'number' ? process.exitCode : 0, out, error: '' };
  } catch (error) {
    if (error instanceof CommanderError) return { code: error.exitCode, out, error: error.message };
    return { code: 1, out, error: (error as Error).message };
  } finally {
    process.stdout.write = write;
    process.exitCode = previousExitCode;
  }
}
