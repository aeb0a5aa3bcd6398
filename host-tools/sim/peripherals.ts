// Devices wired to the simulated board's buses for each target: the sign
// display panels. A test reaches a board's panel with signPanel(board) to look
// at its pixels or to unplug it.
import type { SimulatedBoard } from './board.js';
import { Ssd1306Panel } from './hardware/ssd1306-panel.js';
import { St7789Panel } from './hardware/st7789-panel.js';

// LILYGO's pin_config.h for the T-Camera Plus S3 V1.0/V1.1 (the revision Moddable's target
// matches) when the manifest does not say otherwise: LCD_CS 34 (Moddable's defines.ili9341 says
// 21, which is the SD card's select), LCD_DC 45, LCD_RST 33, LCD_BL 46.
const LILYGO_DISPLAY = { select: 34, dc: 45, reset: 33, backlight: 46 };

const panels = new WeakMap<SimulatedBoard, St7789Panel | Ssd1306Panel>();

export function attachPeripherals(board: SimulatedBoard): void {
  const display = ((board.target.config.board ?? {}) as { display?: Record<string, unknown> }).display ?? {};
  const number = (key: string, fallback: number | undefined) => (typeof display[key] === 'number' ? (display[key] as number) : fallback);
  switch (board.target.name) {
    case 'lilygo_t_camera_plus_s3': {
      const panel = new St7789Panel({
        timeline: board.timeline,
        level: (pin) => board.gpio.read(pin),
        dc: number('dc', LILYGO_DISPLAY.dc)!,
        reset: number('reset', LILYGO_DISPLAY.reset),
        backlight: number('backlight', LILYGO_DISPLAY.backlight),
        // LILYGO's pin maps route MISO to the SD card only; the panel cannot be read.
        sdoWired: false,
      });
      board.spi.attach(number('select', LILYGO_DISPLAY.select)!, panel);
      panels.set(board, panel);
      break;
    }
    case 'xiao_esp32s3_sense': {
      // An external 0.96" SSD1306 module on the XIAO's default I2C pins (D4/D5).
      const panel = new Ssd1306Panel({ address: number('address', 0x3c) });
      board.i2c.attach(panel.address, panel);
      panels.set(board, panel);
      break;
    }
  }
}

/** The sign display panel attached to this board, if its target has one. */
export function signPanel(board: SimulatedBoard): St7789Panel | Ssd1306Panel | undefined {
  return panels.get(board);
}
