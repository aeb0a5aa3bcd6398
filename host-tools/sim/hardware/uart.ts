// UARTs: what the firmware transmits, and what the outside world sends it. Under Moddable's
// embedded:io/serial a UART has only its 128-byte hardware TX FIFO (the SDK writes straight
// into it: modules/io/serial/esp32/serial.c), which empties at the baud rate in device time.
import type { Timeline } from '../timeline.js';
import { TransmitQueue } from './transmit-queue.js';

/** The ESP32-S3 UART's hardware FIFO, each way (SOC_UART_FIFO_LEN). */
export const UART_FIFO_BYTES = 128;
/** serial.c kTransmitTreshold: its TX-FIFO-empty interrupt fires below this many queued bytes. */
export const UART_TX_THRESHOLD = 10;

export class UartModel {
  readonly #open = new Map<number, { baud: number; fifo: TransmitQueue }>();
  #transmitListeners: ((port: number, bytes: Uint8Array, t: number) => void)[] = [];

  constructor(private readonly timeline: Timeline) {}

  open(port: number, baud: number): void {
    if (this.#open.has(port)) throw new Error(`serial port ${port} is already open`);
    // 10 bit times a byte: start, 8 data, stop.
    this.#open.set(port, { baud, fifo: new TransmitQueue(UART_FIFO_BYTES, baud / 10) });
  }

  isOpen(port: number): boolean {
    return this.#open.has(port);
  }

  /** The SDK's write: into the TX FIFO, all or nothing, "output full" as serial.c throws it. */
  write(t: number, port: number, bytes: Uint8Array): void {
    const fifo = this.#port(port).fifo;
    if (!fifo.push(t, bytes.length)) throw new Error('output full');
    this.transmit(t, port, bytes);
  }

  /** The TX FIFO at `t`: bytes free (uart_ll_get_txfifo_len), and when the interrupt would fire. */
  fifo(t: number, port: number): { free: number; belowThresholdAt: number } {
    const fifo = this.#port(port).fifo;
    return { free: fifo.free(t), belowThresholdAt: fifo.below(UART_TX_THRESHOLD, t) };
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

  #port(port: number): { baud: number; fifo: TransmitQueue } {
    const open = this.#open.get(port);
    if (!open) throw new Error(`serial port ${port} is not open`);
    return open;
  }
}
