// Opens a serial device (a USB-serial adapter, a camera's USB CDC port, a socat pty) so that a
// pulled cable is reported. serialport 13 reads again, forever, when read() returns 0 bytes, which
// is what a hung-up terminal returns once its device is gone (serialport/bindings-cpp#162): the
// port spins and never closes. Here end of file is the disconnect it is: the port closes with
// an error, as for EIO.
import fs from 'node:fs';
import { promisify } from 'node:util';
import { SerialPort } from 'serialport';

const read = promisify(fs.read);
const TRY_AGAIN = new Set(['EAGAIN', 'EWOULDBLOCK', 'EINTR']);

/** What the Linux and macOS bindings' port objects have: the device's fd and its poller. */
interface UnixPort {
  readonly isOpen: boolean;
  fd: number | null;
  poller: { once(event: 'readable', callback: (error: Error | null) => void): unknown };
  read(buffer: Buffer, offset: number, length: number): Promise<{ buffer: Buffer; bytesRead: number }>;
}

/** Opens `path`; rejects with serialport's error. Attach 'data' after it resolves. */
export async function openSerialPort(path: string, baudRate: number): Promise<SerialPort> {
  const serial = new SerialPort({ path, baudRate, autoOpen: false });
  await new Promise<void>((resolve, reject) => serial.open((error) => (error ? reject(error) : resolve())));
  // Nothing has read yet: the stream reads once a 'data' listener is attached.
  const port = serial.port as Partial<UnixPort> | undefined;
  if (port?.poller && 'fd' in port) {
    const unix = port as UnixPort;
    unix.read = (buffer, offset, length) => readUntilHangup(unix, buffer, offset, length);
  }
  return serial;
}

async function readUntilHangup(port: UnixPort, buffer: Buffer, offset: number, length: number): Promise<{ buffer: Buffer; bytesRead: number }> {
  for (;;) {
    let bytesRead: number;
    try {
      ({ bytesRead } = await read(openFd(port), buffer, offset, length, null));
    } catch (error) {
      if (!TRY_AGAIN.has((error as NodeJS.ErrnoException).code ?? '')) throw error;
      openFd(port); // A closed port's poller is gone: polling it would crash the process.
      await new Promise<void>((resolve, reject) => port.poller.once('readable', (e) => (e ? reject(e) : resolve())));
      continue;
    }
    if (bytesRead === 0) throw new Error('the device hung up (end of file)');
    return { buffer, bytesRead };
  }
}

function openFd(port: UnixPort): number {
  // serialport takes a `canceled` error as "closed on purpose", not as a disconnect.
  if (!port.isOpen || port.fd === null) throw Object.assign(new Error('Port is not open'), { canceled: true });
  return port.fd;
}
