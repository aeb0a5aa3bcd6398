import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { projectRoot } from '../../host-tools/sim/project-root.js';
import { readManifest } from '../../host-tools/sim/targets.js';

// What mcconfig will do with manifest.json; we cannot run mcconfig here (no
// ESP-IDF), so check the parts a user's build depends on.
describe('manifest.json (the Moddable app)', () => {
  const manifest = readManifest() as Record<string, any>;

  it('starts at firmware/main and every preloaded module exists', () => {
    assert.equal(manifest.creation.main, 'firmware/main');
    const ours = (manifest.preload as string[]).filter((name) => /^(firmware|drivers)\//.test(name));
    for (const name of ours) assert.ok(existsSync(path.join(projectRoot, `${name}.ts`)), `preload ${name} has no ${name}.ts`);
    assert.ok(!ours.includes('firmware/main'), 'main runs at boot, it is not preloaded');
  });

  it('preloads every firmware and driver module, so none is compiled on the device at boot', () => {
    const sources = ['firmware', 'drivers'].flatMap((dir) => (readdirSync(path.join(projectRoot, dir), { recursive: true }) as string[])
      .filter((file) => file.endsWith('.ts') && !file.endsWith('.d.ts')).map((file) => `${dir}/${file.replace(/\.ts$/, '')}`));
    const missing = sources.filter((name) => name !== 'firmware/main' && !(manifest.preload as string[]).includes(name));
    assert.deepEqual(missing, [], 'add these to manifest.json "preload"');
  });

  it('maps module names to the repository paths that relative imports assume', () => {
    for (const [name, source] of Object.entries(manifest.modules as Record<string, string>)) {
      if (source.startsWith('$(')) continue; // the SDK's own modules (crypt)
      assert.equal(`./${name}`, source, `module name ${name} must mirror its path so relative imports resolve on the device`);
    }
  });

  it('supports exactly the camera boards, with an error entry for everything else', () => {
    const platforms = Object.keys(manifest.platforms);
    assert.deepEqual(platforms.filter((p) => !manifest.platforms[p].error), ['esp32/lilygo_t_camera_plus_s3', 'esp32/xiao_esp32s3_sense', 'esp32/esp32cam']);
    assert.match(manifest.platforms['esp32/*'].error, /not supported/);
    assert.match(manifest.platforms['...'].error, /only on its supported ESP32 camera boards/);
    // mcconfig takes the first matching key: the exact boards must precede the wildcard.
    assert.ok(platforms.indexOf('esp32/*') > platforms.indexOf('esp32/esp32cam'));
  });
});
