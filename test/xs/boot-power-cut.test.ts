// Power cuts at every write of a boot: a second cut during the recovery from a first (the torn
// tail's copy, its rename, the power-on, segment-lost and recording-stop records, the checkpoint),
// and during a boot that puts a new configuration on the chain (firmware/main). Each sweep checks
// that the cuts it meant to cause happened, and that after the next boot the chain verifies,
// everything sealed before the first cut is still there, and at most the open segment is lost.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { bytesEqual, toHex } from '../../firmware/format/bytes.js';
import { readChainLog } from '../../firmware/format/chain-log.js';
import { generateP256KeyPair } from '../../firmware/format/key-derivation.js';
import type { SegmentRecord } from '../../firmware/format/chain-records.js';
import { segmentFileName } from '../../host-tools/evidence/evidence-layout.js';
import { NodeCryptoPort } from '../../host-tools/crypto/node-crypto-port.js';
import { SimulatedBoard } from '../../host-tools/sim/board.js';
import { provisionFlash } from '../../host-tools/sim/hardware/flash-provisioning.js';
import { boardTarget } from '../../host-tools/sim/targets.js';
import { verifyEvidence } from '../../host-tools/verify/verify-evidence.js';
import { CAPTURE_FIXTURE, KEYS, bootCapture, chainRecords, eventsOf, provision, recordUntilCut } from './capture-support.js';

const CAPTURE = { width: 160, height: 120, fps: 5, segmentSeconds: 1 };
const CAMERA = { frameBytes: 3000 };
const port = new NodeCryptoPort();
type Model = 'littlefs' | 'torn';

/** Boots (firmware/main, or the capture fixture) with the power cut at write `cutAtWrite`, runs 300 ms; true when the power went. */
async function bootUntilCut(flash: string, model: Model, cutAtWrite: number | undefined, main?: string): Promise<boolean> {
  let board: SimulatedBoard | undefined;
  try {
    board = await SimulatedBoard.boot({
      main, storage: { dir: flash, model, cutAtWrite }, camera: CAMERA, prepare: (b) => { board = b; },
      ...(main ? { config: captureConfig() } : {}),
    });
    await board.advance(300);
    return board.storage.powerLost;
  } catch (error) {
    if (!/power lost/.test(String((error as Error).message))) throw error;
    assert.ok(board?.storage.powerLost, 'the boot failed for the power cut, not another reason');
    return true;
  } finally {
    await board?.close();
  }
}

function captureConfig(): Record<string, unknown> {
  return { chaincam: { ...(boardTarget().config as Record<string, any>).chaincam, capture: CAPTURE } };
}

/** Writes a boot makes on this flash, counted on a copy. */
async function writesOfBoot(flash: string, work: string, model: Model, main?: string): Promise<number> {
  const copy = path.join(work, 'count');
  fs.cpSync(flash, copy, { recursive: true });
  const board = await SimulatedBoard.boot({
    main, storage: { dir: copy, model }, camera: CAMERA, ...(main ? { config: captureConfig() } : {}),
  });
  await board.advance(300);
  const writes = board.storage.writes;
  await board.close();
  fs.rmSync(copy, { recursive: true, force: true });
  return writes;
}

const segmentsOf = (flash: string) => chainRecords(flash).filter((r): r is SegmentRecord => r.kind === 'segment');

