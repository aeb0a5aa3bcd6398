// The camera's one button, as the officer uses it:
//   ready      short: choose a ground (each short press: next ground)   long: one-press emergency start
//   choosing   short: next ground   long: start on it (or confirm/change it while recording)
//   recording  short: choose a ground to confirm or change to          hold (3 s): stop
// A choice left alone for 10 s is abandoned.
import type Timer from 'timer';
import type { PressKind } from '../../drivers/push-button.js';
import { legalGround, type LegalGround } from './legal-grounds.js';
import type { Recorder } from './recorder.js';

export interface GroundChoiceDisplay {
  showChoice(ground: LegalGround, purpose: 'start' | 'confirm' | 'change'): void;
  endChoice(): void;
}

export class OfficerControls {
  readonly #recorder: Recorder;
  readonly #display: GroundChoiceDisplay;
  readonly #timers: typeof Timer;
  readonly #choiceTimeoutMs: number;
  readonly #onError: (error: Error) => void;
  #choosing: { ground: number; purpose: 'start' | 'confirm' | 'change' } | undefined;
  #timeout: Timer | undefined;

  constructor(options: { recorder: Recorder; display: GroundChoiceDisplay; timers: typeof Timer; choiceTimeoutMs: number; onError: (error: Error) => void }) {
    this.#recorder = options.recorder;
    this.#display = options.display;
    this.#timers = options.timers;
    this.#choiceTimeoutMs = options.choiceTimeoutMs; // config.ts: chaincam.button.choiceTimeoutMs, 10 s unless set
    this.#onError = options.onError;
  }

  press(kind: PressKind): void {
    try {
      this.#press(kind);
    } catch (error) {
      this.#onError(error as Error);
    }
  }

  #press(kind: PressKind): void {
    const recorder = this.#recorder;
    const choice = this.#choosing;
    if (choice) {
      if (kind === 'short') return this.#offer(choice.ground % 9 + 1, choice.purpose);
      this.#endChoice();
      if (choice.purpose === 'start') {
        if (recorder.state === 'ready') recorder.start(choice.ground);
      } else if (recorder.state === 'recording') {
        recorder.setGround(choice.ground, choice.purpose === 'confirm' ? 'emergency start confirmed by officer' : 'changed by officer');
      }
      return;
    }
    if (recorder.state === 'ready') {
      if (kind === 'short') this.#offer(1, 'start');
      else recorder.emergencyStart();
    } else if (recorder.state === 'recording') {
      if (kind === 'hold') recorder.stop();
      else if (kind === 'short') {
        const current = recorder.recording!;
        this.#offer(current.ground === 0 ? 1 : current.ground % 9 + 1, current.ground === 0 ? 'confirm' : 'change');
      }
    }
  }

  #offer(ground: number, purpose: 'start' | 'confirm' | 'change'): void {
    this.#choosing = { ground, purpose };
    this.#display.showChoice(legalGround(ground), purpose);
    if (this.#timeout) this.#timers.clear(this.#timeout);
    this.#timeout = this.#timers.set(() => {
      this.#timeout = undefined;
      this.#endChoice();
    }, this.#choiceTimeoutMs);
  }

  #endChoice(): void {
    if (this.#timeout) this.#timers.clear(this.#timeout);
    this.#timeout = undefined;
    this.#choosing = undefined;
    this.#display.endChoice();
  }
}
