// npx tsx test/mutation/summary.ts: each part's score and its surviving mutants, from the JSON
// reports under reports/mutation/, as Markdown for docs/MUTATION.md.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

interface Mutant {
  mutatorName: string;
  replacement?: string;
  status: string;
  location: { start: { line: number; column: number } };
}
interface Report {
  files: Record<string, { source: string; mutants: Mutant[] }>;
}

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const dir = path.join(root, 'reports/mutation');
const parts = existsSync(dir) ? readdirSync(dir).filter((name) => existsSync(path.join(dir, name, 'mutation.json'))) : [];
if (parts.length === 0) {
  console.error('no reports under reports/mutation/: run npm run mutation first');
  process.exit(2);
}

const detected = new Set(['Killed', 'Timeout']);
const counted = new Set(['Killed', 'Timeout', 'Survived', 'NoCoverage']);
console.log('| part | mutants | killed | timeout | survived | no coverage | score |');
console.log('|---|---|---|---|---|---|---|');
const survivors: string[] = [];
for (const part of parts.sort()) {
  const report = JSON.parse(readFileSync(path.join(dir, part, 'mutation.json'), 'utf8')) as Report;
  const count = (status: string) => Object.values(report.files).reduce((n, f) => n + f.mutants.filter((m) => m.status === status).length, 0);
  const all = Object.values(report.files).flatMap((f) => f.mutants);
  const valid = all.filter((m) => counted.has(m.status)).length;
  const score = valid === 0 ? 1 : all.filter((m) => detected.has(m.status)).length / valid;
  console.log(`| ${part} | ${all.length} | ${count('Killed')} | ${count('Timeout')} | ${count('Survived')} | ${count('NoCoverage')} | ${score.toFixed(2)} |`);
  for (const [file, { source, mutants }] of Object.entries(report.files)) {
    const lines = source.split('\n');
    for (const m of mutants.filter((x) => x.status === 'Survived' || x.status === 'NoCoverage')) {
      const { line, column } = m.location.start;
      const code = lines[line - 1]?.trim().slice(0, 90) ?? '';
      survivors.push(`- ${m.status === 'NoCoverage' ? 'not covered' : 'survived'}: \`${file}:${line}:${column}\` ${m.mutatorName} \`${(m.replacement ?? '').replace(/\s+/g, ' ').slice(0, 60)}\` in \`${code}\``);
    }
  }
}
console.log('');
for (const line of survivors) console.log(line);
