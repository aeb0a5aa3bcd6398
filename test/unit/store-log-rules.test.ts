// The store log's rules at their edges (docs/STORE.md section 3), each a way a damaged or hostile
// store could be read wrong: a checkpoint with junk around it, another dock's origin or signature
// line; an entries file cut inside a length or an entry, or with a length outside 1..65792; the
// Merkle edge (MerklePeaks, shared with the records log) at every size and after a clone; the
// writer's entry numbers and its file descriptors. Written for the survivors of
// `npm run mutation -- host-tools/store/store-log.ts` (docs/MUTATION.md).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { generateP256KeyPair } from '../../firmware/format/key-derivation.js';
import { NodeCryptoPort } from '../../host-tools/crypto/node-crypto-port.js';
import {
  LOG_DIR, LOG_ENTRIES_FILE, MAX_ENTRY_LENGTH, MerklePeaks, StoreLogWriter, leafHash, logOrigin, openCheckpoint, readLogFrames, signCheckpoint, treeHash,
} from '../../host-tools/store/store-log.js';

const port = new NodeCryptoPort();
const dock = generateP256KeyPair(port);
const other = generateP256KeyPair(port);
const root = port.sha256(Uint8Array.of(7));

/** A frame: u32 length || entry. */
const frame = (entry: Uint8Array) => {
  const out = new Uint8Array(4 + entry.length);
  new DataView(out.buffer).setUint32(0, entry.length);
  out.set(entry, 4);
  return out;
};
const join = (...parts: Uint8Array[]) => Uint8Array.from(Buffer.concat(parts));

