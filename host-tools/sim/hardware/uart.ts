// UARTs: what the firmware transmits, and what the outside world sends it.
import type { Timeline } from '../timeline.js';

export class UartModel {
  readonly #open = new Map<number, { baud: number }>();
  #transmitListeners: ((port: number, bytes: Uint8Array, t: number) => void)[] = [];

  constructor(private readonly timeline: Timeline) {}

  open(port: number, baud: number): void {
    if (this.#open.has(port)) throw new Error(`serial port ${port} is already open`);
    this.#open.set(port, { baud });
  }

  isOpen(port: number): boolean {
    return this.#open.has(port);
  }

  write(t: number, port: number, bytes: Uint8Array): void {
    this.#port(port);
    this.transmit(t, port, bytes);
  }

  /** Bytes leaving on the port's line (a driver's ring buffer has already taken them). */
  transmit(t: number, port: number, bytes: Uint8Array): void {
    this.timeline.record({ t, kind: 'serial', port, direction: 'tx', bytes: bytes.slice() });
    for (const listener of this.#transmitListeners) listener(port, bytes, t);
  }

  received(t: number, port: number, bytes: Uint8Array): void {
    this.timeline.record({ t, kind: 'serial', port, direction: 'rx', bytes: bytes.slice() });
  }

  /** Returns the function that removes the listener (a bridge unplugged from the board). */
  onTransmit(listener: (port: number, bytes: Uint8Array, t: number) => void): () => void {
    this.#transmitListeners.push(listener);
    // A new array, so a write already going through the old one is not disturbed.
    return () => { this.#transmitListeners = this.#transmitListeners.filter((l) => l !== listener); };
  }

  close(port: number): void {
    this.#open.delete(port);
  }

  #port(port: number): { baud: number } {
    const open = this.#open.get(port);
    if (!open) throw new Error(`serial port ${port} is not open`);
    return open;
  }
}
