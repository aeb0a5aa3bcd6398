// drivers/dock-usb/dock-usb on the simulated board (the device runs dock-usb.c over ESP-IDF's
// USB-Serial-JTAG driver): see dock-serial-port.ts. The board says who holds the port
// (BootOptions.usbSerialJtag): xsbug by default, as in a debug build.
import { DockSerialPort, type DockSerialPortOptions } from 'sim:dock-serial-port';

export default class DockUsb extends DockSerialPort {
  static inUse(): boolean {
    return simHost.call('dockserial.usb-in-use').result === true;
  }

  constructor(options: Omit<DockSerialPortOptions, 'link' | 'port' | 'transmit' | 'receive' | 'baud'>) {
    super({ ...options, link: 'usb' });
  }
}
