// A firmware failure on the simulated board, named by module and line.

export type FaultKind = 'exception' | 'unhandled-rejection' | 'module' | 'no-boot' | 'memory';

export class FirmwareFault extends Error {
  constructor(
    readonly kind: FaultKind,
    readonly module: string | undefined,
    readonly detail: string,
    readonly firmwareStack: string,
    readonly t: number,
  ) {
    const where = module ? ` in ${module}` : '';
    const what = { exception: 'uncaught exception', 'unhandled-rejection': 'unhandled promise rejection', module: 'module failed to load', 'no-boot': 'firmware did not finish booting', memory: 'XS aborted' }[kind];
    super(`firmware fault${where} at ${(t / 1000).toFixed(3)} s (${what}): ${detail}`);
    this.name = 'FirmwareFault';
  }
}

/** The first frame of an XS stack that points into firmware, drivers or a fixture: "file.ts:LINE". */
export function firmwareFrame(stack: string): string | undefined {
  for (const match of stack.matchAll(/\(((?:firmware|drivers|test\/fixtures)\/[\w./-]+\.ts):(\d+)\)/g)) return `${match[1]}:${match[2]}`;
  return undefined;
}
