// Where each word of a sign goes, for the two panels we drive: 240x240 colour
// (ST7789) and 128x64 monochrome (SSD1306). A layout is a list of fills and text
// runs, so the firmware draws it and a test can redraw it to check the panel.
import type { TextRenderer } from '../../drivers/text-renderer.js';
import type { LegalGround } from '../policy/legal-grounds.js';
import { ELLIPSIS, SIGN_WORDING, type SignWords } from './sign-wording.js';

export type SignScreen =
  | { readonly kind: 'ready' }
  | { readonly kind: 'recording'; readonly ground: LegalGround | undefined; readonly elapsedMs: number }
  | { readonly kind: 'notice-not-given'; readonly reason: string }
  | { readonly kind: 'low-storage'; readonly percentFree: number }
  | { readonly kind: 'choice'; readonly ground: LegalGround; readonly purpose: 'start' | 'confirm' | 'change' }
  /** A camera with no identity yet: it cannot record until it is provisioned on its dock link. */
  | { readonly kind: 'unprovisioned' }
  /** The SD card cannot keep footage (CARD_CONDITIONS 2-7): which, and that nothing is recorded. */
  | { readonly kind: 'card'; readonly condition: number };

/** The words for each card condition (firmware/format/record-codes.ts CARD_CONDITIONS). */
export const CARD_WORDS: Readonly<Record<number, SignWords>> = Object.freeze({
  2: SIGN_WORDING.cardAbsent, 3: SIGN_WORDING.cardUnformatted, 4: SIGN_WORDING.cardFailing,
  5: SIGN_WORDING.cardFull, 6: SIGN_WORDING.cardRemoved, 7: SIGN_WORDING.cardForeign,
});

/** RGB565; a monochrome panel lights every colour but black. */
export const SignColor = Object.freeze({ black: 0x0000, white: 0xffff, red: 0xf800, green: 0x07e0, amber: 0xfd20, gray: 0xad55 });

export type SignOp =
  | { readonly op: 'fill'; readonly x: number; readonly y: number; readonly width: number; readonly height: number; readonly color: number }
  | { readonly op: 'text'; readonly text: string; readonly x: number; readonly y: number; readonly scale: number; readonly fg: number; readonly bg: number };

/** The band the elapsed time lives in, redrawn alone each second. */
export interface ElapsedSlot {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly scale: number;
  readonly fg: number;
  readonly bg: number;
  readonly align: 'center' | 'right';
}

export interface SignLayout {
  readonly ops: SignOp[];
  readonly elapsed: ElapsedSlot | undefined;
}

export interface SignSize {
  readonly width: number;
  readonly height: number;
}

/** "mm:ss", and "h:mm:ss" from the first hour on. */
export function elapsedText(ms: number): string {
  const seconds = Math.max(0, Math.floor(ms / 1000));
  const two = (n: number) => (n < 10 ? '0' : '') + n;
  const h = Math.floor(seconds / 3600), m = Math.floor(seconds / 60) % 60, s = seconds % 60;
  return h ? `${h}:${two(m)}:${two(s)}` : `${two(m)}:${two(s)}`;
}

/** Left edge of the elapsed text in its slot. */
export function elapsedX(slot: ElapsedSlot, text: string, renderer: TextRenderer): number {
  const width = renderer.measure(text) * slot.scale;
  return slot.align === 'right' ? slot.x + slot.width - width : slot.x + ((slot.width - width) >> 1);
}

