// README's walkthroughs run exactly as written: each `<!-- walkthrough: NAME -->` block is
// taken from README.md (not retyped here) and run by bash, in order, in one fresh folder. The
// only stand-in is `npx`, which resolves `chaincam` to this checkout's bin/chaincam.js as npx
// does in the repository folder; the wrapper ends the block's background jobs if it fails.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { projectRoot } from '../../host-tools/sim/project-root.js';

interface Walkthrough { name: string; script: string }

export function readmeWalkthroughs(readme: string): Walkthrough[] {
  const out: Walkthrough[] = [];
  const pattern = /<!-- walkthrough: ([\w-]+) -->\n```sh\n([\s\S]*?)```/g;
  for (let m; (m = pattern.exec(readme)); ) out.push({ name: m[1]!, script: m[2]! });
  return out;
}

function run(script: string, cwd: string, env: NodeJS.ProcessEnv): Promise<{ code: number | null; output: string }> {
  // -e: the first failing line fails the walkthrough; the trap ends socat and a simulated
  // camera left in the background by a failed block.
  const wrapped = `set -e\ntrap 'kill $(jobs -p) 2>/dev/null || true' EXIT\n${script}`;
  const child = spawn('bash', ['-c', wrapped], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.setEncoding('utf8').on('data', (t: string) => (output += t));
  child.stderr.setEncoding('utf8').on('data', (t: string) => (output += t));
  return new Promise((resolve) => child.once('close', (code) => resolve({ code, output })));
}

describe("README's walkthroughs, run as written", function () {
  const walkthroughs = readmeWalkthroughs(fs.readFileSync(path.join(projectRoot, 'README.md'), 'utf8'));
  let dir: string;
  let env: NodeJS.ProcessEnv;

  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'chaincam-readme-'));
    const bin = path.join(dir, '.bin');
    fs.mkdirSync(bin);
    const npx = spawnSync('bash', ['-c', 'command -v npx'], { encoding: 'utf8' }).stdout.trim();
    fs.writeFileSync(path.join(bin, 'npx'), `#!/bin/sh\nif [ "$1" = chaincam ]; then shift; exec "${process.execPath}" "${path.join(projectRoot, 'bin/chaincam.js')}" "$@"; fi\nexec "${npx}" "$@"\n`, { mode: 0o755 });
    env = { ...process.env, PATH: `${bin}:${process.env.PATH}` };
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('README has the record, dock and bench walkthroughs', () => {
    assert.deepEqual(walkthroughs.map((w) => w.name), ['record', 'dock', 'bench']);
  });

  const expected: Record<string, RegExp[]> = {
    record: [/provisioned .*flash: camera [0-9a-f]{32}; 1 dock\(s\) enrolled/, /VERIFIED: every link, signature and segment digest checks out/, /exported out\/flash-export\/r000001\.avi/],
    dock: [/offloaded: 3 segments stored, 3 released/, /VERIFIED: the signed log, every row, every camera chain, signature and stored segment check out/, /exported out\/store-export\/[0-9a-f]{32}\/r000001\.avi/],
    bench: [/provisioned camera [0-9a-f]{32}|camera [0-9a-f]{32} provisioned/i, /PASS/],
  };
  for (const name of ['record', 'dock', 'bench']) {
    it(`${name}: every line succeeds and says what README says it does`, async () => {
      const walkthrough = walkthroughs.find((w) => w.name === name);
      assert.ok(walkthrough, `README has a ${name} walkthrough`);
      const { code, output } = await run(walkthrough.script, dir, env);
      assert.equal(code, 0, output.slice(-4000));
      for (const pattern of expected[name]!) assert.match(output, pattern);
      assert.doesNotMatch(output, /\bFAIL\b/, output.slice(-4000));
    });
  }

  it("leaves nothing in the folder that the repository's .gitignore would let be committed", () => {
    // README's examples run in the repository folder: their keys, flash, store and pty links must never be committed.
    const made = fs.readdirSync(dir).filter((name) => name !== '.bin');
    assert.ok(made.length >= 7, made.join(', '));
    const ignored = spawnSync('git', ['check-ignore', '--no-index', '--stdin'], { cwd: projectRoot, input: made.map((n) => (fs.statSync(path.join(dir, n)).isDirectory() ? `${n}/` : n)).join('\n'), encoding: 'utf8' });
    const kept = new Set(ignored.stdout.split('\n').map((n) => n.replace(/\/$/, '')).filter(Boolean));
    assert.deepEqual(made.filter((n) => !kept.has(n)), [], `not in .gitignore: ${ignored.stderr}`);
  });

  it('leaves the files README says, and the store export plays', () => {
    for (const file of ['keys/agency.key', 'dock.key', 'bench.key', 'flash', 'store/evidence.sqlite', 'bench-camera', 'out/bench']) assert.ok(fs.existsSync(path.join(dir, file)), file);
    const camera = fs.readdirSync(path.join(dir, 'out/store-export')).find((name) => /^[0-9a-f]{32}$/.test(name));
    const avi = path.join(dir, 'out/store-export', camera!, 'r000001.avi');
    const probe = spawnSync('ffprobe', ['-v', 'error', '-count_frames', '-show_entries', 'stream=codec_name,nb_read_frames', '-of', 'csv=p=0', avi], { encoding: 'utf8' });
    assert.deepEqual(probe.stdout.trim().split('\n'), ['mjpeg,150', 'pcm_s16le,300'], probe.stderr);
  });
});
