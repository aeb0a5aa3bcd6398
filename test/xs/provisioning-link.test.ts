import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { toHex } from '../../firmware/format/bytes.js';
import { deriveDeviceId } from '../../firmware/format/chain.js';
import { DOCK_ERROR } from '../../firmware/format/dock-messages.js';
import { generateP256KeyPair } from '../../firmware/format/key-derivation.js';
import { DOCKS_FILE, IDENTITY_FILE } from '../../firmware/format/provisioning-layout.js';
import { DockError } from '../../host-tools/dock/dock-client.js';
import { authenticateCamera, sayHello } from '../../host-tools/dock/dock-handshake.js';
import { offloadCamera } from '../../host-tools/dock/camera-offload.js';
import { SimulatedBoard } from '../../host-tools/sim/board.js';
import { EvidenceStore } from '../../host-tools/store/evidence-store.js';
import { provisionOverLink } from '../../host-tools/provision/provision-link.js';
import { CameraRegistry } from '../../host-tools/keys/camera-registry.js';
import { cameraDocument, writeNewKeyFile } from '../../host-tools/keys/key-files.js';
import { signShows } from '../../host-tools/bench/indicator-bench.js';
import { signPanel } from '../../host-tools/sim/peripherals.js';
import { attachDock, hostPort, type DockCable } from '../support/dock-harness.js';
import { hostileBytes, seededRandom } from '../support/dock-fuzz-frames.js';

