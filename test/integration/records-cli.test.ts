// `chaincam records …`, `chaincam dock --forward` and `chaincam verify --records` as a user runs
// them, on the real PostgreSQL and Ceph RADOS Gateway: init makes the key, RECORDS.pub, tables,
// bucket and log; enrol-dock and person go into the log; serve answers a forwarding dock with
// acks RECORDS.pub verifies; retention and hold act on the locks; verify --records exits 0, and
// 1 once a row is deleted. Bad input is refused with what to do, and changes nothing.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { generateP256KeyPair } from '../../firmware/format/key-derivation.js';
import { offloadCamera } from '../../host-tools/dock/camera-offload.js';
import { createDockKeyFile } from '../../host-tools/dock/dock-key.js';
import { RecordsForwarder } from '../../host-tools/dock/records-forwarder.js';
import { readRecordsPublicKey } from '../../host-tools/records/records-key.js';
import { projectRoot } from '../../host-tools/sim/project-root.js';
import { EvidenceStore } from '../../host-tools/store/evidence-store.js';
import { hostPort } from '../support/dock-harness.js';
import { HANG_STOP_MS } from '../support/hang-stop.js';
import { HostCamera } from '../support/host-camera.js';
import { freshRecordsServices, type FreshRecordsServices } from '../support/records-services.js';
import { runSubcommand } from '../support/run-subcommand.js';

