// A freshly provisioned flash for boards that are not under test for their keys (the
// indicator bench, boot tests): a random camera identity and agency key, as the equipment
// room's provisioning would leave them. The agency private key is thrown away, so nothing
// recorded on such a board can be decrypted, exactly as on a camera in the field.
import fs from 'node:fs';
import path from 'node:path';
import { NodeCryptoPort } from '../../crypto/node-crypto-port.js';
import { deriveDeviceId } from '../../../firmware/format/chain.js';
import { generateP256KeyPair } from '../../../firmware/format/key-derivation.js';
import { provisionFlash } from './flash-provisioning.js';

export function provisionBenchFlash(dir: string): void {
  if (fs.existsSync(path.join(dir, 'identity.bin'))) return;
  const port = new NodeCryptoPort();
  const camera = generateP256KeyPair(port);
  const agency = generateP256KeyPair(port);
  provisionFlash(dir, { ...camera, deviceId: deriveDeviceId(port, camera.publicKey), label: 'bench camera' }, agency.publicKey);
}
