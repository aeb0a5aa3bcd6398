import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { toHex } from '../../firmware/format/bytes.js';
import { configurationDigest, decodeConfiguration, digestOfEncodedConfiguration } from '../../firmware/format/camera-configuration.js';
import { generateP256KeyPair } from '../../firmware/format/key-derivation.js';
import { readChaincamConfig } from '../../firmware/config.js';
import { NodeCryptoPort } from '../../host-tools/crypto/node-crypto-port.js';
import { deriveDockId } from '../../firmware/format/dock-proofs.js';
import { SimulatedBoard } from '../../host-tools/sim/board.js';
import { provisionFlash } from '../../host-tools/sim/hardware/flash-provisioning.js';
import { boardTarget } from '../../host-tools/sim/targets.js';
import { verifyEvidence } from '../../host-tools/verify/verify-evidence.js';
import { formatVerifyReport } from '../../host-tools/verify/verify-report.js';
import { chainRecords, eventsOf, KEYS } from './capture-support.js';

// firmware/main puts its configuration on the chain (config-change) at the first boot and
// whenever it differs from the one the chain last recorded: the agency key, the enrolled
// docks and the policy. An auditor reads from the chain itself what each recording ran under.
describe('the camera\'s configuration on its chain (firmware/main in XS)', function () {
  const port = new NodeCryptoPort();
  let flash: string;
  beforeEach(() => { flash = fs.mkdtempSync(path.join(os.tmpdir(), 'chaincam-config-')); });
  afterEach(() => fs.rmSync(flash, { recursive: true, force: true }));

  async function powerCycle(config?: Record<string, unknown>): Promise<void> {
    const board = await SimulatedBoard.boot({ storage: { dir: flash }, config });
    await board.advance(500);
    await board.close();
  }
  const configChanges = () => eventsOf(chainRecords(flash), 'config-change');
  const expected = (docks: Uint8Array[], chaincam: Record<string, unknown>) => toHex(configurationDigest(port, {
    agencyPublicKey: KEYS.agency.publicKey, enrolledDocks: docks, policy: readChaincamConfig({ ...boardTarget().config, chaincam }).policy,
  }));

  it('records the configuration once, again when the docks or the policy change, and the chain verifies', async () => {
    const chaincam = (boardTarget().config as Record<string, any>).chaincam;
    const dockA = generateP256KeyPair(port).publicKey;
    const dockB = generateP256KeyPair(port).publicKey;
    provisionFlash(flash, KEYS.camera, KEYS.agency.publicKey, [dockA]);
    await powerCycle();
    await powerCycle();
    let changes = configChanges();
    assert.equal(changes.length, 1, 'a second boot with the same configuration adds nothing');
    assert.equal(toHex(changes[0]!.configDigest), expected([dockA], chaincam));
    // The configuration itself is on the chain, in the canonical encoding the digest is taken over.
    const carried = decodeConfiguration(changes[0]!.configuration);
    assert.deepEqual({ ...carried.policy }, { ...readChaincamConfig({ ...boardTarget().config, chaincam }).policy });
    assert.deepEqual(carried.enrolledDocks, [dockA]);
    assert.equal(toHex(digestOfEncodedConfiguration(port, changes[0]!.configuration)), toHex(changes[0]!.configDigest));
    assert.match(changes[0]!.summary, new RegExp(`^profile kr-2024; agency key [0-9a-f]{16}; docks ${toHex(deriveDockId(port, dockA)).slice(0, 8)}$`));

    // The equipment room enrols a second dock.
    provisionFlash(flash, KEYS.camera, KEYS.agency.publicKey, [dockA, dockB]);
    await powerCycle();
    changes = configChanges();
    assert.equal(changes.length, 2);
    assert.equal(toHex(changes[1]!.configDigest), expected([dockA, dockB], chaincam));
    assert.match(changes[1]!.summary, new RegExp(`docks ${toHex(deriveDockId(port, dockA)).slice(0, 8)} ${toHex(deriveDockId(port, dockB)).slice(0, 8)}$`));

    // A firmware built with another policy (here the permissive profile) says so on the chain.
    const generic = { ...chaincam, profile: 'generic', policy: { preEventSeconds: 10 } };
    await powerCycle({ chaincam: generic });
    changes = configChanges();
    assert.equal(changes.length, 3);
    assert.equal(toHex(changes[2]!.configDigest), expected([dockA, dockB], generic));
    assert.equal(decodeConfiguration(changes[2]!.configuration).policy.preEventSeconds, 10);
    assert.match(changes[2]!.summary, /^profile generic; /);

    const { report } = verifyEvidence(flash, { port });
    assert.ok(report.ok, report.failure?.message);

    // verify names, for each recording, the configuration it was made under.
    const board = await SimulatedBoard.boot({ storage: { dir: flash }, config: { chaincam: generic } });
    await board.press('button', 1200);
    await board.advance(3000);
    await board.press('button', 3500);
    await board.advance(1000);
    await board.close();
    const { report: after } = verifyEvidence(flash, { port });
    assert.ok(after.ok, after.failure?.message);
    assert.equal(after.recordings.length, 1);
    assert.equal(after.recordings[0]!.configuration, changes[2]!.summary);
    assert.match(formatVerifyReport(after), /\n {2}configuration: profile generic; agency key [0-9a-f]{16}; docks /);

    // Without camera.pub in the set (a camera provisioned over its link), verify says where the key is.
    fs.rmSync(path.join(flash, 'camera.pub'));
    const { report: keyless } = verifyEvidence(flash, { port });
    assert.equal(keyless.ok, false);
    assert.match(keyless.failure!.message, /has no camera\.pub: give the camera's public key with --camera \(chaincam provision --port kept it as KEYDIR\/cameras\/DEVICEID\.pub\)/);
  });
});
