// Policy profiles: what the law of a jurisdiction lets the camera do. The
// differences are data, so a reviewer can read them in one table (docs/POLICY.md)
// and the tests can prove each one.

export interface PolicyProfile {
  readonly name: string;
  /** A recording may start only with a ground 1-9 (or by one-press emergency start). */
  readonly groundRequired: boolean;
  /** After an emergency start, the ground must be confirmed within this time (0: no deadline). */
  readonly emergencyConfirmMs: number;
  /** Every notice channel must be on before the first frame is kept. */
  readonly noticeMandatory: boolean;
  /** Recording with the indicators deliberately off. */
  readonly stealthAllowed: boolean;
  /** Seconds of video kept in RAM before a start (0: none). */
  readonly maxPreEventSeconds: number;
  /** Reminder tone interval while recording (Axon and the KNPA guidance: 2 minutes). */
  readonly reminderMs: number;
  /** A recording stops by itself after this long (minimum extent; 0: no limit). */
  readonly maxRecordingMs: number;
}

export const PROFILES: Readonly<Record<string, PolicyProfile>> = Object.freeze({
  'kr-2024': Object.freeze({
    name: 'kr-2024',
    groundRequired: true,
    emergencyConfirmMs: 30_000,
    noticeMandatory: true,
    stealthAllowed: false,
    maxPreEventSeconds: 0,
    reminderMs: 120_000,
    maxRecordingMs: 3 * 3600_000,
  }),
  generic: Object.freeze({
    name: 'generic',
    groundRequired: false,
    emergencyConfirmMs: 0,
    noticeMandatory: false,
    stealthAllowed: true,
    maxPreEventSeconds: 120,
    reminderMs: 120_000,
    maxRecordingMs: 0,
  }),
});

/** Settings an agency may tune, checked against what its profile permits. */
export interface PolicyOverrides {
  reminderMs?: number;
  maxRecordingMs?: number;
  emergencyConfirmMs?: number;
  preEventSeconds?: number;
}

export interface Policy extends PolicyProfile {
  readonly preEventSeconds: number;
}

export function resolvePolicy(profileName: string, overrides: PolicyOverrides = {}): Policy {
  const profile = PROFILES[profileName];
  if (!profile) throw new Error(`unknown policy profile "${profileName}"; known profiles: ${Object.keys(PROFILES).join(', ')}`);
  const preEventSeconds = overrides.preEventSeconds ?? 0;
  if (preEventSeconds > profile.maxPreEventSeconds) {
    throw new Error(`policy profile ${profile.name} allows at most ${profile.maxPreEventSeconds} s of pre-event buffer, not ${preEventSeconds}`);
  }
  const reminderMs = overrides.reminderMs ?? profile.reminderMs;
  if (profile.noticeMandatory && !(reminderMs > 0)) throw new Error(`policy profile ${profile.name} requires reminder tones (reminderMs > 0)`);
  const maxRecordingMs = overrides.maxRecordingMs ?? profile.maxRecordingMs;
  if (profile.groundRequired && !(maxRecordingMs > 0)) throw new Error(`policy profile ${profile.name} requires a maximum recording duration (minimum extent)`);
  const emergencyConfirmMs = overrides.emergencyConfirmMs ?? profile.emergencyConfirmMs;
  if (profile.groundRequired && !(emergencyConfirmMs > 0)) throw new Error(`policy profile ${profile.name} requires an emergency-start confirmation deadline`);
  return Object.freeze({ ...profile, reminderMs, maxRecordingMs, emergencyConfirmMs, preEventSeconds });
}
