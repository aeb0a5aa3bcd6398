import assert from 'node:assert/strict';
import { readChaincamConfig } from '../../firmware/config.js';
import { boardTarget } from '../../host-tools/sim/targets.js';

describe('firmware configuration (engine-neutral code, run in Node)', () => {
  it('reads the manifest config merged for each board target', () => {
    const lilygo = readChaincamConfig(boardTarget('lilygo_t_camera_plus_s3').config);
    assert.equal(lilygo.profile, 'kr-2024');
    assert.equal(lilygo.board.led, 16);
    assert.equal(lilygo.board.ledActiveLow, false);
    const xiao = readChaincamConfig(boardTarget('xiao_esp32s3_sense').config);
    // GPIO 21 (the user LED) is the Sense board's SD card select: the recording LED is external, on D1.
    assert.equal(xiao.board.led, 2);
    assert.equal(xiao.board.ledActiveLow, false);
  });

  it('refuses a pattern with a zero-length step, naming the key to fix', () => {
    const config = boardTarget().config as Record<string, any>;
    const bad = { ...config, chaincam: { ...config.chaincam, ledPatterns: { ready: [[1, 0]], fault: [[1, 5]] } } };
    assert.throws(() => readChaincamConfig(bad), /chaincam\.ledPatterns\.ready\[0\] must be \[0 or 1, milliseconds > 0\].*manifest\.json/);
  });

  it('refuses an unknown board target and lists the known ones', () => {
    assert.throws(() => boardTarget('esp32cam'), /unknown board target "esp32cam".*lilygo_t_camera_plus_s3, xiao_esp32s3_sense/);
  });
});
