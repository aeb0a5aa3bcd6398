// One docking, from the dock's side (docs/PROTOCOL.md section 7): authenticate, set the clock,
// stage the chain and every held segment (resuming from what is already staged), verify all of
// it, then store each segment durably and send its receipt. Nothing is stored or released
// unless the whole staged evidence verifies.
import fs from 'node:fs';
import path from 'node:path';
import { bytesEqual, toHex } from '../../firmware/format/bytes.js';
import type { CryptoPort } from '../../firmware/format/crypto-port.js';
import { DOCK_OBJECT, type ListEntry } from '../../firmware/format/dock-messages.js';
import { signReceipt, receiptDigest } from '../../firmware/format/dock-proofs.js';
import type { SegmentRecord } from '../../firmware/format/chain-records.js';
import { CAMERA_PUBLIC_FILE, CHAIN_LOG_FILE, SEGMENTS_DIR, segmentFileName } from '../evidence/evidence-layout.js';
import type { CameraRegistry } from '../keys/camera-registry.js';
import { cameraDocument, type CameraIdentity } from '../keys/key-files.js';
import { hashFile } from '../verify/sealed-file-hash.js';
import { verifyEvidence } from '../verify/verify-evidence.js';
import type { EvidenceStore } from '../store/evidence-store.js';
import { describeFileError } from '../store/durable-files.js';
import { compareChains, heldChain, type HeldChain } from './chain-continuity.js';
import { checkFreeSpace, listHeldSegments } from './held-segment-list.js';
import { readChainLog } from '../../firmware/format/chain-log.js';
import { genesisLink, nextLink } from '../../firmware/format/chain.js';
import type { DockClient } from './dock-client.js';
import { authenticateCamera, type DockKey } from './dock-handshake.js';
import { FORWARD_WINDOW, forwardWindow, type RecordsForwarder } from './records-forwarder.js';

export interface OffloadProgress {
  deviceId: string;
  label: string;
  doneBytes: number;
  totalBytes: number;
}

export interface OffloadOptions {
  client: DockClient;
  store: EvidenceStore;
  dockKey: DockKey;
  port: CryptoPort;
  log: (line: string) => void;
  progress?: (p: OffloadProgress) => void;
  /** The dock's clock; the camera is set to it. */
  now?: () => number;
  /** The agency's provisioned cameras: when given, no other camera (or key) is offloaded. */
  cameras?: CameraRegistry;
  /**
   * The records system (chaincam dock --forward): each stored segment is forwarded, and the
   * camera may release it only after the records system's signed ack for its digest.
   */
  forward?: RecordsForwarder;
  /** The largest DATA this dock offers at HELLO (docs/PROTOCOL.md 5.1; default 32768); null: the HELLO of a 2026 dock. */
  maxData?: number | null;
}

/**
 * The key a camera must prove: the one provisioning recorded (with a registry), which must also
 * agree with the key the store pinned; otherwise the store's pin from the camera's first docking.
 */
function expectedCameraKey(o: OffloadOptions, deviceId: string): Uint8Array | undefined {
  const pinned = o.store.pinnedCameraKey(deviceId);
  if (!o.cameras) return pinned;
  const provisioned = o.cameras.publicKey(deviceId);
  if (!provisioned) {
    throw new Error(`${o.client.where}: camera ${deviceId} is not one this agency provisioned (no ${deviceId}.pub in ${o.cameras.dir}); nothing was read from it or stored`);
  }
  if (pinned && !bytesEqual(pinned, provisioned)) {
    throw new Error(`${o.client.where}: the store pinned another key for camera ${deviceId} than ${o.cameras.dir}/${deviceId}.pub holds; resolve that before docking it`);
  }
  return provisioned;
}

export interface OffloadResult {
  deviceId: string;
  stored: number;
  released: number;
  bytesRead: number;
}

