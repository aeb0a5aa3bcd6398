// `chaincam bench --port` as a bench tester runs it: firmware/main on the simulated board,
// bridged to a real pty pair (socat) at 100 times real time, the bench command on the other end
// authenticating with its enrolled key and measuring from the camera's indicator journal.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { toHex } from '../../firmware/format/bytes.js';
import { generateP256KeyPair } from '../../firmware/format/key-derivation.js';
import { runPortBench } from '../../host-tools/bench/port-bench.js';
import { createDockKeyFile } from '../../host-tools/dock/dock-key.js';
import { SimulatedBoard } from '../../host-tools/sim/board.js';
import { projectRoot } from '../../host-tools/sim/project-root.js';
import { SerialBridge } from '../../host-tools/sim/serial-bridge.js';
import { bootBenchBoard, type BenchBoard } from '../support/bench-board.js';
import { hostPort } from '../support/dock-harness.js';
import { ptyPair, type PtyPair } from '../support/pty-pair.js';

interface BenchReport {
  passed: boolean;
  measuredBy: string;
  deviceId: string;
  requirements: { id: string; pass: boolean | null; measured: string; why: string }[];
  files: string[];
}

/** Runs the real CLI without blocking this process, whose event loop drives the bridge. */
function chaincam(args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(projectRoot, 'bin/chaincam.js'), ...args], { cwd: projectRoot });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

