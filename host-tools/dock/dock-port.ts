// Opens a camera's serial port (its USB cable, or a simulator's pty) as a DockClient, for the
// host tools that talk to one camera at a time (provision, bench). The port is opened so that
// a pulled cable fails whatever is waiting instead of hanging (host-tools/serial).
import { openSerialPort } from '../serial/open-serial-port.js';
import { DockClient } from './dock-client.js';

export interface OpenDockPort {
  client: DockClient;
  close(): Promise<void>;
}

export async function openDockPort(path: string, options: { baud?: number; timeoutMs?: number; role?: string } = {}): Promise<OpenDockPort> {
  const serial = await openSerialPort(path, options.baud ?? 2_000_000).catch((error: Error) => {
    throw new Error(`cannot open ${options.role ? `${options.role} ` : ''}${path}: ${error.message} (is the camera's USB cable plugged in? For a simulated camera, start chaincam sim --serial on the other end of a pty pair)`);
  });
  const client = new DockClient({ where: path, timeoutMs: options.timeoutMs, write: (bytes) => serial.write(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)) });
  serial.on('data', (data: Buffer) => client.receive(new Uint8Array(data.buffer, data.byteOffset, data.byteLength)));
  serial.on('close', () => client.fail(new Error(`${path}: the port closed (cable pulled?)`)));
  serial.on('error', (error) => client.fail(new Error(`${path}: ${error.message}`)));
  return {
    client,
    close: () => new Promise<void>((resolve) => (serial.isOpen ? serial.close(() => resolve()) : resolve())),
  };
}
