// The sign display (Art. 10-6(1): notice by signs): "녹화 중 / RECORDING", the
// legal ground and the elapsed time, or the ready, notice-not-given and
// low-storage screens. It never throws: a display that fails is reported to
// onError (the notice controller records a failed channel) and reopened at the
// next full screen or self-test.
import type { TextMask, TextRenderer } from '../../drivers/text-renderer.js';
import type { LegalGround } from '../policy/legal-grounds.js';
import type { IndicatorJournal } from './indicator-journal.js';
import type { NoticeSign } from './notice-controller.js';
import { elapsedText, elapsedX, layoutSign, type ElapsedSlot, type SignScreen } from './sign-layout.js';

/** What the sign needs of a display driver (drivers/st7789.ts, drivers/ssd1306.ts). */
export interface SignPanel {
  readonly width: number;
  readonly height: number;
  /** False for a monochrome panel (it lights every colour but black). */
  readonly color?: boolean;
  /** Throws if the display can be heard not to answer. */
  probe(): void;
  fill(x: number, y: number, width: number, height: number, color: number): void;
  drawMask(x: number, y: number, mask: TextMask, scale: number, fg: number, bg: number): void;
  close(): void;
}

export interface SignageDisplayOptions {
  /** Opens the display's driver; throws when the display is missing. */
  open: () => SignPanel;
  renderer: TextRenderer;
  onError: (error: Error) => void;
  /** Where each screen drawn (or failed) goes, for the bench. */
  journal?: IndicatorJournal;
  /**
   * The recording lamp: a strip this many pixels high along the panel's bottom edge, lit red by
   * light(); the screens are laid out above it and never draw into it (config.board.lamp).
   */
  lampHeight?: number;
}

const LAMP_LIT = 0xf800; // SignColor.red
const LAMP_DARK = 0x0000;

export class SignageDisplay implements NoticeSign {
  readonly #open: () => SignPanel;
  readonly #renderer: TextRenderer;
  readonly #onError: (error: Error) => void;
  readonly #journal: IndicatorJournal | undefined;
  readonly #lampHeight: number;
  #panel: SignPanel | undefined;
  #screen: SignScreen | undefined;
  #elapsed: { slot: ElapsedSlot; text: string } | undefined;
  #beforeChoice: SignScreen | undefined;
  #opened = false;

  constructor(options: SignageDisplayOptions) {
    this.#open = options.open;
    this.#renderer = options.renderer;
    this.#onError = options.onError;
    this.#journal = options.journal;
    this.#lampHeight = options.lampHeight ?? 0;
  }

  /** The screen last asked for (shown, unless the display failed). */
  get screen(): SignScreen | undefined {
    return this.#screen;
  }

  /** True while a working display is open. */
  get working(): boolean {
    return this.#panel !== undefined;
  }

  /** The open display's size and whether it shows colour; undefined while none works. */
  get panel(): { width: number; height: number; color: boolean } | undefined {
    const panel = this.#panel;
    return panel && { width: panel.width, height: panel.height, color: panel.color !== false };
  }

