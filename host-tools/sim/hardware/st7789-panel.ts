// A simulated ST7789 panel on the SPI bus: it decodes the driver's command bytes
// (D/C low: command, D/C high: data, sampled from the GPIO model at each
// transfer) into its 240x320 RGB565 RAM and shows the top 240x240, as the
// LILYGO's glass does. It checks the datasheet's delays and can stop answering.
import { encodePng } from '../png.js';
import type { SpiDevice } from './buses.js';
import type { Timeline } from '../timeline.js';

const RAM_WIDTH = 240;
const RAM_HEIGHT = 320;
// Sitronix ST7789V datasheet, RDDID: manufacturer 0x85, version 0x85, driver 0x52.
const DISPLAY_ID = 0x858552;
const PARAMETER_COUNT: Record<number, number> = { 0x2a: 4, 0x2b: 4, 0x36: 1, 0x3a: 1 };

export interface St7789PanelOptions {
  timeline: Timeline;
  /** The D/C pin's level right now (throws if nothing drives it). */
  level: (pin: number) => 0 | 1;
  dc: number;
  reset?: number;
  backlight?: number;
  width?: number;
  height?: number;
  /** Whether the panel's serial data out reaches the controller's MISO. */
  sdoWired?: boolean;
  /** Called after each transfer of data bytes has reached the panel's RAM. */
  onData?: (t: number) => void;
}

export interface RamWrite {
  t: number;
  x0: number;
  y0: number;
  x1: number;
  y1: number;
  pixels: number;
}

export class St7789Panel implements SpiDevice {
  readonly width: number;
  readonly height: number;
  readonly ram = new Uint16Array(RAM_WIDTH * RAM_HEIGHT);
  /** Every RAMWR: its window and how many pixels followed. */
  readonly writes: RamWrite[] = [];
  /** Datasheet rules the driver broke, in words. */
  readonly violations: string[] = [];
  /** False: the panel is unplugged or dead; it ignores every byte. */
  answering = true;
  sdoWired: boolean;
  sleeping = true;
  displayOn = false;
  inverted = false;
  backlightOn: boolean;
  madctl = 0;
  colmod = 0x66;

  readonly #o: St7789PanelOptions;
  #command = -1;
  #parameters: number[] = [];
  #window = { x0: 0, y0: 0, x1: RAM_WIDTH - 1, y1: RAM_HEIGHT - 1 };
  #x = 0;
  #y = 0;
  #half: number | undefined;
  #readyAt = 0;
  #inReset = false;

  constructor(options: St7789PanelOptions) {
    this.#o = options;
    this.width = options.width ?? 240;
    this.height = options.height ?? 240;
    this.sdoWired = options.sdoWired ?? false;
    this.backlightOn = options.backlight === undefined;
    options.timeline.onRecord((entry) => {
      if (entry.kind !== 'gpio' || entry.direction !== 'out') return;
      if (entry.pin === options.reset) {
        if (entry.level === 0) this.#powerOnReset(entry.t);
        this.#inReset = entry.level === 0;
        if (entry.level === 1) this.#busy(entry.t, 5);
      }
      if (entry.pin === options.backlight) this.backlightOn = entry.level === 1;
    });
  }

