// boardDockPort() (firmware/dock/camera-dock.ts) in XS on simulated boards of each target and
// with other config.dock settings: the S3's USB port when the target names it for release and
// xsbug does not hold it, else the UART of config.dock.uart or the target's device.Serial.default,
// and a clear refusal of a board whose dock UART lacks a pin.
import assert from 'node:assert/strict';
import { SimulatedBoard, type BootOptions } from '../../host-tools/sim/board.js';

const FIXTURE = 'test/fixtures/firmware/board-dock-port';
const NO_UART = 'this board has no dock UART: set config.dock.uart (port, transmit, receive pins) for its target in manifest.json, or give the target a device.Serial.default';

describe('the board\'s dock port (XS)', () => {
  let board: SimulatedBoard | undefined;
  afterEach(async () => {
    await board?.close();
    board = undefined;
  });

  async function dockPort(options: BootOptions): Promise<unknown> {
    await board?.close();
    board = await SimulatedBoard.boot({ ...options, main: FIXTURE });
    const result = await board.command('dock-port');
    board.throwIfFaulted();
    return result;
  }

  it('is the S3\'s USB port in a release build, and the manifest\'s UART while xsbug holds USB', async () => {
    for (const [target, port] of [['lilygo_t_camera_plus_s3', 1], ['xiao_esp32s3_sense', 0]] as const) {
      assert.deepEqual(await dockPort({ target, usbSerialJtag: 'free' }), { port: { link: 'usb' } }, `${target}, release`);
      assert.deepEqual(await dockPort({ target, usbSerialJtag: 'xsbug' }), { port: { link: 'uart', port, transmit: 43, receive: 44, baud: 2_000_000 } }, `${target}, debug`);
    }
  });

  it('is the UART on a target whose release port is the UART, USB free or not', async () => {
    // As the ESP32-CAM's manifest section has it (no config.dock.uart): the target's device.Serial.default, at the link's own baud.
    for (const usbSerialJtag of ['free', 'xsbug'] as const) {
      assert.deepEqual(await dockPort({ target: 'xiao_esp32s3_sense', usbSerialJtag, config: { dock: { release: 'uart', maxData: 32768 } } }),
        { port: { link: 'uart', port: 0, transmit: 43, receive: 44 } }, usbSerialJtag);
    }
    // config.dock.uart without a port: UART 0.
    assert.deepEqual(await dockPort({ usbSerialJtag: 'free', config: { dock: { release: 'uart', uart: { transmit: 1, receive: 3 } } } }),
      { port: { link: 'uart', port: 0, transmit: 1, receive: 3 } });
  });

  it('refuses a dock UART without a transmit or a receive pin, saying what to set', async () => {
    for (const uart of [{ port: 2, receive: 3 }, { port: 2, transmit: 1 }]) {
      assert.deepEqual(await dockPort({ config: { dock: { release: 'usb-serial-jtag', uart } } }), { error: NO_UART }, JSON.stringify(uart));
    }
  });
});
