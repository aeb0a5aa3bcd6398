// npm run mutation [-- MODULE ...] [-- STRYKER OPTIONS]: StrykerJS over the invariant-holding
// modules, one module at a time, each with its own tests, reports and incremental file, so the
// work can be done in parts on a busy machine (docs/MUTATION.md). Not part of npm test or CI.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const modules = JSON.parse(readFileSync(path.join(root, 'test/mutation/modules.json'), 'utf8')) as Record<string, { tests: string[] } | string>;
const names = Object.keys(modules).filter((name) => !name.startsWith('$'));

// A part is a module, or a file or glob inside one (its module's tests run): each part keeps its
// own incremental file, so a long module can be done file by file.
const args = process.argv.slice(2);
const isOption = (i: number) => args[i]!.startsWith('-') || (i > 0 && args[i - 1]!.startsWith('--') && !args[i - 1]!.includes('='));
const parts = args.filter((_, i) => !isOption(i) && args[i - 1] !== '--tests').map((arg) => arg.replace(/\/+$/, ''));
const moduleOf = (part: string) => names.find((name) => part === name || part.startsWith(`${name}/`));
const unknown = parts.filter((part) => moduleOf(part) === undefined);
if (unknown.length > 0) {
  console.error(`npm run mutation: ${unknown.map((u) => `"${u}"`).join(', ')} is in none of the modules ${names.join(', ')} (test/mutation/modules.json); name a module, or a file or glob inside one`);
  process.exit(2);
}
// --tests a.test.ts,b.test.ts: run these test files instead of the module's (a quick, narrow run).
const testsAt = args.indexOf('--tests');
const tests = testsAt >= 0 ? args[testsAt + 1]?.split(',').filter(Boolean) : undefined;
const strykerArgs = args.filter((_, i) => isOption(i) && i !== testsAt && i !== testsAt + 1);

const base = JSON.parse(readFileSync(path.join(root, 'stryker.config.json'), 'utf8')) as Record<string, any>;
const stryker = path.join(root, 'node_modules/@stryker-mutator/core/bin/stryker.js');
if (!existsSync(stryker)) {
  console.error('npm run mutation: StrykerJS is not installed; run "npm ci" (it is a devDependency)');
  process.exit(2);
}

for (const part of parts.length > 0 ? parts : names) {
  const name = moduleOf(part)!;
  const entry = modules[name] as { tests: string[] };
  const dir = path.join('reports/mutation', part.replace(/[/*]+/g, '-').replace(/-+$/, ''));
  mkdirSync(path.join(root, dir), { recursive: true });
  const config: Record<string, unknown> = {
    ...base,
    mutate: [part === name ? `${name}/**/*.ts` : part],
    mochaOptions: { ...base.mochaOptions, spec: tests ?? entry.tests },
    incrementalFile: `${dir}/incremental.json`,
    htmlReporter: { fileName: `${dir}/index.html` },
    jsonReporter: { fileName: `${dir}/mutation.json` },
  };
  delete config.$schema;
  const file = path.join(dir, 'stryker.config.json');
  writeFileSync(path.join(root, file), `${JSON.stringify(config, null, 2)}\n`);
  console.log(`npm run mutation: ${part} (${(tests ?? entry.tests).length} test files${tests ? '' : ` of ${name}`}); reports in ${dir}/`);
  // Lowest priority: the machine is shared, and Stryker keeps one core busy for a long time.
  const command = existsSync('/usr/bin/nice') ? ['/usr/bin/nice', '-n', '19', process.execPath] : [process.execPath];
  const run = spawnSync(command[0]!, [...command.slice(1), stryker, 'run', file, ...strykerArgs], { cwd: root, stdio: 'inherit' });
  if (run.status !== 0) process.exit(run.status ?? 1);
}
