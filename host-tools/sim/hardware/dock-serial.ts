// drivers/dock-uart and drivers/dock-usb on the simulated board: ESP-IDF's UART and
// USB-Serial-JTAG drivers as the camera's dock link uses them. A write is copied whole into the
// driver's TX ring buffer (capacity as the firmware installed it) or refused with nothing taken;
// the ring empties onto the line in device time, a UART at its baud (10 bit times a byte) and
// USB at the modelled full-speed CDC rate (usb-cdc.ts). After a refusal the firmware hears
// onWritable when the C's task would post it: on a UART once the ring has room for the refused
// write (dock-uart.c polls uart_get_tx_buffer_free_size), on USB once the ring has drained
// (dock-usb.c polls usb_serial_jtag_wait_tx_done: that driver reports no free space). The
// bytes go out through the board's UART model at once, where the serial bridge or a test's
// dock takes them (the bridge paces them at the same rate).
import { TransmitQueue } from './transmit-queue.js';
import type { UartModel } from './uart.js';
import { USB_FULL_SPEED_CDC } from './usb-cdc.js';

/** The UART model's port for the S3's USB-Serial-JTAG (its UARTs are 0-2). */
export const USB_SERIAL_JTAG_PORT = 3;

export interface DockSerialReply {
  result?: unknown;
}

/** Who holds the S3's USB-Serial-JTAG port: xsbug (a debug build) or nobody (a release build). */
export type UsbSerialJtagHolder = 'xsbug' | 'free';

export class DockSerialPorts {
  readonly #rings = new Map<number, { ring: TransmitQueue; usb: boolean }>();
  /** Writes refused because the TX ring was full (each is followed by one onWritable). */
  refusals = 0;

  constructor(private readonly uart: UartModel, private readonly usbHolder: UsbSerialJtagHolder) {}

  handle(h: Record<string, any>, bytes: Uint8Array, t: number): DockSerialReply {
    switch (h.op) {
      case 'dockserial.usb-in-use':
        return { result: this.usbHolder === 'xsbug' };
      case 'dockserial.open':
        return { result: this.#open(h) };
      case 'dockserial.write': {
        if (!this.#ring(h.port).ring.push(t, bytes.length)) {
          this.refusals++;
          throw new Error('output full');
        }
        this.uart.transmit(t, h.port, bytes);
        return {};
      }
      case 'dockserial.state':
        return { result: this.#state(h.port, t, Number(h.wanted) || 1) };
      case 'dockserial.close':
        this.#rings.delete(h.port);
        this.uart.close(h.port);
        return {};
      default:
        throw new Error(`no dock serial operation "${String(h.op)}"`);
    }
  }

  /** When the port's TX ring will have sent everything written so far (device ms); undefined when not open. */
  drainedAt(port: number): number | undefined {
    const open = this.#rings.get(port);
    return open && open.ring.below(1, 0);
  }

  #open(h: Record<string, any>): number {
    const size = (name: string, least: number) => {
      const value = h[name];
      if (!Number.isInteger(value) || value <= least) throw new RangeError(`dock serial: ${name} must be a whole number of bytes above ${least}, not ${value}`);
      return value as number;
    };
    // uart_driver_install refuses rings not larger than the 128-byte hardware FIFO.
    const transmitBuffer = size('transmitBuffer', 128);
    size('receiveBuffer', 128);
    if (h.link === 'usb') {
      if (this.usbHolder === 'xsbug') throw new Error('dock usb: the USB-Serial-JTAG driver is installed already (xsbug holds the port in a debug build): put the dock link on the UART');
      this.uart.open(USB_SERIAL_JTAG_PORT, USB_FULL_SPEED_CDC.bytesPerSecond * 10);
      this.#rings.set(USB_SERIAL_JTAG_PORT, { ring: new TransmitQueue(transmitBuffer, USB_FULL_SPEED_CDC.bytesPerSecond), usb: true });
      return USB_SERIAL_JTAG_PORT;
    }
    const baud = h.baud;
    if (!(Number.isInteger(baud) && baud > 0 && baud <= 5_000_000)) throw new RangeError(`dock uart: baud must be 1 to 5,000,000, not ${baud}`);
    if (!Number.isInteger(h.port) || h.port < 0 || h.port > 2) throw new RangeError(`dock uart: port must be UART 0, 1 or 2, not ${h.port}`);
    this.uart.open(h.port, baud);
    this.#rings.set(h.port, { ring: new TransmitQueue(transmitBuffer, baud / 10), usb: false });
    return h.port;
  }

  #ring(port: number): { ring: TransmitQueue; usb: boolean } {
    const ring = this.#rings.get(port);
    if (!ring) throw new Error(`dock serial port ${port} is not open`);
    return ring;
  }

  /** Bytes free at `t`, and when onWritable follows a refused write of `wanted` bytes. */
  #state(port: number, t: number, wanted: number): { free: number; writableAt: number } {
    const { ring, usb } = this.#ring(port);
    const room = usb ? ring.capacity : Math.min(ring.capacity, wanted);
    return { free: ring.free(t), writableAt: ring.below(ring.capacity - room + 1, t) };
  }
}
