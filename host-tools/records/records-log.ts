// The records system's signed log (docs/RECORDS.md section 3): entries kept in PostgreSQL's
// records_log, a Merkle tree over them hashed as RFC 6962 (the dock store's, STORE.md 3.3, with
// host-tools/store/store-log.ts's hashing), and checkpoints in the C2SP signed-note style signed
// with the records system's own P-256 key, each also written to the Object Lock bucket.
import { bytesEqual, concatBytes, toHex } from '../../firmware/format/bytes.js';
import type { CryptoPort } from '../../firmware/format/crypto-port.js';
import { CHECKPOINT_SIGNATURE_TYPE, MerklePeaks, checkpointBody } from '../store/store-log.js';

export { MerklePeaks };

export interface RecordsKey { publicKey: Uint8Array; privateKey: Uint8Array }

/** The records system's id: SHA-256("chaincam/records-id" 00 || public key)[0..16]. */
export function recordsId(port: CryptoPort, publicKey: Uint8Array): Uint8Array {
  return port.sha256(concatBytes(new TextEncoder().encode('chaincam/records-id\0'), publicKey)).slice(0, 16);
}

/** A committed camera chain's log object name (the bucket key is log/chains/<device id>/<records>.log). */
export const chainObjectName = (deviceId: string, records: number) => `chains/${deviceId}/${String(records).padStart(10, '0')}.log`;

export const recordsOrigin = (port: CryptoPort, publicKey: Uint8Array) => `chaincam.records/${toHex(recordsId(port, publicKey))}`;

function keyId(port: CryptoPort, origin: string, publicKey: Uint8Array): Uint8Array {
  return port.sha256(concatBytes(new TextEncoder().encode(`${origin}\n`), Uint8Array.of(CHECKPOINT_SIGNATURE_TYPE), publicKey)).slice(0, 4);
}

export function signRecordsCheckpoint(port: CryptoPort, key: RecordsKey, size: number, root: Uint8Array): string {
  const origin = recordsOrigin(port, key.publicKey);
  const body = checkpointBody(origin, size, root);
  const signature = port.p256Sign(key.privateKey, new TextEncoder().encode(body));
  return `${body}\n\u2014 ${origin} ${Buffer.from(concatBytes(keyId(port, origin, key.publicKey), signature)).toString('base64')}\n`;
}

export interface RecordsCheckpoint { size: number; root: Uint8Array }

/** Parses a checkpoint and checks its signature with the records key; throws saying what is wrong. */
export function openRecordsCheckpoint(port: CryptoPort, text: string, publicKey: Uint8Array): RecordsCheckpoint {
  const match = /^([^\n]+)\n(0|[1-9][0-9]{0,15})\n([A-Za-z0-9+/]{43}=)\n\n\u2014 (\S+) ([A-Za-z0-9+/=]+)\n$/.exec(text);
  if (!match) throw new Error('the checkpoint is not in the format RECORDS.md section 3.3 gives');
  const [, origin, sizeText, rootText, name, blobText] = match as unknown as [string, string, string, string, string, string];
  const expected = recordsOrigin(port, publicKey);
  if (origin !== expected || name !== expected) throw new Error(`the checkpoint names ${origin}, but the records key is ${expected}`);
  const blob = Uint8Array.from(Buffer.from(blobText, 'base64'));
  if (blob.length !== 68 || !bytesEqual(blob.subarray(0, 4), keyId(port, origin, publicKey))) throw new Error('the checkpoint signature line is not for the records key');
  const root = Uint8Array.from(Buffer.from(rootText, 'base64'));
  if (!port.p256Verify(publicKey, new TextEncoder().encode(checkpointBody(origin, Number(sizeText), root)), blob.subarray(4))) {
    throw new Error("the checkpoint signature does not verify with the records system's key");
  }
  return { size: Number(sizeText), root };
}

/** A checkpoint's log object name (the bucket key is log/checkpoint-<size>), size zero-padded so names sort. */
export const CHECKPOINT_PREFIX = 'checkpoint-';
export const checkpointObjectName = (size: number) => `${CHECKPOINT_PREFIX}${String(size).padStart(12, '0')}`;
export const parseCheckpointObjectName = (name: string): number | undefined => {
  const match = /^checkpoint-(\d{12})$/.exec(name);
  return match ? Number(match[1]) : undefined;
};

/** The records system's signed answer to a dock: it holds this segment, stored by this log entry. */
export function ackBody(dockId: string, sealedDigest: string, logEntry: number): string {
  return `chaincam/records-ack/v1\n${dockId}\n${sealedDigest}\n${logEntry}\n`;
}

export function signAck(port: CryptoPort, key: RecordsKey, dockId: string, sealedDigest: string, logEntry: number): { ack: string; signature: string } {
  const ack = ackBody(dockId, sealedDigest, logEntry);
  return { ack, signature: toHex(port.p256Sign(key.privateKey, new TextEncoder().encode(ack))) };
}

/** Checks an ack for this dock and digest; returns its log entry, or throws saying what is wrong. */
export function checkAck(port: CryptoPort, recordsPublicKey: Uint8Array, reply: { ack?: unknown; signature?: unknown }, dockId: string, sealedDigest: string): number {
  if (typeof reply.ack !== 'string' || typeof reply.signature !== 'string' || !/^[0-9a-f]{128}$/.test(reply.signature)) throw new Error('the records system answered without an ack and signature');
  const match = /^chaincam\/records-ack\/v1\n([0-9a-f]{32})\n([0-9a-f]{64})\n(0|[1-9][0-9]{0,15})\n$/.exec(reply.ack);
  if (!match || match[1] !== dockId || match[2] !== sealedDigest) throw new Error(`the records system's ack is not for dock ${dockId} and segment ${sealedDigest}`);
  if (!port.p256Verify(recordsPublicKey, new TextEncoder().encode(reply.ack), Buffer.from(reply.signature, 'hex'))) {
    throw new Error("the records system's ack signature does not verify with --records-key");
  }
  return Number(match[3]);
}
