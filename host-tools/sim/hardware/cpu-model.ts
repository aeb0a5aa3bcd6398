// The board's CPU as the simulated board charges it: the XS thread is busy for each
// delivery's computrons at `computronsPerSecond`, plus the device time its native
// primitives (AES-CTR, SHA-256/HMAC, CRC-32, file writes, camera copies) take for the bytes
// they handle. Virtual time comes only from these counts, never from the host's clock, so
// a run is the same on every machine. Rates and their sources: docs/ARCHITECTURE.md, "CPU".
//
// A hardware model that does native work on the firmware's behalf charges it:
//   board.cpu.charge('aes-ctr', bytes.length)
// The charge lands on the delivery that made the call (the XS thread waits for the native
// code), so it moves the device clock the firmware sees and delays what comes after.

import { SD_BUS_SPEED } from './sd-card.js';

/** XS on a 240 MHz ESP32-S3 core: the host's measured XS rate scaled by CoreMark (ARCHITECTURE.md). */
export const ESP32S3_COMPUTRONS_PER_SECOND = 11_000_000;

/** Bytes per second of device time for each kind of native work. */
export const NATIVE_BYTE_RATES = Object.freeze({
  /** Moddable crypt's AES (kcl fips197.c) with 256-bit keys, in CTR mode. */
  'aes-ctr': 3_300_000,
  /** Moddable crypt's SHA-256 (kcl fips180.c); HMAC-SHA-256 over bulk data runs at the same rate. */
  sha256: 4_600_000,
  /** A table-driven CRC-32 in C (slicing-by-4). */
  crc32: 4_100_000,
  /** COBS in C (drivers/cobs): a counting pass and an encoding pass, a compare and a store a byte. */
  cobs: 30_000_000,
  /** Copying a frame out of the camera's PSRAM frame buffer into an XS ArrayBuffer. */
  'camera-copy': 40_000_000,
  /**
   * A frame copied into a serial driver's TX ring buffer in PSRAM (uart_write_bytes,
   * usb_serial_jtag_write_bytes: a memcpy), at the camera copy's rate.
   */
  'serial-copy': 40_000_000,
  /** File writes through the store's file system to the card. */
  'file-write': 2_000_000,
  /** File reads (the dock reading segments back). */
  'file-read': 4_000_000,
  /**
   * Writes to the microSD card, which block the XS thread for the bus time: per bus, the rates of
   * host-tools/sim/hardware/sd-card.ts SD_BUS_SPEED (its per-write overhead is charged as bytes).
   */
  'sd-spi': SD_BUS_SPEED.spi.bytesPerSecond,
  'sd-sdmmc-1bit': SD_BUS_SPEED['sdmmc-1bit'].bytesPerSecond,
  'sd-sdmmc-4bit': SD_BUS_SPEED['sdmmc-4bit'].bytesPerSecond,
});

export type NativeKind = keyof typeof NATIVE_BYTE_RATES;

/** BootOptions.cpu for a board whose computation takes no device time (see CpuModelOptions.ideal). */
export const IDEAL_CPU: Readonly<CpuModelOptions> = Object.freeze({ ideal: true });

export interface CpuModelOptions {
  /** Computrons per second of device time; default ESP32S3_COMPUTRONS_PER_SECOND. */
  computronsPerSecond?: number;
  /**
   * A CPU that takes no time: only timers, waits and inputs move the clock. For tests that pin
   * the firmware's own schedule to the millisecond (datasheet waits, tone steps); the board's
   * budgets are tested at the real rate (test/xs/cpu-budget, board-budget; bench/board-budget).
   */
  ideal?: boolean;
  /** Per-kind byte rates laid over NATIVE_BYTE_RATES. */
  byteRates?: Partial<Record<NativeKind, number>>;
}

export class CpuModel {
  readonly computronsPerSecond: number;
  readonly ideal: boolean;
  readonly byteRates: Readonly<Record<NativeKind, number>>;
  /** Device ms of native work charged to the delivery now running. */
  #nativeMs = 0;
  /** Device ms spent busy since power-on, and per native kind. */
  busyMs = 0;
  readonly nativeMsByKind = new Map<NativeKind, number>();
  /** Device ms in Timer.delay's busy waits. */
  busyWaitMs = 0;
  /** The instant the XS thread is free again (virtual ms since power-on). */
  busyUntil = 0;

  constructor(options: CpuModelOptions = {}) {
    const rate = options.computronsPerSecond ?? ESP32S3_COMPUTRONS_PER_SECOND;
    if (!(rate > 0) || !Number.isFinite(rate)) throw new Error(`the CPU rate must be a positive number of computrons a second, not ${rate}`);
    this.computronsPerSecond = rate;
    this.ideal = options.ideal === true;
    const rates = { ...NATIVE_BYTE_RATES, ...options.byteRates };
    for (const [kind, value] of Object.entries(rates)) {
      if (!(value > 0)) throw new Error(`the byte rate of "${kind}" must be positive, not ${value}`);
    }
    this.byteRates = Object.freeze(rates);
  }

  /** Device ms that `computrons` of XS work take. */
  computeMs(computrons: number): number {
    return this.ideal ? 0 : (computrons * 1000) / this.computronsPerSecond;
  }

  /** Charges native work of `kind` over `bytes` to the running delivery; returns its device ms. */
  charge(kind: NativeKind, bytes: number): number {
    const rate = this.byteRates[kind];
    if (rate === undefined) throw new Error(`the CPU model has no rate for native work "${kind}"`);
    const ms = this.ideal ? 0 : (Math.max(0, bytes) * 1000) / rate;
    this.#nativeMs += ms;
    this.nativeMsByKind.set(kind, (this.nativeMsByKind.get(kind) ?? 0) + ms);
    return ms;
  }

  /** Charges device ms of busy work that is not per byte (Timer.delay's busy wait). */
  chargeMs(kind: 'busy-wait', ms: number): number {
    this.#nativeMs += Math.max(0, ms);
    this.busyWaitMs += Math.max(0, ms);
    return ms;
  }

  /** Native device ms charged so far to the running delivery. */
  get deliveryNativeMs(): number {
    return this.#nativeMs;
  }

  /** A delivery that began at `startedAt` ended having run `computrons`: the thread is busy until then. */
  endDelivery(startedAt: number, computrons: number): number {
    const ms = this.computeMs(computrons) + this.#nativeMs;
    this.#nativeMs = 0;
    this.busyMs += ms;
    this.busyUntil = Math.max(this.busyUntil, startedAt + ms);
    return ms;
  }
}
