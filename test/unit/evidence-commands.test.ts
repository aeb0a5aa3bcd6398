// `chaincam keys init`, `verify` and `export` as a user runs them: files, modes, exit codes
// and the messages for input the user can fix.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Command } from 'commander';
import { registerKeysCommand } from '../../host-tools/keys/keys-command.js';
import { registerVerifyCommand } from '../../host-tools/verify/verify-command.js';
import { registerExportCommand } from '../../host-tools/export/export-command.js';
import { sampleFootage } from '../../host-tools/vectors/sample-evidence.js';
import { runInProcess } from '../support/cli-in-process.js';

const VECTORS = path.resolve('test/vectors');

/** Runs one command line in-process the way host-tools/cli.ts does; returns exit code and output. */
const run = (...argv: string[]) => runInProcess([registerKeysCommand, registerVerifyCommand, registerExportCommand], ...argv);

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

  it('verify reads its options as the help says: --json, a store\'s own options refused for a camera, --card\'s volume, no path', async () => {
    const valid = path.join(VECTORS, 'valid');
    const pub = path.join(VECTORS, 'keys/camera.pub');
    const json = await run('verify', valid, '--camera', pub, '--json');
    assert.equal(json.code, 0, json.error);
    const report = JSON.parse(json.out) as { ok: boolean; cameraKeySource: string; records: number };
    assert.deepEqual([report.ok, report.cameraKeySource], [true, 'pinned']);
    const failed = await run('verify', path.join(VECTORS, 'wrong-signature'), '--json');
    assert.equal(failed.code, 1);
    assert.equal((JSON.parse(failed.out) as { ok: boolean }).ok, false);

    const twice = await run('verify', valid, '--camera', pub, '--camera', pub);
    assert.deepEqual([twice.code, twice.error], [1, '--camera given 2 times: a camera\'s storage holds one camera']);
    for (const option of [['--cameras', tmp], ['--dock-key', pub]]) {
      const wrong = await run('verify', valid, ...option);
      assert.deepEqual([wrong.code, wrong.error], [1, `--cameras and --dock-key are for a dock's evidence store; ${valid} is a camera's storage (pin its key with --camera)`]);
    }
    assert.deepEqual(await run('verify'), { code: 1, out: '', error: 'give the path of a camera\'s storage or a dock\'s evidence store, or --records' });
    assert.deepEqual(await run('verify', valid, '--records'), { code: 1, out: '', error: '--records verifies the records system its settings name; give no path with it' });

    // The footage on an SD card: --card names the card's root, or a simulated card's directory (card.json, volume/).
    const storage = path.join(tmp, 'flash');
    fs.cpSync(valid, storage, { recursive: true });
    fs.rmSync(path.join(storage, 'segments'), { recursive: true });
    assert.equal((await run('verify', storage, '--camera', pub)).code, 1, 'the segments are not on the flash');
    const card = path.join(tmp, 'card');
    fs.mkdirSync(path.join(card, 'volume'), { recursive: true });
    fs.cpSync(path.join(valid, 'segments'), path.join(card, 'volume', 'segments'), { recursive: true });
    fs.writeFileSync(path.join(card, 'card.json'), '{}');
    const onCard = await run('verify', storage, '--camera', pub, '--card', card);
    assert.equal(onCard.code, 0, onCard.out);
    const root = await run('verify', storage, '--camera', pub, '--card', path.join(card, 'volume'));
    assert.equal(root.code, 0, root.out);
  });

  it('verify says a folder that holds nothing of a camera or a store is not evidence, and reads a store as a store', async () => {
    const empty = path.join(tmp, 'empty');
    fs.mkdirSync(empty);
    fs.writeFileSync(path.join(empty, 'notes.txt'), 'x');
    const none = await run('verify', empty);
    assert.equal(none.code, 1);
    assert.equal(none.error, `${empty} is not evidence: it holds neither a camera's storage (chain.log, segments/) nor a dock's evidence store (evidence.sqlite); give the folder a camera's flash was copied to, or a store chaincam dock made`);
    fs.mkdirSync(path.join(empty, 'segments'));
    assert.match((await run('verify', empty)).out, /FAILED: .*has no camera\.pub/, 'one of a camera\'s files present: verified as a camera\'s storage');

    const store = path.join(tmp, 'store');
    fs.mkdirSync(store);
    fs.writeFileSync(path.join(store, 'evidence.sqlite'), '');
    const asStore = await run('verify', store, '--json');
    assert.equal(asStore.code, 1);
    const result = JSON.parse(asStore.out) as { store: string; ok: boolean; failures: string[] };
    assert.equal(result.store, store);
    assert.equal(result.ok, false);
    const text = await run('verify', store, '--camera', path.join(VECTORS, 'keys/camera.pub'));
    assert.equal(text.code, 1);
    assert.match(text.out, /^evidence store /);
    assert.match(text.out, /FAILED: the store does not verify\n$/);
  });

  it('verify --help describes every option', async () => {
    const program = new Command('chaincam');
    registerVerifyCommand(program);
    const help = program.commands.find((c) => c.name() === 'verify')!.helpInformation().replace(/\n {10,}/g, ' '); // unwrapped
    assert.match(help, /verify a camera's evidence or a dock's evidence store offline, read-only/);
    assert.match(help, /path +a camera's storage directory \(camera\.pub, chain\.log, segments\/\) or a dock's evidence store/);
    for (const [flag, words] of [
      ['--camera <file>', 'camera.pub from provisioning, to pin the camera key'], ['--cameras <dir>', 'the provisioned cameras (KEYDIR/cameras)'],
      ['--dock-key <file>', "the dock's key file"], ['--card <dir>', "the camera's SD card"], ['--json', 'print the report as JSON'],
      ['--records', "verify the agency's records system"], ['--records-key <file>', 'RECORDS.pub'],
    ]) {
      const line = new RegExp(`${flag.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} +.*${words.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`);
      assert.match(help, line, `${flag} is described`);
    }
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
