// The I2S amplifier and speaker behind the simulated pins/audioout (the LILYGO T-Camera Plus S3's
// MAX98357A on BCLK 41, LRCLK 42, DATA 38): the mixer's queue of tones, silences and callbacks
// as Moddable's audioout.c keeps it on ESP32, played at the sample rate on the virtual clock.
// The timeline gets the pitch the speaker sounds ({kind: 'tone'}, hz 0 silent) when it changes,
// stamped when the firmware's enqueue reached the mixer (the sound leaves the speaker up to the
// pipeline's 3 x 384 samples later, 26 ms at 44.1 kHz; the PWM model likewise stamps the write).
// A Callback element is consumed when rendering reaches it: the render runs the pipeline ahead
// of the DMA, so a callback behind N samples comes (N - pipeline) samples after its enqueue.
import type { Timeline } from '../timeline.js';

/** The mixer buffer and the two DMA descriptors (audioout.c: MIXERBYTES 768, dma_desc_num 2). */
export const PIPELINE_SAMPLES = 3 * 384;
/** MODDEF_AUDIOOUT_QUEUELENGTH from Moddable's lilygo_t_camera_plus_s3 target (defines.audioOut). */
const QUEUE_LENGTH = 64;

/**
 * Faults the firmware might meet: `stalled`, the I2S clock never runs (i2s_channel_write blocks:
 * the pipeline fills, nothing more is taken, no callback comes); `no-channel`, the audio task's
 * i2s_new_channel failed (audioout.c ignores it, and every write returns at once: samples and
 * callbacks are consumed at once). Either way the speaker is silent. A dead amplifier or speaker
 * on a running clock is `silent`: nothing the firmware can see.
 */
export type AmplifierFault = 'stalled' | 'no-channel' | 'silent';

type Element =
  | { kind: 'tone'; hz: number; samples: number }
  | { kind: 'silence'; samples: number }
  | { kind: 'callback'; id: number };

export class I2sAmplifier {
  readonly #timeline: Timeline;
  readonly channel: string;
  #fault: AmplifierFault | undefined;
  #open: { sampleRate: number; streams: number } | undefined;
  #running = false;
  /** Elements queued and not yet played, with the time each starts (ms; Infinity after an endless tone). */
  #queue: { element: Element; start: number; end: number }[] = [];
  /** Callback ids consumed, waiting for the firmware to collect them, with when. */
  #consumed: { id: number; at: number }[] = [];
  #sounding = 0;
  #lastT = 0;

  constructor(options: { timeline: Timeline; channel?: string }) {
    this.#timeline = options.timeline;
    this.channel = options.channel ?? 'speaker';
  }

  injectFault(fault: AmplifierFault): void {
    this.#fault = fault;
  }

  get sampleRate(): number {
    return this.#open?.sampleRate ?? 0;
  }

  handle(t: number, h: Record<string, any>): { result?: unknown } {
    this.#advance(t);
    switch (h.op) {
      case 'speaker.open': {
        if (this.#open) throw new Error('the I2S output is already open (one AudioOut at a time)');
        this.#open = { sampleRate: h.sampleRate, streams: h.streams };
        return {};
      }
      case 'speaker.start':
        this.#running = true;
        return {};
      case 'speaker.stop':
        this.#running = false;
        return {};
      case 'speaker.enqueue':
        return { result: this.#enqueue(t, h) };
      case 'speaker.flush':
        return { result: this.#flush(t) };
      case 'speaker.consumed': {
        const due = this.#consumed.filter((c) => c.at <= t);
        this.#consumed = this.#consumed.filter((c) => c.at > t);
        const next = this.#consumed.reduce<number | null>((min, c) => (min === null || c.at < min ? c.at : min), null);
        return { result: { ids: due.map((c) => c.id), next } };
      }
      case 'speaker.close':
        this.#flush(t);
        this.#consumed = [];
        this.#open = undefined;
        this.#running = false;
        return {};
      default:
        throw new Error(`the simulated I2S amplifier has no operation "${h.op}"`);
    }
  }

  /** Appends to the stream's queue; returns when a callback element will be consumed (ms), or null. */
  #enqueue(t: number, h: Record<string, any>): number | null {
    if (!this.#open) throw new Error('the I2S output is not open');
    if (this.#queue.length >= QUEUE_LENGTH) throw new Error('queue full');
    const rate = this.#open.sampleRate;
    const element: Element = h.kind === 'tone' ? { kind: 'tone', hz: h.hz, samples: h.samples }
      : h.kind === 'silence' ? { kind: 'silence', samples: h.samples }
      : { kind: 'callback', id: h.id };
    // audioout.c ends an endless element when anything is queued behind it.
    const last = this.#queue.at(-1);
    if (last && last.end === Infinity) last.end = Math.max(t, last.start);
    const start = Math.max(t, last ? last.end : t);
    const samples = element.kind === 'callback' ? 0 : element.samples;
    if (typeof samples !== 'number' || !Number.isFinite(samples)) throw new Error(`speaker.enqueue: samples must be a count (-1: endless), not ${String(samples)}`);
    const end = samples < 0 ? Infinity : start + (samples * 1000) / rate;
    this.#queue.push({ element, start, end });
    this.#advance(t);
    if (element.kind !== 'callback') return null;
    const at = this.#callbackAt(t, start);
    if (at !== null) this.#consumed.push({ id: element.id, at });
    return at;
  }

  /** When rendering reaches a callback queued at `t` that plays at `position`; null: never. */
  #callbackAt(t: number, position: number): number | null {
    if (this.#fault === 'no-channel') return t;
    if (!this.#running) return null;
    const aheadMs = (PIPELINE_SAMPLES * 1000) / this.#open!.sampleRate;
    const at = Math.max(t, position - aheadMs);
    if (this.#fault === 'stalled' && at > t) return null;
    return Math.ceil(at);
  }

  /** Drops the queue; audioout.c delivers the callbacks of the flushed callback elements. */
  #flush(t: number): number[] {
    const flushed = this.#queue.filter((q) => q.element.kind === 'callback').map((q) => (q.element as { id: number }).id);
    for (const id of flushed) if (!this.#consumed.some((c) => c.id === id)) this.#consumed.push({ id, at: t });
    this.#queue = [];
    this.#sound(t, 0);
    return flushed;
  }

  /** Plays the queue up to `t`: the pitch sounding at each element's start goes on the timeline. */
  #advance(t: number): void {
    const now = Math.max(t, this.#lastT);
    this.#lastT = now;
    while (this.#queue.length) {
      const head = this.#queue[0]!;
      if (head.start > now) break;
      if (head.element.kind !== 'callback') this.#sound(head.start, head.element.kind === 'tone' ? head.element.hz : 0);
      if (head.end > now) break;
      this.#queue.shift();
      if (!this.#queue.length) this.#sound(head.end, 0);
    }
  }

  #sound(t: number, hz: number): void {
    const heard = this.#running && (this.#fault === undefined) ? hz : 0;
    if (heard === this.#sounding) return;
    this.#sounding = heard;
    this.#timeline.record({ t: Math.round(t), kind: 'tone', channel: this.channel, hz: heard });
  }
}
