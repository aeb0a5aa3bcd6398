// `chaincam keys init`, `verify` and `export` as a user runs them: files, modes, exit codes
// and the messages for input the user can fix.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Command, CommanderError } from 'commander';
import { registerKeysCommand } from '../../host-tools/keys/keys-command.js';
import { registerVerifyCommand } from '../../host-tools/verify/verify-command.js';
import { registerExportCommand } from '../../host-tools/export/export-command.js';
import { sampleFootage } from '../../host-tools/vectors/sample-evidence.js';

const VECTORS = path.resolve('test/vectors');

/** Runs one command line in-process the way host-tools/cli.ts does; returns exit code and output. */
async function run(...argv: string[]): Promise<{ code: number; out: string; error: string }> {
  const program = new Command('chaincam').exitOverride().configureOutput({ writeErr: () => {}, writeOut: () => {} });
  registerKeysCommand(program);
  registerVerifyCommand(program);
  registerExportCommand(program);
  let out = '';
  const write = process.stdout.write;
  process.stdout.write = ((chunk: string) => { out += chunk; return true; }) as typeof process.stdout.write;
  const previousExitCode = process.exitCode;
  process.exitCode = undefined;
  try {
    await program.parseAsync(argv, { from: 'user' });
    return { code: typeof process.exitCode === 'number' ? process.exitCode : 0, out, error: '' };
  } catch (error) {
    if (error instanceof CommanderError) return { code: error.exitCode, out, error: error.message };
    return { code: 1, out, error: (error as Error).message };
  } finally {
    process.stdout.write = write;
    process.exitCode = previousExitCode;
  }
}

