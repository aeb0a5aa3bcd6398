// The board's hardware as the firmware reaches it: every IO call from the simulated Moddable
// modules (host-tools/sim/moddable) arrives here by name, "family.operation", and goes to the
// model of that part, stamped with the virtual time of the call.
import type { SimulatedBoard } from './board.js';
import { PowerLost } from './hardware/flash-storage.js';
import { SD_BUS_SPEED } from './hardware/sd-card.js';
import { NATIVE_COSTS } from './native-costs.js';

/** The board's hardware models, as SimulatedBoard holds them. */
export type BoardHardware = Pick<SimulatedBoard, 'timeline' | 'gpio' | 'pwm' | 'speaker' | 'spi' | 'i2c' | 'uart' | 'dockSerial' | 'crypto' | 'native' | 'storage' | 'sdCard' | 'camera' | 'microphone' | 'cpu'>;

export interface HardwareReply {
  result?: unknown;
  bytes?: Uint8Array;
}

type Call = (hw: BoardHardware, t: number, h: Record<string, any>, bytes: Uint8Array) => HardwareReply;

const none = {};

/** Operations of the parts modelled call by call; crypto, flash, camera and microphone take theirs whole. */
const CALLS: Record<string, Call> = {
  'digital.open': (hw, _t, h) => (hw.gpio.open(h.pin, h.mode, h.edge), none),
  'digital.write': (hw, t, h) => (hw.gpio.write(t, h.pin, h.value), none),
  'digital.read': (hw, _t, h) => ({ result: hw.gpio.read(h.pin) }),
  'digital.close': (hw, _t, h) => (hw.gpio.close(h.pin), none),
  'pwm.open': (hw, t, h) => (hw.pwm.open(t, h.pin, h.hz), none),
  'pwm.write': (hw, t, h) => (hw.pwm.write(t, h.pin, h.value, h.max), none),
  'pwm.close': (hw, t, h) => (hw.pwm.close(t, h.pin), none),
  'spi.open': (hw, _t, h) => ({ result: hw.spi.open(h.port, h.select) }),
  'spi.write': (hw, t, h, bytes) => (hw.spi.transfer(t, h.handle, bytes), none),
  'spi.transfer': (hw, t, h, bytes) => ({ bytes: hw.spi.transfer(t, h.handle, bytes) }),
  'spi.flush': (hw, t, h) => (hw.spi.flush(t, h.handle, h.deselect), none),
  'spi.close': (hw, _t, h) => (hw.spi.close(h.handle), none),
  'i2c.open': (hw, _t, h) => ({ result: hw.i2c.open(h.address) }),
  'i2c.write': (hw, t, h, bytes) => (hw.i2c.write(t, h.handle, bytes), none),
  'i2c.read': (hw, t, h) => ({ bytes: hw.i2c.read(t, h.handle, h.count) }),
  'i2c.close': (hw, _t, h) => (hw.i2c.close(h.handle), none),
  // Moddable's embedded:io/serial: the UART's 128-byte TX FIFO, draining at the baud rate.
  'serial.open': (hw, t, h) => (hw.uart.open(h.port, h.baud), { result: hw.uart.fifo(t, h.port) }),
  'serial.write': (hw, t, h, bytes) => (hw.uart.write(t, h.port, bytes), { result: hw.uart.fifo(t, h.port) }),
  'serial.fifo': (hw, t, h) => ({ result: hw.uart.fifo(t, h.port) }),
  'serial.close': (hw, _t, h) => (hw.uart.close(h.port), none),
  // The hardware RNG (drivers/hardware-entropy): 1 to 1024 bytes a draw, as hardware-entropy.c.
  'entropy.fill': (hw, _t, h) => ({ bytes: hw.crypto.port.randomBytes(entropyDraw(h.length)) }),
  'time.set': (hw, t, h) => (hw.timeline.record({ t, kind: 'time', before: h.before, after: h.after }), none),
};

const WHOLE_FAMILIES: Record<string, (hw: BoardHardware, h: Record<string, any>, bytes: Uint8Array, t: number) => HardwareReply> = {
  crypto: (hw, h, bytes) => hw.crypto.handle(h, bytes),
  file: (hw, h, bytes) => hw.storage.handle(h, bytes),
  sdcard: sdCardCall,
  camera: (hw, h) => hw.camera.handle(h),
  audio: (hw, h) => hw.microphone.handle(h),
  speaker: (hw, h, _bytes, t) => hw.speaker.handle(t, h),
  native: (hw, h, bytes) => hw.native.handle(h, bytes),
  dockserial: (hw, h, bytes, t) => hw.dockSerial.handle(h, bytes, t),
};

function entropyDraw(length: unknown): number {
  if (!Number.isInteger(length) || (length as number) < 1 || (length as number) > 1024) throw new RangeError('hardware entropy: draw 1 to 1024 bytes at a time');
  return length as number;
}

/** Runs one hardware call, charging its native work to the CPU; undefined when the board has no such operation. */
export function callHardware(hw: BoardHardware, t: number, h: Record<string, any>, bytes: Uint8Array): HardwareReply | undefined {
  const op = String(h.op);
  const call = CALLS[op];
  const reply = call ? call(hw, t, h, bytes) : WHOLE_FAMILIES[op.slice(0, op.indexOf('.'))]?.(hw, h, bytes, t);
  const cost = NATIVE_COSTS[op];
  if (reply && cost) hw.cpu.charge(cost[0], cost[1](h, bytes, reply));
  return reply;
}

/** The SD card shares the board's power with the flash: a write on either can be the one the power goes at. */
function sdCardCall(hw: BoardHardware, h: Record<string, any>, bytes: Uint8Array, t: number): HardwareReply {
  if (hw.storage.powerLost) throw new PowerLost();
  if (!hw.sdCard) {
    if (h.op === 'sdcard.mount') throw new Error('this board has no SD card slot wired (boot it with sdCard options)');
    throw new Error('no SD card on this board');
  }
  const reply = hw.sdCard.handle(h, bytes, t, () => hw.storage.countWrite());
  if (reply.result === -1 && h.op === 'sdcard.write') {
    hw.storage.cutPower();
    throw new PowerLost();
  }
  // A card write blocks the XS thread (FatFs waits for the bus): its bus time is device time.
  if (h.op === 'sdcard.write') {
    const speed = SD_BUS_SPEED[hw.sdCard.bus];
    hw.cpu.charge(`sd-${hw.sdCard.bus}`, bytes.length + (speed.perWriteMs * speed.bytesPerSecond) / 1000);
  }
  return reply;
}
