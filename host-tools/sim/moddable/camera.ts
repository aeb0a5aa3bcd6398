// `embedded:io/image/in/camera` on the simulated board, shaped as the ESP32 build
// (typings/moddable/camera.d.ts): the sensor model on the host
// (host-tools/sim/hardware/camera-sensor.ts) captures on the virtual clock, onReadable(0)
// fires at each captured frame between start() and stop(), read() returns the newest frame
// not yet read as an ArrayBuffer of JPEG bytes ("buffer" format, imageType "jpeg").

interface CameraOptions {
  width?: number;
  height?: number;
  imageType?: number | 'jpeg';
  format?: 'buffer' | 'buffer/disposable';
  target?: unknown;
  onReadable?: (this: Camera, count: number) => void;
}

export default class Camera {
  #open = true;
  #timer: SimTimer | undefined;
  #intervalMs: number;
  #onReadable: ((this: Camera, count: number) => void) | undefined;
  readonly width: number;
  readonly height: number;
  readonly imageType: number | 'jpeg';
  target: unknown;

  constructor(options: CameraOptions = {}) {
    if (options.format !== undefined && options.format !== 'buffer') throw new RangeError('the simulated camera supports format "buffer" only');
    if (options.imageType !== 'jpeg' && options.imageType !== 15) throw new Error('unsupported pixel format (the simulated camera delivers JPEG: imageType "jpeg")');
    if (options.onReadable !== undefined && options.onReadable !== null && typeof options.onReadable !== 'function') throw new Error('onReadable must be a function');
    const opened = simHost.call('camera.open', { width: options.width ?? 240, height: options.height ?? 176 }).result;
    this.width = opened.width;
    this.height = opened.height;
    this.#intervalMs = opened.intervalMs;
    this.imageType = 'jpeg';
    this.#onReadable = options.onReadable ?? undefined;
    if ('target' in options) this.target = options.target;
  }

  get format(): 'buffer' {
    return 'buffer';
  }

  set format(value: 'buffer') {
    if (value !== 'buffer') throw new RangeError('invalid format');
  }

  start(): void {
    this.#check();
    simHost.call('camera.start');
    if (this.#onReadable && !this.#timer) {
      const onReadable = this.#onReadable;
      // The sensor's next capture instant, then every frame interval.
      const now = simHost.now();
      const next = Math.ceil(now / this.#intervalMs) * this.#intervalMs;
      this.#timer = simHost.timers.set(() => simHost.invoke('camera onReadable', () => onReadable.call(this, 0)), next - now, this.#intervalMs);
    }
  }

  stop(): void {
    this.#check();
    simHost.call('camera.stop');
    simHost.timers.clear(this.#timer);
    this.#timer = undefined;
  }

  read(): ArrayBuffer | undefined {
    this.#check();
    const reply = simHost.call('camera.read');
    if (reply.result === null || !reply.payload) return undefined;
    const p = reply.payload;
    return (p.buffer as ArrayBuffer).slice(p.byteOffset, p.byteOffset + p.byteLength);
  }

  get identification(): { model: string } {
    return { model: 'OV2640' };
  }

  get configuration(): Record<string, number> {
    return {};
  }

  configure(): void {}

  close(): void {
    if (!this.#open) return;
    simHost.timers.clear(this.#timer);
    simHost.call('camera.close');
    this.#open = false;
  }

  #check(): void {
    if (!this.#open) throw new Error('camera closed');
  }
}
