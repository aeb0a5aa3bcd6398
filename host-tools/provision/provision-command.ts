// `chaincam provision`: gives a camera its agency key and enrolled docks.
//   --port PATH     a real camera (or `chaincam sim --serial`) over its dock link: the camera
//                   makes its own identity key; its public key is kept in KEYDIR/cameras/.
//   --storage DIR   a simulated board's flash directory: the identity from `chaincam keys init`
//                   is written there (identity.bin, docks.bin, camera.pub).
// Neither ever re-keys a camera silently.
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
import { cameraDocument, readAgencyKey, readCameraIdentity, writeNewKeyFile } from '../keys/key-files.js';
import { KEY_FILE_NAMES } from '../keys/keys-command.js';
import { openDockPort } from '../dock/dock-port.js';
import { provisionFlash } from '../sim/hardware/flash-provisioning.js';
import { provisionOverLink } from './provision-link.js';
import { collect, wholeNumber } from '../cli-options.js';


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

export interface LinkProvisionOptions {
  port: string;
  keys: string;
  dockKey: string[];
  label?: string;
  baud?: number;
  /** Keep saying HELLO this long for a camera that is still booting (after `chaincam flash`). */
  waitMs?: number;
}

export interface LinkProvisionResult {
  deviceId: string;
  dockIds: string[];
  /** Where the camera's public key was recorded. */
  cameraFile: string;
}

/** Provisions the camera on a serial port and records its public key in KEYDIR/cameras/DEVICEID.pub. */
export async function provisionCameraOnPort(options: LinkProvisionOptions, port: CryptoPort = new NodeCryptoPort()): Promise<LinkProvisionResult> {
  const agency = readAgencyKey(port, path.join(options.keys, KEY_FILE_NAMES.agencyPublic), false);
  const docks = options.dockKey.map((file) => readDockPublicKey(file));
  const link = await openDockPort(options.port, { baud: options.baud });
  try {
    const camera = await provisionOverLink(link.client, port, agency.publicKey, docks, { waitMs: options.waitMs });
    const deviceId = toHex(camera.deviceId);
    const cameraFile = path.join(options.keys, CAMERAS_DIR, `${deviceId}.pub`);
    fs.mkdirSync(path.dirname(cameraFile), { recursive: true });
    writeNewKeyFile(cameraFile, cameraDocument({ ...camera, label: options.label ?? '' }, false), false);
    return { deviceId, dockIds: docks.map((key) => toHex(deriveDockId(port, key))), cameraFile };
  } finally {
    await link.close();
  }
}

export function describeLinkProvision(result: LinkProvisionResult, portPath: string): string {
  return `provisioned camera ${result.deviceId} on ${portPath}: its identity key was made on the camera and never left it; public key in ${result.cameraFile}; ${result.dockIds.length} dock(s) enrolled: ${result.dockIds.join(', ')}`;
}

/** Where `provision --port` keeps the public keys of the cameras it provisioned, in the keys directory. */
export const CAMERAS_DIR = 'cameras';

export function registerProvisionCommand(program: Command): void {
  program.command('provision')
    .description('give a camera its agency key and enrolled docks: a real camera over its dock link (--port), or a simulated board\'s flash (--storage)')
    .option('--port <path>', "the camera's serial port (its USB cable, or chaincam sim --serial's pty); the camera makes its own identity key")
    .option('--storage <dir>', "a simulated board's flash directory (as for chaincam sim --storage); writes the keys directory's camera identity")
    .requiredOption('--keys <dir>', 'a `chaincam keys init` directory (agency.pub; camera.key for --storage)')
    .option('--dock-key <file>', 'a dock key file whose public key the camera enrols (repeat for several; replaces the enrolled list)', collect, [])
    .option('--label <label>', 'with --port: the asset tag recorded beside the camera\'s public key', '')
    .option('--baud <n>', 'with --port: the link\'s baud rate', wholeNumber(300, 'a baud rate'), 2_000_000)
    .option('--wait <seconds>', 'with --port: keep saying HELLO for up to this long while the camera boots', wholeNumber(0, 'a number of seconds'))
    .option('--force', 'with --storage: replace the keys of a directory provisioned for another camera (refused while it holds evidence)')
    .action(async (options: ProvisionOptions & { port?: string; storage?: string; label: string; baud: number; wait?: number }) => {
      if (!options.port === !options.storage) throw new Error('say which camera: --port PATH (a camera on its dock link) or --storage DIR (a simulated board\'s flash), not both');
      if (options.port) {
        if (options.force) throw new Error('--force is for --storage only: a camera on its link is never re-keyed');
        process.stdout.write(`${describeLinkProvision(await provisionCameraOnPort({ ...options, port: options.port, waitMs: (options.wait ?? 0) * 1000 }), options.port)}\n`);
        return;
      }
      const result = provisionStorage(options);
      const docks = result.dockIds.length
        ? `${result.dockIds.length} dock(s) enrolled: ${result.dockIds.join(', ')}`
        : result.sameCamera ? 'enrolled docks unchanged' : 'NO dock enrolled: no dock can offload this camera until you provision it again with --dock-key';
      process.stdout.write(`${result.sameCamera ? 'already provisioned' : 'provisioned'} ${path.resolve(options.storage!)}: camera ${result.deviceId}${result.label ? ` "${result.label}"` : ''}; ${docks}\n`);
    });
}
