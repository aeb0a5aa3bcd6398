// The capture pipeline on the board's own camera and microphone with the settings from
// mc/config: the one composition that firmware/main and the capture test fixtures share.
import Camera from 'embedded:io/image/in/camera';
import AudioIn from 'embedded:io/audio/in';
import Timer from 'timer';
import type { Recorder } from '../policy/recorder.js';
import { STOP_REASON } from '../policy/recorder.js';
import type { EvidenceStore } from '../store/evidence-store.js';
import type { CaptureConfig } from './capture-config.js';
import { CapturePipeline } from './capture-pipeline.js';
import { MicrophoneInput } from './microphone-input.js';

export interface BoardCaptureOptions {
  capture: CaptureConfig;
  preEventSeconds: number;
  store: EvidenceStore;
  /** The recorder, once it exists (it and the pipeline refer to each other). */
  recorder: () => Recorder | undefined;
  onLowSpace: (freeBytes: number) => void;
  onError: (error: Error) => void;
}

export function boardCapturePipeline(o: BoardCaptureOptions): CapturePipeline {
  const { capture } = o;
  return new CapturePipeline({
    camera: new Camera({ width: capture.width, height: capture.height, imageType: 'jpeg', format: 'buffer' }),
    microphone: new MicrophoneInput({ io: AudioIn, sampleRate: capture.sampleRate }),
    store: o.store,
    timers: Timer,
    clock: () => Date.now(),
    fps: capture.fps,
    segmentSeconds: capture.segmentSeconds,
    preEventSeconds: o.preEventSeconds,
    groundOf: () => o.recorder()?.recording?.ground ?? 0,
    reserveBytes: capture.reserveBytes,
    lowSpaceBytes: capture.lowSpaceBytes,
    onStorageFull: (failed) => {
      trace(failed ? 'storage failed: stopping the recording\n' : 'storage full: stopping the recording\n');
      const recorder = o.recorder();
      if (recorder?.state === 'recording') recorder.stop(failed ? STOP_REASON.storageFailed : STOP_REASON.storageFull);
    },
    onLowSpace: o.onLowSpace,
    onError: o.onError,
  });
}
