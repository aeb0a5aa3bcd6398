// What a camera says it holds, as the dock takes it (host-tools/dock/held-segment-list.ts,
// docs/PROTOCOL.md section 9): every LIST page, and each bound a broken or hostile camera could
// break, refused by name before anything is read. A camera's real listing comes from the firmware's
// DockSession (HostCamera); the lies are LIST-REPLY pages encoded by the protocol's own codec.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { toHex } from '../../firmware/format/bytes.js';
import { DockFrameReader, LARGEST_ENCODED, encodeDockFrame } from '../../firmware/format/dock-frames.js';
import { MAX_LIST_ENTRIES, decodeDockMessage, encodeDockMessage, type DockMessage, type ListEntry } from '../../firmware/format/dock-messages.js';
import { generateP256KeyPair } from '../../firmware/format/key-derivation.js';
import { NodeCryptoPort } from '../../host-tools/crypto/node-crypto-port.js';
import { DockClient } from '../../host-tools/dock/dock-client.js';
import { authenticateCamera } from '../../host-tools/dock/dock-handshake.js';
import { MAX_SEGMENT_BYTES, checkFreeSpace, listHeldSegments } from '../../host-tools/dock/held-segment-list.js';
import { HeldTimers, outcome } from '../support/held-timers.js';
import { HostCamera } from '../support/host-camera.js';

const port = new NodeCryptoPort();
const WHERE = 'scripted camera';
type Page = Extract<DockMessage, { type: 'list-reply' }>;

const entry = (sequence: number, fill = sequence, sealedLength = 1000): ListEntry => ({
  sequence, recording: 1, segmentIndex: sequence, sealedLength, sealedDigest: new Uint8Array(32).fill(fill & 0xff).map((b, i) => (i === 31 ? fill >> 8 : b)),
});

/** A camera that answers each LIST with the next of `pages` (the last one again once they run out). */
function listing(pages: Omit<Page, 'type'>[]) {
  const asked: number[] = [];
  let client!: DockClient;
  const reader = new DockFrameReader((payload) => {
    const m = decodeDockMessage(payload);
    if (m.type !== 'list') return;
    asked.push(m.fromSequence);
    const page = pages[Math.min(asked.length - 1, pages.length - 1)]!;
    client.receive(encodeDockFrame(encodeDockMessage({ type: 'list-reply', ...page })));
  }, LARGEST_ENCODED);
  client = new DockClient({ where: WHERE, write: (bytes) => reader.push(bytes), timers: new HeldTimers() });
  return { client, asked };
}

