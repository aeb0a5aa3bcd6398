// Thousands of random single-byte mutations and structural edits of a valid evidence set:
// verify must reject every one, naming the record (or the stray file) at fault.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { NodeCryptoPort } from '../../host-tools/crypto/node-crypto-port.js';
import { verifyEvidence } from '../../host-tools/verify/verify-evidence.js';
import { sampleKeys, writeSampleEvidence } from '../../host-tools/vectors/sample-evidence.js';
import { readFrames, writeFrames, type Frame } from '../../host-tools/vectors/evidence-tampering.js';
import { CHAIN_LOG_FILE } from '../../host-tools/evidence/evidence-layout.js';

const SEED = 20260301;
const BYTE_MUTATIONS = 3000;
const STRUCTURAL_EDITS = 1000;

/** mulberry32: a small seeded PRNG so a failure can be replayed. */
function prng(seed: number): (n: number) => number {
  let a = seed >>> 0;
  return (n) => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return Math.floor((((t ^ (t >>> 14)) >>> 0) / 4294967296) * n);
  };
}

describe('evidence mutation test', function () {
  const port = new NodeCryptoPort();
  let root: string;
  let dir: string;
  let camera: string;
  let foreign: Frame[];
  // Files that are evidence: the chain and every sealed file a record commits to. camera.pub is
  // pinned with --camera here, and the partial file of a lost segment is not evidence.
  const evidenceFiles = [CHAIN_LOG_FILE, 'segments/r000001-s0001.seg', 'segments/r000002-s0000.seg'];

  before(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'chaincam-mutation-'));
    dir = path.join(root, 'set');
    const keys = sampleKeys('mutation');
    writeSampleEvidence(dir, 'mutation', keys);
    camera = path.join(root, 'camera.pub');
    fs.copyFileSync(path.join(dir, 'camera.pub'), camera);
    writeSampleEvidence(path.join(root, 'foreign'), 'mutation, another camera');
    foreign = readFrames(path.join(root, 'foreign'));
  });
  after(() => fs.rmSync(root, { recursive: true, force: true }));

  const verify = () => verifyEvidence(dir, { port, cameraFile: camera }).report;

  function expectCaught(what: string): void {
    const report = verify();
    assert.equal(report.ok, false, `not caught: ${what}`);
    const failure = report.failure!;
    if (failure.file.startsWith('segments/') && failure.record === undefined) {
      assert.match(failure.message, /segments\/r\d{6}-s\d{4}\.seg/, what);
    } else {
      assert.equal(typeof failure.record, 'number', `${what}: ${failure.message}`);
      assert.match(failure.message, /record #\d+/, `${what}: ${failure.message}`);
    }
  }

  it('starts from a set that verifies', () => {
    assert.equal(verify().ok, true);
  });

  it(`catches ${BYTE_MUTATIONS} random single-byte mutations, naming the record`, () => {
    const random = prng(SEED);
    const originals = evidenceFiles.map((f) => fs.readFileSync(path.join(dir, f)));
    const total = originals.reduce((n, b) => n + b.length, 0);
    for (let i = 0; i < BYTE_MUTATIONS; i++) {
      let at = random(total);
      let which = 0;
      while (at >= originals[which]!.length) at -= originals[which++]!.length;
      const file = path.join(dir, evidenceFiles[which]!);
      const mutated = Buffer.from(originals[which]!);
      mutated[at]! ^= 1 + random(255);
      fs.writeFileSync(file, mutated);
      expectCaught(`mutation #${i}: ${evidenceFiles[which]} byte ${at}`);
      fs.writeFileSync(file, originals[which]!);
    }
    assert.equal(verify().ok, true);
  });

  it(`catches ${STRUCTURAL_EDITS} random structural edits (delete, move, duplicate, insert, splice, truncate, extend)`, () => {
    const random = prng(SEED + 1);
    const frames = readFrames(dir);
    const chainBytes = fs.readFileSync(path.join(dir, CHAIN_LOG_FILE));
    const segments = evidenceFiles.slice(1).map((f) => ({ file: path.join(dir, f), bytes: fs.readFileSync(path.join(dir, f)) }));
    const edits: [string, () => void][] = [
      ['delete a record', () => { const f = [...frames]; f.splice(random(f.length), 1); writeFrames(dir, f); }],
      ['move a record', () => {
        const f = [...frames];
        const from = random(f.length);
        const [moved] = f.splice(from, 1);
        let to = random(f.length + 1);
        if (to === from) to = (to + 1) % (f.length + 1);
        f.splice(to, 0, moved!);
        writeFrames(dir, f);
      }],
      ['duplicate a record', () => { const f = [...frames]; const i = random(f.length); f.splice(i + random(f.length - i + 1), 0, f[i]!); writeFrames(dir, f); }],
      ['insert a record from another camera', () => { const f = [...frames]; f.splice(random(f.length + 1), 0, foreign[random(foreign.length)]!); writeFrames(dir, f); }],
      ['splice in another camera\'s tail', () => { const at = random(frames.length); writeFrames(dir, [...frames.slice(0, at), ...foreign.slice(at)]); }],
      ['truncate chain.log', () => fs.writeFileSync(path.join(dir, CHAIN_LOG_FILE), chainBytes.subarray(0, random(chainBytes.length)))],
      ['extend chain.log', () => fs.writeFileSync(path.join(dir, CHAIN_LOG_FILE), Buffer.concat([chainBytes, Buffer.alloc(1 + random(64), random(256))]))],
      ['truncate a sealed segment', () => { const s = segments[random(segments.length)]!; fs.writeFileSync(s.file, s.bytes.subarray(0, random(s.bytes.length))); }],
      ['extend a sealed segment', () => { const s = segments[random(segments.length)]!; fs.writeFileSync(s.file, Buffer.concat([s.bytes, Buffer.alloc(1 + random(32))])); }],
      ['delete a sealed segment', () => fs.rmSync(segments[random(segments.length)]!.file)],
    ];
    for (let i = 0; i < STRUCTURAL_EDITS; i++) {
      const [name, edit] = edits[i % edits.length]!;
      edit();
      expectCaught(`edit #${i}: ${name}`);
      fs.writeFileSync(path.join(dir, CHAIN_LOG_FILE), chainBytes);
      for (const s of segments) fs.writeFileSync(s.file, s.bytes);
    }
    assert.equal(verify().ok, true);
  });
});
