// The dock's P-256 key: it signs authentication proofs and receipts. Its public key is what a
// camera enrols at provisioning; its dock id is what the camera's dock-session events name.
import fs from 'node:fs';
import type { CryptoPort } from '../../firmware/format/crypto-port.js';
import { fromHex, toHex } from '../../firmware/format/bytes.js';
import { deriveDockId } from '../../firmware/format/dock-proofs.js';
import { generateP256KeyPair, isP256PublicKey } from '../../firmware/format/key-derivation.js';
import { writeNewKeyFile } from '../keys/key-files.js';
import type { DockKey } from './dock-handshake.js';

export const DOCK_KEY_FORMAT = 'chaincam-dock-key/v1';

export function createDockKeyFile(port: CryptoPort, file: string): DockKey {
  const key = generateP256KeyPair(port);
  writeNewKeyFile(file, {
    format: DOCK_KEY_FORMAT, curve: 'P-256', dockId: toHex(deriveDockId(port, key.publicKey)),
    publicKey: toHex(key.publicKey), privateKey: toHex(key.privateKey),
  }, true);
  return key;
}

export function readDockKeyFile(port: CryptoPort, file: string): DockKey {
  let doc: { format?: string; publicKey?: string; privateKey?: string };
  try {
    doc = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (error) {
    throw new Error(`cannot read dock key ${file}: ${(error as Error).message} (create one with chaincam dock --new-key --key ${file})`);
  }
  if (doc.format !== DOCK_KEY_FORMAT || !doc.publicKey || !doc.privateKey) throw new Error(`${file} is not a chaincam dock key (format ${DOCK_KEY_FORMAT})`);
  const key = { publicKey: fromHex(doc.publicKey), privateKey: fromHex(doc.privateKey) };
  if (toHex(port.p256PublicKey(key.privateKey)) !== toHex(key.publicKey)) throw new Error(`${file}: the private key does not belong to the public key`);
  return key;
}

/**
 * The public key of a dock key file, for enrolment on a camera: only `publicKey` is read, so a
 * copy of the file with `privateKey` removed is enough and the dock's secret can stay on the dock.
 */
export function readDockPublicKey(file: string): Uint8Array {
  let doc: { format?: string; publicKey?: string };
  try {
    doc = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (error) {
    throw new Error(`cannot read dock key ${file}: ${(error as Error).message} (the dock creates it with chaincam dock --new-key --key FILE)`);
  }
  if (doc.format !== DOCK_KEY_FORMAT || typeof doc.publicKey !== 'string') throw new Error(`${file} is not a chaincam dock key (format ${DOCK_KEY_FORMAT} with a publicKey)`);
  let key: Uint8Array;
  try {
    key = fromHex(doc.publicKey);
  } catch {
    throw new Error(`${file}: publicKey is not hex`);
  }
  if (!isP256PublicKey(key)) throw new Error(`${file}: publicKey is not a 65-byte uncompressed P-256 key`);
  return key;
}
