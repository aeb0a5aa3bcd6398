// Issues 12 and 13: nothing in the XS heap grows with the segments a camera holds. A camera
// with no dock keeps every sealed segment (4,320 in a 12-hour shift of 10 s segments); their
// index is on flash (firmware/store/held-segments.ts), so the live heap after 200 segments is
// the live heap after 20. Deterministic: virtual time, the board's own worker, a collection
// before each sample, both samples at the same point of a segment.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { generateP256KeyPair } from '../../firmware/format/key-derivation.js';
import { offloadCamera } from '../../host-tools/dock/camera-offload.js';
import type { SimulatedBoard } from '../../host-tools/sim/board.js';
import { provisionFlash } from '../../host-tools/sim/hardware/flash-provisioning.js';
import { EvidenceStore } from '../../host-tools/store/evidence-store.js';
import { attachDock, hostPort } from '../support/dock-harness.js';
import { KEYS, bootCapture } from './capture-support.js';

describe('the XS heap while recording: flat in the segments held (XS)', function () {
  this.timeout(300_000);
  const dock = generateP256KeyPair(hostPort);
  let dir: string;
  let board: SimulatedBoard | undefined;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'chaincam-heap-flat-'));
    provisionFlash(path.join(dir, 'flash'), KEYS.camera, KEYS.agency.publicKey, [dock.publicKey]);
  });
  afterEach(async () => {
    await board?.close();
    board = undefined;
    fs.rmSync(dir, { recursive: true, force: true });
  });

  async function liveAfter(segments: number, from: number): Promise<{ chunks: number; slots: number; held: number }> {
    await board!.advanceTo(from + segments * 1000 + 500); // mid-segment, as at the other sample
    await board!.collectGarbage();
    const live = board!.collectedMemory!;
    const { held } = (await board!.command('state')) as { held: number };
    return { chunks: live.chunks, slots: live.slots, held };
  }

  it('live chunks and slots after 200 held segments are those after 20; a dock then lists them in pages from flash and frees them all', async () => {
    board = await bootCapture(path.join(dir, 'flash'), { width: 160, height: 120, fps: 2, segmentSeconds: 1 },
      { main: 'test/fixtures/firmware/camera-with-dock', camera: { frameBytes: 2500 }, storage: { capacityBytes: 64e6 } });
    await board.advance(500);
    assert.equal(typeof (await board.command('start', { ground: 1 })), 'object');
    const from = board.now;
    const at20 = await liveAfter(20, from);
    const at200 = await liveAfter(200, from);
    assert.ok(at20.held >= 19 && at200.held >= 199, `segments held: ${at20.held}, then ${at200.held}`);
    // A held segment kept in RAM costs at least 48 bytes: 180 more would be 8,640 bytes.
    assert.ok(Math.abs(at200.chunks - at20.chunks) < 1024, `live chunks ${at20.chunks} after 20 segments, ${at200.chunks} after 200`);
    assert.ok(Math.abs(at200.slots - at20.slots) < 16, `live slots ${at20.slots} after 20 segments, ${at200.slots} after 200`);

    // LIST answers 80 entries a page (PROTOCOL.md): three pages, read from the index on flash.
    assert.equal(await board.command('stop'), 'ok');
    await board.advance(500);
    const { held } = (await board.command('state')) as { held: number };
    const store = EvidenceStore.open(path.join(dir, 'store'));
    try {
      const result = await offloadCamera({ client: attachDock(board).client, store, dockKey: dock, port: hostPort, log: () => undefined });
      assert.deepEqual([result.stored, result.released], [held, held], 'every held segment stored and released');
    } finally {
      store.close();
    }
    assert.equal(((await board.command('state')) as { held: number }).held, 0);
    board.throwIfFaulted();
  });
});
