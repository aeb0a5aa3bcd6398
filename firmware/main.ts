// chaincam firmware entry point (creation.main in manifest.json). The same code
// runs on the ESP32-S3 board and, unchanged, on the simulated board.
import config from 'mc/config';
import Time from 'time';
import { buildCamera } from './camera.js';
import { readChaincamConfig } from './config.js';
import { TraceEventSink } from './policy/trace-event-sink.js';

const settings = readChaincamConfig(config);
const events = new TraceEventSink(() => Time.ticks);
const camera = buildCamera(device, { settings, events });

events.record({ type: 'power-on', resetReason: 1, firmwareVersion: '0.1.0' });
camera.recorder.powerOn();
trace(`chaincam: ${settings.board.name} ready (profile ${settings.profile})\n`);
