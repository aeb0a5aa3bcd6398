// Verifies a camera's raw storage offline: every frame, sequence, link, checkpoint signature
// and sealed segment digest, the continuity of every recording, and that nothing in
// segments/ is outside the chain. It stops at the first failure and names that record.
import fs from 'node:fs';
import path from 'node:path';
import type { CryptoPort } from '../../firmware/format/crypto-port.js';
import { configurationRecordProblem } from '../../firmware/format/camera-configuration.js';
import { isHighS } from '../../firmware/format/deterministic-ecdsa.js';
import { bytesEqual, toHex } from '../../firmware/format/bytes.js';
import { readChainLog } from '../../firmware/format/chain-log.js';
import { checkpointMessage, genesisLink, nextLink } from '../../firmware/format/chain.js';
import { decodeRecord, describeRecord, type ChainRecord, type SegmentRecord } from '../../firmware/format/chain-records.js';
import { SEALED_HEADER_LENGTH, SEALED_MAGIC as SEALED_PREFIX_MAGIC, decodeSealedHeader } from '../../firmware/format/sealed-segment.js';
import { CAMERA_PUBLIC_FILE, CHAIN_LOG_FILE, SEGMENTS_DIR, parseSegmentFileName, segmentFileName } from '../evidence/evidence-layout.js';
import { readCameraIdentity, type CameraIdentity } from '../keys/key-files.js';
import { hashFile, type HashedFile } from './sealed-file-hash.js';
import { RecordingTally, type RecordingFinding } from './recording-tally.js';

export interface VerifyFailure {
  /** Sequence of the first bad record, when the problem belongs to one. */
  record?: number;
  /** The file at fault, relative to the evidence directory. */
  file: string;
  offset?: number;
  message: string;
}

export interface VerifyReport {
  ok: boolean;
  dir: string;
  deviceId: string;
  label: string;
  /** "pinned" when --camera gave the key, otherwise taken from the set itself. */
  cameraKeySource: 'pinned' | 'evidence set';
  records: number;
  checkpoints: number;
  recordings: RecordingFinding[];
  notes: string[];
  failure?: VerifyFailure;
  bytesHashed: number;
}

export interface ChainEntry {
  record: ChainRecord;
  body: Uint8Array;
  previousLink: Uint8Array;
  link: Uint8Array;
  offset: number;
}

export interface VerifiedEvidence {
  report: VerifyReport;
  camera?: CameraIdentity;
  /** Records verified before the first failure (all of them when the report is ok). */
  entries: ChainEntry[];
}

export interface VerifyOptions {
  port: CryptoPort;
  /** A camera.pub to pin the camera key; otherwise DIR/camera.pub is used. */
  cameraFile?: string;
  /** Hashes a sealed file (a store's verify passes one that hashes each stored object once). */
  hashFile?: (file: string, headerLength: number) => HashedFile;
  /** Where segments/ is when the footage is on an SD card (its volume's root); default DIR. */
  cardDir?: string;
}

class VerifyStop extends Error {
  constructor(readonly failure: VerifyFailure) {
    super(failure.message);
  }
}

export function verifyEvidence(dir: string, options: VerifyOptions): VerifiedEvidence {
  const report: VerifyReport = {
    ok: false, dir, deviceId: '', label: '', cameraKeySource: options.cameraFile ? 'pinned' : 'evidence set',
    records: 0, checkpoints: 0, recordings: [], notes: [], bytesHashed: 0,
  };
  const entries: ChainEntry[] = [];
  let camera: CameraIdentity | undefined;
  const tally = new RecordingTally();
  try {
    if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) {
      throw new VerifyStop({ file: '.', message: `${dir} is not a directory (give the camera's storage directory)` });
    }
    camera = loadCamera(dir, options, report);
    checkChain(dir, options, camera, entries, tally, report, options.cardDir ?? dir);
    checkUnlistedSegments(options.cardDir ?? dir, camera, tally);
    report.ok = true;
  } catch (error) {
    if (!(error instanceof VerifyStop)) throw error;
    report.failure = error.failure;
  }
  report.records = entries.length;
  report.checkpoints = entries.filter((e) => e.record.kind === 'checkpoint').length;
  report.recordings = tally.findings();
  report.notes.push(...tally.notes());
  return { report, camera, entries };
}

