// The camera's end of the dock link (docs/PROTOCOL.md): answers HELLO to anyone, everything
// else only to a dock that proved an enrolled key over this session's nonce, streams evidence
// in a window of DATA frames, and frees a segment only for a receipt signed over its digest.
// Transport-free: bytes come in through receive(), go out through the transmit callback.
import type { CryptoPort } from '../format/crypto-port.js';
import { bytesEqual } from '../format/bytes.js';
import { DockFrameReader } from '../format/dock-frames.js';
import {
  DOCK_ERROR, DOCK_OBJECT, DOCK_PROTOCOL_VERSION, LARGEST_DATA, MAX_DATA, MAX_LIST_ENTRIES, NONCE_LENGTH,
  decodeDockMessage, encodeDockMessage, windowFor, type DockMessage,
} from '../format/dock-messages.js';
import { DockFrameWriter } from './dock-frame-writer.js';
import { cameraAuthMessage, decodeReceiptFields, deriveDockId, dockAuthMessage, receiptDigest, receiptMessage } from '../format/dock-proofs.js';
import type { DockEvidence } from './dock-evidence.js';
import { isHighS } from '../format/deterministic-ecdsa.js';

/** SET-TIME's valid range (PROTOCOL.md section 9): 2020-01-01 to 2100-01-01 UTC, in ms. */
export const SET_TIME_MIN_MS = 1_577_836_800_000;
export const SET_TIME_MAX_MS = 4_102_444_800_000;

/** A session with no valid frame for this long is over (a cable pull): it is closed in the chain. */
export const DOCK_IDLE_TIMEOUT_MS = 30_000;

export interface CameraIdentityKeys {
  deviceId: Uint8Array;
  publicKey: Uint8Array;
  privateKey: Uint8Array;
  label: string;
}

export interface DockSessionOptions {
  evidence: DockEvidence;
  port: CryptoPort;
  identity: CameraIdentityKeys;
  /** Public keys (65 bytes) of the docks enrolled at provisioning. */
  enrolledDocks: readonly Uint8Array[];
  /** The camera's wall clock (ms since 1970) and how to set it. */
  clock: { now(): number; set(ms: number): void };
  /** Monotonic milliseconds, for the idle timeout. */
  ticks: () => number;
  /** Sends wire bytes (one encoded frame) to the dock. */
  transmit: (bytes: Uint8Array) => void;
  /** Bench commands other than echo (indicator tests); absent: "unknown command". */
  bench?: (command: number, argument: Uint8Array) => { status: number; result: Uint8Array };
  /** The most DATA bytes a frame may carry on this camera's link (4096-32768; default 32768): what it grants a dock that offers more. */
  largestData?: number;
}

type State = 'idle' | 'hello' | 'authenticated' | 'closed';

interface Stream {
  object: number;
  sequence: number;
  next: number;
  end: number;
  /** End offsets of frames sent and not yet acknowledged, oldest first. */
  inFlight: number[];
}

export class DockSession {
  #o: DockSessionOptions;
  #reader: DockFrameReader;
  #state: State = 'idle';
  #dockNonce: Uint8Array = new Uint8Array(0);
  #cameraNonce: Uint8Array = new Uint8Array(0);
  #dockKey: Uint8Array = new Uint8Array(0);
  #dockId: Uint8Array = new Uint8Array(0);
  #stream: Stream | undefined;
  #lastValid = 0;
  #largestData: number;
  /** Agreed at HELLO: what this dock offered, at most largestData; 4096 for a dock that offered nothing. */
  #maxData = MAX_DATA;
  #window = windowFor(MAX_DATA);
  readonly #writer = new DockFrameWriter();

  constructor(options: DockSessionOptions) {
    this.#o = options;
    this.#largestData = Math.max(MAX_DATA, Math.min(LARGEST_DATA, options.largestData ?? LARGEST_DATA));
    this.#reader = new DockFrameReader((payload) => this.#onPayload(payload));
  }

  get authenticated(): boolean {
    return this.#state === 'authenticated';
  }

  /** Frames dropped for bad COBS, CRC or length. */
  get discardedFrames(): number {
    return this.#reader.discarded;
  }

  /** Bytes from the serial port, in any chunking. */
  receive(bytes: Uint8Array): void {
    this.#reader.push(bytes);
  }

  /** Call about once a second: ends a session whose dock went silent. */
  tick(): void {
    if (this.#state === 'authenticated' && this.#o.ticks() - this.#lastValid > DOCK_IDLE_TIMEOUT_MS) this.#endSession();
  }

  #onPayload(payload: Uint8Array): void {
    let message: DockMessage;
    try {
      message = decodeDockMessage(payload);
    } catch (error) {
      this.#error(DOCK_ERROR.malformed, payload[0]!, `malformed request: ${(error as Error).message}`);
      return;
    }
    this.#lastValid = this.#o.ticks();
    try {
      this.#handle(message, payload[0]!);
    } catch (error) {
      this.#error(DOCK_ERROR.storage, payload[0]!, `camera storage error: ${(error as Error).message}`);
    }
  }