export async function offloadCamera(o: OffloadOptions): Promise<OffloadResult> {
  const { client, store, port, log } = o;
  const now = o.now ?? Date.now;
  const auth = await authenticateCamera(client, port, o.dockKey, (id) => expectedCameraKey(o, id), undefined, o.maxData);
  const { hello, deviceId } = auth;
  const camera: CameraIdentity = { publicKey: hello.cameraPublicKey, deviceId: hello.deviceId, label: hello.label };
  log(`${client.where}: camera ${deviceId} "${hello.label}" authenticated`);

  const alarms = store.alarms(deviceId);
  if (alarms.length) {
    const alarm = alarms[0]!;
    throw new Error(`${client.where}: camera ${deviceId} is refused: store log entry #${alarm.logEntry} holds an alarm (${alarm.kind}) about it since ${new Date(alarm.raisedAt).toISOString()}: ${alarm.text}. ` +
      'Nothing is stored or released from it; take it out of service and have its flash examined (docs/STORE.md section 5)');
  }

  const time = now();
  const set = await client.request({ type: 'set-time', time }, 'time-set');
  log(`${client.where}: camera ${deviceId} clock set from ${new Date(set.previousTime).toISOString()} to ${new Date(set.newTime).toISOString()} (was ${((set.previousTime - set.newTime) / 1000).toFixed(3)} s off)`);

  const { entries, chainLength } = await listHeldSegments(client);
  const staging = stagingFor(store, deviceId, camera);
  const toRead = entries.filter((e) => !store.segment(toHex(e.sealedDigest)));
  const totalBytes = chainLength + toRead.reduce((n, e) => n + e.sealedLength, 0);
  checkFreeSpace(store.dir, totalBytes, deviceId);
  let doneBytes = 0;
  const report = () => o.progress?.({ deviceId, label: hello.label, doneBytes, totalBytes });
  let bytesRead = 0;
  const stage = async (file: string, object: number, sequence: number, length: number) => {
    let have = fs.existsSync(file) ? fs.statSync(file).size : 0;
    if (have > length) {
      fs.truncateSync(file, 0); // Not a prefix of this object: start over.
      have = 0;
    }
    doneBytes += have;
    const base = doneBytes;
    report();
    const fd = fs.openSync(file, 'a');
    try {
      await client.read(object, sequence, have, length, (data) => {
        try {
          fs.writeSync(fd, data);
        } catch (error) {
          throw new Error(`${describeFileError(error, `the dock cannot stage ${file}`)}; nothing was released, the camera keeps its footage`);
        }
        bytesRead += data.length;
      }, (next) => {
        doneBytes = base + next - have;
        report();
      });
    } finally {
      fs.closeSync(fd);
    }
  };

  await stageChain(o, camera, staging, chainLength, (file, length) => stage(file, DOCK_OBJECT.chain, 0, length));
  for (const entry of entries) {
    const file = path.join(staging, SEGMENTS_DIR, stagedName(entry));
    const digest = toHex(entry.sealedDigest);
    if (store.segment(digest)) {
      // Already stored in an earlier docking whose release did not complete: link, do not copy.
      if (!fs.existsSync(file)) fs.linkSync(store.objectPath(digest), file);
      continue;
    }
    await stage(file, DOCK_OBJECT.segment, entry.sequence, entry.sealedLength);
    const hashed = hashFile(file, 0);
    if (hashed.size !== entry.sealedLength || !bytesEqual(hashed.digest, entry.sealedDigest)) {
      fs.rmSync(file, { force: true });
      throw new Error(`${client.where}: segment record #${entry.sequence} arrived with SHA-256 ${toHex(hashed.digest)}, the camera listed ${digest}; discarded, it will be read again at the next docking`);
    }
  }

  const verified = verifyEvidence(staging, { port });
  if (!verified.report.ok) {
    fs.rmSync(path.join(staging, CHAIN_LOG_FILE), { force: true }); // Read it whole next time.
    throw new Error(`${client.where}: camera ${deviceId} evidence does not verify, nothing stored or released: ${verified.report.failure?.message}`);
  }
  store.useDockKey(o.dockKey);
  store.pinCamera(camera);
  const last = verified.entries.at(-1)!;
  const records = new Map(verified.entries.map((e) => [e.record.sequence, e.record]));
  let stored = 0;
  let released = 0;
  const storeEntry = (entry: ListEntry) => {
    const record = records.get(entry.sequence) as SegmentRecord | undefined;
    if (!record || record.kind !== 'segment' || !bytesEqual(record.sealedDigest, entry.sealedDigest)) {
      throw new Error(`${client.where}: camera listed segment record #${entry.sequence}, which the verified chain does not hold with that digest`);
    }
    const digest = toHex(entry.sealedDigest);
    if (!store.segment(digest)) {
      store.storeSegment(deviceId, record, path.join(staging, SEGMENTS_DIR, stagedName(entry)));
      stored++;
    }
  };
  const release = async (entry: ListEntry) => {
    const digest = toHex(entry.sealedDigest);
    const { fields, signature } = signReceipt(port, o.dockKey.privateKey, {
      deviceId: hello.deviceId, dockId: auth.dockId, segmentSequence: entry.sequence, sealedLength: entry.sealedLength,
      sealedDigest: entry.sealedDigest, storedTime: now(), records: last.record.sequence + 1, headLink: last.link, storeId: 0,
    });
    // The receipt is in the store's signed log, whole, before the camera can act on it.
    store.recordReceipt(fields, signature);
    const reply = await client.request({ type: 'release', receipt: fields, signature }, 'released');
    const expected = receiptDigest(port, fields, signature);
    if (reply.segmentSequence !== entry.sequence || !bytesEqual(reply.receiptDigest, expected)) {
      throw new Error(`${client.where}: camera confirmed a different release than the receipt sent for record #${entry.sequence}`);
    }
    store.recordRelease(digest, toHex(expected), 'reply');
    released++;
  };
  if (!o.forward) {
    for (const entry of entries) {
      storeEntry(entry);
      await release(entry);
    }
  } else {
    // Everything is stored at the dock first, then forwarded (a few at a time), and each segment
    // is released only once the records system acked it: durably stored and logged there.
    for (const entry of entries) storeEntry(entry);
    const chain = new Uint8Array(fs.readFileSync(path.join(staging, CHAIN_LOG_FILE)));
    const acks = forwardWindow(entries, FORWARD_WINDOW, (entry) => o.forward!.forward({
      label: hello.label, cameraPublicKey: hello.cameraPublicKey, chain, recordSequence: entry.sequence,
      sealed: new Uint8Array(fs.readFileSync(store.objectPath(toHex(entry.sealedDigest)))),
    }));
    for (const [i, entry] of entries.entries()) {
      const acked = await acks[i]!.catch((error: Error) => {
        throw new Error(`${client.where}: segment record #${entry.sequence} of camera ${deviceId} is stored at the dock but not released: ${error.message}`);
      });
      log(`${client.where}: segment record #${entry.sequence} of camera ${deviceId} acked by the records system (its log entry #${acked})`);
      await release(entry);
    }
  }

  // The camera appends its release and dock-session events: take that tail, verify, commit.
  const closed = await client.request({ type: 'close' }, 'closed');
  await stage(path.join(staging, CHAIN_LOG_FILE), DOCK_OBJECT.chain, 0, closed.chainLength);
  const final = verifyEvidence(staging, { port });
  if (!final.report.ok) throw new Error(`${client.where}: camera ${deviceId} chain after the releases does not verify: ${final.report.failure?.message}`);
  // A release whose RELEASED reply was lost to a cable pull is recorded from the camera's chain.
  for (const { record } of final.entries) {
    if (record.kind !== 'event' || record.event.type !== 'release') continue;
    const digest = toHex(record.event.sealedDigest);
    const receipt = toHex(record.event.receiptDigest);
    if (store.segment(digest)?.releasedAt === null && store.issuedReceipt(receipt)) store.recordRelease(digest, receipt, 'chain');
  }
  store.commitChain(camera, fs.readFileSync(path.join(staging, CHAIN_LOG_FILE)), port, final.entries);
  fs.rmSync(path.join(staging, SEGMENTS_DIR), { recursive: true, force: true });
  log(`${client.where}: camera ${deviceId} offloaded: ${stored} segments stored, ${released} released, ${bytesRead} bytes read`);
  return { deviceId, stored, released, bytesRead };
}

