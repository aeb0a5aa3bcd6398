// Key files on the host: small JSON documents with hex fields, so an auditor can read them
// and an independent verifier needs no PEM/ASN.1 code. Private files are created 0600 and
// never overwritten. Layout: docs/FORMAT.md, "Key files".
import fs from 'node:fs';
import type { CryptoPort } from '../../firmware/format/crypto-port.js';
import { fromHex, toHex, bytesEqual } from '../../firmware/format/bytes.js';
import { deriveDeviceId } from '../../firmware/format/chain.js';
import { isP256PrivateKey, isP256PublicKey } from '../../firmware/format/key-derivation.js';
import { agencyKeyId } from '../../firmware/format/sealed-segment.js';

export const KEY_FORMATS = Object.freeze({
  agencyPrivate: 'chaincam-agency-key/v1',
  agencyPublic: 'chaincam-agency-public-key/v1',
  cameraPrivate: 'chaincam-camera-key/v1',
  cameraPublic: 'chaincam-camera-public-key/v1',
});

export interface AgencyKey { privateKey?: Uint8Array; publicKey: Uint8Array; keyId: Uint8Array }
export interface CameraIdentity { privateKey?: Uint8Array; publicKey: Uint8Array; deviceId: Uint8Array; label: string }

export function agencyKeyDocument(port: CryptoPort, key: { publicKey: Uint8Array; privateKey?: Uint8Array }, includePrivate: boolean): object {
  return {
    format: includePrivate ? KEY_FORMATS.agencyPrivate : KEY_FORMATS.agencyPublic,
    curve: 'P-256',
    keyId: toHex(agencyKeyId(port, key.publicKey)),
    publicKey: toHex(key.publicKey),
    ...(includePrivate && key.privateKey ? { privateKey: toHex(key.privateKey) } : {}),
  };
}

export function cameraDocument(identity: CameraIdentity, includePrivate: boolean): object {
  return {
    format: includePrivate ? KEY_FORMATS.cameraPrivate : KEY_FORMATS.cameraPublic,
    curve: 'P-256',
    deviceId: toHex(identity.deviceId),
    label: identity.label,
    publicKey: toHex(identity.publicKey),
    ...(includePrivate && identity.privateKey ? { privateKey: toHex(identity.privateKey) } : {}),
  };
}

/** Writes a new file; refuses to replace one, so keys are never lost by a second `init`. */
export function writeNewKeyFile(file: string, document: object, secret: boolean): void {
  let fd: number;
  try {
    fd = fs.openSync(file, 'wx', secret ? 0o600 : 0o644);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') {
      throw new Error(`${file} already exists; chaincam never overwrites keys. Choose another --dir or move the old keys away first.`);
    }
    throw new Error(`cannot create ${file}: ${(error as Error).message}`);
  }
  try {
    fs.writeFileSync(fd, `${JSON.stringify(document, null, 2)}\n`);
    if (secret) fs.fchmodSync(fd, 0o600); // the umask cannot widen it, but make it explicit
  } finally {
    fs.closeSync(fd);
  }
}

function readDocument(file: string, what: string): Record<string, unknown> {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new Error(code === 'ENOENT' ? `${what} ${file} does not exist (create keys with \`chaincam keys init --dir DIR\`)` : `cannot read ${what} ${file}: ${(error as Error).message}`);
  }
  try {
    const value: unknown = JSON.parse(text);
    if (value && typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch { /* reported below */ }
  throw new Error(`${file} is not a chaincam key file (expected JSON from \`chaincam keys init\`)`);
}

function hexField(doc: Record<string, unknown>, name: string, file: string): Uint8Array {
  const value = doc[name];
  if (typeof value !== 'string') throw new Error(`${file}: missing field "${name}"`);
  try {
    return fromHex(value);
  } catch {
    throw new Error(`${file}: field "${name}" is not hex`);
  }
}

/** A key file's private key, checked to be the one its public key belongs to. */
function privateKeyOf(port: CryptoPort, doc: Record<string, unknown>, publicKey: Uint8Array, file: string): Uint8Array {
  const privateKey = hexField(doc, 'privateKey', file);
  if (!isP256PrivateKey(privateKey) || !bytesEqual(port.p256PublicKey(privateKey), publicKey)) {
    throw new Error(`${file}: privateKey does not belong to publicKey; the file is damaged`);
  }
  return privateKey;
}

export function readAgencyKey(port: CryptoPort, file: string, needPrivate: boolean): AgencyKey {
  const doc = readDocument(file, 'agency key');
  const allowed: string[] = needPrivate ? [KEY_FORMATS.agencyPrivate] : [KEY_FORMATS.agencyPrivate, KEY_FORMATS.agencyPublic];
  if (!allowed.includes(doc.format as string)) {
    throw new Error(`${file} is a "${String(doc.format)}" file, not ${needPrivate ? 'the agency private key (agency.key)' : 'an agency key'}`);
  }
  const publicKey = hexField(doc, 'publicKey', file);
  if (!isP256PublicKey(publicKey)) throw new Error(`${file}: publicKey is not a 65-byte uncompressed P-256 key`);
  const key: AgencyKey = { publicKey, keyId: agencyKeyId(port, publicKey) };
  if (doc.format === KEY_FORMATS.agencyPrivate) key.privateKey = privateKeyOf(port, doc, publicKey, file);
  return key;
}

export function readCameraIdentity(port: CryptoPort, file: string, needPrivate = false): CameraIdentity {
  const doc = readDocument(file, 'camera identity');
  const allowed: string[] = needPrivate ? [KEY_FORMATS.cameraPrivate] : [KEY_FORMATS.cameraPrivate, KEY_FORMATS.cameraPublic];
  if (!allowed.includes(doc.format as string)) {
    throw new Error(`${file} is a "${String(doc.format)}" file, not ${needPrivate ? 'a camera private key (camera.key)' : 'a camera identity (camera.pub)'}`);
  }
  const publicKey = hexField(doc, 'publicKey', file);
  if (!isP256PublicKey(publicKey)) throw new Error(`${file}: publicKey is not a 65-byte uncompressed P-256 key`);
  const deviceId = hexField(doc, 'deviceId', file);
  if (!bytesEqual(deviceId, deriveDeviceId(port, publicKey))) throw new Error(`${file}: deviceId does not match publicKey; the file is damaged`);
  const identity: CameraIdentity = { publicKey, deviceId, label: typeof doc.label === 'string' ? doc.label : '' };
  if (doc.format === KEY_FORMATS.cameraPrivate) identity.privateKey = privateKeyOf(port, doc, publicKey, file);
  return identity;
}
