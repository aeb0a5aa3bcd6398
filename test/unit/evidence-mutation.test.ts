// Thousands of random single-byte mutations and structural edits of a valid evidence set:
// verify must reject every one, naming exactly the record at fault: the first frame of chain.log
// that differs from the original (or that no longer delimits), the first record a checkpoint no
// longer covers when the chain lost its tail, or the segment record whose sealed file was edited.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { NodeCryptoPort } from '../../host-tools/crypto/node-crypto-port.js';
import { verifyEvidence } from '../../host-tools/verify/verify-evidence.js';
import { sampleKeys, writeSampleEvidence } from '../../host-tools/vectors/sample-evidence.js';
import { readFrames, writeFrames, type Frame } from '../../host-tools/vectors/evidence-tampering.js';
import { CHAIN_LOG_FILE, segmentFileName } from '../../host-tools/evidence/evidence-layout.js';
import { bytesEqual } from '../../firmware/format/bytes.js';
import { readChainLog } from '../../firmware/format/chain-log.js';
import { decodeRecord } from '../../firmware/format/chain-records.js';

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
  /** Each sealed file's segment record, and the files as written. */
  const segmentRecordOf = new Map<string, number>();
  let segmentOriginals: Buffer[];
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
    segmentOriginals = evidenceFiles.slice(1).map((f) => fs.readFileSync(path.join(dir, f)));
    for (const frame of readChainLog(new Uint8Array(fs.readFileSync(path.join(dir, CHAIN_LOG_FILE)))).frames) {
      const record = decodeRecord(frame.body);
      if (record.kind !== 'segment') continue;
      const file = evidenceFiles.find((f) => f === `segments/${segmentFileName(record.recording, record.segmentIndex)}`);
      if (file) segmentRecordOf.set(file, record.sequence);
    }
    assert.equal(segmentRecordOf.size, evidenceFiles.length - 1, 'every sealed file has its segment record');
  });
  after(() => fs.rmSync(root, { recursive: true, force: true }));

  const verify = () => verifyEvidence(dir, { port, cameraFile: camera }).report;

  /**
   * The record verify must name, worked out from the bytes alone (not from verify): for an edited
   * chain.log, the first frame that no longer delimits or differs from the original; if every
   * frame left is original, the first record no checkpoint covers (the tail was cut) or the first
   * frame past the original end (something was appended); for an edited sealed file, the segment
   * record that commits to it.
   */
  function faultyRecord(original: Uint8Array): number {
    const segment = segmentRecordOf.get(changedSegmentFile() ?? '');
    if (segment !== undefined) return segment;
    const before = readChainLog(original).frames;
    const { frames, problem } = readChainLog(new Uint8Array(fs.readFileSync(path.join(dir, CHAIN_LOG_FILE))));
    let first = frames.findIndex((f, i) => !before[i] || !bytesEqual(f.body, before[i]!.body) || !bytesEqual(f.storedLink, before[i]!.storedLink));
    if (problem && (first < 0 || problem.index < first)) first = problem.index;
    if (first >= 0) return first;
    if (frames.length > before.length) return before.length;
    let lastCheckpoint = -1;
    frames.forEach((f, i) => { if (decodeRecord(f.body).kind === 'checkpoint') lastCheckpoint = i; });
    return lastCheckpoint + 1;
  }

  function changedSegmentFile(): string | undefined {
    return evidenceFiles.slice(1).find((f, i) => {
      const file = path.join(dir, f);
      return !fs.existsSync(file) || !fs.readFileSync(file).equals(segmentOriginals[i]!);
    });
  }

  function expectCaught(what: string, originalChain: Uint8Array): void {
    const expected = faultyRecord(originalChain);
    const report = verify();
    assert.equal(report.ok, false, `not caught: ${what}`);
    const failure = report.failure!;
    assert.equal(failure.record, expected, `${what}: verify named record ${failure.record}, the fault is in record #${expected}: ${failure.message}`);
    assert.match(failure.message, new RegExp(`record #${expected}\\b`), `${what}: ${failure.message}`);
  }

  it('starts from a set that verifies', () => {
    assert.equal(verify().ok, true);
  });

  it(`catches ${BYTE_MUTATIONS} random single-byte mutations, naming exactly the record`, () => {
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
      expectCaught(`mutation #${i}: ${evidenceFiles[which]} byte ${at}`, originals[0]!);
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
      expectCaught(`edit #${i}: ${name}`, chainBytes);
      fs.writeFileSync(path.join(dir, CHAIN_LOG_FILE), chainBytes);
      for (const s of segments) fs.writeFileSync(s.file, s.bytes);
    }
    assert.equal(verify().ok, true);
  });
});
