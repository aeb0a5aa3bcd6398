// The records system's check of a camera's chain as a dock forwards it (and as verify --records
// re-reads it): every frame delimits and decodes, sequences run without gaps, every link is the
// one recomputed from the camera's genesis (FORMAT.md section 10), every checkpoint is signed by
// the camera's key (low-S) over its head, and the last record is a checkpoint, so every record is
// covered by the camera's signature. Segment files are not needed here: each forwarded segment
// is checked against its record on its own (checkForwardedSegment).
import { bytesEqual, toHex } from '../../firmware/format/bytes.js';
import type { CryptoPort } from '../../firmware/format/crypto-port.js';
import { readChainLog } from '../../firmware/format/chain-log.js';
import { checkpointMessage, genesisLink, nextLink } from '../../firmware/format/chain.js';
import { decodeRecord, describeRecord, type ChainRecord, type SegmentRecord } from '../../firmware/format/chain-records.js';
import { isHighS } from '../../firmware/format/deterministic-ecdsa.js';
import { SEALED_HEADER_LENGTH, decodeSealedHeader } from '../../firmware/format/sealed-segment.js';

export interface CheckedChain {
  records: ChainRecord[];
  /** links[i] is the link after record i. */
  links: Uint8Array[];
  headLink: Uint8Array;
}

export function checkCameraChain(port: CryptoPort, deviceId: Uint8Array, publicKey: Uint8Array, chain: Uint8Array): CheckedChain {
  const { frames, problem } = readChainLog(chain);
  if (problem) throw new Error(`the chain does not delimit: record #${problem.index} at offset ${problem.offset}: ${problem.message}`);
  if (!frames.length) throw new Error('the chain holds no records');
  let link = genesisLink(port, deviceId, publicKey);
  const records: ChainRecord[] = [];
  const links: Uint8Array[] = [];
  for (const frame of frames) {
    let record: ChainRecord;
    try {
      record = decodeRecord(frame.body);
    } catch (error) {
      throw new Error(`record #${frame.index} cannot be decoded: ${(error as Error).message}`);
    }
    const name = `${describeRecord(record)} at offset ${frame.offset}`;
    if (record.sequence !== frame.index) throw new Error(`${name}: sequence ${record.sequence} where record #${frame.index} belongs`);
    link = nextLink(port, link, frame.body);
    if (!bytesEqual(link, frame.storedLink)) throw new Error(`${name}: its stored link is not the recomputed link (altered, or a record before it replaced)`);
    if (record.kind === 'checkpoint') {
      if (!bytesEqual(record.deviceId, deviceId)) throw new Error(`${name}: signed by device ${toHex(record.deviceId)}, not camera ${toHex(deviceId)}`);
      if (!bytesEqual(record.headLink, links.at(-1) ?? genesisLink(port, deviceId, publicKey))) throw new Error(`${name}: its head link is not the chain's link before it`);
      if (isHighS(record.signature) || !port.p256Verify(publicKey, checkpointMessage(record.deviceId, record.sequence, record.headLink, record.time), record.signature)) {
        throw new Error(`${name}: the signature does not verify (low-S) with camera key ${toHex(deviceId)}`);
      }
    }
    records.push(record);
    links.push(link);
  }
  if (records.at(-1)!.kind !== 'checkpoint') throw new Error(`the records after the last checkpoint are not covered by the camera's signature`);
  return { records, links, headLink: link };
}

/**
 * The forwarded sealed bytes are the record's: length, SHA-256 and sealed header. `digest` is
 * the bytes' SHA-256 when the caller has just computed it (a 100-700 KB segment is not hashed twice).
 */
export function checkForwardedSegment(port: CryptoPort, deviceId: Uint8Array, record: ChainRecord | undefined, sequence: number, sealed: Uint8Array, digest = port.sha256(sealed)): SegmentRecord {
  if (!record || record.kind !== 'segment') throw new Error(`record #${sequence} of the forwarded chain is not a segment record`);
  if (sealed.length !== record.sealedLength) throw new Error(`the sealed bytes are ${sealed.length} bytes, segment record #${sequence} says ${record.sealedLength}`);
  if (!bytesEqual(digest, record.sealedDigest)) throw new Error(`the sealed bytes have SHA-256 ${toHex(digest)}, segment record #${sequence} says ${toHex(record.sealedDigest)}`);
  const header = decodeSealedHeader(sealed.subarray(0, SEALED_HEADER_LENGTH));
  if (!bytesEqual(header.deviceId, deviceId) || header.recording !== record.recording || header.segmentIndex !== record.segmentIndex) {
    throw new Error(`the sealed header is for another camera, recording or segment than record #${sequence}`);
  }
  return record;
}