function stagedName(entry: ListEntry): string {
  return segmentFileName(entry.recording, entry.segmentIndex);
}

/** The staging copy of a camera: its chain starts from the store's verified chain, so only the tail is read. */
function stagingFor(store: EvidenceStore, deviceId: string, camera: CameraIdentity): string {
  const staging = store.stagingDir(deviceId);
  try {
    fs.mkdirSync(path.join(staging, SEGMENTS_DIR), { recursive: true });
    fs.writeFileSync(path.join(staging, CAMERA_PUBLIC_FILE), `${JSON.stringify(cameraDocument(camera, false), null, 2)}\n`);
  } catch (error) {
    throw new Error(`${describeFileError(error, `the dock cannot stage camera ${deviceId} in ${staging}`)}; nothing was read or released`);
  }
  return staging;
}

/**
 * Stages the camera's chain.log: the staged copy (which starts as, and must extend, the chain the
 * store holds) plus the tail read from its length, the offset a pulled cable left it at. If the
 * camera's chain is shorter, or the tail does not link onto the staged copy, the dock reads the
 * camera's whole chain and compares it with the held one: a rollback or fork goes into the
 * store's log as an alarm and nothing is stored or released from the camera; otherwise (a staged
 * tail from an earlier attempt that went wrong) the camera's chain as read replaces it.
 */
