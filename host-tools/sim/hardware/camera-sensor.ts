// The camera sensor model behind the simulated `embedded:io/image/in/camera`: an OV2640
// that captures at `sensorFps` on the virtual clock and hands out real JPEG frames
// (jpeg-js) of a test pattern with the capture time drawn in. `frameBytes` gives every
// frame the same exact size instead (one picture padded with JPEG comment segments), for
// cost benchmarks that must not depend on picture content.
import jpeg from 'jpeg-js';
import { drawTestPattern } from './test-pattern.js';

export interface CameraSensorOptions {
  /** Frames the sensor captures per second of virtual time. Default 25. */
  sensorFps?: number;
  /** JPEG quality 1-100. Default 60. */
  quality?: number;
  /** Every frame exactly this many bytes (at least the size of the picture itself). */
  frameBytes?: number;
  /** The sensor does not answer: the constructor throws "camera init failed", as on the device. */
  broken?: boolean;
  /** Frame buffers the driver queues (modules/io/imagein/camera/esp32/camera.c: 3). */
  frameBuffers?: number;
}

// OV2640 frame sizes, smallest first (esp32-camera's framesize table).
const SIZES: [number, number][] = [[96, 96], [160, 120], [176, 144], [240, 176], [240, 240], [320, 240], [400, 296],
  [480, 320], [640, 480], [800, 600], [1024, 768], [1280, 720], [1280, 1024], [1600, 1200]];

export class CameraSensor {
  readonly sensorFps: number;
  readonly quality: number;
  readonly frameBytes: number | undefined;
  readonly broken: boolean;
  width = 0;
  height = 0;
  running = false;
  /** Frames handed to the firmware (camera.read that returned a frame). */
  framesRead = 0;
  /** Frames the sensor captured while every frame buffer was full (dropped, as the driver does). */
  framesDropped = 0;
  /** Frames captured into a buffer since start. */
  framesCaptured = 0;
  /** Moddable's ESP32 camera driver queues this many frames (kCameraFrameCount, fb_count 3). */
  readonly frameBuffers: number;
  /** Capture numbers waiting in the driver's frame buffers, oldest first. */
  #queue: number[] = [];
  /** The last capture instant (frame number) already put through the queue. */
  #lastFrame = -1;
  #fixed: Uint8Array | undefined;
  #now: () => number;

  constructor(options: CameraSensorOptions = {}, now: () => number) {
    this.sensorFps = options.sensorFps ?? 25;
    this.quality = options.quality ?? 60;
    this.frameBytes = options.frameBytes;
    this.broken = options.broken === true;
    this.frameBuffers = options.frameBuffers ?? 3;
    this.#now = now;
  }

  get intervalMs(): number {
    return 1000 / this.sensorFps;
  }

  handle(h: Record<string, any>): { result?: unknown; bytes?: Uint8Array } {
    switch (h.op) {
      case 'camera.open': {
        if (this.broken) throw new Error('camera init failed');
        const size = SIZES.find(([w, hh]) => w >= (h.width ?? 240) && hh >= (h.height ?? 176));
        if (!size) throw new Error('unsupported dimensions');
        [this.width, this.height] = size;
        this.#fixed = undefined;
        return { result: { width: this.width, height: this.height, intervalMs: this.intervalMs } };
      }
      case 'camera.start':
        this.running = true;
        this.#queue = [];
        this.#lastFrame = Math.floor(this.#now() / this.intervalMs + 1e-9);
        return {};
      case 'camera.stop':
      case 'camera.close':
        this.#capture();
        this.running = false;
        this.#queue = [];
        return {};
      case 'camera.read': {
        this.#capture();
        const frame = this.#queue.shift();
        if (!this.running || frame === undefined) return { result: null };
        this.framesRead++;
        const capturedAt = Math.round(frame * this.intervalMs);
        return { result: capturedAt, bytes: this.frame(capturedAt, frame) };
      }
      default:
        throw new Error(`the simulated camera has no operation "${h.op}"`);
    }
  }

  // The driver's capture task: each frame the sensor delivers takes a free frame buffer, or
  // is dropped when all of them hold frames the firmware has not read (camera.c cameraLoop).
  #capture(): void {
    if (!this.running) return;
    const latest = Math.floor(this.#now() / this.intervalMs + 1e-9);
    const arrived = latest - this.#lastFrame;
    if (arrived <= 0) return;
    const taken = Math.min(arrived, this.frameBuffers - this.#queue.length);
    for (let i = 1; i <= taken; i++) this.#queue.push(this.#lastFrame + i);
    this.framesCaptured += taken;
    this.framesDropped += arrived - taken;
    this.#lastFrame = latest;
  }

  /** One JPEG frame as captured at `ms` of virtual time. */
  frame(ms: number, index: number): Uint8Array {
    if (this.frameBytes === undefined) return this.#encode(ms, index);
    // Lowest quality, so the picture fits small sizes; the padding makes up the rest.
    this.#fixed ??= padJpeg(this.#encode(0, 0, 1), this.frameBytes);
    return this.#fixed;
  }

  #encode(ms: number, index: number, quality = this.quality): Uint8Array {
    const data = drawTestPattern(this.width, this.height, ms, index);
    const encoded = jpeg.encode({ data, width: this.width, height: this.height }, quality).data;
    return new Uint8Array(encoded.buffer, encoded.byteOffset, encoded.byteLength);
  }
}

/** Inserts COM (FF FE) segments after SOI until the JPEG is exactly `size` bytes. */
export function padJpeg(picture: Uint8Array, size: number): Uint8Array {
  if (size < picture.length) throw new Error(`frameBytes ${size} is smaller than the picture (${picture.length} bytes)`);
  let gap = size - picture.length;
  if (gap > 0 && gap < 4) throw new Error(`frameBytes must be the picture size or at least 4 bytes more (picture ${picture.length})`);
  const out = new Uint8Array(size);
  out.set(picture.subarray(0, 2), 0);
  let offset = 2;
  while (gap > 0) {
    let segment = Math.min(gap, 65_537);
    if (gap - segment > 0 && gap - segment < 4) segment -= 4;
    out[offset] = 0xff;
    out[offset + 1] = 0xfe;
    out[offset + 2] = (segment - 2) >> 8;
    out[offset + 3] = (segment - 2) & 0xff;
    out.fill(0x20, offset + 4, offset + segment);
    offset += segment;
    gap -= segment;
  }
  out.set(picture.subarray(2), offset);
  return out;
}
