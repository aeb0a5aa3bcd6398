// The capture side of a recording (the recorder's CaptureSink): JPEG frames from the camera
// and PCM from the microphone, kept only under a live notice token, cut into AVI segments of
// `segmentSeconds`. Each frame is sealed and appended to its segment's file as it arrives
// (OpenSegment over the store's SegmentFile); at close the store chains the segment. Watches
// the storage: warns when space runs low, stops the recording before the volume is full.
import type Camera from 'embedded:io/image/in/camera';
import type Timer from 'timer';
import { NoticeToken } from '../notice/notice-token.js';
import type { CaptureSink } from '../policy/recorder.js';
import type { EvidenceStore } from '../store/evidence-store.js';
import type { SegmentFile } from '../store/segment-file.js';
import type { MicrophoneInput } from './microphone-input.js';
import { OpenSegment } from './open-segment.js';
import { PreEventBuffer } from './pre-event-buffer.js';

export interface CapturePipelineOptions {
  camera: Camera;
  microphone?: MicrophoneInput;
  store: EvidenceStore;
  timers: typeof Timer;
  /** The camera clock, ms since 1970. */
  clock: () => number;
  /** Frames kept per second (the camera's sensor may run faster). */
  fps: number;
  /** Default 10 s: a power cut loses at most this much. */
  segmentSeconds?: number;
  /** Pre-event seconds the policy allows (policy.preEventSeconds); 0 for none. */
  preEventSeconds?: number;
  /** The recording's legal ground now (it may be confirmed or changed while recording). */
  groundOf: (recording: number) => number;
  /** Space kept free for chain records after the last segment. Default 256 KiB. */
  reserveBytes?: number;
  /** Below this much free space the officer is warned at each segment close. Default 8 MiB. */
  lowSpaceBytes?: number;
  /** Storage cannot take more footage: stop the recording (STOP_REASON.storageFull, or storageFailed when it failed or was removed). */
  onStorageFull: (failed?: boolean) => void;
  onLowSpace?: (freeBytes: number) => void;
  onError?: (error: Error) => void;
}

interface Active {
  recording: number;
  token: NoticeToken;
  segment: OpenSegment | undefined;
  /** The open segment's sealed file. */
  file: SegmentFile | undefined;
  nextIndex: number;
  /** Free bytes when the open segment began. */
  freeAtOpen: number;
  stopping: boolean;
}

export class CapturePipeline implements CaptureSink {
  readonly #o: CapturePipelineOptions;
  readonly #framesPerSegment: number;
  readonly #preEvent: PreEventBuffer;
  readonly #reserve: number;
  #active: Active | undefined;
  #timer: Timer | undefined;
  /** Frames seen while recording and refused for want of a live token. */
  refused = 0;
  kept = 0;

