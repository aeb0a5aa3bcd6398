// Runs one chaincam subcommand in a child process exactly as host-tools/cli.ts
// would (commander program, error printed without a stack, exit code), from its
// register function, so a command's tests do not depend on cli.ts wiring.
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { projectRoot } from '../../host-tools/sim/project-root.js';
import { HANG_STOP_MS } from './hang-stop.js';

export function runSubcommand(moduleFile: string, registerName: string, args: string[], env: NodeJS.ProcessEnv = process.env): SpawnSyncReturns<string> {
  const url = pathToFileURL(path.join(projectRoot, moduleFile)).href;
  const script = `
    import { Command, CommanderError } from 'commander';
    const { ${registerName} } = await import(${JSON.stringify(url)});
    const program = new Command('chaincam').exitOverride();
    ${registerName}(program);
    try {
      await program.parseAsync(JSON.parse(process.env.CHAINCAM_TEST_ARGS), { from: 'user' });
    } catch (error) {
      if (error instanceof CommanderError) process.exit(error.exitCode);
      process.stderr.write('chaincam: ' + error.message + '\\n');
      process.exit(1);
    }`;
  return spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    cwd: projectRoot,
    encoding: 'utf8',
    timeout: HANG_STOP_MS,
    env: { ...env, CHAINCAM_TEST_ARGS: JSON.stringify(args) },
  });
}
