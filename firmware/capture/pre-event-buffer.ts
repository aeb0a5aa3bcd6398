// The pre-event buffer: the last N seconds of video (no audio, as Axon does by default) in
// RAM while no recording runs, handed to the next recording's first segment or dropped.
// Only a policy profile that allows it gets one (kr-2024 does not: maxPreEventSeconds 0).

export interface BufferedFrame {
  jpeg: Uint8Array;
  /** Camera clock, ms since 1970, when the frame was captured. */
  time: number;
}

export class PreEventBuffer {
  readonly capacity: number;
  #frames: BufferedFrame[] = [];

  constructor(seconds: number, fps: number) {
    this.capacity = Math.max(0, Math.round(seconds * fps));
  }

  get length(): number {
    return this.#frames.length;
  }

  /** The oldest frame goes once the ring is full (with no capacity, the frame itself goes). */
  push(frame: BufferedFrame): void {
    this.#frames.push(frame);
    if (this.#frames.length > this.capacity) this.#frames.shift();
  }

  /** Hands over the buffered frames, oldest first, and empties the ring. */
  drain(): BufferedFrame[] {
    const frames = this.#frames;
    this.#frames = [];
    return frames;
  }
}
