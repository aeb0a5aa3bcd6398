// The simulated board: the firmware running in a real XS engine (xsnap-worker),
// with Node modelling the hardware around it and driving its virtual clock.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { decodeBridgeMessage, encodeBridgeMessage } from './bridge-codec.js';
import { FirmwareFault, firmwareFrame, type FaultKind } from './firmware-fault.js';
import { FirmwareModules } from './firmware-modules.js';
import { callHardware } from './hardware-calls.js';
import { I2cModel, SpiModel } from './hardware/buses.js';
import { GpioModel } from './hardware/gpio.js';
import { PwmModel } from './hardware/pwm.js';
import { I2sAmplifier } from './hardware/i2s-amplifier.js';
import { UartModel } from './hardware/uart.js';
import { DockSerialPorts, type UsbSerialJtagHolder } from './hardware/dock-serial.js';
import { NodeCryptoPort } from '../crypto/node-crypto-port.js';
import { SeededCryptoPort } from '../crypto/seeded-crypto-port.js';
import { CryptoEngine } from './hardware/crypto-engine.js';
import { NativePrimitives } from './hardware/native-primitives.js';
import { provisionBenchFlash } from './hardware/bench-identity.js';
import { FlashStorage, type FlashStorageOptions } from './hardware/flash-storage.js';
import { SdCard, type SdCardOptions } from './hardware/sd-card.js';
import { CameraSensor, type CameraSensorOptions } from './hardware/camera-sensor.js';
import { CpuModel, type CpuModelOptions } from './hardware/cpu-model.js';
import { Microphone, type MicrophoneOptions } from './hardware/microphone.js';
import { attachPeripherals } from './peripherals.js';
import { projectRoot } from './project-root.js';
import { boardTarget, readManifest, type BoardTarget } from './targets.js';
import { abortStack, requireBoardWorker, targetCreation, workerCreation, XS_ABORTS, type MemoryBaseline, type MemoryUse, type XsCreation } from './board-memory.js';
import { Timeline } from './timeline.js';
import { coverageTest, coverMutant, mutationSwitch, type MutationSwitch } from './mutation-switch.js';
import { XsnapWorker, type XsbugAttachment, type XsnapMeter, type XsnapReply } from './xsnap-worker.js';

export interface BootOptions {
  /** Board target, as in `mcconfig -p esp32/<target>`. */
  target?: string;
  /** Config keys laid over the manifest's (like `mcconfig ... key=value`). */
  config?: Record<string, unknown>;
  /** The main module; null to boot without one (to load single modules). */
  main?: string | null;
  /** Modules to import before main, e.g. a test fixture. */
  imports?: string[];
  /** The RTC's time at power-on, ms since 1970. */
  epochMs?: number;
  onTrace?: (text: string, t: number) => void;
  /** Called with the powered-off board: wire peripherals, inject hardware faults. */
  prepare?: (board: SimulatedBoard) => void;
  /** Stamp every hardware call with the computrons spent so far (cost benchmarks). */
  meterCalls?: boolean;
  /** Reproducible crypto (SeededCryptoPort): same seed, same evidence bytes as Node's encoder. Tests only. */
  cryptoSeed?: string;
  /** The board's flash file system, over a host directory (host-tools/sim/hardware/flash-storage.ts). */
  storage?: FlashStorageOptions;
  /** The microSD card in the board's slot (host-tools/sim/hardware/sd-card.ts); none when omitted. */
  sdCard?: SdCardOptions;
  /** The camera sensor and microphone models (host-tools/sim/hardware/camera-sensor.ts, microphone.ts). */
  camera?: CameraSensorOptions;
  microphone?: MicrophoneOptions;
  /** Runs on xsnap's debug build, logged in to this xsbug peer (see sim/xsbug-bridge.ts). */
  xsbug?: XsbugAttachment;
  /** The CPU's rates (host-tools/sim/hardware/cpu-model.ts): computrons and native bytes per second. */
  cpu?: CpuModelOptions;
  /**
   * XS memory (host-tools/sim/board-memory.ts): "device" (default) runs under the target's
   * creation limits from manifest.json and fails with "memory full" as the board does;
   * "unlimited" runs in a growing heap (xsbug sessions always do).
   */
  memory?: 'device' | 'unlimited' | 'baseline';
  /**
   * Who holds the S3's USB-Serial-JTAG port (drivers/dock-usb): 'xsbug' (default), as in a debug
   * build, so the firmware's dock link is on the UART; 'free', as in a release build.
   */
  usbSerialJtag?: UsbSerialJtagHolder;
}

