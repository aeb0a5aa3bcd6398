// Issues 12 and 13: nothing in the XS heap grows with the segments a camera holds. A camera
// with no dock keeps every sealed segment (4,320 in a 12-hour shift of 10 s segments); their
// index is on flash (firmware/store/held-segments.ts), so the live heap after 200 segments is
// the live heap after 20. Deterministic: virtual time, the board's own worker, a collection
// before each sample, both samples taken stopped.
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

  /** Records `seconds` of 1 s segments, stops, collects: the live heap with nothing in flight. */
  async function recordAndSample(seconds: number): Promise<{ chunks: number; slots: number; held: number }> {
    assert.equal(typeof (await board!.command('start', { ground: 1 })), 'object');
    await board!.advance(seconds * 1000 + 200);
    assert.equal(await board!.command('stop'), 'ok');
    await board!.advance(1000);
    await board!.collectGarbage();
    const live = board!.collectedMemory!;
    const { held } = (await board!.command('state')) as { held: number };
    return { chunks: live.chunks, slots: live.slots, held };
  }

  it('live chunks and slots with 200 segments held are those with 20; a dock then lists them in pages from flash and frees them all', async () => {
    board = await bootCapture(path.join(dir, 'flash'), { width: 160, height: 120, fps: 2, segmentSeconds: 1 },
      { main: 'test/fixtures/firmware/camera-with-dock', camera: { frameBytes: 2500 }, storage: { capacityBytes: 64e6 } });
    await board.advance(500);
    // Sampled stopped: while recording, what is queued for the card depends on where in its
    // 16 KiB write the sample falls (about 100 slots either way), not on the segments held.
    const at20 = await recordAndSample(20);
    const at200 = await recordAndSample(180);
    assert.deepEqual([at20.held, at200.held], [20, 200], 'segments held');
    // Kept in RAM, 180 more segments would cost at least 8,640 bytes (48 each) or 180 slots.
    assert.ok(Math.abs(at200.chunks - at20.chunks) < 2048, `live chunks ${at20.chunks} with 20 segments held, ${at200.chunks} with 200`);
    assert.ok(Math.abs(at200.slots - at20.slots) < 128, `live slots ${at20.slots} with 20 segments held, ${at200.slots} with 200`);

    // LIST answers 80 entries a page (PROTOCOL.md): three pages, read from the index on flash.
    const held = at200.held;
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
