// The firmware's settings, read once from mc/config (the manifest's `config`)
// and checked, so a bad build fails at boot with a message, not later.
import type { ToneSequence } from './notice/tone-player.js';
import { resolvePolicy, type Policy } from './policy/profiles.js';

export type LedStep = readonly [level: 0 | 1, ms: number];
export type LedPattern = readonly LedStep[];

export interface ChaincamConfig {
  profile: string;
  policy: Policy;
  ledPatterns: { ready: LedPattern; recording: LedPattern; fault: LedPattern };
  tones: { start: ToneSequence; stop: ToneSequence; reminder: ToneSequence; selfTest: ToneSequence; lowStorage?: ToneSequence };
  button: { debounceMs: number; longMs: number; holdMs: number; choiceTimeoutMs: number };
  board: { name: string; led: number | undefined; ledActiveLow: boolean; buzzer: number | undefined; speaker: SpeakerConfig | undefined; lamp: { height: number } | undefined; display: unknown };
}

/** An I2S amplifier and speaker for the notice tones in place of a PWM buzzer (manifest config.board.speaker). */
export interface SpeakerConfig {
  kind: 'max98357a';
  sampleRate: number;
}

function fail(what: string): never {
  throw new Error(`invalid configuration: ${what}; fix the "config" section of manifest.json`);
}

function steps<T>(value: unknown, name: string, check: (step: unknown[]) => boolean, shape: string): readonly T[] {
  if (!Array.isArray(value) || value.length === 0) fail(`${name} must be a non-empty list of ${shape} steps`);
  return value.map((step, index) => {
    if (!Array.isArray(step) || step.length !== 2 || !check(step)) fail(`${name}[${index}] must be ${shape}`);
    return [step[0], step[1]] as unknown as T;
  });
}

function ledPattern(value: unknown, name: string): LedPattern {
  return steps<LedStep>(value, `chaincam.ledPatterns.${name}`, ([level, ms]) => (level === 0 || level === 1) && typeof ms === 'number' && ms > 0, '[0 or 1, milliseconds > 0]');
}

function toneSequence(value: unknown, name: string): ToneSequence {
  return steps(value, `chaincam.tones.${name}`, ([hz, ms]) => typeof hz === 'number' && (hz === 0 || (hz >= 20 && hz <= 20000)) && typeof ms === 'number' && ms > 0, '[hz (0 for a rest, else 20-20000), milliseconds > 0]');
}

function milliseconds(value: unknown, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !(value > 0)) fail(`${name} must be a number of milliseconds > 0`);
  return value;
}

function speakerConfig(value: unknown): SpeakerConfig {
  const speaker = value as Record<string, unknown>;
  if (!speaker || typeof speaker !== 'object' || speaker.kind !== 'max98357a') fail('board.speaker.kind must be "max98357a" (an I2S amplifier through pins/audioout)');
  const sampleRate = speaker.sampleRate ?? 44100;
  if (typeof sampleRate !== 'number' || !(sampleRate >= 8000 && sampleRate <= 48000)) fail('board.speaker.sampleRate must be 8000-48000 Hz');
  return { kind: 'max98357a', sampleRate };
}

/** The recording light drawn on a colour sign (no GPIO free for an LED): a red strip along its bottom. */
function lampConfig(value: unknown, board: Record<string, any>): { height: number } {
  const lamp = value as Record<string, unknown>;
  if (!lamp || typeof lamp !== 'object' || typeof lamp.height !== 'number' || !(lamp.height >= 4 && lamp.height <= 32)) fail('board.lamp.height must be 4-32 pixels');
  if (board.led !== undefined) fail('board.led and board.lamp are both set: the recording light is one of them');
  if (board.display?.kind !== 'st7789') fail('board.lamp needs a colour sign display (board.display.kind "st7789")');
  return { height: lamp.height };
}

export function readChaincamConfig(config: Record<string, any>): ChaincamConfig {
  const chaincam = config.chaincam;
  if (!chaincam || typeof chaincam !== 'object') fail('the "chaincam" object is missing');
  if (typeof chaincam.profile !== 'string') fail('chaincam.profile must name a policy profile');
  let policy: Policy;
  try {
    policy = resolvePolicy(chaincam.profile, chaincam.policy ?? {});
  } catch (error) {
    fail((error as Error).message);
  }
  const patterns = chaincam.ledPatterns ?? fail('chaincam.ledPatterns is missing');
  const tones = chaincam.tones ?? fail('chaincam.tones is missing');
  const button = chaincam.button ?? {};
  const board = config.board ?? {};
  for (const pin of ['led', 'buzzer'] as const) {
    if (board[pin] !== undefined && typeof board[pin] !== 'number') fail(`board.${pin} must be a GPIO number`);
  }
  const speaker = board.speaker === undefined ? undefined : speakerConfig(board.speaker);
  const lamp = board.lamp === undefined ? undefined : lampConfig(board.lamp, board);
  if (speaker && board.buzzer !== undefined) fail('board.buzzer and board.speaker are both set: the notice tones take one of them');
  const longMs = milliseconds(button.longMs, 1000, 'chaincam.button.longMs');
  const holdMs = milliseconds(button.holdMs, 3000, 'chaincam.button.holdMs');
  if (!(longMs < holdMs)) fail('chaincam.button.longMs must be shorter than holdMs');
  return {
    profile: chaincam.profile,
    policy,
    ledPatterns: { ready: ledPattern(patterns.ready, 'ready'), recording: ledPattern(patterns.recording, 'recording'), fault: ledPattern(patterns.fault, 'fault') },
    tones: { start: toneSequence(tones.start, 'start'), stop: toneSequence(tones.stop, 'stop'), reminder: toneSequence(tones.reminder, 'reminder'), selfTest: toneSequence(tones.selfTest, 'selfTest'), lowStorage: tones.lowStorage === undefined ? undefined : toneSequence(tones.lowStorage, 'lowStorage') },
    button: { debounceMs: milliseconds(button.debounceMs, 30, 'chaincam.button.debounceMs'), longMs, holdMs, choiceTimeoutMs: milliseconds(button.choiceTimeoutMs, 10_000, 'chaincam.button.choiceTimeoutMs') },
    board: { name: typeof board.name === 'string' ? board.name : 'unnamed board', led: board.led, ledActiveLow: board.ledActiveLow === true, buzzer: board.buzzer, speaker, lamp, display: board.display },
  };
}
