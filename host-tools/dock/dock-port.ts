// Opens a camera's serial port (its USB cable, or a simulator's pty) as a DockClient, for the
// host tools that talk to one camera at a time (provision, bench).
import { SerialPort } from 'serialport';
import { DockClient } from './dock-client.js';

export interface OpenDockPort {
  client: DockClient;
  close(): Promise<void>;
}

export async function openDockPort(path: string, options: { baud?: number; timeoutMs?: number } = {}): Promise<OpenDockPort> {
  const serial = new SerialPort({ path, baudRate: options.baud ?? 2_000_000, autoOpen: false });
  await new Promise<void>((resolve, reject) => serial.open((error) => (error
    ? reject(new Error(`cannot open ${path}: ${error.message} (is the camera's USB cable plugged in, or the simulator's pty there?)`))
    : resolve())));
  const client = new DockClient({ where: path, timeoutMs: options.timeoutMs, write: (bytes) => serial.write(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)) });
  serial.on('data', (data: Buffer) => client.receive(new Uint8Array(data.buffer, data.byteOffset, data.byteLength)));
  serial.on('close', () => client.fail(new Error(`${path}: the port closed (cable pulled?)`)));
  serial.on('error', (error) => client.fail(new Error(`${path}: ${error.message}`)));
  return {
    client,
    close: () => new Promise<void>((resolve) => (serial.isOpen ? serial.close(() => resolve()) : resolve())),
  };
}
