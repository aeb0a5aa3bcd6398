// HELLO and mutual authentication from the dock's side (docs/PROTOCOL.md section 4).
import type { CryptoPort } from '../../firmware/format/crypto-port.js';
import { bytesEqual, toHex } from '../../firmware/format/bytes.js';
import { deriveDeviceId } from '../../firmware/format/chain.js';
import { DOCK_ERROR, DOCK_MESSAGE, DOCK_PROTOCOL_VERSION, LARGEST_DATA, NONCE_LENGTH, type DockMessage } from '../../firmware/format/dock-messages.js';
import { cameraAuthMessage, deriveDockId, dockAuthMessage } from '../../firmware/format/dock-proofs.js';
import { DockError, type DockClient } from './dock-client.js';

export interface DockKey {
  publicKey: Uint8Array;
  privateKey: Uint8Array;
}

export type CameraHello = Extract<DockMessage, { type: 'hello-reply' }>;

export interface AuthenticatedCamera {
  hello: CameraHello;
  deviceId: string;
  dockId: Uint8Array;
}

/**
 * HELLO offering frames of up to `maxData` bytes (docs/PROTOCOL.md section 5.1; default 32768);
 * a camera of 2026 refuses the longer HELLO as malformed, and is asked again without the offer
 * (it then sends 4096-byte frames). `maxData: null` sends the 2026 HELLO, as a dock of 2026 does.
 */
export async function sayHello(client: DockClient, port: CryptoPort, timeoutMs?: number, maxData: number | null = LARGEST_DATA): Promise<{ hello: CameraHello; dockNonce: Uint8Array }> {
  const dockNonce = port.randomBytes(NONCE_LENGTH);
  let hello: CameraHello;
  try {
    // A camera that echoes the nonce lets a late reply to an earlier HELLO be passed over (a HELLO
    // that timed out on a slow link is answered after the next one went out).
    const answersThis = (m: CameraHello) => m.dockNonce === undefined || bytesEqual(m.dockNonce, dockNonce);
    hello = await client.request({ type: 'hello', version: DOCK_PROTOCOL_VERSION, dockNonce, ...(maxData === null ? {} : { maxData }) }, 'hello-reply', timeoutMs, answersThis);
  } catch (error) {
    if (!(maxData !== null && error instanceof DockError && error.code === DOCK_ERROR.malformed && error.requestType === DOCK_MESSAGE.hello)) throw error;
    hello = await client.request({ type: 'hello', version: DOCK_PROTOCOL_VERSION, dockNonce }, 'hello-reply', timeoutMs);
  }
  if (hello.version !== DOCK_PROTOCOL_VERSION) throw new Error(`${client.where}: camera speaks dock protocol ${hello.version}, this dock ${DOCK_PROTOCOL_VERSION}`);
  return { hello, dockNonce };
}

/** An unprovisioned camera answers HELLO with an all-zero device id (docs/PROTOCOL.md section 8). */
export function isUnprovisioned(hello: CameraHello): boolean {
  return hello.deviceId.every((byte) => byte === 0);
}

/**
 * Authenticates both ways. `pinnedKey(deviceId)` returns the camera key the store pinned for
 * that device, if any: a camera that presents another key under a known device id is refused.
 */
export async function authenticateCamera(client: DockClient, port: CryptoPort, dockKey: DockKey, pinnedKey: (deviceId: string) => Uint8Array | undefined, timeoutMs?: number, maxData: number | null = LARGEST_DATA): Promise<AuthenticatedCamera> {
  const { hello, dockNonce } = await sayHello(client, port, timeoutMs, maxData);
  const deviceId = toHex(hello.deviceId);
  if (isUnprovisioned(hello)) {
    throw new Error(`${client.where}: the camera is not provisioned, so it has no evidence and no identity to offload; provision it first: chaincam provision --port ${client.where} --keys KEYDIR --dock-key DOCKKEY`);
  }
  if (!bytesEqual(deriveDeviceId(port, hello.cameraPublicKey), hello.deviceId)) {
    throw new Error(`${client.where}: camera ${deviceId} presents a public key that does not hash to its device id; refusing it`);
  }
  const pinned = pinnedKey(deviceId);
  if (pinned && !bytesEqual(pinned, hello.cameraPublicKey)) {
    throw new Error(`${client.where}: camera ${deviceId} presents a different key than the one the evidence store pinned; refusing it (a cloned or re-provisioned camera?)`);
  }
  const proof = port.p256Sign(dockKey.privateKey, dockAuthMessage(hello.deviceId, hello.cameraNonce, dockNonce, dockKey.publicKey));
  const reply = await client.request({ type: 'auth', dockPublicKey: dockKey.publicKey, proof }, 'auth-reply', timeoutMs);
  const dockId = deriveDockId(port, dockKey.publicKey);
  if (!port.p256Verify(hello.cameraPublicKey, cameraAuthMessage(hello.deviceId, dockId, dockNonce, hello.cameraNonce), reply.proof)) {
    throw new Error(`${client.where}: camera ${deviceId} failed to prove its identity key; nothing was read`);
  }
  return { hello, deviceId, dockId };
}
