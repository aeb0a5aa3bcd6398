// A DockClient's timeouts on a simulated board's virtual clock (DockTimers), for the dock
// harness: a timeout fires when the board's clock passes it, never because the host was slow.
// The board's clock moves only when the dock side has nothing left to deliver and is waiting
// for the camera: then it runs to the earliest pending timeout (the camera's own timers fire
// on the way), and the timeouts due by then fire. A reply the camera sent at a virtual time
// past a timeout comes after that timeout, as on a real line (fireDue before receive).
import type { DockTimers } from '../../host-tools/dock/dock-client.js';
import type { SimulatedBoard } from '../../host-tools/sim/board.js';

interface Pending { due: number; order: number; callback: () => void }

export class BoardClockTimers implements DockTimers {
  readonly #board: SimulatedBoard;
  readonly #pending = new Map<number, Pending>();
  #next = 1;
  #scheduled = false;
  /** Queues work after the harness's deliveries; idle says none is queued. */
  readonly #enqueue: (work: () => Promise<void>) => void;
  readonly #idle: () => boolean;
  readonly #onError: (error: Error) => void;

  constructor(board: SimulatedBoard, link: { enqueue: (work: () => Promise<void>) => void; idle: () => boolean; onError: (error: Error) => void }) {
    this.#board = board;
    this.#enqueue = link.enqueue;
    this.#idle = link.idle;
    this.#onError = link.onError;
  }

  set(callback: () => void, ms: number): unknown {
    const id = this.#next++;
    this.#pending.set(id, { due: this.#board.now + ms, order: id, callback });
    this.poke();
    return id;
  }

  clear(handle: unknown): void {
    this.#pending.delete(handle as number);
  }

  /** Fires, earliest first, every timeout due by virtual time `t`. */
  fireDue(t: number): void {
    for (;;) {
      let first: [number, Pending] | undefined;
      for (const entry of this.#pending) if (entry[1].due <= t && (!first || entry[1].due < first[1].due || (entry[1].due === first[1].due && entry[1].order < first[1].order))) first = entry;
      if (!first) return;
      this.#pending.delete(first[0]);
      first[1].callback();
    }
  }

  /**
   * The harness's queue may have gone quiet: once the promise jobs of the last delivery have
   * run (setImmediate), a dock still waiting lets the board's clock run to its timeout.
   */
  poke(): void {
    if (this.#scheduled || this.#pending.size === 0) return;
    this.#scheduled = true;
    setImmediate(() => {
      this.#scheduled = false;
      if (!this.#idle() || this.#pending.size === 0) return;
      this.#enqueue(() => this.#runToNextTimeout());
    });
  }

  async #runToNextTimeout(): Promise<void> {
    if (this.#pending.size === 0) return;
    const due = Math.min(...[...this.#pending.values()].map((p) => p.due));
    try {
      await this.#board.advanceTo(Math.max(due, this.#board.now));
    } catch (error) {
      this.#pending.clear();
      this.#onError(error as Error);
      return;
    }
    this.fireDue(this.#board.now);
  }
}
