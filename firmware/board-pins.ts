// Which GPIO drives which notice channel on this board: the manifest's
// per-platform config first, then the Moddable target's own device.pin map.
import type { ChaincamConfig } from './config.js';

export interface BoardPins {
  /** The LED's pin; undefined when the recording light is a lamp on the sign (config.board.lamp). */
  led: number | undefined;
  ledActiveLow: boolean;
  /** The PWM buzzer's pin; undefined when the tones go to an I2S speaker (config.board.speaker). */
  buzzer: number | undefined;
  button: number;
}

export function boardPins(pinMap: Record<string, unknown>, config: ChaincamConfig): BoardPins {
  const pin = (name: 'led' | 'buzzer' | 'button', configured: unknown) => {
    const value = configured ?? pinMap[name];
    if (typeof value !== 'number') throw new Error(`board "${config.board.name}" has no ${name} pin: set config.board.${name} for this platform in manifest.json`);
    return value;
  };
  return { led: config.board.lamp ? undefined : pin('led', config.board.led), ledActiveLow: config.board.ledActiveLow, buzzer: config.board.speaker ? undefined : pin('buzzer', config.board.buzzer), button: pin('button', undefined) };
}
