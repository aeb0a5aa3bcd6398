// The camera's keys and enrolled docks as provisioning leaves them on flash
// (identity.bin and docks.bin, laid out in firmware/format/provisioning-layout.ts).
// On a production board these belong in an encrypted NVS partition (the provisioning
// issue); the files keep the simulated board and bench boards simple. They are not evidence:
// verify and export ignore them.
import { isP256PublicKey } from '../format/key-derivation.js';
import { DOCK_KEY_LENGTH, DOCKS_FILE, IDENTITY_FILE, IDENTITY_LENGTH } from '../format/provisioning-layout.js';
import type { CameraKeys } from './evidence-store.js';
import { readAt, type FlashFiles } from './flash-files.js';

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