  /** Draws a whole screen; false if the display failed (already reported). */
  show(screen: SignScreen): boolean {
    this.#screen = screen;
    const entry = this.#journal?.sign(screen) ?? -1;
    const panel = this.#panel ?? this.#reopen();
    if (!panel) {
      this.#journal?.failed(entry);
      return false;
    }
    try {
      const layout = layoutSign(screen, { width: panel.width, height: panel.height - this.#lampHeight }, this.#renderer);
      for (const op of layout.ops) {
        if (op.op === 'fill') panel.fill(op.x, op.y, op.width, op.height, op.color);
        else panel.drawMask(op.x, op.y, this.#renderer.mask(op.text), op.scale, op.fg, op.bg);
      }
      this.#elapsed = layout.elapsed && screen.kind === 'recording' ? { slot: layout.elapsed, text: elapsedText(screen.elapsedMs) } : undefined;
      return true;
    } catch (error) {
      this.#journal?.failed(entry);
      this.#fail(error);
      return false;
    }
  }

  /** Rewrites only the characters of the elapsed time that changed. */
  showElapsed(elapsedMs: number): void {
    const panel = this.#panel, current = this.#elapsed, screen = this.#screen;
    if (!panel || !current || screen?.kind !== 'recording') return;
    this.#screen = { ...screen, elapsedMs };
    const text = elapsedText(elapsedMs);
    if (text === current.text) return;
    const { slot } = current;
    const entry = this.#journal?.signElapsed(Math.floor(elapsedMs / 1000)) ?? -1;
    try {
      if (text.length !== current.text.length) {
        panel.fill(slot.x, slot.y, slot.width, this.#renderer.height * slot.scale, slot.bg);
        panel.drawMask(elapsedX(slot, text, this.#renderer), slot.y, this.#renderer.mask(text), slot.scale, slot.fg, slot.bg);
      } else {
        const x = elapsedX(slot, text, this.#renderer);
        for (let i = 0; i < text.length; i++) {
          if (text[i] === current.text[i]) continue;
          let end = i + 1;
          while (end < text.length && text[end] !== current.text[end]) end++;
          const left = x + this.#renderer.measure(text.slice(0, i)) * slot.scale;
          panel.drawMask(left, slot.y, this.#renderer.mask(text.slice(i, end)), slot.scale, slot.fg, slot.bg);
          i = end;
        }
      }
      current.text = text;
    } catch (error) {
      this.#journal?.failed(entry);
      this.#fail(error);
    }
  }

  /**
   * Lights or darkens the recording lamp strip (the board's recording light when no GPIO is free
   * for an LED). Throws when the display is not working: the lamp is on the same glass.
   */
  light(lit: boolean): void {
    if (!this.#lampHeight) throw new Error('this sign has no recording lamp (config.board.lamp)');
    // The first lamp write may open the panel (the power-on self-test); a failed panel is reopened
    // by the next full screen, not by every blink (its start-up waits would stall each one).
    const panel = this.#panel ?? (this.#opened ? undefined : this.#reopen());
    if (!panel) throw new Error('sign lamp: the sign display is not working');
    try {
      panel.fill(0, panel.height - this.#lampHeight, panel.width, this.#lampHeight, lit ? LAMP_LIT : LAMP_DARK);
    } catch (error) {
      this.#fail(error);
      throw error;
    }
  }

  /** Checks the display answers (reopening a failed one); reports a failure to onError. */
  selfTest(): void {
    if (!this.#panel) {
      if (this.#reopen() && this.#screen) this.show(this.#screen);
      return;
    }
    try {
      this.#panel.probe();
    } catch (error) {
      this.#fail(error);
    }
  }

  showReady(): void {
    this.show({ kind: 'ready' });
  }

  showRecording(ground: LegalGround | undefined, elapsedMs: number): void {
    this.show({ kind: 'recording', ground, elapsedMs });
  }

  showNoticeNotGiven(reason: string): void {
    this.show({ kind: 'notice-not-given', reason });
  }

  showLowStorage(percentFree: number): void {
    this.show({ kind: 'low-storage', percentFree });
  }

  showCardProblem(condition: number): void {
    this.show({ kind: 'card', condition });
  }

  /** The officer's ground choice, over whatever the sign showed; endChoice() brings that back. */
  showChoice(ground: LegalGround, purpose: 'start' | 'confirm' | 'change'): void {
    if (this.#screen?.kind !== 'choice') this.#beforeChoice = this.#screen;
    this.show({ kind: 'choice', ground, purpose });
  }

  endChoice(): void {
    if (this.#screen?.kind !== 'choice') return;
    const previous = this.#beforeChoice ?? { kind: 'ready' };
    this.#beforeChoice = undefined;
    this.show(previous);
  }

  close(): void {
    const panel = this.#panel;
    this.#panel = undefined;
    this.#elapsed = undefined;
    try {
      panel?.close();
    } catch {
      // closing a failed display must not throw
    }
  }

  #reopen(): SignPanel | undefined {
    this.#opened = true;
    try {
      this.#panel = this.#open();
    } catch (error) {
      this.#fail(error);
    }
    return this.#panel;
  }

  #fail(error: unknown): void {
    this.close();
    this.#onError(error instanceof Error ? error : new Error(String(error)));
  }
}
