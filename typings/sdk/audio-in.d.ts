/*
 * Corrected declarations for `embedded:io/audio/in` (ECMA-419 audio input).
 * Replaces @moddable/typings 5.6.0 embedded_io/audioin.d.ts, which matches the SDK's own
 * typings/embedded_io/audio/in.d.ts but not the implementation:
 *   - read() with no argument is declared there; the SDK's JS wrapper always forwards one
 *     argument, so the native code sees `undefined`, converts it to 0 and throws "invalid size".
 *   - read() returns undefined when nothing is buffered; declared there as always returning.
 *   - level() (ESP32) is missing; stop() takes no options (the declared `flush` is ignored).
 *   - buffers: the native code takes any ArrayBuffer, SharedArrayBuffer, typed array, DataView
 *     or host buffer; the npm `Buffer` type rejects Int16Array, the natural type for samples.
 * When both files are compiled, this file's `export default class` is the one used and tsc
 * reports TS2484 inside the npm file, hidden by skipLibCheck (tsconfig.base.json). Better to
 * leave node_modules/@moddable/typings/embedded_io/audioin.d.ts out of configs including this.
 *
 * Written from reading Moddable SDK 8.2.3 (commit 48ee02d8c) at:
 *   modules/io/audioin/manifest.json           (module specifier per platform)
 *   modules/io/audioin/esp32/audioin.js        (class shape)
 *   modules/io/audioin/esp32/audioin.c         (options, defaults, ranges, read(), level(), onReadable)
 *   modules/io/audioin/{mac,lin,win}/audioin.js and .m/.c/.cpp (desktop differences)
 *   modules/io/common/builtinCommon.c          (format, onReadable and target handling)
 *   examples/io/audioin/{capture-sync,levelmonitor}/main.js (usage)
 * Desktop builds also have a static `AudioIn.Async` subclass and a `queueLength` option;
 * the ESP32 build has neither, so they are not declared.
 */
declare module "embedded:io/audio/in" {
  export type AudioType = "LPCM";

  export interface AudioInOptions {
    /** 8 or 16 (RangeError otherwise). ESP32 default 16, or the manifest's audioIn.bitsPerSample. */
    bitsPerSample?: 8 | 16;
    /** 1 or 2 (RangeError otherwise). ESP32 default 1, or the manifest's audioIn.numChannels. */
    channels?: 1 | 2;
    /** 8000 to 48000 on ESP32 (RangeError otherwise). Default 8000, or the manifest's audioIn.sampleRate. */
    sampleRate?: number;
    /** Only "LPCM" (RangeError otherwise). */
    audioType?: AudioType;
    /** Only "buffer" (RangeError otherwise). */
    format?: "buffer";
    /** Copied onto the instance as `target` when present. */
    target?: unknown;
    /**
     * Called with `this` set to the input when samples are buffered. ESP32 passes only the
     * byte count available; the desktop builds also pass the sample-frame count.
     */
    onReadable?: (this: AudioIn, byteLength: number, sampleCount?: number) => void;
  }

  export default class AudioIn {
    /** The options object is required (the native code reads its properties directly). */
    constructor(options: AudioInOptions);

    /**
     * Reads `byteLength` bytes into a new ArrayBuffer, or returns undefined if nothing is
     * buffered. Throws Error("invalid size") if byteLength is 0 or more than is buffered.
     */
    read(byteLength: number): ArrayBuffer | undefined;
    /**
     * Fills `buffer` completely and returns its byte length, or returns undefined if nothing is
     * buffered. Throws Error("invalid size") if the buffer is larger than what is buffered.
     */
    read(buffer: ArrayBufferLike | ArrayBufferView): number | undefined;
    /**
     * ESP32 only: the mean absolute value (rounded) of `samples` read as 16-bit signed samples.
     * Does not touch the input's own buffer.
     */
    level(samples: ArrayBufferLike | ArrayBufferView): number;
    start(): void;
    stop(): void;
    /** Safe to call more than once. */
    close(): void;

    readonly bitsPerSample: 8 | 16;
    readonly channels: 1 | 2;
    readonly sampleRate: number;
    readonly audioType: AudioType;
    /** Always "buffer"; setting any other value throws RangeError. */
    get format(): "buffer";
    set format(value: "buffer");

    /** Present only when `target` was given in the options. */
    target?: unknown;
  }
}
