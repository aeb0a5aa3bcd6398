// `chaincam store alarms` and `chaincam store expire` (host-tools/store/store-command.ts) run in
// this process as host-tools/cli.ts runs them, over a real store: what they print line for line,
// that alarms changes no byte, and that expire ends only what ran out, each with its rule, under
// the dock's own key.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Command } from 'commander';
import { toHex } from '../../firmware/format/bytes.js';
import { readChainLog } from '../../firmware/format/chain-log.js';
import { decodeRecord, type SegmentRecord } from '../../firmware/format/chain-records.js';
import { NodeCryptoPort } from '../../host-tools/crypto/node-crypto-port.js';
import { createDockKeyFile } from '../../host-tools/dock/dock-key.js';
import { registerStoreCommand } from '../../host-tools/store/store-command.js';
import { EvidenceStore } from '../../host-tools/store/evidence-store.js';
import { runInProcess } from '../support/cli-in-process.js';
import { HostCamera } from '../support/host-camera.js';

const port = new NodeCryptoPort();
const DAY = 86_400_000;

describe('chaincam store, in process', () => {
  let root: string;
  let keyFile: string;
  let dir: string;
  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'chaincam-store-command-'));
    keyFile = path.join(root, 'dock.key');
    dir = path.join(root, 'store');
  });
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

  const store = (...argv: string[]) => runInProcess([registerStoreCommand], 'store', ...argv);

  /** A store kept with the key in `keyFile`, its clock `now`, holding one recording of `sizes` from a camera. */
  function storeWith(now: () => number, sizes: number[]): { store: EvidenceStore; camera: HostCamera; digests: string[] } {
    const dockKey = fs.existsSync(keyFile) ? undefined : createDockKeyFile(port, keyFile);
    const opened = EvidenceStore.open(dir, { dockKey: dockKey!, port, now });
    const camera = HostCamera.create('officer seo');
    camera.record(1, sizes);
    opened.pinCamera({ deviceId: camera.deviceId, publicKey: camera.key.publicKey, label: camera.label });
    const frames = readChainLog(camera.evidence.chain).frames;
    const digests = [...camera.evidence.held.values()].map((h) => {
      const record = decodeRecord(frames[h.segment.sequence]!.body) as SegmentRecord;
      const file = path.join(root, `${h.segment.sequence}.seg`);
      fs.writeFileSync(file, h.bytes);
      opened.storeSegment(camera.id, record, file);
      return toHex(record.sealedDigest);
    });
    return { store: opened, camera, digests };
  }

  /** Every file under the store with its bytes' digest. */
  const fingerprint = () => {
    const out: string[] = [];
    const walk = (d: string) => {
      for (const e of fs.readdirSync(d, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
        const p = path.join(d, e.name);
        if (e.isDirectory()) walk(p);
        else out.push(`${path.relative(dir, p)} ${toHex(port.sha256(fs.readFileSync(p)))}`);
      }
    };
    walk(dir);
    return out;
  };

  it('alarms: none, said so; changes nothing', async () => {
    storeWith(() => Date.now(), [2_000]).store.close();
    const before = fingerprint();
    assert.deepEqual(await store('alarms', dir), { code: 0, out: '0 alarm(s)\n', error: '' });
    assert.deepEqual(fingerprint(), before);
  });

  it('alarms: each with its log entry, time, kind, camera and text, and what they mean; changes nothing', async () => {
    const at = Date.UTC(2026, 6, 4, 12, 30);
    const { store: opened, camera } = storeWith(() => at, [2_000]);
    const alarm = { deviceId: camera.deviceId, heldRecords: 9, heldHead: new Uint8Array(32), offeredRecords: 7, offeredHead: new Uint8Array(32).fill(1), divergence: 7 };
    const first = opened.raiseAlarm({ ...alarm, kind: 'rollback', text: 'a shorter chain' });
    const second = opened.raiseAlarm({ ...alarm, kind: 'fork', text: 'another chain' });
    opened.close();
    const before = fingerprint();
    const result = await store('alarms', dir);
    assert.deepEqual(result, {
      code: 0, error: '',
      out: `log entry #${first} 2026-07-04T12:30:00.000Z rollback camera ${camera.id}: a shorter chain\n` +
        `log entry #${second} 2026-07-04T12:30:00.000Z fork camera ${camera.id}: another chain\n` +
        '2 alarm(s): these cameras stay refused at this dock; see docs/STORE.md section 5\n',
    });
    assert.deepEqual(fingerprint(), before);
  });

  it('alarms: a folder that is no store is refused, and nothing is made in it', async () => {
    fs.mkdirSync(dir);
    const result = await store('alarms', dir);
    assert.equal(result.code, 1);
    assert.equal(result.error, `${dir} is not an evidence store (no evidence.sqlite)`);
    assert.deepEqual(fs.readdirSync(dir), []);
  });

  it('expire: ends what ran out with its rule and removes its footage, under the dock\'s key only', async () => {
    const { store: opened, camera, digests } = storeWith(() => Date.now() - 31 * DAY, [2_000, 3_000]);
    const objects = digests.map((d) => opened.objectPath(d));
    opened.close();

    assert.match((await store('expire', dir)).error, /required option '--key <file>' not specified/);
    const other = path.join(root, 'other.key');
    createDockKeyFile(port, other);
    const before = fingerprint();
    const refused = await store('expire', dir, '--key', other);
    assert.equal(refused.code, 1);
    assert.match(refused.error, new RegExp(`^evidence store ${dir} is kept by the dock with public key [0-9a-f]{16}…, not by this dock's key: give this dock its own store$`));
    assert.deepEqual(fingerprint(), before, 'another dock\'s key changes nothing');

    const result = await store('expire', dir, '--key', keyFile);
    assert.equal(result.code, 0, result.error);
    const lines = result.out.split('\n');
    assert.deepEqual(lines.slice(0, 2).map((l) => l.replace(/: retention: .*/, '')), [
      `ended segment 1/0 of camera ${camera.id}`, `ended segment 1/1 of camera ${camera.id}`,
    ]);
    assert.match(lines[0]!, /: retention: recording 1 kept 30 days after it was first stored, until /);
    assert.deepEqual(lines.slice(2), ['2 segment(s) reached the end of their retention', '']);
    assert.deepEqual(objects.map((o) => fs.existsSync(o)), [false, false]);

    assert.deepEqual(await store('expire', dir, '--key', keyFile), { code: 0, out: '0 segment(s) reached the end of their retention\n', error: '' });
  });

  it('expire: nothing before its retention runs out', async () => {
    const { store: opened, digests } = storeWith(() => Date.now() - 29 * DAY, [2_000]);
    const object = opened.objectPath(digests[0]!);
    opened.close();
    assert.deepEqual(await store('expire', dir, '--key', keyFile), { code: 0, out: '0 segment(s) reached the end of their retention\n', error: '' });
    assert.equal(fs.existsSync(object), true);
  });

  it('says what each command does', () => {
    const program = new Command('chaincam');
    registerStoreCommand(program);
    const command = program.commands.find((c) => c.name() === 'store')!;
    assert.match(command.description(), /^a dock's evidence store: its alarms, and retention's lawful end/);
    assert.deepEqual(command.commands.map((c) => [c.name(), c.description().length > 40]), [['alarms', true], ['expire', true]]);
    assert.match(command.commands[1]!.options[0]!.description, /the dock's key/);
    for (const sub of command.commands) assert.deepEqual(sub.registeredArguments.map((a) => [a.name(), a.required, a.description]), [['store', true, "the dock's evidence store"]], sub.name());
  });
});
