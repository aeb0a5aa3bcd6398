// chaincam firmware entry point (creation.main in manifest.json). The same code runs
// on the ESP32-S3 board and, unchanged, on the simulated board: the evidence store
// (recovered at boot), the camera (notice, recorder, button), capture into sealed
// segments, and the dock link on the board's serial port.
import config from 'mc/config';
import Time from 'time';
import Timer from 'timer';
import Camera from 'embedded:io/image/in/camera';
import AudioIn from 'embedded:io/audio/in';
import files from 'file';
import { buildCamera, type Camera as ChaincamCamera } from './camera.js';
import { CapturePipeline } from './capture/capture-pipeline.js';
import { readCaptureConfig } from './capture/capture-config.js';
import { MicrophoneInput } from './capture/microphone-input.js';
import { readChaincamConfig } from './config.js';
import { createCryptoPort } from './crypto/moddable-crypt-port.js';
import { startDockLink } from './dock/camera-dock.js';
import { STOP_REASON } from './policy/recorder.js';
import { TraceEventSink } from './policy/trace-event-sink.js';
import { ChainEventSink } from './store/chain-event-sink.js';
import { EvidenceStore } from './store/evidence-store.js';
import { readEnrolledDocks, readProvisionedKeys } from './store/provisioned-keys.js';

const FIRMWARE_VERSION = '0.1.0';
const ROOT = '/';

const settings = readChaincamConfig(config);
const capture = readCaptureConfig((config as Record<string, any>).chaincam?.capture);
const ticks = () => Time.ticks;
const port = createCryptoPort();
const keys = readProvisionedKeys(files, ROOT);

const store = EvidenceStore.open({ files, root: ROOT, port, keys, clock: () => Date.now() });
if (store.openAtCut) trace(`recovery: recording ${store.openAtCut.recording} segment ${store.openAtCut.openSegment} was open at the power cut\n`);
store.recordBoot(FIRMWARE_VERSION);
const events = new ChainEventSink(store, new TraceEventSink(ticks));

// The pipeline and the camera refer to each other: the pipeline asks for the ground
// and stops the recording when storage runs out.
let camera: ChaincamCamera | undefined;
const pipeline = new CapturePipeline({
  camera: new Camera({ width: capture.width, height: capture.height, imageType: 'jpeg', format: 'buffer' }),
  microphone: new MicrophoneInput({ io: AudioIn, sampleRate: capture.sampleRate }),
  store,
  timers: Timer,
  clock: () => Date.now(),
  fps: capture.fps,
  segmentSeconds: capture.segmentSeconds,
  preEventSeconds: settings.policy.preEventSeconds,
  groundOf: () => camera?.recorder.recording?.ground ?? 0,
  reserveBytes: capture.reserveBytes,
  lowSpaceBytes: capture.lowSpaceBytes,
  onStorageFull: () => {
    if (camera?.recorder.state === 'recording') camera.recorder.stop(STOP_REASON.storageFull);
  },
  onLowSpace: (free) => {
    const total = files.System.info().total;
    camera?.notice.lowStorage(Math.floor((100 * free) / Math.max(1, total)));
  },
  onError: (error) => trace(`capture error: ${error.message}\n`),
});
camera = buildCamera(device, { settings, events, capture: pipeline, nextRecording: store.nextRecording });
camera.recorder.powerOn();
startDockLink({ store, port, keys, enrolledDocks: readEnrolledDocks(files, ROOT), events, label: settings.board.name });

trace(`chaincam: ${settings.board.name} ready (profile ${settings.profile})\n`);
