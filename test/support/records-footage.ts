// Real footage for the records system's export: a camera's evidence set written by the format
// code the camera runs (EvidenceSetWriter: chain, camera signatures, sealing to the agency key),
// each segment a playable AVI laid out by the firmware's AVI code (JPEG frames + PCM audio).
import fs from 'node:fs';
import path from 'node:path';
import { deriveDeviceId } from '../../firmware/format/chain.js';
import { readChainLog } from '../../firmware/format/chain-log.js';
import { generateP256KeyPair, type P256KeyPair } from '../../firmware/format/key-derivation.js';
import { NOTICE_INDICATORS } from '../../firmware/format/record-codes.js';
import { CHAIN_LOG_FILE, segmentPath } from '../../host-tools/evidence/evidence-layout.js';
import { EvidenceSetWriter } from '../../host-tools/evidence/evidence-set-writer.js';
import type { CameraIdentity } from '../../host-tools/keys/key-files.js';
import { aviSegment } from './avi-segment.js';
import { hostPort } from './dock-harness.js';

export interface Footage {
  camera: CameraIdentity;
  agency: P256KeyPair;
  chain: Uint8Array;
  recording: number;
  segments: { recordSequence: number; sealed: Uint8Array }[];
}

/** Recording `recording` in two AVI segments, sealed to `agency`, with the chain signed to its end. */
export function recordFootage(dir: string, label: string, agency: P256KeyPair, recording = 1, start = Date.parse('2026-11-03T14:00:00Z')): Footage {
  const key = generateP256KeyPair(hostPort);
  const camera: CameraIdentity = { ...key, deviceId: deriveDeviceId(hostPort, key.publicKey), label };
  const w = EvidenceSetWriter.create(dir, hostPort, camera, agency.publicKey);
  const all = NOTICE_INDICATORS.led | NOTICE_INDICATORS.tone | NOTICE_INDICATORS.display;
  w.appendEvent(start, { type: 'power-on', resetReason: 1, firmwareVersion: '0.1.0' });
  w.appendEvent(start + 1000, { type: 'recording-start', recording, legalGround: 1, startMode: 1 });
  const sequences = [0, 1].map((segmentIndex) => w.writeSegment({
    recording, segmentIndex, startTime: start + 1000 + segmentIndex * 2000, endTime: start + 3000 + segmentIndex * 2000, legalGround: 1, noticeIndicators: all,
    chunks: [aviSegment(10, 40 + segmentIndex * 100)],
  }).record.sequence);
  w.appendEvent(start + 5000, { type: 'recording-stop', recording, stopReason: 1 });
  w.appendCheckpoint(start + 5000);
  const chain = new Uint8Array(fs.readFileSync(path.join(dir, CHAIN_LOG_FILE)));
  if (readChainLog(chain).problem) throw new Error('the footage chain does not read back');
  return {
    camera, agency, chain, recording,
    segments: sequences.map((recordSequence, segmentIndex) => ({ recordSequence, sealed: new Uint8Array(fs.readFileSync(segmentPath(dir, recording, segmentIndex))) })),
  };
}
