// `chaincam bench`: the indicator test sequence, with a table of every notice
// requirement (measured figure, limit, pass/fail and why), the timeline as a
// picture, and the sign's frames as PNGs. --sim tests the simulated board;
// --port tests a camera over its dock link.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { toHex } from '../../firmware/format/bytes.js';
import { NodeCryptoPort } from '../crypto/node-crypto-port.js';
import { createDockKeyFile } from '../dock/dock-key.js';
import { DEFAULT_TARGET, SUPPORTED_TARGETS, boardTarget } from '../sim/targets.js';
import type { BenchCamera, Requirement } from './bench-camera.js';
import type { BenchSequenceResult } from './bench-sequence.js';
import { runIndicatorBench } from './indicator-bench.js';
import { runPortBench, type WaitProgress } from './port-bench.js';
import { timelinePicture } from './timeline-picture.js';
import { wholeNumber } from '../cli-options.js';

/** The port bench, with Ctrl-C stopping the recording it started before the command ends (a second Ctrl-C quits at once). */
async function benchOnPort(options: BenchOptions): ReturnType<typeof runPortBench> {
  const interrupted = new AbortController();
  const onInterrupt = () => {
    process.stderr.write('\nchaincam bench: interrupted; stopping the camera\'s recording first (Ctrl-C again to quit now)\n');
    interrupted.abort();
  };
  process.once('SIGINT', onInterrupt);
  try {
    return await runPortBench({ path: options.port!, baud: options.baud, dockKey: options.dockKey!, reminderMinutes: options.reminderMinutes, progress: waitProgress(process.stderr), signal: interrupted.signal });
  } finally {
    process.off('SIGINT', onInterrupt);
  }
}

interface BenchOptions {
  sim?: boolean;
  port?: string;
  dockKey?: string;
  newKey?: boolean;
  baud: number;
  target: string;
  out: string;
  reminderMinutes: number;
  json?: boolean;
}

function verdict(r: Requirement): string {
  return r.pass === null ? 'n/a' : r.pass ? 'PASS' : 'FAIL';
}

/** Terminal width the table keeps to: a bench laptop's 100-column window. */
export const TABLE_COLUMNS = 100;
const INDENT = '      ';

/** Words of `text` in lines of at most `width` columns (a word longer than that is cut). */
function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    const piece = [...word].length > width ? `${[...word].slice(0, width - 1).join('')}…` : word;
    if (line && [...line].length + 1 + [...piece].length > width) {
      lines.push(line);
      line = piece;
    } else line = line ? `${line} ${piece}` : piece;
  }
  if (line) lines.push(line);
  return lines;
}

/** One block per requirement: verdict and requirement, then measured and limit, then why; 100 columns. */
export function requirementTable(rows: Requirement[]): string {
  const width = TABLE_COLUMNS - INDENT.length;
  const lines: string[] = [];
  for (const r of rows) {
    const [first = '', ...rest] = wrap(r.requirement, width);
    lines.push(`${verdict(r).padEnd(INDENT.length)}${first}`, ...rest.map((l) => INDENT + l));
    lines.push(...wrap(`measured: ${r.measured}; limit: ${r.limit}`, width).map((l) => INDENT + l));
    lines.push(...wrap(`why: ${r.why}`, width).map((l) => INDENT + l));
  }
  return lines.join('\n');
}

/** The pictures directory for a camera: its target's name when the board name is one of ours. */
function pictureDirName(board: string): string {
  const known = SUPPORTED_TARGETS.find((t) => (boardTarget(t).config.board as { name?: string } | undefined)?.name === board);
  return known ?? (board.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '') || 'camera');
}

function writePictures(dir: string, target: string, camera: BenchCamera, result: BenchSequenceResult): string[] {
  mkdirSync(dir, { recursive: true });
  const files: string[] = [];
  const { timeline, signWrites, events, source } = camera.picture();
  for (const window of result.windows) {
    const file = path.join(dir, `timeline-${window.name}.png`);
    writeFileSync(file, timelinePicture({
      title: `chaincam bench ${target}: ${window.name} (${((window.to - window.from) / 1000).toFixed(0)} s, ${source})`,
      from: window.from,
      to: window.to,
      timeline,
      signWrites,
      events: events.filter((e) => e.type !== 'power-on').map((e) => ({
        t: e.t,
        label: e.type === 'recording-start' ? `start ground ${e.legalGround}` : e.type === 'recording-stop' ? 'stop' : e.type,
        color: e.type === 'notice-failure' || e.type === 'ground-unconfirmed' ? [200, 30, 30] as const : undefined,
      })),
    }));
    files.push(file);
  }
  for (const [name, png] of result.frames) {
    const file = path.join(dir, `${name}.png`);
    writeFileSync(file, png);
    files.push(file);
  }
  return files;
}

