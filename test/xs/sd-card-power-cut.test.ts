// Power cuts at every write on both volumes (the chain on littlefs, footage on the SD card's FAT)
// across a recording of two and a half segments. Each cut is checked to have caused the fault it
// meant to: on the card, the written file is left with a stale directory size (or a torn last
// cluster, or gone) and its new clusters are a lost chain; on flash, littlefs reverts the open file.
// After the reboot the chain verifies against the card, every sealed segment on the chain is on
// the card, and at most the open segment is lost, on the record.
// CHAINCAM_POWER_CUT_STRIDE=1 (the default) cuts at every write; a larger stride samples.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { NodeCryptoPort } from '../../host-tools/crypto/node-crypto-port.js';
import type { SimulatedBoard } from '../../host-tools/sim/board.js';
import { verifyEvidence } from '../../host-tools/verify/verify-evidence.js';
import { bootCapture, chainRecords, eventsOf, provision, recordUntilCut } from './capture-support.js';

const CAPTURE = { width: 160, height: 120, fps: 5, segmentSeconds: 1 };
const CAMERA = { frameBytes: 3000 };

interface Write { volume: 'flash' | 'card'; path: string }

function record(flash: string, card: string, cutAtWrite?: number, log?: Write[]): Promise<{ board: SimulatedBoard | undefined; cut: boolean }> {
  const prepare = (b: SimulatedBoard) => {
    if (!log) return;
    b.storage.onWrite = (file) => log.push({ volume: 'flash', path: `/${file}` });
    b.sdCard!.onWrite = (file) => log.push({ volume: 'card', path: file });
  };
  return recordUntilCut(flash, CAPTURE, { storage: { cutAtWrite }, camera: CAMERA, sdCard: { dir: card, capacityBytes: 32e9, clusterBytes: 4096 }, prepare });
}

describe('power cuts at any write on both volumes: chain on littlefs, footage on the SD card (XS)', function () {
  let work: string;
  beforeEach(() => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'chaincam-sd-cut-'));
  });
  afterEach(() => fs.rmSync(work, { recursive: true, force: true }));

  it('every cut causes the fault it meant to; the reboot loses at most the open segment, on the record, and never a sealed one', async () => {
    const log: Write[] = [];
    provision(path.join(work, 'reference'));
    const reference = await record(path.join(work, 'reference'), path.join(work, 'reference-card'), undefined, log);
    await reference.board!.close();
    assert.ok(log.some((w) => w.volume === 'card') && log.some((w) => w.volume === 'flash'));
    const stride = Number(process.env.CHAINCAM_POWER_CUT_STRIDE ?? 1);
    const faults = { stale: 0, torn: 0, vanished: 0, lost: 0, flash: 0 };
    for (let at = 1; at <= log.length; at += stride) {
      const flash = path.join(work, `flash-${at}`);
      const cardDir = path.join(work, `card-${at}`);
      provision(flash);
      const run = await record(flash, cardDir, at);
      assert.ok(run.cut, `write ${at} cut the power`);
      const cutWrite = log[at - 1]!;
      const fault = run.board?.sdCard?.lastFault;
      if (cutWrite.volume === 'card') {
        assert.ok(fault, `cut at write ${at} (${cutWrite.path} on the card) left a FAT fault`);
        const hit = fault.staleSizes.includes(cutWrite.path) || fault.vanished.includes(cutWrite.path) || fault.tornCluster?.path === cutWrite.path;
        assert.ok(hit, `cut at write ${at}: ${cutWrite.path} shows the cut (${JSON.stringify(fault)})`);
        if (fault.tornCluster) faults.torn++;
        if (fault.staleSizes.length) faults.stale++;
        if (fault.vanished.length) faults.vanished++;
        if (cutWrite.path.endsWith('.seg')) assert.ok(fault.lostClusters > 0, `cut at write ${at}: the segment's new clusters are a lost chain`);
      } else {
        faults.flash++;
        assert.ok(run.board!.storage.powerLost, `cut at write ${at} on flash`);
      }
      if (fault?.lostClusters) faults.lost++;
      await run.board?.close().catch(() => undefined);

      const reboot = await bootCapture(flash, CAPTURE, { camera: CAMERA, sdCard: { dir: cardDir } });
      await reboot.advance(200);
      await reboot.close();
      const volume = path.join(cardDir, 'volume');
      const { report } = verifyEvidence(flash, { port: new NodeCryptoPort(), cardDir: volume });
      assert.ok(report.ok, `cut at write ${at}: ${JSON.stringify(report.failure)}`);
      const records = chainRecords(flash);
      for (const segment of records.filter((r) => r.kind === 'segment')) {
        if (segment.kind !== 'segment') continue;
        const name = `r${String(segment.recording).padStart(6, '0')}-s${String(segment.segmentIndex).padStart(4, '0')}.seg`;
        assert.equal(fs.statSync(path.join(volume, 'segments', name)).size, segment.sealedLength, `cut at write ${at}: sealed ${name} intact on the card`);
      }
      const lost = eventsOf(records, 'segment-lost');
      assert.ok(lost.length <= 1, `cut at write ${at}: ${lost.length} segments lost`);
      if (eventsOf(records, 'recording-start').length) {
        const stops = eventsOf(records, 'recording-stop');
        assert.equal(stops.length, 1, `cut at write ${at}: the recording is closed on the record`);
        if (stops[0]!.stopReason === 5) assert.equal(lost.length, 1, `cut at write ${at}: the open segment's loss is recorded`);
      }
      fs.rmSync(flash, { recursive: true, force: true });
      fs.rmSync(cardDir, { recursive: true, force: true });
    }
    // A sealed segment is written once and closed, never appended again, so no cut here can tear
    // a cluster that a close committed; test/unit/sd-card.test.ts shows the torn cluster on a file
    // that is appended across closes (chain.log, were it on FAT: why it stays on littlefs).
    assert.ok(faults.stale > 0 && faults.lost > 0 && faults.flash > 0, `every kind of fault was exercised: ${JSON.stringify(faults)}`);
  });
});
