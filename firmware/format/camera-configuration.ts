// What a camera is configured to do, as its chain records it (docs/FORMAT.md 6.2, config-change):
// who its footage is sealed to (the agency key), which docks may take and release it (the
// enrolled docks), and the recording policy in force. The digest changes when any of them
// does, so an auditor can see on the chain itself when a camera was re-enrolled or switched
// to another profile, and what it ran under for every recording after.
import type { CryptoPort } from './crypto-port.js';
import { ByteWriter, asciiBytes, encodeUtf8, toHex } from './bytes.js';
import { PUBLIC_KEY_LENGTH } from './dock-messages.js';
import { deriveDockId } from './dock-proofs.js';
import { agencyKeyId } from './sealed-segment.js';

const CONFIG_LABEL = asciiBytes('chaincam/config/v1\0');

export interface CameraConfiguration {
  agencyPublicKey: Uint8Array;
  enrolledDocks: readonly Uint8Array[];
  /** The resolved policy (firmware/policy/profiles.ts Policy): a flat record of named settings. */
  policy: { readonly name: string };
}

/** The policy as canonical JSON: keys sorted, so the same settings always hash the same. */
function canonicalPolicy(policy: CameraConfiguration['policy']): string {
  return JSON.stringify(policy, Object.keys(policy).sort());
}

/**
 * SHA-256("chaincam/config/v1" 00 || agency public key || dock count u8 || dock public keys
 * || UTF-8 of the policy as JSON with its keys sorted).
 */
export function configurationDigest(port: CryptoPort, c: CameraConfiguration): Uint8Array {
  const w = new ByteWriter().bytes(CONFIG_LABEL).bytes(c.agencyPublicKey, PUBLIC_KEY_LENGTH).u8(c.enrolledDocks.length);
  for (const key of c.enrolledDocks) w.bytes(key, PUBLIC_KEY_LENGTH);
  w.bytes(encodeUtf8(canonicalPolicy(c.policy)));
  return port.sha256(w.finish());
}

/** For a person reading the chain: the profile, the agency key id and the dock ids (short). */
export function configurationSummary(port: CryptoPort, c: CameraConfiguration): string {
  const docks = c.enrolledDocks.map((key) => toHex(deriveDockId(port, key)).slice(0, 8));
  const text = `profile ${c.policy.name}; agency key ${toHex(agencyKeyId(port, c.agencyPublicKey))}; docks ${docks.length ? docks.join(' ') : 'none'}`;
  return text.length > 200 ? `${text.slice(0, 199)}…` : text;
}
