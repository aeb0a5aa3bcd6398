// Puts a camera's identity on a simulated board's flash directory, as provisioning would:
// identity.bin for the firmware (firmware/store/provisioned-keys.ts) and camera.pub for
// `chaincam verify` on the raw storage.
import fs from 'node:fs';
import path from 'node:path';
import { CAMERA_PUBLIC_FILE } from '../../evidence/evidence-layout.js';
import { cameraDocument, type CameraIdentity } from '../../keys/key-files.js';

export function provisionFlash(dir: string, camera: CameraIdentity, agencyPublicKey: Uint8Array): void {
  if (!camera.privateKey) throw new Error('provisioning needs the camera private key (camera.key)');
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'identity.bin'), Buffer.concat([camera.privateKey, camera.publicKey, agencyPublicKey]), { mode: 0o600 });
  fs.writeFileSync(path.join(dir, CAMERA_PUBLIC_FILE), `${JSON.stringify(cameraDocument(camera, false), null, 2)}\n`);
}
