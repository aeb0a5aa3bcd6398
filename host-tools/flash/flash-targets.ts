// The boards `chaincam flash` builds for: two Moddable camera targets and our
// out-of-tree AI-Thinker ESP32-CAM target (targets/esp32cam), which mcconfig
// takes as a subplatform directory: -p esp32:/absolute/path/targets/esp32cam.
import path from 'node:path';

export interface FlashTarget {
  name: string;
  board: string;
  /** The out-of-tree target's directory, relative to the repository; undefined for Moddable's own. */
  directory?: string;
  /** What to do so the board accepts a flash (boot mode), if it needs a hand. */
  programming: string;
}

export const FLASH_TARGETS: Record<string, FlashTarget> = {
  lilygo_t_camera_plus_s3: {
    name: 'lilygo_t_camera_plus_s3',
    board: 'LILYGO T-Camera Plus S3',
    programming: 'plug in USB-C; if the upload does not start, hold BOOT, press RST, release BOOT',
  },
  xiao_esp32s3_sense: {
    name: 'xiao_esp32s3_sense',
    board: 'Seeed XIAO ESP32S3 Sense',
    programming: 'plug in USB-C; if the upload does not start, hold B (BOOT), press and release R (RESET), release B',
  },
  esp32cam: {
    name: 'esp32cam',
    board: 'AI-Thinker ESP32-CAM',
    directory: 'targets/esp32cam',
    programming: 'on the ESP32-CAM-MB base the upload is automatic; with a USB-serial adapter, connect GPIO 0 to GND and press RESET before flashing, then remove the link and press RESET to run',
  },
};

export const FLASH_TARGET_NAMES = Object.keys(FLASH_TARGETS);

export function flashTarget(name: string): FlashTarget {
  const target = FLASH_TARGETS[name];
  if (!target) throw new Error(`"${name}" is not a board chaincam can flash; use --board with one of: ${FLASH_TARGET_NAMES.join(', ')}`);
  return target;
}

/** mcconfig's -p argument. */
export function platformArgument(target: FlashTarget, root: string): string {
  return target.directory ? `esp32:${path.join(root, target.directory)}` : `esp32/${target.name}`;
}

/** The key mcconfig matches in manifest.json's "platforms" (a subplatform is named by its directory). */
export function manifestPlatform(target: FlashTarget): string {
  return `esp32/${target.directory ? path.basename(target.directory) : target.name}`;
}
