// Provisioning a real camera over its dock link (docs/PROTOCOL.md section 8): the camera makes
// its own identity key; the host gives it the agency public key and the enrolled docks, and
// checks the camera's signature over both nonces and exactly those keys before it records
// the camera's public key.
import type { CryptoPort } from '../../firmware/format/crypto-port.js';
import { bytesEqual, toHex } from '../../firmware/format/bytes.js';
import { deriveDeviceId } from '../../firmware/format/chain.js';
import { provisionedMessage } from '../../firmware/format/dock-proofs.js';
import { isOnP256Curve } from '../../firmware/format/key-derivation.js';
import type { DockClient } from '../dock/dock-client.js';
import { isUnprovisioned, sayHello } from '../dock/dock-handshake.js';

export interface ProvisionedCamera {
  deviceId: Uint8Array;
  publicKey: Uint8Array;
}

/** HELLO until the camera answers: a board just flashed takes a few seconds to boot. */
async function helloWithin(client: DockClient, port: CryptoPort, waitMs: number, timeoutMs?: number): ReturnType<typeof sayHello> {
  const deadline = Date.now() + waitMs;
  for (;;) {
    try {
      return await sayHello(client, port, Math.min(timeoutMs ?? 1000, 1000));
    } catch (error) {
      if (Date.now() >= deadline) throw new Error(`${client.where}: no camera answered HELLO within ${Math.round(waitMs / 1000)} s (${(error as Error).message}); check the cable and that the camera runs chaincam firmware`);
    }
  }
}

export async function provisionOverLink(client: DockClient, port: CryptoPort, agencyPublicKey: Uint8Array, dockPublicKeys: Uint8Array[], options: { waitMs?: number; timeoutMs?: number } = {}): Promise<ProvisionedCamera> {
  if (dockPublicKeys.length === 0) throw new Error('enrol at least one dock (--dock-key): a camera no dock can authenticate to keeps its evidence forever');
  const { timeoutMs } = options;
  const { hello, dockNonce } = await helloWithin(client, port, options.waitMs ?? 0, timeoutMs);
  if (!isUnprovisioned(hello)) {
    throw new Error(`${client.where}: camera ${toHex(hello.deviceId)}${hello.label ? ` "${hello.label}"` : ''} is already provisioned; chaincam never re-keys a camera over its link. Offload it, then erase its flash to start again`);
  }
  // Keys generated on the camera can take a while on the device (P-256 in software).
  const reply = await client.request({ type: 'provision', agencyPublicKey, dockPublicKeys }, 'provisioned', Math.max(timeoutMs ?? 0, 10_000));
  const where = `${client.where}: the camera's PROVISIONED reply`;
  if (!isOnP256Curve(reply.cameraPublicKey)) throw new Error(`${where} carries a public key that is not on P-256; do not use this camera`);
  if (!bytesEqual(deriveDeviceId(port, reply.cameraPublicKey), reply.deviceId)) throw new Error(`${where} names a device id that is not its key's; do not use this camera`);
  const message = provisionedMessage(reply.deviceId, dockNonce, hello.cameraNonce, agencyPublicKey, dockPublicKeys);
  if (!port.p256Verify(reply.cameraPublicKey, message, reply.proof)) {
    throw new Error(`${where} is not signed by its new key over this request; the camera may be counterfeit or the link tampered with`);
  }
  return { deviceId: reply.deviceId, publicKey: reply.cameraPublicKey };
}
