// What the firmware needs of the board, measured on the simulated board as the device would
// spend it: XS memory against the target's creation limits, the flash partitions, the CPU's
// busy fraction while recording, frames kept against frames requested, boot-to-ready and
// button-to-notice in device milliseconds. `chaincam budget` prints it; bench/board-budget.ts
// runs it at other capture settings.
import { SimulatedBoard } from '../sim/board.js';
import type { CameraSensorOptions } from '../sim/hardware/camera-sensor.js';
import type { FlashStorageOptions } from '../sim/hardware/flash-storage.js';
import type { SdBus } from '../sim/hardware/sd-card.js';
import type { Partition } from '../sim/partition-table.js';
import { signWrites } from '../sim/peripherals.js';
import { boardTarget } from '../sim/targets.js';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface BoardBudget {
  target: string;
  chunkHighWater: number;
  chunkLimit: number;
  slotHighWater: number;
  slotLimit: number;
  storagePartitionBytes: number;
  cpuRate: number;
  cpuLoad: number;
  framesRequestedPerSecond: number;
  framesKeptPerSecond: number;
  bootToReadyMs: number;
  noticeLatencyMs: number;
  /** Hours of recording a 32 GB microSD card holds at this capture: its FAT clusters over the bytes a second the recording took of them. */
  recordingHoursPer32GB: number;
}

export interface BudgetDetails {
  budget: BoardBudget;
  partitions: Partition[] | undefined;
  partitionsFile: string | undefined;
  storageUsedBytes: number;
  recordedSeconds: number;
  framesDropped: number;
  capture: { width: number; height: number; fps: number };
  /** Device ms of native work during the recording, by kind. */
  nativeMs: Record<string, number>;
  /** Live XS use above the baseline (after a collection) at the seconds asked for. */
  heapSamples: { second: number; frames: number; chunks: number; slots: number }[];
}

export interface BudgetOptions {
  target: string;
  /** Computrons per second of device time; the ESP32-S3's by default. */
  cpuRate?: number;
  /** Seconds of recording to measure (default 20). */
  recordSeconds?: number;
  /** Capture settings laid over the manifest's (the manifest's by default). */
  capture?: Partial<{ width: number; height: number; fps: number }>;
  /** Benchmarks only: the camera model (fixed-size frames) and a flash larger than the partition. */
  camera?: CameraSensorOptions;
  storage?: FlashStorageOptions;
  /** Benchmarks only: the card's bus instead of the target's slot (e.g. 4-bit SDMMC on an S3 board). */
  cardBus?: SdBus;
  /** Seconds into the recording at which to collect and sample the live heap. */
  heapAtSeconds?: number[];
}

const SHORT = 100;
const GAP = 300;
const LONG = 1200;
const HOLD = 3500;