describe('chaincam bench --port (a camera over its dock link, on a real pty)', function () {
  let camera: BenchBoard | undefined;
  let board: SimulatedBoard | undefined;
  let pair: PtyPair | undefined;
  let bridge: SerialBridge | undefined;
  let out: string;
  beforeEach(() => { out = fs.mkdtempSync(path.join(os.tmpdir(), 'chaincam-bench-out-')); });
  afterEach(async () => {
    await bridge?.close();
    await camera?.close();
    await board?.close();
    await pair?.close();
    bridge = camera = board = pair = undefined;
    fs.rmSync(out, { recursive: true, force: true });
  });

  async function bridged(b: SimulatedBoard): Promise<string> {
    pair = await ptyPair();
    // Up to 100 times real time, but never more than 3 s of the camera's clock past the bench's
    // last request: however the host stalls the bench, the camera waits for it, so neither its
    // 30 s session idle timeout nor its 256-entry journal ring can run out before the bench reads.
    bridge = await SerialBridge.open({ board: b, path: pair.camera, speed: 100, hostLeadMs: 3000 });
    bridge.start();
    return pair.dock;
  }

  it('benches firmware/main: every measurable requirement passes, as the camera reports it, with pictures', async () => {
    camera = await bootBenchBoard();
    const port = await bridged(camera.board);
    const run = await chaincam(['bench', '--port', port, '--dock-key', camera.keyFile, '--json', '--reminder-minutes', '4', '--out', out]);
    assert.equal(run.status, 0, run.stderr + run.stdout);
    const report = JSON.parse(run.stdout) as BenchReport;
    assert.equal(report.passed, true);
    const byId = Object.fromEntries(report.requirements.map((r) => [r.id, r]));
    for (const id of ['selftest.led', 'selftest.tone', 'selftest.sign', 'selftest.clean', 'start.grounds', 'start.led', 'start.tone', 'start.sign', 'start.sign-content', 'stop.tone', 'stop.sign', 'reminder.interval', 'emergency.deadline']) {
      assert.equal(byId[id]?.pass, true, `${id}: ${byId[id]?.measured}`);
    }
    assert.match(byId['start.tone']!.why, /as the camera's drivers report/);
    // Timers fire when the camera's CPU is free (the CPU model): a reminder may come a few ms late, never early.
    const reminders = /^2 reminders, intervals (\d+)-(\d+) ms, first at \+(\d+) ms/.exec(byId['reminder.interval']!.measured);
    assert.ok(reminders, byId['reminder.interval']!.measured);
    for (const [figure, due] of [[reminders[1], 120_000], [reminders[2], 120_000], [reminders[3], 120_000]] as const) {
      assert.ok(Number(figure) - due >= -100 && Number(figure) - due <= 100, `${byId['reminder.interval']!.measured}: within 100 ms of every 2 minutes`);
    }
    const deadline = /^ground-unconfirmed at \+(\d+) ms/.exec(byId['emergency.deadline']!.measured);
    assert.ok(deadline && Number(deadline[1]) >= 30_000 && Number(deadline[1]) <= 30_100, byId['emergency.deadline']!.measured);
    for (const id of ['fail.led', 'fail.tone', 'fail.sign']) {
      assert.equal(byId[id]!.pass, null, `${id} cannot be injected over the link`);
      assert.match(byId[id]!.why, /by hand: /);
    }
    assert.match(run.stderr, /camera clock: \d+ s of a 240 s wait/, 'progress during the reminder wait');
    for (const name of ['timeline-start-stop.png', 'timeline-reminders.png', 'sign-ready.png', 'sign-recording-ground-9.png', 'sign-emergency-unconfirmed.png']) {
      const file = report.files.find((f) => f.endsWith(path.join('lilygo_t_camera_plus_s3', name)));
      assert.ok(file, name);
      assert.deepEqual([...fs.readFileSync(file!).subarray(1, 4)], [0x50, 0x4e, 0x47], `${name} is a PNG`);
    }
  });

  it('exits 1 naming the failed requirements when the camera\'s buzzer is dead', async () => {
    // The XIAO's PWM buzzer throws at each tone, so the journal flags every tone; the LILYGO's I2S
    // speaker reports a stalled output after the write (notice-failures.test.ts).
    camera = await bootBenchBoard({ target: 'xiao_esp32s3_sense', prepare: (b) => b.injectSoundFault() });
    const port = await bridged(camera.board);
    const run = await chaincam(['bench', '--port', port, '--dock-key', camera.keyFile, '--reminder-minutes', '4', '--out', out]);
    assert.equal(run.status, 1, run.stderr + run.stdout);
    assert.match(run.stdout, /FAILED: selftest\.tone, selftest\.clean, start\.tone, stop\.tone, reminder\.interval \(3 not measurable over the dock link\)/, run.stderr + run.stdout);
    assert.match(run.stdout, /buzzer failed \(notice reason 1\), as the camera reports/);
  });

  it('says what to do when the port is missing, the key is not enrolled, or the firmware has no bench handler', async () => {
    const missing = await chaincam(['bench', '--port', path.join(out, 'no-such-port'), '--dock-key', path.join(out, 'k.key'), '--new-key']);
    assert.equal(missing.status, 1);
    assert.match(missing.stderr, /bench key .*k\.key created; enrol this public key/);
    assert.match(missing.stderr, /chaincam: cannot open bench port .*no-such-port: .*is the camera's USB cable plugged in\?/);
    assert.doesNotMatch(missing.stderr, /\n\s+at /, 'no stack trace');

    camera = await bootBenchBoard();
    const port = await bridged(camera.board);
    const stranger = path.join(out, 'stranger.key');
    createDockKeyFile(hostPort, stranger);
    await assert.rejects(runPortBench({ path: port, baud: 2_000_000, dockKey: stranger }),
      /this dock key is not enrolled on the camera\. Enrol .*stranger\.key on the camera as a dock is enrolled \(chaincam provision --dock-key .*stranger\.key\)/);
    await bridge!.close();
    await camera.close();
    await pair!.close();
    camera = undefined;

    // A camera whose firmware answers the dock link but has no bench handler (echo only).
    board = await SimulatedBoard.boot({ main: 'test/fixtures/firmware/dock-camera' });
    const key = path.join(out, 'dock.key');
    const dock = createDockKeyFile(hostPort, key);
    await board.command('provision', { cameraPrivateKey: toHex(generateP256KeyPair(hostPort).privateKey), enrolledDocks: [toHex(dock.publicKey)] });
    const plain = await bridged(board);
    await assert.rejects(runPortBench({ path: plain, baud: 2_000_000, dockKey: key }),
      /the camera's firmware has no bench handler for status \(bench command 2 is unknown to it\); flash a chaincam firmware with the indicator journal/);
  });

  it('stops on an interrupt (Ctrl-C) in the middle of a recording and leaves the camera ready', async () => {
    camera = await bootBenchBoard();
    const port = await bridged(camera.board);
    const interrupt = new AbortController();
    const run = runPortBench({ path: port, baud: 2_000_000, dockKey: camera.keyFile, reminderMinutes: 4, signal: interrupt.signal, progress: () => interrupt.abort() });
    await assert.rejects(run, /bench interrupted; the recording it had started was stopped and the camera is ready again/);
    const events = camera.board.traces.filter((l) => l.text.startsWith('event ')).map((l) => JSON.parse(l.text.slice(6)) as { type: string });
    const starts = events.filter((e) => e.type === 'recording-start').length;
    assert.ok(starts >= 10, `interrupted during the reminder recording (after ${starts} starts)`);
    assert.equal(events.filter((e) => e.type === 'recording-stop').length, starts, 'every recording the bench started was stopped');
  });
});
