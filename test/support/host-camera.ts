// A camera's dock link run in Node: the firmware's own DockSession over evidence kept in memory
// whose flash image can be copied and put back, as someone restoring an old image of a camera's
// flash would. It makes rolled-back and forked cameras for the dock to meet, and the dock-made
// stores the tampering tests start from. (The XS tests cover the same session on the board.)
import { ChainWriter, deriveDeviceId } from '../../firmware/format/chain.js';
import { CHAIN_LOG_MAGIC, readChainLog } from '../../firmware/format/chain-log.js';
import { toHex } from '../../firmware/format/bytes.js';
import type { ChainEvent } from '../../firmware/format/chain-events.js';
import { encodeSealedHeader } from '../../firmware/format/sealed-segment.js';
import { generateP256KeyPair, type P256KeyPair } from '../../firmware/format/key-derivation.js';
import { DockSession } from '../../firmware/dock/dock-session.js';
import { cobsEncode, crc32 } from '../../firmware/format/dock-frames.js';
import type { DockEvidence, HeldSegment } from '../../firmware/dock/dock-evidence.js';
import { DockClient, type DockTimers } from '../../host-tools/dock/dock-client.js';
import { hostPort } from './dock-harness.js';

// The camera's native CRC-32 and COBS (drivers/crc32, drivers/cobs: C on the device, host calls
// on the simulated board) as XS's native() would give them, for the DockSession running in Node.
const nativeModules: Record<string, (...args: any[]) => unknown> = {
  xs_crc32: (bytes: Uint8Array, start: number, end: number, previous?: number) => crc32(bytes, start, end, previous ?? 0),
  xs_cobs_frame: (...parts: Uint8Array[]) => {
    const joined = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
    parts.reduce((at, p) => (joined.set(p, at), at + p.length), 0);
    return cobsEncode(joined, true).slice().buffer;
  },
};
(globalThis as { native?: (name: string) => unknown }).native ??= (name: string) => {
  const f = nativeModules[name];
  if (!f) throw new Error(`no native function ${name} in the Node camera`);
  return f;
};

export interface FlashImage { chain: Uint8Array; held: Map<number, { segment: HeldSegment; bytes: Uint8Array }> }

class ImageEvidence implements DockEvidence {
  readonly events = { record: (event: ChainEvent) => this.appendEvent(event) };
  chain: Uint8Array;
  held: FlashImage['held'];
  #writer: ChainWriter;

  constructor(readonly key: P256KeyPair, readonly deviceId: Uint8Array, image: FlashImage, readonly now: () => number) {
    this.chain = image.chain.slice();
    this.held = new Map([...image.held].map(([k, v]) => [k, { segment: { ...v.segment }, bytes: v.bytes }]));
    const frames = readChainLog(this.chain).frames;
    this.#writer = new ChainWriter({
      port: hostPort, deviceId, cameraPublicKey: key.publicKey, signingKey: key.privateKey,
      head: frames.length ? { sequence: frames.length, link: frames.at(-1)!.storedLink } : undefined,
    });
  }

  #push(frame: Uint8Array): void {
    const next = new Uint8Array(this.chain.length + frame.length);
    next.set(this.chain);
    next.set(frame, this.chain.length);
    this.chain = next;
  }

  appendEvent(event: ChainEvent): void {
    this.#push(this.#writer.appendEvent(this.now(), event).frame);
  }

  checkpoint(): void {
    this.#push(this.#writer.appendCheckpoint(this.now()).frame);
  }

  addSegment(recording: number, segmentIndex: number, sealed: Uint8Array, ground: number): HeldSegment {
    const sealedDigest = hostPort.sha256(sealed);
    const time = this.now();
    const appended = this.#writer.appendSegment({
      kind: 'segment', time, recording, segmentIndex, startTime: time, endTime: time + 1000, legalGround: ground,
      noticeIndicators: 7, noticeReason: 0, noticeText: '', sealedLength: sealed.length, sealedDigest,
    });
    this.#push(appended.frame);
    const segment = { sequence: appended.record.sequence, recording, segmentIndex, sealedLength: sealed.length, sealedDigest };
    this.held.set(segment.sequence, { segment, bytes: sealed });
    this.checkpoint();
    return segment;
  }

  chainLength(): number { return this.chain.length; }
  records(): number { return this.#writer.head.sequence; }
  heldSegments(from: number, limit = Infinity): HeldSegment[] {
    return [...this.held.values()].map((h) => h.segment).filter((s) => s.sequence >= from).sort((a, b) => a.sequence - b.sequence).slice(0, limit);
  }
  heldSegment(sequence: number): HeldSegment | undefined { return this.held.get(sequence)?.segment; }
  readChain(offset: number, length: number): Uint8Array { return this.chain.subarray(offset, Math.min(offset + length, this.chain.length)); }
  readSegment(sequence: number, offset: number, length: number): Uint8Array {
    const held = this.held.get(sequence);
    if (!held) throw new Error(`segment record #${sequence} is not held`);
    return held.bytes.subarray(offset, offset + length);
  }
  release(sequence: number, receiptDigest: Uint8Array): void {
    const held = this.held.get(sequence)!;
    this.appendEvent({ type: 'release', segmentSequence: sequence, sealedDigest: held.segment.sealedDigest, receiptDigest });
    this.held.delete(sequence);
  }
}

