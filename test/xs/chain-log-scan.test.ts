// The boot scan of chain.log (firmware/store/chain-log-scan.ts) in XS on the board's flash, over
// logs written by the Node encoder: where the good frames end (a torn tail of each kind after
// them: under a length, a length of 0 or past 4,096, a frame one byte short), the head, the
// recording a power cut left open, the last recording number, the last configuration, which
// segments are still held, and the segment a release at the chain's tail freed.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { toHex } from '../../firmware/format/bytes.js';
import { ChainWriter, deriveDeviceId } from '../../firmware/format/chain.js';
import type { ChainEvent } from '../../firmware/format/chain-events.js';
import { CHAIN_LOG_MAGIC, MAX_RECORD_LENGTH } from '../../firmware/format/chain-log.js';
import { encodeRecord, type NewSegmentRecord } from '../../firmware/format/chain-records.js';
import { generateP256KeyPair } from '../../firmware/format/key-derivation.js';
import { NodeCryptoPort } from '../../host-tools/crypto/node-crypto-port.js';
import { SimulatedBoard } from '../../host-tools/sim/board.js';
import { type HeldRow, heldRowBytes, STORE_WORKOUT } from '../support/store-workout.js';

const port = new NodeCryptoPort();
const camera = generateP256KeyPair(port);
const deviceId = deriveDeviceId(port, camera.publicKey);

type Step = ChainEvent | { segment: [number, number] } | 'checkpoint';

/** The segment record of (recording, index), its length and digest telling segments apart. */
function segmentRecord(recording: number, segmentIndex: number): NewSegmentRecord {
  return {
    kind: 'segment', time: 1_800_000_000_000 + segmentIndex, recording, segmentIndex, startTime: 1_800_000_000_000, endTime: 1_800_000_001_000,
    legalGround: 1, noticeIndicators: 1, noticeReason: 0, noticeText: '', sealedLength: 0x01020304 + recording * 1000 + segmentIndex,
    sealedDigest: new Uint8Array(32).fill((recording * 16 + segmentIndex) & 0xff),
  };
}

/** chain.log's bytes for these steps, each frame's end, and the chain's head. */
function chainLog(steps: Step[]): { bytes: Buffer; ends: number[]; link: string; sequence: number } {
  const writer = new ChainWriter({ port, deviceId, cameraPublicKey: camera.publicKey, signingKey: camera.privateKey });
  const frames: Uint8Array[] = [CHAIN_LOG_MAGIC];
  const ends: number[] = [];
  let end = CHAIN_LOG_MAGIC.length;
  steps.forEach((step, i) => {
    const time = 1_800_000_000_000 + i;
    const { frame } = step === 'checkpoint' ? writer.appendCheckpoint(time)
      : 'segment' in step ? writer.appendSegment(segmentRecord(...step.segment)) : writer.appendEvent(time, step);
    frames.push(frame);
    end += frame.length;
    ends.push(end);
  });
  return { bytes: Buffer.concat(frames), ends, link: toHex(writer.head.link), sequence: writer.head.sequence };
}

const start = (recording: number): ChainEvent => ({ type: 'recording-start', recording, legalGround: 1, startMode: 1 });
const stop = (recording: number): ChainEvent => ({ type: 'recording-stop', recording, stopReason: 1 });
const lost = (recording: number, segmentIndex: number): ChainEvent => ({ type: 'segment-lost', recording, segmentIndex, lossReason: 2 });
const powerOn: ChainEvent = { type: 'power-on', resetReason: 1, firmwareVersion: '0.1.0' };
const config = (fill: number, configuration = new Uint8Array(3)): ChainEvent => ({ type: 'config-change', configDigest: new Uint8Array(32).fill(fill), configuration, summary: 'test' });
const release = (segmentSequence: number): ChainEvent => ({ type: 'release', segmentSequence, sealedDigest: new Uint8Array(32).fill(9), receiptDigest: new Uint8Array(32).fill(8) });
/** What the index holds for the segment record at `sequence`. */
function heldRow(sequence: number, recording: number, segmentIndex: number): Record<string, unknown> {
  const s = segmentRecord(recording, segmentIndex);
  return { sequence, recording, segmentIndex, sealedLength: s.sealedLength, sealedDigest: toHex(s.sealedDigest) };
}

