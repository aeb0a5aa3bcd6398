// A camera's indicator journal as the bench station collects it over the dock link: entries
// in order with their ticks unwrapped to one time line, and the figures the bench measures
// (LED on, tone onsets, sign draws, the screen shown, recorder events) read from it.
import { CHOICE_PURPOSES, JOURNAL_FLAG, JOURNAL_KIND, SIGN_SCREEN, type JournalEntry, type JournalPage } from '../../firmware/format/bench-messages.js';
import { elapsedText, type SignScreen } from '../../firmware/notice/sign-layout.js';
import { legalGround } from '../../firmware/policy/legal-grounds.js';
import { Timeline } from '../sim/timeline.js';
import type { BenchEvent } from './bench-camera.js';

export interface TimedEntry extends JournalEntry {
  /** Camera milliseconds on one time line (ticks unwrapped past 2^32). */
  t: number;
}

/** A whole screen the camera reports drawing, with the elapsed time its later digit redraws set. */
export interface ReportedScreen {
  t: number;
  screen: number;
  ground: number;
  value: number;
  failed: boolean;
}

const TWO_32 = 2 ** 32;
const CHANNEL_BITS: [number, string][] = [[1, 'LED'], [2, 'buzzer'], [4, 'sign']];

export class CameraJournal {
  readonly entries: TimedEntry[] = [];
  #next: number;
  #reference: number | undefined;

  /** Collects from entry `from` on (the camera's next index when the bench began). */
  constructor(from = 0) {
    this.#next = from;
  }

  /** The index of the first entry not yet collected. */
  get next(): number {
    return this.#next;
  }

