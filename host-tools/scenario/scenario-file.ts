// A shift as data: timed actions an officer, the power supply and the dock take
// on the camera (docs/SCENARIO.md). Parsed strictly, so a typo is an error that
// names the step, not a silently skipped action.
import { readFileSync } from 'node:fs';
import { cardSizeOption } from '../sim/card-size.js';

export type ScenarioAction =
  | { do: 'power-on' }
  | { do: 'record'; ground: number }
  | { do: 'emergency' }
  | { do: 'confirm'; ground: number }
  | { do: 'change-ground'; ground: number }
  | { do: 'stop' }
  | { do: 'notice-failure'; channel: 'led' | 'buzzer' | 'sign' }
  | { do: 'power-cut' }
  | { do: 'dock' };

export type ScenarioStep = ScenarioAction & { at: number };

export interface Scenario {
  name: string;
  target: string | undefined;
  /** Capture settings laid over the manifest's chaincam.capture (frame size, rate, segment length). */
  capture: Record<string, number> | undefined;
  /** A microSD card of this many bytes in the camera ("32GB" in the file); none: footage on the flash. */
  sdCardBytes: number | undefined;
  steps: ScenarioStep[];
}

const GROUND_ACTIONS = new Set(['record', 'confirm', 'change-ground']);
const ACTIONS = new Set(['power-on', 'record', 'emergency', 'confirm', 'change-ground', 'stop', 'notice-failure', 'power-cut', 'dock']);

export function parseScenario(text: string, source: string): Scenario {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new Error(`${source} is not valid JSON: ${(error as Error).message}`);
  }
  const fail = (what: string): never => {
    throw new Error(`${source}: ${what} (docs/SCENARIO.md describes the format)`);
  };
  if (!data || typeof data !== 'object' || Array.isArray(data)) fail('expected an object with "name" and "steps"');
  const o = data as Record<string, unknown>;
  if (typeof o.name !== 'string' || !o.name) fail('"name" must be a non-empty string');
  if (o.target !== undefined && typeof o.target !== 'string') fail('"target" must be a board target name');
  if (o.capture !== undefined && (!o.capture || typeof o.capture !== 'object' || Object.values(o.capture).some((v) => typeof v !== 'number'))) fail('"capture" must map capture settings to numbers');
  let sdCardBytes: number | undefined;
  if (o.sdCard !== undefined) {
    try {
      sdCardBytes = cardSizeOption(String(o.sdCard));
    } catch (error) {
      fail(`"sdCard": ${(error as Error).message}`);
    }
  }
  if (!Array.isArray(o.steps) || o.steps.length === 0) fail('"steps" must be a non-empty list');
  let last = -Infinity;
  let powered = false;
  const steps = (o.steps as unknown[]).map((raw, i): ScenarioStep => {
    const where = `step ${i + 1}`;
    if (!raw || typeof raw !== 'object') fail(`${where} must be an object`);
    const step = raw as Record<string, unknown>;
    if (typeof step.at !== 'number' || !(step.at >= 0)) fail(`${where}: "at" must be seconds of virtual time, 0 or more`);
    if ((step.at as number) < last) fail(`${where}: steps must be in time order (${step.at} s comes after ${last} s)`);
    last = step.at as number;
    if (typeof step.do !== 'string' || !ACTIONS.has(step.do)) fail(`${where}: "do" must be one of ${[...ACTIONS].join(', ')}`);
    if (GROUND_ACTIONS.has(step.do as string) && !(Number.isInteger(step.ground) && (step.ground as number) >= 1 && (step.ground as number) <= 9)) {
      fail(`${where}: "${step.do}" needs a legal "ground" from 1 to 9 (Art. 10-5(1))`);
    }
    if (step.do === 'notice-failure' && !['led', 'buzzer', 'sign'].includes(step.channel as string)) fail(`${where}: "notice-failure" needs a "channel": led, buzzer or sign`);
    if (step.do === 'power-on') {
      if (powered) fail(`${where}: the camera is already on`);
      powered = true;
    } else if (step.do === 'power-cut') {
      if (!powered) fail(`${where}: the camera is already off`);
      powered = false;
    } else if (!powered) fail(`${where}: "${step.do}" while the camera is off (add a "power-on" step first)`);
    return step as unknown as ScenarioStep;
  });
  return { name: o.name as string, target: o.target as string | undefined, capture: o.capture as Record<string, number> | undefined, sdCardBytes, steps };
}

export function readScenario(file: string): Scenario {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new Error(`cannot read the scenario ${file}: ${(error as Error).message}`);
  }
  return parseScenario(text, file);
}
