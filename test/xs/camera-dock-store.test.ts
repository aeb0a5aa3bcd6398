// The dock link over the camera's real evidence store (startDockLink, StoreDockEvidence) in XS:
// a real recording is offloaded into the dock's store, released on the camera (event first,
// then the file), stays released across a reboot, and survives cable pulls without anything
// stored twice.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { toHex } from '../../firmware/format/bytes.js';
import type { SegmentRecord } from '../../firmware/format/chain-records.js';
import { DOCK_ERROR } from '../../firmware/format/dock-messages.js';
import { signReceipt } from '../../firmware/format/dock-proofs.js';
import { generateP256KeyPair } from '../../firmware/format/key-derivation.js';
import { offloadCamera } from '../../host-tools/dock/camera-offload.js';
import { DockError } from '../../host-tools/dock/dock-client.js';
import { authenticateCamera } from '../../host-tools/dock/dock-handshake.js';
import { segmentFileName } from '../../host-tools/evidence/evidence-layout.js';
import type { SimulatedBoard } from '../../host-tools/sim/board.js';
import { provisionFlash } from '../../host-tools/sim/hardware/flash-provisioning.js';
import { EvidenceStore } from '../../host-tools/store/evidence-store.js';
import { verifyEvidence } from '../../host-tools/verify/verify-evidence.js';
import { verifyStore } from '../../host-tools/verify/verify-store.js';
import { CablePulled, attachDock, hostPort, type DockCable } from '../support/dock-harness.js';
import { runSubcommand } from '../support/run-subcommand.js';
import { KEYS, bootCapture, chainRecords, eventsOf, recordThreeSegments as recordThree, writeAgencyKey } from './capture-support.js';
import { projectRoot } from '../../host-tools/sim/project-root.js';
import { storeFingerprint } from '../support/store-fingerprint.js';

const FIXTURE = 'test/fixtures/firmware/camera-with-dock';
const CAPTURE = { width: 160, height: 120, fps: 5, segmentSeconds: 1 };
interface DockStatus { held: number[]; missing: number[]; enrolledDocks: number; chainLength: number; records: number; authenticated: boolean; time: number }

