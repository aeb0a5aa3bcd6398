// Sitronix ST7789 TFT controller over ECMA-419 SPI, a D/C pin (low: command,
// high: data), an optional reset pin and backlight: 240x240 RGB565 on the LILYGO
// T-Camera Plus S3. It draws rectangles and 1-bit text masks; nothing keeps a
// frame buffer, so an update costs only the rows it changes.
import type Digital from 'embedded:io/digital';
import type SPI from 'embedded:io/spi';
import Timer from 'timer';
import type { TextMask } from './text-renderer.js';

// @moddable/typings 5.6.0 omits close() on SPI; every ECMA-419 IO has it.
type ClosableSPI = SPI & { close(): void };

export interface ST7789Options {
  display: { io: typeof SPI; clock: number; out: number; in?: number; port?: number; select: number; hz?: number };
  dc: { io: typeof Digital; pin: number };
  reset?: { io: typeof Digital; pin: number };
  backlight?: { io: typeof Digital; pin: number };
  width?: number;
  height?: number;
  /** The panel's serial data out is wired to the bus's `in` pin, so RDDID can prove it answers. */
  identify?: boolean;
}

const Command = Object.freeze({
  SWRESET: 0x01,
  RDDID: 0x04,
  SLPOUT: 0x11,
  NORON: 0x13,
  INVON: 0x21,
  DISPOFF: 0x28,
  DISPON: 0x29,
  CASET: 0x2a,
  RASET: 0x2b,
  RAMWR: 0x2c,
  MADCTL: 0x36,
  COLMOD: 0x3a,
});
const COLMOD_RGB565 = 0b0101_0101; // 65K colours, 16 bits a pixel
const MADCTL_RGB_TOP_LEFT = 0b0000_0000;
// Datasheet delays: reset or SWRESET to the next command 5 ms, 120 ms when waking
// from sleep; SLPOUT to the next command 5 ms, to SLPIN 120 ms.
const RESET_MS = 120;
const SLEEP_OUT_MS = 120;
const WRITE_HZ = 40_000_000;
const READ_HZ = 6_000_000; // RDDID read cycle is 150 ns
const CHUNK = 4800;

export default class ST7789 {
  readonly width: number;
  readonly height: number;
  readonly color = true;
  readonly #options: ST7789Options;
  readonly #name: string;
  #spi: ClosableSPI | undefined;
  #dc: Digital | undefined;
  #reset: Digital | undefined;
  #backlight: Digital | undefined;
  #dcLevel = -1;
  #buffer = new Uint8Array(CHUNK);
  #expansion: { fg: number; bg: number; scale: number; nibbles: Uint8Array[] } | undefined;

  constructor(options: ST7789Options) {
    this.#options = options;
    this.width = options.width ?? 240;
    this.height = options.height ?? 240;
    this.#name = `ST7789 display (SPI select ${options.display.select}, D/C ${options.dc.pin})`;
    try {
      this.#dc = this.#open(options.dc, 'D/C');
      if (options.reset) this.#reset = this.#open(options.reset, 'reset', 1);
      if (options.backlight) this.#backlight = this.#open(options.backlight, 'backlight', 0);
      if (options.identify) {
        this.#spi = this.#openSpi(READ_HZ);
        this.#hardwareReset();
        this.probe();
        this.#spi.close();
      }
      this.#spi = this.#openSpi(options.display.hz ?? WRITE_HZ);
      this.#hardwareReset();
      this.#command(Command.SLPOUT);
      Timer.delay(SLEEP_OUT_MS);
      this.#command(Command.COLMOD, COLMOD_RGB565);
      this.#command(Command.MADCTL, MADCTL_RGB_TOP_LEFT);
      this.#command(Command.INVON); // IPS glass shows true colours with inversion on
      this.#command(Command.NORON);
      this.fill(0, 0, this.width, this.height, 0);
      this.#command(Command.DISPON);
      this.#backlight?.write(1);
    } catch (error) {
      this.close();
      throw this.#error(error);
    }
  }

  /** True when this wiring lets the driver notice a panel that does not answer. */
  get identifies(): boolean {
    return this.#options.identify === true;
  }

