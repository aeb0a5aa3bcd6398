// The firmware's ChainWriter and SegmentSealer in XS, on the simulated board's crypto port
// and file system, write byte for byte what the Node encoder writes, and `chaincam verify`
// accepts it.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { toHex } from '../../firmware/format/bytes.js';
import { SeededCryptoPort } from '../../host-tools/crypto/seeded-crypto-port.js';
import { NodeCryptoPort } from '../../host-tools/crypto/node-crypto-port.js';
import { EvidenceSetWriter } from '../../host-tools/evidence/evidence-set-writer.js';
import { CAMERA_PUBLIC_FILE } from '../../host-tools/evidence/evidence-layout.js';
import { cameraDocument } from '../../host-tools/keys/key-files.js';
import { SimulatedBoard } from '../../host-tools/sim/board.js';
import { projectRoot } from '../../host-tools/sim/project-root.js';
import { verifyEvidence } from '../../host-tools/verify/verify-evidence.js';
import { sampleKeys } from '../../host-tools/vectors/sample-evidence.js';
import { EVIDENCE_SCRIPT, footageChunks } from './evidence-inputs.js';

const FIXTURE = 'test/fixtures/firmware/evidence-writer';
const SEED = 'xs-evidence';

function listFiles(dir: string): string[] {
  return fs.readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile())
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name))).sort();
}

describe('evidence sealing and chaining in XS (simulated board)', function () {
  const keys = sampleKeys(SEED);
  let work: string;
  let board: SimulatedBoard | undefined;
  beforeEach(() => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'chaincam-xs-evidence-'));
  });
  afterEach(async () => {
    await board?.close();
    board = undefined;
    fs.rmSync(work, { recursive: true, force: true });
  });

  async function writeInXs(dir: string): Promise<SimulatedBoard> {
    fs.mkdirSync(dir);
    fs.writeFileSync(path.join(dir, CAMERA_PUBLIC_FILE), `${JSON.stringify(cameraDocument(keys.camera, false), null, 2)}\n`);
    board = await SimulatedBoard.boot({ main: FIXTURE, cryptoSeed: `${SEED}/evidence`, storage: { dir } });
    await board.command('init', {
      cameraPrivateKey: toHex(keys.camera.privateKey!), cameraPublicKey: toHex(keys.camera.publicKey), agencyPublicKey: toHex(keys.agency.publicKey),
    });
    for (const step of EVIDENCE_SCRIPT) {
      if (step.op === 'segment') await board.command('prepare', { chunks: step.chunks, chunkBytes: step.chunkBytes, salt: step.salt });
      const result = await board.command(step.op, step as unknown as Record<string, unknown>);
      assert.notEqual(result, undefined, `${step.op} gave no answer`);
    }
    return board;
  }

  function writeInNode(dir: string): void {
    const w = EvidenceSetWriter.create(dir, new SeededCryptoPort(`${SEED}/evidence`), keys.camera, keys.agency.publicKey);
    for (const step of EVIDENCE_SCRIPT) {
      if (step.op === 'event') w.appendEvent(step.time, step.event);
      else if (step.op === 'checkpoint') w.appendCheckpoint(step.time);
      else w.writeSegment({ ...step, chunks: footageChunks(step.chunks, step.chunkBytes, step.salt) });
    }
  }

  it('writes chain.log and sealed segments identical to the Node encoder for the same inputs', async () => {
    const xsDir = path.join(work, 'xs');
    const nodeDir = path.join(work, 'node');
    const b = await writeInXs(xsDir);
    writeInNode(nodeDir);
    const files = listFiles(nodeDir);
    assert.deepEqual(listFiles(xsDir), files);
    assert.ok(files.filter((f) => f.endsWith('.seg')).length === 2);
    for (const file of files) {
      assert.ok(fs.readFileSync(path.join(xsDir, file)).equals(fs.readFileSync(path.join(nodeDir, file))), `${file} differs between XS and Node`);
    }
    await b.collectGarbage();
    assert.equal(b.crypto.openHandles, 0, 'every hash and CTR state on the crypto engine was digested, or released when XS collected it');
  });

  it('seals and chains with random keys (node:crypto) into evidence that `chaincam verify` accepts', async () => {
    const dir = path.join(work, 'random');
    fs.mkdirSync(dir);
    fs.writeFileSync(path.join(dir, CAMERA_PUBLIC_FILE), `${JSON.stringify(cameraDocument(keys.camera, false), null, 2)}\n`);
    board = await SimulatedBoard.boot({ main: FIXTURE, storage: { dir } });
    await board.command('init', {
      cameraPrivateKey: toHex(keys.camera.privateKey!), cameraPublicKey: toHex(keys.camera.publicKey), agencyPublicKey: toHex(keys.agency.publicKey),
    });
    for (const step of EVIDENCE_SCRIPT) {
      if (step.op === 'segment') await board.command('prepare', { chunks: step.chunks, chunkBytes: step.chunkBytes, salt: step.salt });
      await board.command(step.op, step as unknown as Record<string, unknown>);
    }
    const { report } = verifyEvidence(dir, { port: new NodeCryptoPort() });
    assert.ok(report.ok, JSON.stringify(report.failure));
    assert.equal(report.records, EVIDENCE_SCRIPT.length);
    const out = execFileSync(process.execPath, [path.join(projectRoot, 'bin/chaincam.js'), 'verify', dir], { encoding: 'utf8' });
    assert.match(out, new RegExp(`^${EVIDENCE_SCRIPT.length} records verified, `, 'm'));
    assert.match(out, /^VERIFIED: every link, signature and segment digest checks out$/m);
    assert.doesNotMatch(out, /FAILED/);
    // A different seed makes different ciphertext: the port really draws random keys.
    const again = fs.readFileSync(path.join(dir, 'segments/r000001-s0000.seg'));
    assert.equal(again.length, 171 + 5000 + 32);
  });
});
