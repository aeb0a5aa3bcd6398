import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, closeSync, constants, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { flashProblems } from '../../host-tools/flash/flash-checks.js';
import { flashTarget } from '../../host-tools/flash/flash-targets.js';
import { checkSerialPort } from '../../host-tools/flash/serial-port-check.js';
import { projectRoot } from '../../host-tools/sim/project-root.js';
import { runSubcommand } from '../support/run-subcommand.js';

const flash = (args: string[], env: NodeJS.ProcessEnv) => runSubcommand('host-tools/flash/flash-command.ts', 'registerFlashCommand', ['flash', ...args], env);

/** A pseudo-terminal nobody else holds open (python keeps only the master side). */
async function openPty(): Promise<{ path: string; child: ChildProcess }> {
  // It holds the master until after() kills it: no lifetime of its own that a slow run could outlast.
  const child = spawn('python3', ['-c', 'import os,pty,signal; m,s=pty.openpty(); print(os.ttyname(s), flush=True); os.close(s); signal.pause()'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const line = await new Promise<string>((resolve) => createInterface({ input: child.stdout! }).once('line', resolve));
  return { path: line.trim(), child };
}

/** A machine with a fake Moddable SDK and ESP-IDF whose mcconfig records how it was called. */
function fakeToolchain(dir: string): NodeJS.ProcessEnv {
  const moddable = path.join(dir, 'moddable');
  const idf = path.join(dir, 'esp-idf');
  const bin = path.join(dir, 'bin');
  for (const d of [path.join(moddable, 'tools'), idf, bin]) mkdirSync(d, { recursive: true });
  writeFileSync(path.join(moddable, 'tools/mcconfig.js'), '');
  writeFileSync(path.join(idf, 'export.sh'), '');
  writeFileSync(path.join(bin, 'mcconfig'), `#!/bin/sh\nprintf '%s\\n' "$PWD" "$UPLOAD_PORT" "$@" > "${path.join(dir, 'mcconfig.args')}"\n`);
  writeFileSync(path.join(bin, 'idf.py'), '#!/bin/sh\n');
  fakeTsc(bin, 'Version 5.9.3');
  chmodSync(path.join(bin, 'mcconfig'), 0o755);
  chmodSync(path.join(bin, 'idf.py'), 0o755);
  return { ...process.env, MODDABLE: moddable, IDF_PATH: idf, PATH: `${bin}${path.delimiter}${process.env.PATH}` };
}

/** A tsc that answers `tsc -v` as the given TypeScript would. */
function fakeTsc(bin: string, answer: string): void {
  writeFileSync(path.join(bin, 'tsc'), `#!/bin/sh\necho '${answer}'\n`);
  chmodSync(path.join(bin, 'tsc'), 0o755);
}

describe('chaincam flash (equipment room: build and flash a board)', () => {
  let dir: string;
  let pty: { path: string; child: ChildProcess };
  const bare: NodeJS.ProcessEnv = { PATH: '/usr/bin:/bin', HOME: os.homedir() };

  before(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'chaincam-flash-'));
    pty = await openPty();
  });
  after(() => {
    pty.child.kill();
    rmSync(dir, { recursive: true, force: true });
  });

  describe('--dry-run prints the exact mcconfig command for each board', () => {
    const manifest = path.join(projectRoot, 'manifest.json');
    for (const [board, platform] of [
      ['lilygo_t_camera_plus_s3', 'esp32/lilygo_t_camera_plus_s3'],
      ['xiao_esp32s3_sense', 'esp32/xiao_esp32s3_sense'],
      ['esp32cam', `esp32:${path.join(projectRoot, 'targets/esp32cam')}`],
    ]) {
      it(`${board}: release and debug`, () => {
        const release = flash(['--board', board!, '--port', '/dev/ttyUSB0', '--dry-run'], bare);
        assert.equal(release.status, 0, release.stderr);
        assert.equal(release.stdout, `cd ${projectRoot} && UPLOAD_PORT=/dev/ttyUSB0 mcconfig -m -p ${platform} ${manifest}\n`);
        const debug = flash(['--board', board!, '--port', '/dev/ttyACM0', '--debug', '--dry-run'], bare);
        assert.equal(debug.stdout, `cd ${projectRoot} && UPLOAD_PORT=/dev/ttyACM0 mcconfig -d -m -p ${platform} ${manifest}\n`);
        // On a machine without the toolchain the dry run still says what is missing.
        assert.match(debug.stderr, /MODDABLE is not set/);
      });
    }
  });

  it('names every missing piece and how to fix it, and runs nothing', () => {
    const run = flash(['--board', 'xiao_esp32s3_sense', '--port', path.join(dir, 'ttyNOPE')], bare);
    assert.equal(run.status, 1);
    assert.equal(run.stdout, '');
    const expected = [
      /MODDABLE is not set: install the Moddable SDK .* "export MODDABLE=/,
      /mcconfig is not on PATH: .*export PATH=\$MODDABLE\/build\/bin\/lin\/release:\$PATH/,
      /IDF_PATH is not set: install ESP-IDF v6\.0/,
      /idf\.py is not on PATH: ESP-IDF's environment is not loaded in this shell; run "source \$IDF_PATH\/export\.sh"/,
      /serial port .*ttyNOPE does not exist: plug the board in/,
      // mcconfig runs tsc from PATH; the fix is the project's pinned one.
      new RegExp(`tsc is not on PATH: mcconfig compiles the firmware's TypeScript with it; run "export PATH=${projectRoot}/node_modules/.bin:\\$PATH" \\(after "npm ci" in ${projectRoot}\\) to use the project's TypeScript \\d+\\.\\d+\\.\\d+`),
    ];
    for (const pattern of expected) assert.match(run.stderr, pattern);
    assert.doesNotMatch(run.stderr, /at .*\.ts:\d+/);
  });

  it('checks that tsc on PATH is a TypeScript that accepts the lib/target mcconfig gives it', () => {
    const env = fakeToolchain(path.join(dir, 'tsc'));
    const bin = path.join(dir, 'tsc/bin');
    const tscProblems = (root = projectRoot) => flashProblems(flashTarget('xiao_esp32s3_sense'), pty.path, { env, root }).filter((p) => p.startsWith('tsc '));
    assert.deepEqual(tscProblems(), [], 'TypeScript 5.9.3 accepts the manifest\'s es2024');
    // 5.6 knows no es2024: every module would fail with TS6046.
    fakeTsc(bin, 'Version 5.6.3');
    assert.deepEqual(tscProblems(), [`tsc at ${bin}/tsc is TypeScript 5.6.3, which rejects the "es2024" lib/target mcconfig passes it for manifest.json (error TS6046 in every module): TypeScript 5.7.0 or later is needed; run "export PATH=${projectRoot}/node_modules/.bin:$PATH" (after "npm ci" in ${projectRoot}) to use the project's TypeScript 5.9.3`]);
    // A manifest that leaves lib/target to mcconfig gets es2025, which needs TypeScript 6.
    const bareApp = path.join(dir, 'tsc/app');
    mkdirSync(bareApp, { recursive: true });
    writeFileSync(path.join(bareApp, 'manifest.json'), JSON.stringify({ typescript: { tsconfig: { compilerOptions: { strict: true } } } }));
    writeFileSync(path.join(bareApp, 'package.json'), JSON.stringify({ dependencies: { typescript: '6.0.3' } }));
    fakeTsc(bin, 'Version 5.9.3');
    assert.match(tscProblems(bareApp)[0]!, /TypeScript 5\.9\.3, which rejects the "es2025" lib\/target .*TypeScript 6\.0\.0 or later is needed; .*the project's TypeScript 6\.0\.3/);
    fakeTsc(bin, 'Version 6.0.3');
    assert.deepEqual(tscProblems(bareApp), []);
    fakeTsc(bin, 'command not found');
    assert.match(tscProblems()[0]!, /tsc at .*\/tsc did not report its version \("tsc -v" printed "command not found"\)/);
  });

  it('rejects a board it does not support, listing the ones it does', () => {
    const run = flash(['--board', 'm5stack', '--port', pty.path, '--dry-run'], bare);
    assert.equal(run.status, 1);
    assert.match(run.stderr, /"m5stack" is not a board chaincam can flash; use --board with one of: lilygo_t_camera_plus_s3, xiao_esp32s3_sense, esp32cam/);
  });

  it('says which SDK path is wrong when MODDABLE or IDF_PATH point at the wrong place', () => {
    const env = { ...fakeToolchain(path.join(dir, 'wrong')), MODDABLE: path.join(dir, 'wrong/nowhere'), IDF_PATH: projectRoot };
    const problems = flashProblems(flashTarget('xiao_esp32s3_sense'), pty.path, { env, root: projectRoot });
    assert.deepEqual(problems.map((p) => p.split(':')[0]), [`MODDABLE is ${path.join(dir, 'wrong/nowhere')}, which is not a directory`, `IDF_PATH is ${projectRoot}, which is not an ESP-IDF checkout (no export.sh there)`]);
  });

  it('refuses a port another program holds, naming it', async () => {
    // The port is open before sleep runs (its stdin), and 'spawn' comes after the exec: no wait on a clock.
    const fd = openSync(pty.path, constants.O_RDONLY | constants.O_NOCTTY);
    const holder = spawn('sleep', ['86400'], { stdio: [fd, 'ignore', 'ignore'] });
    try {
      await once(holder, 'spawn');
      closeSync(fd);
      const [problem] = checkSerialPort(pty.path);
      assert.match(problem!, new RegExp(`serial port ${pty.path} is in use by sleep \\(pid ${holder.pid}\\): close that program`));
    } finally {
      const exited = holder.exitCode === null && holder.signalCode === null ? once(holder, 'exit') : undefined;
      holder.kill();
      await exited;
    }
    assert.deepEqual(checkSerialPort(pty.path), []);
    assert.match(checkSerialPort(projectRoot)[0]!, /is not a serial device \(it is a directory\)/);
  });

  it('runs mcconfig with the board, our manifest and UPLOAD_PORT when everything is there', () => {
    const env = fakeToolchain(path.join(dir, 'ok'));
    const run = flash(['--board', 'lilygo_t_camera_plus_s3', '--port', pty.path, '--debug'], env);
    assert.equal(run.status, 0, run.stderr);
    const [cwd, port, ...args] = readFileSync(path.join(dir, 'ok/mcconfig.args'), 'utf8').trim().split('\n');
    assert.equal(cwd, projectRoot);
    assert.equal(port, pty.path);
    assert.deepEqual(args, ['-d', '-m', '-p', 'esp32/lilygo_t_camera_plus_s3', path.join(projectRoot, 'manifest.json')]);
    assert.match(run.stdout, /flashed\. mcconfig has started xsbug .* A new camera must be provisioned from a release build: chaincam provision --port /);
  });

  it('offers provisioning after a release build, and with --keys provisions the booted camera or says exactly what to run', () => {
    const env = fakeToolchain(path.join(dir, 'provision'));
    const plain = flash(['--board', 'lilygo_t_camera_plus_s3', '--port', pty.path], env);
    assert.equal(plain.status, 0, plain.stderr);
    assert.match(plain.stdout, new RegExp(`flashed\\. Next, provision the camera .*: chaincam provision --port ${pty.path} --keys KEYDIR --dock-key DOCK\\.key`));
    const dry = flash(['--board', 'esp32cam', '--port', pty.path, '--dry-run', '--keys', 'keys', '--dock-key', 'room 2.key'], env);
    assert.match(dry.stdout, new RegExp(`then, once the camera has booted: chaincam provision --port ${pty.path} --keys keys --dock-key 'room 2\\.key'`));
    assert.match(flash(['--board', 'esp32cam', '--port', pty.path, '--keys', 'keys', '--dock-key', 'd.key', '--debug'], env).stderr, /a debug build gives to xsbug: flash a release build to provision it/);
    assert.match(flash(['--board', 'esp32cam', '--port', pty.path, '--keys', 'keys'], env).stderr, /--keys needs at least one --dock-key/);

    // Nothing answers on this pty (a board that did not boot): flashed, not provisioned, and the command to finish.
    const keys = path.join(dir, 'provision/keys');
    const dockKey = path.join(dir, 'provision/dock.key');
    runSubcommand('host-tools/keys/keys-command.ts', 'registerKeysCommand', ['keys', 'init', '--dir', keys]);
    runSubcommand('host-tools/dock/dock-command.ts', 'registerDockCommand', ['dock', '--key', dockKey, '--new-key', '--port', '/nonexistent', '--store', path.join(dir, 'provision/store'), '--once']);
    const silent = flash(['--board', 'lilygo_t_camera_plus_s3', '--port', pty.path, '--keys', keys, '--dock-key', dockKey, '--wait', '1'], env);
    assert.equal(silent.status, 1);
    assert.match(silent.stdout, /flashed\. Provisioning the camera on .* once it has booted \(up to 1 s\)/);
    assert.match(silent.stderr, new RegExp(`flashed, but not provisioned: ${pty.path}: no camera answered HELLO within 1 s .*Once fixed, run: chaincam provision --port ${pty.path} --keys ${keys} --dock-key ${dockKey}`));
  });

  it('reports a failing mcconfig with the board\'s boot-mode hint', () => {
    const env = fakeToolchain(path.join(dir, 'fails'));
    writeFileSync(path.join(dir, 'fails/bin/mcconfig'), '#!/bin/sh\nexit 2\n');
    const run = flash(['--board', 'xiao_esp32s3_sense', '--port', pty.path], env);
    assert.equal(run.status, 1);
    assert.match(run.stderr, /mcconfig failed \(exit 2\) building or flashing the Seeed XIAO ESP32S3 Sense; .*hold B \(BOOT\)/);
  });

  it('esp32cam: requires its platforms entry in manifest.json, and a lower-case path (mcconfig lower-cases -p)', () => {
    const env = fakeToolchain(path.join(dir, 'cam'));
    const target = flashTarget('esp32cam');
    const hasEntry = JSON.parse(readFileSync(path.join(projectRoot, 'manifest.json'), 'utf8')).platforms['esp32/esp32cam'] !== undefined;
    const problems = flashProblems(target, pty.path, { env, root: projectRoot });
    assert.equal(problems.some((p) => /manifest\.json has no platforms\["esp32\/esp32cam"\]/.test(p)), !hasEntry);
    const upper = flashProblems(target, pty.path, { env, root: path.join(dir, 'Chaincam') });
    assert.ok(upper.some((p) => /mcconfig lower-cases the -p argument, so it cannot find .*Chaincam\/targets\/esp32cam/.test(p)), upper.join('\n'));
    assert.ok(upper.some((p) => /the AI-Thinker ESP32-CAM target is missing/.test(p)));
  });
});
