// The microphone model behind the simulated `embedded:io/audio/in` (the PDM/I2S microphone of
// the XIAO ESP32S3 Sense and the LILYGO T-Camera Plus S3): 16-bit mono LPCM of a 440 Hz tone
// with a 1 kHz click at each second of virtual time, delivered as the virtual clock runs.

export interface MicrophoneOptions {
  /** The board has no microphone: the AudioIn constructor throws. */
  absent?: boolean;
}

export class Microphone {
  readonly absent: boolean;
  sampleRate = 8000;
  running = false;
  /** Sample frames produced so far (since start). */
  #produced = 0;
  #startedAt = 0;
  #now: () => number;

  constructor(options: MicrophoneOptions = {}, now: () => number) {
    this.absent = options.absent === true;
    this.#now = now;
  }

  /** Bytes buffered and not yet read. */
  get available(): number {
    if (!this.running) return 0;
    return (Math.floor(((this.#now() - this.#startedAt) * this.sampleRate) / 1000) - this.#produced) * 2;
  }

  handle(h: Record<string, any>): { result?: unknown; bytes?: Uint8Array } {
    switch (h.op) {
      case 'audio.open':
        if (this.absent) throw new Error('this board has no microphone (audio input unavailable)');
        if (h.bitsPerSample !== 16 || h.channels !== 1) throw new RangeError('the simulated microphone delivers 16-bit mono');
        this.sampleRate = h.sampleRate;
        return {};
      case 'audio.start':
        this.running = true;
        this.#startedAt = this.#now();
        this.#produced = 0;
        return {};
      case 'audio.stop':
      case 'audio.close':
        this.running = false;
        return {};
      case 'audio.read': {
        const available = this.available;
        // byteLength 0 asks how much is buffered (the count onReadable reports).
        if (!available || h.byteLength === 0) return { result: available };
        const count = Math.min(available, h.byteLength ?? available) & ~1;
        return { result: count, bytes: this.#samples(count / 2) };
      }
      default:
        throw new Error(`the simulated microphone has no operation "${h.op}"`);
    }
  }

  #samples(frames: number): Uint8Array {
    const out = new Int16Array(frames);
    for (let i = 0; i < frames; i++) {
      const n = this.#produced + i;
      const inSecond = n % this.sampleRate;
      const hz = inSecond < this.sampleRate / 20 ? 1000 : 440;
      out[i] = Math.round(8000 * Math.sin((2 * Math.PI * hz * n) / this.sampleRate));
    }
    this.#produced += frames;
    return new Uint8Array(out.buffer);
  }
}