function loadCamera(dir: string, options: VerifyOptions, report: VerifyReport): CameraIdentity {
  const inSet = path.join(dir, CAMERA_PUBLIC_FILE);
  const keyFile = options.cameraFile ?? inSet;
  if (!options.cameraFile && !fs.existsSync(inSet)) {
    // A camera provisioned over its link keeps no camera.pub; the host kept its public key.
    throw new VerifyStop({ file: CAMERA_PUBLIC_FILE, message: `${dir} has no ${CAMERA_PUBLIC_FILE}: give the camera's public key with --camera (chaincam provision --port kept it as KEYDIR/cameras/DEVICEID.pub)` });
  }
  let camera: CameraIdentity;
  try {
    camera = readCameraIdentity(options.port, keyFile);
  } catch (error) {
    throw new VerifyStop({ file: options.cameraFile ?? CAMERA_PUBLIC_FILE, message: (error as Error).message });
  }
  if (options.cameraFile && fs.existsSync(inSet)) {
    let stored: CameraIdentity;
    try {
      stored = readCameraIdentity(options.port, inSet);
    } catch (error) {
      throw new VerifyStop({ file: CAMERA_PUBLIC_FILE, message: (error as Error).message });
    }
    if (!bytesEqual(stored.publicKey, camera.publicKey)) {
      throw new VerifyStop({
        file: CAMERA_PUBLIC_FILE,
        message: `${CAMERA_PUBLIC_FILE} names device ${toHex(stored.deviceId)}, but --camera pins device ${toHex(camera.deviceId)}: this storage is from another camera`,
      });
    }
  }
  if (!options.cameraFile) report.notes.push(`camera key taken from the evidence set itself; pass --camera CAMERA.pub from provisioning to pin it`);
  report.deviceId = toHex(camera.deviceId);
  report.label = camera.label;
  return camera;
}