  transfer(bytes: Uint8Array, t: number): Uint8Array | undefined {
    if (!this.answering || this.#inReset) return undefined;
    let level: 0 | 1;
    try {
      level = this.#o.level(this.#o.dc);
    } catch {
      this.violations.push(`t=${t}: ${bytes.length} bytes sent while D/C (GPIO ${this.#o.dc}) is not driven`);
      return undefined;
    }
    if (level === 0) {
      for (const byte of bytes) this.#begin(byte, t);
      return undefined;
    }
    if (this.#command === 0x04) return this.sdoWired ? this.#readId(bytes.length) : undefined;
    this.#data(bytes);
    this.#o.onData?.(t);
    return undefined;
  }

  /** One pixel as the glass shows it (RGB565). */
  glassAt(x: number, y: number): number {
    if (!this.displayOn || this.sleeping || !this.backlightOn) return 0;
    return this.ram[y * RAM_WIDTH + x]! ^ (this.inverted ? 0 : 0xffff);
  }

  /** The visible pixels as the glass shows them (RGB565), row-major. */
  visible(): Uint16Array {
    const out = new Uint16Array(this.width * this.height);
    const dark = !this.displayOn || this.sleeping || !this.backlightOn;
    // IPS glass: true colours with inversion on, inverted colours with it off.
    const flip = this.inverted ? 0 : 0xffff;
    for (let y = 0; y < this.height; y++) {
      for (let x = 0; x < this.width; x++) out[y * this.width + x] = dark ? 0 : this.ram[y * RAM_WIDTH + x]! ^ flip;
    }
    return out;
  }

  png(): Buffer {
    const pixels = this.visible();
    const bgr = (this.madctl & 0x08) !== 0;
    const rgba = new Uint8Array(pixels.length * 4);
    pixels.forEach((p, i) => {
      const r = ((p >> 11) & 31) * 255 / 31, g = ((p >> 5) & 63) * 255 / 63, b = (p & 31) * 255 / 31;
      rgba.set([Math.round(bgr ? b : r), Math.round(g), Math.round(bgr ? r : b), 255], i * 4);
    });
    return encodePng(this.width, this.height, rgba);
  }

  #begin(command: number, t: number): void {
    if (t < this.#readyAt) this.violations.push(`t=${t}: command 0x${command.toString(16)} ${this.#readyAt - t} ms too early (datasheet: wait after reset or SLPOUT)`);
    this.#command = command;
    this.#parameters = [];
    this.#half = undefined;
    switch (command) {
      case 0x01: this.#powerOnReset(t); this.#busy(t, 5); break;
      case 0x10: this.sleeping = true; this.#busy(t, 5); break;
      case 0x11: this.sleeping = false; this.#busy(t, 5); break;
      case 0x20: this.inverted = false; break;
      case 0x21: this.inverted = true; break;
      case 0x28: this.displayOn = false; break;
      case 0x29: this.displayOn = true; break;
      case 0x2c: this.#x = this.#window.x0; this.#y = this.#window.y0; this.writes.push({ t, ...this.#window, pixels: 0 }); break;
    }
  }

  #data(bytes: Uint8Array): void {
    const command = this.#command;
    if (command === 0x2c) return this.#pixels(bytes);
    const count = PARAMETER_COUNT[command];
    if (count === undefined) return;
    for (const byte of bytes) if (this.#parameters.length < count) this.#parameters.push(byte);
    if (this.#parameters.length !== count) return;
    const p = this.#parameters;
    if (command === 0x2a) Object.assign(this.#window, { x0: (p[0]! << 8) | p[1]!, x1: (p[2]! << 8) | p[3]! });
    if (command === 0x2b) Object.assign(this.#window, { y0: (p[0]! << 8) | p[1]!, y1: (p[2]! << 8) | p[3]! });
    if (command === 0x36) this.madctl = p[0]!;
    if (command === 0x3a) this.colmod = p[0]!;
  }

  #pixels(bytes: Uint8Array): void {
    if ((this.colmod & 0x07) !== 0x05) {
      this.violations.push(`pixels sent with COLMOD 0x${this.colmod.toString(16)}: not 16 bits a pixel`);
      return;
    }
    const write = this.writes[this.writes.length - 1]!;
    let i = 0;
    if (this.#half !== undefined && bytes.length) {
      this.#store((this.#half << 8) | bytes[i++]!);
      this.#half = undefined;
      write.pixels++;
    }
    for (; i + 1 < bytes.length; i += 2, write.pixels++) this.#store((bytes[i]! << 8) | bytes[i + 1]!);
    if (i < bytes.length) this.#half = bytes[i];
  }

  #store(pixel: number): void {
    const m = this.madctl;
    let column = m & 0x20 ? this.#y : this.#x; // MV exchanges rows and columns
    let row = m & 0x20 ? this.#x : this.#y;
    if (m & 0x40) column = RAM_WIDTH - 1 - column; // MX
    if (m & 0x80) row = RAM_HEIGHT - 1 - row; // MY
    if (column >= 0 && column < RAM_WIDTH && row >= 0 && row < RAM_HEIGHT) this.ram[row * RAM_WIDTH + column] = pixel;
    const w = this.#window;
    if (++this.#x > w.x1) {
      this.#x = w.x0;
      if (++this.#y > w.y1) this.#y = w.y0;
    }
  }

  #readId(count: number): Uint8Array {
    // A dummy clock, then the 24 ID bits, most significant first.
    const bits = BigInt(DISPLAY_ID) << BigInt(count * 8 - 25);
    const out = new Uint8Array(count);
    for (let i = 0; i < count; i++) out[i] = Number((bits >> BigInt((count - 1 - i) * 8)) & 0xffn);
    return out;
  }

  #powerOnReset(t: number): void {
    this.sleeping = true;
    this.displayOn = false;
    this.inverted = false;
    this.madctl = 0;
    this.colmod = 0x66;
    this.#window = { x0: 0, y0: 0, x1: RAM_WIDTH - 1, y1: RAM_HEIGHT - 1 };
    this.#readyAt = Math.max(this.#readyAt, t);
  }

  #busy(t: number, ms: number): void {
    this.#readyAt = Math.max(this.#readyAt, t + ms);
  }
}