export function layoutSign(screen: SignScreen, size: SignSize, renderer: TextRenderer): SignLayout {
  const ops: SignOp[] = [{ op: 'fill', x: 0, y: 0, width: size.width, height: size.height, color: SignColor.black }];
  const large = size.width >= 200 && size.height >= 200;
  const lineHeight = renderer.height;
  const text = (value: string, y: number, scale: number, fg: number, bg: number, align: 'left' | 'center' | 'right' = 'center') => {
    const fitted = renderer.fit(value, Math.floor(size.width / scale), ELLIPSIS);
    const width = renderer.measure(fitted) * scale;
    const x = align === 'left' ? 0 : align === 'right' ? size.width - width : (size.width - width) >> 1;
    if (fitted) ops.push({ op: 'text', text: fitted, x, y, scale, fg, bg });
  };
  const band = (height: number, color: number) => ops.push({ op: 'fill', x: 0, y: 0, width: size.width, height, color });
  // The top of every warning screen: an amber band on the colour panel, an inverted line on the small one.
  const heading = (words: SignWords, largeEnglish = false, align: 'left' | 'center' = 'center') => {
    if (large) {
      band(88, SignColor.amber);
      text(words.ko, 8, 2, SignColor.black, SignColor.amber);
      text(words.en, largeEnglish ? 48 : 56, largeEnglish ? 2 : 1, SignColor.black, SignColor.amber);
    } else {
      band(lineHeight, SignColor.white);
      text(words.ko, 0, 1, SignColor.black, SignColor.white, align);
      text(words.en, 16, 1, SignColor.white, SignColor.black, align);
    }
  };
  // 녹화 불가 / CANNOT RECORD under a warning heading (no provisioning, no usable card).
  const cannotRecord = () => {
    text(W.cannotRecord.ko, large ? 112 : 32, large ? 2 : 1, SignColor.white, SignColor.black);
    text(W.cannotRecord.en, large ? 152 : 48, 1, SignColor.white, SignColor.black);
  };
  const wrapped = (value: string, y: number, lines: number, fg: number) => {
    for (const line of wrap(value, size.width, lines, renderer)) {
      text(line, y, 1, fg, SignColor.black);
      y += lineHeight + (large ? 4 : 0);
    }
  };
  const W = SIGN_WORDING;
  let elapsed: ElapsedSlot | undefined;
  switch (screen.kind) {
    case 'ready':
      if (large) {
        text(W.ready.ko, 64, 2, SignColor.green, SignColor.black);
        text(W.ready.en, 104, 2, SignColor.green, SignColor.black);
        text(W.notRecording.en, 160, 1, SignColor.gray, SignColor.black);
      } else {
        text(W.ready.ko, 0, 1, SignColor.white, SignColor.black);
        text(W.ready.en, 16, 1, SignColor.white, SignColor.black);
        text(W.notRecording.en, 40, 1, SignColor.white, SignColor.black);
      }
      break;
    case 'recording': {
      const ground = screen.ground;
      const code = ground ? String(ground.code) : '?';
      const fg = ground ? SignColor.white : SignColor.amber;
      if (large) {
        band(88, SignColor.red);
        text(W.recording.ko, 8, 2, SignColor.white, SignColor.red);
        text(W.recording.en, 48, 2, SignColor.white, SignColor.red);
        text(ground ? `근거 ${code} · ${ground.ko}` : W.groundPending.ko, 100, 1, fg, SignColor.black);
        text(ground ? `Ground ${code}: ${ground.en}` : W.groundPending.en, 122, 1, fg, SignColor.black);
        elapsed = { x: 0, y: 160, width: size.width, scale: 3, fg: SignColor.white, bg: SignColor.black, align: 'center' };
      } else {
        band(lineHeight, SignColor.white);
        text(W.recording.ko, 0, 1, SignColor.black, SignColor.white, 'left');
        text(W.recording.en, 16, 1, SignColor.white, SignColor.black, 'left');
        text(`#${code}`, 16, 1, SignColor.white, SignColor.black, 'right');
        text(ground ? ground.ko : W.groundPending.ko, 32, 1, SignColor.white, SignColor.black, 'left');
        text(ground ? ground.en : W.groundPending.en, 48, 1, SignColor.white, SignColor.black, 'left');
        elapsed = { x: size.width - 56, y: 0, width: 56, scale: 1, fg: SignColor.black, bg: SignColor.white, align: 'right' };
      }
      const value = elapsedText(screen.elapsedMs);
      ops.push({ op: 'text', text: value, x: elapsedX(elapsed, value, renderer), y: elapsed.y, scale: elapsed.scale, fg: elapsed.fg, bg: elapsed.bg });
      break;
    }
    case 'notice-not-given':
      heading(W.noticeNotGiven);
      wrapped(screen.reason, large ? 100 : 32, large ? 6 : 2, SignColor.white);
      break;
    case 'low-storage': {
      const free = `${Math.max(0, Math.min(100, Math.round(screen.percentFree)))}% ${W.storageFree.en}`;
      heading(W.lowStorage, true);
      if (large) text(free, 120, 2, SignColor.white, SignColor.black);
      else text(free, 32, 1, SignColor.white, SignColor.black);
      break;
    }
    case 'unprovisioned':
      heading(W.unprovisioned);
      cannotRecord();
      if (large) text(W.provisionHint.en, 200, 1, SignColor.gray, SignColor.black);
      break;
    case 'card':
      heading(CARD_WORDS[screen.condition] ?? SIGN_WORDING.cardFailing);
      cannotRecord();
      break;
    case 'choice': {
      const { code, ko, en } = screen.ground;
      heading(screen.purpose === 'start' ? W.chooseGround : screen.purpose === 'confirm' ? W.confirmGround : W.changeGround, false, 'left');
      if (large) {
        text(`${code}`, 96, 3, SignColor.white, SignColor.black);
        text(ko, 152, 1, SignColor.white, SignColor.black);
        text(en, 174, 1, SignColor.white, SignColor.black);
        text(W.choiceHint.en, 210, 1, SignColor.gray, SignColor.black);
      } else {
        text(`#${code}`, 0, 1, SignColor.black, SignColor.white, 'right');
        text(ko, 32, 1, SignColor.white, SignColor.black, 'left');
        text(en, 48, 1, SignColor.white, SignColor.black, 'left');
      }
      break;
    }
  }
  return { ops, elapsed };
}

/** Greedy word wrap into at most `lines` lines; the last one is cut with an ellipsis. */
function wrap(value: string, width: number, lines: number, renderer: TextRenderer): string[] {
  const out: string[] = [];
  let line = '';
  for (const word of value.split(/\s+/).filter(Boolean)) {
    const candidate = line ? `${line} ${word}` : word;
    if (renderer.measure(candidate) <= width || !line) line = candidate;
    else {
      out.push(line);
      line = word;
    }
  }
  if (line) out.push(line);
  if (out.length > lines) {
    out.length = lines;
    out[lines - 1] = renderer.fit(`${out[lines - 1]} ${ELLIPSIS}`, width, ELLIPSIS);
  }
  return out;
}
