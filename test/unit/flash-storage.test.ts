// The simulated flash (host-tools/sim/hardware/flash-storage.ts), littlefs model: a file's
// writes are committed at its close, so a cut reverts an open file, under whatever name it has.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { FlashStorage } from '../../host-tools/sim/hardware/flash-storage.js';

describe('simulated flash (littlefs model)', () => {
  let dir: string;
  beforeEach(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'chaincam-flash-unit-')); });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  const none = new Uint8Array(0);
  const open = (flash: FlashStorage, name: string) => flash.handle({ op: 'file.open', path: name, write: true }, none).result as number;

  it('a file renamed while still open is reverted under its new name at a cut: renaming does not commit it', () => {
    const flash = new FlashStorage({ dir, model: 'littlefs' });
    fs.writeFileSync(path.join(dir, 'log'), 'committed');
    const copy = open(flash, '/log.tmp');
    flash.handle({ op: 'file.write', handle: copy, position: 0 }, Buffer.from('new copy'));
    flash.handle({ op: 'file.rename', from: '/log.tmp', to: '/log' }, none);
    assert.equal(fs.readFileSync(path.join(dir, 'log'), 'utf8'), 'new copy');
    flash.cutPower();
    assert.ok(!fs.existsSync(path.join(dir, 'log')), 'the copy was never closed: it vanishes, name and all');
    assert.ok(!fs.existsSync(path.join(dir, 'log.tmp')));
  });

  it('closed before the rename, the copy survives the cut', () => {
    const flash = new FlashStorage({ dir, model: 'littlefs' });
    const copy = open(flash, '/log.tmp');
    flash.handle({ op: 'file.write', handle: copy, position: 0 }, Buffer.from('new copy'));
    flash.handle({ op: 'file.close', handle: copy }, none);
    flash.handle({ op: 'file.rename', from: '/log.tmp', to: '/log' }, none);
    flash.cutPower();
    assert.equal(fs.readFileSync(path.join(dir, 'log'), 'utf8'), 'new copy');
  });
});
