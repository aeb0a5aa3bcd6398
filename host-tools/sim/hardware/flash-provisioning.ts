// Puts a camera's identity on a simulated board's flash directory, as provisioning would:
// identity.bin and docks.bin for the firmware (firmware/store/provisioned-keys.ts) and
// camera.pub for `chaincam verify` on the raw storage.
import fs from 'node:fs';
import path from 'node:path';
import { isP256PublicKey } from '../../../firmware/format/key-derivation.js';
import { DOCKS_FILE, IDENTITY_FILE } from '../../../firmware/format/provisioning-layout.js';
import { CAMERA_PUBLIC_FILE } from '../../evidence/evidence-layout.js';
import { cameraDocument, type CameraIdentity } from '../../keys/key-files.js';

/**
 * Writes the camera's keys and, when given, the enrolled docks (65-byte public keys). With
 * no dock keys docks.bin is left as it was (absent on a fresh board: no dock can authenticate).
 */
export function provisionFlash(dir: string, camera: CameraIdentity, agencyPublicKey: Uint8Array, dockPublicKeys?: readonly Uint8Array[]): void {
  if (!camera.privateKey) throw new Error('provisioning needs the camera private key (camera.key)');
  const bad = dockPublicKeys?.findIndex((key) => !isP256PublicKey(key)) ?? -1;
  if (bad >= 0) throw new Error(`dock key ${bad + 1} is not a 65-byte uncompressed P-256 public key; nothing was provisioned`);
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, IDENTITY_FILE), Buffer.concat([camera.privateKey, camera.publicKey, agencyPublicKey]), { mode: 0o600 });
  fs.writeFileSync(path.join(dir, CAMERA_PUBLIC_FILE), `${JSON.stringify(cameraDocument(camera, false), null, 2)}\n`);
  if (dockPublicKeys) fs.writeFileSync(path.join(dir, DOCKS_FILE), Buffer.concat(dockPublicKeys));
}
