// The board's microphone through Moddable's ECMA-419 audio input, `embedded:io/audio/in`
// (modules/io/audioin: I2S/PDM on ESP32, e.g. the XIAO ESP32S3 Sense's PDM microphone),
// as 16-bit mono LPCM. It collects what onReadable announces and hands it over per frame.
import type AudioIn from 'embedded:io/audio/in';

export interface MicrophoneInputOptions {
  /** The AudioIn class (the module's default export), injected for the simulated board and tests. */
  io: typeof AudioIn;
  sampleRate?: number;
}

export class MicrophoneInput {
  readonly sampleRate: number;
  #input: AudioIn;
  #available = 0;

  constructor(options: MicrophoneInputOptions) {
    this.sampleRate = options.sampleRate ?? 8000;
    const self = this;
    this.#input = new options.io({
      sampleRate: this.sampleRate, bitsPerSample: 16, channels: 1, audioType: 'LPCM',
      onReadable(byteLength: number) {
        self.#available = byteLength;
      },
    });
  }

  start(): void {
    this.#available = 0;
    this.#input.start();
  }

  stop(): void {
    this.#input.stop();
    this.#available = 0;
  }

  /** Everything buffered since the last call (whole samples), or an empty array. */
  take(): Uint8Array {
    const count = this.#available & ~1;
    this.#available = 0;
    if (!count) return new Uint8Array(0);
    const bytes = this.#input.read(count);
    return bytes ? new Uint8Array(bytes) : new Uint8Array(0);
  }
}
