import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { IDENTITY_FILE, DOCKS_FILE } from '../../firmware/format/provisioning-layout.js';
import { projectRoot } from '../../host-tools/sim/project-root.js';
import { ptyPair, type PtyPair } from '../support/pty-pair.js';
import { HANG_STOP_MS } from '../support/hang-stop.js';
import { LogWatch } from '../support/log-watch.js';

const CLI = path.join(projectRoot, 'bin/chaincam.js');
const chaincam = (...args: string[]) => spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: HANG_STOP_MS });

// The equipment room's step after flashing, end to end: `chaincam sim --serial` plays a freshly
// flashed camera (empty flash) on one end of a real pty pair, `chaincam provision --port` runs
// on the other, then `chaincam dock --once` offloads it with the dock key it enrolled.
describe('chaincam provision --port (a camera over its dock link)', function () {
  let work: string;
  let pair: PtyPair | undefined;
  let sim: ChildProcess | undefined;
  beforeEach(() => { work = fs.mkdtempSync(path.join(os.tmpdir(), 'chaincam-provision-')); });
  afterEach(async () => {
    sim?.kill('SIGINT');
    if (sim && sim.exitCode === null) await new Promise((resolve) => sim!.once('exit', resolve));
    await pair?.close();
    fs.rmSync(work, { recursive: true, force: true });
  });

  async function freshCamera(flash: string): Promise<string[]> {
    pair = await ptyPair();
    const output = new LogWatch();
    // The camera runs until afterEach stops it: a day of virtual time is no limit a slow host meets.
    sim = spawn(process.execPath, [CLI, 'sim', '--serial', pair.camera, '--storage', flash, '--seconds', '86400', '--quiet'], { stdio: ['ignore', 'pipe', 'pipe'] });
    sim.stdout!.setEncoding('utf8').on('data', output.write);
    sim.stderr!.setEncoding('utf8').on('data', output.write);
    const exited = new Promise<string>((resolve) => sim!.once('exit', (code) => resolve(`sim exited (${code}) before bridging its UART`)));
    const bridged = await Promise.race([output.until(/serial: UART bridged/), exited]);
    assert.match(bridged, /serial: UART bridged/, output.text);
    assert.ok(output.has(/is not provisioned; waiting for "chaincam provision --port"/), output.text);
    return output.lines;
  }

  it('provisions a fresh camera, which a dock with the enrolled key then offloads; a second run is refused', async () => {
    const keys = path.join(work, 'keys');
    const flash = path.join(work, 'flash');
    const dockKey = path.join(work, 'dock.key');
    assert.equal(chaincam('keys', 'init', '--dir', keys).status, 0);
    const made = chaincam('dock', '--key', dockKey, '--new-key', '--port', '/nonexistent', '--store', path.join(work, 'unused'), '--once');
    assert.ok(fs.existsSync(dockKey), made.stderr);
    const simLines = await freshCamera(flash);

    const run = chaincam('provision', '--port', pair!.dock, '--keys', keys, '--dock-key', dockKey, '--label', 'unit 7');
    assert.equal(run.status, 0, `${run.stderr}\n${simLines.join('\n')}`);
    const [, deviceId] = /provisioned camera ([0-9a-f]{32}) on .*never left it; public key in (.*); 1 dock\(s\) enrolled/.exec(run.stdout) ?? [];
    assert.ok(deviceId, run.stdout);
    const record = JSON.parse(fs.readFileSync(path.join(keys, 'cameras', `${deviceId}.pub`), 'utf8'));
    assert.equal(record.deviceId, deviceId);
    assert.equal(record.label, 'unit 7');
    assert.equal(record.privateKey, undefined, 'the host never holds the camera\'s private key');
    assert.equal(fs.readFileSync(path.join(flash, IDENTITY_FILE)).subarray(32, 97).toString('hex'), record.publicKey);
    assert.ok(fs.existsSync(path.join(flash, DOCKS_FILE)));

    const again = chaincam('provision', '--port', pair!.dock, '--keys', keys, '--dock-key', dockKey);
    assert.equal(again.status, 1);
    assert.match(again.stderr, new RegExp(`camera ${deviceId} .*is already provisioned; chaincam never re-keys a camera over its link`));

    const dock = chaincam('dock', '--port', pair!.dock, '--store', path.join(work, 'store'), '--key', dockKey, '--once', '--cameras', path.join(keys, 'cameras'));
    assert.equal(dock.status, 0, dock.stderr + dock.stdout);
    assert.match(dock.stdout + dock.stderr, new RegExp(`camera ${deviceId} .*authenticated`));
  });

  it('says what is wrong when there is no camera, or no dock to enrol', async () => {
    const keys = path.join(work, 'keys');
    assert.equal(chaincam('keys', 'init', '--dir', keys).status, 0);
    const notDockKey = chaincam('provision', '--port', path.join(work, 'no-such-tty'), '--keys', keys, '--dock-key', path.join(keys, 'agency.pub'));
    assert.match(notDockKey.stderr, /agency\.pub is not a chaincam dock key/);
    const dockKey = path.join(work, 'dock.key');
    chaincam('dock', '--key', dockKey, '--new-key', '--port', '/nonexistent', '--store', path.join(work, 'unused'), '--once');
    const missing = chaincam('provision', '--port', path.join(work, 'no-such-tty'), '--keys', keys, '--dock-key', dockKey);
    assert.equal(missing.status, 1);
    assert.match(missing.stderr, /cannot open .*no-such-tty: .*is the camera's USB cable plugged in/);
    const both = chaincam('provision', '--port', 'x', '--storage', 'y', '--keys', keys);
    assert.match(both.stderr, /not both/);
    await freshCamera(path.join(work, 'flash'));
    const none = chaincam('provision', '--port', pair!.dock, '--keys', keys);
    assert.equal(none.status, 1);
    assert.match(none.stderr, /enrol at least one dock \(--dock-key\)/);
  });
});
