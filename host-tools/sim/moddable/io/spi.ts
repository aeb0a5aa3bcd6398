// ECMA-419 SPI (embedded:io/spi) on the simulated board. Every byte goes to the
// host's bus model, where a device (a display panel) may be attached to it.
import { asBytes } from './bytes.js';

interface SPIOptions {
  out?: number;
  in?: number;
  clock: number;
  select?: number;
  active?: number;
  hz: number;
  mode?: number;
  port?: number;
  target?: unknown;
}

export default class SPI {
  #handle: number;
  #open = true;
  target: unknown;

  constructor(options: SPIOptions) {
    if (options?.clock === undefined || !(options.hz > 0)) throw new Error('invalid SPI options (clock and hz are required)');
    this.#handle = simHost.call('spi.open', { clock: options.clock, out: options.out, in: options.in, select: options.select, hz: options.hz, mode: options.mode ?? 0, port: options.port }).result;
    this.target = options.target;
  }

  write(buffer: ArrayBuffer | ArrayBufferView): void {
    this.#check();
    simHost.call('spi.write', { handle: this.#handle }, asBytes(buffer));
  }

  read(buffer: ArrayBuffer | ArrayBufferView | number): ArrayBuffer | undefined {
    this.#check();
    const count = typeof buffer === 'number' ? buffer : asBytes(buffer).byteLength;
    const bytes = simHost.call('spi.transfer', { handle: this.#handle }, new Uint8Array(count)).payload ?? new Uint8Array(count);
    if (typeof buffer === 'number') return bytes.slice().buffer;
    asBytes(buffer).set(bytes);
    return undefined;
  }

  transfer(buffer: ArrayBuffer | ArrayBufferView): void {
    this.#check();
    const target = asBytes(buffer);
    const bytes = simHost.call('spi.transfer', { handle: this.#handle }, target).payload;
    if (bytes) target.set(bytes);
  }

  flush(deselect?: boolean): void {
    this.#check();
    simHost.call('spi.flush', { handle: this.#handle, deselect: !!deselect });
  }

  close(): void {
    if (!this.#open) return;
    this.#open = false;
    simHost.call('spi.close', { handle: this.#handle });
  }

  #check(): void {
    if (!this.#open) throw new Error('closed');
  }
}
