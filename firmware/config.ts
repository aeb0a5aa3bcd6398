// The firmware's settings, read once from mc/config (the manifest's `config`)
// and checked, so a bad build fails at boot with a message, not later.

export type LedStep = readonly [level: 0 | 1, ms: number];
export type LedPattern = readonly LedStep[];

export interface ChaincamConfig {
  profile: string;
  ledPatterns: { ready: LedPattern; fault: LedPattern };
  board: { name: string; led: number | undefined; ledActiveLow: boolean };
}

function fail(what: string): never {
  throw new Error(`invalid configuration: ${what}; fix the "config" section of manifest.json`);
}

function ledPattern(value: unknown, name: string): LedPattern {
  if (!Array.isArray(value) || value.length === 0) fail(`chaincam.ledPatterns.${name} must be a non-empty list of [level, ms] steps`);
  return value.map((step, index) => {
    if (!Array.isArray(step) || (step[0] !== 0 && step[0] !== 1) || typeof step[1] !== 'number' || !(step[1] > 0)) {
      fail(`chaincam.ledPatterns.${name}[${index}] must be [0 or 1, milliseconds > 0]`);
    }
    return [step[0], step[1]] as const;
  });
}

export function readChaincamConfig(config: Record<string, any>): ChaincamConfig {
  const chaincam = config.chaincam;
  if (!chaincam || typeof chaincam !== 'object') fail('the "chaincam" object is missing');
  if (typeof chaincam.profile !== 'string') fail('chaincam.profile must name a policy profile');
  const patterns = chaincam.ledPatterns ?? fail('chaincam.ledPatterns is missing');
  const board = config.board ?? {};
  if (board.led !== undefined && typeof board.led !== 'number') fail('board.led must be a GPIO number');
  return {
    profile: chaincam.profile,
    ledPatterns: { ready: ledPattern(patterns.ready, 'ready'), fault: ledPattern(patterns.fault, 'fault') },
    board: { name: typeof board.name === 'string' ? board.name : 'unnamed board', led: board.led, ledActiveLow: board.ledActiveLow === true },
  };
}
