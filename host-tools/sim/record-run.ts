// `chaincam sim --record SECONDS --storage DIR [--power-cut-at SECONDS] [--keys KEYDIR]`:
// boots the camera on the simulated board over a flash directory, starts a recording on
// ground 1, stops it after SECONDS of virtual time (or cuts the power at --power-cut-at),
// and says what is on the storage. A later run on the same DIR boots and recovers; then
// `chaincam verify DIR` and `chaincam export DIR` read the raw storage.
import fs from 'node:fs';
import path from 'node:path';
import { IDENTITY_FILE } from '../../firmware/format/provisioning-layout.js';
import { provisionStorage } from '../provision/provision-command.js';
import { SimulatedBoard } from './board.js';
import { boardTarget } from './targets.js';

/** The capture path until firmware/main wires it (the same composition as main will use). */
export const RECORDING_FIRMWARE = 'test/fixtures/firmware/capture-recorder';

export interface RecordRunOptions {
  seconds: number;
  storage: string;
  powerCutAt?: number;
  /** A `chaincam keys init` directory (camera.key, agency.pub), needed once to provision DIR. */
  keys?: string;
  target?: string;
  main?: string;
  capture?: Record<string, unknown>;
  /** The CPU's rate, computrons per second of device time (host-tools/sim/hardware/cpu-model.ts). */
  cpuRate?: number;
  out?: (line: string) => void;
}

export async function recordRun(options: RecordRunOptions): Promise<{ powerCut: boolean; writes: number }> {
  const out = options.out ?? ((line: string) => process.stdout.write(`${line}\n`));
  const dir = path.resolve(options.storage);
  if (!fs.existsSync(path.join(dir, IDENTITY_FILE))) {
    if (!options.keys) throw new Error(`${dir} holds no provisioned camera: pass --keys KEYDIR (from \`chaincam keys init --dir KEYDIR\`) once to provision it`);
    const provisioned = provisionStorage({ storage: dir, keys: options.keys, dockKey: [] });
    out(`provisioned ${dir} with camera ${provisioned.deviceId} from ${options.keys}`);
  }
  const chaincam = (boardTarget(options.target).config as Record<string, any>).chaincam;
  const board = await SimulatedBoard.boot({
    cpu: options.cpuRate === undefined ? undefined : { computronsPerSecond: options.cpuRate },
    target: options.target, main: options.main ?? RECORDING_FIRMWARE, storage: { dir },
    // The camera's RTC is battery-backed: each boot starts at the host's time, not 1970 or a fixed date.
    epochMs: Date.now(),
    config: { chaincam: { ...chaincam, capture: { ...chaincam?.capture, ...options.capture } } },
    onTrace: (text, t) => { if (/^(recovery|storage|capture error)/.test(text)) out(`${(t / 1000).toFixed(3).padStart(10)} s  ${text.trimEnd()}`); },
  });
  try {
    await board.advance(1000);
    const started = await board.command('start', { ground: 1 });
    if (typeof started !== 'object') throw new Error(`the camera did not start recording: ${String(started)}`);
    out(`${(board.now / 1000).toFixed(3).padStart(10)} s  recording started on ground 1`);
    const cutAt = options.powerCutAt;
    if (cutAt !== undefined && cutAt * 1000 < board.now + options.seconds * 1000) {
      await board.advanceTo(cutAt * 1000);
      board.storage.cutPower();
      out(`${(board.now / 1000).toFixed(3).padStart(10)} s  POWER CUT (${board.storage.writes} writes reached the flash); boot again on ${dir} to recover`);
      return { powerCut: true, writes: board.storage.writes };
    }
    await board.advance(options.seconds * 1000);
    await board.command('stop');
    await board.advance(500);
    const state = await board.command('state') as Record<string, unknown>;
    out(`${(board.now / 1000).toFixed(3).padStart(10)} s  recording stopped: ${String(state.kept)} frames kept, ${String(state.sequence)} chain records`);
    return { powerCut: false, writes: board.storage.writes };
  } finally {
    await board.close();
  }
}
