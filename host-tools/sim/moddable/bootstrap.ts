// Runs first inside xsnap-worker: the simulated board's "silicon". It keeps virtual
// time and the timer queue, bridges the board's modules to the host's hardware
// models with issueCommand, and loads the firmware into its own Compartment whose
// globals are only what a Moddable device gives (device, trace, a Date on the RTC).
// A script, not a module: xsnap evaluates it with eval.

interface MutationSwitch {
  activeMutant?: string;
  collect: boolean;
  hitLimit?: number;
}

(function bootstrap() {
  const encoder = new TextEncoder();
  const decoder = new TextDecoder();

  function encode(header: Record<string, unknown>, payload?: ArrayBuffer | ArrayBufferView): ArrayBuffer {
    const json = encoder.encode(JSON.stringify(header));
    const head = new Uint8Array(4 + json.length);
    new DataView(head.buffer).setUint32(0, json.length, true);
    head.set(json, 4);
    if (payload === undefined) return head.buffer;
    // Payload bytes are joined with XS's native ArrayBuffer copies (slice, concat), which
    // xsnap does not meter per byte (TypedArray.set costs 2 computrons a byte): moving
    // megabytes to a hardware model must not show up as firmware work.
    const bytes = payload instanceof ArrayBuffer ? payload
      : (payload.buffer as ArrayBuffer).slice(payload.byteOffset, payload.byteOffset + payload.byteLength);
    return (head.buffer as ArrayBuffer & { concat(...more: ArrayBuffer[]): ArrayBuffer }).concat(bytes);
  }

  function decode(message: ArrayBuffer): { header: any; payload: Uint8Array | undefined } {
    const view = new DataView(message);
    const length = view.getUint32(0, true);
    const header = JSON.parse(decoder.decode(new Uint8Array(message, 4, length)));
    const rest = message.byteLength - 4 - length;
    return { header, payload: rest > 0 ? new Uint8Array(message, 4 + length, rest) : undefined };
  }

  // Virtual time. A delivery starts at `deliveryStart` (the host's choice: a timer's due
  // instant, or later if the XS thread was still busy) and the clock then advances with the
  // computrons spent and the native work the host charged (host-tools/sim/hardware/cpu-model.ts),
  // so a long callback sees time pass and delays what it schedules, as on the device.
  let now = 0;
  let deliveryStart = 0;
  let deliveryNativeMs = 0;
  let msPerComputron = 0;
  let epochAtBoot = 0;
  let nextTimerId = 1;
  const timers = new Map<number, SimTimer>();
  const listeners = new Map<string, ((event: any, payload: Uint8Array | undefined) => void)[]>();

  // When the host asks (cost benchmarks), each call carries the computrons spent so far in
  // this delivery: resetMeter returns the meter and we put the same value back.
  let meterCalls = false;
  function spentThisDelivery(): number {
    const spent = resetMeter(0, 0);
    resetMeter(0, spent);
    return spent;
  }
  function meter(): number | undefined {
    return meterCalls ? spentThisDelivery() : undefined;
  }

  /** The device clock (ms since power-on, whole ms as Time.ticks counts them). */
  function clock(): number {
    if (msPerComputron > 0) {
      const t = Math.floor(deliveryStart + spentThisDelivery() * msPerComputron + deliveryNativeMs + 1e-9);
      if (t > now) now = t;
    }
    return now;
  }

  function beginDelivery(at: unknown): void {
    if (typeof at === 'number' && at > now) now = at;
    deliveryStart = now;
    deliveryNativeMs = 0;
  }

  function call(op: string, args?: Record<string, unknown>, payload?: ArrayBuffer | ArrayBufferView): SimHostReply {
    const reply = decode(issueCommand(encode({ op, t: clock(), m: meter(), ...args }, payload)));
    if (typeof reply.header.busy === 'number') deliveryNativeMs += reply.header.busy;
    if (reply.header.error !== undefined) throw new Error(reply.header.error);
    return { result: reply.header.result, payload: reply.payload };
  }

  function fault(kind: string, error: unknown, where: string): void {
    const e = error as { message?: unknown; stack?: unknown } | undefined;
    const message = e && typeof e === 'object' && 'message' in e ? String(e.message) : String(error);
    const stack = e && typeof e === 'object' && typeof e.stack === 'string' ? e.stack : '';
    call('fault', { kind, message, stack, where, name: (e as Error | undefined)?.name ?? '' });
  }

  function invoke(what: string, callback: () => void): void {
    try {
      callback();
    } catch (error) {
      fault('exception', error, what);
    }
  }

  const host: SimHost = {
    call,
    now: clock,
    epochMs: () => epochAtBoot + clock(),
    setEpochMs(ms: number) {
      epochAtBoot = ms - clock();
    },
    spin(ms: number) {
      // Timer.delay busy-waits: the thread is busy for the whole delay (the host books it).
      if (msPerComputron > 0) call('cpu.spin', { ms: Math.max(0, ms) });
      else now += Math.max(0, ms);
    },
    timers: {
      set(callback, delay, repeat) {
        const timer: SimTimer = { id: nextTimerId++, callback, due: clock() + Math.max(0, delay), repeat: Math.max(0, repeat) };
        timers.set(timer.id, timer);
        return timer;
      },
      schedule(timer, delay, repeat) {
        if (!timers.has(timer.id)) timers.set(timer.id, timer);
        timer.due = delay === undefined ? undefined : clock() + Math.max(0, delay);
        timer.repeat = Math.max(0, repeat);
      },
      clear(timer) {
        if (timer) timers.delete(timer.id);
      },
    },
    listen(kind, handler) {
      const list = listeners.get(kind) ?? [];
      list.push(handler);
      listeners.set(kind, list);
    },
    invoke,
  };

  function nextDue(): number | null {
    let due: number | null = null;
    for (const timer of timers.values()) if (timer.due !== undefined && (due === null || timer.due < due)) due = timer.due;
    return due;
  }

  // Runs the timers due at the earliest instant not after `until`, or moves the
  // clock to `until`. One instant per delivery, so that promise jobs queued by a
  // callback run (xsnap drains them after each delivery) before later timers.
  // `free` is when the XS thread finished its last work: a timer due earlier fires then.
  function step(until: number, free: number): void {
    const due = nextDue();
    if (due === null || due > until || free > until) {
      now = Math.max(now, until);
      return;
    }
    now = Math.max(now, due, free);
    deliveryStart = now;
    for (const timer of [...timers.values()]) {
      if (timer.due !== due || !timers.has(timer.id)) continue;
      if (timer.repeat > 0) timer.due = due + timer.repeat;
      else timer.due = undefined;
      invoke('timer callback', () => timer.callback(timer));
      if (timer.due === undefined && timers.get(timer.id) === timer && timer.repeat === 0) timers.delete(timer.id);
    }
  }

  // Unhandled promise rejections: XS reports them through console.error of the
  // start compartment (xsnapPlatform.c fxAbort), after the delivery's jobs ran.
  (globalThis as any).console = {
    error(label: unknown, reason: unknown) {
      if (String(label).startsWith('UnhandledPromiseRejection')) fault('unhandled-rejection', reason, 'promise');
      else call('trace', { text: `${String(label)} ${String(reason)}\n`, stream: 'error' });
    },
  };

  let board: Compartment | undefined;
  let firmware: Compartment | undefined;

  function load(specifier: string, world: 'board' | 'firmware'): Promise<ModuleDescriptor> {
    const { result } = call('module.load', { specifier, world });
    if (result.world === 'board' && world === 'firmware') return Promise.resolve({ namespace: specifier, compartment: board! });
    return Promise.resolve({ source: new ModuleSource(result.source) });
  }

  function resolve(specifier: string, referrer: string): string {
    return call('module.resolve', { specifier, referrer }).result;
  }

  function trace(...values: unknown[]): void {
    call('trace', { text: values.map(String).join('') });
  }
  const Trace = Object.assign(trace, {
    left: (text: unknown) => call('trace', { text: String(text), stream: 'left' }),
    right: (text: unknown) => call('trace', { text: String(text), stream: 'right' }),
    center: (text: unknown) => call('trace', { text: String(text), stream: 'center' }),
  });

  // Date on the simulated RTC: new Date() and Date.now() follow virtual time.
  const RealDate = Date;
  class BoardDate extends RealDate {
    constructor(...args: unknown[]) {
      if (args.length === 0) super(host.epochMs());
      else super(...(args as [number]));
    }
    static override now(): number {
      return host.epochMs();
    }
  }

  // The device's xsl evaluates the manifest's preloaded modules at build time (they live in
  // flash): on the simulated board that is a delivery of its own, charged no device time.
  async function preload(header: { epochMs: number; preload: string[]; meterCalls?: boolean; mutation?: MutationSwitch }): Promise<void> {
    epochAtBoot = header.epochMs;
    meterCalls = header.meterCalls === true;
    createCompartments(header.mutation);
    try {
      const provider = await board!.import('embedded:provider/builtin');
      firmware!.globalThis.device = provider.default;
    } catch (error) {
      fault('module', error, 'embedded:provider/builtin');
      return;
    }
    for (const specifier of header.preload) {
      try {
        await firmware!.import(specifier);
      } catch (error) {
        fault('module', error, specifier);
        return;
      }
    }
    call('preloaded', {});
  }

  // Mutation testing (host-tools/sim/mutation-switch.ts): Stryker's instrumented modules read
  // globalThis.__stryker__ for the active mutant and count what runs in its mutantCoverage.
  // Only the first hit of each mutant per test goes to the host; nothing is kept per hit.
  const coveredThisTest = new Set<string>();
  function strykerGlobals(mutation: MutationSwitch | undefined): Record<string, unknown> {
    if (mutation === undefined) return {};
    const counts = new Proxy({}, {
      get: () => undefined,
      set(_target, id) {
        if (mutation.collect && !coveredThisTest.has(String(id))) {
          coveredThisTest.add(String(id));
          call('mutant.covered', { id: String(id) });
        }
        return true;
      },
    });
    const active = mutation.activeMutant === undefined ? {} : { activeMutant: mutation.activeMutant, hitCount: 0, hitLimit: mutation.hitLimit };
    return { __stryker__: { ...active, mutantCoverage: { static: counts, perTest: {} } } };
  }

  function createCompartments(mutation: MutationSwitch | undefined): void {
    const stryker = strykerGlobals(mutation);
    board = new Compartment({
      globals: { simHost: host, trace: Trace, Date: BoardDate, ...stryker },
      resolveHook: resolve,
      loadHook: (specifier) => load(specifier, 'board'),
    });
    firmware = new Compartment({
      globals: { trace: Trace, Date: BoardDate, ...stryker },
      resolveHook: resolve,
      loadHook: (specifier) => load(specifier, 'firmware'),
    });
  }

  async function boot(header: { main: string | undefined; imports: string[] }): Promise<void> {
    for (const specifier of header.imports) {
      try {
        await firmware!.import(specifier);
        call('module.ready', { specifier });
      } catch (error) {
        fault('module', error, specifier);
        return;
      }
    }
    if (header.main === undefined) return call('booted', {}), undefined;
    try {
      await firmware!.import(header.main);
      call('booted', {});
    } catch (error) {
      fault('module', error, header.main);
    }
  }

  (globalThis as any).handleCommand = function handleCommand(message: ArrayBuffer): ArrayBuffer {
    const { header, payload } = decode(message);
    // A step decides its own start (it must not move the clock past `until`).
    beginDelivery(header.op === 'step' ? undefined : header.at);
    const start = now;
    switch (header.op) {
      case 'preload':
        preload(header);
        return encode({ now });
      case 'boot':
        msPerComputron = typeof header.msPerComputron === 'number' ? header.msPerComputron : 0;
        boot(header);
        return encode({ now: clock(), start });
      case 'step': {
        step(header.until, typeof header.at === 'number' ? header.at : 0);
        return encode({ now: clock(), start: deliveryStart, next: nextDue() });
      }
      case 'gc':
        (globalThis as any).gc();
        return encode({ now });
      case 'mutation.test':
        coveredThisTest.clear();
        return encode({ now });
      case 'event': {
        // Moddable's run loop fires the timers already due (modTimersExecute) before it services a
        // message (modMessageService): the board runs them, then delivers the event again.
        const due = nextDue();
        if (header.timersRan !== true && due !== null && due <= now) return encode({ now, overdue: due });
        for (const handler of listeners.get(header.kind) ?? []) invoke(`${header.kind} event`, () => handler(header, payload));
        return encode({ now: clock(), start, next: nextDue() });
      }
      default:
        throw new Error(`simulated board: unknown command "${header.op}"`);
    }
  };
})();
