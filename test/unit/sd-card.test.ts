// The simulated SD card (host-tools/sim/hardware/sd-card.ts): sparse capacity, FAT32 cluster
// accounting, bus time, the mount failures, the four file slots, and the faults a cut leaves on FAT.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { MAX_OPEN_FILES, SD_BUS_SPEED, SdCard } from '../../host-tools/sim/hardware/sd-card.js';

function du(dir: string): number {
  let total = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) total += fs.statSync(path.join(entry.parentPath, entry.name)).size;
  }
  return total;
}

describe('simulated SD card', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'chaincam-sd-unit-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  const noCut = () => false;
  const write = (card: SdCard, file: string, bytes: Uint8Array, t = 0, cut = noCut) => {
    const handle = card.handle({ op: 'sdcard.open', path: file, write: true }, new Uint8Array(0), t, noCut).result as number;
    const length = card.handle({ op: 'sdcard.length', handle }, new Uint8Array(0), t, noCut).result as number;
    const end = card.handle({ op: 'sdcard.write', handle, position: length }, bytes, t, cut).result;
    if (end !== -1) card.handle({ op: 'sdcard.close', handle }, new Uint8Array(0), t, noCut);
    return end;
  };

  it('a 32 GB card costs only what is written; free space counts whole 32 KiB clusters', () => {
    const card = new SdCard({ dir, capacityBytes: 32e9 });
    assert.equal(card.state.clusterBytes, 32 * 1024);
    const total = card.totalBytes;
    assert.ok(total > 31.9e9 && total < 32e9);
    write(card, '/a.bin', new Uint8Array(1));
    write(card, '/b.bin', new Uint8Array(32 * 1024 + 1));
    assert.equal(card.freeBytes, total - 3 * 32 * 1024);
    assert.ok(du(dir) < 100_000, 'sparse: the host holds the bytes written and card.json');
    assert.deepEqual(new SdCard({ dir }).state, card.state, 'the card keeps its size and format across boots');
  });

  it('mount fails as the card is: absent, unformatted, failing', () => {
    assert.throws(() => new SdCard({ dir, condition: 'absent' }).mount(), /no card in the slot/);
    assert.throws(() => new SdCard({ dir: path.join(dir, 'u'), condition: 'unformatted' }).mount(), /FR_NO_FILESYSTEM/);
    assert.throws(() => new SdCard({ dir: path.join(dir, 'f'), condition: 'failing' }).mount(), /does not answer/);
  });

  it('charges bus time per write: SPI ~1 MB/s, 4-bit SDMMC ~2.3 MB/s, and the wait when writes outrun the bus', () => {
    const spi = new SdCard({ dir: path.join(dir, 's'), bus: 'spi' });
    write(spi, '/x', new Uint8Array(1_010_000), 0);
    assert.equal(spi.busyMs, SD_BUS_SPEED.spi.perWriteMs + 1000);
    write(spi, '/x', new Uint8Array(16), 500);
    assert.equal(spi.maxWaitMs, 501, 'the second write waited for the first');
    const sdmmc = new SdCard({ dir: path.join(dir, 'm'), bus: 'sdmmc-4bit' });
    write(sdmmc, '/x', new Uint8Array(2_340_000), 0);
    assert.equal(sdmmc.busyMs, SD_BUS_SPEED['sdmmc-4bit'].perWriteMs + 1000);
  });

  it('refuses a write that needs more clusters than are free, saying the card is full', () => {
    const card = new SdCard({ dir, capacityBytes: 1_000_000, clusterBytes: 4096 });
    assert.throws(() => write(card, '/big', new Uint8Array(2_000_000)), /SD card full/);
  });

  it('a cut mid-append leaves a stale directory size, a lost cluster chain and a torn last cluster', () => {
    const card = new SdCard({ dir, capacityBytes: 1e9, clusterBytes: 4096 });
    write(card, '/log', new Uint8Array(6000).fill(7));
    const free = card.freeBytes;
    const handle = card.handle({ op: 'sdcard.open', path: '/log', write: true }, new Uint8Array(0), 0, noCut).result as number;
    card.handle({ op: 'sdcard.write', handle, position: 6000 }, new Uint8Array(5000).fill(8), 0, noCut);
    assert.equal(card.handle({ op: 'sdcard.write', handle, position: 11000 }, new Uint8Array(100), 0, () => true).result, -1);
    const fault = card.lastFault!;
    assert.deepEqual(fault.staleSizes, ['/log'], 'back to its size at the last close');
    assert.equal(fs.statSync(path.join(dir, 'volume', 'log')).size, 6000);
    assert.equal(fault.lostClusters, 1, 'the cluster allocated since the close has no owner');
    assert.equal(card.freeBytes, free - 4096);
    assert.equal(new SdCard({ dir }).state.lostClusters, 1, 'lost until the card is reformatted');
    assert.equal(fault.tornCluster, undefined, 'the cut write fell in a cluster past the committed size');
    // Append again: the cut write falls in the cluster holding committed bytes 4096-5999.
    const again = card.handle({ op: 'sdcard.open', path: '/log', write: true }, new Uint8Array(0), 0, noCut).result as number;
    card.handle({ op: 'sdcard.write', handle: again, position: 6000 }, new Uint8Array(10), 0, () => true);
    assert.deepEqual(card.lastFault!.tornCluster, { path: '/log', from: 4096, to: 6000 });
    const bytes = fs.readFileSync(path.join(dir, 'volume', 'log'));
    assert.equal(bytes[4095], 7, 'the cluster before is intact');
    assert.equal(bytes[4096], 0xff, 'committed bytes in the torn cluster are gone');
  });

  it('a file created and never closed keeps a size-0 entry once it has a cluster, or vanishes', () => {
    const card = new SdCard({ dir, capacityBytes: 1e9, clusterBytes: 4096 });
    const h1 = card.handle({ op: 'sdcard.open', path: '/seg', write: true }, new Uint8Array(0), 0, noCut).result as number;
    card.handle({ op: 'sdcard.write', handle: h1, position: 0 }, new Uint8Array(9000), 0, noCut);
    card.handle({ op: 'sdcard.open', path: '/empty', write: true }, new Uint8Array(0), 0, noCut);
    card.pull();
    assert.deepEqual(card.lastFault!.staleSizes, ['/seg']);
    assert.deepEqual(card.lastFault!.vanished, ['/empty']);
    assert.equal(card.lastFault!.lostClusters, 3);
    assert.throws(() => card.handle({ op: 'sdcard.exists', path: '/seg' }, new Uint8Array(0), 0, noCut), /removed/);
  });
  it('has the four file slots the driver mounts FATFS with: a fifth open fails until one is closed', () => {
    const card = new SdCard({ dir, capacityBytes: 1e9 });
    const open = (name: string) => card.handle({ op: 'sdcard.open', path: name, write: true }, new Uint8Array(0), 0, noCut).result as number;
    assert.equal(MAX_OPEN_FILES, Number(/\.max_files = (\d+),/.exec(fs.readFileSync('drivers/sd-card/sd-card.c', 'utf8'))![1]));
    const handles = ['/a', '/b', '/c', '/d'].map(open);
    assert.throws(() => open('/e'), /^Error: SD card write failed: open \/e \(Too many open files in system\)$/);
    assert.ok(!fs.existsSync(path.join(dir, 'volume', 'e')), 'the refused open creates nothing');
    card.handle({ op: 'sdcard.close', handle: handles[0] }, new Uint8Array(0), 0, noCut);
    open('/e');
  });
});
