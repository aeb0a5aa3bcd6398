// The target's flash partition table (ESP-IDF partitions.csv, as manifest.json's
// platforms["esp32/<target>"].build.PARTITIONS_FILE names it): the simulated flash
// file system is exactly as large as its "storage" partition.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { projectRoot } from './project-root.js';

export interface Partition {
  name: string;
  type: string;
  subtype: string;
  offset: number;
  size: number;
}

/** Without a partitions file, mcconfig (SDK 8.2.3) carves a 64 KB "storage" partition out of the app partition. */
export const SDK_DEFAULT_STORAGE_BYTES = 64 * 1024;

/** ESP-IDF sizes: decimal, 0x hex, or with a K/M suffix. */
function size(text: string, file: string, line: number): number {
  const match = /^(0x[0-9a-f]+|\d+)([KM]?)$/i.exec(text.trim());
  if (!match) throw new Error(`${file}:${line}: "${text}" is not a partition size or offset (decimal, 0x hex, or with K or M)`);
  const value = Number(match[1]);
  return value * (match[2]?.toUpperCase() === 'K' ? 1024 : match[2]?.toUpperCase() === 'M' ? 1024 * 1024 : 1);
}

export function parsePartitions(text: string, file: string): Partition[] {
  const partitions: Partition[] = [];
  let next = 0x9000;
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.replace(/#.*/, '').trim();
    if (!line) return;
    const [name, type, subtype, offset, bytes] = line.split(',').map((field) => field.trim());
    if (!name || !type || !subtype || !bytes) throw new Error(`${file}:${index + 1}: a partition needs a name, type, subtype and size`);
    const at = offset ? size(offset, file, index + 1) : next;
    const partition = { name, type, subtype, offset: at, size: size(bytes, file, index + 1) };
    next = at + partition.size;
    partitions.push(partition);
  });
  return partitions;
}

/** The target's partition table, or undefined when the manifest names none (mcconfig's default). */
export function targetPartitions(build: Record<string, unknown> | undefined): { file: string; partitions: Partition[] } | undefined {
  const named = build?.PARTITIONS_FILE;
  if (typeof named !== 'string') return undefined;
  const file = path.resolve(projectRoot, named);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new Error(`cannot read the partition table ${file} that manifest.json names: ${(error as Error).message}`);
  }
  return { file, partitions: parsePartitions(text, file) };
}

/** Bytes of the "storage" partition the firmware's littlefs mounts. */
export function storagePartitionBytes(table: { file: string; partitions: Partition[] } | undefined): number {
  if (!table) return SDK_DEFAULT_STORAGE_BYTES;
  const storage = table.partitions.find((p) => p.name === 'storage');
  if (!storage) throw new Error(`${table.file} has no "storage" partition for the firmware's file system`);
  return storage.size;
}
