// The records system's P-256 key (like the dock's, host-tools/dock/dock-key.ts): it signs the
// records log's checkpoints and the acks docks wait for before releasing. RECORDS.pub, the public
// half, is what a dock is given (--records-key) to check those acks, and what an auditor pins.
import fs from 'node:fs';
import type { CryptoPort } from '../../firmware/format/crypto-port.js';
import { fromHex, toHex } from '../../firmware/format/bytes.js';
import { generateP256KeyPair, isP256PublicKey } from '../../firmware/format/key-derivation.js';
import { writeNewKeyFile } from '../keys/key-files.js';
import { recordsId, type RecordsKey } from './records-log.js';

export const RECORDS_KEY_FORMAT = 'chaincam-records-key/v1';
export const RECORDS_PUBLIC_FORMAT = 'chaincam-records-public-key/v1';

export function createRecordsKeyFiles(port: CryptoPort, keyFile: string, publicFile: string): RecordsKey {
  const key = generateP256KeyPair(port);
  const id = toHex(recordsId(port, key.publicKey));
  writeNewKeyFile(keyFile, { format: RECORDS_KEY_FORMAT, curve: 'P-256', recordsId: id, publicKey: toHex(key.publicKey), privateKey: toHex(key.privateKey) }, true);
  writeNewKeyFile(publicFile, { format: RECORDS_PUBLIC_FORMAT, curve: 'P-256', recordsId: id, publicKey: toHex(key.publicKey) }, false);
  return key;
}

const readJson = (file: string, what: string): Record<string, unknown> => {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
  } catch (error) {
    throw new Error(`cannot read ${what} ${file}: ${(error as Error).message} (chaincam records init writes it)`);
  }
};

export function readRecordsKeyFile(port: CryptoPort, file: string): RecordsKey {
  const doc = readJson(file, 'records key');
  if (doc.format !== RECORDS_KEY_FORMAT || typeof doc.publicKey !== 'string' || typeof doc.privateKey !== 'string') throw new Error(`${file} is not a chaincam records key (format ${RECORDS_KEY_FORMAT})`);
  const key = { publicKey: fromHex(doc.publicKey), privateKey: fromHex(doc.privateKey) };
  if (toHex(port.p256PublicKey(key.privateKey)) !== toHex(key.publicKey)) throw new Error(`${file}: the private key does not belong to the public key`);
  return key;
}

/** The public key from RECORDS.pub (or from the key file itself: only publicKey is read). */
export function readRecordsPublicKey(file: string): Uint8Array {
  const doc = readJson(file, 'records public key');
  if ((doc.format !== RECORDS_PUBLIC_FORMAT && doc.format !== RECORDS_KEY_FORMAT) || typeof doc.publicKey !== 'string' || !/^[0-9a-f]{130}$/.test(doc.publicKey)) {
    throw new Error(`${file} is not a chaincam records public key (format ${RECORDS_PUBLIC_FORMAT} with a publicKey)`);
  }
  const key = fromHex(doc.publicKey);
  if (!isP256PublicKey(key)) throw new Error(`${file}: publicKey is not a 65-byte uncompressed P-256 key`);
  return key;
}
