// The cameras an agency provisioned: KEYDIR/cameras/DEVICEID.pub, one public key file per camera,
// written by `chaincam provision --port`. A dock given this directory (`chaincam dock --cameras`)
// takes evidence only from those cameras, with exactly those keys, instead of trusting whatever
// key a camera presents the first time it docks.
import fs from 'node:fs';
import path from 'node:path';
import { toHex } from '../../firmware/format/bytes.js';
import type { CryptoPort } from '../../firmware/format/crypto-port.js';
import { readCameraIdentity } from './key-files.js';

export class CameraRegistry {
  constructor(readonly dir: string, readonly port: CryptoPort) {
    if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) {
      throw new Error(`${dir} is not a directory of provisioned cameras (chaincam provision --port writes KEYDIR/cameras/DEVICEID.pub)`);
    }
  }

  /**
   * The provisioned public key of this camera. Read at each docking, so a camera provisioned
   * while the dock runs is known at once; a damaged or misnamed file is an error, not a stranger.
   */
  publicKey(deviceId: string): Uint8Array | undefined {
    const file = path.join(this.dir, `${deviceId}.pub`);
    if (!/^[0-9a-f]{32}$/.test(deviceId) || !fs.existsSync(file)) return undefined;
    const identity = readCameraIdentity(this.port, file);
    if (toHex(identity.deviceId) !== deviceId) throw new Error(`${file} holds camera ${toHex(identity.deviceId)}, not ${deviceId}; the registry is damaged`);
    return identity.publicKey;
  }
}