describe('chaincam records, dock --forward and verify --records on the command line', function () {
  this.timeout(600_000);
  let services: FreshRecordsServices;
  let dir: string;
  let env: NodeJS.ProcessEnv;
  let serve: ChildProcess | undefined;
  const records = (...args: string[]) => runSubcommand('host-tools/records/records-command.ts', 'registerRecordsCommand', ['records', ...args], env);
  const verify = (...args: string[]) => runSubcommand('host-tools/verify/verify-command.ts', 'registerVerifyCommand', ['verify', ...args], env);
  const file = (name: string) => path.join(dir, name);

  before(async () => {
    services = await freshRecordsServices('records-cli');
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'chaincam-records-cli-'));
    const { s3 } = services.settings;
    env = {
      ...process.env, CHAINCAM_PG_URL: services.settings.dbUrl, CHAINCAM_S3_ENDPOINT: s3.endpoint, CHAINCAM_S3_ACCESS_KEY: s3.accessKey,
      CHAINCAM_S3_SECRET_KEY: s3.secretKey, CHAINCAM_S3_REGION: s3.region, CHAINCAM_S3_BUCKET: s3.bucket,
    };
  });
  after(async () => {
    serve?.kill('SIGTERM');
    await services?.drop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('refuses missing settings and keys before writing anything', () => {
    const bare = { ...env, CHAINCAM_PG_URL: '' };
    const missing = runSubcommand('host-tools/records/records-command.ts', 'registerRecordsCommand', ['records', 'init', '--key', file('records.key'), '--public', file('RECORDS.pub')], bare);
    assert.equal(missing.status, 1);
    assert.match(missing.stderr, /--db is not given and CHAINCAM_PG_URL is not set: start the services with npm run services/);
    assert.ok(!fs.existsSync(file('records.key')), 'no key written');
    const noKey = runSubcommand('host-tools/dock/dock-command.ts', 'registerDockCommand', ['dock', '--port', '/nonexistent', '--store', file('store'), '--key', file('dock.key'), '--new-key', '--forward', 'http://127.0.0.1:1'], env);
    assert.equal(noKey.status, 1);
    assert.match(noKey.stderr, /--forward URL and --records-key RECORDS.pub go together/);
    assert.ok(!fs.existsSync(file('store')) && !fs.existsSync(file('dock.key')), 'no store or key made');
  });

  it('init, enrol-dock, person, serve: a dock forwards and checks the acks with RECORDS.pub', async () => {
    const init = records('init', '--key', file('records.key'), '--public', file('RECORDS.pub'));
    assert.equal(init.status, 0, init.stderr);
    assert.match(init.stdout, /records system [0-9a-f]{32}: key .*records.key, public key .*RECORDS.pub/);
    const again = records('init', '--key', file('records.key'), '--public', file('RECORDS.pub'));
    assert.equal(again.status, 1);
    assert.match(again.stderr, /already exists; chaincam never overwrites keys/);

    const dockKey = createDockKeyFile(hostPort, file('dock.key'));
    const enrol = records('enrol-dock', '--key', file('records.key'), '--dock-key', file('dock.key'), '--station', 'Mapo police station', '--by', 'records manager kim');
    assert.equal(enrol.status, 0, enrol.stderr);
    assert.match(enrol.stdout, /enrolled at "Mapo police station" \(records log entry #1\)/);
    fs.writeFileSync(file('park.password'), 'park-audits-everyone-2026\n', { mode: 0o600 });
    const person = records('person', 'add', 'auditor park', '--key', file('records.key'), '--role', 'auditor', '--by', 'records manager kim', '--password-file', file('park.password'));
    assert.equal(person.status, 0, person.stderr);
    assert.match(person.stdout, /auditor park added as auditor/);
    const badRole = records('person', 'add', 'x', '--key', file('records.key'), '--role', 'janitor', '--by', 'kim', '--password-file', file('park.password'));
    assert.match(badRole.stderr, /--role janitor is not one of records-manager, investigator, auditor/);
    const noPassword = records('person', 'add', 'y', '--key', file('records.key'), '--role', 'auditor', '--by', 'kim');
    assert.match(noPassword.stderr, /give exactly one of --password-file FILE and --password-stdin/);
    fs.writeFileSync(file('short.password'), 'short\n');
    const short = records('person', 'add', 'z', '--key', file('records.key'), '--role', 'auditor', '--by', 'kim', '--password-file', file('short.password'));
    assert.match(short.stderr, /the password has 5 characters; give at least 12/);

    serve = spawn(process.execPath, [path.join(projectRoot, 'bin/chaincam.js'), 'records', 'serve', '--key', file('records.key'), '--listen', '127.0.0.1:0'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    const url = await new Promise<string>((resolve, reject) => {
      let out = '';
      const stop = setTimeout(() => reject(new Error(`records serve did not start:\n${out}`)), HANG_STOP_MS);
      serve!.stdout!.setEncoding('utf8').on('data', (t: string) => {
        out += t;
        const match = /listening on (http:\/\/\S+)/.exec(out);
        if (match) {
          clearTimeout(stop);
          resolve(match[1]!);
        }
      });
      serve!.stderr!.setEncoding('utf8').on('data', (t: string) => (out += t));
      serve!.once('exit', (code) => reject(new Error(`records serve exited ${code}:\n${out}`)));
    });
    // The same server answers people: the web page's sign-in, beside the ingest API.
    const signIn = await fetch(`${url}/login`);
    assert.equal(signIn.status, 200);
    assert.match(await signIn.text(), /<h1>Sign in<\/h1>/);
    assert.equal((await fetch(`${url}/recordings`, { redirect: 'manual' })).headers.get('location'), '/login');
    const camera = HostCamera.create('officer kim');
    const made = camera.record(1, [15_000, 9_000]);
    const store = EvidenceStore.open(file('store'), { dockKey });
    try {
      const forwarder = new RecordsForwarder(url, dockKey, readRecordsPublicKey(file('RECORDS.pub')), hostPort);
      const result = await offloadCamera({ client: camera.connect(dockKey.publicKey), store, dockKey, port: hostPort, log: () => undefined, forward: forwarder });
      assert.equal(result.released, 2);
    } finally {
      store.close();
    }
    const wrongKey = new RecordsForwarder(url, dockKey, generateP256KeyPair(hostPort).publicKey, hostPort);
    const again2 = HostCamera.create('officer lee');
    again2.record(1, [5_000]);
    const held = [...again2.evidence.held.values()][0]!;
    await assert.rejects(wrongKey.forward({ label: 'officer lee', cameraPublicKey: again2.key.publicKey, chain: again2.evidence.chain, recordSequence: held.segment.sequence, sealed: held.bytes }),
      /ack signature does not verify with --records-key/);

    const deviceId = camera.id;
    const retention = records('retention', '--key', file('records.key'), '--recording', `${deviceId}:1`, '--until', new Date(Date.now() + 60 * 86_400_000).toISOString().slice(0, 10), '--reason', 'court order', '--by', 'prosecutor lee');
    assert.equal(retention.status, 0, retention.stderr);
    const badRecording = records('retention', '--key', file('records.key'), '--recording', 'camera-1', '--until', '2027-01-01', '--reason', 'r', '--by', 'b');
    assert.match(badRecording.stderr, /--recording camera-1 is not DEVICEID:RECORDING/);
    const badDate = records('retention', '--key', file('records.key'), '--recording', `${deviceId}:1`, '--until', 'next week', '--reason', 'r', '--by', 'b');
    assert.match(badDate.stderr, /--until next week is not a date/);
    const hold = records('hold', '--key', file('records.key'), '--recording', `${deviceId}:1`, '--on', '--reason', 'investigation', '--by', 'investigator yoon');
    assert.equal(hold.status, 0, hold.stderr);
    const expire = records('expire', '--key', file('records.key'));
    assert.equal(expire.status, 0, expire.stderr);
    assert.match(expire.stdout, /^0 segment\(s\) ended/m);

    const ok = verify('--records', '--records-key', file('RECORDS.pub'));
    assert.equal(ok.status, 0, ok.stdout + ok.stderr);
    assert.match(ok.stdout, /OK: the records system verifies/);
    assert.match(ok.stdout, new RegExp(`${made.length + 1} segments held`), "officer kim's two, and officer lee's (stored; only its ack was refused by a dock with the wrong key)");

    const client = new pg.Client({ connectionString: services.settings.dbUrl });
    await client.connect();
    await client.query('DELETE FROM people');
    await client.end();
    const caught = verify('--records', '--records-key', file('RECORDS.pub'));
    assert.equal(caught.status, 1);
    assert.match(caught.stdout, /FAIL: table people: row auditor park is missing/);
  });
});
