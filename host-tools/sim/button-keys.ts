// The simulated camera's button at `chaincam sim --serial`'s terminal: keys press it as the
// officer would (docs: README "Using the camera"), so a person or a script on stdin can start,
// confirm and stop recordings on a camera that a dock or bench talks to over the pty.
import type { Readable } from 'node:stream';

export const BUTTON_KEYS = Object.freeze({
  b: { holdMs: 100, what: 'short press' },
  l: { holdMs: 1500, what: 'long press (1.5 s)' },
  h: { holdMs: 3500, what: 'hold (3.5 s: stops a recording)' },
});

export const BUTTON_KEYS_HELP = `keys: ${Object.entries(BUTTON_KEYS).map(([key, { what }]) => `${key} ${what}`).join(', ')}, q quit`;

/**
 * Reads keys from `input` (raw mode on a terminal) until `stop()`: each button key calls
 * `press(holdMs, what)`, q or Ctrl-C calls `quit()`. Other keys are ignored.
 */
export function readButtonKeys(input: Readable & { isTTY?: boolean; setRawMode?: (raw: boolean) => void }, press: (holdMs: number, what: string) => void, quit: () => void): { stop: () => void } {
  const raw = input.isTTY === true && typeof input.setRawMode === 'function';
  if (raw) input.setRawMode!(true);
  const onData = (data: Buffer | string) => {
    for (const key of data.toString()) {
      if (key === 'q' || key === '\u0003') quit();
      const button = BUTTON_KEYS[key as keyof typeof BUTTON_KEYS];
      if (button) press(button.holdMs, button.what);
    }
  };
  input.on('data', onData);
  input.resume();
  return {
    stop: () => {
      input.off('data', onData);
      if (raw) input.setRawMode!(false);
      // A paused pipe still holds the process open; nothing reads stdin after the run.
      input.destroy();
    },
  };
}
