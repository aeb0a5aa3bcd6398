// The committed test vectors: one valid evidence set and each kind of tampering, with the
// outcome verify must report. test/vectors/manifest.json is written from this table.
import fs from 'node:fs';
import path from 'node:path';
import type { CryptoPort } from '../../firmware/format/crypto-port.js';
import { concatBytes, fromHex, toHex } from '../../firmware/format/bytes.js';
import { genesisLink, checkpointMessage } from '../../firmware/format/chain.js';
import { P256_ORDER } from '../../firmware/format/deterministic-ecdsa.js';
import { decodeRecord, encodeRecord } from '../../firmware/format/chain-records.js';
import { generateP256KeyPair } from '../../firmware/format/key-derivation.js';
import { CAMERA_PUBLIC_FILE, CHAIN_LOG_FILE } from '../evidence/evidence-layout.js';
import type { SampleKeys } from './sample-evidence.js';
import { flipByte, readFrames, relink, renumber, segmentFile, truncateFile, writeFrames } from './evidence-tampering.js';

export interface ExpectedOutcome {
  ok: boolean;
  /** Sequence (frame index) of the record verify must name. */
  record?: number;
  /** File verify must name, relative to the set. */
  file?: string;
  /** A phrase the failure message must contain. */
  message?: string;
}

export interface TamperContext {
  port: CryptoPort;
  keys: SampleKeys;
  /** A valid set from another camera, for splicing. */
  foreignDir: string;
}

export interface VectorCase {
  name: string;
  description: string;
  tamper: (dir: string, ctx: TamperContext) => void;
  expect: ExpectedOutcome;
}

const S1 = 'r000001-s0001.seg';
const S2 = 'r000002-s0000.seg';

