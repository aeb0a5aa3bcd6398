// Footage on the microSD card (XS): the store seals segments onto the card's FAT volume and keeps
// its chain on littlefs; the card's real free space (whole clusters) is what the camera sees; a
// card that is absent, unformatted, failing or another camera's refuses every start with the
// reason, on the chain; a card pulled mid-recording loses only the open segment, on the record.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { NodeCryptoPort } from '../../host-tools/crypto/node-crypto-port.js';
import type { SimulatedBoard } from '../../host-tools/sim/board.js';
import { SdCard, type SdCardOptions } from '../../host-tools/sim/hardware/sd-card.js';
import { verifyEvidence } from '../../host-tools/verify/verify-evidence.js';
import { bootCapture, chainRecords, eventsOf, provision } from './capture-support.js';

const CAPTURE = { width: 160, height: 120, fps: 5, segmentSeconds: 1 };

describe('footage on the SD card (XS)', function () {
  let dir: string;
  let flash: string;
  let cardDir: string;
  let board: SimulatedBoard | undefined;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'chaincam-sd-'));
    flash = path.join(dir, 'flash');
    cardDir = path.join(dir, 'card');
    provision(flash);
  });
  afterEach(async () => {
    await board?.close();
    board = undefined;
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const boot = (card: Partial<SdCardOptions> = {}, camera: Record<string, unknown> = { frameBytes: 3000 }) =>
    bootCapture(flash, CAPTURE, { camera, sdCard: { dir: cardDir, capacityBytes: 32e9, ...card } });

  it('records onto a 32 GB card: segments on its FAT volume, the chain on flash, free space to the cluster; verify reads both', async () => {
    board = await boot();
    await board.advance(500);
    assert.equal(typeof (await board.command('start', { ground: 1 })), 'object');
    await board.advance(2500);
    await board.command('stop');
    await board.advance(200);
    const volume = path.join(cardDir, 'volume');
    const onCard = fs.readdirSync(path.join(volume, 'segments')).sort();
    assert.deepEqual(onCard, ['r000001-s0000.seg', 'r000001-s0001.seg', 'r000001-s0002.seg']);
    assert.ok(!fs.existsSync(path.join(flash, 'segments')) || fs.readdirSync(path.join(flash, 'segments')).length === 0, 'no footage on the internal flash');
    const card = board.sdCard!;
    const cluster = card.state.clusterBytes;
    assert.equal(cluster, 32 * 1024, 'a 32 GB card is formatted with 32 KiB clusters');
    const fileClusters = [...onCard.map((n) => path.join(volume, 'segments', n)), path.join(volume, 'chaincam-camera.id')]
      .reduce((sum, f) => sum + Math.ceil(fs.statSync(f).size / cluster), 0);
    assert.equal(card.freeBytes, card.totalBytes - (fileClusters + 1) * cluster, 'free space = clusters not held by a file or the segments/ directory');
    const states = eventsOf(chainRecords(flash), 'storage-card');
    assert.equal(states[0]!.condition, 1);
    assert.equal(Number(states[0]!.totalBytes), card.totalBytes);
    const { report } = verifyEvidence(flash, { port: new NodeCryptoPort(), cardDir: volume });
    assert.ok(report.ok, JSON.stringify(report.failure));
    assert.ok(!verifyEvidence(flash, { port: new NodeCryptoPort() }).report.ok, 'without the card the footage is missing');
  });

  for (const [condition, code, reason] of [['absent', 2, /no SD card in the slot/], ['unformatted', 3, /not formatted/], ['failing', 4, /failing/]] as const) {
    it(`a card that is ${condition}: every start is refused with the reason, and condition ${code} is on the chain`, async () => {
      board = await boot({ condition });
      await board.advance(500);
      assert.match(String(await board.command('start', { ground: 1 })), reason);
      assert.equal(board.camera.framesRead, 0);
      const records = chainRecords(flash);
      assert.deepEqual(eventsOf(records, 'storage-card').map((e) => e.condition), [code]);
      assert.equal(eventsOf(records, 'recording-start').length, 0, 'no recording that could not be kept');
      assert.ok(board.traces.some((t) => t.text === `sign card ${code}\n`), `the sign shows card condition ${code}`);
      // The officer's button meets the same refusal, and it is said, not lost.
      await board.press('button', 1200);
      await board.advance(500);
      const said = board.traces.filter((t) => t.text.startsWith('controls: ')).map((t) => t.text);
      assert.equal(said.length, 1, said.join(''));
      assert.match(said[0]!, new RegExp(`^controls: cannot record: .*${reason.source}`));
      assert.equal(eventsOf(chainRecords(flash), 'recording-start').length, 0);
    });
  }

  it('a card filling up: low-space warnings from its real free space, then the recording stops (storage full) before the card is full, and it verifies', async () => {
    board = await bootCapture(flash, { ...CAPTURE, reserveBytes: 65_536, lowSpaceBytes: 600_000 },
      { camera: { frameBytes: 10_000 }, sdCard: { dir: cardDir, capacityBytes: 2_000_000, clusterBytes: 4096 } });
    await board.advance(500);
    await board.command('start', { ground: 1 });
    await board.advance(60_000);
    const records = chainRecords(flash);
    assert.equal(eventsOf(records, 'recording-stop')[0]?.stopReason, 4, 'stopped for storage full');
    assert.equal(eventsOf(records, 'segment-lost').length, 0, 'nothing lost: it stopped before a write failed');
    const warnings = board.traces.filter((t) => /storage low: \d+ bytes free/.test(t.text));
    assert.ok(warnings.length > 0, 'the officer was warned first');
    const card = board.sdCard!;
    assert.ok(card.freeBytes >= 0 && card.freeBytes < 600_000, `the card nearly full: ${card.freeBytes} bytes free`);
    assert.equal(Number(/storage low: (\d+)/.exec(warnings.at(-1)!.text)![1]) % 4096, 0, 'free space in whole clusters, as the card reports it');
    const { report } = verifyEvidence(flash, { port: new NodeCryptoPort(), cardDir: path.join(cardDir, 'volume') });
    assert.ok(report.ok, JSON.stringify(report.failure));
  });

  it("another camera's card: refused, on the chain, and its footage untouched", async () => {
    new SdCard({ dir: cardDir, capacityBytes: 32e9 });
    fs.mkdirSync(path.join(cardDir, 'volume', 'segments'), { recursive: true });
    fs.writeFileSync(path.join(cardDir, 'volume', 'chaincam-camera.id'), Buffer.alloc(16, 0x5a));
    fs.writeFileSync(path.join(cardDir, 'volume', 'segments', 'r000009-s0000.seg'), 'theirs');
    board = await boot();
    await board.advance(500);
    assert.match(String(await board.command('start', { ground: 1 })), /another camera's footage/);
    assert.ok(board.traces.some((t) => t.text === 'sign card 7\n'));
    assert.deepEqual(eventsOf(chainRecords(flash), 'storage-card').map((e) => e.condition), [7]);
    assert.equal(fs.readFileSync(path.join(cardDir, 'volume', 'segments', 'r000009-s0000.seg'), 'utf8'), 'theirs');
  });

  it('a card pulled mid-recording: sealed segments stay, the open one is lost on the record, the recording stops (reason 6), and new starts are refused', async () => {
    board = await boot({ pullAtWrite: 5 });
    await board.advance(500);
    await board.command('start', { ground: 1 });
    await board.advance(5000);
    assert.ok(board.sdCard!.pulled);
    const records = chainRecords(flash);
    const lost = eventsOf(records, 'segment-lost');
    assert.equal(lost.length, 1);
    assert.equal(lost[0]!.lossReason, 4);
    assert.deepEqual(eventsOf(records, 'storage-card').map((e) => e.condition), [1, 6]);
    assert.equal(eventsOf(records, 'recording-stop')[0]!.stopReason, 6);
    const sealed = records.filter((r) => r.kind === 'segment').length;
    assert.ok(sealed >= 1, 'segments sealed before the pull are recorded');
    assert.match(String(await board.command('start', { ground: 1 })), /removed/);
    const stopAt = board.traces.findIndex((t) => /storage failed: stopping/.test(t.text));
    assert.ok(stopAt >= 0 && board.traces.slice(stopAt).some((t) => t.text === 'sign card 6\n'), 'after the stop the sign says the card was removed');
    const { report } = verifyEvidence(flash, { port: new NodeCryptoPort(), cardDir: path.join(cardDir, 'volume') });
    assert.ok(report.ok, JSON.stringify(report.failure));
  });
});