describe('the boot scan of chain.log on the board\'s flash (XS)', function () {
  let work: string;
  let board: SimulatedBoard | undefined;
  let next = 0;
  before(async () => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'chaincam-chain-scan-'));
    board = await SimulatedBoard.boot({ main: STORE_WORKOUT, storage: { dir: work } });
  });
  after(async () => {
    await board?.close();
    board = undefined;
    fs.rmSync(work, { recursive: true, force: true });
  });

  /**
   * Puts `bytes` on flash as a chain.log of its own (none: no file) and scans it; `held` is what
   * the scan left in its index on flash, row by row, before anything else reads the index.
   */
  async function scan(bytes: Buffer | undefined): Promise<any> {
    const name = `chain-${next++}.log`;
    if (bytes) fs.writeFileSync(path.join(work, name), bytes);
    const index = `/${name}.idx`;
    const answer = (await board!.command('scan', { path: `/${name}`, index })) as { ok?: any; error?: string };
    assert.deepEqual(board!.storage.openFiles, [], 'the scan closed chain.log and the index');
    if (answer.error !== undefined) return { error: answer.error };
    if (bytes) assert.deepEqual(fs.readFileSync(path.join(work, name)), bytes, 'the scan changes nothing in chain.log');
    const onFlash = fs.readFileSync(path.join(work, index));
    assert.deepEqual(onFlash.subarray(0, 8), Buffer.from('CCHELD\x00\x01', 'latin1'));
    const held = ((await board!.command('held-from', { path: index, from: 0 })) as { ok: any[] }).ok;
    // Rows a release marked (state 1) stay in place until a compaction; the others are the held ones.
    const rows = Array.from({ length: (onFlash.length - 8) / 52 }, (_, i) => onFlash.subarray(8 + 52 * i, 8 + 52 * (i + 1)));
    assert.ok(rows.every((r) => r.length === 52 && r.readUInt32BE(48) <= 1), 'whole rows, each held or released');
    assert.deepEqual(Buffer.concat(rows.filter((r) => r.readUInt32BE(48) === 0)), Buffer.concat(held.map((row: HeldRow) => heldRowBytes(row))), 'the held rows written by the scan');
    return { ...answer.ok, held };
  }
  const nothing = { head: null, open: null, releasedAtTail: null, lastConfigDigest: null, held: [], size: 0, lastRecording: 0 };

  it('finds no chain where there is no file, a file under the magic, or another magic', async () => {
    assert.deepEqual(await scan(undefined), { ...nothing, validLength: 0, fileLength: 0 });
    assert.deepEqual(await scan(Buffer.from(CHAIN_LOG_MAGIC.subarray(0, 7))), { ...nothing, validLength: 0, fileLength: 7 });
    const { bytes } = chainLog([powerOn]);
    const wrong = Buffer.from(bytes);
    wrong[7] = 2;
    assert.deepEqual(await scan(wrong), { ...nothing, validLength: 0, fileLength: bytes.length }, 'format version 2');
    assert.deepEqual(await scan(Buffer.from(CHAIN_LOG_MAGIC)), { ...nothing, validLength: 8, fileLength: 8 }, 'the magic alone: a chain with no record yet');
  });

  it('reads a whole chain: its head, the held segments, the last recording and configuration', async () => {
    const steps: Step[] = [
      powerOn, config(1), start(3), { segment: [3, 0] }, { segment: [3, 1] }, { segment: [3, 2] }, stop(3), 'checkpoint',
      release(3), start(7), { segment: [7, 0] }, release(5), stop(7), start(5), { segment: [5, 0] }, stop(5),
      { type: 'config-change-v1', configDigest: new Uint8Array(32).fill(3), summary: 'old' }, config(2), release(4), 'checkpoint',
    ];
    const log = chainLog(steps);
    assert.deepEqual(await scan(log.bytes), {
      head: { sequence: 20, link: log.link }, validLength: log.bytes.length, fileLength: log.bytes.length, lastRecording: 7,
      open: null, releasedAtTail: null, lastConfigDigest: toHex(new Uint8Array(32).fill(2)),
      held: [heldRow(10, 7, 0), heldRow(14, 5, 0)], size: 2,
    });
  });

  it('names the segment a release at the chain\'s tail freed, and only there', async () => {
    const steps: Step[] = [start(1), { segment: [1, 0] }, { segment: [1, 1] }, stop(1), release(1)];
    const atTail = await scan(chainLog(steps).bytes);
    assert.deepEqual(atTail.releasedAtTail, heldRow(1, 1, 0));
    assert.deepEqual(atTail.held, [heldRow(2, 1, 1)]);
    assert.equal((await scan(chainLog([...steps, 'checkpoint']).bytes)).releasedAtTail, null, 'a record after the release');
    assert.equal((await scan(chainLog([...steps.slice(0, 4), release(0)]).bytes)).releasedAtTail, null, 'a release of no held segment frees none');
    const twice = await scan(chainLog([...steps, release(1)]).bytes);
    assert.deepEqual([twice.releasedAtTail, twice.size], [null, 1], 'a segment released again is not freed twice');
  });

  it('finds the recording a power cut left open, and the segment that was open in it', async () => {
    const open = async (steps: Step[]) => (await scan(chainLog(steps).bytes)).open;
    assert.deepEqual(await open([powerOn, start(4)]), { recording: 4, openSegment: 0, segmentOpen: true }, 'no segment closed yet');
    assert.deepEqual(await open([start(4), { segment: [4, 0] }, { segment: [4, 1] }]), { recording: 4, openSegment: 2, segmentOpen: true });
    assert.deepEqual(await open([start(4), { segment: [4, 0] }, lost(4, 1)]), { recording: 4, openSegment: 2, segmentOpen: false }, 'its loss already recorded');
    assert.deepEqual(await open([start(4), { segment: [4, 0] }, lost(9, 1)]), { recording: 4, openSegment: 1, segmentOpen: true }, 'another recording\'s loss');
    assert.equal(await open([lost(4, 1)]), null, 'a loss with no recording open');
    assert.equal(await open([start(4), { segment: [4, 0] }, stop(4)]), null, 'stopped');
    assert.equal(await open([start(4), lost(4, 0), stop(4), powerOn]), null);
    const reopened = await scan(chainLog([start(6), stop(6), start(2), { segment: [2, 0] }]).bytes);
    assert.deepEqual([reopened.open, reopened.lastRecording], [{ recording: 2, openSegment: 1, segmentOpen: true }, 6], 'the last recording is the largest started');
  });

  it('stops at a torn tail of each kind, keeping the frames before it', async () => {
    const log = chainLog([powerOn, start(1), { segment: [1, 0] }, 'checkpoint']);
    const good = chainLog([powerOn, start(1), { segment: [1, 0] }]);
    const before = { head: { sequence: 3, link: good.link }, lastRecording: 1, open: { recording: 1, openSegment: 1, segmentOpen: true }, releasedAtTail: null, lastConfigDigest: null, held: [heldRow(2, 1, 0)], size: 1 };
    const torn = async (tail: Buffer) => scan(Buffer.concat([good.bytes, tail]));
    const lastFrame = log.bytes.subarray(good.bytes.length);
    for (const cut of [1, 3, 4, 5, lastFrame.length - 32, lastFrame.length - 1]) {
      assert.deepEqual(await torn(lastFrame.subarray(0, cut)), { ...before, validLength: good.bytes.length, fileLength: good.bytes.length + cut }, `the last frame cut to ${cut} bytes`);
    }
    assert.deepEqual(await torn(Buffer.from(lastFrame)), { ...before, head: { sequence: 4, link: log.link }, validLength: log.bytes.length, fileLength: log.bytes.length }, 'whole');
    const lengthOf = (n: number) => { const b = Buffer.alloc(4); b.writeUInt32BE(n); return b; };
    assert.deepEqual(await torn(Buffer.concat([lengthOf(0), Buffer.alloc(200, 1)])), { ...before, validLength: good.bytes.length, fileLength: good.bytes.length + 204 }, 'a length of 0');
    const past = Buffer.concat([lengthOf(MAX_RECORD_LENGTH + 1), Buffer.alloc(MAX_RECORD_LENGTH + 1 + 32, 1)]);
    assert.deepEqual(await torn(past), { ...before, validLength: good.bytes.length, fileLength: good.bytes.length + past.length }, 'a length past 4,096');
    const high = Buffer.concat([lengthOf(0x80000010), Buffer.alloc(64, 1)]);
    assert.deepEqual(await torn(high), { ...before, validLength: good.bytes.length, fileLength: good.bytes.length + high.length }, 'a length with its top bit set');
  });

  it('writes the held rows to the index as it finds them, 80 rows to a write', async () => {
    const steps: Step[] = [start(1), ...Array.from({ length: 170 }, (_, i): Step => ({ segment: [1, i] }))];
    const writes: number[] = [];
    board!.storage.onWrite = (at, _position, length) => {
      if (at.endsWith('.idx')) writes.push(length);
    };
    try {
      const result = await scan(chainLog(steps).bytes);
      assert.equal(result.size, 170);
      assert.deepEqual(result.held, steps.slice(1).map((_, i) => heldRow(1 + i, 1, i)));
    } finally {
      board!.storage.onWrite = undefined;
    }
    assert.deepEqual(writes, [8, 80 * 52, 80 * 52, 10 * 52], 'the magic, then two whole blocks and the rest');
  });

  it('reads a record of exactly 4,096 bytes as a frame', async () => {
    const overhead = encodeRecord({ kind: 'event', sequence: 1, time: 1_800_000_000_001, event: config(7, new Uint8Array(0)) }).length;
    const big = config(7, new Uint8Array(MAX_RECORD_LENGTH - overhead));
    assert.equal(encodeRecord({ kind: 'event', sequence: 1, time: 1_800_000_000_001, event: big }).length, MAX_RECORD_LENGTH);
    const log = chainLog([powerOn, big]);
    assert.deepEqual(await scan(log.bytes), {
      ...nothing, head: { sequence: 2, link: log.link }, validLength: log.bytes.length, fileLength: log.bytes.length, lastConfigDigest: toHex(new Uint8Array(32).fill(7)),
    });
  });

  it('refuses a log whose frames are out of sequence, saying where and what to do', async () => {
    const a = chainLog([powerOn, start(1)]);
    const b = chainLog([powerOn, start(2)]);
    // Frame 0 of one chain twice: the second has sequence 0 where 1 is expected.
    const twice = Buffer.concat([a.bytes.subarray(0, a.ends[0]), b.bytes.subarray(8, b.ends[0])]);
    assert.deepEqual(await scan(twice), { error: `chain.log frame at ${a.ends[0]} has sequence 0, expected 1: the log is damaged; have it verified at the dock` });
  });
});