const baselines = new Map<string, Promise<MemoryBaseline>>();

/** What the simulator itself holds in the heap for this target and config (measured once per process). */
function memoryBaseline(options: BootOptions): Promise<MemoryBaseline> {
  const key = `${options.target ?? ''}|${JSON.stringify(options.config ?? {})}`;
  let baseline = baselines.get(key);
  if (!baseline) {
    baseline = (async () => {
      const board = await SimulatedBoard.boot({ target: options.target, config: options.config, main: null, memory: 'baseline' });
      try {
        await board.collectGarbage();
        return board.collectedMemory!;
      } finally {
        await board.close();
      }
    })();
    baselines.set(key, baseline);
    baseline.catch(() => baselines.delete(key));
  }
  return baseline;
}

// ESP32-S3 GPIO numbers that exist (26-32 are wired to the module's flash/PSRAM).
const ESP32S3_PINS = new Set([...Array.from({ length: 22 }, (_, i) => i), ...Array.from({ length: 23 }, (_, i) => 26 + i)]);
const MAX_STEPS_PER_INSTANT = 100_000;
/** The XIAO ESP32S3 Sense's SPI card slot, for a target whose manifest names none. */
const DEFAULT_CARD_SLOT = { bus: 'spi', clock: 7, mosi: 9, miso: 8, select: 21 };

let bootstrapScript: string | undefined;
function bootstrapSource(): string {
  if (bootstrapScript) return bootstrapScript;
  const file = path.join(projectRoot, 'host-tools/sim/moddable/bootstrap.ts');
  const output = ts.transpileModule(readFileSync(file, 'utf8'), { compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.None } });
  bootstrapScript = output.outputText.replace(/^export \{\};?$/m, '') + '\n//# sourceURL=host-tools/sim/moddable/bootstrap.ts\n';
  return bootstrapScript;
}

export class SimulatedBoard {
  readonly target: BoardTarget;
  readonly timeline = new Timeline();
  readonly traces: { t: number; text: string }[] = [];
  readonly faults: FirmwareFault[] = [];
  /** Computrons and heap after each delivery, for cost benchmarks. */
  readonly meters: { t: number; what: string; meter: XsnapMeter }[] = [];
  /** With meterCalls: computrons since power-on at the first call of each kind ("digital.write:16"). */
  readonly firstCallCompute = new Map<string, number>();
  readonly modules: FirmwareModules;
  readonly gpio: GpioModel;
  readonly pwm: PwmModel;
  /** The I2S amplifier and speaker behind pins/audioout (a target whose build includes it). */
  readonly speaker: I2sAmplifier;
  readonly spi: SpiModel;
  readonly i2c: I2cModel;
  readonly uart: UartModel;
  /** drivers/dock-uart and drivers/dock-usb: ESP-IDF's serial drivers with their TX ring buffers. */
  readonly dockSerial: DockSerialPorts;
  readonly crypto: CryptoEngine;
  /** drivers/crc32 and drivers/cobs: C on the device, host calls here. */
  readonly native = new NativePrimitives();
  readonly storage: FlashStorage;
  readonly sdCard: SdCard | undefined;
  readonly camera: CameraSensor;
  readonly microphone: Microphone;
  /** The XS thread's time: computrons and native work become device time here. */
  readonly cpu: CpuModel;

  #worker!: XsnapWorker;
  #lastCall: { op: string; t: number } | undefined;
  /** The target's XS creation values, and what the simulator holds above them; undefined when unlimited. */
  readonly creation: XsCreation;
  #baseline: MemoryBaseline | undefined;
  #now = 0;
  #booted = false;
  #preloaded = false;
  #readyModules = new Set<string>();
  #owners = new Map<number, string>();
  #onTrace: ((text: string, t: number) => void) | undefined;
  #channels: Map<number, string>;
  #commandResult: unknown;

