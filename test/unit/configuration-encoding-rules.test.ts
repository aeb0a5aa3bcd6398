// The configuration a config-change records (docs/FORMAT.md 6.2.1), against the spec's own text:
// its bytes built field by field from the table, its digest SHA-256 over the spec's label, its
// summary from the agency key id and dock ids as sections 3 and PROTOCOL.md define them, the
// 200-character cut, 48 docks and not 49, and a cut encoding naming the field it stops in.
// Written for the mutants that survived the format's mutation run (docs/MUTATION.md).
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import {
  configurationDigest, configurationSummary, decodeConfiguration, encodeConfiguration, type CameraConfiguration,
} from '../../firmware/format/camera-configuration.js';
import { generateP256KeyPair } from '../../firmware/format/key-derivation.js';
import { resolvePolicy, type Policy } from '../../firmware/policy/profiles.js';
import { SeededCryptoPort } from '../../host-tools/crypto/seeded-crypto-port.js';

const port = new SeededCryptoPort('configuration rules');
const agencyPublicKey = generateP256KeyPair(port).publicKey;
const docks = [generateP256KeyPair(port).publicKey, generateP256KeyPair(port).publicKey];
const sha256 = (...parts: Uint8Array[]) => crypto.createHash('sha256').update(Buffer.concat(parts)).digest();
const u32 = (v: number) => { const b = Buffer.alloc(4); b.writeUInt32BE(v); return b; };
const policy: Policy = {
  ...resolvePolicy('kr-2024'), groundRequired: true, noticeMandatory: false, stealthAllowed: true,
  emergencyConfirmMs: 30_000, maxPreEventSeconds: 120, preEventSeconds: 30, reminderMs: 60_000, maxRecordingMs: 3_600_000, name: 'rules',
};
const configuration = (enrolledDocks: Uint8Array[] = docks, p: Policy = policy): CameraConfiguration => ({ agencyPublicKey, enrolledDocks, policy: p });

/** The fields of 6.2.1 in order, as [name the reader gives, bytes]. */
function specFields(enrolled: Uint8Array[], p: Policy): [string, Buffer][] {
  return [
    ['configuration version', Buffer.of(1)],
    ['configuration agency public key', Buffer.from(agencyPublicKey)],
    ['configuration dock count', Buffer.of(enrolled.length)],
    ...enrolled.map((key, i): [string, Buffer] => [`configuration dock key ${i + 1}`, Buffer.from(key)]),
    ['configuration policy flags', Buffer.of((p.groundRequired ? 1 : 0) | (p.noticeMandatory ? 2 : 0) | (p.stealthAllowed ? 4 : 0))],
    ['configuration emergencyConfirmMs', u32(p.emergencyConfirmMs)],
    ['configuration maxPreEventSeconds', u32(p.maxPreEventSeconds)],
    ['configuration preEventSeconds', u32(p.preEventSeconds)],
    ['configuration reminderMs', u32(p.reminderMs)],
    ['configuration maxRecordingMs', u32(p.maxRecordingMs)],
    ['configuration policy name length', Buffer.of(Buffer.byteLength(p.name))],
    ['configuration policy name', Buffer.from(p.name)],
  ];
}

describe('configuration encoding rules (docs/FORMAT.md 6.2.1)', () => {
  it('is the 6.2.1 table byte for byte, and its digest is SHA-256("chaincam/config/v2" 00 || encoding)', () => {
    const expected = Buffer.concat(specFields(docks, policy).map(([, bytes]) => bytes));
    const encoded = encodeConfiguration(configuration());
    assert.equal(Buffer.from(encoded).toString('hex'), expected.toString('hex'));
    assert.equal(Buffer.from(configurationDigest(port, configuration())).toString('hex'),
      sha256(Buffer.from('chaincam/config/v2\0', 'ascii'), expected).toString('hex'));
  });

  it('a cut encoding names the field it stops in, and a byte too many names the configuration', () => {
    const fields = specFields(docks, policy);
    const encoded = encodeConfiguration(configuration());
    let offset = 0;
    for (const [name, bytes] of fields) {
      assert.throws(() => decodeConfiguration(encoded.subarray(0, offset)),
        { message: `truncated: ${name} needs ${bytes.length} bytes at offset ${offset}, 0 left` }, name);
      offset += bytes.length;
    }
    assert.throws(() => decodeConfiguration(Uint8Array.of(...encoded, 0)), { message: 'configuration has 1 unexpected trailing bytes' });
  });

  it('holds 48 enrolled docks and refuses 49, encoding and decoding', () => {
    const fortyEight = Array.from({ length: 48 }, (_, i) => docks[i % 2]!);
    const encoded = encodeConfiguration(configuration(fortyEight));
    assert.equal(decodeConfiguration(encoded).enrolledDocks.length, 48);
    assert.throws(() => encodeConfiguration(configuration([...fortyEight, docks[0]!])),
      { message: "49 enrolled docks: a camera's configuration holds at most 48; provision fewer" });
    const countAt = 1 + 65;
    const fortyNine = Uint8Array.of(...encoded.subarray(0, countAt), 49, ...encoded.subarray(countAt + 1, countAt + 1 + 48 * 65), ...docks[0]!, ...encoded.subarray(countAt + 1 + 48 * 65));
    assert.throws(() => decodeConfiguration(fortyNine), { message: 'configuration dock count 49 is over 48' });
  });

  it('the summary names the profile, the agency key id and each dock id\'s first 8 hex digits, or "docks none"', () => {
    const keyId = sha256(agencyPublicKey).subarray(0, 8).toString('hex');
    const dockIds = docks.map((key) => sha256(Buffer.from('chaincam/dock-id/v1\0', 'ascii'), key).subarray(0, 4).toString('hex'));
    assert.equal(configurationSummary(port, configuration()), `profile rules; agency key ${keyId}; docks ${dockIds.join(' ')}`);
    assert.equal(configurationSummary(port, configuration([])), `profile rules; agency key ${keyId}; docks none`);
  });

  it('a summary of 200 characters is kept whole; one of 201 is cut to 199 and "…"', () => {
    const fixed = configurationSummary(port, configuration([], { ...policy, name: '' })).length;
    const named = (length: number) => configurationSummary(port, configuration([], { ...policy, name: 'n'.repeat(length - fixed) }));
    assert.equal(named(200).length, 200);
    assert.ok(named(200).endsWith('docks none'));
    const cut = named(201);
    assert.equal(cut.length, 200);
    assert.ok(cut.endsWith('docks no…'), cut);
  });
});
