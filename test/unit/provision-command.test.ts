import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { toHex } from '../../firmware/format/bytes.js';
import { NodeCryptoPort } from '../../host-tools/crypto/node-crypto-port.js';
import { createDockKeyFile } from '../../host-tools/dock/dock-key.js';
import { readAgencyKey, readCameraIdentity } from '../../host-tools/keys/key-files.js';
import { initKeys } from '../../host-tools/keys/keys-command.js';
import { runSubcommand } from '../support/run-subcommand.js';

// `chaincam provision`: a simulated board's flash directory from a keys dir and dock key files.
describe('chaincam provision (simulated board flash)', function () {
  const port = new NodeCryptoPort();
  let dir: string;
  beforeEach(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'chaincam-provision-')); });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  const provision = (...args: string[]) => runSubcommand('host-tools/provision/provision-command.ts', 'registerProvisionCommand', ['provision', ...args]);
  const at = (...parts: string[]) => path.join(dir, ...parts);

  it('writes identity.bin (camera key, public key, agency key) and docks.bin (the docks\' public keys, in order)', () => {
    initKeys(at('keys'), 'unit 7');
    const docks = [createDockKeyFile(port, at('a.dock')), createDockKeyFile(port, at('b.dock'))];
    const run = provision('--storage', at('flash'), '--keys', at('keys'), '--dock-key', at('a.dock'), '--dock-key', at('b.dock'));
    assert.equal(run.status, 0, run.stderr);
    const camera = readCameraIdentity(port, at('keys', 'camera.key'), true);
    const agency = readAgencyKey(port, at('keys', 'agency.pub'), false);
    assert.equal(toHex(fs.readFileSync(at('flash', 'identity.bin'))), toHex(Buffer.concat([camera.privateKey!, camera.publicKey, agency.publicKey])));
    assert.equal(toHex(fs.readFileSync(at('flash', 'docks.bin'))), toHex(Buffer.concat(docks.map((d) => d.publicKey))));
    assert.equal(readCameraIdentity(port, at('flash', 'camera.pub')).label, 'unit 7', 'camera.pub for verify');
    assert.match(run.stdout, new RegExp(`camera ${toHex(camera.deviceId)} "unit 7"; 2 dock\\(s\\) enrolled`));
  });

  it('refuses to re-key a provisioned directory, naming the camera it holds; --force re-keys it unless it holds evidence', () => {
    initKeys(at('first'), '');
    initKeys(at('second'), '');
    createDockKeyFile(port, at('a.dock'));
    assert.equal(provision('--storage', at('flash'), '--keys', at('first'), '--dock-key', at('a.dock')).status, 0);
    const before = fs.readFileSync(at('flash', 'identity.bin'));
    const held = toHex(readCameraIdentity(port, at('first', 'camera.pub')).deviceId);

    const refused = provision('--storage', at('flash'), '--keys', at('second'));
    assert.equal(refused.status, 1);
    assert.match(refused.stderr, new RegExp(`already provisioned with camera ${held}; refusing to re-key it\\. Pass --force`));
    assert.deepEqual(fs.readFileSync(at('flash', 'identity.bin')), before, 'nothing changed');

    fs.writeFileSync(at('flash', 'chain.log'), 'CCHAIN');
    const withEvidence = provision('--storage', at('flash'), '--keys', at('second'), '--force');
    assert.equal(withEvidence.status, 1);
    assert.match(withEvidence.stderr, /holds evidence \(chain\.log\)/);
    assert.deepEqual(fs.readFileSync(at('flash', 'identity.bin')), before);

    fs.rmSync(at('flash', 'chain.log'));
    const forced = provision('--storage', at('flash'), '--keys', at('second'), '--force');
    assert.equal(forced.status, 0, forced.stderr);
    assert.match(forced.stdout, /NO dock enrolled/);
    assert.equal(fs.readFileSync(at('flash', 'docks.bin')).length, 0, 'the old camera\'s docks are not kept for the new one');
  });

  it('re-provisioning the same camera needs no --force and replaces the enrolled docks only when given', () => {
    initKeys(at('keys'), '');
    const a = createDockKeyFile(port, at('a.dock'));
    const b = createDockKeyFile(port, at('b.dock'));
    assert.equal(provision('--storage', at('flash'), '--keys', at('keys'), '--dock-key', at('a.dock')).status, 0);
    const same = provision('--storage', at('flash'), '--keys', at('keys'));
    assert.equal(same.status, 0, same.stderr);
    assert.match(same.stdout, /already provisioned .*enrolled docks unchanged/);
    assert.equal(toHex(fs.readFileSync(at('flash', 'docks.bin'))), toHex(a.publicKey));
    assert.equal(provision('--storage', at('flash'), '--keys', at('keys'), '--dock-key', at('b.dock')).status, 0);
    assert.equal(toHex(fs.readFileSync(at('flash', 'docks.bin'))), toHex(b.publicKey));
  });

  it('enrols from a dock key copy without its private key, and refuses a file that is not a dock key, changing nothing', () => {
    initKeys(at('keys'), '');
    createDockKeyFile(port, at('a.dock'));
    const { privateKey: _secret, ...publicOnly } = JSON.parse(fs.readFileSync(at('a.dock'), 'utf8'));
    fs.writeFileSync(at('a.pub.dock'), JSON.stringify(publicOnly));
    assert.equal(provision('--storage', at('flash'), '--keys', at('keys'), '--dock-key', at('a.pub.dock')).status, 0);
    const bad = provision('--storage', at('other'), '--keys', at('keys'), '--dock-key', at('keys', 'agency.pub'));
    assert.equal(bad.status, 1);
    assert.match(bad.stderr, /agency\.pub is not a chaincam dock key/);
    assert.ok(!fs.existsSync(at('other')), 'nothing written');
  });
});
