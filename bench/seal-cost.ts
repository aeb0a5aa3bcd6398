// XS cost of sealing and chaining one segment on the simulated board, for segments of
// 10 KB, 1 MB and 5 MB fed as the same number of chunks (frames): the computrons must not
// grow with the bytes, because bulk work belongs to the native crypto, not to JavaScript.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { toHex } from '../firmware/format/bytes.js';
import { SimulatedBoard } from '../host-tools/sim/board.js';
import { sampleKeys } from '../host-tools/vectors/sample-evidence.js';

const CHUNKS = 50;

export async function sealCost(): Promise<Record<string, number>> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'chaincam-seal-cost-'));
  const keys = sampleKeys('seal-cost');
  const board = await SimulatedBoard.boot({ main: 'test/fixtures/firmware/evidence-writer', storage: { dir } });
  try {
    await board.command('init', {
      cameraPrivateKey: toHex(keys.camera.privateKey!), cameraPublicKey: toHex(keys.camera.publicKey), agencyPublicKey: toHex(keys.agency.publicKey),
    });
    const figures: Record<string, number> = {};
    const cost: number[] = [];
    let segmentIndex = 0;
    for (const bytes of [10_000, 1_000_000, 5_000_000]) {
      await board.command('prepare', { chunks: CHUNKS, chunkBytes: bytes / CHUNKS, salt: segmentIndex });
      await board.command('segment', { recording: 1, segmentIndex, startTime: 0, endTime: 10_000, legalGround: 1, noticeIndicators: 7 });
      const sealed = board.meters.at(-1)!.meter.compute;
      await board.command('checkpoint', { time: 10_000 });
      const checkpoint = board.meters.at(-1)!.meter.compute;
      segmentIndex++;
      cost.push(sealed + checkpoint);
      figures[`seal+chain+checkpoint ${bytes / 1000} KB computrons`] = sealed + checkpoint;
    }
    figures['ratio 1 MB / 10 KB (goal ~1.0)'] = Number((cost[1]! / cost[0]!).toFixed(3));
    figures['ratio 5 MB / 10 KB (goal ~1.0)'] = Number((cost[2]! / cost[0]!).toFixed(3));
    return figures;
  } finally {
    await board.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