async function stageChain(o: OffloadOptions, camera: CameraIdentity, staging: string, chainLength: number, stage: (file: string, length: number) => Promise<void>): Promise<void> {
  const deviceId = toHex(camera.deviceId);
  const file = path.join(staging, CHAIN_LOG_FILE);
  const stored = o.store.cameraDir(deviceId);
  const held: HeldChain | undefined = stored ? heldChain(new Uint8Array(fs.readFileSync(path.join(stored, CHAIN_LOG_FILE)))) : undefined;
  if (held) {
    const staged = fs.existsSync(file) ? new Uint8Array(fs.readFileSync(file)) : new Uint8Array(0);
    if (staged.length < held.bytes.length || !bytesEqual(staged.subarray(0, held.bytes.length), held.bytes)) fs.writeFileSync(file, held.bytes);
  }
  const stagedLength = fs.existsSync(file) ? fs.statSync(file).size : 0;
  if (!held || (chainLength >= stagedLength)) {
    await stage(file, chainLength);
    if (!held || linksOnto(o.port, camera, new Uint8Array(fs.readFileSync(file)))) return;
  }
  const offered = await readRange(o.client, 0, chainLength);
  fs.writeFileSync(path.join(staging, 'offered-chain.log'), offered);
  const found = compareChains(deviceId, held, offered);
  if (!found) {
    fs.writeFileSync(file, offered);
    return;
  }
  o.store.useDockKey(o.dockKey);
  const entry = o.store.raiseAlarm({ ...found, deviceId: camera.deviceId });
  o.log(`${o.client.where}: ALARM (store log entry #${entry}): ${found.text}`);
  throw new Error(`${o.client.where}: ALARM: ${found.text}. Nothing was stored or released; the camera stays refused at this store (store log entry #${entry}, docs/STORE.md section 5)`);
}

/** Every frame of the chain delimits and its stored link is the link recomputed from the genesis. */
function linksOnto(port: CryptoPort, camera: CameraIdentity, chain: Uint8Array): boolean {
  const { frames, problem } = readChainLog(chain);
  if (problem) return false;
  let link = genesisLink(port, camera.deviceId, camera.publicKey);
  for (const frame of frames) {
    link = nextLink(port, link, frame.body);
    if (!bytesEqual(link, frame.storedLink)) return false;
  }
  return true;
}

async function readRange(client: DockClient, start: number, end: number): Promise<Uint8Array> {
  const bytes = new Uint8Array(end - start);
  let at = 0;
  await client.read(DOCK_OBJECT.chain, 0, start, end, (data) => {
    bytes.set(data, at);
    at += data.length;
  });
  return bytes;
}

