// What provisioning leaves on a camera's flash (docs/ARCHITECTURE.md, docs/PROTOCOL.md section 8):
// identity.bin of 162 bytes (camera private key 32, camera public key 65, agency public key 65)
// and docks.bin of 65 bytes per enrolled dock, under the names the docs give. The firmware reads
// them by these constants (firmware/store/provisioned-keys.ts), the host writes them by the same.
// Written for the mutants that had no coverage in the format's mutation run (docs/MUTATION.md).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DOCKS_FILE, DOCK_KEY_LENGTH, IDENTITY_FILE, IDENTITY_LENGTH } from '../../firmware/format/provisioning-layout.js';
import { provisionFlash } from '../../host-tools/sim/hardware/flash-provisioning.js';
import { sampleKeys } from '../../host-tools/vectors/sample-evidence.js';

describe('provisioning layout', () => {
  it('identity.bin is the 162 bytes private key, camera key, agency key; docks.bin 65 bytes a dock', () => {
    assert.deepEqual([IDENTITY_FILE, DOCKS_FILE, IDENTITY_LENGTH, DOCK_KEY_LENGTH], ['identity.bin', 'docks.bin', 162, 65]);
    const keys = sampleKeys('provisioning layout');
    const docks = [sampleKeys('dock 1').agency.publicKey, sampleKeys('dock 2').agency.publicKey];
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'chaincam-layout-'));
    try {
      provisionFlash(dir, keys.camera, keys.agency.publicKey, docks);
      const identity = fs.readFileSync(path.join(dir, 'identity.bin'));
      assert.equal(identity.length, IDENTITY_LENGTH);
      assert.deepEqual([identity.subarray(0, 32), identity.subarray(32, 97), identity.subarray(97, 162)].map((b) => b.toString('hex')),
        [keys.camera.privateKey!, keys.camera.publicKey, keys.agency.publicKey].map((b) => Buffer.from(b).toString('hex')));
      assert.equal(fs.statSync(path.join(dir, 'docks.bin')).size, docks.length * DOCK_KEY_LENGTH);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
