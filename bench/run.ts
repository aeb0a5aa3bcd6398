// `npm run bench`: every benchmark, each reporting figures measured in one run.
// `npm run bench -- --json` prints them as one JSON object instead: a section per benchmark
// with its figures by label, and `dock`, the dock link's figures by name (a dock figure's
// label is its name, dotted for nesting, then its description in brackets).
import { bootCost } from './boot-cost.js';
import { dockFrameCost } from './dock-frame-cost.js';
import { dockFuzz } from './dock-fuzz.js';
import { dockGoodput, measuredGoodput } from './dock-goodput.js';
import { dockOffloadHours } from './dock-offload-hours.js';
import { journalCost } from './journal-cost.js';
import { sealCost } from './seal-cost.js';
import { captureCost } from './capture-cost.js';
import { storeVerifyThroughput } from './store-verify-throughput.js';
import { captureRam } from './capture-ram.js';
import { shiftOnCard } from './shift-on-card.js';
import { cardBandwidth } from './card-bandwidth.js';
import { boardBudget } from './board-budget.js';
import { heapFlat } from './heap-flat.js';
import { recordsS3Put } from './records-s3-put.js';
import { recordsIngest } from './records-ingest.js';
import { recordsScale } from './records-scale.js';

type Figures = Record<string, number>;

const benches: [key: string, name: string, run: () => Promise<Figures>][] = [
  ['boot', 'firmware boot cost (XS)', bootCost],
  ['seal', 'seal and chain one segment (XS): cost independent of size', sealCost],
  ['capture', 'capture pipeline (XS): cost per frame, heap, sustained frame rate', captureCost],
  ['captureRam', 'capture pipeline (XS): peak RAM against segment length', captureRam],
  ['shiftOnCard', 'a 12-hour shift on a 32 GB SD card (XS), and hours per card at the default capture', () => shiftOnCard()],
  ['cardBandwidth', 'frames kept against SD card bandwidth (XS, device CPU model)', cardBandwidth],
  ['dockFrame', 'dock link: camera cost per DATA frame (XS, CPU model)', dockFrameCost],
  ['dockGoodput', 'dock link: goodput over ptys, device time (UART and USB CDC models)', dockGoodput],
  ['dockOffloadHours', 'dock link: hours to offload one recorded hour at the default capture', () => dockOffloadHours(measuredGoodput)],
  ['dockFuzz', 'dock link: 100,000 hostile frames (XS)', () => dockFuzz()],
  ['journal', 'indicator journal and bench commands (XS)', journalCost],
  ['storeVerify', 'evidence store: verify STORE against sha256sum over the same bytes', () => storeVerifyThroughput({ sizeMb: 256 })],
  ['boardBudget', 'board budgets (XS): memory, CPU, frames, notice, boot in device time', boardBudget],
  ['heapFlat', 'XS heap flat over 10,000 frames (XS, both targets, no dock)', heapFlat],
  ['recordsS3Put', 'records object store: S3 PUT of 100-700 KB locked objects on the RADOS Gateway, the ingest baseline (npm run services)', () => recordsS3Put()],
  ['recordsScale', 'records system metadata: 55,000 cameras, ~20 M segment rows; listing page, a recording\'s history, an expiry pass (p50/p99; npm run services)', () => recordsScale()],
  ['recordsIngest', 'records system: 50 docks forwarding 5 MB each at once into chaincam records serve, against raw S3 PUT of the same sizes, with CPU ms/MB by tier (npm run services; --mb-per-dock 200 by hand for the size issue 17 names)', () => recordsIngest()],
];

const json = process.argv.includes('--json');
// `npm run bench -- WORD` runs only the benchmarks whose name contains WORD.
const only = process.argv.slice(2).find((a) => a !== '--json');
const all: Record<string, Figures> = {};
const dock: Record<string, unknown> = {};

/** "deviceGoodputRatio.usb (goodput/line ...)" -> dock.deviceGoodputRatio.usb */
function setDockFigure(label: string, value: number): void {
  const name = label.split(' (')[0]!;
  if (!/^[A-Za-z][\w.]*$/.test(name)) return;
  const path = name.split('.');
  let at = dock;
  for (const part of path.slice(0, -1)) at = (at[part] ??= {}) as Record<string, unknown>;
  at[path.at(-1)!] = value;
}

for (const [key, name, bench] of benches) {
  if (only && !name.includes(only)) continue;
  if (key === 'dockOffloadHours' && !Object.keys(measuredGoodput).length) await dockGoodput();
  if (!json) process.stdout.write(`${name}\n`);
  const figures = await bench();
  all[key] = figures;
  for (const [what, value] of Object.entries(figures)) {
    if (key.startsWith('dock')) setDockFigure(what, value);
    if (!json) process.stdout.write(`  ${what.padEnd(44)} ${value.toLocaleString('en-US')}\n`);
  }
}
if (json) process.stdout.write(`${JSON.stringify({ ...all, dock }, null, 2)}\n`);