describe('the list of held segments, as the dock takes it', () => {
  it('takes a real camera\'s listing: every held segment, in record order, and its chain length', async () => {
    const camera = HostCamera.create();
    const segments = camera.record(1, [1_000, 1_200, 1_400]);
    const dockKey = generateP256KeyPair(port);
    const client = camera.connect(dockKey.publicKey);
    await authenticateCamera(client, port, dockKey, () => undefined);
    const { entries, chainLength } = await listHeldSegments(client);
    assert.deepEqual(entries, segments);
    assert.equal(chainLength, camera.evidence.chain.length);
  });

  it('reads every page, each from the record after the last listed, and stops at the last or an empty one', async () => {
    const first = Array.from({ length: MAX_LIST_ENTRIES }, (_, i) => entry(i + 1));
    const second = [entry(MAX_LIST_ENTRIES + 5)];
    const records = 200;
    const chainLength = 8 + records * 51;
    const { client, asked } = listing([
      { chainLength, records, more: true, entries: first },
      { chainLength, records, more: false, entries: second },
    ]);
    const { entries } = await outcome(listHeldSegments(client));
    assert.deepEqual(asked, [0, MAX_LIST_ENTRIES + 1]);
    assert.deepEqual(entries.map((e) => e.sequence), [...first, ...second].map((e) => e.sequence));
    const empty = listing([
      { chainLength, records, more: true, entries: [entry(3)] },
      { chainLength: chainLength + 51, records: records + 1, more: true, entries: [] },
    ]);
    const result = await outcome(listHeldSegments(empty.client));
    assert.deepEqual([empty.asked, result.entries.length, result.chainLength], [[0, 4], 1, chainLength + 51], 'an empty page ends it, and its chain length is the one kept');
  });

  it('refuses a LIST that goes on past the pages its records allow', async () => {
    // 100 records: at most 2 pages, and one more for a page that ends it.
    let next = 0;
    const pages = Array.from({ length: 4 }, () => ({ chainLength: 8 + 100 * 51, records: 100, more: true, entries: [entry(next++)] }));
    const { client, asked } = listing(pages);
    await assert.rejects(outcome(listHeldSegments(client)), new Error(`${WHERE}: the camera's LIST goes on past 3 pages (it holds at most 240 records' worth); refusing it, nothing read`));
    assert.equal(asked.length, 3);
  });

  it('refuses a chain longer than a READ can carry, and more records than the chain can hold', async () => {
    const tooLong = listing([{ chainLength: MAX_SEGMENT_BYTES + 1, records: 1, more: false, entries: [] }]);
    await assert.rejects(outcome(listHeldSegments(tooLong.client)), new Error(`${WHERE}: the camera declares a chain.log of ${MAX_SEGMENT_BYTES + 1} bytes, more than a READ can carry (${MAX_SEGMENT_BYTES}); refusing it, nothing read`));
    const longest = listing([{ chainLength: MAX_SEGMENT_BYTES, records: 0, more: false, entries: [] }]);
    assert.equal((await outcome(listHeldSegments(longest.client))).chainLength, MAX_SEGMENT_BYTES);

    // Each record takes at least 51 bytes after the 8-byte magic.
    const full = listing([{ chainLength: 8 + 3 * 51, records: 3, more: false, entries: [entry(2)] }]);
    assert.equal((await outcome(listHeldSegments(full.client))).entries.length, 1);
    const over = listing([{ chainLength: 8 + 3 * 51, records: 4, more: false, entries: [] }]);
    await assert.rejects(outcome(listHeldSegments(over.client)), new Error(`${WHERE}: the camera declares 4 records in a chain.log of ${8 + 3 * 51} bytes, which cannot hold them; refusing it, nothing read`));
    // One byte short of three records, and 50 bytes short of four: the magic counts for nothing.
    const oneShort = listing([{ chainLength: 8 + 3 * 51 - 1, records: 3, more: false, entries: [] }]);
    await assert.rejects(outcome(listHeldSegments(oneShort.client)), /declares 3 records in a chain.log of 160 bytes/);
    const almost = listing([{ chainLength: 8 + 4 * 51 - 1, records: 4, more: false, entries: [] }]);
    await assert.rejects(outcome(listHeldSegments(almost.client)), /declares 4 records in a chain.log of 211 bytes/);
    const noMagic = listing([{ chainLength: 4, records: 1, more: false, entries: [] }]);
    await assert.rejects(outcome(listHeldSegments(noMagic.client)), /declares 1 records in a chain.log of 4 bytes/);
    const empty = listing([{ chainLength: 0, records: 0, more: false, entries: [] }]);
    assert.deepEqual(await outcome(listHeldSegments(empty.client)), { entries: [], chainLength: 0 });
  });

  it('refuses an entry out of order or beyond the records, a digest listed twice, a length a READ cannot carry', async () => {
    const chainLength = 8 + 10 * 51;
    const refuse = async (entries: ListEntry[], message: string, pages: Omit<Page, 'type'>[] = []) => {
      const { client } = listing([...pages, { chainLength, records: 10, more: false, entries }]);
      await assert.rejects(outcome(listHeldSegments(client)), new Error(`${WHERE}: ${message}`));
    };
    await refuse([entry(10)], 'the camera listed segment record #10 out of order or beyond its 10 records; refusing it, nothing read');
    await refuse([entry(4), entry(4, 5)], 'the camera listed segment record #4 out of order or beyond its 10 records; refusing it, nothing read');
    await refuse([entry(2)], 'the camera listed segment record #2 out of order or beyond its 10 records; refusing it, nothing read',
      [{ chainLength, records: 10, more: true, entries: [entry(3)] }]);
    await refuse([entry(2, 7), entry(5, 7)], `the camera listed segment ${toHex(entry(5, 7).sealedDigest)} twice (record #5); refusing it, nothing read or released`);
    await refuse([entry(2, 2, 0)], 'the camera declares segment record #2 0 bytes long, beyond what a READ can carry (4294967295); refusing it, nothing read');
    await refuse([entry(2, 2, MAX_SEGMENT_BYTES + 1)], `the camera declares segment record #2 ${MAX_SEGMENT_BYTES + 1} bytes long, beyond what a READ can carry (4294967295); refusing it, nothing read`);
    const edges = listing([{ chainLength, records: 10, more: false, entries: [entry(0, 1, 1), entry(9, 2, MAX_SEGMENT_BYTES)] }]);
    assert.deepEqual((await outcome(listHeldSegments(edges.client))).entries.map((e) => [e.sequence, e.sealedLength]), [[0, 1], [9, MAX_SEGMENT_BYTES]]);
  });

  it('refuses before reading when the store\'s disk cannot take twice what the camera holds', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'chaincam-free-space-'));
    try {
      const stats = fs.statfsSync(dir);
      const free = stats.bavail * stats.bsize;
      checkFreeSpace(dir, 0, 'ab');
      checkFreeSpace(dir, Math.floor(free / 4), 'ab');
      const bytes = free; // twice this is more than is free, whatever else writes meanwhile
      assert.throws(() => checkFreeSpace(dir, bytes, 'cafe'), (e: Error) => {
        const m = /^the disk holding the evidence store (.+) is full: camera cafe holds ([\d.]+) MB to stage and store, ([\d.]+) MB are free; free space or move the store, then dock again\. Nothing was read or released; the camera keeps its footage$/.exec(e.message);
        assert.ok(m, e.message);
        assert.equal(m[1], dir);
        assert.equal(m[2], (bytes / 1e6).toFixed(1));
        assert.ok(Math.abs(Number(m[3]) - free / 1e6) < free / 1e6 / 2 + 1, `free space near ${free / 1e6} MB: ${m[3]}`);
        return true;
      });
      // Half of what is free: twice that, and the 1 MB margin, is more than is free.
      assert.throws(() => checkFreeSpace(dir, Math.ceil(free / 2), 'cafe'), /is full/);
      // No statfs (a folder that is not there): the writes report a full disk instead.
      checkFreeSpace(path.join(dir, 'gone'), Number.MAX_SAFE_INTEGER, 'cafe');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