describe('dock link over the camera evidence store (XS)', function () {
  const dock = generateP256KeyPair(hostPort);
  let dir: string;
  let flash: string;
  let board: SimulatedBoard | undefined;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'chaincam-camera-dock-'));
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

  /** Boots a provisioned camera and records 2.5 s in 1 s segments: three sealed segments, all held. */
  async function recordThreeSegments(): Promise<SegmentRecord[]> {
    const { segments } = await recordThree(flash, dock.publicKey, boot);
    assert.deepEqual((await status()).held, segments.map((s) => s.sequence));
    return segments;
  }

  const offload = (cable: DockCable, store: EvidenceStore) => offloadCamera({ client: cable.client, store, dockKey: dock, port: hostPort, log: () => undefined });

  it('offloads a real recording: stored segments verify, the camera released exactly those, and a reboot holds none', async () => {
    const segments = await recordThreeSegments();
    const storeDir = path.join(dir, 'store');
    const store = EvidenceStore.open(storeDir);
    const docked = Date.now();
    const result = await offload(attachDock(board!), store);
    const undocked = Date.now();
    assert.equal(result.stored, 3);
    assert.equal(result.released, 3);
    assert.deepEqual(store.segments().map((s) => s.sealedDigest).sort(), segments.map((s) => toHex(s.sealedDigest)).sort());
    store.close();
    const stored = verifyStore(storeDir, hostPort);
    assert.ok(stored.ok, stored.failures.join('\n'));
    // export as README writes it: a relative store path, from the store, recording 1.
    const agencyKey = path.join(dir, 'agency.key');
    writeAgencyKey(agencyKey);
    const before = storeFingerprint(storeDir);
    const exported = runSubcommand('host-tools/export/export-command.ts', 'registerExportCommand',
      ['export', path.relative(projectRoot, storeDir), '--key', agencyKey, '-o', path.join(dir, 'out'), '--recording', '1']);
    assert.equal(exported.status, 0, exported.stdout + exported.stderr);
    assert.equal((exported.stdout.match(/^exported .*\.avi$/gm) ?? []).length, 1, `one AVI for recording 1: ${exported.stdout}`);
    assert.equal(storeFingerprint(storeDir), before, 'export wrote nothing into the store');
    assert.match(fs.readFileSync(path.join(dir, 'out', 'export-audit.jsonl'), 'utf8'), /"action":"export"/);

    assert.deepEqual(segmentFiles(), [], 'every sealed file is gone from the camera');
    const releases = eventsOf(chainRecords(flash), 'release');
    assert.deepEqual(releases.map((e) => e.segmentSequence), segments.map((s) => s.sequence), 'one release event per segment, in chain order');
    assert.deepEqual(releases.map((e) => toHex(e.sealedDigest)), segments.map((s) => toHex(s.sealedDigest)));
    assert.deepEqual((await status()).held, []);
    const [clockSet] = eventsOf(chainRecords(flash), 'clock-set');
    // The dock's clock during the offload, however long the host took; then the camera's own (virtual) time since.
    assert.ok(clockSet && clockSet.newTime >= docked && clockSet.newTime <= undocked, 'the dock set the camera clock (Time.set) to its own, on the record');
    const cameraTime = (await status()).time;
    assert.ok(cameraTime >= clockSet.newTime && cameraTime - clockSet.newTime < 60_000, `and the camera clock follows it (${cameraTime - clockSet.newTime} ms on)`);

    await board!.close();
    await boot();
    const rebooted = await status();
    assert.deepEqual([rebooted.held, rebooted.missing], [[], []], 'after a reboot nothing is held and nothing is missing');
    assert.ok(!board!.traces.some((t) => t.text.includes('no dock is enrolled')), 'a dock is enrolled: no trace says otherwise');
    const cli = runSubcommand('host-tools/verify/verify-command.ts', 'registerVerifyCommand', ['verify', flash, '--json']);
    assert.equal(cli.status, 0, cli.stdout + cli.stderr);
    const report = JSON.parse(cli.stdout) as { recordings: { segments: { file: string }[] }[] };
    assert.deepEqual(report.recordings[0]!.segments.map((s) => s.file), ['released', 'released', 'released']);
  });

  it('a power cut between the release event and deleting the file: the next boot finishes the release', async () => {
    const [first, second, third] = await recordThreeSegments();
    const cable = attachDock(board!);
    const auth = await authenticateCamera(cable.client, hostPort, dock, () => undefined);
    const name = segmentFileName(first!.recording, first!.segmentIndex);
    const sealed = fs.readFileSync(path.join(flash, 'segments', name));
    const { fields, signature } = signReceipt(hostPort, dock.privateKey, {
      deviceId: auth.hello.deviceId, dockId: auth.dockId, segmentSequence: first!.sequence, sealedLength: first!.sealedLength,
      sealedDigest: first!.sealedDigest, storedTime: 1, records: 1, headLink: new Uint8Array(32), storeId: 0,
    });
    await cable.client.request({ type: 'release', receipt: fields, signature }, 'released');
    const last = chainRecords(flash).at(-1);
    assert.ok(last?.kind === 'event' && last.event.type === 'release', 'the release event is the last record');
    // The power goes before the delete reached the flash: the file is back, the event stays.
    await board!.close();
    fs.writeFileSync(path.join(flash, 'segments', name), sealed);
    await boot();
    assert.ok(!segmentFiles().includes(name), 'boot deleted the released file');
    assert.deepEqual((await status()).held, [second!.sequence, third!.sequence], 'only the unreleased segments are held');
    const { report } = verifyEvidence(flash, { port: hostPort });
    assert.ok(report.ok, JSON.stringify(report.failure));
  });

  it('a held segment whose file vanished is not offered to the dock after a reboot, and verify names it', async () => {
    const [first, second, third] = await recordThreeSegments();
    await board!.close();
    fs.rmSync(path.join(flash, 'segments', segmentFileName(second!.recording, second!.segmentIndex)));
    await boot();
    const after = await status();
    assert.deepEqual([after.held, after.missing], [[first!.sequence, third!.sequence], [second!.sequence]]);
    const { report } = verifyEvidence(flash, { port: hostPort });
    assert.match(report.failure?.message ?? '', /is missing and no release event accounts for it/);
  });

  it('a flash image from before held-segments.idx, or with a stale or damaged one, boots holding what the chain says and offloads it', async () => {
    const segments = await recordThreeSegments();
    const index = path.join(flash, 'held-segments.idx');
    const written = fs.readFileSync(index);
    assert.equal(written.length, 8 + 3 * 52, 'the index: its magic and one 52-byte row per held segment');
    // Before this index existed (an older firmware's flash), a stale copy from an earlier boot, garbage.
    for (const image of [undefined, written.subarray(0, 8 + 52), new Uint8Array(300).fill(0xa5)]) {
      await board!.close();
      if (image) fs.writeFileSync(index, image);
      else fs.rmSync(index);
      await boot();
      assert.deepEqual((await status()).held, segments.map((s) => s.sequence), 'held as the chain says');
      assert.deepEqual(fs.readFileSync(index), written, 'rebuilt from chain.log');
    }
    const store = EvidenceStore.open(path.join(dir, 'store'));
    const result = await offload(attachDock(board!), store);
    assert.deepEqual([result.stored, result.released], [3, 3]);
    store.close();
    assert.deepEqual((await status()).held, []);
    board!.throwIfFaulted();
  });

  it('a cable pulled mid-segment and again mid-release: later dockings resume, nothing is stored twice', async () => {
    const segments = await recordThreeSegments();
    const store = EvidenceStore.open(path.join(dir, 'store'));
    const cable = attachDock(board!);
    const resumedAt: number[] = [];
    const docking = (pull: { midSegment?: number; atRelease?: number } = {}) => {
      const client = cable.reconnect({ readRetries: 1 });
      cable.cut.camera = cable.cut.dock = false;
      cable.pull.at = Infinity;
      let releases = 0;
      let pulled = false;
      const send = client.send.bind(client);
      client.send = (m) => {
        if (m.type === 'read' && m.object === 2 && m.offset > 0) resumedAt.push(m.offset);
        if (m.type === 'read' && m.object === 2 && m.sequence === pull.midSegment && !pulled) {
          pulled = true;
          cable.pull.at = cable.transmitted.bytes + Math.floor(segments[1]!.sealedLength / 2);
        }
        if (m.type === 'release' && ++releases === pull.atRelease) cable.unplug();
        send(m);
      };
      return offload(cable, store);
    };
    // The dock sees the pull itself (CablePulled), not a timeout: nothing else counts as one.
    const lost = (error: unknown) => error instanceof CablePulled;
    // These segments are a few tens of KB: the dock offers 2026's 4 KB frames, so half a segment
    // is whole frames written and acknowledged (32 KB frames: test/xs/dock-link.test.ts).
    const offload = (c: DockCable, s: EvidenceStore) => offloadCamera({ client: c.client, store: s, dockKey: dock, port: hostPort, log: () => undefined, maxData: 4096 });
    // First docking: the cable comes out half way through the second segment's DATA.
    await assert.rejects(docking({ midSegment: segments[1]!.sequence }), lost);
    assert.equal(store.segments().length, 0, 'nothing stored from an unfinished docking');
    // Second docking: resumes the staged bytes; the cable goes at the second RELEASE, after its
    // segment was stored (the dock stores then releases, segment by segment).
    await assert.rejects(docking({ atRelease: 2 }), lost);
    assert.ok(resumedAt.length > 0, 'a segment read resumed from the acknowledged offset');
    assert.deepEqual(store.segments().map((s) => s.releasedAt !== null), [true, false], 'first stored and released, second stored only');
    assert.deepEqual((await status()).held, [segments[1]!.sequence, segments[2]!.sequence], 'the camera released only the first');
    // Third docking: the second is not read or stored again, only released; the third is stored.
    const result = await docking();
    assert.deepEqual([result.stored, result.released], [1, 2]);
    assert.equal(store.logEntries().filter((e) => e.type === 'segment-stored').length, 3, 'each segment stored exactly once');
    assert.ok(store.segments().every((s) => s.releasedAt !== null));
    store.close();
    assert.deepEqual((await status()).held, []);
    assert.deepEqual(segmentFiles(), []);
    const report = verifyStore(path.join(dir, 'store'), hostPort);
    assert.ok(report.ok, report.failures.join('\n'));
    board!.throwIfFaulted();
  });

  it('with docks.bin missing or damaged the camera still boots and records, and refuses every dock saying why', async () => {
    for (const docks of [undefined, new Uint8Array(70)]) {
      fs.rmSync(flash, { recursive: true, force: true });
      provisionFlash(flash, KEYS.camera, KEYS.agency.publicKey);
      if (docks) fs.writeFileSync(path.join(flash, 'docks.bin'), docks);
      await boot();
      assert.equal((await status()).enrolledDocks, 0);
      assert.ok(board!.traces.some((t) => t.text === 'dock link: no dock is enrolled (docks.bin missing, empty or damaged); evidence stays on the camera until one is provisioned\n'), 'the trace says why evidence stays');
      assert.equal(typeof (await board!.command('start', { ground: 1 })), 'object', 'recording is not held up by the dock file');
      await assert.rejects(authenticateCamera(attachDock(board!).client, hostPort, dock, () => undefined),
        (e: unknown) => e instanceof DockError && e.code === DOCK_ERROR.authFailed && /no dock is enrolled.*docks\.bin/.test(e.message));
      await board!.close();
      board = undefined;
    }
  });
});
