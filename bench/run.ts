// `npm run bench`: every benchmark, each reporting figures measured in one run.
import { bootCost } from './boot-cost.js';

const benches: [string, () => Promise<Record<string, number>>][] = [['firmware boot cost (XS)', bootCost]];

for (const [name, bench] of benches) {
  process.stdout.write(`${name}\n`);
  const figures = await bench();
  for (const [what, value] of Object.entries(figures)) process.stdout.write(`  ${what.padEnd(44)} ${value.toLocaleString('en-US')}\n`);
}
