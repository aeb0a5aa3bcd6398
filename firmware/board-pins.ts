// Which GPIO drives which indicator on this board: the manifest's per-platform
// config first, then the Moddable target's own device.pin map.
import type { ChaincamConfig } from './config.js';

export interface BoardPins {
  led: number;
  ledActiveLow: boolean;
}

export function boardPins(pinMap: Record<string, unknown>, config: ChaincamConfig): BoardPins {
  const led = config.board.led ?? pinMap.led;
  if (typeof led !== 'number') {
    throw new Error(`board "${config.board.name}" has no indicator LED pin: set config.board.led for this platform in manifest.json`);
  }
  return { led, ledActiveLow: config.board.ledActiveLow };
}