export const VECTOR_CASES: readonly VectorCase[] = [
  { name: 'valid', description: 'untouched evidence set: 22 records, 6 checkpoints, a released and a lost segment', tamper: () => {}, expect: { ok: true } },
  {
    name: 'segment-byte-flip', description: 'one bit flipped inside the ciphertext of recording 1 segment 1',
    tamper: (dir) => flipByte(segmentFile(dir, S1), 200),
    expect: { ok: false, record: 6, file: `segments/${S1}`, message: 'does not match the sealed digest' },
  },
  {
    name: 'record-byte-flip', description: 'one bit flipped in the time of record #3 (recording-start)',
    tamper: (dir) => flipByte(path.join(dir, CHAIN_LOG_FILE), frameOffset(dir, 3) + 4 + 13),
    expect: { ok: false, record: 3, file: CHAIN_LOG_FILE, message: 'stored link does not match' },
  },
  {
    name: 'chain-truncated', description: 'chain.log cut 20 bytes short, inside the last frame',
    tamper: (dir) => truncateFile(path.join(dir, CHAIN_LOG_FILE), 20),
    expect: { ok: false, record: 21, file: CHAIN_LOG_FILE, message: 'truncated' },
  },
  {
    name: 'segment-truncated', description: 'recording 2 segment 0 cut 16 bytes short',
    tamper: (dir) => truncateFile(segmentFile(dir, S2), 16),
    expect: { ok: false, record: 12, file: `segments/${S2}`, message: 'truncated or extended' },
  },
  {
    name: 'record-deleted', description: 'record #7 (recording-stop) removed from chain.log',
    tamper: (dir) => { const f = readFrames(dir); f.splice(7, 1); writeFrames(dir, f); },
    expect: { ok: false, record: 7, file: CHAIN_LOG_FILE, message: 'found sequence 8' },
  },
  {
    name: 'records-reordered', description: 'records #9 and #10 swapped',
    tamper: (dir) => { const f = readFrames(dir); [f[9], f[10]] = [f[10]!, f[9]!]; writeFrames(dir, f); },
    expect: { ok: false, record: 9, file: CHAIN_LOG_FILE, message: 'found sequence 10' },
  },
  {
    name: 'record-inserted', description: 'a forged ground-change inserted as #11, later records renumbered and relinked',
    tamper: (dir, ctx) => {
      const f = readFrames(dir);
      const forged = encodeRecord({ kind: 'event', sequence: 11, time: decodeRecord(f[11]!.body).time, event: { type: 'ground-change', recording: 2, fromGround: 6, toGround: 4, reason: 'consent' } });
      f.splice(11, 0, { body: forged, link: new Uint8Array(32) });
      renumber(f, 12);
      relink(ctx.port, f, 11, genesisOf(ctx));
      writeFrames(dir, f);
    },
    expect: { ok: false, record: 14, file: CHAIN_LOG_FILE, message: 'head link is not' },
  },
  {
    name: 'record-duplicated', description: 'record #4 (a segment record) appended twice',
    tamper: (dir) => { const f = readFrames(dir); f.splice(5, 0, f[4]!); writeFrames(dir, f); },
    expect: { ok: false, record: 5, file: CHAIN_LOG_FILE, message: 'found sequence 4' },
  },
  {
    name: 'foreign-records', description: 'records from #13 on replaced by those of another camera',
    tamper: (dir, ctx) => {
      const f = readFrames(dir);
      const foreign = readFrames(ctx.foreignDir);
      writeFrames(dir, [...f.slice(0, 13), ...foreign.slice(13)]);
    },
    expect: { ok: false, record: 13, file: CHAIN_LOG_FILE, message: 'stored link does not match' },
  },
  {
    name: 'foreign-checkpoint', description: "another camera's checkpoint spliced in as #13 and relinked",
    tamper: (dir, ctx) => {
      const f = readFrames(dir);
      f[13] = readFrames(ctx.foreignDir)[13]!;
      relink(ctx.port, f, 13, genesisOf(ctx));
      writeFrames(dir, f);
    },
    expect: { ok: false, record: 13, file: CHAIN_LOG_FILE, message: 'not this camera' },
  },
  {
    name: 'foreign-identity', description: "camera.pub replaced by another camera's",
    tamper: (dir, ctx) => fs.copyFileSync(path.join(ctx.foreignDir, CAMERA_PUBLIC_FILE), path.join(dir, CAMERA_PUBLIC_FILE)),
    expect: { ok: false, file: CAMERA_PUBLIC_FILE, message: 'from another camera' },
  },
  {
    name: 'wrong-signature', description: 'checkpoint #8 re-signed with a key that is not the camera\'s, everything relinked',
    tamper: (dir, ctx) => {
      const f = readFrames(dir);
      const checkpoint = decodeRecord(f[8]!.body);
      if (checkpoint.kind !== 'checkpoint') throw new Error('record #8 should be a checkpoint');
      const impostor = generateP256KeyPair(ctx.port);
      const signature = ctx.port.p256Sign(impostor.privateKey, checkpointMessage(checkpoint.deviceId, 8, checkpoint.headLink, checkpoint.time));
      f[8]!.body = encodeRecord({ ...checkpoint, signature });
      relink(ctx.port, f, 8, genesisOf(ctx));
      writeFrames(dir, f);
    },
    expect: { ok: false, record: 8, file: CHAIN_LOG_FILE, message: 'signature does not verify' },
  },
  {
    name: 'checkpoint-malleated', description: 'the final checkpoint #21 with s replaced by n − s (the high-S twin, which still satisfies ECDSA) and relinked',
    tamper: (dir, ctx) => {
      const f = readFrames(dir);
      const checkpoint = decodeRecord(f[21]!.body);
      if (checkpoint.kind !== 'checkpoint') throw new Error('record #21 should be a checkpoint');
      const s = BigInt(`0x${toHex(checkpoint.signature.subarray(32))}`);
      const twin = concatBytes(checkpoint.signature.subarray(0, 32), fromHex((P256_ORDER - s).toString(16).padStart(64, '0')));
      f[21]!.body = encodeRecord({ ...checkpoint, signature: twin });
      relink(ctx.port, f, 21, genesisOf(ctx));
      writeFrames(dir, f);
    },
    expect: { ok: false, record: 21, file: CHAIN_LOG_FILE, message: 'high-S' },
  },
  {
    name: 'segment-deleted', description: 'recording 1 segment 1 deleted without a release',
    tamper: (dir) => fs.rmSync(segmentFile(dir, S1)),
    expect: { ok: false, record: 6, file: `segments/${S1}`, message: 'is missing' },
  },
  {
    name: 'segment-inserted', description: 'a sealed file no record commits to added as recording 3 segment 0',
    tamper: (dir) => fs.copyFileSync(segmentFile(dir, S2), segmentFile(dir, 'r000003-s0000.seg')),
    expect: { ok: false, file: 'segments/r000003-s0000.seg', message: 'not in the chain' },
  },
  {
    name: 'segments-swapped', description: 'the two stored sealed files exchanged',
    tamper: (dir) => {
      const a = fs.readFileSync(segmentFile(dir, S1));
      fs.copyFileSync(segmentFile(dir, S2), segmentFile(dir, S1));
      fs.writeFileSync(segmentFile(dir, S2), a);
    },
    expect: { ok: false, record: 6, file: `segments/${S1}`, message: 'does not match the sealed digest' },
  },
  {
    name: 'unsigned-tail', description: 'the final checkpoint removed, leaving the dock session unsigned',
    tamper: (dir) => { const f = readFrames(dir); f.pop(); writeFrames(dir, f); },
    expect: { ok: false, record: 18, file: CHAIN_LOG_FILE, message: 'not covered by a checkpoint' },
  },
];

function genesisOf(ctx: TamperContext): Uint8Array {
  return genesisLink(ctx.port, ctx.keys.camera.deviceId, ctx.keys.camera.publicKey);
}

function frameOffset(dir: string, index: number): number {
  let offset = 8;
  for (const frame of readFrames(dir).slice(0, index)) offset += 4 + frame.body.length + 32;
  return offset;
}
