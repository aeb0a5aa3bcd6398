// Capture settings from mc/config (`config.chaincam.capture` in manifest.json), checked at
// boot so a bad build fails with a message rather than later.

export interface CaptureConfig {
  /** Requested frame size; the sensor picks the nearest size at least this large. */
  width: number;
  height: number;
  fps: number;
  segmentSeconds: number;
  /** Microphone sample rate (16-bit mono LPCM). */
  sampleRate: number;
  reserveBytes: number;
  lowSpaceBytes: number;
}

const DEFAULTS: Readonly<CaptureConfig> = Object.freeze({ width: 640, height: 480, fps: 10, segmentSeconds: 10, sampleRate: 8000, reserveBytes: 256 * 1024, lowSpaceBytes: 8 * 1024 * 1024 });

export function readCaptureConfig(value: unknown): CaptureConfig {
  const given = (value ?? {}) as Record<string, unknown>;
  const out = { ...DEFAULTS };
  for (const key of Object.keys(DEFAULTS) as (keyof CaptureConfig)[]) {
    const v = given[key];
    if (v === undefined) continue;
    if (typeof v !== 'number' || !(v > 0)) throw new Error(`invalid configuration: chaincam.capture.${key} must be a number > 0; fix the "config" section of manifest.json`);
    out[key] = v;
  }
  if (!Number.isInteger(out.fps) || out.fps > 60) throw new Error('invalid configuration: chaincam.capture.fps must be a whole number of frames per second, 1-60');
  return out;
}
