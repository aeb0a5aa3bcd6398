// The simulated board's drivers/sd-card: mountSdCard asks the host's card model
// (host-tools/sim/hardware/sd-card.ts) to mount, and the volume's classes are the `file`
// module's over the card's host calls. Same shapes and error problems as the device module.
import * as fileModule from 'file';
import type { CardProblem, MountedCard, SdCardConfig } from '../../../drivers/sd-card/sd-card.js';
import type { volumeClasses as VolumeClasses } from './file.js';

// This module loads under the key drivers/sd-card/sd-card, so the board's file module is reached by name.
const { volumeClasses } = fileModule as unknown as { volumeClasses: typeof VolumeClasses };

export class SdCardError extends Error {
  readonly problem: CardProblem;

  constructor(problem: CardProblem, message: string) {
    super(message);
    this.problem = problem;
  }
}

export function cardProblemOf(message: string): CardProblem {
  if (/^absent:|no card/i.test(message)) return 'absent';
  if (/^unformatted:|FR_NO_FILESYSTEM|no FAT/i.test(message)) return 'unformatted';
  return 'failing';
}

export function mountSdCard(config: SdCardConfig): MountedCard {
  let info: { totalBytes: number; clusterBytes: number };
  try {
    info = simHost.call('sdcard.mount', { bus: config.bus }).result;
  } catch (error) {
    const message = (error as Error).message;
    throw new SdCardError(cardProblemOf(message), `SD card: ${message}`);
  }
  return { files: volumeClasses('sdcard') as unknown as MountedCard['files'], root: '/', totalBytes: info.totalBytes, clusterBytes: info.clusterBytes };
}