  private constructor(options: BootOptions) {
    this.target = boardTarget(options.target, options.config);
    this.cpu = new CpuModel(options.cpu);
    // The slot's pins come from the target (manifest config.board.sdCard); a board booted without
    // a card in its options has none wired, and its firmware keeps footage on the flash.
    const boardConfig: Record<string, unknown> = { ...(this.target.config.board as Record<string, unknown> | undefined) };
    if (options.sdCard) boardConfig.sdCard ??= DEFAULT_CARD_SLOT;
    else delete boardConfig.sdCard;
    this.target.config.board = boardConfig;
    this.modules = new FirmwareModules(this.target.config, this.target.includes);
    this.#onTrace = options.onTrace;
    this.#channels = channelNames(this.target);
    const channelOf = (pin: number) => this.#channels.get(pin) ?? `gpio${pin}`;
    const claim = (pin: number, owner: string) => {
      const current = this.#owners.get(pin);
      if (current) throw new Error(`pin ${pin} (${channelOf(pin)}) is in use by ${current}`);
      this.#owners.set(pin, owner);
    };
    const release = (pin: number) => this.#owners.delete(pin);
    const pins = { timeline: this.timeline, validPins: ESP32S3_PINS, channelOf, claim, release };
    this.gpio = new GpioModel(pins);
    this.pwm = new PwmModel(pins);
    this.speaker = new I2sAmplifier({ timeline: this.timeline });
    this.spi = new SpiModel(this.timeline);
    this.i2c = new I2cModel(this.timeline);
    this.uart = new UartModel(this.timeline);
    this.dockSerial = new DockSerialPorts(this.uart, options.usbSerialJtag ?? 'xsbug');
    this.crypto = new CryptoEngine(options.cryptoSeed === undefined ? new NodeCryptoPort() : new SeededCryptoPort(options.cryptoSeed));
    // The flash file system is the target's "storage" partition (partitions.csv) unless a test sizes it.
    this.storage = new FlashStorage({ capacityBytes: this.target.storageBytes, ...options.storage });
    const slot = boardConfig.sdCard as { bus?: string; data?: number[] } | undefined;
    const slotBus = slot?.bus === 'sdmmc' ? (slot.data?.length === 4 ? 'sdmmc-4bit' : 'sdmmc-1bit') : 'spi';
    this.sdCard = options.sdCard ? new SdCard({ bus: slotBus, ...options.sdCard }) : undefined;
    this.storage.onPowerCut.push(() => this.sdCard?.cut());
    // A board given no flash of its own is a provisioned bench camera (keys it cannot decrypt with).
    if (options.storage?.dir === undefined) provisionBenchFlash(this.storage.dir);
    this.camera = new CameraSensor(options.camera, () => this.#now);
    this.microphone = new Microphone(options.microphone, () => this.#now);
    attachPeripherals(this);
    options.prepare?.(this);
    this.creation = targetCreation(this.target.name);
  }

  #spawn(options: BootOptions, baseline: MemoryBaseline | undefined): void {
    const onCommand = (message: Uint8Array) => this.#handle(message);
    if (options.memory === 'baseline') this.#worker = new XsnapWorker({ onCommand, binary: requireBoardWorker() });
    else if (baseline) this.#worker = new XsnapWorker({ onCommand, binary: requireBoardWorker(), env: { CHAINCAM_XS_CREATION: workerCreation(this.creation, baseline) } });
    else this.#worker = new XsnapWorker({ onCommand, xsbug: options.xsbug });
    this.#baseline = baseline;
  }

  /** Powers the board on and runs the firmware until main has been evaluated. */
  static async boot(options: BootOptions = {}): Promise<SimulatedBoard> {
    const enforce = (options.memory ?? 'device') === 'device' && options.xsbug === undefined;
    const baseline = enforce ? await memoryBaseline(options) : undefined;
    const board = new SimulatedBoard(options);
    board.#spawn(options, baseline);
    try {
      // The bootstrap is the simulator's, not the firmware's: its cost is not device time.
      board.#meter('bootstrap', (await board.#xs(() => board.#worker.evaluate(bootstrapSource()), 'bootstrap')).meter);
      const main = options.main === undefined ? 'firmware/main' : options.main;
      const preload = board.modules.preloaded(readManifest().preload ?? []);
      const preloaded = await board.#deliver('preloading modules', encodeBridgeMessage({ op: 'preload', epochMs: options.epochMs ?? Date.UTC(2026, 0, 1), preload, meterCalls: options.meterCalls === true, mutation: board.#mutation }));
      board.#meter('preload', preloaded.meter);
      board.throwIfFaulted();
      if (!board.#preloaded) board.#fault('no-boot', undefined, 'the preloaded modules never finished evaluating (a top-level await that never settles?)', '');
      board.throwIfFaulted();
      const reply = await board.#deliver('booting', encodeBridgeMessage({ op: 'boot', main: main ?? undefined, imports: options.imports ?? [], msPerComputron: board.cpu.computeMs(1) }));
      board.#delivered('boot', reply);
      board.throwIfFaulted();
      if (!board.#booted) {
        const pending = main ?? options.imports?.at(-1) ?? 'firmware';
        board.#fault('no-boot', pending, `${pending} never finished evaluating (a top-level await that never settles?)`, '');
        board.throwIfFaulted();
      }
    } catch (error) {
      await board.close();
      throw error;
    }
    return board;
  }

  /** Virtual milliseconds since power-on. */
  get now(): number {
    return this.#now;
  }

  channelPin(channel: string): number {
    for (const [pin, name] of this.#channels) if (name === channel) return pin;
    throw new Error(`the ${this.target.name} board has no pin named "${channel}"`);
  }

  /**
   * A dead notice sound, as the board's part fails: the I2S speaker's clock stalls (a target with
   * config.board.speaker), or the PWM buzzer's LEDC channel cannot be opened.
   */
  injectSoundFault(): void {
    if ((this.target.config.board as { speaker?: unknown } | undefined)?.speaker) this.speaker.injectFault('stalled');
    else this.pwm.injectFault(this.channelPin('buzzer'), 'LEDC channel unavailable');
  }

  /** A dead LED output stage; a board whose light is a lamp on its sign has no such part (fail the sign). */
  injectLightFault(): void {
    if ((this.target.config.board as { lamp?: unknown } | undefined)?.lamp) {
      throw new Error(`the ${this.target.name} board's recording light is a lamp drawn on its sign: a dead light is a dead sign, so inject a sign failure`);
    }
    this.gpio.injectFault(this.channelPin('led'), 'output driver fault');
  }

  /** Runs the firmware for `ms` of virtual time. */
  advance(ms: number): Promise<void> {
    return this.advanceTo(this.#now + ms);
  }

  async advanceTo(until: number): Promise<void> {
    let sameInstant = 0;
    let last = this.#now;
    for (;;) {
      const reply = await this.#deliver('running timers', encodeBridgeMessage({ op: 'step', until, at: this.freeAt }));
      const header = this.#delivered('step', reply);
      this.throwIfFaulted();
      // A timer due while the XS thread is still busy fires when it is free.
      const next = header.next === null ? null : Math.max(header.next as number, this.freeAt);
      if (this.#now >= until && (next === null || next > until)) return;
      sameInstant = this.#now === last ? sameInstant + 1 : 0;
      last = this.#now;
      if (sameInstant > MAX_STEPS_PER_INSTANT) {
        this.#fault('exception', undefined, `timers keep re-arming at ${this.#now} ms without time passing (a zero-delay timer loop)`, '');
        this.throwIfFaulted();
      }
    }
  }

  /** Drives an input pin (by channel name or number) as the outside world would. */
  async setInput(channel: string | number, level: 0 | 1): Promise<void> {
    const pin = typeof channel === 'number' ? channel : this.channelPin(channel);
    if (!this.gpio.drive(this.#now, pin, level)) return;
    await this.#event('gpio', { pin, level });
  }

  /** Presses a button wired active-low with a pull-up, holds it, releases it. */
  async press(channel = 'button', holdMs = 100): Promise<void> {
    await this.setInput(channel, 0);
    await this.advance(holdMs);
    await this.setInput(channel, 1);
  }

  /** Sends a command to a test fixture's onTestCommand handler; returns its result. */
  async command(name: string, args: Record<string, unknown> = {}): Promise<unknown> {
    this.#commandResult = undefined;
    await this.#event('test-command', { name, args });
    return this.#commandResult;
  }

  /** Bytes arriving on a UART's receive pin. */
  async serialReceive(port: number, bytes: Uint8Array): Promise<void> {
    this.uart.received(this.#now, port, bytes);
    await this.#event('serial', { port }, bytes);
  }

  throwIfFaulted(): void {
    if (this.faults.length) throw this.faults[0];
  }

  /** Runs XS's garbage collector; returns the live heap (slots), for memory benchmarks. */
  async collectGarbage(): Promise<number> {
    // The collector is the simulator's request, not firmware work: no device time.
    const reply = await this.#deliver('collecting garbage', encodeBridgeMessage({ op: 'gc' }));
    if (reply.meter.chunks !== undefined) this.#lastCollected = { chunks: reply.meter.chunks, slots: reply.meter.slots ?? 0 };
    return reply.meter.currentHeapCount;
  }

  get computeTotal(): number {
    return this.meters.reduce((sum, entry) => sum + entry.meter.compute, 0);
  }

  async close(): Promise<void> {
    await this.#worker.close();
    this.storage.dispose();
  }

  /** The firmware's XS memory against the target's limits; undefined when the board runs unlimited. */
  get memory(): MemoryUse | undefined {
    const baseline = this.#baseline;
    const meter = this.#memoryMeter;
    if (!baseline || !meter) return undefined;
    const above = (live: number | undefined, now: number | undefined, base: number) => Math.max(0, Math.max(live ?? 0, now ?? 0) - base);
    return {
      chunkLimit: this.creation.chunk,
      slotLimit: this.creation.slots,
      chunkHighWater: above(meter.chunksLivePeak, this.#lastCollected?.chunks, baseline.chunks),
      slotHighWater: above(meter.slotsLivePeak, this.#lastCollected?.slots, baseline.slots),
      baseline,
    };
  }

  /** Chunk bytes and slots live after the last collectGarbage (board worker only). */
  get collectedMemory(): { chunks: number; slots: number } | undefined {
    return this.#lastCollected;
  }

  #memoryMeter: XsnapMeter | undefined;
  #lastCollected: { chunks: number; slots: number } | undefined;

  readonly #mutation: MutationSwitch | undefined = mutationSwitch();
  #coverageTest: string | undefined;

  async #deliver(what: string, message: Uint8Array): Promise<XsnapReply> {
    // Stryker's dry run: a new test counts again every mutant the firmware reaches.
    if (this.#mutation?.collect && coverageTest() !== this.#coverageTest) {
      this.#coverageTest = coverageTest();
      await this.#xs(() => this.#worker.deliver(encodeBridgeMessage({ op: 'mutation.test' })), what);
    }
    return this.#xs(() => this.#worker.deliver(message), what);
  }

  // The worker ends itself when XS aborts as the device would (memory full, stack overflow):
  // that is the firmware's fault, named by the firmware's module and line where XS stopped (the
  // stack the board's worker prints, mapped to TypeScript as xsbug would show it), with what the
  // board was doing and its last hardware call.
  async #xs(run: () => Promise<XsnapReply>, what: string): Promise<XsnapReply> {
    try {
      const reply = await run();
      this.#memoryMeter = reply.meter;
      return reply;
    } catch (error) {
      const abort = XS_ABORTS[this.#worker.exitCode ?? -1];
      if (!abort) throw error;
      await this.#worker.whenClosed();
      const stack = this.modules.mapStack(abortStack(this.#worker.stderr));
      const frame = firmwareFrame(stack);
      const at = frame ? ` at ${frame}` : '';
      const last = this.#lastCall ? `; its last hardware call was ${this.#lastCall.op} at ${this.#lastCall.t} ms` : '';
      const limits = `the ${this.target.name} target's XS heap: ${this.creation.chunk.toLocaleString('en-US')} chunk bytes, ${this.creation.slots.toLocaleString('en-US')} slots, ${this.creation.stack.toLocaleString('en-US')} stack slots (manifest.json creation)`;
      this.#fault('memory', frame, `${abort}${at} while ${what}: the firmware needs more than ${limits}${last}`, stack);
      throw this.faults[0];
    }
  }

  /** The first whole millisecond at which the XS thread is free for the next delivery. */
  get freeAt(): number {
    return Math.max(this.#now, Math.ceil(this.cpu.busyUntil - 1e-9));
  }

  // An input's interrupt queues a message; the firmware's callback runs once the XS thread is free.
  // Timers already due when it is free fire first, once each, as Moddable's run loop does.
  async #event(kind: string, fields: Record<string, unknown>, payload?: Uint8Array): Promise<void> {
    let timersRan = false;
    for (;;) {
      const reply = await this.#deliver(`a ${kind} event`, encodeBridgeMessage({ op: 'event', kind, at: this.freeAt, timersRan, ...fields }, payload));
      const header = this.#delivered(`${kind} event`, reply);
      this.throwIfFaulted();
      if (typeof header.overdue !== 'number') return;
      await this.advanceTo(this.freeAt);
      timersRan = true;
    }
  }

  /** Books a delivery's computrons and native work as busy device time; returns its reply header. */
  #delivered(what: string, reply: XsnapReply): Record<string, any> {
    const { header } = decodeBridgeMessage(reply.reply);
    if (typeof header.now === 'number') this.#now = Math.max(this.#now, header.now);
    if (typeof header.start === 'number') this.cpu.endDelivery(header.start, reply.meter.compute);
    this.#meter(what, reply.meter);
    return header;
  }

  #meter(what: string, meter: XsnapMeter): void {
    this.meters.push({ t: this.#now, what, meter });
  }

  #fault(kind: FaultKind, module: string | undefined, detail: string, stack: string): void {
    this.faults.push(new FirmwareFault(kind, module, detail, stack, this.#now));
  }

  #handle(message: Uint8Array): Uint8Array {
    const { header, payload } = decodeBridgeMessage(message);
    if (typeof header.t === 'number') this.#now = Math.max(this.#now, header.t);
    if (typeof header.op === 'string' && header.op !== 'trace' && header.op !== 'mutant.covered') this.#lastCall = { op: header.op, t: this.#now };
    if (typeof header.m === 'number') {
      const key = `${header.op}${header.pin === undefined ? '' : `:${header.pin}`}`;
      if (!this.firstCallCompute.has(key)) this.firstCallCompute.set(key, this.computeTotal + header.m);
    }
    const nativeBefore = this.cpu.deliveryNativeMs;
    const busy = () => {
      const ms = this.cpu.deliveryNativeMs - nativeBefore;
      return ms > 0 ? ms : undefined;
    };
    try {
      const { result, bytes } = this.#dispatch(header, payload);
      return encodeBridgeMessage({ result, busy: busy() }, bytes);
    } catch (error) {
      return encodeBridgeMessage({ error: (error as Error).message, busy: busy() });
    }
  }

  /** The firmware's lifecycle (trace, faults, modules) here; its IO calls go to hardware-calls.ts. */
  #dispatch(h: Record<string, any>, payload: Uint8Array | undefined): { result?: unknown; bytes?: Uint8Array } {
    const t = this.#now;
    const bytes = payload ?? new Uint8Array(0);
    switch (h.op) {
      case 'trace':
        this.traces.push({ t, text: h.text });
        this.#onTrace?.(h.text, t);
        return {};
      case 'fault': {
        const stack = this.modules.mapStack(String(h.stack ?? ''));
        const frame = firmwareFrame(stack);
        const module = frame ?? (this.modules.isFirmware(h.where) ? h.where : undefined);
        const detail = `${h.name && !String(h.message).startsWith(h.name) ? `${h.name}: ` : ''}${h.message}`;
        this.#fault(h.kind, module, detail, stack);
        return {};
      }
      case 'test-command.result':
        this.#commandResult = h.result;
        return {};
      case 'booted':
        this.#booted = true;
        return {};
      case 'preloaded':
        this.#preloaded = true;
        return {};
      case 'cpu.spin':
        this.cpu.chargeMs('busy-wait', Number(h.ms) || 0);
        return {};
      case 'module.ready':
        this.#readyModules.add(h.specifier);
        return {};
      case 'module.resolve':
        return { result: this.modules.resolve(h.specifier, h.referrer) };
      case 'module.load':
        return { result: this.modules.load(h.specifier) };
      case 'board.describe':
        return { result: this.target.provider };
      case 'mutant.covered':
        coverMutant(String(h.id));
        return {};
      case 'modules.has':
        return { result: this.modules.built(String(h.name)) };
      default: {
        const reply = callHardware(this, t, h, bytes);
        if (!reply) throw new Error(`the simulated board has no operation "${h.op}"`);
        return reply;
      }
    }
  }
}

/** Names for pins: the provider's device.pin plus the manifest's board config. */
function channelNames(target: BoardTarget): Map<number, string> {
  const names = new Map<number, string>();
  const board = (target.config.board ?? {}) as Record<string, unknown>;
  // The app's config.board chooses the pin for a name the target's device.pin also has (the
  // XIAO's recording LED is on D1, not the target's user LED): that pin keeps only its number.
  for (const [name, pin] of Object.entries(target.provider.pin)) if (typeof board[name] !== 'number') names.set(pin, name);
  for (const [name, pin] of Object.entries(board)) if (typeof pin === 'number') names.set(pin, name);
  return names;
}
