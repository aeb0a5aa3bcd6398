import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runShift, shiftPaths } from '../../host-tools/scenario/shift-runner.js';
import { readScenario, parseScenario } from '../../host-tools/scenario/scenario-file.js';
import { checkSidecarProof } from '../support/sidecar-proof.js';
import { projectRoot } from '../../host-tools/sim/project-root.js';
import { EvidenceStore } from '../../host-tools/store/evidence-store.js';
import { HANG_STOP_MS } from '../support/hang-stop.js';

const chaincam = (...args: string[]) => spawnSync(process.execPath, [path.join(projectRoot, 'bin/chaincam.js'), ...args], { encoding: 'utf8', timeout: HANG_STOP_MS });

describe('the main job: a shift recorded, docked, stored, verified and exported', function () {

  // How long it takes is the host's business, not this test's (README's ~40 s is a figure, not a limit).
  it('npm start\'s default shift runs end to end and the store verifies', () => {
    const data = fs.mkdtempSync(path.join(os.tmpdir(), 'chaincam-shift-'));
    const run = chaincam('sim', '--scenario', path.join(projectRoot, 'scenarios/default-shift.json'), '--data', data);
    assert.equal(run.status, 0, run.stdout.slice(-3000) + run.stderr);
    const out = run.stdout;
    assert.match(out, /recording-start: recording 1, ground 1 \(Arrest\/detention\)/);
    assert.match(out, /notice {2}LED blinking, tones 880→1320 Hz, sign says 녹화 중 \/ RECORDING/);
    assert.match(out, /recording-start: recording 2, ground not yet confirmed, one-press emergency start/);
    assert.match(out, /ground-change: recording 2, 0 → ground 6/);
    assert.match(out, /POWER CUT/);
    assert.match(out, /recovery: recording 2 segment \d+ was open at the power cut/);
    assert.match(out, /offloaded: \d+ segments stored, \d+ released/);
    assert.match(out, /recording 2: ground 6 .*emergency start confirmed.*, 1 lost at a power cut \(on the record\)/);
    assert.match(out, /recording 1: .*; camera clock [\d.]+ s (ahead|behind), corrected at docking/);
    assert.match(out, /shift 1: recorded, docked, stored and VERIFIED/);
    const avi = out.match(/exported: (\S+\.avi)/)?.[1];
    assert.ok(avi && fs.existsSync(avi), 'an exported AVI');
    const probe = spawnSync('ffprobe', ['-v', 'error', '-show_entries', 'stream=codec_name', '-of', 'csv=p=0', avi!], { encoding: 'utf8' });
    assert.deepEqual(probe.stdout.trim().split('\n'), ['mjpeg', 'pcm_s16le']);
    assert.match(path.basename(avi!), /^r\d{6}\.avi$/, 'one file for the whole recording');
    const sidecar = JSON.parse(fs.readFileSync(avi!.replace(/\.avi$/, '.json'), 'utf8'));
    assert.ok(sidecar.segments.length > 1 && sidecar.segments.every((s: { inMedia: unknown }) => s.inMedia), 'every segment of the recording is in the file');
    assert.equal(sidecar.clock.corrected, true, 'the docking set the clock after the recording');
    checkSidecarProof(sidecar);
    for (const picture of ['shift-1-indicators.png', 'shift-1-sign-recording.png']) assert.ok(fs.existsSync(path.join(data, 'pictures', picture)), picture);
    const verify = chaincam('verify', path.join(data, 'store'));
    assert.equal(verify.status, 0, verify.stdout);
  });

  it('a second shift appends without touching the first; a broken stored segment is then reported', async () => {
    const data = fs.mkdtempSync(path.join(os.tmpdir(), 'chaincam-shift-'));
    const scenario = readScenario(path.join(projectRoot, 'test/fixtures/scenarios/short-shift.json'));
    const lines: string[] = [];
    const first = await runShift(scenario, data, (line) => lines.push(line));
    assert.equal(first.ok, true, lines.join('\n'));
    const paths = shiftPaths(data);
    const snapshot = (store = EvidenceStore.open(paths.store)) => {
      try {
        return store.segments().map((s) => `${s.recording}/${s.segmentIndex}/${s.sealedDigest}`);
      } finally {
        store.close();
      }
    };
    const afterFirst = snapshot();
    const second = await runShift(scenario, data, (line) => lines.push(line));
    assert.equal(second.ok, true, lines.join('\n'));
    assert.deepEqual(second.recordings, [first.recordings[0]! + 1], 'recording numbers continue across shifts');
    const afterSecond = snapshot();
    assert.deepEqual(afterSecond.slice(0, afterFirst.length), afterFirst, "the first shift's evidence is untouched");
    assert.ok(afterSecond.length > afterFirst.length);

    // Break one byte of a stored segment from the first shift; the third shift's verify says which.
    const store = EvidenceStore.open(paths.store);
    const victim = store.segments()[0]!;
    const file = store.objectPath(victim.sealedDigest);
    store.close();
    fs.chmodSync(file, 0o644);
    const bytes = fs.readFileSync(file);
    bytes[bytes.length >> 1] ^= 0x40;
    fs.writeFileSync(file, bytes);
    const third = await runShift(scenario, data, (line) => lines.push(line));
    assert.equal(third.ok, false);
    assert.match(third.problems.join('\n'), new RegExp(`segment ${victim.recording}/${victim.segmentIndex} of camera .* no longer matches its SHA-256`));
  });

  it('refuses a scenario with a mistake, naming the step', () => {
    assert.throws(() => parseScenario('{"name":"x","steps":[{"at":0,"do":"power-on"},{"at":1,"do":"record"}]}', 'bad.json'), /bad\.json: step 2: "record" needs a legal "ground" from 1 to 9/);
    assert.throws(() => parseScenario('{"name":"x","steps":[{"at":0,"do":"record","ground":1}]}', 'bad.json'), /step 1: "record" while the camera is off/);
    assert.throws(() => parseScenario('{"name":"x","steps":[{"at":5,"do":"power-on"},{"at":1,"do":"stop"}]}', 'bad.json'), /steps must be in time order/);
  });

  it('Ctrl-C mid-shift leaves no pty folder behind and says what is kept; the rerun is the next shift and reports the interrupted recording too', async function () {
    const data = fs.mkdtempSync(path.join(os.tmpdir(), 'chaincam-shift-'));
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'chaincam-tmp-'));
    const args = [path.join(projectRoot, 'bin/chaincam.js'), 'sim', '--scenario', path.join(projectRoot, 'test/fixtures/scenarios/short-shift.json'), '--data', data];
    const first = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, TMPDIR: tmp } });
    let out = '';
    first.stdout.setEncoding('utf8').on('data', (text: string) => {
      out += text;
      // Interrupt once the recording is on the camera, before the dock takes it.
      if (/officer holds the button 3 s to stop/.test(out) && first.exitCode === null && !first.killed) first.kill('SIGINT');
    });
    const code = await new Promise<number | null>((resolve) => first.once('exit', resolve));
    assert.equal(code, 130, out);
    assert.match(out, /interrupted \(Ctrl-C\): what the camera recorded stays on its flash and what the dock stored stays in the store/);
    assert.deepEqual(fs.readdirSync(tmp).filter((name) => name.startsWith('chaincam-')), [], 'no chaincam-pty-* folder left behind');

    const second = spawnSync(process.execPath, args, { encoding: 'utf8', timeout: HANG_STOP_MS });
    assert.equal(second.status, 0, second.stdout.slice(-3000) + second.stderr);
    assert.match(second.stdout, /shift 2 report/, 'the interrupted run keeps its number');
    assert.match(second.stdout, /recording 1 \(recorded in an earlier, interrupted run\): ground 2/);
    assert.match(second.stdout, /recording 2: ground 2/);
    assert.match(fs.readFileSync(path.join(data, 'shifts', 'shift-2', 'report.txt'), 'utf8'), /shift 2: recorded, docked, stored and VERIFIED/);
    const third = spawnSync(process.execPath, args, { encoding: 'utf8', timeout: HANG_STOP_MS });
    assert.match(third.stdout, /shift 3 report/);
    assert.doesNotMatch(third.stdout, /recording [12][: ]/, 'what shift 2 reported is not reported again');
    fs.rmSync(data, { recursive: true, force: true });
    fs.rmSync(tmp, { recursive: true, force: true });
  });
});
