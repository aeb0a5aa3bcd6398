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
        onData: (t) => lamp?.(t),
      });
      const height = (board.target.config.board as { lamp?: { height?: number } } | undefined)?.lamp?.height;
      const lamp = height ? watchLamp(board, panel, height) : undefined;
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

/**
 * The recording lamp the firmware draws along the sign's bottom edge (config.board.lamp): each
 * RAM write that reaches the strip puts what the glass then shows at its centre on the timeline
 * as the "led" channel (1: lit red), so the LED's checks and pictures see the lamp as they see a pin.
 */
function watchLamp(board: SimulatedBoard, panel: St7789Panel, height: number): (t: number) => void {
  const top = panel.height - height;
  let seen = 0;
  return (t) => {
    const write = panel.writes.at(-1);
    // Once per RAM write inside the strip, when its window is filled.
    if (!write || panel.writes.length === seen || write.y0 < top || write.pixels < (write.x1 - write.x0 + 1) * (write.y1 - write.y0 + 1)) return;
    seen = panel.writes.length;
    const centre = panel.glassAt(panel.width >> 1, top + (height >> 1));
    board.timeline.record({ t, kind: 'lamp', channel: 'led', level: centre === 0xf800 ? 1 : 0 });
  };
}

/** When the sign was drawn (each RAM write), leaving out the recording lamp's strip: that is the light. */
export function signWrites(board: SimulatedBoard): number[] {
  const panel = panels.get(board);
  if (!panel) return [];
  const lamp = (board.target.config.board as { lamp?: { height?: number } } | undefined)?.lamp?.height ?? 0;
  return panel.writes.filter((w) => !('y0' in w) || w.y0 < panel.height - lamp).map((w) => w.t);
}

/** The sign display panel attached to this board, if its target has one. */
export function signPanel(board: SimulatedBoard): St7789Panel | Ssd1306Panel | undefined {
  return panels.get(board);
}
