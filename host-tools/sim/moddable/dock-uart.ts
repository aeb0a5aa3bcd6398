// drivers/dock-uart/dock-uart on the simulated board (the device runs dock-uart.c over
// ESP-IDF's UART driver): see dock-serial-port.ts.
import { DockSerialPort, type DockSerialPortOptions } from 'sim:dock-serial-port';

export default class DockUart extends DockSerialPort {
  constructor(options: Omit<DockSerialPortOptions, 'link'>) {
    super({ ...options, link: 'uart' });
  }
}