  #handle(m: DockMessage, code: number): void {
    if (m.type === 'hello') return this.#hello(m.version, m.dockNonce, m.maxData, code);
    if (m.type === 'auth') return this.#auth(m.dockPublicKey, m.proof, code);
    if (m.type === 'provision') return this.#error(DOCK_ERROR.alreadyProvisioned, code, 'this camera is already provisioned; it is never re-keyed over its link');
    const readOnly = m.type === 'list' || m.type === 'read' || m.type === 'ack';
    if (!(this.#state === 'authenticated' || (this.#state === 'closed' && readOnly))) {
      return this.#error(DOCK_ERROR.notAuthenticated, code, 'not authenticated');
    }
    switch (m.type) {
      case 'list': return this.#list(m.fromSequence);
      case 'read': return this.#read(m.object, m.sequence, m.offset, m.length, code);
      case 'ack': return this.#ack(m.object, m.sequence, m.nextOffset);
      case 'release': return this.#release(m.receipt, m.signature, code);
      case 'set-time': return this.#setTime(m.time, code);
      case 'bench': return this.#bench(m.command, m.argument);
      case 'close':
        this.#endSession();
        this.#state = 'closed';
        return this.#send({ type: 'closed', chainLength: this.#o.evidence.chainLength() });
      default:
        return this.#error(DOCK_ERROR.malformed, code, `a camera does not accept ${m.type} messages`);
    }
  }

