// Which sign display a board has and how it is wired, from the manifest's
// per-platform `config.board.display`, turned into the driver SignageDisplay opens.
import ST7789 from '../../drivers/st7789.js';
import SSD1306 from '../../drivers/ssd1306.js';
import type { SignPanel } from './signage.js';

type Device = typeof device;

function fail(what: string): never {
  throw new Error(`invalid configuration: board.display.${what}; fix this platform's "config.board.display" in manifest.json`);
}

function pin(display: Record<string, unknown>, key: string, optional = false): number | undefined {
  const value = display[key];
  if (value === undefined && optional) return undefined;
  if (typeof value !== 'number' || !(value >= 0)) fail(`${key} must be a GPIO number`);
  return value;
}

/** The opener for the configured display, or undefined when the board has none. */
export function signPanelOpener(display: unknown, board: Device): (() => SignPanel) | undefined {
  if (display === undefined) return undefined;
  if (!display || typeof display !== 'object') fail('must be an object with a "kind"');
  const d = display as Record<string, unknown>;
  const size = { width: typeof d.width === 'number' ? d.width : undefined, height: typeof d.height === 'number' ? d.height : undefined };
  switch (d.kind) {
    case 'st7789': {
      const select = pin(d, 'select')!, dc = pin(d, 'dc')!, reset = pin(d, 'reset', true), backlight = pin(d, 'backlight', true);
      const Digital = board.io.Digital;
      const spi = board.SPI.default as { clock: number; out: number; in?: number; port?: number };
      return () => new ST7789({
        display: { ...spi, io: board.io.SPI, select, hz: typeof d.hz === 'number' ? d.hz : undefined },
        dc: { io: Digital, pin: dc },
        reset: reset === undefined ? undefined : { io: Digital, pin: reset },
        backlight: backlight === undefined ? undefined : { io: Digital, pin: backlight },
        identify: d.identify === true,
        ...size,
      });
    }
    case 'ssd1306': {
      const i2c = board.I2C.default as { data: number; clock: number; port?: number };
      const address = typeof d.address === 'number' ? d.address : 0x3c;
      if (size.height !== undefined && size.height !== 64 && size.height !== 32) fail('height must be 64 or 32');
      return () => new SSD1306({ display: { ...i2c, io: board.io.I2C, address }, width: size.width, height: size.height as 64 | 32 | undefined });
    }
    default:
      return fail(`kind must be "st7789" or "ssd1306", not ${JSON.stringify(d.kind)}`);
  }
}
