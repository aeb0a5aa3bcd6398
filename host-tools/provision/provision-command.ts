// `chaincam provision --storage DIR --keys KEYDIR [--dock-key FILE ...] [--force]`: puts a
// camera identity (from `chaincam keys init`) and its enrolled docks on a simulated board's
// flash directory (identity.bin, docks.bin, camera.pub). Provisioning a real camera over its
// link is not implemented: that needs a provisioning mode in the firmware and an NVS store.
import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { bytesEqual, toHex } from '../../firmware/format/bytes.js';
import type { CryptoPort } from '../../firmware/format/crypto-port.js';
import { deriveDeviceId } from '../../firmware/format/chain.js';
import { deriveDockId } from '../../firmware/format/dock-proofs.js';
import { IDENTITY_FILE, IDENTITY_LENGTH } from '../../firmware/format/provisioning-layout.js';
import { NodeCryptoPort } from '../crypto/node-crypto-port.js';
import { readDockPublicKey } from '../dock/dock-key.js';
import { CHAIN_LOG_FILE } from '../evidence/evidence-layout.js';
import { readAgencyKey, readCameraIdentity } from '../keys/key-files.js';
import { KEY_FILE_NAMES } from '../keys/keys-command.js';
import { provisionFlash } from '../sim/hardware/flash-provisioning.js';

const collect = (value: string, previous: string[]) => [...previous, value];

export interface ProvisionOptions {
  storage: string;
  keys: string;
  dockKey: string[];
  force?: boolean;
}

export interface ProvisionResult {
  deviceId: string;
  label: string;
  dockIds: string[];
  /** The directory already held this camera with these keys: only docks.bin was rewritten. */
  sameCamera: boolean;
}

export function provisionStorage(options: ProvisionOptions, port: CryptoPort = new NodeCryptoPort()): ProvisionResult {
  const dir = path.resolve(options.storage);
  // Read everything before writing anything, so a bad key file changes nothing.
  const camera = readCameraIdentity(port, path.join(options.keys, KEY_FILE_NAMES.cameraPrivate), true);
  const agency = readAgencyKey(port, path.join(options.keys, KEY_FILE_NAMES.agencyPublic), false);
  const docks = options.dockKey.map((file) => readDockPublicKey(file));
  const identity = Buffer.concat([camera.privateKey!, camera.publicKey, agency.publicKey]);
  const held = heldIdentity(dir);
  const sameCamera = held !== undefined && bytesEqual(held, identity);
  if (held && !sameCamera) {
    const holds = describeHeld(port, held);
    if (!options.force) {
      throw new Error(`${dir} is already provisioned with ${holds}; refusing to re-key it. Pass --force to replace its keys, or choose another --storage`);
    }
    if (fs.existsSync(path.join(dir, CHAIN_LOG_FILE))) {
      throw new Error(`${dir} holds evidence (${CHAIN_LOG_FILE}) of ${holds}; re-keying would break its chain even with --force. Offload it with a dock and move the storage away first`);
    }
  }
  provisionFlash(dir, camera, agency.publicKey, docks.length || !sameCamera ? docks : undefined);
  return { deviceId: toHex(camera.deviceId), label: camera.label, dockIds: docks.map((key) => toHex(deriveDockId(port, key))), sameCamera };
}

function heldIdentity(dir: string): Uint8Array | undefined {
  const file = path.join(dir, IDENTITY_FILE);
  return fs.existsSync(file) ? new Uint8Array(fs.readFileSync(file)) : undefined;
}

function describeHeld(port: CryptoPort, held: Uint8Array): string {
  if (held.length !== IDENTITY_LENGTH) return `a damaged ${IDENTITY_FILE} (${held.length} bytes, not ${IDENTITY_LENGTH})`;
  return `camera ${toHex(deriveDeviceId(port, held.subarray(32, 97)))}`;
}

export function registerProvisionCommand(program: Command): void {
  program.command('provision')
    .description("provision a simulated board's flash directory: camera identity, agency key and enrolled docks (not a real camera)")
    .requiredOption('--storage <dir>', "the simulated board's flash directory (as for chaincam sim --storage)")
    .requiredOption('--keys <dir>', 'a `chaincam keys init` directory (camera.key, agency.pub)')
    .option('--dock-key <file>', 'a dock key file whose public key the camera enrols (repeat for several; replaces the enrolled list)', collect, [])
    .option('--force', 'replace the keys of a directory provisioned for another camera (refused while it holds evidence)')
    .action((options: ProvisionOptions) => {
      const result = provisionStorage(options);
      const docks = result.dockIds.length
        ? `${result.dockIds.length} dock(s) enrolled: ${result.dockIds.join(', ')}`
        : result.sameCamera ? 'enrolled docks unchanged' : 'NO dock enrolled: no dock can offload this camera until you provision it again with --dock-key';
      process.stdout.write(`${result.sameCamera ? 'already provisioned' : 'provisioned'} ${path.resolve(options.storage)}: camera ${result.deviceId}${result.label ? ` "${result.label}"` : ''}; ${docks}\n`);
    });
}
