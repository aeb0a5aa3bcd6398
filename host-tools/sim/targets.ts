// The boards the simulator can be: the same pins as Moddable's own providers
// (build/devices/esp32/targets/<target>/host/provider.js, SDK 8.2.3) and our
// manifest.json's per-platform config, so firmware sees one device either way.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { projectRoot } from './project-root.js';
import { storagePartitionBytes, targetPartitions, type Partition } from './partition-table.js';

export interface BoardTarget {
  name: string;
  platform: string;
  /** embedded:provider/builtin's device.pin, I2C/SPI/Serial defaults. */
  provider: {
    pin: Record<string, number>;
    I2C: Record<string, number>;
    SPI: Record<string, number>;
    Serial: Record<string, number>;
  };
  /** The merged `config` the firmware reads from mc/config. */
  config: Record<string, unknown>;
  /** The flash partition table (partitions.csv), and the size of its "storage" partition. */
  partitions: Partition[] | undefined;
  partitionsFile: string | undefined;
  storageBytes: number;
  /** Manifests the platform section includes (optional Moddable modules such as pins/audioout). */
  includes: string[];
}

const PROVIDERS: Record<string, BoardTarget['provider']> = {
  lilygo_t_camera_plus_s3: {
    pin: { button: 17 },
    I2C: { data: 1, clock: 2 },
    SPI: { clock: 36, in: 37, out: 35, port: 2 },
    Serial: { port: 1, receive: 44, transmit: 43 },
  },
  xiao_esp32s3_sense: {
    pin: { button: 0, led: 21 },
    I2C: { port: 1, data: 5, clock: 6 },
    SPI: { port: 1, clock: 7, in: 8, out: 9 },
    Serial: { port: 0, receive: 44, transmit: 43 },
  },
};

export const DEFAULT_TARGET = 'lilygo_t_camera_plus_s3';
export const SUPPORTED_TARGETS = Object.keys(PROVIDERS);

interface Manifest {
  config?: Record<string, unknown>;
  preload?: string[];
  platforms?: Record<string, { config?: Record<string, unknown>; build?: Record<string, unknown>; include?: string | string[]; error?: string }>;
}

export function readManifest(file = path.join(projectRoot, 'manifest.json')): Manifest {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as Manifest;
  } catch (error) {
    throw new Error(`cannot read the Moddable manifest ${file}: ${(error as Error).message}`);
  }
}

/** Resolves a target name the way mcconfig does for -p esp32/<target>. */
export function boardTarget(name = DEFAULT_TARGET, overrides: Record<string, unknown> = {}): BoardTarget {
  const provider = PROVIDERS[name];
  if (!provider) throw new Error(`unknown board target "${name}"; the simulator knows: ${SUPPORTED_TARGETS.join(', ')}`);
  const manifest = readManifest();
  const platform = `esp32/${name}`;
  const section = manifest.platforms?.[platform];
  if (!section || section.error) throw new Error(`manifest.json has no platforms["${platform}"] section for the board target "${name}"`);
  // mcconfig merges the platform's config over the common config, key by key.
  const config = { ...manifest.config, ...section.config, ...overrides };
  const table = targetPartitions(section.build);
  const includes = section.include === undefined ? [] : ([] as string[]).concat(section.include);
  return { name, platform, provider, config, partitions: table?.partitions, partitionsFile: table?.file, storageBytes: storagePartitionBytes(table), includes };
}
