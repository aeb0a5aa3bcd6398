// What the firmware told each notice channel's hardware to do, and when (LED level written,
// buzzer tone on or off, sign screen drawn), with the recorder's events between them: the
// camera's own account that `chaincam bench --port` measures a real camera from. A fixed ring
// of typed arrays, so keeping it costs a few stores per entry and no allocation.
import type IndicatorLED from '../../drivers/indicator-led.js';
import type PwmBuzzer from '../../drivers/pwm-buzzer.js';
import {
  CHOICE_PURPOSES, JOURNAL_FLAG, JOURNAL_KIND, MAX_JOURNAL_ENTRIES, SIGN_SCREEN, encodeJournalPage, writeJournalEntry,
} from '../format/bench-messages.js';
import type { EventSink, RecorderEvent } from '../policy/event-sink.js';
import type { SignScreen } from './sign-layout.js';

/** About 85 s of a recording (LED blinks, the elapsed time, reminders) between two reads. */
export const JOURNAL_CAPACITY = 256;

export class IndicatorJournal {
  readonly capacity: number;
  readonly #ticks: () => number;
  readonly #at: Uint32Array;
  readonly #kind: Uint8Array;
  readonly #flags: Uint8Array;
  readonly #a: Uint8Array;
  readonly #b: Uint8Array;
  readonly #value: Uint32Array;
  #next = 0;

  constructor(ticks: () => number, capacity = JOURNAL_CAPACITY) {
    this.capacity = capacity;
    this.#ticks = ticks;
    this.#at = new Uint32Array(capacity);
    this.#kind = new Uint8Array(capacity);
    this.#flags = new Uint8Array(capacity);
    this.#a = new Uint8Array(capacity);
    this.#b = new Uint8Array(capacity);
    this.#value = new Uint32Array(capacity);
  }

  /** The index the next entry gets; entries are numbered from 0 since boot. */
  get next(): number {
    return this.#next;
  }

  /** Adds an entry stamped now; returns its index, for failed(). */
  record(kind: number, a: number, b: number, value: number): number {
    const slot = this.#next % this.capacity;
    this.#at[slot] = this.#ticks(); // Uint32Array keeps ticks modulo 2^32, as the wire does
    this.#kind[slot] = kind;
    this.#flags[slot] = 0;
    this.#a[slot] = a;
    this.#b[slot] = b;
    this.#value[slot] = value;
    return this.#next++;
  }

  /** The driver threw on the write this entry recorded. */
  failed(index: number): void {
    if (index < 0 || index < this.#next - this.capacity || index >= this.#next) return;
    this.#flags[index % this.capacity]! |= JOURNAL_FLAG.driverFailed;
  }

  /** The sign's screen as numbers: which screen, its ground, and its one figure. */
  sign(screen: SignScreen): number {
    switch (screen.kind) {
      case 'ready': return this.record(JOURNAL_KIND.sign, SIGN_SCREEN.ready, 0, 0);
      case 'recording': return this.record(JOURNAL_KIND.sign, SIGN_SCREEN.recording, screen.ground?.code ?? 0, Math.floor(screen.elapsedMs / 1000));
      case 'notice-not-given': return this.record(JOURNAL_KIND.sign, SIGN_SCREEN.noticeNotGiven, 0, 0);
      case 'low-storage': return this.record(JOURNAL_KIND.sign, SIGN_SCREEN.lowStorage, 0, Math.max(0, Math.round(screen.percentFree)));
      case 'choice': return this.record(JOURNAL_KIND.sign, SIGN_SCREEN.choice, screen.ground.code, CHOICE_PURPOSES.indexOf(screen.purpose) + 1);
      case 'unprovisioned': return this.record(JOURNAL_KIND.sign, SIGN_SCREEN.unprovisioned, 0, 0);
      case 'card': return this.record(JOURNAL_KIND.sign, SIGN_SCREEN.card, 0, screen.condition);
    }
  }

  /** A redraw of the elapsed time's digits only, at this many seconds. */
  signElapsed(seconds: number): number {
    const index = this.record(JOURNAL_KIND.sign, SIGN_SCREEN.recording, 0, seconds);
    this.#flags[index % this.capacity] = JOURNAL_FLAG.elapsedOnly;
    return index;
  }

  /** The recorder events a bench measures against; the rest are the chain's business. */
  event(e: RecorderEvent): void {
    switch (e.type) {
      case 'recording-start': this.record(JOURNAL_KIND.recordingStart, e.legalGround, e.startMode, e.recording); break;
      case 'recording-stop': this.record(JOURNAL_KIND.recordingStop, e.stopReason, 0, e.recording); break;
      case 'notice-failure': this.record(JOURNAL_KIND.noticeFailure, e.failedIndicators, e.noticeReason, e.recording); break;
      case 'ground-unconfirmed': this.record(JOURNAL_KIND.groundUnconfirmed, 0, 0, e.recording); break;
      case 'ground-change': this.record(JOURNAL_KIND.groundChange, e.fromGround, e.toGround, e.recording); break;
      default: break;
    }
  }

  /** Up to a page of entries from `from` on; older ones the ring overwrote start at the oldest held. */
  page(from: number): Uint8Array {
    const first = Math.min(this.#next, Math.max(from, this.#next - this.capacity));
    const count = Math.min(MAX_JOURNAL_ENTRIES, this.#next - first);
    return encodeJournalPage(first, this.#next, count, (k, view, offset) => {
      const slot = (first + k) % this.capacity;
      writeJournalEntry(view, offset, this.#at[slot]!, this.#kind[slot]!, this.#flags[slot]!, this.#a[slot]!, this.#b[slot]!, this.#value[slot]!);
    });
  }
}

type NoticeLed = Pick<IndicatorLED, 'write'>;
type NoticeBuzzer = Pick<PwmBuzzer, 'tone' | 'silence'>;

/** The LED as the notice controller drives it, with every level written on the journal. */
export function journaledLed(led: NoticeLed, journal: IndicatorJournal): NoticeLed {
  return {
    write(lit: boolean): void {
      const entry = journal.record(JOURNAL_KIND.led, lit ? 1 : 0, 0, 0);
      try {
        led.write(lit);
      } catch (error) {
        journal.failed(entry);
        throw error;
      }
    },
  };
}

/** The buzzer with every tone and every silencing of a sounding buzzer on the journal. */
export function journaledBuzzer(buzzer: Pick<PwmBuzzer, 'tone' | 'silence' | 'sounding'>, journal: IndicatorJournal): NoticeBuzzer {
  return {
    tone(hz: number): void {
      const entry = journal.record(JOURNAL_KIND.tone, 0, 0, hz);
      try {
        buzzer.tone(hz);
      } catch (error) {
        journal.failed(entry);
        throw error;
      }
    },
    silence(): void {
      // Silencing a silent buzzer touches no hardware, so it is not an entry.
      const entry = buzzer.sounding ? journal.record(JOURNAL_KIND.tone, 0, 0, 0) : -1;
      try {
        buzzer.silence();
      } catch (error) {
        journal.failed(entry);
        throw error;
      }
    },
  };
}

/** The recorder's events on the journal as well as on their way to the chain. */
export function journaledEvents(events: EventSink, journal: IndicatorJournal): EventSink {
  return {
    record(event: RecorderEvent): void {
      journal.event(event);
      events.record(event);
    },
  };
}
