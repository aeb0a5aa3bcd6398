// A transmit queue that empties onto its line at a fixed rate in device time: the UART's
// 128-byte hardware TX FIFO under Moddable's embedded:io/serial (uart.ts), and the TX ring
// buffers of ESP-IDF's UART and USB-Serial-JTAG drivers under drivers/dock-uart and
// drivers/dock-usb (dock-serial.ts). The bytes themselves go to the line's listeners when they
// are written (the serial bridge paces them at the same rate); this keeps only how many are
// still queued, which is what a write and onWritable see on the board.

export class TransmitQueue {
  /** Device ms at which the last byte queued so far has left. */
  #lineFreeAt = 0;

  constructor(readonly capacity: number, readonly bytesPerSecond: number) {
    if (!(capacity > 0) || !(bytesPerSecond > 0)) throw new RangeError(`a transmit queue needs a capacity and a rate above 0, not ${capacity} bytes at ${bytesPerSecond} B/s`);
  }

  /** Bytes still queued at device time `t` (a byte on its way out counts until it has left). */
  queued(t: number): number {
    return Math.max(0, Math.ceil(((this.#lineFreeAt - t) * this.bytesPerSecond) / 1000 - 1e-9));
  }

  free(t: number): number {
    return this.capacity - this.queued(t);
  }

  /** Queues `count` bytes at `t`; false (and nothing queued) when fewer are free. */
  push(t: number, count: number): boolean {
    if (count > this.free(t)) return false;
    this.#lineFreeAt = Math.max(this.#lineFreeAt, t) + (count * 1000) / this.bytesPerSecond;
    return true;
  }

  /** The first whole device ms at or after `t` when fewer than `count` bytes are queued. */
  below(count: number, t: number): number {
    return Math.max(Math.ceil(t - 1e-9), Math.ceil(this.#lineFreeAt - ((count - 1) * 1000) / this.bytesPerSecond - 1e-9));
  }
}
