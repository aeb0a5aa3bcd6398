// The dock link as firmware/main starts it: a DockSession over the camera's real evidence
// store, on the board's dock port (USB-Serial-JTAG on the S3 boards when xsbug does not hold
// it, else the UART: manifest.json config.dock). A clock the dock sets goes through Time.set, and DockSession puts a clock-set
// event and a checkpoint on the chain. Given the camera, the link also answers a bench
// station's commands (bench-commands.ts).
import config from 'mc/config';
import Time from 'time';
import type { CryptoPort } from '../format/crypto-port.js';
import type { EventSink } from '../policy/event-sink.js';
import type { CameraKeys, EvidenceStore } from '../store/evidence-store.js';
import { cameraBenchCommands, type BenchCamera } from './bench-commands.js';
import DockUsb from '../../drivers/dock-usb/dock-usb.js';
import type { DockPortOptions } from './dock-port.js';
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
  /** Shown by the dock in its log and answered to the bench: the board's name (main gives config.board.name, 'unnamed board' when unset). */
  label: string;
  /** The link the camera was provisioned over, kept open; absent: open the board's serial port. */
  link?: SerialLink;
  /** The camera (firmware/camera.ts buildCamera): its indicators answer bench commands. */
  camera?: BenchCamera;
}

interface DockConfig {
  /** The release build's port: "usb-serial-jtag" on the S3 boards, "uart" on the ESP32-CAM. */
  release?: 'usb-serial-jtag' | 'uart';
  uart?: { port: number; transmit: number; receive: number; baud?: number };
  maxData?: number;
}

/**
 * The board's dock port (manifest.json platforms config.dock): the S3's USB-C connector when the
 * target names it and xsbug does not hold it (a debug build), else the UART of config.dock.uart
 * or the target's device.Serial.default.
 */
export function boardDockPort(): DockPortOptions {
  const dock = ((config as { dock?: DockConfig }).dock ?? {}) as DockConfig;
  if (dock.release === 'usb-serial-jtag' && !DockUsb.inUse()) return { link: 'usb' };
  const uart = (dock.uart ?? device.Serial?.default) as { port?: number; transmit?: number; receive?: number } | undefined;
  if (!uart || uart.transmit === undefined || uart.receive === undefined) throw new Error('this board has no dock UART: set config.dock.uart (port, transmit, receive pins) for its target in manifest.json, or give the target a device.Serial.default');
  return { link: 'uart', port: uart.port ?? 0, transmit: uart.transmit, receive: uart.receive, baud: dock.uart?.baud };
}

export function startDockLink(options: DockLinkOptions): DockSerialLink {
  const { store, port, keys, enrolledDocks, events } = options;
  if (enrolledDocks.length === 0) trace('dock link: no dock is enrolled (docks.bin missing, empty or damaged); evidence stays on the camera until one is provisioned\n');
  return new DockSerialLink({
    ...(options.link ? { link: options.link } : { dockPort: boardDockPort() }),
    evidence: new StoreDockEvidence({ store, events }),
    port,
    identity: { deviceId: store.deviceId, publicKey: keys.publicKey, privateKey: keys.privateKey, label: options.label },
    enrolledDocks,
    // The RTC takes seconds; Date.now (the store's clock) follows it.
    clock: { now: () => Date.now(), set: (ms: number) => Time.set(ms / 1000) },
    bench: options.camera && cameraBenchCommands(options.camera, options.label),
    // The board target's largest DATA frame (manifest.json config.dock.maxData; docs/PROTOCOL.md 5.1).
    largestData: (config as { dock?: DockConfig }).dock?.maxData,
  });
}
