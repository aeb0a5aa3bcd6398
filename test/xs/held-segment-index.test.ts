// The held-segment index (firmware/store/held-segments.ts) in XS on the board's flash: each row's
// 52 bytes as FORMAT.md 5.2 lays them out, the boot scan's kept-back block written whole at 80
// rows or at a read, a release marking its row's state in place, compaction exactly when half the
// rows (of 64 or more) are released, and lookups by sequence, by file name and by page, read back
// from the file, not from RAM.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { toHex } from '../../firmware/format/bytes.js';
import { SimulatedBoard } from '../../host-tools/sim/board.js';
import { commandOk, type HeldRow, heldRowBytes, STORE_WORKOUT } from '../support/store-workout.js';

const MAGIC = Buffer.from('CCHELD\x00\x01', 'latin1');
const ROW = 52;

type Row = HeldRow;

/** A row whose every field has bits in each of its four bytes, so a wrong shift shows. */
function rowOf(sequence: number): Row {
  const digest = Buffer.alloc(32);
  for (let i = 0; i < 32; i++) digest[i] = (sequence * 7 + i * 13) & 0xff;
  return {
    sequence, recording: 0x81020304 + (sequence >> 8), segmentIndex: 0x01020300 + (sequence & 0xff),
    sealedLength: 0xf1e2d3c4 - sequence, sealedDigest: toHex(digest),
  };
}