/** Where a long wait on the camera's clock has got to, on stderr: redrawn on a terminal, in quarters otherwise. */
function waitProgress(out: NodeJS.WriteStream): WaitProgress {
  let shown = '';
  return (now, from, until) => {
    const done = Math.min(1, (now - from) / (until - from));
    const line = `  camera clock: ${((now - from) / 1000).toFixed(0)} s of a ${((until - from) / 1000).toFixed(0)} s wait`;
    if (out.isTTY) {
      out.write(`\r\x1b[2K${line}${done >= 1 ? '\n' : ''}`);
      return;
    }
    const quarter = `${from}:${Math.floor(done * 4)}`;
    if (quarter !== shown) out.write(`${line}\n`);
    shown = quarter;
  };
}

async function runBench(options: BenchOptions): Promise<void> {
  if (options.sim && options.port) throw new Error('choose one: --sim (the simulated board) or --port PATH (a camera on its dock link)');
  if (!options.sim && !options.port) throw new Error('say what to test: --sim (the simulated board) or --port PATH (a camera on its dock link)');
  if (options.port && !options.dockKey) throw new Error(`--port ${options.port} needs --dock-key FILE: the bench station's key, enrolled on the camera as a dock's is (chaincam provision --dock-key FILE)`);
  if (options.newKey && options.dockKey && !existsSync(options.dockKey)) {
    const key = createDockKeyFile(new NodeCryptoPort(), options.dockKey);
    process.stderr.write(`bench key ${options.dockKey} created; enrol this public key on the camera (chaincam provision --dock-key ${options.dockKey}):\n${toHex(key.publicKey)}\n`);
  }
  const what = `self-test, a start on each ground 1-9, ${options.reminderMinutes} min of reminders, an emergency start`;
  if (options.port) process.stderr.write(`chaincam bench: the camera on ${options.port}: ${what}; reminders run on the camera's clock (real time on a real camera)...\n`);
  else if (!options.json) process.stderr.write(`chaincam bench: ${options.target}: ${what}, three dead channels...\n`);
  const run = options.port ? await benchOnPort(options) : await runIndicatorBench({ target: options.target, reminderMinutes: options.reminderMinutes });
  const target = options.port ? pictureDirName(run.target) : run.target;
  const dir = path.resolve(options.out, target);
  let files: string[];
  try {
    files = writePictures(dir, run.target, run.camera, run);
  } finally {
    if ('board' in run) await run.board.close();
  }
  const failed = run.requirements.filter((r) => r.pass === false);
  const source = run.camera.picture().source;
  if (options.json) {
    const camera = 'deviceId' in run ? { port: options.port, deviceId: run.deviceId, board: run.target } : {};
    process.stdout.write(`${JSON.stringify({ target, ...camera, measuredBy: source, passed: failed.length === 0, requirements: run.requirements, files }, null, 2)}\n`);
  } else {
    process.stdout.write(`${requirementTable(run.requirements)}\n\n`);
    process.stdout.write(`pictures: ${path.join(dir, 'timeline-*.png')}, sign frames: ${path.join(dir, 'sign-*.png')}${options.port ? " (the screens the camera reports drawing, rendered from the firmware's layout; not photographs)" : ''}\n`);
    process.stdout.write(`${failed.length ? `FAILED: ${failed.map((r) => r.id).join(', ')}` : `all ${run.requirements.filter((r) => r.pass).length} requirements passed`} (${run.requirements.filter((r) => r.pass === null).length} not measurable ${options.port ? 'over the dock link' : 'on this board'})\n`);
  }
  if (failed.length) process.exitCode = 1;
}

export function registerBenchCommand(program: Command): void {
  program
    .command('bench')
    .description('bench-test the notice indicators (LED, buzzer, sign) against the law\'s requirements')
    .option('--sim', 'test the simulated board, measured from its hardware models')
    .option('--port <path>', "test a camera over its dock link (its USB serial port, or a simulated board's pty)")
    .option('--dock-key <file>', "with --port: the bench station's key (a dock key enrolled on the camera)")
    .option('--new-key', 'with --dock-key: create the key file if it does not exist and print its public key for enrolment')
    .option('--baud <n>', 'with --port: the line rate', wholeNumber(300, 'a baud rate'), 2_000_000)
    .option('--target <name>', `with --sim: board target (${SUPPORTED_TARGETS.join(', ')})`, DEFAULT_TARGET)
    .option('--out <dir>', 'where to write the timeline pictures and sign frames', 'out/bench')
    .option('--reminder-minutes <n>', 'length of the reminder test recording', wholeNumber(4, 'whole minutes'), 30)
    .option('--json', 'print the results as JSON with named fields')
    .action(runBench);
}
