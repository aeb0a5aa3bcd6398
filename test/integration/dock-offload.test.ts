import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SimulatedBoard } from '../../host-tools/sim/board.js';
import { SerialBridge } from '../../host-tools/sim/serial-bridge.js';
import { DockStation } from '../../host-tools/dock/dock-station.js';
import { EvidenceStore } from '../../host-tools/store/evidence-store.js';
import { verifyStore } from '../../host-tools/verify/verify-store.js';
import { generateP256KeyPair } from '../../firmware/format/key-derivation.js';
import { toHex } from '../../firmware/format/bytes.js';
import { hostPort } from '../support/dock-harness.js';
import { ptyPair, type PtyPair } from '../support/pty-pair.js';

// The simulated camera (XS: the dock link over its evidence store on the simulated flash) on
// one end of a real pty pair, `chaincam dock`'s station on the other. Over a pty time is the
// host's: the station's reply timeout is only a stop for a hung run, never a result.
describe('dock offload over real pseudo-terminals', function () {
  let pair: PtyPair | undefined;
  let board: SimulatedBoard | undefined;
  let bridge: SerialBridge | undefined;
  let dir: string;
  beforeEach(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'chaincam-store-')); });
  afterEach(async () => {
    await bridge?.close();
    await board?.close();
    await pair?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  async function camera(dockPublicKey: Uint8Array, sizes: number[][]) {
    pair = await ptyPair();
    board = await SimulatedBoard.boot({ main: 'test/fixtures/firmware/dock-camera' });
    const cameraKey = generateP256KeyPair(hostPort);
    await board.command('provision', { cameraPrivateKey: toHex(cameraKey.privateKey), enrolledDocks: [toHex(dockPublicKey)] });
    const made = [];
    for (const [i, s] of sizes.entries()) made.push(...((await board.command('record', { recording: i + 1, sizes: s })) as { sequence: number }[]));
    bridge = await SerialBridge.open({ board, path: pair.camera });
    bridge.start();
    return made;
  }

  it('offloads a multi-segment recording: verified, stored, receipted, released on the camera', async () => {
    const dockKey = generateP256KeyPair(hostPort);
    const made = await camera(dockKey.publicKey, [[40_000, 70_000, 5_000], [30_000]]);
    const store = EvidenceStore.open(dir);
    const lines: string[] = [];
    const station = new DockStation({ path: pair!.dock, baud: 2_000_000, store, dockKey, port: hostPort, log: (l) => lines.push(l), once: true, timeoutMs: 30_000 });
    const result = await station.run();
    await station.stop();
    assert.equal(result?.stored, 4);
    assert.equal(result?.released, 4);
    assert.ok(lines.some((l) => /clock set from .* to /.test(l)), 'old and new camera time logged');
    const status = (await board!.command('status')) as { held: number[] };
    assert.deepEqual(status.held, [], 'the camera freed every segment');
    assert.equal(store.segments().length, 4);
    assert.ok(store.segments().every((s) => s.releasedAt !== null));
    assert.deepEqual(store.logEntries().map((e) => e.type),
      ['store-opened', 'camera-pinned', ...Array(4).fill(['segment-stored', 'receipt-issued', 'segment-released']).flat(), 'chain-committed'],
      'the signed log holds each segment stored, its receipt whole and its release, then the chain');
    assert.ok(made.length === 4);
    store.close();
    const report = verifyStore(dir, hostPort);
    assert.ok(report.ok, report.failures.join('\n'));
    assert.equal(report.segments, 4);
    assert.equal(report.pending, 0);
  });
});
