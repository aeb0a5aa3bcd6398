// `chaincam keys init`: the agency key pair (footage is sealed to it) and one camera identity
// (its checkpoints are signed with it).
import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { NodeCryptoPort } from '../crypto/node-crypto-port.js';
import { generateP256KeyPair } from '../../firmware/format/key-derivation.js';
import { deriveDeviceId } from '../../firmware/format/chain.js';
import { toHex } from '../../firmware/format/bytes.js';
import { agencyKeyDocument, cameraDocument, writeNewKeyFile } from './key-files.js';
import { agencyKeyId } from '../../firmware/format/sealed-segment.js';
import type { CryptoPort } from '../../firmware/format/crypto-port.js';
import { createDockKeyFile, readDockKeyFile } from '../dock/dock-key.js';
import { deriveDockId } from '../../firmware/format/dock-proofs.js';

export const KEY_FILE_NAMES = Object.freeze({
  agencyPrivate: 'agency.key', agencyPublic: 'agency.pub', cameraPrivate: 'camera.key', cameraPublic: 'camera.pub',
});

export interface InitializedKeys { agencyKeyId: string; deviceId: string; files: string[] }

export function initKeys(dir: string, label: string, port: CryptoPort = new NodeCryptoPort()): InitializedKeys {
  const files = Object.values(KEY_FILE_NAMES).map((name) => path.join(dir, name));
  for (const file of files) {
    if (fs.existsSync(file)) {
      throw new Error(`${file} already exists; chaincam never overwrites keys. Choose another --dir or move the old keys away first.`);
    }
  }
  fs.mkdirSync(dir, { recursive: true });
  const agency = generateP256KeyPair(port);
  const camera = generateP256KeyPair(port);
  const identity = { ...camera, deviceId: deriveDeviceId(port, camera.publicKey), label };
  writeNewKeyFile(files[0]!, agencyKeyDocument(port, agency, true), true);
  writeNewKeyFile(files[1]!, agencyKeyDocument(port, agency, false), false);
  writeNewKeyFile(files[2]!, cameraDocument(identity, true), true);
  writeNewKeyFile(files[3]!, cameraDocument(identity, false), false);
  return { agencyKeyId: toHex(agencyKeyId(port, agency.publicKey)), deviceId: toHex(identity.deviceId), files };
}

export function registerKeysCommand(program: Command): void {
  const keys = program.command('keys').description('create and inspect agency and camera keys');
  keys.command('init')
    .description('create an agency key pair, and a camera identity for a simulated board (private files mode 0600; never overwrites)')
    .requiredOption('--dir <dir>', 'directory to create the key files in')
    .option('--label <label>', 'human label for the camera (asset tag)', '')
    .action((options: { dir: string; label: string }) => {
      const result = initKeys(options.dir, options.label);
      process.stdout.write(
        `created ${result.files.join(', ')}\n` +
        `agency key id ${result.agencyKeyId} (keep agency.key offline: it decrypts all footage)\n` +
        `camera device id ${result.deviceId}: an identity for a simulated board (chaincam provision --storage); ` +
        'a real camera makes its own key when provisioned over its link (chaincam provision --port)\n',
      );
    });
  keys.command('station')
    .description("create a dock's or bench station's key (mode 0600) if it does not exist, and print its public key to enrol on cameras")
    .requiredOption('--key <file>', 'the station key file (e.g. dock.key, bench.key)')
    .action((options: { key: string }) => {
      const port = new NodeCryptoPort();
      const created = !fs.existsSync(options.key);
      const key = created ? createDockKeyFile(port, options.key) : readDockKeyFile(port, options.key);
      process.stdout.write(
        `${created ? 'created' : 'kept the existing'} station key ${options.key}: station id ${toHex(deriveDockId(port, key.publicKey))}\n` +
        `public key ${toHex(key.publicKey)}\n` +
        `enrol it on a camera with chaincam provision --dock-key ${options.key}\n`,
      );
    });
}
