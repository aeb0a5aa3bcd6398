// The hash chain: each record's link is SHA-256 over a domain label, the previous link and
// the record's canonical bytes, starting from a genesis link bound to the camera's
// identity. Checkpoints sign the head with the camera's P-256 key. The camera appends with
// ChainWriter; the host reads the same frames back with chain-log.ts.
import type { CryptoPort } from './crypto-port.js';
import { ByteWriter, asciiBytes, concatBytes } from './bytes.js';
import {
  DEVICE_ID_LENGTH, encodeRecord, type ChainRecord, type CheckpointRecord, type EventRecord,
  type NewSegmentRecord, type SegmentRecord,
} from './chain-records.js';
import type { ChainEvent } from './chain-events.js';
import { encodeFrame } from './chain-log.js';

const GENESIS_LABEL = asciiBytes('chaincam/genesis/v1\0');
const LINK_LABEL = asciiBytes('chaincam/link/v1\0');
const CHECKPOINT_LABEL = asciiBytes('chaincam/checkpoint/v1\0');
const DEVICE_ID_LABEL = asciiBytes('chaincam/device-id/v1\0');

/** A camera's device id: the first 16 bytes of a labelled hash of its public key. */
export function deriveDeviceId(port: CryptoPort, cameraPublicKey: Uint8Array): Uint8Array {
  return port.sha256(concatBytes(DEVICE_ID_LABEL, cameraPublicKey)).slice(0, DEVICE_ID_LENGTH);
}

/** The link "before record 0", so another camera's records can never link into this chain. */
export function genesisLink(port: CryptoPort, deviceId: Uint8Array, cameraPublicKey: Uint8Array): Uint8Array {
  return port.sha256(concatBytes(GENESIS_LABEL, deviceId, cameraPublicKey));
}

export function nextLink(port: CryptoPort, previousLink: Uint8Array, recordBytes: Uint8Array): Uint8Array {
  return port.sha256(concatBytes(LINK_LABEL, previousLink, recordBytes));
}

/** The exact bytes a checkpoint signs: (device id, sequence, head link, time). */
export function checkpointMessage(deviceId: Uint8Array, sequence: number, headLink: Uint8Array, time: number): Uint8Array {
  return new ByteWriter().bytes(CHECKPOINT_LABEL).bytes(deviceId, DEVICE_ID_LENGTH).u32(sequence)
    .bytes(headLink, 32).u64(time).finish();
}

export interface ChainHead {
  /** Sequence the next record will take (= number of records so far). */
  sequence: number;
  /** Link after the last record (the genesis link for an empty chain). */
  link: Uint8Array;
}

export interface AppendedRecord<R extends ChainRecord = ChainRecord> {
  record: R;
  /** Canonical record bytes. */
  body: Uint8Array;
  link: Uint8Array;
  /** What to append to chain.log: length, body, link. */
  frame: Uint8Array;
}

export interface ChainWriterOptions {
  port: CryptoPort;
  deviceId: Uint8Array;
  cameraPublicKey: Uint8Array;
  /** The camera's P-256 private key, used only for checkpoints. */
  signingKey: Uint8Array;
  /** Resume after a reboot from the last complete record; omit for a new chain. */
  head?: ChainHead;
}

/** Appends records to one camera's chain. It keeps only the head, never the history. */
export class ChainWriter {
  #port: CryptoPort;
  #deviceId: Uint8Array;
  #signingKey: Uint8Array;
  #sequence: number;
  #link: Uint8Array;

  constructor(options: ChainWriterOptions) {
    this.#port = options.port;
    this.#deviceId = options.deviceId;
    this.#signingKey = options.signingKey;
    this.#sequence = options.head ? options.head.sequence : 0;
    this.#link = options.head ? options.head.link : genesisLink(options.port, options.deviceId, options.cameraPublicKey);
  }

  get head(): ChainHead {
    return { sequence: this.#sequence, link: this.#link };
  }

  appendSegment(segment: NewSegmentRecord): AppendedRecord<SegmentRecord> {
    return this.#append({ ...segment, sequence: this.#sequence });
  }

  appendEvent(time: number, event: ChainEvent): AppendedRecord<EventRecord> {
    return this.#append({ kind: 'event', sequence: this.#sequence, time, event });
  }

  /** Signs the current head. Costs one ECDSA signature: call at segment, recording and dock close. */
  appendCheckpoint(time: number): AppendedRecord<CheckpointRecord> {
    const message = checkpointMessage(this.#deviceId, this.#sequence, this.#link, time);
    const signature = this.#port.p256Sign(this.#signingKey, message);
    return this.#append({
      kind: 'checkpoint', sequence: this.#sequence, time, deviceId: this.#deviceId, headLink: this.#link, signature,
    });
  }

  #append<R extends ChainRecord>(record: R): AppendedRecord<R> {
    const body = encodeRecord(record);
    const link = nextLink(this.#port, this.#link, body);
    this.#sequence++;
    this.#link = link;
    return { record, body, link, frame: encodeFrame(body, link) };
  }
}