describe('the held-segment index on the board\'s flash (XS)', function () {
  let work: string;
  let board: SimulatedBoard | undefined;
  let next = 0;
  before(async () => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'chaincam-held-index-'));
    board = await SimulatedBoard.boot({ main: STORE_WORKOUT, storage: { dir: work } });
  });
  after(async () => {
    await board?.close();
    board = undefined;
    fs.rmSync(work, { recursive: true, force: true });
  });

  /** A command's answer; every file the index opened for it is closed again. */
  async function call(name: string, args: Record<string, unknown>): Promise<any> {
    const ok = await commandOk(board!, name, args);
    assert.deepEqual(board!.storage.openFiles, [], `${name} left no file open`);
    return ok;
  }
  async function refusal(name: string, args: Record<string, unknown>): Promise<string> {
    const answer = (await board!.command(name, args)) as { ok?: unknown; error?: string };
    assert.equal(answer.ok, undefined, `${name} was refused`);
    assert.deepEqual(board!.storage.openFiles, [], `${name} left no file open`);
    return answer.error!;
  }
  /** A new index at a path of its own. */
  async function open(): Promise<{ path: string; file: () => Buffer }> {
    const at = `/held-${next++}.idx`;
    await call('held-open', { path: at });
    return { path: at, file: () => fs.readFileSync(path.join(work, at)) };
  }
  const seqs = (rows: (Row | null)[]) => rows.map((r) => r?.sequence ?? null);

  it('starts as the magic alone over a left index and its copy, and writes each committed row as its 52 bytes', async () => {
    fs.writeFileSync(path.join(work, 'held-left.idx'), Buffer.alloc(999, 7));
    fs.writeFileSync(path.join(work, 'held-left.idx.tmp'), Buffer.alloc(10, 1));
    await call('held-open', { path: '/held-left.idx' });
    assert.deepEqual(fs.readFileSync(path.join(work, 'held-left.idx')), MAGIC, 'CCHELD, 00, version 01');
    assert.equal(fs.existsSync(path.join(work, 'held-left.idx.tmp')), false, 'a compaction\'s copy left by a power cut is gone');
    const { path: at, file } = await open();
    assert.deepEqual(file(), MAGIC);
    const rows = [rowOf(0), rowOf(0x7f), rowOf(0x1234)];
    await call('held-add', { path: at, rows: rows.slice(0, 1) });
    assert.deepEqual(file(), Buffer.concat([MAGIC, heldRowBytes(rows[0]!)]), 'written at once when committed');
    await call('held-add', { path: at, rows: rows.slice(1) });
    assert.deepEqual(file(), Buffer.concat([MAGIC, ...rows.map((r) => heldRowBytes(r))]));
    assert.equal(await call('held-size', { path: at }), 3);
    assert.deepEqual(await call('held-get', { path: at, sequences: [0x1234, 0x7f, 0] }), [rows[2], rows[1], rows[0]], 'every field read back whole');
  });

  it('refuses a row out of chain order, or a sequence again, by number, and keeps what it held', async () => {
    const { path: at, file } = await open();
    await call('held-add', { path: at, rows: [rowOf(7)] });
    assert.equal(await refusal('held-add', { path: at, rows: [rowOf(5)] }), 'held segments are added in chain order: #5 after #7');
    assert.equal(await refusal('held-add', { path: at, rows: [rowOf(7)] }), 'held segments are added in chain order: #7 after #7');
    assert.equal(await call('held-size', { path: at }), 1);
    assert.deepEqual(file(), Buffer.concat([MAGIC, heldRowBytes(rowOf(7))]));
    await call('held-add', { path: at, rows: [rowOf(8)] });
    assert.deepEqual(seqs(await call('held-from', { path: at, from: 0 })), [7, 8]);
  });

  it('keeps the boot scan\'s rows back until 80 are waiting, a flush, a read, or a committed row', async () => {
    const { path: at, file } = await open();
    const rows = Array.from({ length: 200 }, (_, i) => rowOf(10 + 3 * i));
    await call('held-add', { path: at, rows: rows.slice(0, 79), commit: false });
    assert.deepEqual(file(), MAGIC, '79 rows kept back');
    assert.equal(await call('held-size', { path: at }), 79, 'held while kept back');
    await call('held-add', { path: at, rows: rows.slice(79, 80), commit: false });
    assert.equal(file().length, MAGIC.length + 80 * ROW, 'the 80th row writes the block');
    await call('held-add', { path: at, rows: rows.slice(80, 85), commit: false });
    assert.equal(file().length, MAGIC.length + 80 * ROW);
    await call('held-flush', { path: at });
    assert.equal(file().length, MAGIC.length + 85 * ROW, 'flush writes the rest');
    await call('held-flush', { path: at });
    assert.equal(file().length, MAGIC.length + 85 * ROW, 'a second flush writes nothing');
    await call('held-add', { path: at, rows: rows.slice(85, 90), commit: false });
    await call('held-add', { path: at, rows: rows.slice(90, 91) });
    assert.equal(file().length, MAGIC.length + 91 * ROW, 'a committed row writes the rows kept back before it');
    await call('held-add', { path: at, rows: rows.slice(91, 95), commit: false });
    assert.deepEqual(await call('held-get', { path: at, sequences: [rows[93]!.sequence] }), [rows[93]], 'a read writes what was kept back first');
    assert.equal(file().length, MAGIC.length + 95 * ROW);
    await call('held-add', { path: at, rows: rows.slice(95), commit: false });
    await call('held-flush', { path: at });
    assert.deepEqual(file(), Buffer.concat([MAGIC, ...rows.map((r) => heldRowBytes(r))]), 'every row once, in chain order');
    assert.equal(await call('held-size', { path: at }), 200);
  });

  it('marks a released row in place, returns it once, and finds nothing between or past the rows', async () => {
    const { path: at, file } = await open();
    const rows = Array.from({ length: 10 }, (_, i) => rowOf(100 + 2 * i));
    await call('held-add', { path: at, rows });
    assert.deepEqual(await call('held-remove', { path: at, sequences: [104, 104, 105, 99, 200, 118] }), [rows[2], null, null, null, null, rows[9]]);
    assert.deepEqual(file(), Buffer.concat([MAGIC, ...rows.map((r, i) => heldRowBytes(r, i === 2 || i === 9))]), 'the state word of each released row is 1, nothing else changed');
    assert.equal(await call('held-size', { path: at }), 8);
    assert.deepEqual(await call('held-get', { path: at, sequences: [104, 118, 103, 99, 120, 100, 116] }), [null, null, null, null, null, rows[0], rows[8]]);
    assert.deepEqual(seqs(await call('held-from', { path: at, from: 0 })), [100, 102, 106, 108, 110, 112, 114, 116]);
  });

  it('compacts when released rows pass half of 64 or more, and not before, keeping the held rows in order', async () => {
    const small = await open();
    const smallRows = Array.from({ length: 63 }, (_, i) => rowOf(i));
    await call('held-add', { path: small.path, rows: smallRows });
    await call('held-remove', { path: small.path, sequences: smallRows.slice(0, 40).map((r) => r.sequence) });
    assert.equal(small.file().length, MAGIC.length + 63 * ROW, 'under 64 rows: never compacted');

    const { path: at, file } = await open();
    const rows = Array.from({ length: 64 }, (_, i) => rowOf(1000 + i));
    await call('held-add', { path: at, rows });
    await call('held-remove', { path: at, sequences: rows.slice(0, 32).map((r) => r.sequence) });
    assert.equal(file().length, MAGIC.length + 64 * ROW, '32 of 64 held: not yet');
    // A longer copy already there (nothing on the camera leaves one while it runs): the copy starts empty.
    fs.writeFileSync(path.join(work, `${at}.tmp`), Buffer.alloc(64 * ROW + 100, 0xaa));
    assert.deepEqual(await call('held-remove', { path: at, sequences: [rows[40]!.sequence] }), [rows[40]]);
    const kept = rows.slice(32).filter((_, i) => i !== 8);
    assert.deepEqual(file(), Buffer.concat([MAGIC, ...kept.map((r) => heldRowBytes(r))]), '31 of 64 held: the held rows alone');
    assert.equal(fs.existsSync(path.join(work, `${at}.tmp`)), false, 'the copy renamed over the index');
    assert.equal(await call('held-size', { path: at }), 31);
    assert.deepEqual(await call('held-get', { path: at, sequences: kept.map((r) => r.sequence) }), kept);
    assert.deepEqual(await call('held-from', { path: at, from: 0 }), kept);
    // After compaction the row count is the kept rows': the next row goes after them, and the
    // next compaction counts from 31.
    await call('held-add', { path: at, rows: [rowOf(5000)] });
    assert.deepEqual(file(), Buffer.concat([MAGIC, ...kept.map((r) => heldRowBytes(r)), heldRowBytes(rowOf(5000))]));
  });

  it('compacts across 80-row blocks, the released rows anywhere in them', async () => {
    const { path: at, file } = await open();
    const rows = Array.from({ length: 250 }, (_, i) => rowOf(3 + i));
    await call('held-add', { path: at, rows, commit: false });
    await call('held-flush', { path: at });
    // Releases every odd row but the second (the block edges 79/80 and 159/160, the last row)
    // and rows 78 and 80: 126 of 250, so the last release is the one that compacts.
    const released = new Set<number>();
    for (let i = 0; i < 250; i++) if ((i % 2 === 1 && i !== 1) || i === 78 || i === 80) released.add(i);
    const order = [...released].sort((a, b) => b - a);
    await call('held-remove', { path: at, sequences: order.slice(0, -1).map((i) => rows[i]!.sequence) });
    assert.equal(file().length, MAGIC.length + 250 * ROW, '125 of 250 held: not yet');
    await call('held-remove', { path: at, sequences: order.slice(-1).map((i) => rows[i]!.sequence) });
    const kept = rows.filter((_, i) => !released.has(i));
    assert.equal(kept.length, 124);
    assert.deepEqual(file(), Buffer.concat([MAGIC, ...kept.map((r) => heldRowBytes(r))]), 'one compaction, every held row once and in order');
    assert.deepEqual(await call('held-from', { path: at, from: 0 }), kept);
  });

  it('lists pages from a sequence across blocks, skipping released rows, and stops at the limit', async () => {
    const { path: at } = await open();
    const rows = Array.from({ length: 190 }, (_, i) => rowOf(50 + 2 * i));
    await call('held-add', { path: at, rows, commit: false });
    await call('held-remove', { path: at, sequences: [50, 52, 54, 210, 212] });
    const held = rows.filter((r) => ![50, 52, 54, 210, 212].includes(r.sequence));
    assert.deepEqual(await call('held-from', { path: at, from: 0, limit: 0 }), [], 'a page of none');
    assert.deepEqual(await call('held-from', { path: at, from: 0, limit: -1 }), []);
    assert.deepEqual(await call('held-from', { path: at, from: 0, limit: 1 }), held.slice(0, 1), 'past the released first rows');
    assert.deepEqual(await call('held-from', { path: at, from: 0 }), held, 'every held row, all blocks');
    assert.deepEqual(seqs(await call('held-from', { path: at, from: 208, limit: 3 })), [208, 214, 216]);
    assert.deepEqual(seqs(await call('held-from', { path: at, from: 209, limit: 2 })), [214, 216], 'from between two rows');
    assert.deepEqual(await call('held-from', { path: at, from: 100, limit: 80 }), held.filter((r) => r.sequence >= 100).slice(0, 80), 'a LIST page');
    assert.deepEqual(await call('held-from', { path: at, from: 100, limit: 81 }), held.filter((r) => r.sequence >= 100).slice(0, 81), 'a page past a block');
    assert.deepEqual(await call('held-from', { path: at, from: 50 + 2 * 189 }), [rows[189]], 'the last row');
    assert.deepEqual(await call('held-from', { path: at, from: 50 + 2 * 189 + 1 }), [], 'past the last row');
  });

  it('finds a sealed file\'s segment by recording and index, in listing order or not, never a released one', async () => {
    const { path: at } = await open();
    // Recordings 0x81020304.. with indexes from 0x01020300: recordings change every 256 sequences.
    const rows = Array.from({ length: 300 }, (_, i) => rowOf(i * 2 + 1 + (i > 150 ? 300 : 0)));
    await call('held-add', { path: at, rows, commit: false });
    await call('held-remove', { path: at, sequences: [rows[17]!.sequence] });
    const name = (r: Row): [number, number] => [r.recording, r.segmentIndex];
    const order = [0, 1, 2, 250, 3, 299, 100, 151, 150, 152, 18, 16, 298, 0];
    assert.deepEqual(await call('held-find-by-name', { path: at, names: order.map((i) => name(rows[i]!)) }), order.map((i) => rows[i]));
    assert.deepEqual(await call('held-find-by-name', { path: at, names: [name(rows[16]!), name(rows[17]!), name(rows[18]!)] }), [rows[16], null, rows[18]], 'released, though the hint points at it');
    const first = rows[0]!;
    const last = rows[299]!;
    const names: [number, number][] = [
      [first.recording, first.segmentIndex - 1], [first.recording - 1, first.segmentIndex], [last.recording, last.segmentIndex + 1],
      [last.recording + 1, 0], [first.recording, rows[5]!.segmentIndex + 1], [rows[200]!.recording, rows[200]!.segmentIndex + 1],
    ];
    assert.deepEqual(await call('held-find-by-name', { path: at, names }), names.map(() => null), 'names no row has');
    // The row after the last one found is tried first: its index under another recording is not it.
    assert.deepEqual(await call('held-find-by-name', { path: at, names: [name(rows[3]!), [rows[4]!.recording + 7, rows[4]!.segmentIndex]] }), [rows[3], null]);
    assert.deepEqual(await call('held-find-by-name', { path: at, names: rows.map(name) }), rows.map((r, i) => (i === 17 ? null : r)), 'the whole listing in order');
  });

  // Last: the power goes, and the board with it.
  it('has committed each row, release and compaction when it returns: a power cut keeps them all', async () => {
    const { path: at, file } = await open();
    const rows = Array.from({ length: 70 }, (_, i) => rowOf(i));
    await call('held-add', { path: at, rows });
    await call('held-remove', { path: at, sequences: rows.slice(0, 36).map((r) => r.sequence) });
    const kept = rows.slice(36);
    assert.deepEqual(file(), Buffer.concat([MAGIC, ...kept.map((r) => heldRowBytes(r))]), '34 of 70 held: compacted');
    await call('held-remove', { path: at, sequences: [kept[1]!.sequence] });
    await call('held-add', { path: at, rows: [rowOf(100)] });
    const expected = Buffer.concat([MAGIC, ...kept.map((r, i) => heldRowBytes(r, i === 1)), heldRowBytes(rowOf(100))]);
    assert.deepEqual(file(), expected);
    // littlefs keeps a file's writes only once it is closed: a file left open goes back at a cut.
    board!.storage.cutPower();
    assert.deepEqual(file(), expected, 'the same after the cut');
  });
});
