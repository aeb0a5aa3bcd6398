// What a camera is configured to do, as its chain records it (docs/FORMAT.md 6.2.1, config-change):
// who its footage is sealed to (the agency key), which docks may take and release it (the
// enrolled docks), and the recording policy in force. The record carries the configuration
// itself in one canonical binary encoding beside its digest, so anyone can recompute the digest
// and read what each recording ran under, from the chain alone.
import type { CryptoPort } from './crypto-port.js';
import type { Policy } from '../policy/profiles.js';
import { ByteReader, ByteWriter, asciiBytes, bytesEqual, concatBytes, toHex } from './bytes.js';
import { PUBLIC_KEY_LENGTH } from './dock-messages.js';
import { deriveDockId } from './dock-proofs.js';
import { agencyKeyId } from './sealed-segment.js';

const CONFIG_LABEL = asciiBytes('chaincam/config/v2\0');
/** The encoding's own version byte (FORMAT.md 6.2.1). */
const ENCODING_VERSION = 1;
/** So the config-change record stays within a chain frame (4,096 bytes) whatever the rest holds. */
export const MAX_ENROLLED_DOCKS = 48;

export interface CameraConfiguration {
  agencyPublicKey: Uint8Array;
  enrolledDocks: readonly Uint8Array[];
  /** The resolved policy (firmware/policy/profiles.ts resolvePolicy). */
  policy: Policy;
}

/** Policy flags, one bit each (FORMAT.md 6.2.1). */
const FLAGS = Object.freeze({ groundRequired: 1, noticeMandatory: 2, stealthAllowed: 4 });
const FLAG_MASK = 7;

/**
 * Every field of the resolved policy in encoding order, after the flags. A policy field added in
 * profiles.ts must be added here and to FORMAT.md (test/unit/camera-configuration.test.ts fails
 * until it is), so no setting can change without changing the digest.
 */
export const POLICY_FIELDS = Object.freeze([
  'groundRequired', 'noticeMandatory', 'stealthAllowed',
  'emergencyConfirmMs', 'maxPreEventSeconds', 'preEventSeconds', 'reminderMs', 'maxRecordingMs', 'name',
] as const);

/** The canonical binary encoding: one byte string per configuration, and only one. */
export function encodeConfiguration(c: CameraConfiguration): Uint8Array {
  if (c.enrolledDocks.length > MAX_ENROLLED_DOCKS) {
    throw new Error(`${c.enrolledDocks.length} enrolled docks: a camera's configuration holds at most ${MAX_ENROLLED_DOCKS}; provision fewer`);
  }
  const p = c.policy;
  const w = new ByteWriter().u8(ENCODING_VERSION).bytes(c.agencyPublicKey, PUBLIC_KEY_LENGTH).u8(c.enrolledDocks.length);
  for (const key of c.enrolledDocks) w.bytes(key, PUBLIC_KEY_LENGTH);
  w.u8((p.groundRequired ? FLAGS.groundRequired : 0) | (p.noticeMandatory ? FLAGS.noticeMandatory : 0) | (p.stealthAllowed ? FLAGS.stealthAllowed : 0));
  w.u32(p.emergencyConfirmMs).u32(p.maxPreEventSeconds).u32(p.preEventSeconds).u32(p.reminderMs).u32(p.maxRecordingMs);
  return w.text(p.name).finish();
}

/** Strict inverse of encodeConfiguration: anything else is an error naming the field. */
export function decodeConfiguration(bytes: Uint8Array): CameraConfiguration {
  const r = new ByteReader(bytes);
  const version = r.u8('configuration version');
  if (version !== ENCODING_VERSION) throw new Error(`configuration encoding version ${version} is unknown (this reader knows ${ENCODING_VERSION})`);
  const agencyPublicKey = r.take(PUBLIC_KEY_LENGTH, 'configuration agency public key');
  const count = r.u8('configuration dock count');
  if (count > MAX_ENROLLED_DOCKS) throw new Error(`configuration dock count ${count} is over ${MAX_ENROLLED_DOCKS}`);
  const enrolledDocks: Uint8Array[] = [];
  for (let i = 0; i < count; i++) enrolledDocks.push(r.take(PUBLIC_KEY_LENGTH, `configuration dock key ${i + 1}`));
  for (const key of [agencyPublicKey, ...enrolledDocks]) if (key[0] !== 4) throw new Error('configuration holds a public key that is not an uncompressed P-256 point');
  const flags = r.u8('configuration policy flags');
  if (flags & ~FLAG_MASK) throw new Error(`configuration policy flags ${flags}: unknown bits`);
  const policy: Policy = Object.freeze({
    groundRequired: (flags & FLAGS.groundRequired) !== 0,
    noticeMandatory: (flags & FLAGS.noticeMandatory) !== 0,
    stealthAllowed: (flags & FLAGS.stealthAllowed) !== 0,
    emergencyConfirmMs: r.u32('configuration emergencyConfirmMs'),
    maxPreEventSeconds: r.u32('configuration maxPreEventSeconds'),
    preEventSeconds: r.u32('configuration preEventSeconds'),
    reminderMs: r.u32('configuration reminderMs'),
    maxRecordingMs: r.u32('configuration maxRecordingMs'),
    name: r.text('configuration policy name'),
  });
  r.expectEnd('configuration');
  return { agencyPublicKey, enrolledDocks, policy };
}

/** SHA-256("chaincam/config/v2" 00 || the canonical encoding). */
export function digestOfEncodedConfiguration(port: CryptoPort, encoded: Uint8Array): Uint8Array {
  return port.sha256(concatBytes(CONFIG_LABEL, encoded));
}

export function configurationDigest(port: CryptoPort, c: CameraConfiguration): Uint8Array {
  return digestOfEncodedConfiguration(port, encodeConfiguration(c));
}

/** For a person reading the chain: the profile, the agency key id and the dock ids (short). */
export function configurationSummary(port: CryptoPort, c: CameraConfiguration): string {
  const docks = c.enrolledDocks.map((key) => toHex(deriveDockId(port, key)).slice(0, 8));
  const text = `profile ${c.policy.name}; agency key ${toHex(agencyKeyId(port, c.agencyPublicKey))}; docks ${docks.length ? docks.join(' ') : 'none'}`;
  return text.length > 200 ? `${text.slice(0, 199)}…` : text;
}

/**
 * What a verifier checks of a config-change record (FORMAT.md 6.2.1): the configuration decodes,
 * its digest and its summary are the ones recomputed from it. Returns the problem, or undefined.
 */
export function configurationRecordProblem(port: CryptoPort, event: { configDigest: Uint8Array; configuration: Uint8Array; summary: string }): string | undefined {
  let decoded: CameraConfiguration;
  try {
    decoded = decodeConfiguration(event.configuration);
  } catch (error) {
    return `its configuration cannot be decoded: ${(error as Error).message}`;
  }
  if (!bytesEqual(digestOfEncodedConfiguration(port, event.configuration), event.configDigest)) {
    return 'its configuration digest is not the SHA-256 of the configuration it carries';
  }
  const summary = configurationSummary(port, decoded);
  if (summary !== event.summary) return `its summary "${event.summary}" does not describe its configuration ("${summary}")`;
  return undefined;
}
