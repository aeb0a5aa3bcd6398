// The camera's keys and enrolled docks as provisioning leaves them on flash
// (identity.bin and docks.bin, laid out in firmware/format/provisioning-layout.ts).
// On a production board these belong in an encrypted NVS partition (the provisioning
// issue); the files keep the simulated board and bench boards simple. They are not evidence:
// verify and export ignore them.
import { concatBytes } from '../format/bytes.js';
import { isP256PublicKey } from '../format/key-derivation.js';
import { DOCK_KEY_LENGTH, DOCKS_FILE, IDENTITY_FILE, IDENTITY_LENGTH } from '../format/provisioning-layout.js';
import { CHAIN_LOG_FILE as CHAIN_LOG, type CameraKeys } from './evidence-store.js';
import { readAt, type FlashFiles } from './flash-files.js';

export function isProvisioned(files: FlashFiles, root: string): boolean {
  return files.File.exists(`${root}${IDENTITY_FILE}`);
}

/**
 * Why this flash must not be provisioned, or undefined when it may. A camera is keyed once:
 * an identity already there is never replaced over the link (a re-key would orphan its chain),
 * and evidence without an identity belongs to a key that is gone, so a new one must not adopt it.
 */
export function provisioningRefusal(files: FlashFiles, root: string): string | undefined {
  if (isProvisioned(files, root)) return 'this camera is already provisioned; it is never re-keyed over its link (erase its flash after offloading to start again)';
  if (files.File.exists(`${root}${CHAIN_LOG}`)) return `the flash holds evidence (${CHAIN_LOG}) but no identity; offload or recover it by hand before provisioning`;
  return undefined;
}

/**
 * Writes what provisioning leaves on flash. identity.bin appears last, by rename of a closed
 * (committed) file, so a power cut at any point leaves the camera either unprovisioned, to be
 * provisioned again, or completely provisioned.
 */
export function writeProvisioning(files: FlashFiles, root: string, keys: CameraKeys, enrolledDocks: readonly Uint8Array[]): void {
  const refusal = provisioningRefusal(files, root);
  if (refusal) throw new Error(refusal);
  replaceFile(files, root, DOCKS_FILE, concatBytes(...enrolledDocks));
  replaceFile(files, root, IDENTITY_FILE, concatBytes(keys.privateKey, keys.publicKey, keys.agencyPublicKey));
}

function replaceFile(files: FlashFiles, root: string, name: string, bytes: Uint8Array): void {
  const path = `${root}${name}`;
  const staged = `${path}.tmp`;
  if (files.File.exists(staged)) files.File.delete(staged);
  const file = new files.File(staged, true);
  try {
    file.write(bytes);
  } finally {
    file.close();
  }
  if (files.File.exists(path)) files.File.delete(path);
  files.File.rename(staged, path);
}

export function readProvisionedKeys(files: FlashFiles, root: string): CameraKeys {
  const path = `${root}${IDENTITY_FILE}`;
  if (!files.File.exists(path)) throw new Error(`the camera is not provisioned: ${path} is missing (run the provisioning step for this camera)`);
  const file = new files.File(path);
  try {
    if (file.length !== IDENTITY_LENGTH) throw new Error(`${path} is ${file.length} bytes, not ${IDENTITY_LENGTH}: provision the camera again`);
    const bytes = readAt(file, 0, IDENTITY_LENGTH);
    return { privateKey: bytes.slice(0, 32), publicKey: bytes.slice(32, 97), agencyPublicKey: bytes.slice(97, 162) };
  } finally {
    file.close();
  }
}

/**
 * The enrolled docks' public keys. Never throws, so a bad docks.bin cannot stop the camera
 * from booting and recording: a missing, empty or damaged file enrols no dock, and every
 * AUTH is refused with a message that says so (DockSession); the evidence stays on the camera.
 */
export function readEnrolledDocks(files: FlashFiles, root: string): Uint8Array[] {
  const path = `${root}${DOCKS_FILE}`;
  let file;
  try {
    if (!files.File.exists(path)) return [];
    file = new files.File(path);
    const length = file.length;
    if (length % DOCK_KEY_LENGTH !== 0) return [];
    const keys: Uint8Array[] = [];
    for (let offset = 0; offset < length; offset += DOCK_KEY_LENGTH) keys.push(readAt(file, offset, DOCK_KEY_LENGTH));
    return keys.every(isP256PublicKey) ? keys : [];
  } catch {
    return [];
  } finally {
    file?.close();
  }
}
