// A simulated camera ready for the bench over its dock link: firmware/main on a flash
// provisioned with a camera identity and the bench station's key enrolled (as
// `chaincam provision --dock-key bench.key` leaves it), with the bench's small capture.
import type { CpuModelOptions } from '../../host-tools/sim/hardware/cpu-model.js';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { deriveDeviceId } from '../../firmware/format/chain.js';
import { generateP256KeyPair } from '../../firmware/format/key-derivation.js';
import { benchBoot } from '../../host-tools/bench/indicator-bench.js';
import { BenchLink } from '../../host-tools/bench/bench-link.js';
import { CameraJournal } from '../../host-tools/bench/camera-journal.js';
import type { DockKey } from '../../host-tools/dock/dock-handshake.js';
import { createDockKeyFile } from '../../host-tools/dock/dock-key.js';
import type { SimulatedBoard } from '../../host-tools/sim/board.js';
import { provisionFlash } from '../../host-tools/sim/hardware/flash-provisioning.js';
import { hostPort } from './dock-harness.js';

export interface BenchBoard {
  board: SimulatedBoard;
  flash: string;
  /** The bench station's key file and key, enrolled on the camera. */
  keyFile: string;
  key: DockKey;
  close(): Promise<void>;
}

export async function bootBenchBoard(options: { target?: string; prepare?: (board: SimulatedBoard) => void; cpu?: CpuModelOptions; config?: Record<string, unknown> } = {}): Promise<BenchBoard> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'chaincam-bench-port-'));
  const keyFile = path.join(dir, 'bench.key');
  const key = createDockKeyFile(hostPort, keyFile);
  const camera = generateP256KeyPair(hostPort);
  const agency = generateP256KeyPair(hostPort);
  const flash = path.join(dir, 'flash');
  provisionFlash(flash, { ...camera, deviceId: deriveDeviceId(hostPort, camera.publicKey), label: 'bench camera' }, agency.publicKey, [key.publicKey]);
  const board = await benchBoot(options.target, { storage: flash, prepare: options.prepare, cpu: options.cpu, config: options.config });
  return {
    board, flash, keyFile, key,
    close: async () => {
      await board.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Reads every journal entry the camera holds beyond what `journal` has. */
export async function collectJournal(link: BenchLink, journal: CameraJournal): Promise<void> {
  for (;;) {
    const page = await link.journal(journal.next);
    journal.add(page);
    if (journal.next >= page.next || !page.entries.length) return;
  }
}
