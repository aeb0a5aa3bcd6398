// The camera's configuration travels on its chain in one canonical binary encoding beside its
// digest (FORMAT.md 6.2.1), so verify recomputes every config-change digest from the chain alone.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  MAX_ENROLLED_DOCKS, POLICY_FIELDS, configurationDigest, configurationRecordProblem, configurationSummary,
  decodeConfiguration, digestOfEncodedConfiguration, encodeConfiguration, type CameraConfiguration,
} from '../../firmware/format/camera-configuration.js';
import { generateP256KeyPair } from '../../firmware/format/key-derivation.js';
import { PROFILES, resolvePolicy } from '../../firmware/policy/profiles.js';
import { SeededCryptoPort } from '../../host-tools/crypto/seeded-crypto-port.js';
import { EvidenceSetWriter } from '../../host-tools/evidence/evidence-set-writer.js';
import { verifyEvidence } from '../../host-tools/verify/verify-evidence.js';
import { sampleKeys } from '../../host-tools/vectors/sample-evidence.js';

describe('camera configuration: canonical encoding on the chain', () => {
  const port = new SeededCryptoPort('configuration');
  const agencyPublicKey = generateP256KeyPair(port).publicKey;
  const docks = [generateP256KeyPair(port).publicKey, generateP256KeyPair(port).publicKey];
  const configuration = (policy = resolvePolicy('kr-2024'), enrolledDocks: Uint8Array[] = docks): CameraConfiguration => ({ agencyPublicKey, enrolledDocks, policy });

  it('encodes every field of the resolved policy (a new policy field must be added to the encoding)', () => {
    for (const name of Object.keys(PROFILES)) {
      assert.deepEqual(Object.keys(resolvePolicy(name)).sort(), [...POLICY_FIELDS].sort());
    }
  });

  it('round-trips each profile, with and without overrides, and every setting changes the bytes', () => {
    const policies = [
      resolvePolicy('kr-2024'), resolvePolicy('generic'), resolvePolicy('generic', { preEventSeconds: 30 }),
      resolvePolicy('kr-2024', { reminderMs: 60_000 }), resolvePolicy('kr-2024', { maxRecordingMs: 3_600_000 }),
      resolvePolicy('kr-2024', { emergencyConfirmMs: 20_000 }),
    ];
    const seen = new Set<string>();
    for (const policy of policies) {
      for (const enrolled of [docks, docks.slice(0, 1), []]) {
        const c = configuration(policy, enrolled);
        const encoded = encodeConfiguration(c);
        const decoded = decodeConfiguration(encoded);
        assert.deepEqual({ ...decoded.policy }, { ...policy });
        assert.deepEqual(decoded.enrolledDocks, enrolled);
        assert.deepEqual(decoded.agencyPublicKey, agencyPublicKey);
        assert.deepEqual(encodeConfiguration(decoded), encoded);
        assert.deepEqual(configurationDigest(port, c), digestOfEncodedConfiguration(port, encoded));
        seen.add(Buffer.from(encoded).toString('hex'));
      }
    }
    assert.equal(seen.size, policies.length * 3);
  });

  it('reads strictly: unknown version or flags, trailing bytes, truncation and too many docks are errors', () => {
    const encoded = encodeConfiguration(configuration());
    const flagsAt = 1 + 65 + 1 + 2 * 65;
    const edit = (at: number, value: number) => { const copy = encoded.slice(); copy[at] = value; return copy; };
    assert.throws(() => decodeConfiguration(edit(0, 2)), /version 2 is unknown/);
    assert.throws(() => decodeConfiguration(edit(flagsAt, 8)), /flags 8: unknown bits/);
    assert.throws(() => decodeConfiguration(Uint8Array.of(...encoded, 0)), /trailing/);
    assert.throws(() => decodeConfiguration(encoded.subarray(0, encoded.length - 1)), /truncated/);
    assert.throws(() => decodeConfiguration(edit(1, 2)), /not an uncompressed P-256 point/);
    const tooMany = Array.from({ length: MAX_ENROLLED_DOCKS + 1 }, () => docks[0]!);
    assert.throws(() => encodeConfiguration(configuration(undefined, tooMany)), /at most 48; provision fewer/);
  });

  it('a config-change verifies with its own configuration\'s digest and summary, and fails naming the record with another\'s', () => {
    const keys = sampleKeys('configuration');
    const c = configuration();
    const encoded = encodeConfiguration(c);
    const event = { configDigest: configurationDigest(port, c), configuration: encoded, summary: configurationSummary(port, c) };
    assert.equal(configurationRecordProblem(port, event), undefined);
    const other = configurationDigest(port, configuration(resolvePolicy('generic')));
    const cases: [typeof event, RegExp | undefined][] = [
      [event, undefined], // its own configuration's digest and summary: verifies
      [{ ...event, configDigest: other }, /configuration digest is not the SHA-256 of the configuration it carries/],
      [{ ...event, summary: 'profile generic; agency key 0000000000000000; docks none' }, /summary .* does not describe its configuration/],
      [{ ...event, configuration: encoded.subarray(1) }, /configuration cannot be decoded/],
    ];
    for (const [bad, message] of cases) {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'chaincam-config-'));
      try {
        const writer = EvidenceSetWriter.create(path.join(dir, 'set'), port, keys.camera, keys.agency.publicKey);
        writer.appendEvent(1000, { type: 'power-on', resetReason: 1, firmwareVersion: 'test' });
        writer.appendEvent(1001, { type: 'config-change', ...bad });
        writer.appendCheckpoint(1002);
        const { report } = verifyEvidence(path.join(dir, 'set'), { port });
        if (message === undefined) {
          assert.ok(report.ok, report.failure?.message);
          assert.equal(report.records, 3);
          continue;
        }
        assert.equal(report.ok, false);
        assert.equal(report.failure!.record, 1);
        assert.match(report.failure!.message, /^record #1 \(event: config-change\) at chain\.log offset \d+: /);
        assert.match(report.failure!.message, message);
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    }
  });

  it('a chain written before the configuration went on it (config-change-v1, event 9) still verifies', () => {
    const keys = sampleKeys('configuration');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'chaincam-config-'));
    try {
      const writer = EvidenceSetWriter.create(path.join(dir, 'set'), port, keys.camera, keys.agency.publicKey);
      writer.appendEvent(1000, { type: 'power-on', resetReason: 1, firmwareVersion: 'old' });
      writer.appendEvent(1001, { type: 'config-change-v1', configDigest: new Uint8Array(32).fill(7), summary: 'profile kr-2024; agency key 0011223344556677; docks none' });
      writer.appendEvent(1002, { type: 'recording-start', recording: 1, legalGround: 1, startMode: 1 });
      writer.appendEvent(1003, { type: 'recording-stop', recording: 1, stopReason: 1 });
      writer.appendCheckpoint(1004);
      const { report } = verifyEvidence(path.join(dir, 'set'), { port });
      assert.ok(report.ok, report.failure?.message);
      assert.equal(report.recordings[0]!.configuration, 'profile kr-2024; agency key 0011223344556677; docks none (recorded by digest only; its configuration is not on the chain)');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