describe('evidence commands', () => {
  let tmp: string;
  beforeEach(() => { tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'chaincam-cmd-')); });
  afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('keys init writes the agency pair and a camera identity, private files 0600, and never overwrites', async () => {
    const dir = path.join(tmp, 'keys');
    const first = await run('keys', 'init', '--dir', dir, '--label', 'BWC-0042');
    assert.equal(first.code, 0, first.error);
    // A public file gets 0644 less this process's umask: what any file created 0644 here gets.
    const probe = path.join(tmp, 'probe-0644');
    fs.closeSync(fs.openSync(probe, 'wx', 0o644));
    const publicMode = fs.statSync(probe).mode & 0o777;
    for (const [name, mode] of [['agency.key', 0o600], ['camera.key', 0o600], ['agency.pub', publicMode], ['camera.pub', publicMode]] as const) {
      assert.equal(fs.statSync(path.join(dir, name)).mode & 0o777, mode, `${name} mode`);
      if (name.endsWith('.key')) assert.equal(fs.statSync(path.join(dir, name)).mode & 0o077, 0, `${name} readable by others`);
    }
    assert.match(fs.readFileSync(path.join(dir, 'camera.pub'), 'utf8'), /"label": "BWC-0042"/);
    const before = fs.readFileSync(path.join(dir, 'agency.key'));
    const again = await run('keys', 'init', '--dir', dir);
    assert.equal(again.code, 1);
    assert.match(again.error, /agency\.key already exists; chaincam never overwrites keys/);
    assert.ok(fs.readFileSync(path.join(dir, 'agency.key')).equals(before));
  });

  it('verify exits 0 on the valid vector and 1 naming the record on a tampered one', async () => {
    const ok = await run('verify', path.join(VECTORS, 'valid'), '--camera', path.join(VECTORS, 'keys/camera.pub'));
    assert.equal(ok.code, 0, ok.out);
    assert.match(ok.out, /VERIFIED/);
    assert.match(ok.out, /recording 2:[\s\S]*0 \(unconfirmed \(emergency start\)\) -> 6/);
    const bad = await run('verify', path.join(VECTORS, 'wrong-signature'));
    assert.equal(bad.code, 1);
    assert.match(bad.out, /FAILED: record #8 \(checkpoint\) at chain\.log offset \d+: the signature does not verify/);
    const malleated = await run('verify', path.join(VECTORS, 'checkpoint-malleated'), '--camera', path.join(VECTORS, 'keys/camera.pub'));
    assert.equal(malleated.code, 1);
    assert.match(malleated.out, /FAILED: record #21 \(checkpoint\) at chain\.log offset \d+: its signature is in high-S form/);
  });

  it('verify explains missing directories and garbage files instead of crashing', async () => {
    const missing = await run('verify', path.join(tmp, 'nope'));
    assert.equal(missing.code, 1);
    assert.match(missing.out, /is not a directory/);
    fs.cpSync(path.join(VECTORS, 'valid'), path.join(tmp, 'garbage'), { recursive: true });
    fs.writeFileSync(path.join(tmp, 'garbage', 'chain.log'), 'hello, this is not a chain');
    const garbage = await run('verify', path.join(tmp, 'garbage'));
    assert.equal(garbage.code, 1);
    assert.match(garbage.out, /not a chaincam chain log \(bad magic/);
    fs.writeFileSync(path.join(tmp, 'garbage', 'camera.pub'), '{not json');
    assert.match((await run('verify', path.join(tmp, 'garbage'))).out, /not a chaincam key file/);
  });

  it('export --segments decrypts verified segments to files with a sidecar and a chain proof each', async () => {
    const out = path.join(tmp, 'export');
    const result = await run('export', path.join(VECTORS, 'valid'), '--key', path.join(VECTORS, 'keys/agency.key'), '-o', out, '--segments');
    assert.equal(result.code, 0, result.error);
    assert.deepEqual(fs.readdirSync(out).sort(), ['r000001-s0001.avi', 'r000001-s0001.json', 'r000002-s0000.avi', 'r000002-s0000.json']);
    assert.deepEqual(new Uint8Array(fs.readFileSync(path.join(out, 'r000001-s0001.avi'))), sampleFootage('r1s1', 200));
    const sidecar = JSON.parse(fs.readFileSync(path.join(out, 'r000002-s0000.json'), 'utf8'));
    assert.equal(sidecar.legalGround, 6);
    assert.match(sidecar.notice, /NOT given/);
    assert.equal(sidecar.chainProof.records.at(-1).kind, 'checkpoint');
    assert.match(result.out, /skipped .*r000001-s0000\.seg: not on this storage \(released/);
  });

  it('export by recording refuses segments that are not the AVIs a camera records, leaving nothing', async () => {
    // The vectors' footage is sample bytes under the AVI media type: it cannot be joined.
    const out = path.join(tmp, 'by-recording');
    const result = await run('export', path.join(VECTORS, 'valid'), '--key', path.join(VECTORS, 'keys/agency.key'), '-o', out);
    assert.equal(result.code, 1);
    assert.match(result.error, /segments\/r000001-s0001\.seg \(decrypted\): chunk LIST at 12 runs past the end; not an AVI segment as chaincam records it \(export it with --segments/);
    assert.deepEqual(fs.readdirSync(out), []);
  });

  it('export refuses unverified evidence unless --force, and a wrong or public key', async () => {
    const refused = await run('export', path.join(VECTORS, 'segment-byte-flip'), '--key', path.join(VECTORS, 'keys/agency.key'), '-o', path.join(tmp, 'a'));
    assert.equal(refused.code, 1);
    assert.match(refused.error, /does not verify: .*Export refuses unverified evidence.*--force/);
    const forced = await run('export', path.join(VECTORS, 'segment-byte-flip'), '--key', path.join(VECTORS, 'keys/agency.key'), '-o', path.join(tmp, 'b'), '--force', '--segments');
    assert.equal(forced.code, 1);
    assert.deepEqual(fs.readdirSync(path.join(tmp, 'b')).sort(), ['r000002-s0000.avi', 'r000002-s0000.json']);
    assert.match(forced.out, /r000001-s0001\.seg: payload tag does not match/);
    const publicOnly = await run('export', path.join(VECTORS, 'valid'), '--key', path.join(VECTORS, 'keys/agency.pub'), '-o', path.join(tmp, 'c'));
    assert.match(publicOnly.error, /not the agency private key/);
    await run('keys', 'init', '--dir', path.join(tmp, 'other'));
    const wrong = await run('export', path.join(VECTORS, 'valid'), '--key', path.join(tmp, 'other/agency.key'), '-o', path.join(tmp, 'd'));
    assert.equal(wrong.code, 1);
    assert.match(wrong.error, /sealed to agency key [0-9a-f]{16}, but the key given is/);
  });
});
