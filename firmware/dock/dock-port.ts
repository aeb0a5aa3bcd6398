// The camera's dock port: a UART through drivers/dock-uart, or the ESP32-S3's USB-C connector
// (USB-Serial-JTAG) through drivers/dock-usb. Both are ESP-IDF drivers with a TX ring buffer
// that takes a whole window of frames, so the link's JavaScript is a few steps per frame and
// never a callback per FIFO's worth of bytes (docs/PROTOCOL.md section 2.1). Moddable's
// embedded:io/serial is not used for the dock link: it writes into the UART's 128-byte FIFO.
import DockUart from '../../drivers/dock-uart/dock-uart.js';
import DockUsb from '../../drivers/dock-usb/dock-usb.js';
import { LARGEST_ENCODED } from '../format/dock-frames.js';
import { DOCK_RECEIVE_BUFFER, DOCK_TRANSMIT_BUFFER } from '../format/dock-messages.js';

export const DOCK_BAUD = 2_000_000;
export type DockPortOptions =
  | { link: 'uart'; port: number; transmit: number; receive: number; baud?: number; transmitBuffer?: number }
  | { link: 'usb'; transmitBuffer?: number };

/** What the link needs of a port: the shape of ECMA-419 Serial that both drivers have. */
export interface DockPort {
  read(): ArrayBuffer | undefined;
  write(bytes: Uint8Array): void;
  close(): void;
}

export interface DockPortEvents {
  onReadable(port: DockPort): void;
  onWritable(): void;
}

export function openDockPort(options: DockPortOptions, events: DockPortEvents): DockPort {
  const transmitBuffer = options.transmitBuffer ?? DOCK_TRANSMIT_BUFFER;
  if (!(transmitBuffer >= LARGEST_ENCODED)) throw new RangeError(`the dock port's transmit buffer must hold the largest frame (${LARGEST_ENCODED} bytes), not ${transmitBuffer}`);
  const callbacks = {
    transmitBuffer,
    receiveBuffer: DOCK_RECEIVE_BUFFER,
    onReadable(this: DockPort) {
      events.onReadable(this);
    },
    onWritable() {
      events.onWritable();
    },
  };
  if (options.link === 'usb') return new DockUsb(callbacks);
  const { port, transmit, receive } = options;
  return new DockUart({ ...callbacks, port, transmit, receive, baud: options.baud ?? DOCK_BAUD });
}
