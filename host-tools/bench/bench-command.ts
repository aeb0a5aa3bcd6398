// `chaincam bench`: the indicator test sequence, with a table of every notice
// requirement (measured figure, limit, pass/fail and why), the timeline as a
// picture, and the sign's frames as PNGs.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import { DEFAULT_TARGET, SUPPORTED_TARGETS } from '../sim/targets.js';
import { eventsOf, runIndicatorBench, type Requirement } from './indicator-bench.js';
import { timelinePicture } from './timeline-picture.js';
import { signPanel } from '../sim/peripherals.js';

function verdict(r: Requirement): string {
  return r.pass === null ? 'n/a' : r.pass ? 'PASS' : 'FAIL';
}

export function requirementTable(rows: Requirement[]): string {
  const head = ['', 'requirement', 'measured', 'limit'];
  const cells = rows.map((r) => [verdict(r), r.requirement, r.measured, r.limit]);
  const widths = head.map((h, i) => Math.min(60, Math.max(h.length, ...cells.map((c) => [...c[i]!].length))));
  const cut = (text: string, width: number) => ([...text].length > width ? `${[...text].slice(0, width - 1).join('')}…` : text.padEnd(width));
  const lines = [head.map((h, i) => cut(h, widths[i]!)).join('  ')];
  rows.forEach((r, i) => {
    lines.push(cells[i]!.map((c, j) => cut(c, widths[j]!)).join('  '));
    lines.push(`${' '.repeat(widths[0]! + 2)}why: ${r.why}`);
  });
  return lines.join('\n');
}

export function registerBenchCommand(program: Command): void {
  program
    .command('bench')
    .description('bench-test the notice indicators (LED, buzzer, sign) against the law\'s requirements')
    .option('--sim', 'test the simulated board (the only kind available until the dock link lands)')
    .option('--port <path>', 'test a real camera over its dock link')
    .option('--target <name>', `board target (${SUPPORTED_TARGETS.join(', ')})`, DEFAULT_TARGET)
    .option('--out <dir>', 'where to write the timeline pictures and sign frames', 'out/bench')
    .option('--reminder-minutes <n>', 'length of the reminder test recording', (v) => {
      const n = Number(v);
      if (!Number.isInteger(n) || n < 4) throw new InvalidArgumentError('expected whole minutes, 4 or more');
      return n;
    }, 30)
    .option('--json', 'print the results as JSON with named fields')
    .action(async (options: { sim?: boolean; port?: string; target: string; out: string; reminderMinutes: number; json?: boolean }) => {
      if (options.port) throw new Error(`bench --port ${options.port}: bench commands over the dock link are not implemented yet; use --sim`);
      if (!options.sim) throw new Error('say what to test: --sim (the simulated board) or --port PATH (a camera on its dock link)');
      if (!options.json) process.stderr.write(`chaincam bench: ${options.target}: self-test, a start on each ground 1-9, ${options.reminderMinutes} min of reminders, an emergency start, three dead channels...\n`);
      const run = await runIndicatorBench({ target: options.target, reminderMinutes: options.reminderMinutes });
      const dir = path.resolve(options.out, run.target);
      const files: string[] = [];
      try {
        mkdirSync(dir, { recursive: true });
        const events = eventsOf(run.board);
        const writes = (signPanel(run.board)?.writes ?? []).map((w) => w.t);
        for (const window of run.windows) {
          const file = path.join(dir, `timeline-${window.name}.png`);
          writeFileSync(file, timelinePicture({
            title: `chaincam bench ${run.target}: ${window.name} (${((window.to - window.from) / 1000).toFixed(0)} s)`,
            from: window.from,
            to: window.to,
            timeline: run.board.timeline,
            signWrites: writes,
            events: events.filter((e) => e.type !== 'power-on').map((e) => ({
              t: e.t,
              label: e.type === 'recording-start' ? `start ground ${e.legalGround}` : e.type === 'recording-stop' ? 'stop' : e.type,
              color: e.type === 'notice-failure' || e.type === 'ground-unconfirmed' ? [200, 30, 30] as const : undefined,
            })),
          }));
          files.push(file);
        }
        for (const [name, png] of run.frames) {
          const file = path.join(dir, `${name}.png`);
          writeFileSync(file, png);
          files.push(file);
        }
      } finally {
        await run.board.close();
      }
      const failed = run.requirements.filter((r) => r.pass === false);
      if (options.json) {
        process.stdout.write(`${JSON.stringify({ target: run.target, passed: failed.length === 0, requirements: run.requirements, files }, null, 2)}\n`);
      } else {
        process.stdout.write(`${requirementTable(run.requirements)}\n\n`);
        process.stdout.write(`pictures: ${path.join(dir, 'timeline-*.png')}, sign frames: ${path.join(dir, 'sign-*.png')}\n`);
        process.stdout.write(`${failed.length ? `FAILED: ${failed.map((r) => r.id).join(', ')}` : `all ${run.requirements.filter((r) => r.pass).length} requirements passed`} (${run.requirements.filter((r) => r.pass === null).length} not measurable on this board)\n`);
      }
      if (failed.length) process.exitCode = 1;
    });
}
