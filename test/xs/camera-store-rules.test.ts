// The camera's evidence store (firmware/store/evidence-store.ts, chain-event-sink.ts,
// flash-files.ts) rule by rule, in XS on the simulated board: its real littlefs flash and FAT
// card, the board's crypto. Each test drives the store through the evidence-store-commands
// fixture and checks what a user of the evidence would see: the bytes of chain.log and of the
// card, the records on the chain, what is held, freed or missing, and the error text.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fromHex, toHex } from '../../firmware/format/bytes.js';
import { CHAIN_LOG_MAGIC } from '../../firmware/format/chain-log.js';
import type { ChainRecord } from '../../firmware/format/chain-records.js';
import { NodeCryptoPort } from '../../host-tools/crypto/node-crypto-port.js';
import { SimulatedBoard } from '../../host-tools/sim/board.js';
import { SdCard, type SdCardOptions } from '../../host-tools/sim/hardware/sd-card.js';
import { verifyEvidence } from '../../host-tools/verify/verify-evidence.js';
import { chainRecords, eventsOf, provision } from './capture-support.js';

const FIXTURE = 'test/fixtures/firmware/evidence-store-commands';
const port = new NodeCryptoPort();
interface Held { sequence: number; recording: number; segmentIndex: number; sealedLength: number; sealedDigest: string }
interface Opened { deviceId: string; tornBytes: number; openAtCut: { recording: number; openSegment: number; segmentOpen: boolean } | null; missing: Held[]; nextRecording: number; chainLength: number; head: number; heldCount: number; cardCondition: number | null }
interface State extends Opened { freeBytes: number; totalBytes: number; held: Held[] }

/** What follows the records a test started from, as [kind or event type, fields] pairs. */
function summary(records: ChainRecord[]): unknown[] {
  return records.map((r) => {
    if (r.kind === 'checkpoint') return 'checkpoint';
    if (r.kind === 'segment') return ['segment', r.recording, r.segmentIndex];
    const { type, ...fields } = r.event as unknown as Record<string, unknown>;
    return [type, Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, v instanceof Uint8Array ? toHex(v) : typeof v === 'bigint' ? Number(v) : v]))];
  });
}

