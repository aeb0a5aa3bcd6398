// Power cuts at every write across a recording of two and a half segments, on both flash
// models (littlefs: uncommitted writes revert; torn: the cut write lands half). After the
// reboot the chain verifies, every segment closed before the cut is there, and at most the
// open segment is lost, on the record as `segment-lost` with the recording stopped.
// Each sweep checks the faults it meant to cause happened (cuts during the boot, lost open
// segments, torn tails on the torn model and none on littlefs), and that the reboot's power-on
// and stop records say what the cut left. CHAINCAM_POWER_CUT_STRIDE=1 (the default) cuts at
// every write; a larger stride samples (and skips the checks of what was caused).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { NodeCryptoPort } from '../../host-tools/crypto/node-crypto-port.js';
import type { SimulatedBoard } from '../../host-tools/sim/board.js';
import { verifyEvidence } from '../../host-tools/verify/verify-evidence.js';
import { readChainLog } from '../../firmware/format/chain-log.js';
import { bootCapture, chainRecords, eventsOf, provision, recordUntilCut as recordCut } from './capture-support.js';

const CAPTURE = { width: 160, height: 120, fps: 5, segmentSeconds: 1 };
const CAMERA = { frameBytes: 3000 };

const recordUntilCut = (flash: string, storage: Record<string, unknown>) => recordCut(flash, CAPTURE, { storage, camera: CAMERA });

describe('power cuts at any write during a recording (XS)', function () {
  let work: string;
  beforeEach(() => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'chaincam-power-cut-'));
  });
  afterEach(() => fs.rmSync(work, { recursive: true, force: true }));

  for (const model of ['littlefs', 'torn'] as const) {
    it(`${model}: after every cut the reboot recovers, the chain verifies, and at most the open segment is lost`, async () => {
      const reference = path.join(work, 'reference');
      provision(reference);
      const full = await recordUntilCut(reference, { model });
      const writes = full.board!.storage.writes;
      await full.board!.close();
      const stride = Number(process.env.CHAINCAM_POWER_CUT_STRIDE ?? 1);
      let cuts = 0;
      const caused = { tornTail: 0, openSegmentLost: 0, duringBoot: 0 };
      for (let at = 1; at <= writes; at += stride) {
        const flash = path.join(work, `${model}-${at}`);
        provision(flash);
        const run = await recordUntilCut(flash, { model, cutAtWrite: at });
        await run.board?.close();
        assert.ok(run.cut, `write ${at} of ${writes} cut the power`);
        // What the cut left, before the reboot: a torn chain.log tail, a recording left open.
        const chainFile = path.join(flash, 'chain.log');
        const left = fs.existsSync(chainFile) ? chainRecords(flash) : [];
        const bootedBefore = eventsOf(left, 'power-on').length > 0;
        if (!bootedBefore) caused.duringBoot++;
        if (fs.existsSync(chainFile) && readChainLog(new Uint8Array(fs.readFileSync(chainFile))).problem !== undefined) caused.tornTail++;
        const leftOpen = eventsOf(left, 'recording-start').length > eventsOf(left, 'recording-stop').length;
        const reboot = await bootCapture(flash, CAPTURE, { camera: CAMERA });
        await reboot.advance(200);
        await reboot.close();
        const { report } = verifyEvidence(flash, { port: new NodeCryptoPort() });
        assert.ok(report.ok, `cut at write ${at}: ${JSON.stringify(report.failure)}`);
        const records = chainRecords(flash);
        const lost = eventsOf(records, 'segment-lost');
        assert.ok(lost.length <= 1, `cut at write ${at}: ${lost.length} segments lost`);
        const started = eventsOf(records, 'recording-start').length;
        if (started) {
          const stops = eventsOf(records, 'recording-stop');
          assert.equal(stops.length, 1, `cut at write ${at}: the recording is closed on the record`);
          if (stops[0]!.stopReason === 5) assert.equal(lost.length, 1, `cut at write ${at}: the open segment's loss is recorded`);
          assert.equal(stops[0]!.stopReason === 5, leftOpen, `cut at write ${at}: stopped for the power loss exactly when the cut left the recording open`);
        }
        if (lost.length) caused.openSegmentLost++;
        // One power-on per boot whose first record reached the flash; the reboot's says why it booted.
        const powerOns = eventsOf(records, 'power-on');
        assert.equal(powerOns.length, bootedBefore ? 2 : 1, `cut at write ${at}: power-on records`);
        assert.equal(powerOns.at(-1)!.resetReason, leftOpen ? 5 : 1, `cut at write ${at}: the reboot's reset reason`);
        cuts++;
        fs.rmSync(flash, { recursive: true, force: true });
      }
      // The faults this sweep means to cause happened: cuts during the boot, cuts that lost the
      // open segment, and (on the torn model only: littlefs commits whole appends) a torn tail.
      if (stride === 1) {
        assert.ok(caused.duringBoot >= 1 && caused.openSegmentLost >= 1, `cuts caused ${JSON.stringify(caused)}`);
        if (model === 'torn') assert.ok(caused.tornTail >= 1, `a cut tore chain.log's tail: ${JSON.stringify(caused)}`);
      }
      if (model === 'littlefs') assert.equal(caused.tornTail, 0, 'littlefs never leaves a torn append');
      assert.ok(cuts >= 10, `swept ${cuts} cut points over ${writes} writes`);
    });
  }
});
