// The capture settings a build carries (config.chaincam.capture in manifest.json), checked at boot
// by firmware/capture/capture-config.ts: each default, each value taken as given, and each bad
// value refused with the key, the rule and where to fix it.
import assert from 'node:assert/strict';
import { readCaptureConfig } from '../../firmware/capture/capture-config.js';

const DEFAULTS = { width: 640, height: 480, fps: 10, segmentSeconds: 10, sampleRate: 8000, reserveBytes: 256 * 1024, lowSpaceBytes: 8 * 1024 * 1024 };

describe('capture settings from mc/config (firmware/capture/capture-config.ts)', () => {
  it('nothing given: every default', () => {
    assert.deepEqual(readCaptureConfig(undefined), DEFAULTS);
    assert.deepEqual(readCaptureConfig(null), DEFAULTS);
    assert.deepEqual(readCaptureConfig({}), DEFAULTS);
  });

  it('each value given is taken as it is, the others stay default, and unknown keys are ignored', () => {
    const given = { width: 161, height: 121, fps: 7, segmentSeconds: 2.5, sampleRate: 16_000, reserveBytes: 1, lowSpaceBytes: 3 };
    for (const [key, value] of Object.entries(given)) {
      assert.deepEqual(readCaptureConfig({ [key]: value }), { ...DEFAULTS, [key]: value }, key);
    }
    assert.deepEqual(readCaptureConfig({ ...given, colour: 'red' }), given);
  });

  it('does not change the defaults it hands out', () => {
    const first = readCaptureConfig({});
    first.fps = 1;
    assert.equal(readCaptureConfig({}).fps, 10);
  });

  for (const key of Object.keys(DEFAULTS)) {
    for (const bad of [0, -1, '10', Number.NaN, true, null]) {
      it(`refuses ${key} = ${JSON.stringify(bad) ?? String(bad)} with the key, the rule and where to fix it`, () => {
        assert.throws(() => readCaptureConfig({ [key]: bad }), {
          message: `invalid configuration: chaincam.capture.${key} must be a number > 0; fix the "config" section of manifest.json`,
        });
      });
    }
  }

  for (const fps of [2.5, 61, 120]) {
    it(`refuses fps ${fps}: a whole number of frames per second, 1-60`, () => {
      assert.throws(() => readCaptureConfig({ fps }), { message: 'invalid configuration: chaincam.capture.fps must be a whole number of frames per second, 1-60' });
    });
  }

  it('takes 1 and 60 frames per second', () => {
    assert.equal(readCaptureConfig({ fps: 1 }).fps, 1);
    assert.equal(readCaptureConfig({ fps: 60 }).fps, 60);
  });
});
