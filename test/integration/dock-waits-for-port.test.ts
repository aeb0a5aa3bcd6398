// `chaincam dock` on a port that is not there yet (a camera's USB port appears when it is
// plugged in) waits for it instead of exiting; with --once it says what is wrong and exits.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { projectRoot } from '../../host-tools/sim/project-root.js';
import { ptyPair, type PtyPair } from '../support/pty-pair.js';
import { HANG_STOP_MS } from '../support/hang-stop.js';
import { LogWatch } from '../support/log-watch.js';

describe('chaincam dock and a port that is not there yet', function () {
  let dir: string;
  let pair: PtyPair | undefined;
  beforeEach(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'chaincam-dock-wait-')); });
  afterEach(async () => {
    await pair?.close();
    pair = undefined;
    fs.rmSync(dir, { recursive: true, force: true });
  });
  const args = (...more: string[]) => [path.join(projectRoot, 'bin/chaincam.js'), 'dock', '--port', path.join(dir, 'dock'), '--store', path.join(dir, 'store'), '--key', path.join(dir, 'dock.key'), '--new-key', ...more];

  it('without --once: waits, and takes the port when it appears', async () => {
    const dock = spawn(process.execPath, args(), { cwd: projectRoot, stdio: ['ignore', 'pipe', 'pipe'] });
    const out = new LogWatch();
    dock.stdout.on('data', out.write);
    dock.stderr.on('data', out.write);
    const exited = new Promise<string>((resolve) => dock.once('exit', (code) => resolve(`the dock exited (${code})`)));
    // The line itself, or the dock's exit: events, not a deadline.
    const until = async (pattern: RegExp) => assert.match(await Promise.race([out.until(pattern), exited]), pattern, out.text);
    try {
      await until(/waiting for .*dock to appear \(plug in the camera\)/);
      pair = await ptyPair(dir);
      await until(/dock is there; waiting for a camera/);
      assert.equal(dock.exitCode, null, 'still running');
    } finally {
      dock.kill('SIGTERM');
      await exited;
    }
  });

  it('with --once: exits 1 saying the port cannot be opened', () => {
    const result = spawnSync(process.execPath, args('--once'), { cwd: projectRoot, encoding: 'utf8', timeout: HANG_STOP_MS });
    assert.equal(result.status, 1, result.stdout + result.stderr);
    assert.match(result.stderr, /cannot open dock port .*dock/);
  });
});
