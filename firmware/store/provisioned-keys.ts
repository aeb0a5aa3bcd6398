// The camera's keys as provisioning leaves them on flash: ROOT identity.bin, 162 bytes:
// camera private key (32) | camera public key (65) | agency public key (65).
// On a production board these belong in an encrypted NVS partition (the provisioning
// issue); the file keeps the simulated board and bench boards simple. It is not evidence:
// verify and export ignore it.
import type { CameraKeys } from './evidence-store.js';
import { readAt, type FlashFiles } from './flash-files.js';

export const IDENTITY_FILE = 'identity.bin';
export const IDENTITY_LENGTH = 32 + 65 + 65;

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
