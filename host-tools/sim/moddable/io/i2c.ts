// ECMA-419 I2C (embedded:io/i2c) on the simulated board. A write or read to an
// address where no device answers throws, as the ESP32 driver does on a NACK.
import { asBytes } from './bytes.js';

interface I2COptions {
  data: number;
  clock: number;
  hz?: number;
  address: number;
  port?: number;
  target?: unknown;
}

export default class I2C {
  #handle: number;
  #open = true;
  target: unknown;

  constructor(options: I2COptions) {
    if (options?.address === undefined || options.data === undefined || options.clock === undefined) throw new Error('invalid I2C options (data, clock and address are required)');
    this.#handle = simHost.call('i2c.open', { data: options.data, clock: options.clock, hz: options.hz ?? 100000, address: options.address, port: options.port }).result;
    this.target = options.target;
  }

  read(buffer: ArrayBuffer | ArrayBufferView | number, stop = true): ArrayBuffer | undefined {
    this.#check();
    const count = typeof buffer === 'number' ? buffer : asBytes(buffer).byteLength;
    const bytes = simHost.call('i2c.read', { handle: this.#handle, count, stop }).payload ?? new Uint8Array(count);
    if (typeof buffer === 'number') return bytes.slice().buffer;
    asBytes(buffer).set(bytes);
    return undefined;
  }

  write(buffer: ArrayBuffer | ArrayBufferView, stop = true): void {
    this.#check();
    simHost.call('i2c.write', { handle: this.#handle, stop }, asBytes(buffer));
  }

  close(): void {
    if (!this.#open) return;
    this.#open = false;
    simHost.call('i2c.close', { handle: this.#handle });
  }

  #check(): void {
    if (!this.#open) throw new Error('closed');
  }
}
