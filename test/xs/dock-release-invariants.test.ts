// The camera frees footage only for a valid receipt naming it, and the dock stores only evidence
// that verifies, on the real parts: the camera's evidence store on the simulated flash with the
// board's crypto (camera-with-dock), the dock's SQLite store, offloadCamera. And a power cut at
// every write of a docking (the clock-set, each release's event and file delete, the session's
// close) loses nothing sealed, never breaks the chain, and the next docking finishes the job.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { toHex } from '../../firmware/format/bytes.js';
import { encodeRecord, type SegmentRecord } from '../../firmware/format/chain-records.js';
import { DOCK_ERROR } from '../../firmware/format/dock-messages.js';
import { signReceipt } from '../../firmware/format/dock-proofs.js';
import { generateP256KeyPair } from '../../firmware/format/key-derivation.js';
import { offloadCamera } from '../../host-tools/dock/camera-offload.js';
import { DockError } from '../../host-tools/dock/dock-client.js';
import { authenticateCamera } from '../../host-tools/dock/dock-handshake.js';
import { segmentFileName } from '../../host-tools/evidence/evidence-layout.js';
import type { SimulatedBoard } from '../../host-tools/sim/board.js';
import { EvidenceStore } from '../../host-tools/store/evidence-store.js';
import { readFrames, writeFrames } from '../../host-tools/vectors/evidence-tampering.js';
import { verifyEvidence } from '../../host-tools/verify/verify-evidence.js';
import { verifyStore } from '../../host-tools/verify/verify-store.js';
import { attachDock, hostPort, type DockCable } from '../support/dock-harness.js';
import { bootCapture, chainRecords, eventsOf, recordThreeSegments as recordThree } from './capture-support.js';

const FIXTURE = 'test/fixtures/firmware/camera-with-dock';
const CAPTURE = { width: 160, height: 120, fps: 5, segmentSeconds: 1 };
interface DockStatus { held: number[]; missing: number[] }

