// The dock's side of `chaincam dock --forward URL --records-key RECORDS.pub`: each segment the
// dock stored goes to the records system in a request signed with the dock's key, and counts as
// forwarded only when the answer is the records system's ack, signed with the key in RECORDS.pub,
// for this dock and this digest. Until then the camera keeps the segment (camera-offload.ts).
// At start the dock forwards again what it stored and the cameras have not released
// (forwardUnreleased): the records system is idempotent by digest, so nothing is stored twice.
import fs from 'node:fs';
import path from 'node:path';
import { toHex } from '../../firmware/format/bytes.js';
import type { CryptoPort } from '../../firmware/format/crypto-port.js';
import { readChainLog } from '../../firmware/format/chain-log.js';
import { decodeRecord } from '../../firmware/format/chain-records.js';
import { deriveDockId } from '../../firmware/format/dock-proofs.js';
import { CHAIN_LOG_FILE } from '../evidence/evidence-layout.js';
import { checkAck } from '../records/records-log.js';
import { SEGMENTS_PATH, encodeForwardedSegment, signRequest, type ForwardedSegment } from '../records/records-protocol.js';
import type { EvidenceStore } from '../store/evidence-store.js';
import type { DockKey } from './dock-handshake.js';

export class RecordsForwarder {
  readonly dockId: string;

  constructor(readonly url: string, readonly dockKey: DockKey, readonly recordsPublicKey: Uint8Array, readonly port: CryptoPort, readonly now: () => number = Date.now) {
    this.dockId = toHex(deriveDockId(port, dockKey.publicKey));
  }

  /** Forwards one segment; returns the records log entry that stored it, or throws saying why not. */
  async forward(segment: ForwardedSegment): Promise<number> {
    const body = encodeForwardedSegment(segment);
    const headers = signRequest(this.port, this.dockKey, this.dockId, 'POST', SEGMENTS_PATH, body, this.now());
    const digest = toHex(this.port.sha256(segment.sealed));
    let response: Response;
    try {
      response = await fetch(new URL(SEGMENTS_PATH, this.url), { method: 'POST', body, headers: { ...headers, 'content-type': 'application/octet-stream' } });
    } catch (error) {
      const cause = (error as { cause?: Error }).cause?.message ?? (error as Error).message;
      throw new Error(`the records system at ${this.url} cannot be reached (${cause}); the dock forwards it again later`);
    }
    const text = await response.text();
    let reply: { ack?: unknown; signature?: unknown; error?: unknown };
    try {
      reply = JSON.parse(text);
    } catch {
      throw new Error(`the records system at ${this.url} answered ${response.status} with no JSON`);
    }
    if (response.status !== 200) throw new Error(`the records system at ${this.url} refused it (${response.status}): ${String(reply.error ?? text)}`);
    return checkAck(this.port, this.recordsPublicKey, reply, this.dockId, digest);
  }
}

/** The chain holding this segment record with this digest: the staged chain, else the committed one. */
function chainFor(store: EvidenceStore, deviceId: string, sequence: number, digest: string): Uint8Array | undefined {
  const candidates = [path.join(store.stagingDir(deviceId), CHAIN_LOG_FILE), store.cameraDir(deviceId) && path.join(store.cameraDir(deviceId)!, CHAIN_LOG_FILE)];
  for (const file of candidates) {
    if (!file || !fs.existsSync(file)) continue;
    const chain = new Uint8Array(fs.readFileSync(file));
    const frame = readChainLog(chain).frames[sequence];
    if (!frame) continue;
    const record = decodeRecord(frame.body);
    if (record.kind === 'segment' && toHex(record.sealedDigest) === digest) return chain;
  }
  return undefined;
}

/**
 * Forwards every stored segment no camera has released yet (a forward the records system never
 * acked: it was down, or the dock stopped). Failures are reported and left for the next start or
 * docking; nothing here releases anything.
 */
export async function forwardUnreleased(store: EvidenceStore, forwarder: RecordsForwarder, log: (line: string) => void): Promise<{ acked: number; failed: number }> {
  const labels = new Map(store.cameras().map((c) => [c.deviceId, c]));
  let acked = 0;
  let failed = 0;
  for (const segment of store.segments()) {
    if (segment.releasedAt !== null || !fs.existsSync(store.objectPath(segment.sealedDigest))) continue;
    const camera = labels.get(segment.deviceId)!;
    const chain = chainFor(store, segment.deviceId, segment.recordSequence, segment.sealedDigest);
    if (!chain) {
      log(`records: segment ${segment.sealedDigest} of camera ${segment.deviceId}: no chain at the dock holds its record; it is forwarded at the camera's next docking`);
      failed++;
      continue;
    }
    try {
      const entry = await forwarder.forward({ label: camera.label, cameraPublicKey: camera.publicKey, chain, recordSequence: segment.recordSequence, sealed: new Uint8Array(fs.readFileSync(store.objectPath(segment.sealedDigest))) });
      log(`records: segment record #${segment.recordSequence} of camera ${segment.deviceId} acked (records log entry #${entry}); the camera releases it at its next docking`);
      acked++;
    } catch (error) {
      log(`records: segment record #${segment.recordSequence} of camera ${segment.deviceId} not forwarded: ${(error as Error).message}`);
      failed++;
    }
  }
  return { acked, failed };
}

/** How many segments a dock has on their way to the records system at once. */
export const FORWARD_WINDOW = 4;

/** Runs `forward` over the items, at most `window` at a time, starting them in order; one promise per item. */
export function forwardWindow<I, T>(items: readonly I[], window: number, forward: (item: I) => Promise<T>): Promise<T>[] {
  const results: Promise<T>[] = [];
  const settled: Promise<unknown>[] = [];
  for (const [i, item] of items.entries()) {
    // Item i starts once item i - window has settled, either way.
    const result = (i >= window ? settled[i - window]! : Promise.resolve()).then(() => forward(item));
    results.push(result);
    settled.push(result.catch(() => undefined));
  }
  return results;
}
