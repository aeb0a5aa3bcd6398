// The exact command `chaincam flash` runs: Moddable's mcconfig with our
// manifest.json, the board's platform, and the port in UPLOAD_PORT (mcconfig
// hands it to idf.py as CONFIG_ESPTOOLPY_PORT).
import path from 'node:path';
import { platformArgument, type FlashTarget } from './flash-targets.js';

export interface FlashPlan {
  cwd: string;
  env: Record<string, string>;
  command: string;
  args: string[];
}

export function flashPlan(options: { target: FlashTarget; port: string; debug: boolean; root: string }): FlashPlan {
  const { target, port, debug, root } = options;
  return {
    cwd: root,
    env: { UPLOAD_PORT: port },
    command: 'mcconfig',
    // -d: debug build (xsbug over the serial port); -m: build and flash.
    args: [...(debug ? ['-d'] : []), '-m', '-p', platformArgument(target, root), path.join(root, 'manifest.json')],
  };
}

/** The plan as one line a person can paste into a shell. */
export function formatPlan(plan: FlashPlan): string {
  const env = Object.entries(plan.env).map(([name, value]) => `${name}=${shellQuote(value)}`);
  return `cd ${shellQuote(plan.cwd)} && ${[...env, plan.command, ...plan.args.map(shellQuote)].join(' ')}`;
}

export function shellQuote(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}
