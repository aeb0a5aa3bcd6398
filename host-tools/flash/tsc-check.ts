// mcconfig compiles the firmware's TypeScript by running `tsc` from PATH, one module at a time,
// with the `lib` and `target` of the tsconfig it writes: es2025 unless manifest.json's
// `typescript.tsconfig.compilerOptions` says otherwise (SDK 8.2.3, tools/mcmanifest.js
// TSConfigFile). A tsc too old for them rejects every module (TS6046), so check before building.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';

/** The first TypeScript release that accepts each `target`/`lib` value mcconfig may be given. */
const FIRST_TSC_FOR: Record<string, string> = { es2024: '5.7.0', es2025: '6.0.0' };
/** What mcconfig writes when the manifest does not say. */
const MCCONFIG_DEFAULT = 'es2025';

/** Each problem is a sentence: what is wrong with tsc (found on PATH at `tsc`), and the command that fixes it. */
export function typeScriptProblems(root: string, env: NodeJS.ProcessEnv, tsc: string | undefined): string[] {
  const options = manifestCompilerOptions(root);
  const wanted = [...new Set([String(options.target ?? MCCONFIG_DEFAULT), ...((options.lib as string[] | undefined) ?? [MCCONFIG_DEFAULT])].map((value) => value.toLowerCase()))];
  const needed = wanted.map((value) => FIRST_TSC_FOR[value] ?? '0.0.0').reduce((a, b) => (compareVersions(a, b) >= 0 ? a : b));
  const pinned = pinnedTypeScript(root);
  const useProjects = `"export PATH=${path.join(root, 'node_modules/.bin')}:$PATH" (after "npm ci" in ${root}) to use the project's TypeScript ${pinned}`;

  if (!tsc) return [`tsc is not on PATH: mcconfig compiles the firmware's TypeScript with it; run ${useProjects}`];
  const run = spawnSync(tsc, ['-v'], { encoding: 'utf8', env, timeout: 30_000 });
  const version = /Version (\d+\.\d+\.\d+)/.exec(`${run.stdout ?? ''}`)?.[1];
  if (!version) return [`tsc at ${tsc} did not report its version ("tsc -v" printed ${JSON.stringify(`${run.stdout ?? ''}${run.stderr ?? ''}`.trim().slice(0, 80))}): run ${useProjects}`];
  if (compareVersions(version, needed) < 0) {
    return [`tsc at ${tsc} is TypeScript ${version}, which rejects the "${wanted.join('", "')}" lib/target mcconfig passes it for manifest.json (error TS6046 in every module): TypeScript ${needed} or later is needed; run ${useProjects}`];
  }
  return [];
}

function manifestCompilerOptions(root: string): Record<string, unknown> {
  try {
    const manifest = JSON.parse(readFileSync(path.join(root, 'manifest.json'), 'utf8')) as { typescript?: { tsconfig?: { compilerOptions?: Record<string, unknown> } } };
    return manifest.typescript?.tsconfig?.compilerOptions ?? {};
  } catch {
    return {};
  }
}

function pinnedTypeScript(root: string): string {
  try {
    const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { dependencies?: Record<string, string>; devDependencies?: Record<string, string> };
    return pkg.dependencies?.typescript ?? pkg.devDependencies?.typescript ?? '';
  } catch {
    return '';
  }
}

export function compareVersions(a: string, b: string): number {
  const [x, y] = [a, b].map((v) => v.split('.').map(Number));
  for (let i = 0; i < 3; i++) if (x![i] !== y![i]) return (x![i] ?? 0) - (y![i] ?? 0);
  return 0;
}