describe('the camera frees footage only for its own receipts; the dock stores only what verifies (XS)', function () {
  this.timeout(600_000);
  const dock = generateP256KeyPair(hostPort);
  let dir: string;
  let flash: string;
  let board: SimulatedBoard | undefined;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'chaincam-release-'));
    flash = path.join(dir, 'flash');
  });
  afterEach(async () => {
    await board?.close();
    board = undefined;
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const boot = async () => (board = await bootCapture(flash, CAPTURE, { main: FIXTURE }));
  const status = async () => (await board!.command('dock-status')) as DockStatus;
  const segmentFiles = () => fs.readdirSync(path.join(flash, 'segments')).sort();
  const fileOf = (s: SegmentRecord) => segmentFileName(s.recording, s.segmentIndex);
  const offload = (cable: DockCable, store: EvidenceStore) => offloadCamera({ client: cable.client, store, dockKey: dock, port: hostPort, log: () => undefined });

  /** A provisioned camera that recorded 2.5 s in 1 s segments (three sealed segments), powered off. */
  async function recordThreeSegments(): Promise<SegmentRecord[]> {
    const recorded = await recordThree(flash, dock.publicKey, boot);
    await recorded.board.close();
    board = undefined;
    return recorded.segments;
  }

  /** Nothing released on the camera: every segment held, its file there, no release event. */
  async function nothingReleased(segments: SegmentRecord[]): Promise<void> {
    assert.deepEqual((await status()).held, segments.map((s) => s.sequence), 'every segment is still held');
    assert.deepEqual(segmentFiles(), segments.map(fileOf), 'every sealed file is still on the camera');
    assert.deepEqual(eventsOf(chainRecords(flash), 'release'), [], 'no release event');
  }

  it("refuses a receipt, signed by its enrolled dock, that names another camera: nothing released", async () => {
    const segments = await recordThreeSegments();
    await boot();
    const cable = attachDock(board!);
    const auth = await authenticateCamera(cable.client, hostPort, dock, () => undefined);
    const other = Uint8Array.from(auth.hello.deviceId, (b) => b ^ 0xff);
    const [first] = segments;
    const { fields, signature } = signReceipt(hostPort, dock.privateKey, {
      deviceId: other, dockId: auth.dockId, segmentSequence: first!.sequence, sealedLength: first!.sealedLength,
      sealedDigest: first!.sealedDigest, storedTime: 1, records: 1, headLink: new Uint8Array(32), storeId: 0,
    });
    await assert.rejects(cable.client.request({ type: 'release', receipt: fields, signature }, 'released'),
      (e: unknown) => e instanceof DockError && e.code === DOCK_ERROR.receiptRefused && /receipt refused, nothing released: it names another camera/.test(e.message));
    await nothingReleased(segments);
    // The same receipt naming this camera is accepted: the refusal was for the camera's name alone.
    const own = signReceipt(hostPort, dock.privateKey, {
      deviceId: auth.hello.deviceId, dockId: auth.dockId, segmentSequence: first!.sequence, sealedLength: first!.sealedLength,
      sealedDigest: first!.sealedDigest, storedTime: 1, records: 1, headLink: new Uint8Array(32), storeId: 0,
    });
    const released = await cable.client.request({ type: 'release', receipt: own.fields, signature: own.signature }, 'released');
    assert.equal(released.segmentSequence, first!.sequence);
    assert.ok(!segmentFiles().includes(fileOf(first!)));
    board!.throwIfFaulted();
  });

  it('a camera whose chain was altered (a segment record rewritten, its link kept) is refused: nothing stored, nothing released', async () => {
    const segments = await recordThreeSegments();
    const frames = readFrames(flash);
    const second = segments[1]!;
    frames[second.sequence]!.body = encodeRecord({ ...second, legalGround: 4 });
    writeFrames(flash, frames);
    await boot();
    const storeDir = path.join(dir, 'store');
    const store = EvidenceStore.open(storeDir);
    await assert.rejects(offload(attachDock(board!), store),
      new RegExp(`evidence does not verify, nothing stored or released: .*record #${second.sequence}\\b.*does not match the recomputed link`));
    assert.deepEqual(store.segments(), [], 'the dock stored nothing');
    assert.deepEqual(store.logEntries().filter((e) => e.type === 'segment-stored' || e.type === 'receipt-issued'), [], 'and issued no receipt');
    store.close();
    await nothingReleased(segments);
    board!.throwIfFaulted();
  });

  it('a camera whose sealed segment was altered is refused: nothing stored, nothing released', async () => {
    const segments = await recordThreeSegments();
    const file = path.join(flash, 'segments', fileOf(segments[2]!));
    const bytes = fs.readFileSync(file);
    bytes[bytes.length >> 1]! ^= 0x40;
    fs.writeFileSync(file, bytes);
    await boot();
    const store = EvidenceStore.open(path.join(dir, 'store'));
    await assert.rejects(offload(attachDock(board!), store),
      new RegExp(`segment record #${segments[2]!.sequence} arrived with SHA-256 [0-9a-f]{64}, the camera listed ${toHex(segments[2]!.sealedDigest)}; discarded`));
    assert.deepEqual(store.segments(), [], 'the dock stored nothing');
    assert.deepEqual(store.logEntries().filter((e) => e.type === 'segment-stored' || e.type === 'receipt-issued'), [], 'and issued no receipt');
    store.close();
    await nothingReleased(segments);
    board!.throwIfFaulted();
  });

  it('a power cut at every write of a docking: nothing sealed lost, the chain verifies, the next docking completes', async () => {
    const segments = await recordThreeSegments();
    const recorded = path.join(dir, 'recorded');
    fs.cpSync(flash, recorded, { recursive: true });

    // The reference docking: how many writes it makes on the camera.
    await boot();
    const before = board!.storage.writes;
    const reference = await offload(attachDock(board!), EvidenceStore.open(path.join(dir, 'reference-store')));
    assert.deepEqual([reference.stored, reference.released], [3, 3]);
    const writes = board!.storage.writes - before;
    await board!.close();
    board = undefined;
    assert.ok(writes >= 3 * 2 + 2, `a docking of three segments writes the clock-set, three release events and deletes, and the close (${writes} writes)`);

    const seen = { clockSetCut: 0, releaseUncommitted: 0, releaseCommittedFileKept: 0, closeCut: 0 };
    for (let cut = 1; cut <= writes; cut++) {
      const what = `cut at write ${cut} of ${writes}`;
      fs.rmSync(flash, { recursive: true, force: true });
      fs.cpSync(recorded, flash, { recursive: true });
      const storeDir = path.join(dir, `store-${cut}`);
      const store = EvidenceStore.open(storeDir);
      await boot();
      board!.storage.cutAtWrite = board!.storage.writes + cut;
      await assert.rejects(offload(attachDock(board!), store), /power lost/, what);
      assert.ok(board!.storage.powerLost, `${what}: the power went`);
      await board!.close();
      board = undefined;

      // What the cut left on the flash, before any recovery.
      const records = chainRecords(flash);
      const released = new Set(eventsOf(records, 'release').map((e) => e.segmentSequence as number));
      const files = new Set(segmentFiles());
      if (eventsOf(records, 'clock-set').length === 0) seen.clockSetCut++;
      for (const s of segments) {
        if (released.has(s.sequence) && files.has(fileOf(s))) seen.releaseCommittedFileKept++;
        if (!released.has(s.sequence)) assert.ok(files.has(fileOf(s)), `${what}: segment record #${s.sequence}'s file is gone without a release event`);
      }
      const storedAtDock = store.segments().length;
      if (storedAtDock > released.size && eventsOf(records, 'clock-set').length) seen.releaseUncommitted++;
      if (released.size === 3) seen.closeCut++;

      // The next boot recovers: the chain verifies, a released file is gone, every other is held.
      await boot();
      const { report } = verifyEvidence(flash, { port: hostPort });
      assert.ok(report.ok, `${what}: ${JSON.stringify(report.failure)}`);
      const held = (await status()).held;
      assert.deepEqual(held, segments.filter((s) => !released.has(s.sequence)).map((s) => s.sequence), `${what}: held after the reboot`);
      assert.deepEqual(segmentFiles(), segments.filter((s) => !released.has(s.sequence)).map(fileOf), `${what}: files after the reboot`);

      // The next docking finishes: each segment stored once, all released, the store verifies.
      await offload(attachDock(board!), store);
      assert.equal(store.logEntries().filter((e) => e.type === 'segment-stored').length, 3, `${what}: each segment stored exactly once`);
      assert.ok(store.segments().every((s) => s.releasedAt !== null), `${what}: all released`);
      store.close();
      assert.deepEqual((await status()).held, [], `${what}: nothing held after the second docking`);
      const stored = verifyStore(storeDir, hostPort);
      assert.ok(stored.ok, `${what}: ${stored.failures.join('\n')}`);
      board!.throwIfFaulted();
      await board!.close();
      board = undefined;
      fs.rmSync(storeDir, { recursive: true, force: true });
    }
    // Each kind of cut the sweep meant to cause happened.
    assert.ok(seen.clockSetCut >= 1, `a cut fell on the clock-set: ${JSON.stringify(seen)}`);
    assert.ok(seen.releaseUncommitted >= 1, `a cut fell on a release event after the dock stored its segment: ${JSON.stringify(seen)}`);
    assert.ok(seen.releaseCommittedFileKept >= 1, `a cut fell between a release event and its file's delete: ${JSON.stringify(seen)}`);
    assert.ok(seen.closeCut >= 1, `a cut fell after the last release (the session's close): ${JSON.stringify(seen)}`);
  });
});
