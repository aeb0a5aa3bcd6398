// The store log's bytes (docs/STORE.md section 3): RFC 6962 tree hashes against the reference
// vectors of RFC 6962's reference implementation (certificate-transparency's 8-leaf test data),
// the dock's incremental root against the recursive definition, the checkpoint note, and the
// entries' one encoding each.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { generateP256KeyPair } from '../../firmware/format/key-derivation.js';
import { NodeCryptoPort } from '../../host-tools/crypto/node-crypto-port.js';
import { decodeStoreEntry, encodeStoreEntry, type StoreEntry } from '../../host-tools/store/store-log-entries.js';
import { LOG_CHECKPOINT_FILE, LOG_DIR, StoreLogWriter, leafHash, openCheckpoint, signCheckpoint, treeHash } from '../../host-tools/store/store-log.js';
import { documentedStoreExamples, storeExamples, withStoreExamples } from '../../host-tools/store/store-examples.js';

const port = new NodeCryptoPort();
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

describe('the store log (docs/STORE.md section 3)', () => {
  it('hashes as RFC 6962: the reference roots for 1..8 leaves', () => {
    const leaves = ['', '00', '10', '2021', '3031', '40414243', '5051525354555657', '606162636465666768696a6b6c6d6e6f']
      .map((h) => leafHash(port, Uint8Array.from(Buffer.from(h, 'hex'))));
    const roots = [
      '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d', 'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
      'aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77', 'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
      '4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4', '76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef',
      'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c', '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
    ];
    roots.forEach((root, i) => assert.equal(hex(treeHash(port, leaves, 0, i + 1)), root, `${i + 1} leaves`));
    assert.equal(hex(treeHash(port, [])), 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  });

  it("the dock's incremental root is the tree hash at every size, and each checkpoint verifies", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'chaincam-log-'));
    try {
      const dock = generateP256KeyPair(port);
      const writer = new StoreLogWriter(dir, port);
      const leaves: Uint8Array[] = [];
      for (let n = 1; n <= 37; n++) {
        const entry = Uint8Array.of(n, ...new Uint8Array(n));
        writer.append(entry, dock);
        leaves.push(leafHash(port, entry));
        const checkpoint = openCheckpoint(port, fs.readFileSync(path.join(dir, LOG_DIR, LOG_CHECKPOINT_FILE), 'utf8'), dock.publicKey);
        assert.equal(checkpoint.size, n);
        assert.equal(hex(checkpoint.root), hex(treeHash(port, leaves)), `root at ${n}`);
      }
      assert.equal(new StoreLogWriter(dir, port).size, 37, 'reopened, it counts the entries on disk');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a checkpoint is refused when its size, root, origin or signature is changed, or another key is given', () => {
    const dock = generateP256KeyPair(port);
    const note = signCheckpoint(port, dock, 5, port.sha256(Uint8Array.of(1)));
    assert.match(note, /^chaincam\.store\/[0-9a-f]{32}\n5\n[A-Za-z0-9+/]{43}=\n\n\u2014 chaincam\.store\/[0-9a-f]{32} [A-Za-z0-9+/]{91}=\n$/);
    assert.equal(openCheckpoint(port, note, dock.publicKey).size, 5);
    assert.throws(() => openCheckpoint(port, note.replace('\n5\n', '\n6\n'), dock.publicKey), /signature does not verify/);
    const lines = note.split('\n');
    lines[2] = Buffer.from(port.sha256(Uint8Array.of(2))).toString('base64');
    assert.throws(() => openCheckpoint(port, lines.join('\n'), dock.publicKey), /signature does not verify/);
    assert.throws(() => openCheckpoint(port, note, generateP256KeyPair(port).publicKey), /names chaincam\.store\/.*but this store's dock key is/);
    assert.throws(() => openCheckpoint(port, note.replace(/ (\S+)\n$/, ' AAAA$1\n'), dock.publicKey), /not in the format|not for this dock key/);
  });

  it('every entry type has one encoding: round trips, and trailing bytes or unknown types are refused', () => {
    const id = new Uint8Array(16).fill(7);
    const key = generateP256KeyPair(port).publicKey;
    const h = new Uint8Array(32).fill(9);
    const entries: StoreEntry[] = [
      { type: 'store-opened', time: 1, dockPublicKey: key },
      { type: 'camera-pinned', time: 2, deviceId: id, publicKey: key, label: '순찰 1' },
      { type: 'officer-assigned', time: 3, deviceId: id, officer: 'kim' },
      { type: 'segment-stored', time: 4, deviceId: id, recordBody: Uint8Array.of(1, 2, 3) },
      { type: 'receipt-issued', time: 5, fields: new Uint8Array(124).fill(1), signature: new Uint8Array(64).fill(2) },
      { type: 'segment-released', time: 6, sealedDigest: h, receiptDigest: h, source: 2 },
      { type: 'chain-committed', time: 7, deviceId: id, generation: 3, chainLength: 999, records: 12, headLink: h, chainDigest: h },
      { type: 'alarm', time: 8, deviceId: id, kind: 2, heldRecords: 10, heldHead: h, offeredRecords: 12, offeredHead: h, divergence: 9, text: 'fork' },
      { type: 'retention', time: 9, deviceId: id, recording: 4, retainUntil: 123456, reason: 'court order', by: 'lee' },
      { type: 'segment-ended', time: 10, sealedDigest: h, rule: 'retention' },
    ];
    for (const entry of entries) {
      const bytes = encodeStoreEntry(entry);
      assert.deepEqual(decodeStoreEntry(bytes), entry);
      assert.throws(() => decodeStoreEntry(Uint8Array.of(...bytes, 0)), /trailing|end/i, `${entry.type} with a trailing byte`);
    }
    assert.throws(() => decodeStoreEntry(Uint8Array.of(0x7f, 0, 0, 0, 0, 0, 0, 0, 1)), /unknown store log entry type 127/);
  });

  it('docs/STORE.md shows the worked example the code produces today, and its checkpoint verifies', () => {
    const withoutSignature = (text: string) => text.replace(/^\u2014 .*$/m, '— SIGNATURE');
    assert.equal(withoutSignature(documentedStoreExamples()), withoutSignature(storeExamples()), 'run: npx tsx host-tools/store/store-examples.ts --write');
    const note = /```\n([\s\S]*?)```/.exec(documentedStoreExamples())![1]!;
    const dockPublicKey = Uint8Array.from(Buffer.from(/dock public key: `([0-9a-f]+)`/.exec(documentedStoreExamples())![1]!, 'hex'));
    assert.equal(openCheckpoint(port, note, dockPublicKey).size, 3);
  });

  it('--write puts today\'s store examples between the markers, keeps the rest, and names a document without them', () => {
    const begin = '<!-- store-examples:begin (generated by host-tools/store/store-examples.ts) -->';
    const end = '<!-- store-examples:end -->';
    const stale = `# STORE\n\ntext before\n${begin}\nold examples\n${end}\ntext after\n`;
    const written = withStoreExamples(stale, 'S.md');
    const fresh = documentedStoreExamples(written, 'S.md');
    assert.equal(written, `# STORE\n\ntext before\n${begin}\n${fresh}\n${end}\ntext after\n`);
    const withoutSignature = (text: string) => text.replace(/^\u2014 .*$/m, '— SIGNATURE');
    assert.equal(withoutSignature(fresh), withoutSignature(storeExamples()));
    assert.equal(documentedStoreExamples(stale, 'S.md'), 'old examples');
    assert.equal(documentedStoreExamples(`${begin}\nat the very start\n${end}`, 'S.md'), 'at the very start');
    const refusal = `S.md lacks the store-examples markers (${begin} ... ${end})`;
    for (const doc of [`${begin}\nno end`, `no begin\n${end}`, `${end}\nthe wrong way round\n${begin}`, '']) {
      assert.throws(() => documentedStoreExamples(doc, 'S.md'), { message: refusal });
      assert.throws(() => withStoreExamples(doc, 'S.md'), { message: refusal });
    }
  });
});
