import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import path from 'node:path';
import { projectRoot } from '../../host-tools/sim/project-root.js';
import { ptyPair } from '../support/pty-pair.js';
import { HANG_STOP_MS } from '../support/hang-stop.js';
import { LogWatch } from '../support/log-watch.js';

function chaincam(...args: string[]) {
  return spawnSync(process.execPath, [path.join(projectRoot, 'bin/chaincam.js'), ...args], { encoding: 'utf8', timeout: HANG_STOP_MS });
}

describe('chaincam sim (the command a developer runs)', () => {
  it('runs the firmware for 5 virtual seconds, prints the recording lamp and tones with virtual time, exits 0', () => {
    const run = chaincam('sim', '--seconds', '5');
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stdout, /chaincam sim: LILYGO T-Camera Plus S3 \(esp32\/lilygo_t_camera_plus_s3\) for 5 s of virtual time/);
    // Ready after the ST7789's datasheet waits (241 ms) and the firmware's own boot work at the
    // ESP32-S3's rate; the ready pattern's steps then keep their exact period.
    const ready = Number(/(\d+\.\d{3}) s {2}trace {4}chaincam: LILYGO T-Camera Plus S3 ready/.exec(run.stdout)?.[1]);
    assert.ok(ready >= 0.241 && ready < 2, `ready at ${ready} s`);
    // The LILYGO's light is the lamp strip on its sign: the self-test's blink, then the ready pattern.
    const lampTimes = [...run.stdout.matchAll(/(\d+\.\d{3}) s {2}lamp {5}(lit|dark)/g)].map((m) => Number(m[1]));
    const blink = lampTimes.slice(2);
    const first = blink[0]!;
    // A step may come a few milliseconds late when the CPU is busy at its instant (a sign redraw; the
    // LILYGO's light is itself a draw: the strip's 5,760 bytes through the ST7789 driver).
    const offsets = blink.map((t) => t - first);
    assert.equal(offsets.length, 6, `six LED changes: ${offsets}`);
    [0, 0.1, 2, 2.1, 4, 4.1].forEach((due, i) => assert.ok(offsets[i]! >= due - 0.0005 && offsets[i]! <= due + 0.010, `LED change ${i} at +${offsets[i]!.toFixed(3)} s, due +${due} s`));
    assert.match(run.stdout, /0\.\d{3} s  speaker  2000 Hz/);
    const signTimes = [...run.stdout.matchAll(/(\d+\.\d{3}) s {2}sign {5}updated/g)].map((m) => Number(m[1]));
    assert.ok(signTimes.some((t) => t >= 0.241 && t <= ready), 'the ready screen is drawn once the panel is up, before ready');
    assert.match(run.stdout, /done: 5 s of virtual time in [\d.]+ s; \d+ indicator changes; [\d,]+ computrons/);
  });

  it('exits non-zero with the firmware error, its module and line, when the firmware throws', () => {
    const run = chaincam('sim', '--seconds', '5', '--main', 'test/fixtures/firmware/timer-throws');
    assert.equal(run.status, 3);
    assert.match(run.stderr, /firmware fault in test\/fixtures\/firmware\/timer-throws\.ts:7 at 3\.000 s \(uncaught exception\): RangeError: tick 3 out of range/);
  });

  it('rejects a bad argument with a usage error, not a stack trace', () => {
    const run = chaincam('sim', '--seconds', 'soon');
    assert.notEqual(run.status, 0);
    assert.match(run.stderr, /expected a number of seconds/);
    assert.doesNotMatch(run.stderr, /at .*\.ts:\d+/);
  });

  it('with --serial, says what to do about a malformed --capture', () => {
    const capture = chaincam('sim', '--serial', '/tmp/none', '--capture', '160x120');
    assert.notEqual(capture.status, 0);
    assert.match(capture.stderr, /expected WIDTHxHEIGHT@FPS, e\.g\. 160x120@1/);
  });

  it('ends `sim --serial` saying what to do when its pty goes away (a pulled cable), instead of crashing or running blind', async () => {
    const pair = await ptyPair();
    // A day of virtual time: the camera never ends on its own before the pull, however slow the host.
    const sim = spawn(process.execPath, [path.join(projectRoot, 'bin/chaincam.js'), 'sim', '--serial', pair.camera, '--seconds', '86400', '--quiet'], { stdio: ['ignore', 'pipe', 'pipe'] });
    const stdout = new LogWatch();
    let stderr = '';
    sim.stdout.setEncoding('utf8').on('data', stdout.write);
    sim.stderr.setEncoding('utf8').on('data', (text: string) => (stderr += text));
    const exited = new Promise<number | null>((resolve) => sim.once('exit', resolve));
    try {
      // Events, not a clock: the bridge's line (or the exit), then the exit after the pull.
      const bridged = await Promise.race([stdout.until(/serial: UART bridged to /), exited.then((code) => `exited ${code}`)]);
      assert.match(bridged, /serial: UART bridged to /, stderr);
      await pair.close();
      const code = await exited;
      assert.equal(code, 1, stderr);
      assert.match(stderr, /went away under the simulated UART .*: the camera is unplugged; bridge it to a new device/);
      assert.doesNotMatch(stderr, /at .*\.ts:\d+/);
    } finally {
      sim.kill();
      await pair.close();
    }
  });

  it("presses the camera's button from `sim --serial`'s terminal: a long press starts a recording, a hold stops it, q quits", async function () {
    const pair = await ptyPair();
    const sim = spawn(process.execPath, [path.join(projectRoot, 'bin/chaincam.js'), 'sim', '--serial', pair.camera, '--seconds', '86400', '--speed', '5'], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    sim.stdout.setEncoding('utf8').on('data', (text: string) => (stdout += text));
    sim.stderr.setEncoding('utf8').on('data', (text: string) => (stderr += text));
    if (process.env.DEBUG_SIM) { sim.stdout.on('data', (d) => process.stderr.write(d)); sim.stderr.on('data', (d) => process.stderr.write(d)); }
    const exited = new Promise<number | null>((resolve) => sim.once('exit', resolve));
    // Waits for what the camera prints (an event, not a clock); mocha's timeout ends a run that hangs.
    const printed = (pattern: RegExp, from = 0): Promise<number> => new Promise((resolve, reject) => {
      const look = () => {
        const at = stdout.slice(from).search(pattern);
        if (at < 0) return;
        sim.stdout.off('data', look);
        resolve(from + at);
      };
      sim.stdout.on('data', look);
      sim.once('exit', () => reject(new Error(`exited without printing ${pattern}: ${stdout.slice(-2000)}${stderr}`)));
      look();
    });
    try {
      await printed(/button: keys: b short press, l long press \(1\.5 s\), h hold \(3\.5 s: stops a recording\), q quit/);
      sim.stdin.write('l');
      const pressed = await printed(/button {3}long press \(1\.5 s\) \(key\)/);
      const started = await printed(/speaker {2}880 Hz/, pressed);
      sim.stdin.write('h');
      const held = await printed(/button {3}hold \(3\.5 s: stops a recording\) \(key\)/, started);
      await printed(/speaker {2}1320 Hz[\s\S]*speaker {2}880 Hz/, held);
      sim.stdin.write('q');
      assert.equal(await exited, 0, stderr);
      assert.match(stdout, /done: [\d.]+ s of virtual time/);
    } finally {
      sim.kill();
      await pair.close();
    }
  });
});
