import assert from 'node:assert/strict';
import { FirmwareModules } from '../../host-tools/sim/firmware-modules.js';

describe('firmware module compilation for the simulated board', () => {
  const modules = new FirmwareModules({ chaincam: {} });

  it('maps a JavaScript line in an XS stack back to the TypeScript line', () => {
    // rejects-later.ts throws on TypeScript line 6; type annotations shift the JS lines.
    modules.compile('test/fixtures/firmware/rejects-later.ts');
    const { javascript } = modules.compile('test/fixtures/firmware/rejects-later.ts');
    const jsLine = javascript.split('\n').findIndex((line) => line.includes("throw new Error('sensor read failed')")) + 1;
    assert.ok(jsLine > 0);
    assert.equal(modules.mapStack(` at sample (test/fixtures/firmware/rejects-later.ts:${jsLine})`), ' at sample (test/fixtures/firmware/rejects-later.ts:6)');
  });

  it('resolves relative specifiers the way XS does on the device (".js" stripped, against the referrer name)', () => {
    assert.equal(modules.resolve('../drivers/indicator-led.js', 'firmware/main'), 'drivers/indicator-led');
    assert.equal(modules.resolve('./notice/led-pattern-player.js', 'firmware/main'), 'firmware/notice/led-pattern-player');
    assert.equal(modules.resolve('embedded:io/digital', 'firmware/main'), 'embedded:io/digital');
  });

  it('names the importer and the missing module when a specifier exists nowhere', () => {
    assert.throws(() => modules.resolve('./nowhere.js', 'firmware/main'), /module "firmware\/main" imports "\.\/nowhere\.js", which does not exist/);
    assert.throws(() => modules.resolve('embedded:io/bytes', 'firmware/main'), /only the simulated board's own modules may use/);
  });
});
