import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { inflateSync } from 'node:zlib';
import { encodePng } from '../../host-tools/sim/png.js';

describe('PNG encoder', () => {
  it('writes a valid PNG whose pixels decode back', () => {
    const rgba = new Uint8Array(3 * 2 * 4).map((_, i) => (i * 37) & 0xff);
    const png = encodePng(3, 2, rgba);
    assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    assert.equal(png.readUInt32BE(16), 3);
    assert.equal(png.readUInt32BE(20), 2);
    const idatLength = png.readUInt32BE(33);
    assert.equal(png.toString('latin1', 37, 41), 'IDAT');
    const raw = inflateSync(png.subarray(41, 41 + idatLength));
    assert.deepEqual([...raw.subarray(1, 13)], [...rgba.subarray(0, 12)]);
    assert.deepEqual([...raw.subarray(14, 26)], [...rgba.subarray(12, 24)]);
  });

  it('is read by an independent decoder when one is installed (python3 zlib/struct check of every CRC)', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'chaincam-png-'));
    const file = path.join(dir, 'x.png');
    writeFileSync(file, encodePng(4, 4, new Uint8Array(64).fill(200)));
    const script = 'import sys,struct,zlib\nd=open(sys.argv[1],"rb").read()[8:]\nwhile d:\n n,=struct.unpack(">I",d[:4]);t=d[4:8];c,=struct.unpack(">I",d[8+n:12+n])\n assert zlib.crc32(d[4:8+n])==c,t\n d=d[12+n:]\nprint("ok")';
    assert.equal(execFileSync('python3', ['-c', script, file], { encoding: 'utf8' }).trim(), 'ok');
  });

  it('refuses a pixel buffer of the wrong size', () => {
    assert.throws(() => encodePng(2, 2, new Uint8Array(15)), /expected 16 bytes of RGBA, got 15/);
  });
});