export class HostCamera {
  readonly deviceId: Uint8Array;
  readonly evidence: ImageEvidence;
  #clock: number;

  private constructor(readonly key: P256KeyPair, readonly label: string, image: FlashImage, clock: number) {
    this.deviceId = deriveDeviceId(hostPort, key.publicKey);
    this.#clock = clock;
    this.evidence = new ImageEvidence(key, this.deviceId, image, () => this.#clock);
  }

  /** A freshly provisioned camera: a power-on and a checkpoint on its chain. */
  static create(label = 'host camera', key = generateP256KeyPair(hostPort)): HostCamera {
    const camera = new HostCamera(key, label, { chain: CHAIN_LOG_MAGIC.slice(), held: new Map() }, Date.UTC(2026, 0, 1));
    camera.evidence.appendEvent({ type: 'power-on', resetReason: 1, firmwareVersion: '0.1.0' });
    camera.evidence.checkpoint();
    return camera;
  }

  get id(): string {
    return toHex(this.deviceId);
  }

  /** Its flash as it is now (an image someone could put back later). */
  image(): FlashImage {
    return { chain: this.evidence.chain.slice(), held: new Map(this.evidence.held) };
  }

  /** The same camera (same key) with an older flash image put back, then powered on. */
  restored(image: FlashImage): HostCamera {
    const camera = new HostCamera(this.key, this.label, image, this.#clock + 1000);
    camera.evidence.appendEvent({ type: 'power-on', resetReason: 1, firmwareVersion: '0.1.0' });
    camera.evidence.checkpoint();
    return camera;
  }

  /** One recording: start, `sizes.length` sealed segments (valid headers, pseudo-random bytes), stop. */
  record(recording: number, sizes: number[], ground = 2): HeldSegment[] {
    this.#clock += 1000;
    this.evidence.appendEvent({ type: 'recording-start', recording, legalGround: ground, startMode: 1 });
    const made = sizes.map((size, segmentIndex) => {
      this.#clock += 1000;
      const sealed = new Uint8Array(hostPort.randomBytes(size));
      sealed.set(encodeSealedHeader({
        suite: 1, mediaType: 1, deviceId: this.deviceId, recording, segmentIndex, agencyKeyId: new Uint8Array(8),
        ephemeralPublicKey: hostPort.p256PublicKey(Uint8Array.of(...new Uint8Array(31), 7)), wrappedKey: new Uint8Array(32), wrapTag: new Uint8Array(32),
      }));
      return this.evidence.addSegment(recording, segmentIndex, sealed, ground);
    });
    this.evidence.appendEvent({ type: 'recording-stop', recording, stopReason: 1 });
    this.evidence.checkpoint();
    return made;
  }

  /** Appends any event (a segment-lost, say) and signs the chain. */
  event(event: ChainEvent): void {
    this.evidence.appendEvent(event);
    this.evidence.checkpoint();
  }

  /**
   * This camera's dock session on a link of the test's own (the camera end of a pty pair), with
   * `dockPublicKey` enrolled: it sends with `transmit`; what the link delivers goes to the function returned.
   */
  session(dockPublicKey: Uint8Array, transmit: (bytes: Uint8Array) => void): (bytes: Uint8Array) => void {
    const session = new DockSession({
      evidence: this.evidence, port: hostPort, enrolledDocks: [dockPublicKey],
      identity: { deviceId: this.deviceId, publicKey: this.key.publicKey, privateKey: this.key.privateKey, label: this.label },
      clock: { now: () => this.#clock, set: (ms) => { this.#clock = ms; } }, ticks: () => 0, transmit,
    });
    return (bytes) => session.receive(bytes);
  }

  /**
   * A dock's end of this camera's link, with `dockPublicKey` enrolled. The camera answers within
   * the link's deliveries, so a timeout fires only once nothing is in flight either way (the
   * camera is silent), never because the host was slow: `timeoutMs` is kept for its message.
   */
  connect(dockPublicKey: Uint8Array, timeoutMs = 2000): DockClient {
    let session!: DockSession;
    let inFlight = 0;
    const deliver = (to: (bytes: Uint8Array) => void, bytes: Uint8Array) => {
      const copy = bytes.slice();
      inFlight++;
      setImmediate(() => { inFlight--; to(copy); });
    };
    const timers: DockTimers = {
      set: (callback) => {
        const timer = { cleared: false };
        const fireWhenQuiet = () => { if (!timer.cleared) (inFlight > 0 ? setImmediate(fireWhenQuiet) : callback()); };
        setImmediate(fireWhenQuiet);
        return timer;
      },
      clear: (timer) => { if (timer) (timer as { cleared: boolean }).cleared = true; },
    };
    const client = new DockClient({
      where: `host camera ${this.id.slice(0, 8)}`, timeoutMs, timers,
      write: (bytes) => deliver((b) => session.receive(b), bytes),
    });
    session = new DockSession({
      evidence: this.evidence, port: hostPort, enrolledDocks: [dockPublicKey],
      identity: { deviceId: this.deviceId, publicKey: this.key.publicKey, privateKey: this.key.privateKey, label: this.label },
      clock: { now: () => this.#clock, set: (ms) => { this.#clock = ms; } }, ticks: () => 0,
      transmit: (bytes) => deliver((b) => client.receive(b), bytes),
    });
    return client;
  }
}
