import assert from 'node:assert/strict';
import { BOARD_WIRING, pinClaims, pinConflicts } from '../../host-tools/sim/board-wiring.js';
import { boardTarget, readManifest, SUPPORTED_TARGETS } from '../../host-tools/sim/targets.js';

// Issue 13: no two parts of a board on one GPIO. Each board's wiring (its vendor's pin map), the
// Moddable target's provider and manifest.json's config, for every platform the manifest builds.
describe('pin conflicts: every board target, its wiring, provider and manifest config', () => {
  const platforms = Object.entries(readManifest().platforms ?? {}).filter(([name, p]) => name.startsWith('esp32/') && !p.error).map(([name]) => name.slice('esp32/'.length));

  it('knows the wiring of every board the manifest builds', () => {
    assert.deepEqual(platforms.filter((t) => !BOARD_WIRING[t]), []);
  });

  for (const target of ['lilygo_t_camera_plus_s3', 'xiao_esp32s3_sense']) {
    it(`${target}: no GPIO carries two parts`, () => {
      assert.deepEqual(pinConflicts(target), []);
    });
  }

  it('esp32cam: no GPIO carries two parts (the button on DAT2, which the 1-line SD slot leaves unused, not on its clock)', () => {
    assert.deepEqual(pinConflicts('esp32cam'), []);
  });

  it('esp32cam: the button where it was, on GPIO 14, is found on the SD card\'s clock', () => {
    const claims = pinClaims('esp32cam').map((c) => (c.by === 'provider button' ? { ...c, pin: 14 } : c));
    assert.deepEqual(pinConflicts('esp32cam', claims), ['GPIO 14: SD CLK (the board) / button (provider button) / SD CLK (config.board.sdCard.clock)']);
  });

  it('finds the conflicts of the LILYGO map before issue 13 (display select on the card\'s 21, LED on the IR-cut filter, buzzer on the display\'s select)', () => {
    const claims = pinClaims('lilygo_t_camera_plus_s3').filter((c) => !c.by.startsWith('config.board.display') && !c.by.startsWith('config.board.speaker'));
    claims.push(
      { pin: 21, by: 'config.board.display.select', net: 'LCD CS' },
      { pin: 16, by: 'config.board.led', net: 'LED' },
      { pin: 34, by: 'config.board.buzzer', net: 'buzzer' },
    );
    assert.deepEqual(pinConflicts('lilygo_t_camera_plus_s3', claims), [
      'GPIO 16: AP1511B IR-cut filter (FBC) (the board) / LED (config.board.led)',
      'GPIO 21: SD CS (the board) / SD CS (config.board.sdCard.select) / LCD CS (config.board.display.select)',
      'GPIO 34: LCD CS (the board) / buzzer (config.board.buzzer)',
    ]);
  });

  it('the LILYGO has no GPIO left for an LED or a buzzer (why its light is a lamp on the sign and its tones go to the I2S amplifier)', () => {
    const taken = new Set(pinClaims('lilygo_t_camera_plus_s3').map((c) => c.pin));
    const gpios = [...Array.from({ length: 22 }, (_, i) => i), ...Array.from({ length: 23 }, (_, i) => 26 + i)];
    assert.deepEqual(gpios.filter((pin) => !taken.has(pin)), []);
  });

  it('the simulated boards are wired as the check says: the provider pins and the sign\'s select', () => {
    for (const target of SUPPORTED_TARGETS) {
      const { provider, config } = boardTarget(target);
      const wiring = BOARD_WIRING[target]!.provider;
      assert.equal(provider.pin.button, wiring.button!.pin, `${target} button`);
      assert.deepEqual([provider.SPI.clock, provider.SPI.in, provider.SPI.out], [wiring['SPI clock']!.pin, wiring['SPI in']!.pin, wiring['SPI out']!.pin], `${target} SPI`);
      assert.deepEqual([provider.I2C.data, provider.I2C.clock], [wiring['I2C data']!.pin, wiring['I2C clock']!.pin], `${target} I2C`);
      assert.deepEqual([provider.Serial.transmit, provider.Serial.receive], [wiring['Serial transmit']!.pin, wiring['Serial receive']!.pin], `${target} UART`);
      const display = (config.board as { display?: { select?: number } }).display;
      if (display?.select !== undefined) assert.equal(BOARD_WIRING[target]!.nets[display.select], 'LCD CS', `${target}: the sign's select is the board's LCD CS`);
    }
  });

  it('the LILYGO build gives pins/audioout the speaker\'s pins (Moddable takes them from defines.audioOut)', () => {
    const section = readManifest().platforms!['esp32/lilygo_t_camera_plus_s3'] as Record<string, any>;
    const speaker = section.config.board.speaker;
    assert.deepEqual(section.defines.audioOut.i2s, { bck_pin: speaker.bitClock, lr_pin: speaker.wordSelect, dataout_pin: speaker.data });
    assert.ok((section.include as string[]).includes('$(MODULES)/pins/i2s/manifest.json'));
    for (const [name, other] of Object.entries(readManifest().platforms ?? {})) {
      if (name !== 'esp32/lilygo_t_camera_plus_s3') assert.ok(!JSON.stringify(other).includes('pins/i2s'), `${name} does not build pins/audioout`);
    }
  });
});
