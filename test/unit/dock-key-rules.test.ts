// The dock's key file (host-tools/dock/dock-key.ts): made once, secret, read back whole; its public
// half read alone for a camera's enrolment. Each damaged or foreign file is refused by name, with
// what to do; nothing here writes over a key.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { toHex } from '../../firmware/format/bytes.js';
import { deriveDockId } from '../../firmware/format/dock-proofs.js';
import { generateP256KeyPair } from '../../firmware/format/key-derivation.js';
import { NodeCryptoPort } from '../../host-tools/crypto/node-crypto-port.js';
import { DOCK_KEY_FORMAT, createDockKeyFile, readDockKeyFile, readDockPublicKey } from '../../host-tools/dock/dock-key.js';

const port = new NodeCryptoPort();

describe('the dock key file', () => {
  let dir: string;
  beforeEach(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'chaincam-dock-key-')); });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));
  const file = (name: string, doc: unknown) => {
    const f = path.join(dir, name);
    fs.writeFileSync(f, typeof doc === 'string' ? doc : JSON.stringify(doc));
    return f;
  };

  it('is made once, readable by its owner only, naming its format, curve and dock id, and reads back as made', () => {
    const f = path.join(dir, 'dock.key');
    const key = createDockKeyFile(port, f);
    assert.equal(fs.statSync(f).mode & 0o777, 0o600);
    assert.deepEqual(JSON.parse(fs.readFileSync(f, 'utf8')), {
      format: 'chaincam-dock-key/v1', curve: 'P-256', dockId: toHex(deriveDockId(port, key.publicKey)),
      publicKey: toHex(key.publicKey), privateKey: toHex(key.privateKey),
    });
    assert.deepEqual(readDockKeyFile(port, f), key);
    assert.deepEqual(readDockPublicKey(f), key.publicKey);
    const before = fs.readFileSync(f);
    assert.throws(() => createDockKeyFile(port, f), /already exists; chaincam never overwrites keys/);
    assert.deepEqual(fs.readFileSync(f), before);
    assert.equal(port.p256Verify(key.publicKey, new Uint8Array(3), port.p256Sign(key.privateKey, new Uint8Array(3))), true, 'a working pair');
  });

  it('refuses a key file it cannot read, of another format, missing a half, or whose halves do not belong together', () => {
    const gone = path.join(dir, 'gone.key');
    assert.throws(() => readDockKeyFile(port, gone), (e: Error) => e.message.startsWith(`cannot read dock key ${gone}: ENOENT`) && e.message.endsWith(`(create one with chaincam dock --new-key --key ${gone})`));
    const notJson = file('a.key', '{');
    assert.throws(() => readDockKeyFile(port, notJson), new RegExp(`^Error: cannot read dock key ${notJson}: .*JSON.* \\(create one with chaincam dock --new-key --key ${notJson}\\)$`));
    const key = generateP256KeyPair(port);
    const good = { format: DOCK_KEY_FORMAT, publicKey: toHex(key.publicKey), privateKey: toHex(key.privateKey) };
    for (const [name, doc] of [['other', { ...good, format: 'chaincam-camera-key/v1' }], ['nopub', { ...good, publicKey: '' }], ['nopriv', { ...good, privateKey: undefined }]] as const) {
      const f = file(`${name}.key`, doc);
      assert.throws(() => readDockKeyFile(port, f), new Error(`${f} is not a chaincam dock key (format chaincam-dock-key/v1)`));
    }
    const other = generateP256KeyPair(port);
    const mixed = file('mixed.key', { ...good, privateKey: toHex(other.privateKey) });
    assert.throws(() => readDockKeyFile(port, mixed), new Error(`${mixed}: the private key does not belong to the public key`));
  });

  it('reads the public half alone (a copy without the private key), refusing what is not one', () => {
    const key = generateP256KeyPair(port);
    const pub = file('dock.pub', { format: DOCK_KEY_FORMAT, publicKey: toHex(key.publicKey) });
    assert.deepEqual(readDockPublicKey(pub), key.publicKey);
    const gone = path.join(dir, 'gone.pub');
    assert.throws(() => readDockPublicKey(gone), (e: Error) => e.message.startsWith(`cannot read dock key ${gone}: ENOENT`) && e.message.endsWith('(the dock creates it with chaincam dock --new-key --key FILE)'));
    for (const [name, doc] of [['other', { format: 'x', publicKey: toHex(key.publicKey) }], ['number', { format: DOCK_KEY_FORMAT, publicKey: 4 }], ['none', { format: DOCK_KEY_FORMAT }]] as const) {
      const f = file(`${name}.pub`, doc);
      assert.throws(() => readDockPublicKey(f), new Error(`${f} is not a chaincam dock key (format chaincam-dock-key/v1 with a publicKey)`));
    }
    const notHex = file('nothex.pub', { format: DOCK_KEY_FORMAT, publicKey: 'zz' });
    assert.throws(() => readDockPublicKey(notHex), new Error(`${notHex}: publicKey is not hex`));
    const short = file('short.pub', { format: DOCK_KEY_FORMAT, publicKey: toHex(key.publicKey.subarray(0, 33)) });
    assert.throws(() => readDockPublicKey(short), new Error(`${short}: publicKey is not a 65-byte uncompressed P-256 key`));
  });
});