  constructor(options: CapturePipelineOptions) {
    this.#o = options;
    this.#framesPerSegment = Math.max(1, Math.round((options.segmentSeconds ?? 10) * options.fps));
    this.#preEvent = new PreEventBuffer(options.preEventSeconds ?? 0, options.fps);
    this.#reserve = options.reserveBytes ?? 256 * 1024;
    if (this.#preEvent.capacity) this.#run();
  }

  get preEventFrames(): number {
    return this.#preEvent.length;
  }

  begin(recording: number, token: NoticeToken): void {
    NoticeToken.check(token, recording);
    this.#active = { recording, token, segment: undefined, file: undefined, nextIndex: 0, freeAtOpen: 0, stopping: false };
    const buffered = this.#preEvent.drain();
    if (buffered.length) {
      const silence = new Uint8Array(Math.round((this.#o.microphone?.sampleRate ?? 0) * 2 / this.#o.fps) & ~1);
      const segment = this.#open(this.#active, buffered[0]!.time);
      try {
        for (const frame of buffered) {
          segment?.addFrame(frame.jpeg);
          segment?.addAudio(silence);
        }
      } catch (error) {
        this.#lose(this.#active, error as Error);
      }
    }
    this.#o.microphone?.start();
    this.#run();
  }

  end(recording: number): void {
    const active = this.#active;
    if (!active || active.recording !== recording) return;
    this.#closeSegment(active);
    this.#active = undefined;
    this.#o.microphone?.stop();
    if (!this.#preEvent.capacity) this.#halt();
  }

  #run(): void {
    if (this.#timer) return;
    this.#o.camera.start();
    this.#timer = this.#o.timers.repeat(() => this.#frame(), Math.round(1000 / this.#o.fps));
  }

  #halt(): void {
    if (!this.#timer) return;
    this.#o.timers.clear(this.#timer);
    this.#timer = undefined;
    this.#o.camera.stop();
  }

  #frame(): void {
    const buffer = this.#o.camera.read();
    if (!buffer) return;
    const jpeg = new Uint8Array(buffer);
    const active = this.#active;
    if (!active) {
      this.#preEvent.push({ jpeg, time: this.#o.clock() });
      return;
    }
    if (active.stopping) return;
    if (!active.token.live || active.token.recording !== active.recording) {
      this.refused++;
      return;
    }
    const segment = active.segment ?? this.#open(active, this.#o.clock());
    if (!segment) return;
    try {
      segment.addFrame(jpeg);
      if (this.#o.microphone) segment.addAudio(this.#o.microphone.take());
    } catch (error) {
      this.#lose(active, error as Error);
      return;
    }
    this.kept++;
    if (segment.bytes + this.#reserve > active.freeAtOpen) {
      this.#closeSegment(active);
      this.#stopForSpace(active);
    } else if (segment.frames >= this.#framesPerSegment) {
      this.#closeSegment(active);
    }
  }

  /** Opens the next segment's file; undefined (and the recording stopping) when the store cannot. */
  #open(active: Active, startTime: number): OpenSegment | undefined {
    const { camera, microphone, fps, store } = this.#o;
    const segmentIndex = active.nextIndex++;
    try {
      // Opened first: a card gone since the last write fails the open, its loss on the record,
      // where asking its free space first threw out of the camera's timer (a firmware fault).
      active.file = store.openSegment(active.recording, segmentIndex);
      active.freeAtOpen = store.freeBytes;
    } catch (error) {
      this.#lose(active, error as Error);
      return undefined;
    }
    active.segment = new OpenSegment(active.recording, segmentIndex, startTime, { width: camera.width, height: camera.height, fps, sampleRate: microphone?.sampleRate ?? 8000 }, active.file);
    return active.segment;
  }

  #closeSegment(active: Active): void {
    const { segment, file } = active;
    active.segment = undefined;
    active.file = undefined;
    if (!segment || !file) return;
    let closed;
    try {
      closed = segment.close();
    } catch (error) {
      active.file = file;
      this.#lose(active, error as Error);
      return;
    }
    try {
      this.#o.store.commitSegment(file, {
        startTime: closed.startTime, endTime: closed.endTime, legalGround: this.#o.groundOf(active.recording),
        noticeIndicators: active.token.channelsOn, noticeReason: active.token.noticeReason, noticeText: '',
      });
    } catch (error) {
      this.#o.onError?.(error as Error);
      this.#stopForSpace(active, error as Error);
      return;
    }
    const free = this.#o.store.freeBytes;
    if (free < (this.#o.lowSpaceBytes ?? 8 * 1024 * 1024)) this.#o.onLowSpace?.(free);
  }

  /** A write failed mid-segment: the segment's loss goes on the record and the recording stops. */
  #lose(active: Active, error: Error): void {
    const file = active.file;
    active.segment = undefined;
    active.file = undefined;
    const reported = file ? this.#o.store.abandonSegment(file, error) : error;
    this.#o.onError?.(reported);
    this.#stopForSpace(active, error);
  }

  /** Asks the recorder to stop, after this callback: the recorder may be mid-transition. */
  #stopForSpace(active: Active, cause?: Error): void {
    if (active.stopping) return;
    active.stopping = true;
    const failed = cause !== undefined && !/full|space/i.test(cause.message);
    this.#o.timers.set(() => this.#o.onStorageFull(failed), 0);
  }
}
