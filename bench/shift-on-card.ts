// A 12-hour shift on a simulated 32 GB microSD card (160x120 at 2 fps, 2,500-byte frames, so it runs in minutes):
// the chain verifies against the card, the live XS heap stays flat hour by hour, and the free
// space the camera reports equals, to the byte, the card's clusters not held by a file, the
// segments/ directory or a lost chain, counted on the host. Then hours of recording per 32 GB at
// the default capture (VGA 10 fps, 8 kHz audio): with the simulated sensor's JPEGs, and with
// 40 KB frames (a conservative size for an OV2640 VGA JPEG).
// kr-2024 stops a recording at 3 h (maxRecordingMs); the bench starts the next one, as an officer would.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { NodeCryptoPort } from '../host-tools/crypto/node-crypto-port.js';
import { SimulatedBoard } from '../host-tools/sim/board.js';
import { provisionFlash } from '../host-tools/sim/hardware/flash-provisioning.js';
import { boardTarget } from '../host-tools/sim/targets.js';
import { sampleKeys } from '../host-tools/vectors/sample-evidence.js';
import { verifyEvidence } from '../host-tools/verify/verify-evidence.js';

const FIXTURE = 'test/fixtures/firmware/capture-recorder';
const keys = sampleKeys('shift-on-card');
const chaincam = (boardTarget().config as Record<string, any>).chaincam;
const HOUR = 3600_000;

function hostClusters(dir: string, cluster: number): number {
  let clusters = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    clusters += entry.isDirectory() ? 1 + hostClusters(full, cluster) : Math.ceil(fs.statSync(full).size / cluster);
  }
  return clusters;
}

async function withCard<T>(capture: Record<string, unknown>, camera: Record<string, unknown>, run: (board: SimulatedBoard, dir: string) => Promise<T>): Promise<T> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'chaincam-shift-card-'));
  provisionFlash(path.join(dir, 'flash'), keys.camera, keys.agency.publicKey);
  const board = await SimulatedBoard.boot({
    main: FIXTURE, storage: { dir: path.join(dir, 'flash') }, camera, sdCard: { dir: path.join(dir, 'card'), capacityBytes: 32e9 },
    config: { chaincam: { ...chaincam, capture: { ...chaincam.capture, ...capture } } },
  });
  try {
    await board.advance(1000);
    return await run(board, dir);
  } finally {
    await board.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

export async function shiftOnCard(hours = Number(process.env.CHAINCAM_SHIFT_HOURS ?? 12)): Promise<Record<string, number>> {
  const figures: Record<string, number> = {};
  await withCard({ width: 160, height: 120, fps: 2, segmentSeconds: 10 }, { frameBytes: 2500 }, async (board, dir) => {
    const started = performance.now();
    const heap: number[] = [];
    const slots: number[] = [];
    let recordings = 0;
    for (let hour = 0; hour < hours; hour++) {
      for (let quarter = 0; quarter < 4; quarter++) {
        const state = (await board.command('state')) as { state: string };
        if (state.state !== 'recording') {
          const result = await board.command('start', { ground: 1 });
          if (typeof result !== 'object') throw new Error(`hour ${hour}: the camera did not start: ${String(result)}`);
          recordings++;
        }
        await board.advance(HOUR / 4);
      }
      await board.collectGarbage();
      const live = board.collectedMemory;
      heap.push(live ? live.chunks : 0);
      slots.push(live ? live.slots : 0);
      process.stderr.write(`  shift on card: hour ${hour + 1} of ${hours}, live chunks ${heap.at(-1)}, ${((performance.now() - started) / 1000).toFixed(0)} s\n`);
    }
    await board.command('stop');
    await board.advance(1000);
    const state = (await board.command('state')) as { kept: number; freeBytes: number };
    const card = board.sdCard!;
    const cluster = card.state.clusterBytes;
    const hostFree = card.totalBytes - (hostClusters(path.join(dir, 'card', 'volume'), cluster) + card.state.lostClusters) * cluster;
    const { report } = verifyEvidence(path.join(dir, 'flash'), { port: new NodeCryptoPort(), cardDir: path.join(dir, 'card', 'volume') });
    if (!report.ok) throw new Error(`the 12-hour shift does not verify: ${report.failure?.message}`);
    figures['virtual hours recorded'] = hours;
    figures['recordings (kr-2024 stops each at 3 h)'] = recordings;
    figures['frames kept'] = state.kept;
    figures['chain verifies (1 = yes)'] = 1;
    figures['segment records verified'] = report.recordings.reduce((sum, r) => sum + (r as { segments?: unknown[] }).segments!.length, 0);
    figures['live XS chunks after hour 1'] = heap[0]!;
    figures[`live XS chunks after hour ${hours}`] = heap.at(-1)!;
    // The ratio of the firmware's own use: above the simulator's baseline (board-memory.ts).
    const base = board.memory!.baseline;
    figures[`live XS chunks above the baseline, hour ${hours} / hour 1 (goal <= 1.01)`] = Math.round((10_000 * (heap.at(-1)! - base.chunks)) / (heap[0]! - base.chunks)) / 10_000;
    figures['live XS slots after hour 1'] = slots[0]!;
    figures[`live XS slots after hour ${hours}`] = slots.at(-1)!;
    figures['free bytes the camera reports'] = state.freeBytes;
    figures['free bytes counted on the host'] = hostFree;
    figures['difference, bytes (goal 0)'] = state.freeBytes - hostFree;
    figures['card bytes written'] = card.bytesWritten;
    figures['host seconds'] = Math.round((performance.now() - started) / 1000);
  });
  for (const [label, camera] of [['simulated sensor JPEGs', {}], ['40 KB frames', { frameBytes: 40_000 }]] as const) {
    await withCard({}, camera, async (board) => {
      const card = board.sdCard!;
      await board.command('start', { ground: 1 });
      await board.advance(5000);
      const usedFrom = card.totalBytes - card.freeBytes;
      const from = board.now;
      await board.advance(60_000);
      const rate = (card.totalBytes - card.freeBytes - usedFrom) / ((board.now - from) / 1000);
      figures[`VGA 10 fps + 8 kHz, ${label}: card bytes per second`] = Math.round(rate);
      figures[`VGA 10 fps + 8 kHz, ${label}: hours per 32 GB card`] = Number((card.totalBytes / rate / 3600).toFixed(1));
    });
  }
  return figures;
}
