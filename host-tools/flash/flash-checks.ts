// Everything a board build needs from the machine, checked before mcconfig
// runs, so the user reads what is missing and the command that fixes it
// instead of a CMake error ten minutes in.
import { accessSync, constants, existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { checkSerialPort, type PortHolder } from './serial-port-check.js';
import { manifestPlatform, platformArgument, type FlashTarget } from './flash-targets.js';
import { typeScriptProblems } from './tsc-check.js';

export interface FlashEnvironment {
  env: NodeJS.ProcessEnv;
  root: string;
  /** Overridable for tests: who holds a port. */
  portHolders?: (device: string) => PortHolder[];
}

const MODDABLE_GUIDE = 'https://github.com/Moddable-OpenSource/moddable/blob/public/documentation/devices/esp32.md';

/** Each problem is a sentence: what is missing, and what to do. Empty when the build can run. */
export function flashProblems(target: FlashTarget, port: string, machine: FlashEnvironment): string[] {
  const { env, root } = machine;
  const problems: string[] = [];
  const hostDir = process.platform === 'darwin' ? 'mac' : 'lin';

  const moddable = env.MODDABLE;
  if (!moddable) problems.push(`MODDABLE is not set: install the Moddable SDK (${MODDABLE_GUIDE}) and "export MODDABLE=/path/to/moddable"`);
  else if (!isDirectory(moddable)) problems.push(`MODDABLE is ${moddable}, which is not a directory: point it at your Moddable SDK checkout`);
  else if (!existsSync(path.join(moddable, 'tools/mcconfig.js'))) problems.push(`MODDABLE is ${moddable}, which has no tools/mcconfig.js: point it at the root of a Moddable SDK checkout`);

  if (!findOnPath('mcconfig', env.PATH)) {
    const bin = moddable ? `${moddable}/build/bin/${hostDir}/release` : '$MODDABLE/build/bin/' + hostDir + '/release';
    problems.push(`mcconfig is not on PATH: build the Moddable tools (cd $MODDABLE/build/makefiles/${hostDir} && make) and "export PATH=${bin}:$PATH"`);
  }

  problems.push(...typeScriptProblems(root, env, findOnPath('tsc', env.PATH)));

  const idf = env.IDF_PATH;
  if (!idf) problems.push(`IDF_PATH is not set: install ESP-IDF v6.0 as the Moddable ESP32 guide says (${MODDABLE_GUIDE}) and "export IDF_PATH=$HOME/esp32/esp-idf-v6.0"`);
  else if (!isDirectory(idf) || !existsSync(path.join(idf, 'export.sh'))) problems.push(`IDF_PATH is ${idf}, which is not an ESP-IDF checkout (no export.sh there): point it at your esp-idf directory`);
  if (!findOnPath('idf.py', env.PATH)) problems.push(`idf.py is not on PATH: ESP-IDF's environment is not loaded in this shell; run "source ${idf ?? '$IDF_PATH'}/export.sh" (every new shell)`);

  problems.push(...checkSerialPort(port, machine.portHolders));

  if (target.directory) {
    const directory = path.join(root, target.directory);
    if (!existsSync(path.join(directory, 'manifest.json'))) problems.push(`the ${target.board} target is missing: ${directory}/manifest.json does not exist (restore it with "git checkout -- ${target.directory}")`);
    const argument = platformArgument(target, root);
    // mcconfig lower-cases the whole -p argument (tools/mcmanifest.js), path included.
    if (argument !== argument.toLowerCase()) {
      problems.push(`mcconfig lower-cases the -p argument, so it cannot find ${directory} (the path has capital letters): make a lower-case path to the repository, e.g. "ln -s ${root} /tmp/chaincam", and run chaincam from /tmp/chaincam`);
    }
  }

  const platform = manifestPlatform(target);
  const section = readPlatforms(root)[platform];
  if (!section || section.error) problems.push(`manifest.json has no platforms["${platform}"] section with the ${target.board}'s pins (config.board), so mcconfig would stop at the "esp32/*" error entry: add that section`);
  return problems;
}

function readPlatforms(root: string): Record<string, { error?: string }> {
  try {
    return (JSON.parse(readFileSync(path.join(root, 'manifest.json'), 'utf8')) as { platforms?: Record<string, { error?: string }> }).platforms ?? {};
  } catch {
    return {};
  }
}

function isDirectory(file: string): boolean {
  try {
    return statSync(file).isDirectory();
  } catch {
    return false;
  }
}

/** The first executable of this name in PATH's directories, if any. */
export function findOnPath(name: string, searchPath = ''): string | undefined {
  for (const dir of searchPath.split(path.delimiter)) {
    if (!dir) continue;
    const file = path.join(dir, name);
    try {
      accessSync(file, constants.X_OK);
      if (statSync(file).isFile()) return file;
    } catch {
      // not in this directory
    }
  }
  return undefined;
}
