// Writes a camera's raw storage on the host with the same engine-neutral chain and sealing
// code the camera runs: used by tests, test vectors and benchmarks, and a reference for
// firmware/store. Layout: evidence-layout.ts.
import fs from 'node:fs';
import path from 'node:path';
import type { CryptoPort } from '../../firmware/format/crypto-port.js';
import { ChainWriter, type AppendedRecord } from '../../firmware/format/chain.js';
import { CHAIN_LOG_MAGIC } from '../../firmware/format/chain-log.js';
import type { ChainEvent } from '../../firmware/format/chain-events.js';
import type { SegmentRecord } from '../../firmware/format/chain-records.js';
import { SegmentSealer } from '../../firmware/format/sealed-segment.js';
import { CAMERA_PUBLIC_FILE, CHAIN_LOG_FILE, SEGMENTS_DIR, segmentPath } from './evidence-layout.js';
import { cameraDocument, type CameraIdentity } from '../keys/key-files.js';

export interface SegmentToWrite {
  recording: number;
  segmentIndex: number;
  startTime: number;
  endTime: number;
  /** When the record is appended; defaults to endTime. */
  time?: number;
  legalGround: number;
  noticeIndicators: number;
  noticeReason?: number;
  noticeText?: string;
  mediaType?: number;
  /** The plaintext, chunk by chunk, so benchmarks can write gigabytes in constant memory. */
  chunks: Iterable<Uint8Array>;
}

export class EvidenceSetWriter {
  readonly dir: string;
  #port: CryptoPort;
  #chain: ChainWriter;
  #camera: CameraIdentity;
  #agencyPublicKey: Uint8Array;

  private constructor(dir: string, port: CryptoPort, camera: CameraIdentity, agencyPublicKey: Uint8Array) {
    if (!camera.privateKey) throw new Error('the evidence writer needs the camera private key (camera.key)');
    this.dir = dir;
    this.#port = port;
    this.#camera = camera;
    this.#agencyPublicKey = agencyPublicKey;
    this.#chain = new ChainWriter({ port, deviceId: camera.deviceId, cameraPublicKey: camera.publicKey, signingKey: camera.privateKey });
  }

  /** Starts a new, empty evidence set in dir (which must not hold one already). */
  static create(dir: string, port: CryptoPort, camera: CameraIdentity, agencyPublicKey: Uint8Array): EvidenceSetWriter {
    fs.mkdirSync(path.join(dir, SEGMENTS_DIR), { recursive: true });
    fs.writeFileSync(path.join(dir, CHAIN_LOG_FILE), CHAIN_LOG_MAGIC, { flag: 'wx' });
    fs.writeFileSync(path.join(dir, CAMERA_PUBLIC_FILE), `${JSON.stringify(cameraDocument(camera, false), null, 2)}\n`, { flag: 'wx' });
    return new EvidenceSetWriter(dir, port, camera, agencyPublicKey);
  }

  get head() {
    return this.#chain.head;
  }

  appendEvent(time: number, event: ChainEvent): AppendedRecord {
    return this.#log(this.#chain.appendEvent(time, event));
  }

  appendCheckpoint(time: number): AppendedRecord {
    return this.#log(this.#chain.appendCheckpoint(time));
  }

  /** Seals the segment to its file, then appends its record: the order the camera uses. */
  writeSegment(segment: SegmentToWrite): AppendedRecord<SegmentRecord> {
    const sealer = new SegmentSealer({
      port: this.#port, agencyPublicKey: this.#agencyPublicKey, deviceId: this.#camera.deviceId,
      recording: segment.recording, segmentIndex: segment.segmentIndex, mediaType: segment.mediaType ?? 1,
    });
    const fd = fs.openSync(segmentPath(this.dir, segment.recording, segment.segmentIndex), 'wx');
    let summary;
    try {
      fs.writeSync(fd, sealer.header);
      for (const chunk of segment.chunks) fs.writeSync(fd, sealer.seal(chunk));
      summary = sealer.finish();
      fs.writeSync(fd, summary.trailer);
    } finally {
      fs.closeSync(fd);
    }
    return this.#log(this.#chain.appendSegment({
      kind: 'segment', time: segment.time ?? segment.endTime, recording: segment.recording,
      segmentIndex: segment.segmentIndex, startTime: segment.startTime, endTime: segment.endTime,
      legalGround: segment.legalGround, noticeIndicators: segment.noticeIndicators,
      noticeReason: segment.noticeReason ?? 0, noticeText: segment.noticeText ?? '',
      sealedLength: summary.sealedLength, sealedDigest: summary.sealedDigest,
    }));
  }

  #log<R extends AppendedRecord>(appended: R): R {
    fs.appendFileSync(path.join(this.dir, CHAIN_LOG_FILE), appended.frame);
    return appended;
  }
}
