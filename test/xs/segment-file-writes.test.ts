// A segment sealed straight to its file (firmware/store/segment-file.ts) in XS on the board's
// flash: nothing written until 16 KiB is queued, then the queue in one write, the rest at the
// finish, so every write but the last is at least 16 KiB; the spilled index kept in its side file
// and sealed after the footage, 16 KiB at a time; the sealed file opening with the agency key to
// exactly what was appended; and a closed or abandoned file writing nothing more.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { toHex } from '../../firmware/format/bytes.js';
import { generateP256KeyPair } from '../../firmware/format/key-derivation.js';
import { SEALED_HEADER_LENGTH, SEALED_TAG_LENGTH, SegmentOpener } from '../../firmware/format/sealed-segment.js';
import { NodeCryptoPort } from '../../host-tools/crypto/node-crypto-port.js';
import { SimulatedBoard } from '../../host-tools/sim/board.js';
import { commandOk, STORE_WORKOUT } from '../support/store-workout.js';

const WRITE_BYTES = 16 * 1024;
const port = new NodeCryptoPort();
const camera = generateP256KeyPair(port);
const agency = generateP256KeyPair(port);

describe('a segment file sealed as it is written, on the board\'s flash (XS)', function () {
  let work: string;
  let board: SimulatedBoard | undefined;
  let next = 0;
  /** Each write that landed on the board's flash: its path under the flash's root, and its length. */
  let writes: { path: string; length: number }[] = [];
  before(async () => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'chaincam-segment-file-'));
    board = await SimulatedBoard.boot({ main: STORE_WORKOUT, storage: { dir: work } });
    board.storage.onWrite = (at, _position, length) => writes.push({ path: at, length });
  });
  after(async () => {
    await board?.close();
    board = undefined;
    fs.rmSync(work, { recursive: true, force: true });
  });

  const call = (name: string, args: Record<string, unknown> = {}) => commandOk(board!, name, args);
  /** Opens a segment file of its own; its board and host paths, and its side index's. */
  async function open(): Promise<{ at: string; file: string; index: string; indexFile: string }> {
    const n = next++;
    const at = `/r${n}.seg`;
    const index = `/open-${n}.idx`;
    writes = [];
    assert.equal(await call('segment-open', {
      path: at, indexPath: index, recording: 7, segmentIndex: n, cameraPublicKey: toHex(camera.publicKey), agencyPublicKey: toHex(agency.publicKey),
    }), 0, 'nothing written at the open: the header waits in the queue');
    return { at, file: path.join(work, at), index, indexFile: path.join(work, index) };
  }
  const writesTo = (at: string) => writes.filter((w) => `/${w.path}` === at).map((w) => w.length);

  /** The sealed file opened with the agency key: its plaintext, and its digest as the chain records it. */
  function unseal(file: string): { plaintext: Buffer; digest: string; length: number } {
    const bytes = fs.readFileSync(file);
    const opener = new SegmentOpener({ port, agencyPrivateKey: agency.privateKey, agencyPublicKey: agency.publicKey, header: bytes.subarray(0, SEALED_HEADER_LENGTH) });
    const plaintext = Buffer.from(opener.open(bytes.subarray(SEALED_HEADER_LENGTH, bytes.length - SEALED_TAG_LENGTH)));
    opener.finish(bytes.subarray(bytes.length - SEALED_TAG_LENGTH));
    return { plaintext, digest: crypto.createHash('sha256').update(bytes).digest('hex'), length: bytes.length };
  }

  it('writes nothing until 16 KiB is queued, then all of it at once, and the rest at the finish', async () => {
    const { at, file } = await open();
    assert.equal(await call('segment-append', { lengths: [WRITE_BYTES - SEALED_HEADER_LENGTH - 1, 0], fill: 1 }), 0, 'one byte under 16 KiB with the header: queued');
    assert.deepEqual(writesTo(at), []);
    assert.equal(await call('segment-append', { lengths: [1], fill: 2 }), WRITE_BYTES, 'exactly 16 KiB: written');
    assert.deepEqual(writesTo(at), [WRITE_BYTES], 'as one write');
    assert.equal(await call('segment-append', { lengths: [5000, 40_000, 300], fill: 3 }), WRITE_BYTES + 45_000, 'a piece past 16 KiB goes with the queue before it');
    assert.deepEqual(writesTo(at), [WRITE_BYTES, 45_000]);
    const summary = await call('segment-finish');
    assert.deepEqual(board!.storage.openFiles, [], 'the segment file closed');
    const total = SEALED_HEADER_LENGTH + WRITE_BYTES - SEALED_HEADER_LENGTH + 45_300 + SEALED_TAG_LENGTH;
    assert.deepEqual(writesTo(at), [WRITE_BYTES, 45_000, 300 + SEALED_TAG_LENGTH], 'the rest and the tag at the finish');
    const sealed = unseal(file);
    assert.deepEqual(summary, { written: total, sealedLength: total, sealedDigest: sealed.digest });
    assert.equal(sealed.length, total);
    assert.deepEqual(sealed.plaintext, Buffer.concat([
      Buffer.alloc(WRITE_BYTES - SEALED_HEADER_LENGTH - 1, 1), Buffer.alloc(1, 2), Buffer.alloc(45_300, 3),
    ]), 'every piece appended, in order, and no other');
    const closed = (await board!.command('segment-append', { lengths: [10], fill: 4 })) as { error?: string };
    assert.equal(closed.error, 'segment already finished', 'the sealer refuses first');
    assert.equal(fs.readFileSync(file).length, total, 'nothing written after the finish');
  });

  it('keeps the spilled index in its side file and seals it after the footage, 16 KiB at a time, then deletes it', async () => {
    fs.writeFileSync(path.join(work, `open-${next}.idx`), Buffer.alloc(77, 0xee));
    const { at, file, indexFile } = await open();
    assert.equal(fs.existsSync(indexFile), false, 'a side index the last segment left is gone');
    await call('segment-append', { lengths: [1000], fill: 0x11 });
    await call('segment-spill', { length: 20_000, fill: 0x22 });
    await call('segment-append', { lengths: [2000], fill: 0x33 });
    await call('segment-spill', { length: 20_000, fill: 0x44 });
    assert.deepEqual(fs.readFileSync(indexFile), Buffer.concat([Buffer.alloc(20_000, 0x22), Buffer.alloc(20_000, 0x44)]), 'each spill committed to the side file');
    assert.deepEqual(board!.storage.openFiles, [at.slice(1)], 'the side file closed after each spill; the segment file open');
    // The queue (header and 3,000 bytes) and the first 16 KiB of the index go out together, then
    // the second 16 KiB alone; the last 7,232 bytes wait for the finish.
    const first = SEALED_HEADER_LENGTH + 3000 + WRITE_BYTES;
    assert.equal(await call('segment-append-spilled'), first + WRITE_BYTES);
    assert.deepEqual(board!.storage.openFiles, [at.slice(1)], 'the side file closed after it is read');
    assert.deepEqual(writesTo(at), [first, WRITE_BYTES]);
    const { written } = await call('segment-finish');
    assert.deepEqual(writesTo(at), [first, WRITE_BYTES, 40_000 - 2 * WRITE_BYTES + SEALED_TAG_LENGTH]);
    assert.equal(await call('segment-append-spilled'), written, 'a closed file has no spilled index left to seal');
    assert.equal(fs.existsSync(indexFile), false, 'the side index deleted at the close');
    assert.deepEqual(unseal(file).plaintext, Buffer.concat([
      Buffer.alloc(1000, 0x11), Buffer.alloc(2000, 0x33), Buffer.alloc(20_000, 0x22), Buffer.alloc(20_000, 0x44),
    ]), 'the footage, then the spilled index');
  });

  it('appends no spilled index when none was spilled, and an abandoned file keeps only what was written', async () => {
    const plain = await open();
    await call('segment-append', { lengths: [100], fill: 5 });
    assert.equal(await call('segment-append-spilled'), 0, 'nothing spilled: nothing sealed, nothing written');
    await call('segment-finish');
    assert.deepEqual(unseal(plain.file).plaintext, Buffer.alloc(100, 5));

    const { at, file, indexFile } = await open();
    await call('segment-append', { lengths: [20_000], fill: 6 });
    await call('segment-spill', { length: 500, fill: 7 });
    await call('segment-append', { lengths: [100], fill: 8 });
    assert.equal(await call('segment-abandon'), SEALED_HEADER_LENGTH + 20_000, 'the queue is dropped');
    assert.deepEqual(board!.storage.openFiles, [], 'the abandoned file closed');
    assert.equal(fs.readFileSync(file).length, SEALED_HEADER_LENGTH + 20_000, 'the partial file: what was written before');
    assert.equal(fs.existsSync(indexFile), false, 'its side index deleted');
    assert.deepEqual(writesTo(at), [SEALED_HEADER_LENGTH + 20_000]);
    const closed = (await board!.command('segment-finish')) as { error?: string };
    assert.equal(closed.error, `segment file ${at} is closed`, 'an abandoned file is not finished');
  });
});
