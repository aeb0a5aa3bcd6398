// Moddable's pins/audioout (modules/pins/i2s/audioout.js and audioout.c, SDK 8.2.3) on the
// simulated board: the same class, constants, checks and error messages, with the mixer's queue
// and the I2S amplifier modelled on the host (host-tools/sim/hardware/i2s-amplifier.ts). A
// Callback element's callback runs on the XS thread when the host says rendering reached it,
// as audioout.c's deliverCallbacks does through the machine's message queue.

type Callback = (this: AudioOut, id: number) => void;

interface AudioOutOptions {
  sampleRate?: number;
  numChannels?: number;
  bitsPerSample?: number;
  streams?: number;
}

/** The LILYGO target's defines.audioOut: one stream (MODDEF_AUDIOOUT_STREAMS), 16-bit mono. */
const MAX_STREAMS = 1;

export default class AudioOut {
  static readonly Samples = 1;
  static readonly Flush = 2;
  static readonly Callback = 3;
  static readonly Volume = 4;
  static readonly RawSamples = 5;
  static readonly Tone = 6;
  static readonly Silence = 7;

  readonly sampleRate: number;
  readonly numChannels: number;
  readonly bitsPerSample: number;
  readonly streams: number;
  callback: Callback | undefined;
  callbacks: Callback[] | undefined;
  #open = true;
  #poll: SimTimer | undefined;

  constructor(options: AudioOutOptions) {
    if (!options || typeof options !== 'object') throw new SyntaxError('no options');
    this.sampleRate = options.sampleRate ?? 44100;
    if (this.sampleRate < 8000 || this.sampleRate > 48000) throw new RangeError('invalid sample rate');
    this.numChannels = options.numChannels ?? 1;
    if (this.numChannels !== 1 && this.numChannels !== 2) throw new RangeError('bad numChannels');
    this.bitsPerSample = options.bitsPerSample ?? 16;
    if (this.bitsPerSample !== 8 && this.bitsPerSample !== 16) throw new RangeError('bad bitsPerSample');
    this.streams = options.streams ?? MAX_STREAMS;
    if (this.streams < 1 || this.streams > MAX_STREAMS) throw new RangeError('bad streamCount');
    simHost.call('speaker.open', { sampleRate: this.sampleRate, numChannels: this.numChannels, bitsPerSample: this.bitsPerSample, streams: this.streams });
  }

  start(): void {
    this.#check();
    simHost.call('speaker.start');
  }

  stop(): void {
    this.#check();
    simHost.call('speaker.stop');
  }

  enqueue(stream: number, kind: number, ...args: number[]): void {
    this.#check();
    if (!(stream >= 0 && stream < this.streams)) throw new RangeError('invalid stream');
    let at: number | null = null;
    switch (kind) {
      case AudioOut.Flush:
        simHost.call('speaker.flush', { stream });
        at = simHost.now();
        break;
      case AudioOut.Tone: {
        const hz = Number(args[0]);
        if (hz < 10) throw new Error('invalid frequency');
        // audioout.c: no count, or Infinity, is an endless tone (count -1; JSON has no Infinity).
        const samples = args.length > 1 && args[1] !== Infinity ? Math.trunc(args[1]!) : -1;
        simHost.call('speaker.enqueue', { stream, kind: 'tone', hz, samples });
        break;
      }
      case AudioOut.Silence: {
        const samples = Math.trunc(Number(args[0]));
        if (samples === 0) throw new Error('invalid count');
        simHost.call('speaker.enqueue', { stream, kind: 'silence', samples });
        break;
      }
      case AudioOut.Callback:
        at = simHost.call('speaker.enqueue', { stream, kind: 'callback', id: Math.trunc(Number(args[0])) }).result as number | null;
        break;
      default:
        throw new Error(`the simulated board's pins/audioout plays tones, silences and callbacks only (kind ${kind})`);
    }
    if (at !== null) this.#schedule(at);
  }

  close(): void {
    if (!this.#open) return;
    this.#open = false;
    simHost.timers.clear(this.#poll);
    this.#poll = undefined;
    simHost.call('speaker.close');
  }

  #check(): void {
    if (!this.#open) throw new Error('closed');
  }

  /** Collects the callbacks the host consumed by `at`, as a message the XS thread services. */
  #schedule(at: number): void {
    if (this.#poll && this.#poll.due !== undefined && this.#poll.due <= at) return;
    simHost.timers.clear(this.#poll);
    this.#poll = simHost.timers.set(() => {
      this.#poll = undefined;
      if (!this.#open) return;
      const reply = simHost.call('speaker.consumed');
      const { ids, next } = reply.result as { ids: number[]; next: number | null };
      for (const id of ids) {
        simHost.invoke('audioout callback', () => {
          const perStream = this.callbacks?.[0];
          if (perStream) perStream.call(this, id);
          else this.callback?.call(this, id);
        });
      }
      if (next !== null) this.#schedule(next);
    }, Math.max(0, at - simHost.now()), 0);
  }
}
