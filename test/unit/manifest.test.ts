import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
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
    // The drivers' own manifests (native modules) map theirs relative to their folder, on every platform.
    const fragments = (manifest.include as string[]).filter((file) => file.startsWith('./')).flatMap((file) => {
      const fragment = JSON.parse(readFileSync(path.join(projectRoot, file), 'utf8')) as { modules?: Record<string, string>; platforms?: Record<string, { modules?: Record<string, string> }> };
      const dir = path.dirname(file);
      return [fragment.modules ?? {}, ...Object.values(fragment.platforms ?? {}).map((p) => p.modules ?? {})]
        .flatMap((modules) => Object.entries(modules).map(([name, source]) => [name, `./${path.join(dir, source)}`] as const));
    });
    assert.ok(fragments.length >= 4, 'the native drivers map their modules');
    for (const [name, source] of [...Object.entries(manifest.modules as Record<string, string>), ...fragments]) {
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

  // What each board has (datasheets): PSRAM the XS heaps may take, flash the partition table
  // must fill exactly. The ESP32-CAM's classic ESP32 maps 4 MB of PSRAM.
  const BOARDS: Record<string, { flash: number; psram: number }> = {
    'esp32/lilygo_t_camera_plus_s3': { flash: 16 << 20, psram: 8 << 20 },
    'esp32/xiao_esp32s3_sense': { flash: 8 << 20, psram: 8 << 20 },
    'esp32/esp32cam': { flash: 4 << 20, psram: 4 << 20 },
  };
  const SLOT_BYTES = 16; // sizeof(txSlot) with 32-bit pointers (xs/sources/xsAll.h)

  for (const [platform, board] of Object.entries(BOARDS)) {
    describe(platform, () => {
      const section = manifest.platforms[platform];

      it('sets every XS creation value itself, fixed so the heap cannot outgrow the budget', () => {
        const creation = section.creation;
        assert.equal(creation.static, 0);
        assert.equal(creation.chunk.incremental, 0, 'a fixed chunk heap: "memory full" at a known size, as the simulated board enforces');
        assert.equal(creation.heap.incremental, 0, 'a fixed slot heap');
        for (const value of [creation.chunk.initial, creation.heap.initial, creation.stack, creation.keys.initial, creation.keys.name, creation.keys.symbol, creation.parser.buffer, creation.parser.table]) {
          assert.ok(Number.isInteger(value) && value > 0, `${platform}: every creation value is a positive whole number`);
        }
        // Far above the SDK's default 78,848-byte chunk heap and 4,928 slots, which a camera outgrows.
        assert.ok(creation.chunk.initial >= 512 * 1024);
        assert.ok(creation.heap.initial >= 16384);
        const xsBytes = creation.chunk.initial + (creation.heap.initial + creation.stack) * SLOT_BYTES;
        assert.ok(xsBytes <= board.psram / 3, `${platform}: the XS heaps (${xsBytes} bytes) leave two thirds of PSRAM to the camera's frame buffers and the drivers`);
      });

      it('names a partition table that fills the flash and has a littlefs "storage" partition', () => {
        const file = section.build.PARTITIONS_FILE as string;
        assert.match(file, /^\.\/partitions\/[a-z0-9_]+\.csv$/, 'mcconfig resolves "./" against the app directory');
        const rows = readFileSync(path.join(projectRoot, file), 'utf8').split('\n')
          .map((line) => line.trim()).filter((line) => line && !line.startsWith('#'))
          .map((line) => line.split(',').map((field) => field.trim()));
        let end = 0x9000; // the partition table itself sits at 0x8000
        for (const [name, , , offset, size] of rows) {
          assert.equal(Number(offset), end, `${file}: ${name} starts where the previous partition ends`);
          end = Number(offset) + Number(size);
        }
        assert.equal(end, board.flash, `${file}: the partitions fill the ${board.flash >> 20} MB flash`);
        const factory = rows.find(([name]) => name === 'factory')!;
        assert.equal(Number(factory[3]) % 0x10000, 0, 'app partitions are 64 KB aligned');
        const storage = rows.find(([name]) => name === 'storage');
        assert.ok(storage, `${file}: a "storage" partition (manifest_littlefs.json's file.partition "#storage")`);
        assert.deepEqual(storage.slice(1, 3), ['data', 'littlefs']);
        // mcconfig would otherwise carve a 64 KB storage partition out of the app (tools/mcmanifest.js).
        assert.ok(Number(storage[4]) >= 1 << 20, `${file}: at least 1 MB for the keys and the chain`);
      });
    });
  }
});