describe('the store log at its edges (docs/STORE.md section 3)', () => {
  describe('a checkpoint opens only whole, for this dock', () => {
    const text = signCheckpoint(port, dock, 5, root);

    it('opens as signed', () => {
      assert.deepEqual(openCheckpoint(port, text, dock.publicKey), { origin: logOrigin(port, dock.publicKey), size: 5, root: Uint8Array.from(root) });
    });

    it('refuses anything before or after the note', () => {
      for (const bad of [`\n${text}`, `${text}x`, `${text}\n`, text.replace(/\n$/, '')]) {
        assert.throws(() => openCheckpoint(port, bad, dock.publicKey), /^Error: the checkpoint is not in the format STORE.md section 3.3 gives$/);
      }
    });

    it("refuses another dock's origin, on the body's line or the signature's", () => {
      const mine = logOrigin(port, dock.publicKey);
      const theirs = logOrigin(port, other.publicKey);
      const [head, sig] = text.split('\n\n');
      for (const bad of [`${head!.replace(mine, theirs)}\n\n${sig}`, `${head}\n\n${sig!.replace(mine, theirs)}`]) {
        assert.throws(() => openCheckpoint(port, bad, dock.publicKey), /^Error: the checkpoint names chaincam\.store\/[0-9a-f]{32}, but this store's dock key is /);
      }
    });

    it("refuses a signature line with another key id or a cut signature", () => {
      const blob = Buffer.from(/ (\S+)\n$/.exec(text)![1]!, 'base64');
      const wrongId = Buffer.from(blob);
      wrongId[0] ^= 1;
      for (const bad of [wrongId, blob.subarray(0, 67), Buffer.concat([blob, Buffer.of(0)])]) {
        const forged = text.replace(/ (\S+)\n$/, ` ${bad.toString('base64')}\n`);
        assert.throws(() => openCheckpoint(port, forged, dock.publicKey), /^Error: the checkpoint signature line is not for this dock key$/);
      }
      const wrongSig = Buffer.from(blob);
      wrongSig[40] ^= 1;
      assert.throws(() => openCheckpoint(port, text.replace(/ (\S+)\n$/, ` ${wrongSig.toString('base64')}\n`), dock.publicKey), /does not verify with the dock's key/);
    });
  });

  describe('the entries file splits into frames, and says where it cannot', () => {
    const a = frame(Uint8Array.of(1, 2, 3));
    const b = frame(Uint8Array.of(4));

    it('reads whole frames, and nothing from nothing', () => {
      assert.deepEqual(readLogFrames(new Uint8Array(0)), { frames: [] });
      const { frames, problem } = readLogFrames(join(a, b));
      assert.equal(problem, undefined);
      assert.deepEqual(frames.map((f) => [f.index, f.offset, [...f.bytes]]), [[0, 0, [1, 2, 3]], [1, 7, [4]]]);
    });

    it('a length cut short, a length without its entry, and an entry cut short are three different faults', () => {
      for (const cut of [1, 2, 3]) {
        const { frames, problem } = readLogFrames(join(a, new Uint8Array(cut)));
        assert.equal(frames.length, 1);
        assert.equal(problem, 'a truncated length at offset 7');
      }
      assert.equal(readLogFrames(join(a, frame(Uint8Array.of(9, 9)).subarray(0, 4))).problem, 'entry #1 at offset 7 is truncated');
      assert.equal(readLogFrames(join(a, frame(Uint8Array.of(9, 9)).subarray(0, 5))).problem, 'entry #1 at offset 7 is truncated');
    });

    it('lengths run from 1 to 65792: 0 and 65793 are impossible, 65792 is read', () => {
      assert.equal(MAX_ENTRY_LENGTH, 65_792);
      assert.equal(readLogFrames(join(a, new Uint8Array(4), b)).problem, 'an impossible entry length 0 at offset 7');
      const biggest = frame(new Uint8Array(65_792).fill(5));
      const read = readLogFrames(join(a, biggest, b));
      assert.equal(read.problem, undefined);
      assert.deepEqual(read.frames.map((f) => f.bytes.length), [3, 65_792, 1]);
      const tooBig = frame(new Uint8Array(65_793));
      assert.equal(readLogFrames(join(a, tooBig)).problem, 'an impossible entry length 65793 at offset 7');
    });
  });

  describe("the Merkle tree's right edge", () => {
    it('gives the RFC 6962 root at every size from 0 to 70, and a clone goes its own way', () => {
      const peaks = new MerklePeaks(port);
      const leaves: Uint8Array[] = [];
      assert.deepEqual(peaks.root, treeHash(port, []));
      for (let n = 1; n <= 70; n++) {
        const entry = Uint8Array.of(n, n >> 8);
        peaks.appendEntry(entry);
        leaves.push(leafHash(port, entry));
        assert.equal(peaks.size, n);
        assert.deepEqual(peaks.root, treeHash(port, leaves), `${n} leaves`);
      }
      const clone = peaks.clone();
      assert.equal(clone.size, 70);
      assert.deepEqual(clone.root, peaks.root);
      clone.appendEntry(Uint8Array.of(1));
      assert.deepEqual(peaks.root, treeHash(port, leaves), 'the original is unchanged by its clone');
      assert.deepEqual(clone.root, treeHash(port, [...leaves, leafHash(port, Uint8Array.of(1))]));
      peaks.appendEntry(Uint8Array.of(2));
      assert.deepEqual(clone.root, treeHash(port, [...leaves, leafHash(port, Uint8Array.of(1))]), 'nor the clone by its original');
    });

    it('is kept as bytes and restored from them at every size, and goes on appending as the original (the records log stores it)', () => {
      const peaks = new MerklePeaks(port);
      for (let n = 0; n <= 70; n++) {
        const restored = MerklePeaks.fromEdge(port, n, peaks.edge);
        assert.equal(restored.size, n);
        assert.deepEqual(restored.edge, peaks.edge);
        assert.deepEqual(restored.root, peaks.root, `${n} leaves`);
        restored.appendEntry(Uint8Array.of(n));
        peaks.appendEntry(Uint8Array.of(n));
        assert.deepEqual(restored.root, peaks.root, `${n + 1} leaves, one appended to the restored edge`);
      }
      assert.equal(MerklePeaks.fromEdge(port, 0, new Uint8Array(0)).edge.length, 0);
      // 2^40 + 5 leaves: peaks of heights 40, 2 and 0.
      const big = MerklePeaks.fromEdge(port, 2 ** 40 + 5, new Uint8Array(96).fill(9));
      assert.equal(big.size, 2 ** 40 + 5);
      assert.deepEqual(big.edge, new Uint8Array(96).fill(9));
    });

    it('refuses an edge whose length is not 32 bytes for each set bit of the size, or a size that is not a count', () => {
      assert.throws(() => MerklePeaks.fromEdge(port, 3, new Uint8Array(32)), /an edge of 32 bytes is not the 2 peaks of a tree of 3 leaves/);
      assert.throws(() => MerklePeaks.fromEdge(port, 4, new Uint8Array(64)), /not the 1 peaks of a tree of 4 leaves/);
      assert.throws(() => MerklePeaks.fromEdge(port, 0, new Uint8Array(32)), /not the 0 peaks/);
      assert.throws(() => MerklePeaks.fromEdge(port, -1, new Uint8Array(0)), /tree of -1 leaves/);
      assert.throws(() => MerklePeaks.fromEdge(port, 1.5, new Uint8Array(32)), /tree of 1.5 leaves/);
      assert.throws(() => MerklePeaks.fromEdge(port, 2 ** 53, new Uint8Array(32)), /leaves/);
    });
  });

  describe('the writer', () => {
    let dir: string;
    beforeEach(() => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'chaincam-log-rules-'));
    });
    afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

    it("numbers entries from 0, closes what it opens, and goes on from a reopened log's size", () => {
      const writer = new StoreLogWriter(dir, port);
      const fds = () => fs.readdirSync('/proc/self/fd').length;
      const open = fds();
      for (let i = 0; i < 40; i++) assert.equal(writer.append(Uint8Array.of(i + 1), dock), i);
      assert.equal(fds(), open, 'no file descriptor left open by an append');
      assert.equal(new StoreLogWriter(dir, port).append(Uint8Array.of(99), dock), 40);
    });

    it('refuses to write on a damaged log, and changes nothing in it', () => {
      new StoreLogWriter(dir, port).append(Uint8Array.of(1), dock);
      const file = path.join(dir, LOG_DIR, LOG_ENTRIES_FILE);
      fs.appendFileSync(file, Uint8Array.of(0, 0));
      const before = fs.readFileSync(file);
      assert.throws(() => new StoreLogWriter(dir, port), /^Error: the store log .*entries is damaged \(a truncated length at offset 5\); run chaincam verify on the store and keep it as it is for examination$/);
      assert.deepEqual(fs.readFileSync(file), before);
    });
  });
});