function checkChain(dir: string, options: VerifyOptions, camera: CameraIdentity, entries: ChainEntry[], tally: RecordingTally, report: VerifyReport, segmentsRoot: string): void {
  const { port } = options;
  let file: Uint8Array;
  try {
    file = fs.readFileSync(path.join(dir, CHAIN_LOG_FILE));
  } catch (error) {
    throw new VerifyStop({ file: CHAIN_LOG_FILE, message: `cannot read ${CHAIN_LOG_FILE}: ${(error as Error).message} (is this a chaincam evidence directory?)` });
  }
  const { frames, problem } = readChainLog(file);
  let link = genesisLink(port, camera.deviceId, camera.publicKey);
  for (const frame of frames) {
    const at = (what: string, record = frame.index): never => {
      throw new VerifyStop({ record, file: CHAIN_LOG_FILE, offset: frame.offset, message: what });
    };
    let record: ChainRecord;
    try {
      record = decodeRecord(frame.body);
    } catch (error) {
      return at(`record #${frame.index} at ${CHAIN_LOG_FILE} offset ${frame.offset}: cannot be decoded: ${(error as Error).message}`);
    }
    const name = `${describeRecord(record)} at ${CHAIN_LOG_FILE} offset ${frame.offset}`;
    if (record.sequence !== frame.index) {
      at(`${name}: found sequence ${record.sequence} where record #${frame.index} belongs; records were deleted, reordered, duplicated or inserted`);
    }
    const recomputed = nextLink(port, link, frame.body);
    if (!bytesEqual(recomputed, frame.storedLink)) {
      at(`${name}: its stored link does not match the recomputed link; the record (or its link) was altered, or a record before it was replaced`);
    }
    if (record.kind === 'checkpoint') {
      if (!bytesEqual(record.deviceId, camera.deviceId)) {
        at(`${name}: signed by device ${toHex(record.deviceId)}, not this camera ${toHex(camera.deviceId)}; records from another camera`);
      }
      if (!bytesEqual(record.headLink, link)) at(`${name}: its head link is not the chain's link before it`);
      const message = checkpointMessage(record.deviceId, record.sequence, record.headLink, record.time);
      if (isHighS(record.signature)) {
        at(`${name}: its signature is in high-S form (r, n − s), a malleated copy that chaincam never signs; only low-S signatures are valid (FORMAT.md section 2); chaincam builds from before signatures were canonical wrote either form, so their evidence fails here`);
      }
      if (!port.p256Verify(camera.publicKey, message, record.signature)) {
        at(`${name}: the signature does not verify with the camera key ${toHex(camera.deviceId)}`);
      }
    }
    if (record.kind === 'event' && record.event.type === 'config-change') {
      const problem = configurationRecordProblem(port, record.event);
      if (problem) at(`${name}: ${problem}`);
    }
    const problemWithRecord = tally.add(record, entries);
    if (problemWithRecord) at(`${name}: ${problemWithRecord}`);
    if (record.kind === 'segment') checkSegmentFile(segmentsRoot, options.hashFile ?? hashFile, camera, record, name, report, tally);
    entries.push({ record, body: frame.body, previousLink: link, link: recomputed, offset: frame.offset });
    link = recomputed;
  }
  if (problem) {
    throw new VerifyStop({
      record: problem.index, file: CHAIN_LOG_FILE, offset: problem.offset,
      message: `record #${problem.index} at ${CHAIN_LOG_FILE} offset ${problem.offset}: ${problem.message}`,
    });
  }
  if (entries.length === 0) throw new VerifyStop({ file: CHAIN_LOG_FILE, message: `${CHAIN_LOG_FILE} holds no records` });
  let lastCheckpoint = -1;
  for (const entry of entries) if (entry.record.kind === 'checkpoint') lastCheckpoint = entry.record.sequence;
  if (lastCheckpoint !== entries.length - 1) {
    const first = entries[lastCheckpoint + 1]!;
    throw new VerifyStop({
      record: first.record.sequence, file: CHAIN_LOG_FILE, offset: first.offset,
      message: `${describeRecord(first.record)} and the ${entries.length - 1 - lastCheckpoint - 1} records after it are not covered by a checkpoint signature; ` +
        `a checkpoint was removed, or the camera lost power before signing (power it on so it signs, then copy again)`,
    });
  }
  const unreleased = tally.missingFiles();
  if (unreleased) {
    const entry = entries[unreleased.sequence]!;
    throw new VerifyStop({
      record: unreleased.sequence, file: path.join(SEGMENTS_DIR, segmentFileName(unreleased.recording, unreleased.segmentIndex)), offset: entry.offset,
      message: `${describeRecord(unreleased)}: its sealed file ${SEGMENTS_DIR}/${segmentFileName(unreleased.recording, unreleased.segmentIndex)} is missing and no release event accounts for it; the footage was deleted`,
    });
  }
}

