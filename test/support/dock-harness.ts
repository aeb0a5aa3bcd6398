// A simulated camera (test/fixtures/firmware/dock-camera in XS, or any firmware with the dock
// link on device.Serial.default: attachDock) wired straight to a DockClient through the
// board's UART model: no pty, so XS tests stay fast. The dock's timeouts run on the board's
// virtual clock (board-clock-timers.ts), and a pulled cable is an event the dock sees at once
// (CablePulled), as a USB port that goes away is: no wait on the host's clock decides anything.
import { SimulatedBoard } from '../../host-tools/sim/board.js';
import { DockClient } from '../../host-tools/dock/dock-client.js';
import { NodeCryptoPort } from '../../host-tools/crypto/node-crypto-port.js';
import { generateP256KeyPair, type P256KeyPair } from '../../firmware/format/key-derivation.js';
import { toHex } from '../../firmware/format/bytes.js';
import { BoardClockTimers } from './board-clock-timers.js';

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
  /** Pulls the cable now: both directions cut, and the dock's client fails with CablePulled. */
  unplug(): void;
  /** Cable pulls so far. */
  pulls: { count: number };
  camera: P256KeyPair;
  dock: P256KeyPair;
  deviceId: string;
  /** Drops camera-to-dock bytes while true (a pulled cable). */
  cut: { camera: boolean; dock: boolean };
  status(): Promise<{ held: number[]; chainLength: number; records: number; authenticated: boolean; discardedFrames: number; time: number }>;
  record(recording: number, sizes: number[]): Promise<{ sequence: number; digest: string; length: number }[]>;
}

export const hostPort = new NodeCryptoPort();

/** What the dock's client fails with when the harness pulls the cable: the one fault a pull test expects. */
export class CablePulled extends Error {
  constructor(where: string, at: number) {
    super(`${where}: the cable was pulled (after ${at} bytes from the camera)`);
  }
}

/** The dock's end of a booted board's UART: a DockClient with a cable that can be pulled and re-plugged. */
export type DockCable = Pick<DockedCamera, 'client' | 'reconnect' | 'inject' | 'transmitted' | 'pull' | 'cut' | 'unplug' | 'pulls'>;

export function attachDock(board: SimulatedBoard, options: { timeoutMs?: number } = {}): DockCable {
  const cut = { camera: false, dock: false };
  const transmitted = { bytes: 0 };
  const uartPort = board.target.provider.Serial.port ?? 0;
  let chain = Promise.resolve();
  let queued = 0;
  // Deliveries and the clock's runs to a timeout, one at a time, in order.
  const enqueue = (work: () => Promise<void>) => {
    queued++;
    const done = chain.then(work).finally(() => {
      queued--;
      timers.poke();
    });
    chain = done.catch(() => undefined);
    return done;
  };
  // A delivery that fails (a firmware fault: an exception in the camera's serial handler) fails
  // the dock request that sent it at once, with the fault's own message, rather than leaving it
  // to time out as if a cable were pulled (after the test closed the board, nothing waits).
  // A test that awaits inject() sees the failure itself; the fault also stays in board.faults.
  // The dock answers what it has received, and the camera's bytes reach it at the line's rate:
  // before a delivery, the board runs until its dock port's TX ring has sent what was written.
  const inject = (bytes: Uint8Array) => {
    const delivery = enqueue(async () => {
      const drained = board.dockSerial.drainedAt(uartPort);
      if (drained !== undefined && drained > board.now) await board.advanceTo(drained);
      await board.serialReceive(uartPort, bytes);
    });
    delivery.catch((error: Error) => client.fail(error));
    return delivery;
  };
  let client!: DockClient;
  const timers: BoardClockTimers = new BoardClockTimers(board, { enqueue: (work) => void enqueue(work).catch(() => undefined), idle: () => queued === 0, onError: (error) => client.fail(error) });
  const reconnect = (o: { timeoutMs?: number; readRetries?: number } = {}) => {
    const mine = new DockClient({
      where: 'simulated camera UART',
      // Virtual milliseconds of the board: a camera that stays silent this long, by its clock.
      timeoutMs: o.timeoutMs ?? options.timeoutMs ?? 2000,
      timers,
      readRetries: o.readRetries,
      write: (bytes) => {
        if (!cut.dock && client === mine) inject(bytes.slice()).catch(() => undefined); // failed through client.fail above
      },
    });
    client = mine;
    return mine;
  };
  reconnect();
  const pull = { at: Infinity };
  const pulls = { count: 0 };
  const unplugAt = (at: number) => {
    cut.camera = cut.dock = true;
    pull.at = Infinity;
    pulls.count++;
    client.fail(new CablePulled(client.where, at));
  };
  board.uart.onTransmit((port, bytes, t) => {
    if (port !== uartPort) return;
    const before = transmitted.bytes;
    transmitted.bytes += bytes.length;
    if (cut.camera) return;
    // The dock's timeouts due before these bytes left the camera fire first.
    timers.fireDue(t);
    if (transmitted.bytes >= pull.at) {
      // The cable comes out mid-frame: the dock gets the bytes before the pull, nothing after.
      const at = pull.at;
      client.receive(bytes.slice(0, Math.max(0, at - before)));
      unplugAt(at);
      return;
    }
    client.receive(bytes.slice());
  });
  return { get client() { return client; }, reconnect, inject, transmitted, pull, cut, unplug: () => unplugAt(transmitted.bytes), pulls };
}

/** A provisioned dock-camera fixture on the UART: `enroll: false` enrolls no dock; `otherDocks` are enrolled before the test's dock. */
export async function dockedCamera(options: { enroll?: boolean; otherDocks?: Uint8Array[]; timeoutMs?: number } = {}): Promise<DockedCamera> {
  const camera = generateP256KeyPair(hostPort);
  const dock = generateP256KeyPair(hostPort);
  const board = await SimulatedBoard.boot({ main: 'test/fixtures/firmware/dock-camera' });
  const cable = attachDock(board, options);
  const provisioned = await board.command('provision', {
    cameraPrivateKey: toHex(camera.privateKey),
    enrolledDocks: [...(options.otherDocks ?? []), ...(options.enroll === false ? [] : [dock.publicKey])].map(toHex),
  }) as { deviceId: string };
  return {
    board, get client() { return cable.client; }, reconnect: cable.reconnect, inject: cable.inject, transmitted: cable.transmitted,
    pull: cable.pull, unplug: cable.unplug, pulls: cable.pulls, camera, dock, cut: cable.cut, deviceId: provisioned.deviceId,
    status: async () => (await board.command('status')) as Awaited<ReturnType<DockedCamera['status']>>,
    record: async (recording, sizes) => (await board.command('record', { recording, sizes })) as Awaited<ReturnType<DockedCamera['record']>>,
  };
}
