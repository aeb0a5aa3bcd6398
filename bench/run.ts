// `npm run bench`: every benchmark, each reporting figures measured in one run.
import { bootCost } from './boot-cost.js';
import { dockFrameCost } from './dock-frame-cost.js';
import { dockFuzz } from './dock-fuzz.js';
import { dockGoodput } from './dock-goodput.js';
import { journalCost } from './journal-cost.js';
import { sealCost } from './seal-cost.js';
import { captureCost } from './capture-cost.js';
import { storeVerifyThroughput } from './store-verify-throughput.js';
import { captureRam } from './capture-ram.js';
import { shiftOnCard } from './shift-on-card.js';
import { cardBandwidth } from './card-bandwidth.js';
import { boardBudget } from './board-budget.js';

const benches: [string, () => Promise<Record<string, number>>][] = [
  ['firmware boot cost (XS)', bootCost],
  ['seal and chain one segment (XS): cost independent of size', sealCost],
  ['capture pipeline (XS): cost per frame, heap, sustained frame rate', captureCost],
  ['capture pipeline (XS): peak RAM against segment length', captureRam],
  ['a 12-hour shift on a 32 GB SD card (XS), and hours per card at the default capture', () => shiftOnCard()],
  ['frames kept against SD card bandwidth (XS, device CPU model)', cardBandwidth],
  ['dock link: camera cost per DATA frame (XS)', dockFrameCost],
  ['dock link: goodput over ptys', dockGoodput],
  ['dock link: 100,000 hostile frames (XS)', () => dockFuzz()],
  ['indicator journal and bench commands (XS)', journalCost],
  ['evidence store: verify STORE against sha256sum over the same bytes', () => storeVerifyThroughput({ sizeMb: 256 })],
  ['board budgets (XS): memory, CPU, frames, notice, boot in device time', boardBudget],
];

// `npm run bench -- WORD` runs only the benchmarks whose name contains WORD.
const only = process.argv[2];
for (const [name, bench] of benches) {
  if (only && !name.includes(only)) continue;
  process.stdout.write(`${name}\n`);
  const figures = await bench();
  for (const [what, value] of Object.entries(figures)) process.stdout.write(`  ${what.padEnd(44)} ${value.toLocaleString('en-US')}\n`);
}
