// Solomon Systech SSD1306 monochrome OLED controller over ECMA-419 I2C: 128x64
// (or 128x32) at 0x3C, as the common external modules. It keeps the panel's
// 1 KB of display RAM in a shadow copy so a partial update (a changed digit)
// rewrites only the pages and columns it touched.
import type Digital from 'embedded:io/digital';
import type I2C from 'embedded:io/i2c';
import type { TextMask } from './text-renderer.js';

// @moddable/typings 5.6.0 omits close() on I2C; every ECMA-419 IO has it.
type ClosableI2C = I2C & { close(): void };

export interface SSD1306Options {
  display: { io: typeof I2C; data: number; clock: number; port?: number; hz?: number; address?: number };
  reset?: { io: typeof Digital; pin: number };
  width?: number;
  height?: 64 | 32;
}

const Control = Object.freeze({ commands: 0b0000_0000, data: 0b0100_0000 });
const Command = Object.freeze({
  MEMORY_MODE: 0x20,
  COLUMN_ADDRESS: 0x21,
  PAGE_ADDRESS: 0x22,
  START_LINE_0: 0x40,
  CONTRAST: 0x81,
  CHARGE_PUMP: 0x8d,
  SEGMENT_REMAP: 0xa1,
  RESUME_RAM: 0xa4,
  NORMAL: 0xa6,
  MULTIPLEX: 0xa8,
  DISPLAY_OFF: 0xae,
  DISPLAY_ON: 0xaf,
  COM_SCAN_DECREMENT: 0xc8,
  DISPLAY_OFFSET: 0xd3,
  CLOCK_DIVIDE: 0xd5,
  PRECHARGE: 0xd9,
  COM_PINS: 0xda,
  VCOM_DESELECT: 0xdb,
  NOP: 0xe3,
});
const HORIZONTAL_ADDRESSING = 0x00;
const CHARGE_PUMP_ON = 0x14;

export default class SSD1306 {
  readonly width: number;
  readonly height: number;
  readonly color = false;
  readonly #name: string;
  readonly #ram: Uint8Array;
  #i2c: ClosableI2C | undefined;
  #reset: Digital | undefined;

  constructor(options: SSD1306Options) {
    const { io, ...bus } = options.display;
    const address = bus.address ?? 0x3c;
    this.width = options.width ?? 128;
    this.height = options.height ?? 64;
    this.#ram = new Uint8Array(this.width * (this.height >> 3));
    this.#name = `SSD1306 display at I2C address 0x${address.toString(16)} (data ${bus.data}, clock ${bus.clock})`;
    try {
      if (options.reset) {
        this.#reset = new options.reset.io({ pin: options.reset.pin, mode: options.reset.io.Output });
        this.#reset.write(0);
        this.#reset.write(1);
      }
      this.#i2c = new io({ ...bus, address, hz: bus.hz ?? 400_000 }) as ClosableI2C;
      this.#commands(
        Command.DISPLAY_OFF,
        Command.CLOCK_DIVIDE, 0x80,
        Command.MULTIPLEX, this.height - 1,
        Command.DISPLAY_OFFSET, 0,
        Command.START_LINE_0,
        Command.CHARGE_PUMP, CHARGE_PUMP_ON, // modules have no external VCC
        Command.MEMORY_MODE, HORIZONTAL_ADDRESSING,
        Command.SEGMENT_REMAP, // with COM_SCAN_DECREMENT: upright on the usual modules
        Command.COM_SCAN_DECREMENT,
        Command.COM_PINS, this.height === 64 ? 0x12 : 0x02,
        Command.CONTRAST, 0xcf,
        Command.PRECHARGE, 0xf1,
        Command.VCOM_DESELECT, 0x40,
        Command.RESUME_RAM,
        Command.NORMAL,
      );
      this.#flush(0, this.width, 0, (this.height >> 3) - 1); // RAM powers up random
      this.#commands(Command.DISPLAY_ON);
    } catch (error) {
      this.close();
      const message = (error as Error).message ?? String(error);
      throw message.startsWith('SSD1306') ? error : new Error(`${this.#name}: cannot open it: ${message}`);
    }
  }

  /** Sends a no-op command; throws if the display does not acknowledge its address. */
  probe(): void {
    this.#commands(Command.NOP);
  }

  fill(x: number, y: number, width: number, height: number, color: number): void {
    this.#check(x, y, width, height);
    const lit = color !== 0;
    for (let row = y; row < y + height; row++) {
      const bit = 1 << (row & 7);
      const base = (row >> 3) * this.width;
      for (let column = x; column < x + width; column++) {
        if (lit) this.#ram[base + column]! |= bit;
        else this.#ram[base + column]! &= ~bit;
      }
    }
    this.#flush(x, x + width, y >> 3, (y + height - 1) >> 3);
  }

  /** Draws a text mask; a pixel is lit where the chosen colour (fg or bg) is not black. */
  drawMask(x: number, y: number, mask: TextMask, scale: number, fg: number, bg: number): void {
    const width = mask.width * scale, height = mask.height * scale;
    this.#check(x, y, width, height);
    const fgLit = fg !== 0, bgLit = bg !== 0;
    const ram = this.#ram;
    for (let row = 0; row < height; row++) {
      const py = y + row;
      const bit = 1 << (py & 7);
      const base = (py >> 3) * this.width + x;
      const source = ((row / scale) | 0) * mask.rowBytes;
      for (let column = 0; column < width; column++) {
        const sx = (column / scale) | 0;
        const set = mask.bits[source + (sx >> 3)]! & (0x80 >> (sx & 7));
        if (set ? fgLit : bgLit) ram[base + column]! |= bit;
        else ram[base + column]! &= ~bit;
      }
    }
    this.#flush(x, x + width, y >> 3, (y + height - 1) >> 3);
  }

  close(): void {
    try {
      if (this.#i2c) this.#commands(Command.DISPLAY_OFF);
    } catch {
      // a display that stopped answering is closed all the same
    }
    for (const io of [this.#i2c, this.#reset]) {
      try {
        io?.close();
      } catch {
        // closing what is already broken must not hide the first error
      }
    }
    this.#i2c = undefined;
    this.#reset = undefined;
  }

  #flush(x0: number, x1: number, page0: number, page1: number): void {
    this.#commands(Command.COLUMN_ADDRESS, x0, x1 - 1, Command.PAGE_ADDRESS, page0, page1);
    const span = x1 - x0;
    const packet = new Uint8Array(span + 1);
    packet[0] = Control.data;
    for (let page = page0; page <= page1; page++) {
      const from = page * this.width + x0;
      packet.set(this.#ram.subarray(from, from + span), 1);
      this.#write(packet);
    }
  }

  #commands(...bytes: number[]): void {
    this.#write(Uint8Array.of(Control.commands, ...bytes));
  }

  #write(bytes: Uint8Array): void {
    if (!this.#i2c) throw new Error(`${this.#name} is closed`);
    try {
      this.#i2c.write(bytes);
    } catch (error) {
      throw this.#unanswered(error);
    }
  }

  #check(x: number, y: number, width: number, height: number): void {
    if (!(x >= 0 && y >= 0 && width > 0 && height > 0 && x + width <= this.width && y + height <= this.height)) {
      throw new RangeError(`${this.#name}: rectangle ${width}x${height} at (${x}, ${y}) is outside ${this.width}x${this.height}`);
    }
  }

  #unanswered(error: unknown): Error {
    const message = error instanceof Error ? error.message : String(error);
    return new Error(`${this.#name} did not answer (${message}): check that it is connected and powered, and its address (0x3C, some modules 0x3D)`);
  }
}
