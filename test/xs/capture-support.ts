// Shared steps of the capture tests: a provisioned simulated board running the capture
// fixture, the chain read back, and the agency key for export.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { readChainLog } from '../../firmware/format/chain-log.js';
import { decodeRecord, type ChainRecord, type SegmentRecord } from '../../firmware/format/chain-records.js';
import { NodeCryptoPort } from '../../host-tools/crypto/node-crypto-port.js';
import { agencyKeyDocument } from '../../host-tools/keys/key-files.js';
import { SimulatedBoard, type BootOptions } from '../../host-tools/sim/board.js';
import { provisionFlash } from '../../host-tools/sim/hardware/flash-provisioning.js';
import { boardTarget } from '../../host-tools/sim/targets.js';
import { sampleKeys } from '../../host-tools/vectors/sample-evidence.js';

export const CAPTURE_FIXTURE = 'test/fixtures/firmware/capture-recorder';
export const KEYS = sampleKeys('capture');
const chaincam = (boardTarget().config as Record<string, any>).chaincam;

export function provision(dir: string): void {
  provisionFlash(dir, KEYS.camera, KEYS.agency.publicKey);
}

export function writeAgencyKey(file: string): void {
  fs.writeFileSync(file, JSON.stringify(agencyKeyDocument(new NodeCryptoPort(), KEYS.agency, true)), { mode: 0o600 });
}

export function bootCapture(dir: string, capture: Record<string, unknown>, options: Partial<BootOptions> = {}, chaincamOverrides: Record<string, unknown> = {}): Promise<SimulatedBoard> {
  return SimulatedBoard.boot({
    main: options.main ?? CAPTURE_FIXTURE,
    target: options.target,
    storage: { dir, ...options.storage },
    camera: options.camera,
    sdCard: options.sdCard,
    prepare: options.prepare,
    config: { chaincam: { ...chaincam, ...chaincamOverrides, capture } },
  });
}

/**
 * The power-cut sweeps' recording: boot, record 2.5 s on ground 3, stop, unless the power is cut
 * first (then the run ends there, with the board as it was wired, even during its boot).
 */
export async function recordUntilCut(dir: string, capture: Record<string, unknown>, options: Partial<BootOptions>): Promise<{ board: SimulatedBoard | undefined; cut: boolean }> {
  let board: SimulatedBoard | undefined;
  try {
    board = await bootCapture(dir, capture, {
      ...options,
      prepare: (b) => {
        board = b;
        options.prepare?.(b);
      },
    });
    await board.advance(500);
    await board.command('start', { ground: 3 });
    await board.advance(2500);
    await board.command('stop');
    await board.advance(300);
    return { board, cut: board.storage.powerLost };
  } catch (error) {
    if (!/power lost/.test(String((error as Error).message))) throw error;
    return { board, cut: true };
  }
}

export function chainRecords(dir: string): ChainRecord[] {
  return readChainLog(new Uint8Array(fs.readFileSync(path.join(dir, 'chain.log')))).frames.map((f) => decodeRecord(f.body));
}

export function eventsOf(records: ChainRecord[], type: string): Record<string, any>[] {
  return records.filter((r) => r.kind === 'event' && r.event.type === type).map((r) => (r as { event: Record<string, any> }).event);
}

/** The sealed segments' records on a camera's flash, in chain order. */
export function segmentRecordsOf(dir: string): SegmentRecord[] {
  return chainRecords(dir).filter((r): r is SegmentRecord => r.kind === 'segment');
}

/**
 * The dock tests' camera (the camera-with-dock fixture): provisioned with `dockPublicKey`
 * enrolled, booted, then 2.5 s recorded in 1 s segments, so three sealed segments. The board is
 * left running.
 */
export async function recordThreeSegments(flash: string, dockPublicKey: Uint8Array, boot: () => Promise<SimulatedBoard>): Promise<{ board: SimulatedBoard; segments: SegmentRecord[] }> {
  provisionFlash(flash, KEYS.camera, KEYS.agency.publicKey, [dockPublicKey]);
  const board = await boot();
  await board.advance(500);
  assert.equal(typeof (await board.command('start', { ground: 1 })), 'object');
  await board.advance(2500);
  assert.equal(await board.command('stop'), 'ok');
  await board.advance(200);
  const segments = segmentRecordsOf(flash);
  assert.equal(segments.length, 3);
  return { board, segments };
}
