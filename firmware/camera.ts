// Assembles the camera from the board's IO and the configuration: drivers,
// notice channels, the recorder and the officer's button. One place where
// the parts meet, so main stays a few lines and tests can build the same camera.
import Modules from 'modules';
import type AudioOut from 'pins/audioout';
import Time from 'time';
import Timer from 'timer';
import { BitmapFont } from '../drivers/bitmap-font.js';
import I2sSpeaker from '../drivers/i2s-speaker.js';
import IndicatorLED from '../drivers/indicator-led.js';
import PushButton from '../drivers/push-button.js';
import PwmBuzzer from '../drivers/pwm-buzzer.js';
import { SIGN_FONT } from '../drivers/sign-font.js';
import { TextRenderer } from '../drivers/text-renderer.js';
import { boardPins, type BoardPins } from './board-pins.js';
import type { ChaincamConfig } from './config.js';
import { IndicatorJournal, journaledBuzzer, journaledEvents, journaledLed } from './notice/indicator-journal.js';
import { LedPatternPlayer } from './notice/led-pattern-player.js';
import { NoticeController, type NoticeSign } from './notice/notice-controller.js';
import { signPanelOpener } from './notice/sign-panel-config.js';
import { SignageDisplay } from './notice/signage.js';
import { TonePlayer } from './notice/tone-player.js';
import type { EventSink } from './policy/event-sink.js';
import { OfficerControls, type GroundChoiceDisplay } from './policy/officer-controls.js';
import { Recorder, type CaptureSink } from './policy/recorder.js';

export interface Camera {
  recorder: Recorder;
  sign: SignageDisplay | undefined;
  notice: NoticeController;
  controls: OfficerControls;
  button: PushButton;
  /** What the firmware drove each notice channel to do, read by the bench over the dock link. */
  journal: IndicatorJournal;
}

export interface CameraParts {
  settings: ChaincamConfig;
  events: EventSink;
  /** Replaces the board's own sign display (a test that reads the sign from the trace). */
  sign?: NoticeSign & Partial<GroundChoiceDisplay> & Partial<Pick<SignageDisplay, 'light'>>;
  capture?: CaptureSink;
  /** The next recording number, from the store (numbers never repeat across power cycles). */
  nextRecording?: number;
  /** Why nothing recorded now could be kept (no usable SD card), or undefined. */
  storageRefusal?: () => string | undefined;
}

/**
 * The board's sign display, or undefined when the board has none. The panel is opened lazily
 * by SignageDisplay, so a missing display is a failure reported to onError, not a boot failure.
 */
export function buildSign(board: typeof device, settings: ChaincamConfig, onError: (error: Error) => void, journal?: IndicatorJournal): SignageDisplay | undefined {
  const open = signPanelOpener(settings.board.display, board);
  return open && new SignageDisplay({ open, renderer: new TextRenderer(new BitmapFont(SIGN_FONT)), onError, journal, lampHeight: settings.board.lamp?.height });
}

/**
 * The notice tones' hardware: the board's I2S speaker (config.board.speaker) through Moddable's
 * pins/audioout, which only that platform's build includes, or a PWM buzzer on a pin.
 */
function noticeSound(board: typeof device, settings: ChaincamConfig, buzzerPin: number | undefined, ticks: () => number, onError: (error: Error) => void): I2sSpeaker | PwmBuzzer {
  const speaker = settings.board.speaker;
  if (!speaker) return new PwmBuzzer({ buzzer: { io: board.io.PWM, pin: buzzerPin! } });
  if (!Modules.has('pins/audioout')) throw new Error(`board "${settings.board.name}" has config.board.speaker, but this build has no pins/audioout: include "$(MODULES)/pins/i2s/manifest.json" in this platform's section of manifest.json`);
  return new I2sSpeaker({ speaker: { io: Modules.importNow('pins/audioout') as typeof AudioOut, sampleRate: speaker.sampleRate }, ticks, timers: Timer, onError });
}

/**
 * The recording light: an LED on its pin, or, on a board with no GPIO free for one
 * (config.board.lamp), the red lamp strip the sign draws along its bottom edge.
 */
function recordingLight(board: typeof device, settings: ChaincamConfig, pins: BoardPins, sign: Partial<Pick<SignageDisplay, 'light'>> | undefined): Pick<IndicatorLED, 'write'> {
  if (!settings.board.lamp) return new IndicatorLED({ led: { io: board.io.Digital, pin: pins.led!, activeLow: pins.ledActiveLow } });
  return {
    write(lit: boolean): void {
      if (!sign?.light) throw new Error(`board "${settings.board.name}": the recording lamp is drawn on the sign, and this board has no sign display`);
      sign.light(lit);
    },
  };
}

export function buildCamera(board: typeof device, parts: CameraParts): Camera {
  const { settings } = parts;
  const ticks = () => Time.ticks;
  // Every notice write and recorder event goes through the journal, so the bench measures
  // the firmware that ships rather than a bench build.
  const journal = new IndicatorJournal(ticks);
  const events = journaledEvents(parts.events, journal);
  const pins = boardPins(board.pin, settings);
  const signage = parts.sign ? undefined : buildSign(board, settings, (error) => notice.channelFailed('display', error), journal);
  const sign: (NoticeSign & Partial<GroundChoiceDisplay> & Partial<Pick<SignageDisplay, 'light'>>) | undefined = parts.sign ?? signage;
  const led = journaledLed(recordingLight(board, settings, pins, sign), journal);
  const buzzer = journaledBuzzer(noticeSound(board, settings, pins.buzzer, ticks, (error) => notice.channelFailed('tone', error)), journal);
  // The recorder records channel failures; the controller needs it before it exists.
  let recorder: Recorder | undefined;
  const notice: NoticeController = new NoticeController({
    led,
    ledPlayer: new LedPatternPlayer({ led, timers: Timer, onError: (error) => notice.channelFailed('led', error) }),
    tones: new TonePlayer({ buzzer, timers: Timer, onError: (error) => notice.channelFailed('tone', error) }),
    sign,
    patterns: settings.ledPatterns,
    sounds: settings.tones,
    ticks,
    onChannelFailure: (channel, error) => recorder!.channelFailed(channel, error),
  });
  recorder = new Recorder({ policy: settings.policy, notice, events, timers: Timer, ticks, capture: parts.capture, nextRecording: parts.nextRecording, storageRefusal: parts.storageRefusal });
  const controls = new OfficerControls({
    recorder,
    timers: Timer,
    choiceTimeoutMs: settings.button.choiceTimeoutMs,
    display: {
      showChoice: (ground, purpose) => sign?.showChoice?.(ground, purpose),
      endChoice: () => sign?.endChoice?.(),
    },
    onError: (error) => trace(`controls: ${error.message}\n`),
  });
  const button = new PushButton({
    button: { io: board.io.Digital, pin: pins.button },
    debounceMs: settings.button.debounceMs,
    longMs: settings.button.longMs,
    holdMs: settings.button.holdMs,
    onPress: (kind) => controls.press(kind),
  });
  return { recorder, sign: signage, notice, controls, button, journal };
}