  /**
   * Reads the display ID (RDDID) and throws if nothing answered. Without the
   * panel's data out wired (`identify`), an SPI panel cannot be heard: no-op.
   */
  probe(): void {
    if (!this.#options.identify) return;
    const spi = this.#live();
    this.#command(Command.RDDID);
    const bytes = new Uint8Array(4);
    spi.read(bytes);
    // One dummy clock precedes the 24 ID bits in serial mode.
    const id = (((bytes[0]! << 24) | (bytes[1]! << 16) | (bytes[2]! << 8) | bytes[3]!) >>> 7) & 0xffffff;
    if (id === 0 || id === 0xffffff) {
      throw new Error(`${this.#name} did not answer its ID read (RDDID gave 0x${id.toString(16).padStart(6, '0')}): check the display cable and power, and the select, D/C and MISO pins`);
    }
  }

  fill(x: number, y: number, width: number, height: number, color: number): void {
    this.#window(x, y, width, height);
    const spi = this.#live();
    const buffer = this.#buffer;
    const pixels = Math.min(width * height, buffer.length >> 1);
    buffer[0] = color >> 8;
    buffer[1] = color & 0xff;
    for (let filled = 2; filled < pixels * 2; filled *= 2) buffer.copyWithin(filled, 0, Math.min(filled, pixels * 2 - filled));
    for (let left = width * height; left > 0; left -= pixels) spi.write(buffer.subarray(0, Math.min(left, pixels) * 2));
  }

  /** Draws a text mask at (x, y), each source pixel `scale` x `scale`, fg where set, bg elsewhere. */
  drawMask(x: number, y: number, mask: TextMask, scale: number, fg: number, bg: number): void {
    const width = mask.width * scale;
    this.#window(x, y, width, mask.height * scale);
    const spi = this.#live();
    const rowLength = width * 2;
    const band = rowLength * scale;
    if (band > this.#buffer.length) this.#buffer = new Uint8Array(band);
    const buffer = this.#buffer;
    const nibbles = this.#nibbles(fg, bg, scale);
    const step = nibbles[0]!.length;
    let o = 0;
    for (let row = 0, from = 0; row < mask.height; row++) {
      const start = o;
      // Whole nibbles of pixels at a time: a loop per pixel costs ~10x more in XS.
      for (let b = 0; b < mask.rowBytes; b++, o += 2 * step) {
        const bits = mask.bits[from++]!;
        buffer.set(nibbles[bits >> 4]!, o);
        buffer.set(nibbles[bits & 15]!, o + step);
      }
      for (let s = 1; s < scale; s++, o += rowLength) buffer.copyWithin(o, start, start + rowLength);
      if (o + band > buffer.length || row === mask.height - 1) {
        spi.write(buffer.subarray(0, o));
        o = 0;
      }
    }
  }

  /** RGB565 bytes for each 4-pixel pattern in these colours and scale, kept for the next call. */
  #nibbles(fg: number, bg: number, scale: number): Uint8Array[] {
    const cached = this.#expansion;
    if (cached && cached.fg === fg && cached.bg === bg && cached.scale === scale) return cached.nibbles;
    const nibbles: Uint8Array[] = [];
    for (let n = 0; n < 16; n++) {
      const bytes = new Uint8Array(8 * scale);
      for (let p = 0, o = 0; p < 4 * scale; p++) {
        const color = n & (8 >> ((p / scale) | 0)) ? fg : bg;
        bytes[o++] = color >> 8;
        bytes[o++] = color & 0xff;
      }
      nibbles.push(bytes);
    }
    this.#expansion = { fg, bg, scale, nibbles };
    return nibbles;
  }

  close(): void {
    for (const io of [this.#spi, this.#dc, this.#reset, this.#backlight]) {
      try {
        io?.close();
      } catch {
        // closing what is already broken must not hide the first error
      }
    }
    this.#spi = this.#dc = this.#reset = this.#backlight = undefined;
  }

  #open(pin: { io: typeof Digital; pin: number }, role: string, level?: 0 | 1): Digital {
    let io: Digital;
    try {
      io = new pin.io({ pin: pin.pin, mode: pin.io.Output });
    } catch (error) {
      throw new Error(`cannot open its ${role} pin ${pin.pin}: ${(error as Error).message}`);
    }
    if (level !== undefined) io.write(level);
    return io;
  }

  #openSpi(hz: number): ClosableSPI {
    const { io, ...pins } = this.#options.display;
    try {
      return new io({ ...pins, hz, mode: 0 }) as ClosableSPI;
    } catch (error) {
      throw new Error(`cannot open SPI (clock ${pins.clock}, out ${pins.out}, select ${pins.select}): ${(error as Error).message}`);
    }
  }

  #hardwareReset(): void {
    if (this.#reset) {
      this.#reset.write(0);
      Timer.delay(1); // a pulse longer than 10 us
      this.#reset.write(1);
    } else this.#command(Command.SWRESET);
    Timer.delay(RESET_MS);
  }

  #window(x: number, y: number, width: number, height: number): void {
    if (!(x >= 0 && y >= 0 && width > 0 && height > 0 && x + width <= this.width && y + height <= this.height)) {
      throw new RangeError(`${this.#name}: rectangle ${width}x${height} at (${x}, ${y}) is outside ${this.width}x${this.height}`);
    }
    const x1 = x + width - 1, y1 = y + height - 1;
    this.#command(Command.CASET, x >> 8, x & 0xff, x1 >> 8, x1 & 0xff);
    this.#command(Command.RASET, y >> 8, y & 0xff, y1 >> 8, y1 & 0xff);
    this.#command(Command.RAMWR);
  }

  #command(command: number, ...parameters: number[]): void {
    const spi = this.#live();
    this.#setDc(0);
    spi.write(Uint8Array.of(command));
    if (parameters.length) {
      this.#setDc(1);
      spi.write(Uint8Array.from(parameters));
    } else this.#setDc(1); // what follows (pixels, a read) is data
  }

  #setDc(level: 0 | 1): void {
    if (this.#dcLevel === level) return;
    this.#dc!.write(level);
    this.#dcLevel = level;
  }

  #live(): ClosableSPI {
    if (!this.#spi) throw new Error(`${this.#name} is closed`);
    return this.#spi;
  }

  #error(error: unknown): Error {
    const message = error instanceof Error ? error.message : String(error);
    return message.startsWith('ST7789') ? (error as Error) : new Error(`${this.#name}: ${message}`);
  }
}
