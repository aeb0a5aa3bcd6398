// Globals that xsnap-worker (XS 13.3 in @agoric/xsnap 0.15.0, xsnap-worker.c xsBuildAgent)
// gives the start compartment, and the Compartment API of that XS build.
// Only the simulated board's own modules see these; firmware never does.

declare function issueCommand(message: ArrayBuffer): ArrayBuffer;
declare function print(...values: unknown[]): void;
declare function setImmediate(callback: () => void): void;
/** Sets the meter limit (0: none) and the meter; returns the meter before. */
declare function resetMeter(limit: number, meter: number): number;

declare class TextEncoder {
  encode(text: string): Uint8Array;
}
declare class TextDecoder {
  constructor(label?: string, options?: { fatal?: boolean });
  decode(bytes: ArrayBuffer | ArrayBufferView): string;
}

declare class ModuleSource {
  constructor(source: string);
}

type ModuleDescriptor =
  | { source: ModuleSource }
  | { namespace: string; compartment: Compartment }
  | { namespace: Record<string, unknown> };

declare class Compartment {
  constructor(options: {
    globals?: Record<string, unknown>;
    modules?: Record<string, ModuleDescriptor>;
    resolveHook(specifier: string, referrer: string): string;
    loadHook?(specifier: string): Promise<ModuleDescriptor>;
  });
  readonly globalThis: Record<string, unknown>;
  import(specifier: string): Promise<Record<string, unknown>>;
}

/** What the bootstrap hands the simulated board's modules (see host-tools/sim/moddable/bootstrap.ts). */
interface SimHostReply {
  result: any;
  payload: Uint8Array | undefined;
}
interface SimTimer {
  id: number;
  callback: (timer: SimTimer) => void;
  due: number | undefined;
  repeat: number;
}
interface SimHost {
  /** A synchronous call into the host's hardware models; throws the model's error. */
  call(op: string, args?: Record<string, unknown>, payload?: ArrayBuffer | ArrayBufferView): SimHostReply;
  /** Milliseconds of virtual time since boot. */
  now(): number;
  /** Virtual wall clock, ms since 1970, as the board's RTC would keep it. */
  epochMs(): number;
  setEpochMs(ms: number): void;
  /** Busy-waits: advances virtual time without running timers (Timer.delay). */
  spin(ms: number): void;
  timers: {
    set(callback: (timer: SimTimer) => void, delay: number, repeat: number): SimTimer;
    schedule(timer: SimTimer, delay: number | undefined, repeat: number): void;
    clear(timer: SimTimer | undefined | null): void;
  };
  /** Host-driven events (pin edges, received serial bytes), by kind. */
  listen(kind: string, handler: (event: any, payload: Uint8Array | undefined) => void): void;
  /** Runs a firmware callback; an exception is a firmware fault, reported with its stack. */
  invoke(what: string, callback: () => void): void;
}
declare const simHost: SimHost;
