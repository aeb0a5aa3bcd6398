// The dock link as firmware/main starts it: a DockSession over the camera's real evidence
// store, on the board's serial port (device.Serial.default: a UART, or USB CDC on the S3
// boards). A clock the dock sets goes through Time.set, and DockSession puts a clock-set
// event and a checkpoint on the chain. Given the camera, the link also answers a bench
// station's commands (bench-commands.ts).
import config from 'mc/config';
import Time from 'time';
import type { CryptoPort } from '../format/crypto-port.js';
import type { EventSink } from '../policy/event-sink.js';
import type { CameraKeys, EvidenceStore } from '../store/evidence-store.js';
import { cameraBenchCommands, type BenchCamera } from './bench-commands.js';
import { DockSerialLink } from './dock-serial-link.js';
import type { SerialLink } from './serial-link.js';
import { StoreDockEvidence } from './store-dock-evidence.js';

export interface DockLinkOptions {
  store: EvidenceStore;
  port: CryptoPort;
  keys: CameraKeys;
  /** From readEnrolledDocks (docks.bin); empty: every AUTH is refused, and says why. */
  enrolledDocks: Uint8Array[];
  /** The store's chain sink (main's ChainEventSink), so dock events are on the record. */
  events: EventSink;
  /** Shown by the dock in its log; the asset tag when the board knows it. */
  label?: string;
  /** The link the camera was provisioned over, kept open; absent: open the board's serial port. */
  link?: SerialLink;
  /** The camera (firmware/camera.ts buildCamera): its indicators answer bench commands. */
  camera?: BenchCamera;
}

/** The board's dock serial port: a UART, or USB CDC on the S3 boards. */
export function dockSerialPort(): typeof device.Serial.default {
  const serial = device.Serial?.default;
  if (!serial) throw new Error('this board has no device.Serial.default: the dock link needs a serial port (set one in the board target\'s serial defaults)');
  return serial;
}

export function startDockLink(options: DockLinkOptions): DockSerialLink {
  const { store, port, keys, enrolledDocks, events } = options;
  if (enrolledDocks.length === 0) trace('dock link: no dock is enrolled (docks.bin missing, empty or damaged); evidence stays on the camera until one is provisioned\n');
  return new DockSerialLink({
    ...(options.link ? { link: options.link } : { serial: dockSerialPort() }),
    evidence: new StoreDockEvidence({ store, events }),
    port,
    identity: { deviceId: store.deviceId, publicKey: keys.publicKey, privateKey: keys.privateKey, label: options.label ?? '' },
    enrolledDocks,
    // The RTC takes seconds; Date.now (the store's clock) follows it.
    clock: { now: () => Date.now(), set: (ms: number) => Time.set(ms / 1000) },
    bench: options.camera && cameraBenchCommands(options.camera, options.label ?? ''),
    // The board target's largest DATA frame (manifest.json config.dock.maxData; docs/PROTOCOL.md 5.1).
    largestData: (config as { dock?: { maxData?: number } }).dock?.maxData,
  });
}
