// A small, realistic evidence set written by the real format code with reproducible
// randomness: two recordings (one with an emergency start, a ground change, notice not
// given and a segment lost to a power cut), a dock session and a release.
import fs from 'node:fs';
import { asciiBytes, concatBytes } from '../../firmware/format/bytes.js';
import { deriveDeviceId } from '../../firmware/format/chain.js';
import { generateP256KeyPair } from '../../firmware/format/key-derivation.js';
import { NOTICE_INDICATORS } from '../../firmware/format/record-codes.js';
import { SeededCryptoPort } from '../crypto/seeded-crypto-port.js';
import { EvidenceSetWriter } from '../evidence/evidence-set-writer.js';
import { segmentPath } from '../evidence/evidence-layout.js';
import type { CameraIdentity } from '../keys/key-files.js';
import type { P256KeyPair } from '../../firmware/format/key-derivation.js';

export interface SampleKeys {
  agency: P256KeyPair;
  camera: CameraIdentity;
}

export function sampleKeys(seed: string): SampleKeys {
  const port = new SeededCryptoPort(`${seed}/keys`);
  const agency = generateP256KeyPair(port);
  const camera = generateP256KeyPair(port);
  return { agency, camera: { ...camera, deviceId: deriveDeviceId(port, camera.publicKey), label: `test camera ${seed}` } };
}

/** Stand-in footage: a RIFF/AVI preamble and patterned bytes, small enough for vectors. */
export function sampleFootage(label: string, length: number): Uint8Array {
  const body = new Uint8Array(length);
  for (let i = 0; i < length; i++) body[i] = (i * 31 + label.length * 7) & 0xff;
  return concatBytes(asciiBytes(`RIFF....AVI LIST${label}`), body);
}

const T0 = Date.UTC(2026, 2, 1, 9, 0, 0);
const ALL_NOTICE = NOTICE_INDICATORS.led | NOTICE_INDICATORS.tone | NOTICE_INDICATORS.display;

export function writeSampleEvidence(dir: string, seed: string, keys: SampleKeys = sampleKeys(seed), footageBytes = 200): void {
  const port = new SeededCryptoPort(`${seed}/evidence`);
  const w = EvidenceSetWriter.create(dir, port, keys.camera, keys.agency.publicKey);
  const s = (n: number) => T0 + n * 1000;
  w.appendEvent(s(0), { type: 'power-on', resetReason: 1, firmwareVersion: '0.1.0' });
  w.appendEvent(s(1), { type: 'clock-set', previousTime: s(-3600), newTime: s(1), source: 1 });
  w.appendCheckpoint(s(1));

  w.appendEvent(s(10), { type: 'recording-start', recording: 1, legalGround: 2, startMode: 1 });
  w.writeSegment({ recording: 1, segmentIndex: 0, startTime: s(10), endTime: s(20), legalGround: 2, noticeIndicators: ALL_NOTICE, chunks: [sampleFootage('r1s0', footageBytes)] });
  w.appendCheckpoint(s(20));
  w.writeSegment({ recording: 1, segmentIndex: 1, startTime: s(20), endTime: s(26), legalGround: 2, noticeIndicators: ALL_NOTICE, chunks: [sampleFootage('r1s1', footageBytes)] });
  w.appendEvent(s(26), { type: 'recording-stop', recording: 1, stopReason: 1 });
  w.appendCheckpoint(s(26));

  w.appendEvent(s(40), { type: 'recording-start', recording: 2, legalGround: 0, startMode: 2 });
  w.appendEvent(s(43), { type: 'notice-failure', recording: 2, failedIndicators: NOTICE_INDICATORS.tone, noticeReason: 1, text: 'buzzer silent' });
  w.appendEvent(s(44), { type: 'ground-change', recording: 2, fromGround: 0, toGround: 6, reason: '흉기 소지 / armed suspect' });
  w.writeSegment({
    recording: 2, segmentIndex: 0, startTime: s(40), endTime: s(50), legalGround: 6,
    noticeIndicators: NOTICE_INDICATORS.led | NOTICE_INDICATORS.display, noticeReason: 1, noticeText: 'buzzer silent',
    chunks: [sampleFootage('r2s0', footageBytes)],
  });
  w.appendCheckpoint(s(50));
  // Power cut while segment 1 was open: the camera keeps the partial file and says so.
  fs.writeFileSync(segmentPath(dir, 2, 1), Uint8Array.of(0x43, 0x43, 0x53, 0x45, 0x41, 0x4c, 0, 1, 1, 1));
  w.appendEvent(s(70), { type: 'power-on', resetReason: 5, firmwareVersion: '0.1.0' });
  w.appendEvent(s(70), { type: 'segment-lost', recording: 2, segmentIndex: 1, lossReason: 1 });
  w.appendEvent(s(70), { type: 'recording-stop', recording: 2, stopReason: 5 });
  w.appendCheckpoint(s(70));

  const dockId = port.sha256(asciiBytes('dock 7')).slice(0, 16);
  w.appendEvent(s(100), { type: 'dock-session', phase: 1, dockId });
  const released = 4; // record #4: recording 1, segment 0
  const releasedDigest = fs.existsSync(segmentPath(dir, 1, 0)) ? port.sha256(fs.readFileSync(segmentPath(dir, 1, 0))) : new Uint8Array(32);
  w.appendEvent(s(101), { type: 'release', segmentSequence: released, sealedDigest: releasedDigest, receiptDigest: port.sha256(asciiBytes('receipt 1')) });
  fs.rmSync(segmentPath(dir, 1, 0));
  w.appendEvent(s(102), { type: 'dock-session', phase: 2, dockId });
  w.appendCheckpoint(s(102));
}
