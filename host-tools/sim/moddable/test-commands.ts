// Lets a test fixture (test/fixtures/firmware/) receive commands from a test on
// the host: the stand-in for a person or a dock acting on the camera. Firmware
// proper cannot import this module (host-tools/sim/firmware-modules.ts).

type Handler = (args: Record<string, unknown>) => unknown;
const handlers = new Map<string, Handler>();

simHost.listen('test-command', (event) => {
  const handler = handlers.get(event.name);
  if (!handler) throw new Error(`test fixture has no handler for command "${event.name}"`);
  const result = handler(event.args ?? {});
  simHost.call('test-command.result', { name: event.name, result: result === undefined ? null : result });
});

export function onTestCommand(name: string, handler: Handler): void {
  handlers.set(name, handler);
}