// firmware/main on a board whose flash has no identity: it waits on its dock link, makes its
// own key when PROVISION comes, and goes on as a provisioned camera on the same link.
describe('provisioning over the dock link (firmware/main in XS)', function () {
  let flash: string;
  let board: SimulatedBoard | undefined;
  const agency = generateP256KeyPair(hostPort);
  const dock = generateP256KeyPair(hostPort);
  beforeEach(() => { flash = fs.mkdtempSync(path.join(os.tmpdir(), 'chaincam-unprovisioned-')); });
  afterEach(async () => {
    await board?.close();
    board = undefined;
    fs.rmSync(flash, { recursive: true, force: true });
  });

  async function boot(storage: { cutAtWrite?: number; model?: 'littlefs' | 'torn' } = {}, target?: string): Promise<DockCable> {
    board = await SimulatedBoard.boot({ target, storage: { dir: flash, ...storage } });
    return attachDock(board, { timeoutMs: 5000 });
  }
  const flashFiles = () => fs.readdirSync(flash).sort();
  const refused = (code: number, text: RegExp) => (e: unknown) => e instanceof DockError && e.code === code && text.test(e.message);

  it('makes its own identity, keeps the agency key and docks, and is then docked on the same link', async () => {
    const cable = await boot();
    assert.ok(board!.traces.some((l) => /is not provisioned; waiting/.test(l.text)));
    assert.ok(!board!.traces.some((l) => /ready \(profile/.test(l.text)), 'an unprovisioned camera does not start recording');
    assert.deepEqual(flashFiles(), [], 'nothing written before provisioning');

    const camera = await provisionOverLink(cable.client, hostPort, agency.publicKey, [dock.publicKey]);
    assert.equal(toHex(camera.deviceId), toHex(deriveDeviceId(hostPort, camera.publicKey)));
    const identity = fs.readFileSync(path.join(flash, IDENTITY_FILE));
    assert.equal(toHex(identity.subarray(32, 97)), toHex(camera.publicKey), 'the key it reported is the key it keeps');
    assert.equal(toHex(identity.subarray(97)), toHex(agency.publicKey));
    assert.equal(toHex(fs.readFileSync(path.join(flash, DOCKS_FILE))), toHex(dock.publicKey));
    await board!.advance(1000);
    assert.ok(board!.traces.some((l) => /provisioned over the dock link/.test(l.text)));
    assert.ok(board!.traces.some((l) => /ready \(profile/.test(l.text)), 'the camera started');
    assert.equal(signShows(board!, { kind: 'ready' }), undefined, 'the sign says READY once the camera has its keys');

    // The enrolled dock offloads it at once; the camera it authenticates is the one provisioned.
    const storeDir = path.join(flash, '..', `${path.basename(flash)}-store`);
    const store = EvidenceStore.open(storeDir);
    const registry = path.join(storeDir, '..', `${path.basename(flash)}-cameras`);
    fs.mkdirSync(registry);
    try {
      // A dock that takes only the agency's provisioned cameras refuses one it has no key file for...
      const cameras = new CameraRegistry(registry, hostPort);
      await assert.rejects(offloadCamera({ client: cable.client, store, dockKey: dock, port: hostPort, log: () => undefined, cameras }),
        new RegExp(`camera ${toHex(camera.deviceId)} is not one this agency provisioned \\(no ${toHex(camera.deviceId)}\\.pub in .*\\); nothing was read from it or stored`));
      assert.equal(store.pinnedCameraKey(toHex(camera.deviceId)), undefined, 'nothing stored, nothing pinned');
      // ...and takes it once provisioning's record of it is there.
      writeNewKeyFile(path.join(registry, `${toHex(camera.deviceId)}.pub`), cameraDocument({ ...camera, label: '' }, false), false);
      const result = await offloadCamera({ client: cable.client, store, dockKey: dock, port: hostPort, log: () => undefined, cameras });
      assert.equal(result.deviceId, toHex(camera.deviceId));
      assert.ok(result.bytesRead > 0, 'its chain (power-on, the dock session) was read');
      assert.equal(toHex(store.pinnedCameraKey(result.deviceId)!), toHex(camera.publicKey), 'the store pinned the provisioned key');
    } finally {
      store.close();
      fs.rmSync(storeDir, { recursive: true, force: true });
      fs.rmSync(registry, { recursive: true, force: true });
    }

    // Never re-keyed: the host refuses before asking, and the camera refuses if asked anyway.
    await assert.rejects(provisionOverLink(cable.client, hostPort, agency.publicKey, [dock.publicKey]), /already provisioned; chaincam never re-keys/);
    const { hello } = await sayHello(cable.client, hostPort);
    assert.equal(toHex(hello.deviceId), toHex(camera.deviceId));
    await assert.rejects(cable.client.request({ type: 'provision', agencyPublicKey: dock.publicKey, dockPublicKeys: [agency.publicKey] }, 'provisioned'),
      refused(DOCK_ERROR.alreadyProvisioned, /already provisioned; it is never re-keyed/));
    assert.equal(toHex(fs.readFileSync(path.join(flash, IDENTITY_FILE))), toHex(identity), 'identity unchanged');

    // After a power cycle it boots as the same camera.
    await board!.close();
    const again = await boot();
    const authenticated = await authenticateCamera(again.client, hostPort, dock, () => camera.publicKey);
    assert.equal(authenticated.deviceId, toHex(camera.deviceId));
  });

  for (const target of ['lilygo_t_camera_plus_s3', 'xiao_esp32s3_sense']) {
    it(`${target}: the sign says it is not provisioned and cannot record`, async () => {
      await boot({}, target);
      await board!.advance(1000);
      assert.equal(signShows(board!, { kind: 'unprovisioned' }), undefined);
      fs.mkdirSync(path.join(process.cwd(), 'out/provisioning'), { recursive: true });
      fs.writeFileSync(path.join(process.cwd(), `out/provisioning/sign-unprovisioned-${target}.png`), signPanel(board!)!.png());
    });
  }

  it('answers only HELLO and PROVISION, and refuses bad keys, a stale HELLO and a flash with evidence, writing nothing', async () => {
    const cable = await boot();
    const request = (agencyPublicKey: Uint8Array, dockPublicKey: Uint8Array) => cable.client.request({ type: 'provision', agencyPublicKey, dockPublicKeys: [dockPublicKey] }, 'provisioned');
    const offCurve = agency.publicKey.slice();
    offCurve[64]! ^= 1;
    await assert.rejects(cable.client.request({ type: 'list', fromSequence: 0 }, 'list-reply'), refused(DOCK_ERROR.notProvisioned, /not provisioned: give it its keys first/));
    await assert.rejects(authenticateCamera(cable.client, hostPort, dock, () => undefined), /not provisioned, so it has no evidence/);
    await sayHello(cable.client, hostPort);
    await assert.rejects(request(offCurve, dock.publicKey), refused(DOCK_ERROR.provisioningRefused, /agency public key is not a point on P-256/));
    await assert.rejects(request(agency.publicKey, dock.publicKey), refused(DOCK_ERROR.provisioningRefused, /send HELLO first/), 'one PROVISION per HELLO');
    await sayHello(cable.client, hostPort);
    await assert.rejects(request(agency.publicKey, offCurve), refused(DOCK_ERROR.provisioningRefused, /dock public key 1 is not a point/));
    assert.deepEqual(flashFiles(), [], 'nothing written');

    // Evidence without an identity belongs to a key that is gone: a new key must not adopt it.
    fs.writeFileSync(path.join(flash, 'chain.log'), 'evidence of a lost identity');
    await sayHello(cable.client, hostPort);
    await assert.rejects(request(agency.publicKey, dock.publicKey), refused(DOCK_ERROR.alreadyProvisioned, /holds evidence \(chain.log\) but no identity/));
    assert.deepEqual(flashFiles(), ['chain.log']);
  });

  it('survives 2,000 hostile frames unprovisioned: no fault, nothing written, and provisions afterwards', async () => {
    const cable = await boot();
    const random = seededRandom(10);
    for (let i = 0; i < 2000; i++) await cable.inject(hostileBytes(random));
    board!.throwIfFaulted();
    assert.deepEqual(flashFiles(), [], 'nothing written by hostile traffic');
    cable.reconnect();
    await cable.inject(Uint8Array.of(0)); // flush any half frame the fuzz left in the camera's decoder
    const camera = await provisionOverLink(cable.client, hostPort, agency.publicKey, [dock.publicKey]);
    assert.equal(toHex(fs.readFileSync(path.join(flash, IDENTITY_FILE)).subarray(32, 97)), toHex(camera.publicKey));
  });

  for (const model of ['littlefs', 'torn'] as const) {
    it(`${model}: a power cut at either write of provisioning leaves a camera that provisions cleanly after the reboot`, async () => {
      for (const cutAtWrite of [1, 2]) {
        fs.rmSync(flash, { recursive: true, force: true });
        const cut = await boot({ cutAtWrite, model });
        await assert.rejects(provisionOverLink(cut.client, hostPort, agency.publicKey, [dock.publicKey]), `cut at write ${cutAtWrite}: no PROVISIONED`);
        assert.ok(board!.storage.powerLost);
        await board!.close();
        assert.ok(!fs.existsSync(path.join(flash, IDENTITY_FILE)), `cut at write ${cutAtWrite}: no identity.bin, so the camera is not half provisioned`);
        const cable = await boot();
        assert.ok(board!.traces.some((l) => /is not provisioned; waiting/.test(l.text)));
        const camera = await provisionOverLink(cable.client, hostPort, agency.publicKey, [dock.publicKey]);
        assert.equal(toHex(fs.readFileSync(path.join(flash, IDENTITY_FILE)).subarray(32, 97)), toHex(camera.publicKey));
        assert.equal(toHex(fs.readFileSync(path.join(flash, DOCKS_FILE))), toHex(dock.publicKey));
        assert.deepEqual(flashFiles(), [DOCKS_FILE, IDENTITY_FILE].sort(), 'no staged file left behind');
        await board!.close();
        board = undefined;
      }
    });
  }
});
