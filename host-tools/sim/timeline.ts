// What the simulated hardware did, stamped with virtual time (ms since boot).

export type TimelineEntry =
  | { t: number; kind: 'gpio'; pin: number; channel: string; level: 0 | 1; direction: 'out' | 'in' }
  | { t: number; kind: 'pwm'; pin: number; channel: string; hz: number; duty: number }
  /** What an I2S speaker sounds from then on (hz 0: silent). */
  | { t: number; kind: 'tone'; channel: string; hz: number }
  /** A recording lamp drawn on a sign, as the glass shows it each time it is drawn (1: lit). */
  | { t: number; kind: 'lamp'; channel: string; level: 0 | 1 }
  | { t: number; kind: 'spi'; port: number | undefined; select: number | undefined; bytes: Uint8Array }
  | { t: number; kind: 'i2c'; address: number; direction: 'write' | 'read'; bytes: Uint8Array }
  | { t: number; kind: 'serial'; port: number; direction: 'tx' | 'rx'; bytes: Uint8Array }
  | { t: number; kind: 'time'; before: number; after: number };

export class Timeline {
  readonly entries: TimelineEntry[] = [];
  readonly #listeners: ((entry: TimelineEntry) => void)[] = [];

  record(entry: TimelineEntry): void {
    this.entries.push(entry);
    for (const listener of this.#listeners) listener(entry);
  }

  onRecord(listener: (entry: TimelineEntry) => void): void {
    this.#listeners.push(listener);
  }

  /**
   * The notice tones as the board sounded them, whichever part makes them: a PWM buzzer (the
   * "buzzer" pin at a duty above 0) or an I2S speaker. [t, hz] at each change; hz 0 is silence.
   */
  sound(): { t: number; hz: number }[] {
    const out: { t: number; hz: number }[] = [];
    for (const entry of this.entries) {
      let hz: number;
      if (entry.kind === 'pwm' && entry.channel === 'buzzer') hz = entry.duty > 0 ? entry.hz : 0;
      else if (entry.kind === 'tone') hz = entry.hz;
      else continue;
      if (out.length ? out[out.length - 1]!.hz === hz : hz === 0) continue;
      out.push({ t: entry.t, hz });
    }
    return out;
  }

  /** The first time from `from` on that the channel was driven to `level` (an LED pin written, a lamp drawn). */
  drivenAt(channel: string, from: number, level: 0 | 1): number | undefined {
    return this.entries.find((e) => ((e.kind === 'gpio' && e.direction === 'out') || e.kind === 'lamp') && e.channel === channel && e.t >= from && (e as { level: number }).level === level)?.t;
  }

  /** Onsets of each tone from `from` on. */
  toneOnsets(from = 0): { t: number; hz: number }[] {
    return this.sound().filter((s) => s.hz > 0 && s.t >= from);
  }

  /** Level changes of one named output (e.g. "led"), as [t, level] pairs. */
  levels(channel: string): { t: number; level: 0 | 1 }[] {
    const out: { t: number; level: 0 | 1 }[] = [];
    for (const entry of this.entries) {
      if (entry.kind !== 'lamp' && (entry.kind !== 'gpio' || entry.direction !== 'out')) continue;
      if (entry.channel !== channel) continue;
      if (out.length && out[out.length - 1]!.level === entry.level) continue;
      out.push({ t: entry.t, level: entry.level });
    }
    return out;
  }
}