function checkSegmentFile(dir: string, hash: NonNullable<VerifyOptions['hashFile']>, camera: CameraIdentity, record: SegmentRecord, name: string, report: VerifyReport, tally: RecordingTally): void {
  const relative = path.join(SEGMENTS_DIR, segmentFileName(record.recording, record.segmentIndex));
  const file = path.join(dir, relative);
  const fail = (what: string): never => {
    throw new VerifyStop({ record: record.sequence, file: relative, message: `${name}: ${relative} ${what}` });
  };
  if (!fs.existsSync(file)) {
    tally.fileAbsent(record);
    return;
  }
  const hashed = hash(file, SEALED_HEADER_LENGTH);
  report.bytesHashed += hashed.size;
  if (hashed.size !== record.sealedLength) fail(`is ${hashed.size} bytes, the record says ${record.sealedLength}; truncated or extended`);
  if (!bytesEqual(hashed.digest, record.sealedDigest)) fail(`does not match the sealed digest in the record (SHA-256 ${toHex(hashed.digest)}, expected ${toHex(record.sealedDigest)}); the footage was altered`);
  try {
    const header = decodeSealedHeader(hashed.head);
    if (!bytesEqual(header.deviceId, camera.deviceId) || header.recording !== record.recording || header.segmentIndex !== record.segmentIndex) {
      fail('has a header for another camera, recording or segment');
    }
  } catch (error) {
    if (error instanceof VerifyStop) throw error;
    fail(`has an invalid header: ${(error as Error).message}`);
  }
  tally.fileVerified(record);
}

function checkUnlistedSegments(dir: string, camera: CameraIdentity, tally: RecordingTally): void {
  const segmentsDir = path.join(dir, SEGMENTS_DIR);
  if (!fs.existsSync(segmentsDir)) return;
  for (const name of fs.readdirSync(segmentsDir).sort()) {
    const parsed = parseSegmentFileName(name);
    const relative = path.join(SEGMENTS_DIR, name);
    if (!parsed) throw new VerifyStop({ file: relative, message: `${relative} is not a sealed segment name the camera writes; something was added to the storage` });
    if (tally.hasSegment(parsed.recording, parsed.segmentIndex)) continue;
    if (tally.isLost(parsed.recording, parsed.segmentIndex)) {
      const problem = partialSegmentProblem(path.join(dir, relative), camera, parsed.recording, parsed.segmentIndex);
      if (problem) throw new VerifyStop({ file: relative, message: `${relative} poses as the partial file of lost segment ${parsed.segmentIndex} of recording ${parsed.recording}, but ${problem}; something was put in the storage` });
      tally.addNote(`${relative}: partial segment kept after a recorded loss (not evidence; no record commits to it)`);
      continue;
    }
    throw new VerifyStop({ file: relative, message: `${relative} is not in the chain: no segment record commits to it (inserted, or its record was removed)` });
  }
}

/**
 * FORMAT.md section 10 step 7: the partial file of a lost segment is what the camera had written
 * when it was cut off, so it is a prefix of a sealed container for exactly that segment: the
 * magic, suite, this camera's device id, recording and segment index, as far as the file goes,
 * and a header that decodes once the file holds one.
 */
function partialSegmentProblem(file: string, camera: CameraIdentity, recording: number, segmentIndex: number): string | undefined {
  const head = new Uint8Array(SEALED_HEADER_LENGTH);
  const fd = fs.openSync(file, 'r');
  let n: number;
  try {
    n = fs.readSync(fd, head, 0, head.length, 0);
  } finally {
    fs.closeSync(fd);
  }
  const expected = new Uint8Array(42);
  expected.set(SEALED_PREFIX_MAGIC, 0);
  expected[8] = 1; // sealing suite 1
  const view = new DataView(expected.buffer);
  expected.set(camera.deviceId, 10);
  view.setUint32(26, recording);
  view.setUint32(30, segmentIndex);
  for (let i = 0; i < Math.min(n, 34); i++) {
    if (i === 9) continue; // media type: checked once the header is whole
    if (head[i] !== expected[i]) return `its byte ${i} is not what the camera writes there (a sealed header for device ${toHex(camera.deviceId)}, recording ${recording}, segment ${segmentIndex})`;
  }
  if (n >= SEALED_HEADER_LENGTH) {
    try {
      decodeSealedHeader(head);
    } catch (error) {
      return `its header is invalid: ${(error as Error).message}`;
    }
  }
  return undefined;
}
