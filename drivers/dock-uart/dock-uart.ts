// The camera's dock link on a UART through ESP-IDF's UART driver (dock-uart.c), ECMA-419
// Serial in shape. Moddable's embedded:io/serial writes into the UART's 128-byte hardware FIFO
// and refuses more ("output full"), so a 32 KB dock frame would need a JavaScript callback per
// ~120 bytes; here write() copies a whole frame into the driver's TX ring buffer, which its
// interrupt feeds to the FIFO. The simulated board answers the same calls on the host
// (host-tools/sim/moddable/dock-uart.ts).

export interface DockUartOptions {
  port: number;
  transmit: number;
  receive: number;
  baud: number;
  /** Bytes of the driver's TX ring buffer: the most write() can hold before the line takes it. */
  transmitBuffer: number;
  /** Bytes of the driver's RX ring buffer: received bytes beyond it are lost until read(). */
  receiveBuffer: number;
  /** Bytes have arrived: `count` are waiting. */
  onReadable?: (this: DockUart, count: number) => void;
  /** After a refused write, the ring has room for it: `count` bytes are free. */
  onWritable?: (this: DockUart, count: number) => void;
}

export default class DockUart extends Native('xs_dockuart_destructor') {
  constructor(options: DockUartOptions) {
    super();
    native('xs_dockuart_constructor').call(this, options);
  }

  /** Every byte received so far, or undefined when none. */
  read(): ArrayBuffer | undefined {
    return native('xs_dockuart_read').call(this);
  }

  /** All of `bytes` into the TX ring, or throws "output full" and takes none (onWritable follows). */
  write(bytes: Uint8Array): void {
    native('xs_dockuart_write').call(this, bytes);
  }

  close(): void {
    native('xs_dockuart_close').call(this);
  }
}