describe('power cuts at every write of a boot (XS)', function () {
  this.timeout(600_000);
  let work: string;
  beforeEach(() => { work = fs.mkdtempSync(path.join(os.tmpdir(), 'chaincam-boot-cut-')); });
  afterEach(() => fs.rmSync(work, { recursive: true, force: true }));

  /**
   * A flash that a first cut left with a torn chain.log tail in the middle of a recording (torn
   * model: the cut append landed half): the chain.log write a cut tears, found from the writes'
   * log of a whole recording.
   */
  async function tornMidRecording(): Promise<{ flash: string; validLength: number; sealed: SegmentRecord[] }> {
    const reference = path.join(work, 'reference');
    provision(reference);
    const chainWrites: number[] = [];
    const full = await recordUntilCut(reference, CAPTURE, {
      storage: { model: 'torn' }, camera: CAMERA,
      prepare: (b) => { b.storage.onWrite = (file) => { if (file === 'chain.log') chainWrites.push(b.storage.writes); }; },
    });
    await full.board!.close();
    // The chain.log appends of the recording: its segment records and checkpoints, after the boot's.
    for (const at of chainWrites.slice(Math.floor(chainWrites.length / 2))) {
      const flash = path.join(work, `torn-${at}`);
      provision(flash);
      const run = await recordUntilCut(flash, CAPTURE, { storage: { model: 'torn', cutAtWrite: at }, camera: CAMERA });
      await run.board?.close();
      assert.ok(run.cut, `write ${at} cut the power`);
      const bytes = new Uint8Array(fs.readFileSync(path.join(flash, 'chain.log')));
      const { problem } = readChainLog(bytes);
      const open = eventsOf(chainRecords(flash), 'recording-start').length > eventsOf(chainRecords(flash), 'recording-stop').length;
      if (problem && open) return { flash, validLength: problem.offset, sealed: segmentsOf(flash) };
      fs.rmSync(flash, { recursive: true, force: true });
    }
    throw new Error('no chain.log write of the recording left a torn tail');
  }

  for (const model of ['torn', 'littlefs'] as const) {
    it(`${model}: a second cut at any write of the recovery boot (torn-tail copy, rename, recovery records) loses nothing more`, async () => {
      const torn = await tornMidRecording();
      const tornBytes = fs.readFileSync(path.join(torn.flash, 'chain.log'));
      assert.ok(torn.sealed.length >= 1, 'segments were sealed before the first cut');
      const writes = await writesOfBoot(torn.flash, work, model, CAPTURE_FIXTURE);
      assert.ok(writes >= 5, `the recovery boot writes the copy, the rename and its records (${writes} writes)`);
      const seen = { duringCopy: 0, atRename: 0, afterRename: 0 };
      for (let at = 1; at <= writes; at++) {
        const what = `${model}: second cut at write ${at} of ${writes}`;
        const flash = path.join(work, `second-${at}`);
        fs.cpSync(torn.flash, flash, { recursive: true });
        assert.ok(await bootUntilCut(flash, model, at, CAPTURE_FIXTURE), `${what}: the power went`);
        // What this cut left: chain.log still torn with a partial or complete copy beside it, or cut.
        const chain = fs.readFileSync(path.join(flash, 'chain.log'));
        const tmp = path.join(flash, 'chain.log.tmp');
        if (chain.equals(tornBytes) && fs.existsSync(tmp) && fs.statSync(tmp).size < torn.validLength) seen.duringCopy++;
        else if (chain.equals(tornBytes) && fs.existsSync(tmp) && fs.statSync(tmp).size === torn.validLength) seen.atRename++;
        else if (!chain.equals(tornBytes)) {
          assert.ok(bytesEqual(chain.subarray(0, torn.validLength), tornBytes.subarray(0, torn.validLength)), `${what}: the complete records are kept`);
          seen.afterRename++;
        }
        // The next boot recovers.
        const board = await bootCapture(flash, CAPTURE, { camera: CAMERA, storage: { model } });
        await board.advance(300);
        board.throwIfFaulted();
        await board.close();
        const { report } = verifyEvidence(flash, { port });
        assert.ok(report.ok, `${what}: ${JSON.stringify(report.failure)}`);
        const records = chainRecords(flash);
        assert.deepEqual(segmentsOf(flash).map((s) => toHex(s.sealedDigest)), torn.sealed.map((s) => toHex(s.sealedDigest)), `${what}: every sealed segment is still on the chain`);
        for (const s of torn.sealed) assert.ok(fs.existsSync(path.join(flash, 'segments', segmentFileName(s.recording, s.segmentIndex))), `${what}: segment ${s.segmentIndex}'s file is there`);
        const lost = eventsOf(records, 'segment-lost');
        assert.deepEqual(lost.map((e) => [e.recording, e.segmentIndex]), [[torn.sealed.at(-1)!.recording, torn.sealed.at(-1)!.segmentIndex + 1]], `${what}: only the open segment is lost, once`);
        assert.deepEqual(eventsOf(records, 'recording-stop').map((e) => e.stopReason), [5], `${what}: the recording is closed once, for the power loss`);
        assert.ok(!fs.existsSync(tmp), `${what}: no copy left behind`);
        fs.rmSync(flash, { recursive: true, force: true });
      }
      // The cuts this sweep meant to cause: in the copy (torn model: a partial copy survives;
      // littlefs: the unclosed copy vanishes), at the rename, and after it.
      if (model === 'torn') assert.ok(seen.duringCopy >= 1, `a cut fell during the torn tail's copy: ${JSON.stringify(seen)}`);
      assert.ok(seen.atRename >= 1, `a cut fell at the rename: ${JSON.stringify(seen)}`);
      assert.ok(seen.afterRename >= 3, `cuts fell on the recovery records: ${JSON.stringify(seen)}`);
    });
  }

  it('a cut at any write of a boot that records a new configuration (firmware/main): the change lands once', async () => {
    const flash = path.join(work, 'configured');
    const dockA = generateP256KeyPair(port).publicKey;
    const dockB = generateP256KeyPair(port).publicKey;
    provisionFlash(flash, KEYS.camera, KEYS.agency.publicKey, [dockA]);
    assert.equal(await bootUntilCut(flash, 'littlefs', undefined), false);
    // The equipment room enrols a second dock: the next boot records the new configuration.
    provisionFlash(flash, KEYS.camera, KEYS.agency.publicKey, [dockA, dockB]);
    const before = fs.readFileSync(path.join(flash, 'chain.log'));
    const writes = await writesOfBoot(flash, work, 'littlefs');
    const seen = { beforeChange: 0, changeNotSigned: 0, signed: 0 };
    let newDigest: string | undefined;
    for (let at = 1; at <= writes; at++) {
      const what = `cut at write ${at} of ${writes}`;
      const copy = path.join(work, `config-${at}`);
      fs.cpSync(flash, copy, { recursive: true });
      assert.ok(await bootUntilCut(copy, 'littlefs', at), `${what}: the power went`);
      const records = chainRecords(copy);
      const changes = eventsOf(records, 'config-change');
      if (changes.length === 1) seen.beforeChange++;
      else if (records.at(-1)?.kind !== 'checkpoint') seen.changeNotSigned++;
      else seen.signed++;
      assert.ok(bytesEqual(fs.readFileSync(path.join(copy, 'chain.log')).subarray(0, before.length), before), `${what}: the chain before this boot is intact`);
      assert.equal(await bootUntilCut(copy, 'littlefs', undefined), false);
      const { report } = verifyEvidence(copy, { port });
      assert.ok(report.ok, `${what}: ${JSON.stringify(report.failure)}`);
      const after = eventsOf(chainRecords(copy), 'config-change').map((e) => toHex(e.configDigest));
      assert.equal(after.length, 2, `${what}: the first configuration and the new one, each once: ${after.length}`);
      newDigest ??= after[1];
      assert.equal(after[1], newDigest, `${what}: the same new configuration`);
      fs.rmSync(copy, { recursive: true, force: true });
    }
    assert.ok(seen.beforeChange >= 1 && seen.changeNotSigned >= 1, `cuts fell before the config-change was written and after it, before its checkpoint: ${JSON.stringify(seen)}`);
  });
});
