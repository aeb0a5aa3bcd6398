// The dock link of a camera that has no identity yet (docs/PROTOCOL.md section 8). It answers
// HELLO with an all-zero identity, and PROVISION by making its own P-256 identity key, so
// the private key is born on the camera and never crosses the link; it keeps the agency key
// and the enrolled docks it was given, and signs both nonces and exactly those keys with the
// new key. Everything else is refused as "not provisioned". Transport-free, like DockSession.
import type { CryptoPort } from '../format/crypto-port.js';
import { DockFrameReader, encodeDockFrame } from '../format/dock-frames.js';
import {
  DEFAULT_WINDOW, DOCK_ERROR, DOCK_PROTOCOL_VERSION, MAX_DATA, NONCE_LENGTH, PUBLIC_KEY_LENGTH,
  decodeDockMessage, encodeDockMessage, type DockMessage,
} from '../format/dock-messages.js';
import { provisionedMessage } from '../format/dock-proofs.js';
import { deriveDeviceId } from '../format/chain.js';
import { generateP256KeyPair, isOnP256Curve } from '../format/key-derivation.js';
import type { CameraKeys } from '../store/evidence-store.js';
import type { LinkIo } from './serial-link.js';

/** The label an unprovisioned camera gives in HELLO-REPLY, beside its all-zero identity. */
export const UNPROVISIONED_LABEL = 'unprovisioned';

export interface ProvisioningSessionOptions extends LinkIo {
  port: CryptoPort;
  clock: { now(): number };
  /** Why this camera must not be provisioned now, if it must not (see provisioningRefusal). */
  refusal(): string | undefined;
  /** Writes the identity and enrolled docks durably, or throws and leaves the camera unprovisioned. */
  write(keys: CameraKeys, enrolledDocks: Uint8Array[]): void;
  /** After PROVISIONED has been sent: the camera can start as a provisioned camera. */
  onProvisioned(keys: CameraKeys, enrolledDocks: Uint8Array[]): void;
}

export class ProvisioningSession {
  #o: ProvisioningSessionOptions;
  #reader: DockFrameReader;
  #dockNonce: Uint8Array | undefined;
  #cameraNonce: Uint8Array = new Uint8Array(0);
  #done = false;

  constructor(options: ProvisioningSessionOptions) {
    this.#o = options;
    this.#reader = new DockFrameReader((payload) => this.#onPayload(payload));
  }

  receive(bytes: Uint8Array): void {
    this.#reader.push(bytes);
  }

  tick(): void {}

  #onPayload(payload: Uint8Array): void {
    const code = payload[0]!;
    let m: DockMessage;
    try {
      m = decodeDockMessage(payload);
    } catch (error) {
      return this.#error(DOCK_ERROR.malformed, code, `malformed request: ${(error as Error).message}`);
    }
    if (this.#done) return this.#error(DOCK_ERROR.alreadyProvisioned, code, 'this camera has just been provisioned; send HELLO again');
    if (m.type === 'hello') return this.#hello(m.version, m.dockNonce, m.maxData, code);
    if (m.type === 'provision') return this.#provision(m.agencyPublicKey, m.dockPublicKeys, code);
    this.#error(DOCK_ERROR.notProvisioned, code, 'this camera is not provisioned: give it its keys first (chaincam provision --port PATH)');
  }

  #hello(version: number, dockNonce: Uint8Array, offer: number | undefined, code: number): void {
    this.#dockNonce = undefined;
    if (version !== DOCK_PROTOCOL_VERSION) return this.#error(DOCK_ERROR.version, code, `camera speaks dock protocol version ${DOCK_PROTOCOL_VERSION}, not ${version}`);
    this.#dockNonce = dockNonce;
    this.#cameraNonce = this.#o.port.randomBytes(NONCE_LENGTH);
    this.#send({
      type: 'hello-reply', version: DOCK_PROTOCOL_VERSION, deviceId: new Uint8Array(16), cameraPublicKey: new Uint8Array(PUBLIC_KEY_LENGTH),
      cameraNonce: this.#cameraNonce, cameraTime: Math.max(0, Math.floor(this.#o.clock.now())), maxData: MAX_DATA, window: DEFAULT_WINDOW,
      label: UNPROVISIONED_LABEL, ...(offer === undefined ? {} : { dockNonce }),
    });
  }

  #provision(agencyPublicKey: Uint8Array, dockPublicKeys: Uint8Array[], code: number): void {
    const dockNonce = this.#dockNonce;
    // One PROVISION per HELLO, so the proof always covers a nonce the host has just drawn.
    this.#dockNonce = undefined;
    const refuse = (why: string, error: number = DOCK_ERROR.provisioningRefused) => this.#error(error, code, `not provisioned: ${why}`);
    if (!dockNonce) return refuse('send HELLO first');
    const refusal = this.#o.refusal();
    if (refusal) return refuse(refusal, DOCK_ERROR.alreadyProvisioned);
    if (!isOnP256Curve(agencyPublicKey)) return refuse('the agency public key is not a point on P-256');
    const bad = dockPublicKeys.findIndex((key) => !isOnP256Curve(key));
    if (bad >= 0) return refuse(`dock public key ${bad + 1} is not a point on P-256`);
    const { port } = this.#o;
    const identity = generateP256KeyPair(port);
    const keys: CameraKeys = { ...identity, agencyPublicKey };
    try {
      this.#o.write(keys, dockPublicKeys);
    } catch (error) {
      identity.privateKey.fill(0);
      return refuse(`the camera could not store its keys: ${(error as Error).message}`, DOCK_ERROR.storage);
    }
    const deviceId = deriveDeviceId(port, identity.publicKey);
    const proof = port.p256Sign(identity.privateKey, provisionedMessage(deviceId, dockNonce, this.#cameraNonce, agencyPublicKey, dockPublicKeys));
    this.#done = true;
    this.#send({ type: 'provisioned', deviceId, cameraPublicKey: identity.publicKey, proof });
    this.#o.onProvisioned(keys, dockPublicKeys);
  }

  #error(code: number, requestType: number, message: string): void {
    this.#send({ type: 'error', code, requestType, message });
  }

  #send(m: DockMessage): void {
    this.#o.transmit(encodeDockFrame(encodeDockMessage(m)));
  }
}