export async function measureBudget(options: BudgetOptions): Promise<BudgetDetails> {
  const target = boardTarget(options.target);
  const chaincam = (target.config as Record<string, any>).chaincam;
  const capture = { ...chaincam.capture, ...options.capture };
  // The camera records onto its microSD card: a fresh, sparse 32 GB one for each measurement.
  const cardDir = fs.mkdtempSync(path.join(os.tmpdir(), 'chaincam-budget-card-'));
  const board = await SimulatedBoard.boot({
    target: target.name,
    sdCard: { dir: cardDir, capacityBytes: 32e9, ...(options.cardBus ? { bus: options.cardBus } : {}) },
    cpu: options.cpuRate === undefined ? undefined : { computronsPerSecond: options.cpuRate },
    config: options.capture ? { chaincam: { ...chaincam, capture } } : undefined,
    camera: options.camera,
    storage: options.storage,
  });
  try {
    const ready = board.traces.find((l) => /ready \(profile/.test(l.text));
    if (!ready) throw new Error(`the firmware on ${target.name} never said it was ready`);
    await board.advanceTo(ready.t + 1000);

    // Ground 1 with a short press, then a long press starts on it: notice is due from the release.
    await board.press('button', SHORT);
    await board.advance(GAP);
    await board.setInput('button', 0);
    await board.advance(LONG);
    const releasedAt = board.now;
    await board.setInput('button', 1);
    await board.advance(2000);
    const noticeLatencyMs = noticeLatency(board, releasedAt);

    // Steady recording: CPU busy time, frames taken from the camera and dropped.
    const from = board.now;
    const busyFrom = board.cpu.busyMs;
    const readFrom = board.camera.framesRead;
    const droppedFrom = board.camera.framesDropped;
    const nativeFrom = new Map(board.cpu.nativeMsByKind);
    const card = board.sdCard!;
    const cardUsedFrom = card.totalBytes - card.freeBytes;
    const seconds = options.recordSeconds ?? 20;
    const heapSamples: BudgetDetails['heapSamples'] = [];
    for (const second of [...(options.heapAtSeconds ?? [])].sort((a, b) => a - b)) {
      if (second >= seconds) break;
      await board.advanceTo(from + second * 1000);
      await board.collectGarbage();
      const baseline = board.memory!.baseline;
      const live = board.collectedMemory!;
      heapSamples.push({ second, frames: board.camera.framesRead - readFrom, chunks: live.chunks - baseline.chunks, slots: live.slots - baseline.slots });
    }
    await board.advanceTo(from + seconds * 1000);
    const window = board.now - from;
    const cpuLoad = (board.cpu.busyMs - busyFrom) / window;
    const framesKeptPerSecond = ((board.camera.framesRead - readFrom) * 1000) / window;
    const framesDropped = board.camera.framesDropped - droppedFrom;
    const cardBytesPerSecond = (card.totalBytes - card.freeBytes - cardUsedFrom) / (window / 1000);
    const nativeMs: Record<string, number> = {};
    for (const [kind, ms] of board.cpu.nativeMsByKind) nativeMs[kind] = ms - (nativeFrom.get(kind) ?? 0);

    await board.press('button', HOLD);
    await board.advance(2000);
    await board.collectGarbage();
    const memory = board.memory;
    if (!memory) throw new Error('the board ran without its XS limits (memory: "unlimited")');
    return {
      budget: {
        target: target.name,
        chunkHighWater: memory.chunkHighWater,
        chunkLimit: memory.chunkLimit,
        slotHighWater: memory.slotHighWater,
        slotLimit: memory.slotLimit,
        storagePartitionBytes: target.storageBytes,
        cpuRate: board.cpu.computronsPerSecond,
        cpuLoad: round(cpuLoad, 4),
        framesRequestedPerSecond: capture.fps,
        framesKeptPerSecond: round(framesKeptPerSecond, 2),
        bootToReadyMs: ready.t,
        noticeLatencyMs,
        recordingHoursPer32GB: cardBytesPerSecond > 0 ? round(card.totalBytes / cardBytesPerSecond / 3600, 1) : 0,
      },
      partitions: target.partitions,
      partitionsFile: target.partitionsFile,
      storageUsedBytes: board.storage.usedBytes,
      recordedSeconds: window / 1000,
      framesDropped,
      capture: { width: capture.width, height: capture.height, fps: capture.fps },
      nativeMs,
      heapSamples,
    };
  } finally {
    await board.close();
    fs.rmSync(cardDir, { recursive: true, force: true });
  }
}

/** The last of the three notice channels (LED lit, first tone, sign redrawn) after `from`. */
function noticeLatency(board: SimulatedBoard, from: number): number {
  const lit = (board.target.config.board as { ledActiveLow?: boolean }).ledActiveLow ? 0 : 1;
  const led = board.timeline.drivenAt('led', from, lit);
  const tone = board.timeline.toneOnsets(from)[0]?.t;
  const sign = signWrites(board).find((t) => t >= from);
  if (led === undefined || tone === undefined || sign === undefined) {
    const missing = [led === undefined && 'LED', tone === undefined && 'tone', sign === undefined && 'sign'].filter(Boolean).join(', ');
    throw new Error(`no notice on ${missing} within 2 s of the button that started the recording`);
  }
  return Math.max(led, tone, sign) - from;
}

function round(value: number, places: number): number {
  const scale = 10 ** places;
  return Math.round(value * scale) / scale;
}