  /** Camera ticks (mod 2^32) on the journal's time line: the value nearest the last one seen. */
  unwrap(ticks: number): number {
    if (this.#reference === undefined) return (this.#reference = ticks);
    const delta = (((ticks - this.#reference) % TWO_32) + TWO_32) % TWO_32;
    const t = this.#reference + (delta >= TWO_32 / 2 ? delta - TWO_32 : delta);
    this.#reference = Math.max(this.#reference, t);
    return t;
  }

  /** Adds a page read from this.next; throws if the camera's ring overwrote entries first. */
  add(page: JournalPage): void {
    if (page.first > this.#next) {
      throw new Error(`the camera's indicator journal overwrote entries ${this.#next}-${page.first - 1} before the bench read them (the host fell more than ${page.next - page.first} entries behind); run the bench again on a host that is not busy`);
    }
    for (const entry of page.entries) {
      if (entry.index < this.#next) continue;
      this.entries.push({ ...entry, t: this.unwrap(entry.ticks) });
      this.#next = entry.index + 1;
    }
  }

  events(): BenchEvent[] {
    const out: BenchEvent[] = [];
    for (const e of this.entries) {
      const recording = e.value;
      switch (e.kind) {
        case JOURNAL_KIND.recordingStart: out.push({ t: e.t, type: 'recording-start', recording, legalGround: e.a, startMode: e.b }); break;
        case JOURNAL_KIND.recordingStop: out.push({ t: e.t, type: 'recording-stop', recording, stopReason: e.a }); break;
        case JOURNAL_KIND.noticeFailure: out.push({ t: e.t, type: 'notice-failure', recording, failedIndicators: e.a, noticeReason: e.b, text: failureText(e.a, e.b) }); break;
        case JOURNAL_KIND.groundUnconfirmed: out.push({ t: e.t, type: 'ground-unconfirmed', recording }); break;
        case JOURNAL_KIND.groundChange: out.push({ t: e.t, type: 'ground-change', recording, fromGround: e.a, toGround: e.b }); break;
        default: break;
      }
    }
    return out;
  }

  /** LED writes that reached the driver without an error. */
  ledWrites(): { t: number; lit: boolean }[] {
    return this.#working(JOURNAL_KIND.led).map((e) => ({ t: e.t, lit: e.a === 1 }));
  }

  /** Tones the buzzer driver took (hz 0: silenced). */
  toneWrites(): { t: number; hz: number }[] {
    return this.#working(JOURNAL_KIND.tone).map((e) => ({ t: e.t, hz: e.value }));
  }

  /** Times the sign driver drew without an error (whole screens and elapsed digits). */
  signDraws(): number[] {
    return this.#working(JOURNAL_KIND.sign).map((e) => e.t);
  }

  /** When the sign driver first drew a whole `screen` (SIGN_SCREEN) at or after `from`. */
  screenDrawnAt(screen: number, from: number): number | undefined {
    return this.#working(JOURNAL_KIND.sign).find((e) => e.t >= from && e.a === screen && !(e.flags & JOURNAL_FLAG.elapsedOnly))?.t;
  }

  /** The last whole screen drawn at or before `t`, with the elapsed seconds its digit redraws reached. */
  screenAt(t: number): ReportedScreen | undefined {
    let shown: ReportedScreen | undefined;
    for (const e of this.entries) {
      if (e.t > t) break;
      if (e.kind !== JOURNAL_KIND.sign) continue;
      const failed = (e.flags & JOURNAL_FLAG.driverFailed) !== 0;
      if (!(e.flags & JOURNAL_FLAG.elapsedOnly)) shown = { t: e.t, screen: e.a, ground: e.b, value: e.value, failed };
      else if (shown?.screen === SIGN_SCREEN.recording && !failed) shown = { ...shown, value: e.value };
    }
    return shown;
  }

  /** The LED and buzzer as a timeline (for timeline-picture.ts), LED level = lit. */
  timeline(): Timeline {
    const timeline = new Timeline();
    for (const e of this.entries) {
      if (e.flags & JOURNAL_FLAG.driverFailed) continue;
      if (e.kind === JOURNAL_KIND.led) timeline.record({ t: e.t, kind: 'gpio', pin: -1, channel: 'led', level: e.a === 1 ? 1 : 0, direction: 'out' });
      if (e.kind === JOURNAL_KIND.tone) timeline.record({ t: e.t, kind: 'pwm', pin: -1, channel: 'buzzer', hz: e.value, duty: e.value > 0 ? 0.5 : 0 });
    }
    return timeline;
  }

  #working(kind: number): TimedEntry[] {
    return this.entries.filter((e) => e.kind === kind && !(e.flags & JOURNAL_FLAG.driverFailed));
  }
}

/** The screen a reported draw stands for, as the firmware's layout draws it (a notice-not-given reason is not journaled). */
export function reportedSignScreen(r: ReportedScreen): SignScreen | undefined {
  switch (r.screen) {
    case SIGN_SCREEN.ready: return { kind: 'ready' };
    case SIGN_SCREEN.recording: return { kind: 'recording', ground: r.ground ? legalGround(r.ground) : undefined, elapsedMs: r.value * 1000 };
    case SIGN_SCREEN.lowStorage: return { kind: 'low-storage', percentFree: r.value };
    case SIGN_SCREEN.choice: return { kind: 'choice', ground: legalGround(r.ground), purpose: CHOICE_PURPOSES[r.value - 1] ?? 'start' };
    case SIGN_SCREEN.unprovisioned: return { kind: 'unprovisioned' };
    case SIGN_SCREEN.card: return { kind: 'card', condition: r.value };
    default: return undefined;
  }
}

/** How a reported screen differs from `want`, in a tester's words; undefined when it is the same. */
export function reportedDifference(shown: ReportedScreen | undefined, want: SignScreen): string | undefined {
  if (!shown) return 'the camera reports no screen drawn';
  if (shown.failed) return 'the sign driver failed drawing the last screen';
  const got = reportedSignScreen(shown);
  if (!got) return `the camera reports screen ${shown.screen}`;
  if (got.kind !== want.kind) return `the camera reports the ${got.kind} screen, not ${want.kind}`;
  if (got.kind === 'recording' && want.kind === 'recording') {
    if (got.ground?.code !== want.ground?.code) return `the camera reports ground ${got.ground?.code ?? 'pending'}, not ${want.ground?.code ?? 'pending'}`;
    // The elapsed time is redrawn once a second: a look that lands between a second's turn and
    // its redraw (a few ms later when the CPU is busy) still sees the second before.
    const seen = elapsedText(got.elapsedMs);
    if (seen !== elapsedText(want.elapsedMs) && seen !== elapsedText(Math.max(0, want.elapsedMs - 1000))) return `the camera reports ${seen} elapsed, not ${elapsedText(want.elapsedMs)}`;
  }
  return undefined;
}

function failureText(bits: number, reason: number): string {
  const channels = CHANNEL_BITS.filter(([bit]) => bits & bit).map(([, name]) => name).join(', ');
  return `${channels || 'no channel'} failed (notice reason ${reason}), as the camera reports`;
}
