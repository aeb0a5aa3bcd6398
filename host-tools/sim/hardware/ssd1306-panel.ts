// A simulated SSD1306 OLED on the I2C bus: it decodes control bytes (Co, D/C#),
// commands (addressing modes, column and page addresses, display on/off, charge
// pump, remap and scan direction) and data into its 128x64 display RAM, and shows
// it as the glass would. Unplugged, it does not acknowledge its address.
import { encodePng } from '../png.js';
import type { I2cDevice } from './buses.js';

// Bytes that follow each multi-byte command.
const ARGUMENTS: Record<number, number> = {
  0x20: 1, 0x21: 2, 0x22: 2, 0x26: 6, 0x27: 6, 0x29: 5, 0x2a: 5, 0x81: 1, 0x8d: 1, 0xa3: 2,
  0xa8: 1, 0xd3: 1, 0xd5: 1, 0xd9: 1, 0xda: 1, 0xdb: 1,
};

export interface DataWrite {
  t: number;
  page: number;
  column: number;
  bytes: number;
}

export class Ssd1306Panel implements I2cDevice {
  readonly width: number;
  readonly height: number;
  readonly address: number;
  readonly ram: Uint8Array;
  /** Every data transfer: where it started and how many bytes. */
  readonly writes: DataWrite[] = [];
  /** False: unplugged or dead; the bus sees a NACK. */
  answering = true;
  displayOn = false;
  chargePump = false;
  mode: 'horizontal' | 'vertical' | 'page' = 'page';
  segmentRemap = false;
  comDecrement = false;
  inverse = false;
  entireOn = false;
  startLine = 0;
  contrast = 0x7f;

  #columns = { start: 0, end: 127 };
  #pages = { start: 0, end: 7 };
  #column = 0;
  #page = 0;
  #pending: { command: number; args: number[] } | undefined;

  constructor(options: { address?: number; width?: number; height?: number } = {}) {
    this.address = options.address ?? 0x3c;
    this.width = options.width ?? 128;
    this.height = options.height ?? 64;
    this.ram = new Uint8Array(this.width * 8);
  }

  write(bytes: Uint8Array, t: number): void {
    this.#acknowledge();
    let i = 0;
    while (i < bytes.length) {
      const control = bytes[i++]!;
      const data = (control & 0x40) !== 0;
      const last = (control & 0x80) === 0; // Co = 0: the rest of the message is this kind
      const end = last ? bytes.length : Math.min(i + 1, bytes.length);
      if (data) this.#data(bytes.subarray(i, end), t);
      else for (let j = i; j < end; j++) this.#commandByte(bytes[j]!);
      i = end;
    }
  }

  read(count: number): Uint8Array {
    this.#acknowledge();
    // Status byte: D6 is 1 while the display is off.
    return new Uint8Array(count).fill(this.displayOn ? 0x00 : 0x40);
  }

  /** Lit (1) or dark (0) for each visible pixel, row-major. */
  visible(): Uint8Array {
    const out = new Uint8Array(this.width * this.height);
    if (!this.displayOn || !this.chargePump) return out;
    for (let y = 0; y < this.height; y++) {
      // The usual modules mount the glass so that A1 (remap) and C8 (scan down) read upright.
      const row = ((this.comDecrement ? y : this.height - 1 - y) + this.startLine) % 64;
      for (let x = 0; x < this.width; x++) {
        const column = this.segmentRemap ? x : this.width - 1 - x;
        const lit = this.entireOn || ((this.ram[(row >> 3) * this.width + column]! >> (row & 7)) & 1) === 1;
        out[y * this.width + x] = lit !== this.inverse ? 1 : 0;
      }
    }
    return out;
  }

  /** The glass at 2x (a 128x64 sign is small to look at), white on black. */
  png(zoom = 2): Buffer {
    const lit = this.visible();
    const w = this.width * zoom, h = this.height * zoom;
    const rgba = new Uint8Array(w * h * 4);
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const v = lit[Math.floor(y / zoom) * this.width + Math.floor(x / zoom)] ? 255 : 0;
        rgba.set([v, v, v, 255], (y * w + x) * 4);
      }
    }
    return encodePng(w, h, rgba);
  }

  #acknowledge(): void {
    if (!this.answering) throw new Error(`I2C: no device acknowledged address 0x${this.address.toString(16).padStart(2, '0')}`);
  }

  #commandByte(byte: number): void {
    const pending = this.#pending;
    if (pending) {
      pending.args.push(byte);
      if (pending.args.length === ARGUMENTS[pending.command]) {
        this.#pending = undefined;
        this.#apply(pending.command, pending.args);
      }
      return;
    }
    if (ARGUMENTS[byte] !== undefined) this.#pending = { command: byte, args: [] };
    else this.#apply(byte, []);
  }

  #apply(command: number, args: number[]): void {
    if (command <= 0x0f) this.#column = (this.#column & 0xf0) | command;
    else if (command <= 0x1f) this.#column = (this.#column & 0x0f) | ((command & 0x0f) << 4);
    else if (command === 0x20) this.mode = (['horizontal', 'vertical', 'page'] as const)[args[0]! & 3] ?? 'page';
    else if (command === 0x21) {
      this.#columns = { start: args[0]! & 0x7f, end: args[1]! & 0x7f };
      this.#column = this.#columns.start;
    } else if (command === 0x22) {
      this.#pages = { start: args[0]! & 7, end: args[1]! & 7 };
      this.#page = this.#pages.start;
    } else if (command >= 0x40 && command <= 0x7f) this.startLine = command & 0x3f;
    else if (command === 0x81) this.contrast = args[0]!;
    else if (command === 0x8d) this.chargePump = (args[0]! & 0x04) !== 0;
    else if (command === 0xa0 || command === 0xa1) this.segmentRemap = command === 0xa1;
    else if (command === 0xa4 || command === 0xa5) this.entireOn = command === 0xa5;
    else if (command === 0xa6 || command === 0xa7) this.inverse = command === 0xa7;
    else if (command === 0xae || command === 0xaf) this.displayOn = command === 0xaf;
    else if (command >= 0xb0 && command <= 0xb7) this.#page = command & 7;
    else if (command === 0xc0 || command === 0xc8) this.comDecrement = command === 0xc8;
  }

  #data(bytes: Uint8Array, t: number): void {
    this.writes.push({ t, page: this.#page, column: this.#column, bytes: bytes.length });
    for (const byte of bytes) {
      this.ram[this.#page * this.width + this.#column] = byte;
      if (this.mode === 'vertical') {
        if (++this.#page > this.#pages.end) {
          this.#page = this.#pages.start;
          if (++this.#column > this.#columns.end) this.#column = this.#columns.start;
        }
      } else if (this.mode === 'horizontal') {
        if (++this.#column > this.#columns.end) {
          this.#column = this.#columns.start;
          if (++this.#page > this.#pages.end) this.#page = this.#pages.start;
        }
      } else if (++this.#column > 127) this.#column = 0; // page mode wraps within the page
    }
  }
}
