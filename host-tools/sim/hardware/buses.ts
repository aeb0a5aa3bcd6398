// SPI and I2C buses. Devices (a display panel, later) attach to a chip-select
// pin or an I2C address and see exactly the bytes the driver sent.
import type { Timeline } from '../timeline.js';

export interface SpiDevice {
  /** Bytes clocked out by the controller; returns the bytes clocked in. */
  transfer(bytes: Uint8Array, t: number): Uint8Array | undefined;
  deselect?(t: number): void;
}

export interface I2cDevice {
  write(bytes: Uint8Array, t: number): void;
  read(count: number, t: number): Uint8Array;
}

export class SpiModel {
  readonly #handles = new Map<number, { port: number | undefined; select: number | undefined }>();
  readonly #devices = new Map<number, SpiDevice>();
  #nextHandle = 1;

  constructor(private readonly timeline: Timeline) {}

  attach(select: number, device: SpiDevice): void {
    this.#devices.set(select, device);
  }

  open(port: number | undefined, select: number | undefined): number {
    const handle = this.#nextHandle++;
    this.#handles.set(handle, { port, select });
    return handle;
  }

  transfer(t: number, handle: number, bytes: Uint8Array): Uint8Array | undefined {
    const bus = this.#bus(handle);
    this.timeline.record({ t, kind: 'spi', port: bus.port, select: bus.select, bytes: bytes.slice() });
    return bus.select === undefined ? undefined : this.#devices.get(bus.select)?.transfer(bytes, t);
  }

  flush(t: number, handle: number, deselect: boolean): void {
    const bus = this.#bus(handle);
    if (deselect && bus.select !== undefined) this.#devices.get(bus.select)?.deselect?.(t);
  }

  close(handle: number): void {
    this.#handles.delete(handle);
  }

  #bus(handle: number) {
    const bus = this.#handles.get(handle);
    if (!bus) throw new Error('SPI is closed');
    return bus;
  }
}

export class I2cModel {
  readonly #handles = new Map<number, number>();
  readonly #devices = new Map<number, I2cDevice>();
  #nextHandle = 1;

  constructor(private readonly timeline: Timeline) {}

  attach(address: number, device: I2cDevice): void {
    this.#devices.set(address, device);
  }

  open(address: number): number {
    if (!(address >= 0 && address < 128)) throw new Error(`invalid I2C address ${address}`);
    const handle = this.#nextHandle++;
    this.#handles.set(handle, address);
    return handle;
  }

  write(t: number, handle: number, bytes: Uint8Array): void {
    const address = this.#address(handle);
    this.timeline.record({ t, kind: 'i2c', address, direction: 'write', bytes: bytes.slice() });
    this.#device(address).write(bytes, t);
  }

  read(t: number, handle: number, count: number): Uint8Array {
    const address = this.#address(handle);
    const bytes = this.#device(address).read(count, t);
    this.timeline.record({ t, kind: 'i2c', address, direction: 'read', bytes: bytes.slice() });
    return bytes;
  }

  close(handle: number): void {
    this.#handles.delete(handle);
  }

  #address(handle: number): number {
    const address = this.#handles.get(handle);
    if (address === undefined) throw new Error('I2C is closed');
    return address;
  }

  #device(address: number): I2cDevice {
    const device = this.#devices.get(address);
    // The ESP32 I2C driver reports a NACK as an error; so do we.
    if (!device) throw new Error(`I2C: no device acknowledged address 0x${address.toString(16).padStart(2, '0')}`);
    return device;
  }
}
