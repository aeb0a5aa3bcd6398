// The camera's dock link on the ESP32-S3's USB-C connector through ESP-IDF's USB-Serial-JTAG
// driver (dock-usb.c): the S3's fixed-function CDC-ACM port, the one esptool flashes through.
// ECMA-419 Serial in shape, like drivers/dock-uart: write() copies a whole frame into the
// driver's TX ring buffer. A debug build's xsbug connection holds this port
// (Moddable's debugger_uart_cdc.c installs the same driver): inUse() says so, and the dock
// link then stays on the UART. The simulated board answers the same calls on the host
// (host-tools/sim/moddable/dock-usb.ts).

export interface DockUsbOptions {
  /** Bytes of the driver's TX ring buffer: the most write() can hold before the host takes it. */
  transmitBuffer: number;
  /** Bytes of the driver's RX ring buffer. */
  receiveBuffer: number;
  onReadable?: (this: DockUsb, count: number) => void;
  /** After a refused write, the ring has drained: `count` bytes are free. */
  onWritable?: (this: DockUsb, count: number) => void;
}

export default class DockUsb extends Native('xs_dockusb_destructor') {
  /** True when something else (xsbug in a debug build) has the USB-Serial-JTAG driver installed. */
  static inUse(): boolean {
    return native('xs_dockusb_in_use')();
  }

  constructor(options: DockUsbOptions) {
    super();
    native('xs_dockusb_constructor').call(this, options);
  }

  read(): ArrayBuffer | undefined {
    return native('xs_dockusb_read').call(this);
  }

  write(bytes: Uint8Array): void {
    native('xs_dockusb_write').call(this, bytes);
  }

  close(): void {
    native('xs_dockusb_close').call(this);
  }
}
