// The numeric codes that chain records carry, with the short names reports print.
// Codes are part of the format: never renumber, only append.

/** Art. 10-5(1) grounds 1-9; 0 means "emergency start, ground not yet confirmed". */
export const LEGAL_GROUNDS: Readonly<Record<number, string>> = Object.freeze({
  0: 'unconfirmed (emergency start)',
  1: 'arrest or detention under the Criminal Procedure Act',
  2: 'crime under way, imminent or just committed; evidence must be preserved urgently',
  3: 'danger from a damaged or collapsing structure',
  4: 'the person recorded asked for or consented to it',
  5: 'emergency protection',
  6: 'urgently preventing or stopping a crime threatening life, body or major property',
  7: 'maritime inspection or pursuit',
  8: 'maritime search and rescue',
  9: 'other case set by decree',
});

/** Art. 10-6(1) notice channels, as a bit mask of the indicators confirmed on. */
export const NOTICE_INDICATORS = Object.freeze({ led: 0b001, tone: 0b010, display: 0b100 });
export const NOTICE_INDICATOR_MASK = 0b111;

/** Art. 10-6(2) reasons notice was not given; 0 means notice was given. */
export const NOTICE_REASONS: Readonly<Record<number, string>> = Object.freeze({
  0: 'notice given',
  1: 'an indicator failed',
  2: 'notice would have endangered the officer or others',
  3: 'notice was physically impossible',
  4: 'reason to be recorded at the dock',
  9: 'other (see text)',
});

export const RESET_REASONS: Readonly<Record<number, string>> = Object.freeze({
  0: 'unknown', 1: 'power on', 2: 'brownout', 3: 'watchdog', 4: 'software reset', 5: 'recovered after power cut',
});

export const START_MODES: Readonly<Record<number, string>> = Object.freeze({
  1: 'ground chosen before start', 2: 'one-press emergency start',
});

export const STOP_REASONS: Readonly<Record<number, string>> = Object.freeze({
  1: 'officer stopped', 2: 'maximum duration reached', 3: 'low battery', 4: 'storage full', 5: 'power lost',
});

export const DOCK_PHASES: Readonly<Record<number, string>> = Object.freeze({ 1: 'opened', 2: 'closed' });

export const CLOCK_SOURCES: Readonly<Record<number, string>> = Object.freeze({
  1: 'dock', 2: 'satellite', 3: 'manual',
});

export const LOSS_REASONS: Readonly<Record<number, string>> = Object.freeze({
  1: 'power cut while recording', 2: 'storage write error', 3: 'storage full',
});

/** Sealed segment payload types. */
export const MEDIA_TYPES: Readonly<Record<number, { name: string; extension: string }>> = Object.freeze({
  0: { name: 'opaque bytes', extension: 'bin' },
  1: { name: 'AVI (MJPEG video, PCM audio)', extension: 'avi' },
  2: { name: 'AVI (MJPEG video, PCM audio), streamed: header last', extension: 'avi' },
});

export function isKnownCode(table: Readonly<Record<number, unknown>>, code: number): boolean {
  return Object.prototype.hasOwnProperty.call(table, code);
}
