/*
 * Declarations for the Moddable SDK camera module, `embedded:io/image/in/camera`
 * (ECMA-419 style image input). @moddable/typings 5.6.0 has none.
 *
 * Written from reading Moddable SDK 8.2.3 (commit 48ee02d8c) at:
 *   modules/io/imagein/camera/manifest.json      (module specifier; esp32 uses esp32-camera ^2.0.10)
 *   modules/io/imagein/camera/esp32/camera.js    (class shape: methods, accessors, DisposableHostBuffer)
 *   modules/io/imagein/camera/esp32/camera.c     (options, defaults, read() results, errors)
 *   modules/io/common/builtinCommon.c            (format strings, onReadable and target handling)
 *   modules/commodetto/commodettoBitmapFormat.h  (numeric imageType values)
 *   examples/io/imagein/camera/{camera-test,camera-server,camera-server-jpeg}/main.js (usage)
 * The SDK's documentation/ and typings/ folders say nothing about this module.
 * The ESP32 build is what is declared here. The desktop simulators (mac/lin/win camera.js) lack
 * `identification`, `configuration` and `configure()` on lin and win, accept only
 * RGB565LE/RGB565BE/YUV422 and no "jpeg", and pass the frame's byte size to onReadable.
 */
declare module "embedded:io/image/in/camera" {
  /** Values accepted by the `format` option and property. Anything else throws RangeError("invalid format"). */
  export type CameraFormat = "buffer" | "buffer/disposable";

  /**
   * Numeric image types the ESP32 build accepts (Commodetto `Bitmap` pixel formats, camera.c
   * formatToCamFormat): 3 Monochrome (sensor grayscale), 4 Gray16 (converted from RGB565),
   * 7 RGB565LE (default), 8 RGB565BE, 9 RGB24, 13 RGB444, 15 JPEG, 20 YUV422.
   * Any other number throws Error("unsupported pixel format").
   */
  export type CameraImageType = 3 | 4 | 7 | 8 | 9 | 13 | 15 | 20;

  export interface CameraOptions<F extends CameraFormat = "buffer"> {
    /**
     * Requested size in pixels, default 240 x 176. The ESP32 picks the first sensor frame size
     * (96x96 ... 2560x1920) whose width is at least `width`, then one step taller at the same
     * width if `height` does not fit; too large throws Error("unsupported dimensions").
     * Read the `width` and `height` properties for the size actually delivered.
     */
    width?: number;
    height?: number;
    /** A number from `CameraImageType`, or the string "jpeg" (any other string throws RangeError). */
    imageType?: CameraImageType | "jpeg";
    /** Default "buffer". */
    format?: F;
    /** Copied onto the instance as `target` when present. */
    target?: unknown;
    /**
     * Called with `this` set to the camera after each captured frame, only between start() and
     * stop(). The ESP32 always passes 0. Anything not callable (except undefined/null) throws.
     */
    onReadable?: (this: Camera<F>, count: number) => void;
  }

  /**
   * What read() returns in "buffer/disposable" format: a host buffer over the driver's own frame
   * memory (no copy). Call close() to give the frame back to the driver (three frame slots
   * in all); stop() detaches the memory of frames still held.
   */
  export interface CameraFrame extends HostBuffer {
    readonly byteLength: number;
    readonly camera: Camera<"buffer/disposable">;
    /** Returns the frame to the driver. Does nothing if already closed. */
    close(): void;
  }

  /** Sensor name, e.g. "OV2640". */
  export interface CameraIdentification {
    model: string;
  }

  /** Settings accepted by configure(). Keys the sensor does not support are ignored. */
  export interface CameraSettings {
    brightness?: number;
    contrast?: number;
    saturation?: number;
    sharpness?: number;
    denoise?: number;
    whiteBalance?: number;
  }

  /**
   * What the `configuration` getter returns: only the settings the sensor supports.
   * SDK 8.2.3 ESP32 reports contrast under the misspelled key "conrast" (camera.c line 657),
   * while configure() takes "contrast"; the mac simulator reports "contrast".
   */
  export interface CameraConfiguration {
    brightness?: number;
    conrast?: number;
    contrast?: number;
    saturation?: number;
    sharpness?: number;
    denoise?: number;
    whiteBalance?: number;
  }

  export default class Camera<F extends CameraFormat = "buffer"> {
    /**
     * Options are optional on ESP32. The constructor blocks until the sensor has captured its
     * first frame (which read() can return before start()); throws Error("camera init failed")
     * if the sensor does not start. Continuous capture begins with start().
     */
    constructor(options?: CameraOptions<F>);

    /** "buffer": the oldest queued frame copied into a new ArrayBuffer, or undefined if none. */
    read(this: Camera<"buffer">): ArrayBuffer | undefined;
    /**
     * "buffer": copies the oldest queued frame into `buffer` and returns its byte length, or
     * undefined if none is queued. Throws RangeError("buffer too small").
     */
    read(this: Camera<"buffer">, buffer: ArrayBufferLike | ArrayBufferView): number | undefined;
    /** "buffer/disposable": the oldest queued frame without copying, or undefined if none. */
    read(this: Camera<"buffer/disposable">): CameraFrame | undefined;
    /** Used when the format is not known statically. */
    read(buffer?: ArrayBufferLike | ArrayBufferView): ArrayBuffer | CameraFrame | number | undefined;

    /** Starts delivering frames (and onReadable callbacks). */
    start(): void;
    /** Stops capture, drops queued frames and detaches outstanding CameraFrames. */
    stop(): void;
    /** Releases the sensor. Safe to call more than once; do not use other members afterwards. */
    close(): void;

    /**
     * The SDK's setter accepts either CameraFormat at run time; it is typed F here so that
     * read()'s result type stays correct. Construct with the format you need.
     */
    get format(): F;
    set format(value: F);
    /** The imageType in use: the number given (default 7, RGB565LE), or "jpeg". */
    readonly imageType: CameraImageType | "jpeg";
    /** Width of delivered frames in pixels (from the first captured frame). */
    readonly width: number;
    /** Height of delivered frames in pixels. */
    readonly height: number;

    readonly identification: CameraIdentification;
    readonly configuration: CameraConfiguration;
    /** Applies only the keys given that the sensor supports; values are passed to the sensor as integers. */
    configure(options: CameraSettings): void;

    /** Present only when `target` was given in the options. */
    target?: unknown;
  }
}
