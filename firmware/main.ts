// chaincam firmware entry point (creation.main in manifest.json). The same code runs
// on the ESP32-S3 board and, unchanged, on the simulated board: the evidence store
// (recovered at boot), the camera (notice, recorder, button), capture into sealed
// segments, and the dock link on the board's serial port. A camera without an identity
// first waits on its dock link to be provisioned, then starts the same way.
import config from 'mc/config';
import Time from 'time';
import Timer from 'timer';
import files from 'file';
import { buildCamera, buildSign, type Camera as ChaincamCamera } from './camera.js';
import { boardCapturePipeline } from './capture/board-capture.js';
import { readCaptureConfig } from './capture/capture-config.js';
import { readChaincamConfig } from './config.js';
import { createCryptoPort } from './crypto/moddable-crypt-port.js';
import { configurationSummary, digestOfEncodedConfiguration, encodeConfiguration, type CameraConfiguration } from './format/camera-configuration.js';
import { boardDockPort, startDockLink } from './dock/camera-dock.js';
import { ProvisioningSession } from './dock/provisioning-session.js';
import { SerialLink } from './dock/serial-link.js';
import { TraceEventSink } from './policy/trace-event-sink.js';
import { ChainEventSink } from './store/chain-event-sink.js';
import type { CameraKeys } from './store/evidence-store.js';
import { cardPinConflicts, cardRefusal, openStoreWithCard, type CardSlot } from './store/card-volume.js';
import { isProvisioned, provisioningRefusal, readEnrolledDocks, readProvisionedKeys, writeProvisioning } from './store/provisioned-keys.js';

const FIRMWARE_VERSION = '0.1.0';
const ROOT = '/';

const settings = readChaincamConfig(config);
const capture = readCaptureConfig((config as Record<string, any>).chaincam?.capture);
const ticks = () => Time.ticks;
const port = createCryptoPort();
/** The board's microSD slot (manifest platforms config board.sdCard); none: footage on littlefs. */
const sdCard = (config as Record<string, any>).board?.sdCard as CardSlot | undefined;
if (sdCard) for (const conflict of cardPinConflicts(sdCard, (config as Record<string, any>).board)) trace(`chaincam: pin conflict: ${conflict} (drivers/sd-card/README.md)\n`);

if (isProvisioned(files, ROOT)) startCamera(readProvisionedKeys(files, ROOT));
else awaitProvisioning();

function startCamera(keys: CameraKeys, link?: SerialLink): void {
  const { store, card } = openStoreWithCard({ files, root: ROOT, port, keys, clock: () => Date.now() }, sdCard);
  if (store.openAtCut) trace(`recovery: recording ${store.openAtCut.recording} segment ${store.openAtCut.openSegment} was open at the power cut\n`);
  const enrolledDocks = readEnrolledDocks(files, ROOT);
  // Who the footage is sealed to, who may release it, and the policy: on the chain when it changes.
  const configuration: CameraConfiguration = { agencyPublicKey: keys.agencyPublicKey, enrolledDocks, policy: settings.policy };
  const summary = configurationSummary(port, configuration);
  const encoded = encodeConfiguration(configuration);
  if (store.recordBoot(FIRMWARE_VERSION, { digest: digestOfEncodedConfiguration(port, encoded), encoded, summary }, card?.condition)) trace(`chaincam: configuration on the chain: ${summary}\n`);
  if (card) trace(`chaincam: ${card.detail}\n`);
  const events = new ChainEventSink(store, new TraceEventSink(ticks));

  // The pipeline and the camera refer to each other: the pipeline asks for the ground
  // and stops the recording when storage runs out.
  let camera: ChaincamCamera | undefined;
  const pipeline = boardCapturePipeline({
    capture,
    preEventSeconds: settings.policy.preEventSeconds,
    store,
    recorder: () => camera?.recorder,
    // The last segment's commit at a stop warns after the stop tones, not over them.
    onLowSpace: (free) => camera?.notice.lowStorage(Math.floor((100 * free) / Math.max(1, store.totalBytes)), camera.recorder.state === 'stopping'),
    onError: (error) => {
      trace(`capture error: ${error.message}\n`);
      showCardProblem();
    },
  });
  // Any card condition but "ready" (CARD_CONDITION 1) takes the sign's ready screen until a reboot with a good card.
  const showCardProblem = () => {
    if (store.cardCondition !== undefined && store.cardCondition !== 1) camera?.notice.cardProblem(store.cardCondition);
  };
  camera = buildCamera(device, { settings, events, capture: pipeline, nextRecording: store.nextRecording, storageRefusal: () => (card ? cardRefusal(store.cardCondition) : undefined) });
  camera.recorder.powerOn();
  showCardProblem();
  startDockLink({ store, port, keys, enrolledDocks, events, label: settings.board.name, link, camera });

  trace(`chaincam: ${settings.board.name} ready (profile ${settings.profile})\n`);
}

/**
 * No identity: nothing can be sealed or signed, so the camera cannot record; its sign says so
 * and it only listens on its dock link for its keys.
 */
function awaitProvisioning(): void {
  trace(`chaincam: ${settings.board.name} is not provisioned; waiting for "chaincam provision --port" on its dock link\n`);
  const sign = buildSign(device, settings, (error) => trace(`sign: ${error.message}\n`));
  sign?.show({ kind: 'unprovisioned' });
  const link = new SerialLink({ dockPort: boardDockPort() });
  link.attach((io) => new ProvisioningSession({
    ...io,
    port,
    clock: { now: () => Date.now() },
    refusal: () => provisioningRefusal(files, ROOT),
    write: (keys, docks) => writeProvisioning(files, ROOT, keys, docks),
    // After this delivery, so PROVISIONED is on its way before the camera starts.
    onProvisioned: (keys) => Timer.set(() => {
      trace('chaincam: provisioned over the dock link\n');
      sign?.close(); // the camera's own sign takes the panel
      startCamera(keys, link);
    }, 0),
  }));
}
