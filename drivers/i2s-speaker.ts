// Notice tones through an I2S amplifier and speaker (the LILYGO T-Camera Plus S3's MAX98357A)
// with Moddable's pins/audioout, in place of a PWM buzzer: the same tone(hz) / silence() face.
// The I2S pins are the target's defines.audioOut (MODDEF_AUDIOOUT_I2S_*), not options.
//
// What it can tell: a MAX98357A has no status line and no bus to ask, so a dead amplifier or
// speaker is silent and undetectable here. What the driver can see is whether the I2S output
// takes samples at the sample rate: each tone first plays a probe longer than the mixer's and
// DMA's buffers, then a Callback element. Its callback arrives once the DMA has clocked out
// samples past the buffers; none by the probe's time means the output is stalled, and one far
// too early means the samples went nowhere (the audio task's I2S channel was never created).
import type AudioOut from 'pins/audioout';
import type Timer from 'timer';

/** The mixer buffer (384 samples) and the two DMA descriptors of as many, audioout.c on ESP32. */
const PIPELINE_SAMPLES = 3 * 384;
/** How long a probe plays beyond the pipeline, and the slack the audio task and XS thread get. */
const PROBE_MS = 10;
const SLACK_MS = 10;

export interface I2sSpeakerOptions {
  speaker: { io: typeof AudioOut; sampleRate?: number };
  /** The device clock (Time.ticks) and timers, for the probe's deadline. */
  ticks: () => number;
  timers: typeof Timer;
  /** A tone the output did not play, found after tone() returned. */
  onError: (error: Error) => void;
}

export default class I2sSpeaker {
  readonly #io: typeof AudioOut;
  readonly #sampleRate: number;
  readonly #ticks: () => number;
  readonly #timers: typeof Timer;
  readonly #onError: (error: Error) => void;
  #out: AudioOut | undefined;
  #hz = 0;
  #closed = false;
  /** The probe's callback id still awaited, when its tone started, and its deadline timer. */
  #probe = 0;
  #probeFrom = 0;
  #deadline: Timer | undefined;
  #nextId = 1;

  constructor(options: I2sSpeakerOptions) {
    this.#io = options.speaker.io;
    this.#sampleRate = options.speaker.sampleRate ?? 44100;
    this.#ticks = options.ticks;
    this.#timers = options.timers;
    this.#onError = options.onError;
  }

  /** Sounds `hz` until the next tone() or silence(). Throws if the output cannot be opened or fed. */
  tone(hz: number): void {
    if (this.#closed) throw new Error('speaker is closed');
    if (!(hz >= 20 && hz <= 20_000)) throw new RangeError(`speaker: ${hz} Hz is outside 20 Hz-20 kHz`);
    this.#endProbe();
    const out = this.#out ?? this.#open();
    const pipelineMs = Math.ceil((PIPELINE_SAMPLES * 1000) / this.#sampleRate);
    const id = this.#nextId++;
    out.enqueue(0, this.#io.Flush);
    out.enqueue(0, this.#io.Tone, hz, PIPELINE_SAMPLES + Math.ceil((PROBE_MS * this.#sampleRate) / 1000));
    out.enqueue(0, this.#io.Callback, id);
    out.enqueue(0, this.#io.Tone, hz, Infinity); // until the next enqueue or flush
    this.#hz = hz;
    this.#probe = id;
    this.#probeFrom = this.#ticks();
    this.#deadline = this.#timers.set(() => {
      this.#deadline = undefined;
      if (this.#probe !== id) return;
      this.#probe = 0;
      this.#onError(new Error(`speaker: the I2S output did not play the ${hz} Hz tone: no samples clocked out in ${this.#ticks() - this.#probeFrom} ms (the I2S clock or the audio task is stalled)`));
    }, pipelineMs + PROBE_MS + SLACK_MS);
  }

  get sounding(): number {
    return this.#hz;
  }

  silence(): void {
    this.#endProbe();
    this.#hz = 0;
    this.#out?.enqueue(0, this.#io.Flush);
  }

  close(): void {
    this.#endProbe();
    this.#hz = 0;
    this.#out?.close();
    this.#out = undefined;
    this.#closed = true;
  }

  #open(): AudioOut {
    const out = new this.#io({ sampleRate: this.#sampleRate, numChannels: 1, bitsPerSample: 16, streams: 1 });
    out.callback = (id: number) => this.#played(id);
    out.start();
    this.#out = out;
    return out;
  }

  /** A tone shorter than the probe's deadline is not judged: every notice step is longer. */
  #endProbe(): void {
    this.#probe = 0;
    if (this.#deadline) this.#timers.clear(this.#deadline);
    this.#deadline = undefined;
  }

  #played(id: number): void {
    if (id !== this.#probe) return; // a flushed probe's callback (audioout.c delivers those too)
    const tookMs = this.#ticks() - this.#probeFrom;
    this.#endProbe();
    // Past the buffers the DMA takes PROBE_MS of samples before the callback can come.
    if (tookMs < PROBE_MS / 2) this.#onError(new Error(`speaker: the I2S output did not play the ${this.#hz} Hz tone: its samples were taken in ${tookMs} ms, faster than the sample rate (the I2S channel is not running)`));
  }
}
