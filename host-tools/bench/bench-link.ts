// The bench station's end of a camera's dock link: it authenticates as an enrolled dock
// (the bench's key is enrolled like a dock's), then speaks the bench commands of
// docs/PROTOCOL.md section 3.1 inside BENCH / BENCH-REPLY.
import {
  BENCH_COMMAND, BENCH_STATUS, decodeBenchProblem, decodeBenchStatus, decodeJournalPage, decodeTicks,
  encodeJournalArgument, encodePressArgument, type BenchPress, type BenchStatus, type JournalPage,
} from '../../firmware/format/bench-messages.js';
import { DOCK_ERROR } from '../../firmware/format/dock-messages.js';
import type { CryptoPort } from '../../firmware/format/crypto-port.js';
import { DockClient, DockError } from '../dock/dock-client.js';
import { openDockPort } from '../dock/dock-port.js';
import { authenticateCamera, type AuthenticatedCamera, type DockKey } from '../dock/dock-handshake.js';

const REPLY_TIMEOUT_MS = 10_000;
const COMMAND_NAMES: Record<number, string> = { 2: 'status', 3: 'press', 4: 'journal', 5: 'self-test' };

export class BenchLink {
  readonly client: DockClient;

  constructor(client: DockClient) {
    this.client = client;
  }

  /** HELLO and AUTH with the bench station's key; says what to do when the camera refuses it. */
  async authenticate(port: CryptoPort, key: DockKey, keyFile = 'the bench key'): Promise<AuthenticatedCamera> {
    try {
      return await authenticateCamera(this.client, port, key, () => undefined);
    } catch (error) {
      if (error instanceof DockError && error.code === DOCK_ERROR.authFailed) {
        throw new Error(`${error.message}. Enrol ${keyFile} on the camera as a dock is enrolled (chaincam provision --dock-key ${keyFile}), then run the bench again`);
      }
      throw error;
    }
  }

  /** One bench command; a non-zero status throws with the camera's reason. */
  async command(command: number, argument: Uint8Array = new Uint8Array(0)): Promise<Uint8Array> {
    const name = COMMAND_NAMES[command] ?? `0x${command.toString(16)}`;
    const reply = await this.client.request({ type: 'bench', command, argument }, 'bench-reply').catch((error: unknown) => {
      if (!(error instanceof DockError && error.code === DOCK_ERROR.notAuthenticated)) throw error;
      throw new Error(`${error.message}: the camera ended the bench session before bench ${name} (it restarted, or heard nothing for 30 s); run the bench again`);
    });
    if (reply.status === BENCH_STATUS.ok) return reply.result;
    if (reply.status === BENCH_STATUS.unknownCommand) {
      throw new Error(`${this.client.where}: the camera's firmware has no bench handler for ${name} (bench command ${command} is unknown to it); flash a chaincam firmware with the indicator journal (chaincam flash) and try again`);
    }
    const why = reply.status === BENCH_STATUS.refused ? 'refused' : reply.status === BENCH_STATUS.badArgument ? 'rejected the argument of' : `answered status ${reply.status} to`;
    throw new Error(`${this.client.where}: the camera ${why} bench ${name}: ${decodeBenchProblem(reply.result)}`);
  }

  async status(): Promise<BenchStatus> {
    return decodeBenchStatus(await this.command(BENCH_COMMAND.status));
  }

  /** Presses the camera's button for `holdMs` (then each of `then`, on the camera's clock); resolves with the camera ticks of the first press. */
  async press(holdMs: number, then: BenchPress[] = []): Promise<number> {
    return decodeTicks(await this.command(BENCH_COMMAND.press, encodePressArgument(holdMs, then)));
  }

  /** Runs the power-on self-test again; resolves with the camera ticks it began at. */
  async selfTest(): Promise<number> {
    return decodeTicks(await this.command(BENCH_COMMAND.selfTest));
  }

  async journal(from: number): Promise<JournalPage> {
    return decodeJournalPage(await this.command(BENCH_COMMAND.journal, encodeJournalArgument(from)));
  }

  /** Ends the session on the camera (its chain records the bench's dock session closing). */
  async close(): Promise<void> {
    await this.client.request({ type: 'close' }, 'closed', 1000).catch(() => undefined);
  }
}

/** A serial port (a camera's USB cable, or a simulated board's pty) with a BenchLink on it. */
export async function openBenchPort(path: string, baud: number): Promise<{ link: BenchLink; close(): Promise<void> }> {
  // A camera closing and sealing a segment can keep its main loop busy for seconds.
  const { client, close } = await openDockPort(path, { baud, timeoutMs: REPLY_TIMEOUT_MS, role: 'bench port' });
  return { link: new BenchLink(client), close };
}
