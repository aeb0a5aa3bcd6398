// `embedded:io/audio/in` on the simulated board, shaped as the ESP32 build
// (typings/sdk/audio-in.d.ts): the microphone model on the host
// (host-tools/sim/hardware/microphone.ts) buffers 16-bit mono LPCM on the virtual clock;
// onReadable(byteLength) fires every 100 ms while started, as the I2S DMA buffers fill.

interface AudioInOptions {
  bitsPerSample?: 8 | 16;
  channels?: 1 | 2;
  sampleRate?: number;
  audioType?: 'LPCM';
  format?: 'buffer';
  target?: unknown;
  onReadable?: (this: AudioIn, byteLength: number) => void;
}

const DMA_MS = 100;

export default class AudioIn {
  #open = true;
  #timer: SimTimer | undefined;
  #onReadable: ((this: AudioIn, byteLength: number) => void) | undefined;
  readonly bitsPerSample: 8 | 16;
  readonly channels: 1 | 2;
  readonly sampleRate: number;
  readonly audioType = 'LPCM';
  target: unknown;

  constructor(options: AudioInOptions) {
    this.bitsPerSample = options.bitsPerSample ?? 16;
    this.channels = options.channels ?? 1;
    this.sampleRate = options.sampleRate ?? 8000;
    if (this.sampleRate < 8000 || this.sampleRate > 48000) throw new RangeError('invalid sampleRate');
    // As modules/io/audioin/esp32/audioin.c: an audioType given must be "LPCM".
    if ('audioType' in options && options.audioType !== 'LPCM') throw new RangeError('invalid audioType');
    simHost.call('audio.open', { bitsPerSample: this.bitsPerSample, channels: this.channels, sampleRate: this.sampleRate });
    this.#onReadable = options.onReadable;
    if ('target' in options) this.target = options.target;
  }

  get format(): 'buffer' {
    return 'buffer';
  }

  start(): void {
    simHost.call('audio.start');
    const onReadable = this.#onReadable;
    if (onReadable && !this.#timer) {
      this.#timer = simHost.timers.set(() => simHost.invoke('audio onReadable', () => {
        const available = simHost.call('audio.read', { byteLength: 0 }).result as number;
        if (available) onReadable.call(this, available);
      }), DMA_MS, DMA_MS);
    }
  }

  stop(): void {
    simHost.call('audio.stop');
    simHost.timers.clear(this.#timer);
    this.#timer = undefined;
  }

  read(byteLength: number): ArrayBuffer | undefined {
    if (!this.#open) throw new Error('closed');
    if (!(byteLength > 0)) throw new Error('invalid size');
    const reply = simHost.call('audio.read', { byteLength });
    if (!reply.payload) return undefined;
    if (reply.result < byteLength) throw new Error('invalid size');
    const p = reply.payload;
    return (p.buffer as ArrayBuffer).slice(p.byteOffset, p.byteOffset + p.byteLength);
  }

  level(): number {
    return 0;
  }

  close(): void {
    if (!this.#open) return;
    this.stop();
    simHost.call('audio.close');
    this.#open = false;
  }
}
