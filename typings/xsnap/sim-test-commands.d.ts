// The simulated board's fixture-only module (host-tools/sim/moddable/test-commands.ts).
declare module 'sim:test-commands' {
  export function onTestCommand(name: string, handler: (args: Record<string, unknown>) => unknown): void;
}
