// The ways an attacker (or a failing card) can change stored evidence, as functions over an
// evidence directory. Test vectors and the mutation test apply them and expect verify to
// name the right record.
import fs from 'node:fs';
import path from 'node:path';
import type { CryptoPort } from '../../firmware/format/crypto-port.js';
import { concatBytes } from '../../firmware/format/bytes.js';
import { CHAIN_LOG_MAGIC, encodeFrame, readChainLog } from '../../firmware/format/chain-log.js';
import { nextLink } from '../../firmware/format/chain.js';
import { decodeRecord, encodeRecord } from '../../firmware/format/chain-records.js';
import { CHAIN_LOG_FILE, SEGMENTS_DIR } from '../evidence/evidence-layout.js';

export interface Frame { body: Uint8Array; link: Uint8Array }

export function readFrames(dir: string): Frame[] {
  const { frames, problem } = readChainLog(fs.readFileSync(path.join(dir, CHAIN_LOG_FILE)));
  if (problem) throw new Error(`cannot tamper with a broken chain.log: ${problem.message}`);
  return frames.map((f) => ({ body: f.body.slice(), link: f.storedLink.slice() }));
}

export function writeFrames(dir: string, frames: Frame[]): void {
  fs.writeFileSync(path.join(dir, CHAIN_LOG_FILE), concatBytes(CHAIN_LOG_MAGIC, ...frames.map((f) => encodeFrame(f.body, f.link))));
}

/** Recomputes stored links from index `from` on, as a forger who knows the format would. */
export function relink(port: CryptoPort, frames: Frame[], from: number, genesis: Uint8Array): void {
  let link = from === 0 ? genesis : frames[from - 1]!.link;
  for (let i = from; i < frames.length; i++) {
    link = nextLink(port, link, frames[i]!.body);
    frames[i]!.link = link;
  }
}

/** Renumbers every record from index `from` so sequences look contiguous again. */
export function renumber(frames: Frame[], from: number): void {
  for (let i = from; i < frames.length; i++) {
    const record = decodeRecord(frames[i]!.body);
    frames[i]!.body = encodeRecord({ ...record, sequence: i });
  }
}

export function flipByte(file: string, offset: number, mask = 0x01): void {
  const bytes = fs.readFileSync(file);
  bytes[offset]! ^= mask;
  fs.writeFileSync(file, bytes);
}

export function truncateFile(file: string, removeBytes: number): void {
  const bytes = fs.readFileSync(file);
  fs.writeFileSync(file, bytes.subarray(0, bytes.length - removeBytes));
}

export function segmentFile(dir: string, name: string): string {
  return path.join(dir, SEGMENTS_DIR, name);
}

export function copyEvidence(from: string, to: string): void {
  fs.cpSync(from, to, { recursive: true });
}
