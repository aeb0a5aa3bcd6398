// Timers for a DockClient that fire only when a test fires them: a timeout happens when the test
// says nothing came, never because the host was slow (issue 18: no wall-clock waits decide results).
import type { DockTimers } from '../../host-tools/dock/dock-client.js';

export class HeldTimers implements DockTimers {
  #next = 1;
  readonly pending = new Map<number, { callback: () => void; ms: number }>();
  set(callback: () => void, ms: number): number {
    const id = this.#next++;
    this.pending.set(id, { callback, ms });
    return id;
  }
  clear(handle: unknown): void {
    this.pending.delete(handle as number);
  }
  /** Everything armed now has run out. */
  fire(): void {
    const due = [...this.pending.values()];
    this.pending.clear();
    for (const t of due) t.callback();
  }
  get delays(): number[] {
    return [...this.pending.values()].map((t) => t.ms);
  }
}

/**
 * The promise's outcome once the link is quiet (every reply already delivered, no timer fired):
 * still pending then is a failure of the test, not a hang until mocha's hour runs out.
 */
export async function outcome<T>(promise: Promise<T>): Promise<T> {
  let settled = false;
  const tracked = promise.finally(() => { settled = true; });
  tracked.catch(() => undefined);
  await new Promise<void>((resolve) => setImmediate(resolve));
  if (!settled) throw new Error('still pending with nothing more to arrive');
  return tracked;
}
