// A simulated camera (test/fixtures/firmware/dock-camera in XS, or any firmware with the dock
// link on device.Serial.default: attachDock) wired straight to a DockClient through the
// board's UART model: no pty, so XS tests stay fast.
import { SimulatedBoard } from '../../host-tools/sim/board.js';
import { DockClient } from '../../host-tools/dock/dock-client.js';
import { NodeCryptoPort } from '../../host-tools/crypto/node-crypto-port.js';
import { generateP256KeyPair, type P256KeyPair } from '../../firmware/format/key-derivation.js';
import { toHex } from '../../firmware/format/bytes.js';

export interface DockedCamera {
  board: SimulatedBoard;
  client: DockClient;
  /** A fresh dock-side client on the same UART (a re-plugged cable); the old one goes deaf. */
  reconnect(options?: { timeoutMs?: number; readRetries?: number }): DockClient;
  /** Raw bytes from the dock side, as a hostile peer would send them. */
  inject(bytes: Uint8Array): Promise<void>;
  /** Camera-to-dock bytes so far. */
  transmitted: { bytes: number };
  /** Pulls the cable (both directions) once the camera has sent this many bytes in total. */
  pull: { at: number };
  camera: P256KeyPair;
  dock: P256KeyPair;
  deviceId: string;
  /** Drops camera-to-dock bytes while true (a pulled cable). */
  cut: { camera: boolean; dock: boolean };
  status(): Promise<{ held: number[]; chainLength: number; records: number; authenticated: boolean; discardedFrames: number; time: number }>;
  record(recording: number, sizes: number[]): Promise<{ sequence: number; digest: string; length: number }[]>;
}

export const hostPort = new NodeCryptoPort();

/** The dock's end of a booted board's UART: a DockClient with a cable that can be pulled and re-plugged. */
export type DockCable = Pick<DockedCamera, 'client' | 'reconnect' | 'inject' | 'transmitted' | 'pull' | 'cut'>;

export function attachDock(board: SimulatedBoard, options: { timeoutMs?: number } = {}): DockCable {
  const cut = { camera: false, dock: false };
  const transmitted = { bytes: 0 };
  const uartPort = board.target.provider.Serial.port ?? 0;
  let chain = Promise.resolve();
  // A delivery still queued when the test closes the board fails; a firmware fault is also
  // kept in board.faults, which tests check with throwIfFaulted.
  // The dock answers what it has received, and the camera's bytes reach it at the line's rate:
  // before a delivery, the board runs until its dock port's TX ring has sent what was written.
  const inject = (bytes: Uint8Array) => (chain = chain.then(async () => {
    const drained = board.dockSerial.drainedAt(uartPort);
    if (drained !== undefined && drained > board.now) await board.advanceTo(drained);
    await board.serialReceive(uartPort, bytes);
  }).catch(() => undefined));
  let client!: DockClient;
  const reconnect = (o: { timeoutMs?: number; readRetries?: number } = {}) => {
    const mine = new DockClient({
      where: 'simulated camera UART',
      timeoutMs: o.timeoutMs ?? options.timeoutMs ?? 500,
      readRetries: o.readRetries,
      write: (bytes) => {
        if (!cut.dock && client === mine) void inject(bytes.slice());
      },
    });
    client = mine;
    return mine;
  };
  reconnect();
  const pull = { at: Infinity };
  board.uart.onTransmit((port, bytes) => {
    if (port !== uartPort) return;
    const before = transmitted.bytes;
    transmitted.bytes += bytes.length;
    if (cut.camera) return;
    if (transmitted.bytes >= pull.at) {
      // The cable comes out mid-frame: the dock gets the bytes before the pull, nothing after.
      client.receive(bytes.slice(0, Math.max(0, pull.at - before)));
      cut.camera = cut.dock = true;
      pull.at = Infinity;
      return;
    }
    client.receive(bytes.slice());
  });
  return { get client() { return client; }, reconnect, inject, transmitted, pull, cut };
}

export async function dockedCamera(options: { enroll?: boolean; timeoutMs?: number } = {}): Promise<DockedCamera> {
  const camera = generateP256KeyPair(hostPort);
  const dock = generateP256KeyPair(hostPort);
  const board = await SimulatedBoard.boot({ main: 'test/fixtures/firmware/dock-camera' });
  const cable = attachDock(board, options);
  const provisioned = await board.command('provision', {
    cameraPrivateKey: toHex(camera.privateKey),
    enrolledDocks: options.enroll === false ? [] : [toHex(dock.publicKey)],
  }) as { deviceId: string };
  return {
    board, get client() { return cable.client; }, reconnect: cable.reconnect, inject: cable.inject, transmitted: cable.transmitted,
    pull: cable.pull, camera, dock, cut: cable.cut, deviceId: provisioned.deviceId,
    status: async () => (await board.command('status')) as Awaited<ReturnType<DockedCamera['status']>>,
    record: async (recording, sizes) => (await board.command('record', { recording, sizes })) as Awaited<ReturnType<DockedCamera['record']>>,
  };
}
