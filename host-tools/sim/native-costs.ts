// Which hardware calls are native work on the device, and over how many bytes: each is
// charged to the board's CPU model (hardware/cpu-model.ts) on the delivery that made it.
// A new native primitive adds its row here (or charges board.cpu itself).
import type { NativeKind } from './hardware/cpu-model.js';
import type { HardwareReply } from './hardware-calls.js';

type Cost = (h: Record<string, any>, bytesIn: Uint8Array, reply: HardwareReply) => number;

export const NATIVE_COSTS: Readonly<Record<string, readonly [NativeKind, Cost]>> = Object.freeze({
  'crypto.ctr.update': ['aes-ctr', (_h, bytes) => bytes.length],
  'crypto.hash.update': ['sha256', (_h, bytes) => bytes.length],
  'crypto.sha256': ['sha256', (_h, bytes) => bytes.length],
  'file.write': ['file-write', (_h, bytes) => bytes.length],
  'file.read': ['file-read', (_h, _bytes, reply) => reply.bytes?.length ?? 0],
  // Card writes are charged by the card's bus (hardware-calls.ts sdCardCall); reads like flash reads.
  'sdcard.read': ['file-read', (_h, _bytes, reply) => reply.bytes?.length ?? 0],
  'camera.read': ['camera-copy', (_h, _bytes, reply) => reply.bytes?.length ?? 0],
  // The dock link's framing (drivers/crc32, drivers/cobs; host-tools/sim/hardware/native-primitives.ts).
  'native.crc32': ['crc32', (_h, bytes) => bytes.length],
  'native.cobs': ['cobs', (_h, bytes) => bytes.length],
  // uart_write_bytes / usb_serial_jtag_write_bytes copying a frame into the driver's TX ring (drivers/dock-uart, drivers/dock-usb).
  'dockserial.write': ['serial-copy', (_h, bytes) => bytes.length],
});
