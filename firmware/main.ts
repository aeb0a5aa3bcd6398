// chaincam firmware entry point (creation.main in manifest.json). The same code
// runs on the ESP32-S3 board and, unchanged, on the simulated board.
import config from 'mc/config';
import Timer from 'timer';
import IndicatorLED from '../drivers/indicator-led.js';
import { boardPins } from './board-pins.js';
import { readChaincamConfig } from './config.js';
import { LedPatternPlayer } from './notice/led-pattern-player.js';

const settings = readChaincamConfig(config);
const pins = boardPins(device.pin, settings);
const led = new IndicatorLED({ led: { io: device.io.Digital, pin: pins.led, activeLow: pins.ledActiveLow } });
const indicator = new LedPatternPlayer({ led, timers: Timer });

indicator.play(settings.ledPatterns.ready);
trace(`chaincam: ${settings.board.name} ready (profile ${settings.profile})\n`);
