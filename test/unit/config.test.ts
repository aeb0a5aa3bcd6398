import assert from 'node:assert/strict';
import { readChaincamConfig } from '../../firmware/config.js';
import { boardTarget } from '../../host-tools/sim/targets.js';

describe('firmware configuration (engine-neutral code, run in Node)', () => {
  it('reads the manifest config merged for each board target', () => {
    const lilygo = readChaincamConfig(boardTarget('lilygo_t_camera_plus_s3').config);
    assert.equal(lilygo.profile, 'kr-2024');
    // Every LILYGO GPIO is taken (16 is the IR-cut filter): the light is a lamp on the sign, the tones go to the I2S amplifier.
    assert.equal(lilygo.board.led, undefined);
    assert.deepEqual(lilygo.board.lamp, { height: 12 });
    assert.deepEqual([lilygo.board.buzzer, lilygo.board.speaker], [undefined, { kind: 'max98357a', sampleRate: 44100 }]);
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

  it('refuses a board with both a buzzer and a speaker, an LED and a lamp, or a lamp without a colour sign', () => {
    const config = boardTarget('lilygo_t_camera_plus_s3').config as Record<string, any>;
    const withBoard = (board: Record<string, unknown>) => ({ ...config, board: { ...config.board, ...board } });
    assert.throws(() => readChaincamConfig(withBoard({ buzzer: 34 })), /board\.buzzer and board\.speaker are both set.*manifest\.json/);
    assert.throws(() => readChaincamConfig(withBoard({ led: 16 })), /board\.led and board\.lamp are both set/);
    assert.throws(() => readChaincamConfig(withBoard({ display: undefined })), /board\.lamp needs a colour sign display/);
    assert.throws(() => readChaincamConfig(withBoard({ speaker: { kind: 'piezo' } })), /board\.speaker\.kind must be "max98357a"/);
    assert.throws(() => readChaincamConfig(withBoard({ lamp: { height: 100 } })), /board\.lamp\.height must be 4-32 pixels/);
  });

  it('refuses an unknown board target and lists the known ones', () => {
    assert.throws(() => boardTarget('esp32cam'), /unknown board target "esp32cam".*lilygo_t_camera_plus_s3, xiao_esp32s3_sense/);
  });
});
