// Opens a camera's serial port (its USB cable, or a simulator's pty) as a DockClient: the dock's
// slots, provision and bench all talk to a camera this way. The port is opened so that a pulled
// cable fails whatever is waiting instead of hanging (host-tools/serial).
import { openSerialPort } from '../serial/open-serial-port.js';
import { DockClient } from './dock-client.js';

export interface OpenDockPort {
  client: DockClient;
  readonly isOpen: boolean;
  close(): Promise<void>;
}

export interface DockPortOptions {
  baud?: number;
  timeoutMs?: number;
  /** Names the port in the error when it cannot be opened, e.g. "bench port". */
  role?: string;
  /** The error that fails a waiting request when the port closes (`cause`: what the port reported). */
  closedError?: (cause: string) => Error;
  /** Told of each error the port reports (a slot's log). */
  onError?: (error: Error) => void;
}

export async function openDockPort(path: string, options: DockPortOptions = {}): Promise<OpenDockPort> {
  const serial = await openSerialPort(path, options.baud ?? 2_000_000).catch((error: Error) => {
    throw new Error(`cannot open ${options.role ? `${options.role} ` : ''}${path}: ${error.message} (is the camera's USB cable plugged in? For a simulated camera, start chaincam sim --serial on the other end of a pty pair)`);
  });
  const client = new DockClient({
    where: path, timeoutMs: options.timeoutMs,
    write: (bytes) => {
      // A port that went away would queue writes for an 'open' that never comes.
      if (serial.isOpen) serial.write(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
    },
  });
  const closedError = options.closedError ?? ((cause) => new Error(`${path}: the port closed (${cause}; cable pulled?)`));
  let cause = 'closed';
  serial.on('data', (data: Buffer) => client.receive(new Uint8Array(data.buffer, data.byteOffset, data.byteLength)));
  serial.on('close', (error: Error | null) => client.fail(closedError(error?.message ?? cause)));
  serial.on('error', (error) => {
    cause = error.message;
    options.onError?.(error);
  });
  return {
    client,
    get isOpen() { return serial.isOpen; },
    close: () => new Promise<void>((resolve) => (serial.isOpen ? serial.close(() => resolve()) : resolve())),
  };
}