  #hello(version: number, dockNonce: Uint8Array, offer: number | undefined, code: number): void {
    if (this.#state === 'authenticated') this.#endSession();
    this.#state = 'idle';
    this.#stream = undefined;
    if (version !== DOCK_PROTOCOL_VERSION) return this.#error(DOCK_ERROR.version, code, `camera speaks dock protocol version ${DOCK_PROTOCOL_VERSION}, not ${version}`);
    this.#dockNonce = dockNonce;
    this.#agree(offer);
    this.#cameraNonce = this.#o.port.randomBytes(NONCE_LENGTH);
    this.#state = 'hello';
    const { identity } = this.#o;
    this.#send({
      type: 'hello-reply', version: DOCK_PROTOCOL_VERSION, deviceId: identity.deviceId, cameraPublicKey: identity.publicKey,
      cameraNonce: this.#cameraNonce, cameraTime: Math.max(0, Math.floor(this.#o.clock.now())), maxData: this.#maxData,
      window: this.#window, label: identity.label,
      // A dock that offers a frame size reads the echo: a late reply to an earlier HELLO is not taken for this one.
      ...(offer === undefined ? {} : { dockNonce }),
    });
  }

  /** Frame size and window for this dock (docs/PROTOCOL.md section 5.1). */
  #agree(offer: number | undefined): void {
    this.#maxData = offer === undefined ? MAX_DATA : Math.min(offer, this.#largestData);
    this.#window = windowFor(this.#maxData);
  }

  #auth(dockPublicKey: Uint8Array, proof: Uint8Array, code: number): void {
    if (this.#state !== 'hello') return this.#error(DOCK_ERROR.authFailed, code, 'authentication failed: send HELLO first');
    // One attempt per nonce: a failed or repeated AUTH needs a new HELLO.
    this.#state = 'idle';
    const { port, identity } = this.#o;
    const enrolled = this.#o.enrolledDocks.some((key) => bytesEqual(key, dockPublicKey));
    const message = dockAuthMessage(identity.deviceId, this.#cameraNonce, this.#dockNonce, dockPublicKey);
    if (!enrolled || !port.p256Verify(dockPublicKey, message, proof)) {
      return this.#error(DOCK_ERROR.authFailed, code, enrolled ? 'authentication failed: the dock proof does not verify'
        : this.#o.enrolledDocks.length === 0 ? 'authentication failed: no dock is enrolled on this camera (docks.bin on its flash is missing, empty or damaged); provision it with this dock\'s public key'
          : 'authentication failed: this dock key is not enrolled on the camera');
    }
    this.#dockKey = dockPublicKey;
    this.#dockId = deriveDockId(port, dockPublicKey);
    this.#state = 'authenticated';
    this.#o.evidence.events.record({ type: 'dock-session', phase: 1, dockId: this.#dockId });
    this.#o.evidence.checkpoint();
    const cameraProof = port.p256Sign(identity.privateKey, cameraAuthMessage(identity.deviceId, this.#dockId, this.#dockNonce, this.#cameraNonce));
    this.#send({ type: 'auth-reply', proof: cameraProof });
  }

  #endSession(): void {
    this.#stream = undefined;
    if (this.#state !== 'authenticated') return;
    this.#state = 'idle';
    this.#o.evidence.events.record({ type: 'dock-session', phase: 2, dockId: this.#dockId });
    this.#o.evidence.checkpoint();
  }

  #list(fromSequence: number): void {
    const { evidence } = this.#o;
    // One entry more than a page says whether there are more (the store reads them from flash).
    const held = evidence.heldSegments(fromSequence, MAX_LIST_ENTRIES + 1);
    const entries = held.slice(0, MAX_LIST_ENTRIES);
    this.#send({ type: 'list-reply', chainLength: evidence.chainLength(), records: evidence.records(), more: held.length > entries.length, entries });
  }

  #read(object: number, sequence: number, offset: number, length: number, code: number): void {
    this.#stream = undefined;
    const size = this.#objectSize(object, sequence);
    if (size === undefined) return this.#error(DOCK_ERROR.noSuchObject, code, object === DOCK_OBJECT.chain ? 'chain.log is object 1 with sequence 0' : `no held segment with record sequence ${sequence}`);
    const end = length === 0 ? size : Math.min(size, offset + length);
    if (offset >= end) return this.#error(DOCK_ERROR.noSuchObject, code, `offset ${offset} is at or past the end (${end}) of the object`);
    this.#stream = { object, sequence, next: offset, end, inFlight: [] };
    this.#pump();
  }

  #ack(object: number, sequence: number, nextOffset: number): void {
    const s = this.#stream;
    if (!s || s.object !== object || s.sequence !== sequence) return;
    while (s.inFlight.length && s.inFlight[0]! <= nextOffset) s.inFlight.shift();
    if (!s.inFlight.length && s.next >= s.end) this.#stream = undefined;
    else this.#pump();
  }

  #pump(): void {
    const s = this.#stream;
    if (!s) return;
    const { evidence } = this.#o;
    while (s.next < s.end && s.inFlight.length < this.#window) {
      const n = Math.min(this.#maxData, s.end - s.next);
      // The buffer the file is read into (Moddable's File.read allocates it) is framed as it is.
      const data = s.object === DOCK_OBJECT.chain ? evidence.readChain(s.next, n) : evidence.readSegment(s.sequence, s.next, n);
      this.#o.transmit(this.#writer.data(s.object, s.sequence, s.next, data));
      s.next += data.length;
      s.inFlight.push(s.next);
    }
  }

  #objectSize(object: number, sequence: number): number | undefined {
    if (object === DOCK_OBJECT.chain) return sequence === 0 ? this.#o.evidence.chainLength() : undefined;
    return this.#o.evidence.heldSegment(sequence)?.sealedLength;
  }

  #release(fields: Uint8Array, signature: Uint8Array, code: number): void {
    const { port, evidence, identity } = this.#o;
    const receipt = decodeReceiptFields(fields);
    const refuse = (why: string) => this.#error(DOCK_ERROR.receiptRefused, code, `receipt refused, nothing released: ${why}`);
    if (!bytesEqual(receipt.deviceId, identity.deviceId)) return refuse('it names another camera');
    if (!bytesEqual(receipt.dockId, this.#dockId)) return refuse('it names another dock than the authenticated one');
    const held = evidence.heldSegment(receipt.segmentSequence);
    if (!held) return refuse(`no held segment has record sequence ${receipt.segmentSequence}`);
    if (held.sealedLength !== receipt.sealedLength || !bytesEqual(held.sealedDigest, receipt.sealedDigest)) {
      return refuse(`it does not match segment record #${receipt.segmentSequence}'s sealed length and digest`);
    }
    if (isHighS(signature)) return refuse('the dock signature is in high-S form (r, n - s), not the canonical low-S one');
    if (!port.p256Verify(this.#dockKey, receiptMessage(fields), signature)) return refuse('the dock signature does not verify');
    const digest = receiptDigest(port, fields, signature);
    evidence.release(receipt.segmentSequence, digest);
    this.#send({ type: 'released', segmentSequence: receipt.segmentSequence, receiptDigest: digest });
  }

  #setTime(time: number, code: number): void {
    if (!(time >= SET_TIME_MIN_MS && time <= SET_TIME_MAX_MS)) {
      return this.#error(DOCK_ERROR.malformed, code, `SET-TIME ${time} is outside ${SET_TIME_MIN_MS}..${SET_TIME_MAX_MS} (2020-01-01..2100-01-01 UTC); the clock is unchanged`);
    }
    const previousTime = Math.max(0, Math.floor(this.#o.clock.now()));
    // On the record first: if the chain cannot take it, the clock stays as it was.
    this.#o.evidence.events.record({ type: 'clock-set', previousTime, newTime: time, source: 1 });
    this.#o.evidence.checkpoint(); // So the chain the dock reads next is signed to its end.
    this.#o.clock.set(time);
    this.#send({ type: 'time-set', previousTime, newTime: time });
  }

  #bench(command: number, argument: Uint8Array): void {
    if (command === 1) return this.#send({ type: 'bench-reply', command, status: 0, result: argument });
    const answer = this.#o.bench?.(command, argument) ?? { status: 1, result: new Uint8Array(0) };
    this.#send({ type: 'bench-reply', command, status: answer.status, result: answer.result });
  }

  #error(code: number, requestType: number, message: string): void {
    this.#send({ type: 'error', code, requestType, message });
  }

  #send(m: DockMessage): void {
    this.#o.transmit(this.#writer.frame(encodeDockMessage(m)));
  }
}