describe('the camera evidence store, rule by rule (XS)', function () {
  let dir: string;
  let flash: string;
  let cardDir: string;
  let board: SimulatedBoard | undefined;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'chaincam-store-rules-'));
    flash = path.join(dir, 'flash');
    cardDir = path.join(dir, 'card');
    provision(flash);
  });
  afterEach(async () => {
    await board?.close();
    board = undefined;
    fs.rmSync(dir, { recursive: true, force: true });
  });

  /** Boots the fixture (a board left running is closed first: its power goes off). */
  async function boot(card?: Partial<SdCardOptions>): Promise<SimulatedBoard> {
    await board?.close();
    board = await SimulatedBoard.boot({ main: FIXTURE, storage: { dir: flash }, ...(card ? { sdCard: { dir: cardDir, capacityBytes: 1e9, ...card } } : {}) });
    return board;
  }
  const send = (name: string, args: Record<string, unknown> = {}) => board!.command(name, args);
  async function ok(name: string, args: Record<string, unknown> = {}): Promise<any> {
    const result = await send(name, args);
    if (typeof result === 'string' && result.startsWith('error: ')) assert.fail(`${name}: ${result}`);
    return result;
  }
  const open = async (args: Record<string, unknown> = {}) => (await ok('open', args)) as Opened;
  const state = async () => (await ok('state')) as State;
  const chainBytes = () => fs.readFileSync(path.join(flash, 'chain.log'));
  const records = () => chainRecords(flash);
  const event = (e: Record<string, unknown>) => ok('event', { event: e });
  const start = (recording: number) => event({ type: 'recording-start', recording, legalGround: 2, startMode: 1 });

  it('a new store: chain.log begins with its magic, the boot is power-on (reason 1) then a checkpoint, and its length is what the store says', async () => {
    await boot();
    const opened = await open();
    assert.equal(opened.tornBytes, 0);
    assert.equal(opened.openAtCut, null);
    assert.equal(opened.nextRecording, 1);
    assert.equal(opened.chainLength, 8);
    assert.deepEqual(chainBytes(), Buffer.from(CHAIN_LOG_MAGIC));
    assert.deepEqual(await ok('boot', { firmwareVersion: '1.2.3' }), { changed: false });
    assert.deepEqual(summary(records()), [['power-on', { resetReason: 1, firmwareVersion: '1.2.3' }], 'checkpoint']);
    assert.equal((await state()).chainLength, chainBytes().length);
    assert.ok(fs.existsSync(path.join(flash, 'held-segments.idx')), 'the held index is next to chain.log');
    // Each append is committed when it returns (littlefs commits at close): a cut now loses none of it.
    const committed = chainBytes();
    board!.storage.cutPower();
    assert.deepEqual(chainBytes(), committed);
    await boot();
    const flashWrites: string[] = [];
    board!.storage.onWrite = (file) => flashWrites.push(file);
    const again = await open();
    assert.ok(!flashWrites.includes('chain.log.tmp') && !flashWrites.includes('chain.log'), `a chain with nothing torn is not copied or rewritten at boot: ${flashWrites.join(', ')}`);
    assert.equal(again.chainLength, chainBytes().length);
    assert.equal(again.head, 2, 'the head is after the two records');
    assert.equal(again.tornBytes, 0);
  });

  it('a root that does not end in "/" is refused, saying so', async () => {
    await boot();
    assert.equal(await send('open', { root: '/evidence' }), 'error: evidence store root must end with "/", got "/evidence"');
  });
  it('recovery at boot: the open segment lost (reason 1), the recording stopped for the power (5), power-on reason 5, then a checkpoint; a stale open-segment.idx is deleted', async () => {
    await boot();
    await open();
    await ok('boot');
    await start(4);
    const first = await ok('segment', { recording: 4, segmentIndex: 0 });
    assert.deepEqual(await ok('open-segment', { recording: 4, segmentIndex: 1 }), { path: '/segments/r000004-s0001.seg' });
    const before = records().length;
    fs.writeFileSync(path.join(flash, 'open-segment.idx'), Buffer.alloc(16, 7));
    await boot();
    const opened = await open();
    assert.deepEqual(opened.openAtCut, { recording: 4, openSegment: 1, segmentOpen: true });
    assert.equal(opened.nextRecording, 5, 'the number after the last recording started');
    assert.ok(!fs.existsSync(path.join(flash, 'open-segment.idx')), 'the open segment\'s spilled index is deleted');
    assert.deepEqual(opened.missing, []);
    assert.equal(opened.heldCount, 1);
    await ok('boot', { firmwareVersion: 'v2' });
    assert.deepEqual(summary(records().slice(before)), [
      ['power-on', { resetReason: 5, firmwareVersion: 'v2' }],
      ['segment-lost', { recording: 4, segmentIndex: 1, lossReason: 1 }],
      ['recording-stop', { recording: 4, stopReason: 5 }],
      'checkpoint',
    ]);
    assert.deepEqual((await state()).held.map((h) => h.sequence), [first.sequence]);
    // The next boot finds nothing open.
    await boot();
    assert.equal((await open()).openAtCut, null);
  });

  it('a recording whose last record is a segment-lost: the boot stops it and loses nothing more', async () => {
    await boot();
    await open();
    await ok('boot');
    await start(2);
    await ok('open-segment', { recording: 2, segmentIndex: 0 });
    assert.deepEqual(await ok('abandon', { message: 'I/O error' }), { error: 'segment 0 of recording 2 could not be stored (I/O error); its loss is on the record' });
    const before = records().length;
    await boot();
    assert.deepEqual((await open()).openAtCut, { recording: 2, openSegment: 1, segmentOpen: false });
    await ok('boot');
    assert.deepEqual(summary(records().slice(before)), [
      ['power-on', { resetReason: 5, firmwareVersion: 'fixture' }], ['recording-stop', { recording: 2, stopReason: 5 }], 'checkpoint',
    ]);
  });

  it('the next recording number is one past the highest started, whatever the order', async () => {
    await boot();
    await open();
    await start(7);
    await start(3);
    assert.equal((await state()).nextRecording, 8);
    // Only a start counts: a stop naming a higher number, or an event with none, changes nothing.
    await event({ type: 'recording-stop', recording: 9, stopReason: 1 });
    await ok('boot');
    assert.equal((await state()).nextRecording, 8);
    await boot();
    assert.equal((await open()).nextRecording, 8);
  });

  it('the configuration goes on the chain only when it differs from the last one recorded, across boots and within one', async () => {
    const configuration = (n: number) => ({ digest: toHex(new Uint8Array(32).fill(n)), encoded: toHex(Uint8Array.of(1, 2, n)), summary: `config ${n}` });
    await boot();
    await open();
    assert.deepEqual(await ok('boot', { configuration: configuration(1) }), { changed: true });
    assert.deepEqual(await ok('boot', { configuration: configuration(1) }), { changed: false });
    assert.deepEqual(await ok('boot', { configuration: configuration(2) }), { changed: true });
    await boot();
    await open();
    assert.deepEqual(await ok('boot', { configuration: configuration(2) }), { changed: false });
    assert.deepEqual(await ok('boot', {}), { changed: false });
    await boot();
    await open();
    assert.deepEqual(await ok('boot', { configuration: configuration(1) }), { changed: true });
    assert.deepEqual(summary(records()).filter((r) => Array.isArray(r) && r[0] === 'config-change'), [1, 2, 1].map((n) => ['config-change', {
      configDigest: configuration(n).digest, configuration: configuration(n).encoded, summary: `config ${n}`,
    }]));
    assert.deepEqual(summary(records()).filter((r) => r === 'checkpoint').length, 6, 'every boot ends in a checkpoint');
  });

  it('the chain-event sink passes each event on, appends it, and signs the chain after a recording stops, and only then', async () => {
    await boot();
    await open();
    const before = records().length;
    await ok('sink', { event: { type: 'recording-start', recording: 1, legalGround: 2, startMode: 1 } });
    await ok('sink', { event: { type: 'ground-change', recording: 1, fromGround: 2, toGround: 3, reason: 'x' } });
    await ok('sink', { event: { type: 'recording-stop', recording: 1, stopReason: 1 } });
    assert.deepEqual(summary(records().slice(before)).map((r) => (Array.isArray(r) ? r[0] : r)), ['recording-start', 'ground-change', 'recording-stop', 'checkpoint']);
    assert.deepEqual(await ok('passed-on'), ['recording-start', 'ground-change', 'recording-stop']);
    // A sink with nothing to pass events on to (the recorder's `also` is optional).
    await ok('sink', { alone: true, event: { type: 'recording-start', recording: 2, legalGround: 2, startMode: 1 } });
    await ok('sink', { alone: true, event: { type: 'recording-stop', recording: 2, stopReason: 1 } });
    assert.deepEqual(summary(records().slice(-3)).map((r) => (Array.isArray(r) ? r[0] : r)), ['recording-start', 'recording-stop', 'checkpoint']);
    assert.deepEqual(await ok('passed-on'), ['recording-start', 'ground-change', 'recording-stop'], 'nothing more passed on');
  });

  it('releases a held segment: the release event first, then the file; a segment not held is refused by its number and nothing changes', async () => {
    await boot();
    await open();
    await ok('boot');
    await start(1);
    const a = await ok('segment', { recording: 1, segmentIndex: 0, pieces: 2, bytes: 300 });
    const b = await ok('segment', { recording: 1, segmentIndex: 1, pieces: 3, bytes: 200 });
    const fileOf = (h: Held) => path.join(flash, 'segments', `r${String(h.recording).padStart(6, '0')}-s${String(h.segmentIndex).padStart(4, '0')}.seg`);
    assert.equal(fs.statSync(fileOf(a)).size, a.sealedLength);
    let s = await state();
    assert.deepEqual(s.held, [a, b]);
    assert.equal(s.heldCount, 2);
    assert.deepEqual(await ok('held', { from: a.sequence + 1 }), [b]);
    assert.deepEqual(await ok('held', { from: 0, limit: 1 }), [a]);
    // Reads: each segment its own bytes, the one asked for last and then another.
    const bytesA = fs.readFileSync(fileOf(a));
    const bytesB = fs.readFileSync(fileOf(b));
    assert.equal(await ok('read-segment', { sequence: a.sequence, offset: 0, length: 40 }), toHex(bytesA.subarray(0, 40)));
    assert.equal(await ok('read-segment', { sequence: b.sequence, offset: 10, length: 40 }), toHex(bytesB.subarray(10, 50)));
    assert.equal(await ok('read-segment', { sequence: b.sequence, offset: b.sealedLength - 5, length: 40 }), toHex(bytesB.subarray(-5)), 'fewer only at its end');
    assert.equal(await ok('read-segment', { sequence: b.sequence, offset: b.sealedLength, length: 40 }), '');
    assert.equal(await ok('read-segment', { sequence: b.sequence, offset: b.sealedLength + 9, length: 40 }), '');
    assert.equal(await ok('read-segment', { sequence: a.sequence, offset: 7, length: 3 }), toHex(bytesA.subarray(7, 10)));
    const chain = chainBytes();
    assert.equal(await ok('read-chain', { offset: 0, length: 20 }), toHex(chain.subarray(0, 20)));
    assert.equal(await ok('read-chain', { offset: chain.length - 3, length: 20 }), toHex(chain.subarray(-3)));
    assert.equal(await ok('read-chain', { offset: chain.length + 1, length: 20 }), '');
    assert.deepEqual(await ok('held-segment', { sequence: b.sequence }), b);
    assert.equal(await ok('held-segment', { sequence: b.sequence + 1 }), 'not held');

    const receipt = toHex(new Uint8Array(32).fill(0xab));
    const chainBefore = chainBytes();
    assert.equal(await send('release', { sequence: b.sequence + 1, receiptDigest: receipt }), `error: segment record #${b.sequence + 1} is not held on this camera (released already, or never stored)`);
    assert.deepEqual(chainBytes(), chainBefore, 'a refused release writes nothing');
    await ok('release', { sequence: a.sequence, receiptDigest: receipt });
    assert.deepEqual(summary(records().slice(-1)), [['release', { segmentSequence: a.sequence, sealedDigest: a.sealedDigest, receiptDigest: receipt }]]);
    assert.ok(!fs.existsSync(fileOf(a)), 'the released file is deleted');
    assert.ok(fs.existsSync(fileOf(b)));
    s = await state();
    assert.deepEqual(s.held, [b]);
    assert.equal(s.heldCount, 1);
    assert.equal(await send('read-segment', { sequence: a.sequence, offset: 0, length: 4 }), `error: segment record #${a.sequence} is not held on this camera (released, or never stored)`);
    assert.equal(await send('release', { sequence: a.sequence, receiptDigest: receipt }), `error: segment record #${a.sequence} is not held on this camera (released already, or never stored)`);
    assert.equal(await ok('held-segment', { sequence: a.sequence }), 'not held');
    // B asked for, released, then asked for again: not held.
    assert.equal(await ok('read-segment', { sequence: b.sequence, offset: 0, length: 4 }), toHex(bytesB.subarray(0, 4)));
    await ok('release', { sequence: b.sequence, receiptDigest: receipt });
    assert.equal(await send('read-segment', { sequence: b.sequence, offset: 0, length: 4 }), `error: segment record #${b.sequence} is not held on this camera (released, or never stored)`);
    assert.deepEqual(fs.readdirSync(path.join(flash, 'segments')), []);
    await event({ type: 'recording-stop', recording: 1, stopReason: 1 });
    await ok('checkpoint');
    await boot();
    const reopened = await open();
    assert.equal(reopened.heldCount, 0);
    assert.deepEqual(reopened.missing, []);
    const { report } = verifyEvidence(flash, { port });
    assert.ok(report.ok, JSON.stringify(report.failure));
  });
  it('a torn final frame after more than 16 KiB of chain is cut off at boot: the complete frames kept byte for byte, the torn bytes counted, no copy left', async () => {
    await boot();
    await open();
    await ok('boot');
    await start(1);
    await ok('events', { count: 300, event: { type: 'ground-change', recording: 1, fromGround: 2, toGround: 3, reason: 'r'.repeat(120) } });
    await ok('checkpoint');
    const whole = chainBytes();
    assert.ok(whole.length > 3 * 16 * 1024, `the chain spans several 16 KiB pieces (${whole.length} bytes)`);
    // The power went during the next append: half of a frame made it.
    const last = whole.subarray(whole.length - 100);
    fs.appendFileSync(path.join(flash, 'chain.log'), last.subarray(0, 50));
    await boot();
    const flashWrites: string[] = [];
    board!.storage.onWrite = (file) => flashWrites.push(file);
    const opened = await open();
    assert.ok(flashWrites.includes('chain.log.tmp'), 'the complete frames were copied aside');
    assert.equal(opened.tornBytes, 50);
    assert.equal(opened.chainLength, whole.length);
    assert.deepEqual(chainBytes(), whole, 'the complete frames, byte for byte');
    assert.ok(!fs.existsSync(path.join(flash, 'chain.log.tmp')));
    assert.deepEqual(opened.openAtCut, { recording: 1, openSegment: 0, segmentOpen: true });
    await ok('boot');
    const { report } = verifyEvidence(flash, { port });
    assert.ok(report.ok, JSON.stringify(report.failure));
    await boot();
    assert.equal((await open()).tornBytes, 0);
  });

  it("a copy of chain.log left by a cut: deleted when chain.log is there, renamed into place when the cut fell at the rename", async () => {
    await boot();
    await open();
    await ok('boot');
    const chain = chainBytes();
    fs.writeFileSync(path.join(flash, 'chain.log.tmp'), chain.subarray(0, 20));
    await boot();
    let opened = await open();
    assert.ok(!fs.existsSync(path.join(flash, 'chain.log.tmp')), 'a partial copy is deleted');
    assert.deepEqual(chainBytes(), chain);
    assert.equal(opened.head, 2);
    fs.renameSync(path.join(flash, 'chain.log'), path.join(flash, 'chain.log.tmp'));
    await boot();
    opened = await open();
    assert.ok(!fs.existsSync(path.join(flash, 'chain.log.tmp')));
    assert.deepEqual(chainBytes(), chain, 'the complete copy became chain.log');
    assert.equal(opened.head, 2);
    assert.equal(opened.chainLength, chain.length);
  });

  it('a chain.log cut inside its 8-byte magic starts a new chain', async () => {
    await boot();
    fs.writeFileSync(path.join(flash, 'chain.log'), Buffer.from(CHAIN_LOG_MAGIC).subarray(0, 5));
    const opened = await open();
    assert.equal(opened.tornBytes, 0);
    assert.equal(opened.chainLength, 8);
    assert.equal(opened.head, 0);
    assert.deepEqual(chainBytes(), Buffer.from(CHAIN_LOG_MAGIC));
    await ok('boot');
    assert.deepEqual(summary(records()), [['power-on', { resetReason: 1, firmwareVersion: 'fixture' }], 'checkpoint']);
  });

  it('the card: a new or empty owner file is claimed once with the device id; a card of another camera, or an owner file one byte long, is refused', async () => {
    const owner = path.join(cardDir, 'volume', 'chaincam-camera.id');
    await boot({});
    const opened = await open();
    assert.deepEqual(fs.readFileSync(owner), Buffer.from(fromHex(opened.deviceId)));
    assert.ok(fs.existsSync(path.join(cardDir, 'volume', 'segments')));
    await boot({});
    const cardWrites: string[] = [];
    board!.sdCard!.onWrite = (file) => cardWrites.push(file);
    await open();
    await open({ direct: true });
    assert.deepEqual(fs.readFileSync(owner), Buffer.from(fromHex(opened.deviceId)), 'ours: not claimed again');
    assert.deepEqual(cardWrites, [], 'opening the store on its own card writes nothing to it');
    // Every open reads the owner file and closes it (the card has four file slots).
    for (let i = 0; i < 5; i++) await open({ direct: true });
    fs.writeFileSync(owner, '');
    await boot({});
    await open({ direct: true });
    assert.deepEqual(fs.readFileSync(owner), Buffer.from(fromHex(opened.deviceId)), 'an empty owner file (a cut at its first write) is claimed');
    const refusal = "error: this SD card holds another camera's footage: it is not used (dock that camera, or give this camera its own card)";
    for (const other of [Buffer.alloc(16, 0x5a), Buffer.concat([Buffer.from(fromHex(opened.deviceId)), Buffer.of(0)]), Buffer.from(fromHex(opened.deviceId)).subarray(0, 15)]) {
      fs.writeFileSync(owner, other);
      await boot({});
      assert.equal(await send('open', { direct: true }), refusal);
      assert.deepEqual(fs.readFileSync(owner), other, 'the owner file is left as it was');
    }
    // Another camera's card is not written to at all: not even an empty segments/ folder.
    fs.rmSync(cardDir, { recursive: true, force: true });
    new SdCard({ dir: cardDir, capacityBytes: 1e9 });
    fs.writeFileSync(owner, Buffer.alloc(16, 0x5a));
    await boot({});
    assert.equal(await send('open', { direct: true }), refusal);
    assert.deepEqual(fs.readdirSync(path.join(cardDir, 'volume')), ['chaincam-camera.id']);
  });

  it('footage goes on the card: segments there, the chain on flash, and the card state on the chain with its real free and total space', async () => {
    await boot({});
    await open();
    await ok('boot', { cardCondition: 1 });
    await start(1);
    const a = await ok('segment', { recording: 1, segmentIndex: 0, pieces: 3, bytes: 1000 });
    assert.equal(fs.statSync(path.join(cardDir, 'volume', 'segments', 'r000001-s0000.seg')).size, a.sealedLength);
    assert.ok(!fs.existsSync(path.join(flash, 'segments', 'r000001-s0000.seg')));
    // Each read opens the sealed file and closes it (the card has four file slots).
    const sealed = fs.readFileSync(path.join(cardDir, 'volume', 'segments', 'r000001-s0000.seg'));
    for (let i = 0; i < 5; i++) assert.equal(await ok('read-segment', { sequence: a.sequence, offset: i, length: 8 }), toHex(sealed.subarray(i, i + 8)));
    const card = board!.sdCard!;
    await ok('record-card', { condition: 5 });
    const s = await state();
    assert.equal(s.cardCondition, 5);
    assert.equal(s.freeBytes, card.freeBytes);
    assert.equal(s.totalBytes, card.totalBytes);
    assert.ok(card.freeBytes < card.totalBytes);
    const cards = summary(records()).filter((r) => Array.isArray(r) && r[0] === 'storage-card');
    assert.deepEqual(cards.at(-1), ['storage-card', { condition: 5, freeBytes: card.freeBytes, totalBytes: card.totalBytes }]);
    assert.equal((cards[0] as any)[1].condition, 1);
    for (const condition of [6, 2]) {
      await ok('record-card', { condition });
      assert.deepEqual(summary(records().slice(-1)), [['storage-card', { condition, freeBytes: 0, totalBytes: 0 }]], `condition ${condition} has no space to report`);
    }
    assert.equal((await state()).cardCondition, 2);
  });

  it('without a card the footage and the free space are the flash\'s, and no card condition is recorded', async () => {
    await boot();
    const opened = await open();
    assert.equal(opened.cardCondition, null);
    const s = await state();
    assert.equal(s.totalBytes, board!.storage.capacityBytes);
    assert.ok(!fs.existsSync(path.join(flash, 'chaincam-camera.id')), 'no card owner file on the flash');
    assert.equal(s.freeBytes, board!.storage.capacityBytes - board!.storage.usedBytes);
  });

  for (const [message, lossReason, condition] of [['SD card removed: gone', 4, 6], ['disk full', 3, 5], ['no space left', 3, 5], ['I/O error', 2, 4]] as const) {
    it(`a segment given up for "${message}": lost for reason ${lossReason}, the card ${condition} on the record; without a card, no card state`, async () => {
      await boot({});
      await open();
      await start(1);
      await ok('open-segment', { recording: 1, segmentIndex: 0 });
      const before = records().length;
      assert.deepEqual(await ok('abandon', { message }), { error: `segment 0 of recording 1 could not be stored (${message}); its loss is on the record` });
      const space = condition === 6 ? { freeBytes: 0, totalBytes: 0 } : { freeBytes: board!.sdCard!.freeBytes, totalBytes: board!.sdCard!.totalBytes };
      assert.deepEqual(summary(records().slice(before)), [['segment-lost', { recording: 1, segmentIndex: 0, lossReason }], ['storage-card', { condition, ...space }]]);
      assert.equal((await state()).cardCondition, condition);
      // The same loss on a camera without a card.
      fs.rmSync(flash, { recursive: true, force: true });
      provision(flash);
      await boot();
      await open();
      await start(1);
      await ok('open-segment', { recording: 1, segmentIndex: 0 });
      const from = records().length;
      await ok('abandon', { message });
      assert.deepEqual(summary(records().slice(from)), [['segment-lost', { recording: 1, segmentIndex: 0, lossReason }]]);
      assert.equal((await state()).cardCondition, null);
    });
  }

  it('a card pulled before a segment opens, and one pulled while it streams: each loss on the record, the card removed, and the error says so', async () => {
    await boot({});
    await open();
    await start(1);
    board!.sdCard!.pull();
    const before = records().length;
    assert.match(String(await send('open-segment', { recording: 1, segmentIndex: 0 })), /^error: segment 0 of recording 1 could not be stored \(.*removed.*\); its loss is on the record$/);
    assert.deepEqual(summary(records().slice(before)), [['segment-lost', { recording: 1, segmentIndex: 0, lossReason: 4 }], ['storage-card', { condition: 6, freeBytes: 0, totalBytes: 0 }]]);
    // A commit that cannot finish its file.
    fs.rmSync(flash, { recursive: true, force: true });
    fs.rmSync(cardDir, { recursive: true, force: true });
    provision(flash);
    await boot({});
    await open();
    await start(1);
    await ok('open-segment', { recording: 1, segmentIndex: 3, bytes: 5000 });
    board!.sdCard!.pull();
    const from = records().length;
    assert.match(String(await send('finish')), /^error: segment 3 of recording 1 could not be stored \(.*removed.*\); its loss is on the record$/);
    assert.deepEqual(summary(records().slice(from)), [['segment-lost', { recording: 1, segmentIndex: 3, lossReason: 4 }], ['storage-card', { condition: 6, freeBytes: 0, totalBytes: 0 }]]);
    assert.deepEqual(await ok('held'), [], 'nothing held for a lost segment');
    // A card that cannot answer has no space to report, whatever its condition.
    await ok('record-card', { condition: 4 });
    assert.deepEqual(summary(records().slice(-1)), [['storage-card', { condition: 4, freeBytes: 0, totalBytes: 0 }]]);
  });
  it('boot finds a held segment whose file is gone, even beside files named almost like it; and finishes a release the power cut interrupted', async () => {
    await boot();
    await open();
    await ok('boot');
    await start(1);
    const a = await ok('segment', { recording: 1, segmentIndex: 0 });
    const b = await ok('segment', { recording: 1, segmentIndex: 1 });
    const c = await ok('segment', { recording: 1, segmentIndex: 2 });
    await event({ type: 'recording-stop', recording: 1, stopReason: 1 });
    await ok('checkpoint');
    const segments = path.join(flash, 'segments');
    fs.rmSync(path.join(segments, 'r000001-s0001.seg'));
    // Each name below looks like segment 1's to a careless pattern; the file itself is gone.
    // (One stray, or one per held segment with the numbers unpadded: as many look-alikes as segments held.)
    const strays = [['xr000001-s0001.seg'], ['r000001-s0001.segx'], ['r000001-s0001xseg'], ['r00001-s0001.seg'], ['r000001-s001.seg'], ['r000001-s0001.seg.tmp'],
      ['r0000001-s0001'], ['rr000001-s0001.seg'], ['r1-s0000.seg', 'r1-s0001.seg', 'r1-s0002.seg'], ['r000001-s0.seg', 'r000001-s1.seg', 'r000001-s2.seg']];
    for (const names of strays) {
      for (const stray of names) fs.writeFileSync(path.join(segments, stray), 'not footage');
      await boot();
      const opened = await open();
      assert.deepEqual(opened.missing, [b], `beside ${names.join(', ')}: segment 1 is missing`);
      assert.deepEqual((await state()).held, [a, c], `beside ${names.join(', ')}: only the others are held`);
      for (const stray of names) {
        assert.ok(fs.existsSync(path.join(segments, stray)), 'a file that is not a held segment is left alone');
        fs.rmSync(path.join(segments, stray));
      }
    }
    // A release cut between its event and deleting the file: the file is deleted at the next boot.
    const saved = fs.readFileSync(path.join(segments, 'r000001-s0002.seg'));
    await ok('release', { sequence: c.sequence, receiptDigest: toHex(new Uint8Array(32).fill(1)) });
    fs.writeFileSync(path.join(segments, 'r000001-s0002.seg'), saved);
    await boot();
    const opened = await open();
    assert.ok(!fs.existsSync(path.join(segments, 'r000001-s0002.seg')), 'the released file is deleted at boot');
    assert.deepEqual(opened.missing, [b]);
    assert.deepEqual((await state()).held, [a]);
  });

  it('more than 64 segments held, two of them gone: both found missing, the rest held', async () => {
    await boot();
    await open();
    await ok('boot');
    await start(1);
    const made: Held[] = [];
    for (let i = 0; i < 70; i++) made.push(await ok('segment', { recording: 1, segmentIndex: i, bytes: 1 }));
    await event({ type: 'recording-stop', recording: 1, stopReason: 1 });
    await ok('checkpoint');
    for (const i of [3, 66]) fs.rmSync(path.join(flash, 'segments', `r000001-s${String(i).padStart(4, '0')}.seg`));
    await boot();
    const opened = await open();
    assert.deepEqual(opened.missing, [made[3], made[66]]);
    assert.equal(opened.heldCount, 68);
    assert.deepEqual((await state()).held, made.filter((_, i) => i !== 3 && i !== 66));
  });
});
