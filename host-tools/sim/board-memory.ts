// The board's XS memory: the target's creation values from manifest.json (chunk heap, slots,
// stack), enforced by running the firmware in the board's own xsnap-worker
// (host-tools/sim/board-xsnap/build.mjs) with those values and no growth, so a firmware that
// does not fit aborts with "memory full" as the device does.
//
// On the device, XS's built-ins and the preloaded modules live in flash; on the simulated board
// they (and the simulator's own bootstrap) are in the heap. So the board measures that
// baseline once (after preloading, collected) and gives XS the baseline plus the target's
// limits: the firmware's own use is held to exactly the device's figures (in 64-bit chunks,
// which are larger than the ESP32's 32-bit ones: the simulated heap is the stricter).
import { existsSync } from 'node:fs';
import path from 'node:path';
import { projectRoot } from './project-root.js';
import { readManifest } from './targets.js';

export interface XsCreation {
  /** Chunk heap bytes (creation.chunk.initial) and its growth (incremental: 0 on the device). */
  chunk: number;
  chunkIncrement: number;
  /** Slots (creation.heap.initial) and their growth. */
  slots: number;
  slotIncrement: number;
  /** Stack slots (creation.stack). */
  stack: number;
}

/** Moddable SDK 8.2.3's ESP32 defaults (build/devices/esp32/manifest.json) where the manifest says nothing. */
export const SDK_ESP32_CREATION: Readonly<XsCreation> = Object.freeze({ chunk: 78_848, chunkIncrement: 0, slots: 4_928, slotIncrement: 0, stack: 512 });

/** Stack slots the simulator's bootstrap and Compartment loading add under the firmware's frames. */
export const SIMULATOR_STACK_SLOTS = 256;

interface ManifestCreation {
  chunk?: { initial?: number; incremental?: number };
  heap?: { initial?: number; incremental?: number };
  stack?: number;
}

/** The XS creation values mcconfig gives the target: the SDK's, then manifest.json's, then the platform's. */
export function targetCreation(target: string): XsCreation {
  const manifest = readManifest() as { creation?: ManifestCreation; platforms?: Record<string, { creation?: ManifestCreation }> };
  const creation = { ...SDK_ESP32_CREATION };
  for (const layer of [manifest.creation, manifest.platforms?.[`esp32/${target}`]?.creation]) {
    if (!layer) continue;
    if (typeof layer.chunk?.initial === 'number') creation.chunk = layer.chunk.initial;
    if (typeof layer.chunk?.incremental === 'number') creation.chunkIncrement = layer.chunk.incremental;
    if (typeof layer.heap?.initial === 'number') creation.slots = layer.heap.initial;
    if (typeof layer.heap?.incremental === 'number') creation.slotIncrement = layer.heap.incremental;
    if (typeof layer.stack === 'number') creation.stack = layer.stack;
  }
  return creation;
}

export function boardWorkerPath(): string {
  return path.join(projectRoot, '.build/board-xsnap/xsnap-worker');
}

export function requireBoardWorker(): string {
  const binary = boardWorkerPath();
  if (!existsSync(binary)) throw new Error(`the simulated board's xsnap-worker is missing (${binary}); run "npm ci", or "node host-tools/sim/board-xsnap/build.mjs"`);
  return binary;
}

/** What the simulator keeps in the heap that the device keeps in flash, measured after preloading. */
export interface MemoryBaseline {
  chunks: number;
  slots: number;
}

/** The creation values the board's worker runs with: the baseline plus the target's limits. */
export function workerCreation(device: XsCreation, baseline: MemoryBaseline): string {
  return [baseline.chunks + device.chunk, device.chunkIncrement, baseline.slots + device.slots, device.slotIncrement, device.stack + SIMULATOR_STACK_SLOTS].join(',');
}

/** XS's figures for the firmware's own use, against the target's limits. */
export interface MemoryUse {
  chunkLimit: number;
  slotLimit: number;
  /** Highest live use (after a collection) above the baseline. */
  chunkHighWater: number;
  slotHighWater: number;
  baseline: MemoryBaseline;
}

/** xsnap exit codes (xsnap-worker.c ExitCode) that are the device's own aborts. */
export const XS_ABORTS: Readonly<Record<number, string>> = Object.freeze({ 11: 'memory full', 12: 'stack overflow', 16: 'not enough keys' });

/** The lines around the JavaScript stack the board's worker prints at an abort (board-xsnap/build.mjs). */
const ABORT_STACK = /chaincam: xs stack at abort\n([\s\S]*?)chaincam: end of xs stack/;

/** The stack (" at name (file:line)" lines, innermost first) the worker printed before it aborted, or "". */
export function abortStack(stderr: string): string {
  return ABORT_STACK.exec(stderr)?.[1]?.trimEnd() ?? '';
}
