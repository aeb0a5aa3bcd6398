// What provisioning leaves on a camera's flash (firmware/store/provisioned-keys.ts), in XS on the
// board's flash: identity.bin and docks.bin as provisioning-layout.ts lays them out, written once
// (never over an identity, never beside evidence without one), a left staging copy replaced, the
// keys read back field by field, an identity of the wrong length refused by what to do, and any
// docks.bin that is not whole P-256 keys enrolling no dock.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { toHex } from '../../firmware/format/bytes.js';
import { generateP256KeyPair } from '../../firmware/format/key-derivation.js';
import { NodeCryptoPort } from '../../host-tools/crypto/node-crypto-port.js';
import { SimulatedBoard } from '../../host-tools/sim/board.js';
import { STORE_WORKOUT } from '../support/store-workout.js';

const port = new NodeCryptoPort();
const camera = generateP256KeyPair(port);
const agency = generateP256KeyPair(port);
const docks = [generateP256KeyPair(port).publicKey, generateP256KeyPair(port).publicKey];
const KEYS = { privateKey: toHex(camera.privateKey), publicKey: toHex(camera.publicKey), agencyPublicKey: toHex(agency.publicKey) };

describe('the provisioned keys on the board\'s flash (XS)', function () {
  let work: string;
  let board: SimulatedBoard | undefined;
  let next = 0;
  before(async () => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'chaincam-provisioned-keys-'));
    board = await SimulatedBoard.boot({ main: STORE_WORKOUT, storage: { dir: work } });
  });
  after(async () => {
    await board?.close();
    board = undefined;
    fs.rmSync(work, { recursive: true, force: true });
  });

  /** A command's answer or refusal; every file it opened is closed again. */
  async function call(name: string, args: Record<string, unknown>): Promise<{ ok?: any; error?: string }> {
    const answer = (await board!.command(name, args)) as { ok?: any; error?: string };
    assert.deepEqual(board!.storage.openFiles, [], `${name} left no file open`);
    return answer;
  }
  /** A root folder of its own on the flash: its board path and host path. */
  function root(): { at: string; dir: string } {
    const name = `camera-${next++}`;
    fs.mkdirSync(path.join(work, name));
    return { at: `/${name}/`, dir: path.join(work, name) };
  }
  const listing = (dir: string) => fs.readdirSync(dir).sort();

  it('writes identity.bin and docks.bin once, over a left staging copy, and reads the keys back', async () => {
    const { at, dir } = root();
    fs.writeFileSync(path.join(dir, 'identity.bin.tmp'), Buffer.alloc(500, 1));
    fs.writeFileSync(path.join(dir, 'docks.bin.tmp'), Buffer.alloc(3, 1));
    assert.deepEqual(await call('provisioned', { root: at }), { ok: false });
    assert.deepEqual(await call('provisioning-refusal', { root: at }), { ok: null }, 'a fresh flash may be provisioned');
    assert.deepEqual(await call('read-keys', { root: at }), { error: `the camera is not provisioned: ${at}identity.bin is missing (run the provisioning step for this camera)` });
    assert.deepEqual(await call('write-provisioning', { root: at, keys: KEYS, docks: docks.map(toHex) }), { ok: null });
    assert.deepEqual(listing(dir), ['docks.bin', 'identity.bin'], 'no staging copy left');
    assert.deepEqual(fs.readFileSync(path.join(dir, 'identity.bin')), Buffer.concat([camera.privateKey, camera.publicKey, agency.publicKey]), 'private key, public key, agency key: 162 bytes');
    assert.deepEqual(fs.readFileSync(path.join(dir, 'docks.bin')), Buffer.concat(docks), 'the docks\' keys, 65 bytes each');
    assert.deepEqual(await call('provisioned', { root: at }), { ok: true });
    assert.deepEqual(await call('read-keys', { root: at }), { ok: KEYS });
    assert.deepEqual(await call('read-docks', { root: at }), { ok: docks.map(toHex) });
  });

  it('never provisions over an identity or beside evidence without one, and changes nothing', async () => {
    const keyed = root();
    assert.deepEqual(await call('write-provisioning', { root: keyed.at, keys: KEYS, docks: [] }), { ok: null });
    assert.deepEqual(fs.readFileSync(path.join(keyed.dir, 'docks.bin')), Buffer.alloc(0), 'no dock enrolled: an empty docks.bin');
    assert.deepEqual(await call('read-docks', { root: keyed.at }), { ok: [] });
    const other = generateP256KeyPair(port);
    const refusedKeyed = 'this camera is already provisioned; it is never re-keyed over its link (erase its flash after offloading to start again)';
    assert.deepEqual(await call('provisioning-refusal', { root: keyed.at }), { ok: refusedKeyed });
    assert.deepEqual(await call('write-provisioning', { root: keyed.at, keys: { ...KEYS, privateKey: toHex(other.privateKey) }, docks: docks.map(toHex) }), { error: refusedKeyed });
    assert.deepEqual(await call('read-keys', { root: keyed.at }), { ok: KEYS }, 'the first keys kept');
    assert.deepEqual(await call('read-docks', { root: keyed.at }), { ok: [] }, 'the docks kept');

    const evidence = root();
    fs.writeFileSync(path.join(evidence.dir, 'chain.log'), Buffer.from('CCHAIN\x00\x01', 'latin1'));
    const refusedEvidence = 'the flash holds evidence (chain.log) but no identity; offload or recover it by hand before provisioning';
    assert.deepEqual(await call('provisioning-refusal', { root: evidence.at }), { ok: refusedEvidence });
    assert.deepEqual(await call('write-provisioning', { root: evidence.at, keys: KEYS, docks: [] }), { error: refusedEvidence });
    assert.deepEqual(listing(evidence.dir), ['chain.log']);
    assert.deepEqual(await call('provisioned', { root: evidence.at }), { ok: false });
  });

  it('refuses an identity of the wrong length by what to do', async () => {
    const { at, dir } = root();
    const whole = Buffer.concat([camera.privateKey, camera.publicKey, agency.publicKey]);
    for (const length of [0, 161, 163]) {
      fs.writeFileSync(path.join(dir, 'identity.bin'), length > 162 ? Buffer.concat([whole, Buffer.alloc(1)]) : whole.subarray(0, length));
      assert.deepEqual(await call('read-keys', { root: at }), { error: `${at}identity.bin is ${length} bytes, not 162: provision the camera again` });
    }
  });

  it('enrols no dock from a docks.bin that is not whole P-256 public keys', async () => {
    const { at, dir } = root();
    const write = (bytes: Buffer) => fs.writeFileSync(path.join(dir, 'docks.bin'), bytes);
    assert.deepEqual(await call('read-docks', { root: at }), { ok: [] }, 'no docks.bin');
    write(Buffer.concat(docks));
    assert.deepEqual(await call('read-docks', { root: at }), { ok: docks.map(toHex) });
    write(Buffer.concat([...docks, Buffer.from([4])]));
    assert.deepEqual(await call('read-docks', { root: at }), { ok: [] }, 'a key and a byte');
    write(Buffer.concat(docks).subarray(0, 129));
    assert.deepEqual(await call('read-docks', { root: at }), { ok: [] }, 'a key short');
    const compressed = Buffer.from(docks[1]!);
    compressed[0] = 2;
    write(Buffer.concat([docks[0]!, compressed]));
    assert.deepEqual(await call('read-docks', { root: at }), { ok: [] }, 'one key not an uncompressed point');
    fs.rmSync(path.join(dir, 'docks.bin'));
    fs.mkdirSync(path.join(dir, 'docks.bin'));
    assert.deepEqual(await call('read-docks', { root: at }), { ok: [] }, 'a folder where the file goes: no dock, no throw');
  });
});
