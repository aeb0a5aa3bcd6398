// `npm run services` as a user runs it: a cluster of its own (its own state folder and ports,
// memstore so it is quick), started, found up, one server taken away and brought back, stopped
// with nothing left running; and the settings it writes reach real servers.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ObjectLockBucket } from '../../host-tools/records/object-store.js';
import { projectRoot } from '../../host-tools/sim/project-root.js';
import { HANG_STOP_MS } from '../support/hang-stop.js';
import { parseEnvLines } from '../support/records-services.js';

const SCRIPT = path.join(projectRoot, 'host-tools/records/services/records-services.sh');

describe('npm run services (records servers on loopback)', function () {
  let state: string;
  const env = () => ({
    ...process.env, CHAINCAM_SERVICES_DIR: state, CHAINCAM_SERVICES_OSD_STORE: 'memstore',
    CHAINCAM_SERVICES_PG_PORT: '15462', CHAINCAM_SERVICES_S3_PORT: '17510', CHAINCAM_SERVICES_MON_PORT: '16819',
  });
  const services = (...args: string[]) => servicesWith({}, ...args);
  const servicesWith = (extra: NodeJS.ProcessEnv, ...args: string[]) => {
    const run = spawnSync('bash', [SCRIPT, ...args], { encoding: 'utf8', timeout: HANG_STOP_MS, env: { ...env(), ...extra } });
    return { status: run.status, output: run.stdout + run.stderr };
  };
  /** The pids of the cluster's daemons still running (the postmaster's and Ceph's pid files). */
  const running = () => ['run/mon.a.pid', 'run/osd.0.pid', 'run/rgw.chaincam.pid', 'postgres/postmaster.pid']
    .map((f) => path.join(state, f)).filter((f) => fs.existsSync(f))
    .map((f) => Number(fs.readFileSync(f, 'utf8').split('\n')[0]))
    .filter((pid) => { try { process.kill(pid, 0); return true; } catch { return false; } });

  before(() => { state = fs.mkdtempSync(path.join(os.tmpdir(), 'chaincam-services-test-')); });
  after(() => {
    services('stop');
    fs.rmSync(state, { recursive: true, force: true });
  });

  it('starts PostgreSQL, a Ceph monitor and OSD and the RADOS Gateway, and writes settings that reach them', async () => {
    const started = services();
    assert.equal(started.status, 0, started.output);
    assert.match(started.output, /creating a one-node cluster .* \(memstore, 4 GiB\)/);
    assert.match(started.output, /s3: created the user chaincam/);
    const settings = parseEnvLines(fs.readFileSync(path.join(state, 'env'), 'utf8'));
    assert.match(settings.CHAINCAM_PG_URL!, /^postgres:\/\/chaincam:[0-9a-f]{32}@127\.0\.0\.1:15462\/chaincam$/);
    assert.equal(settings.CHAINCAM_S3_ENDPOINT, 'http://127.0.0.1:17510');
    const psql = spawnSync('psql', ['-X', '-tA', '-d', settings.CHAINCAM_PG_URL!, '-c', 'SELECT current_user'], { encoding: 'utf8', timeout: HANG_STOP_MS });
    assert.equal(psql.stdout.trim(), 'chaincam', psql.stderr);
    const bucket = await ObjectLockBucket.open({
      endpoint: settings.CHAINCAM_S3_ENDPOINT!, accessKey: settings.CHAINCAM_S3_ACCESS_KEY!, secretKey: settings.CHAINCAM_S3_SECRET_KEY!,
      region: settings.CHAINCAM_S3_REGION!, bucket: 'services-test',
    }, { create: true });
    assert.deepEqual(await bucket.listSegments(), []);
    bucket.close();
    assert.equal(running().length, 4);
  });

  it('a second start finds every server up and starts nothing, on the ports the folder was made with', () => {
    const again = servicesWith({ CHAINCAM_SERVICES_PG_PORT: '15999' });
    assert.equal(again.status, 0, again.output);
    assert.match(again.output, /keeps its ports \(15462, 17510, 16819\): rm -rf it to change them/);
    assert.match(again.output, /postgres: already up on 127\.0\.0\.1:15462/);
    for (const server of ['postgres: already up', 'monitor already up', 'OSD already up', 'RADOS Gateway already up']) assert.match(again.output, new RegExp(server));
    assert.doesNotMatch(again.output, /starting|creating/);
  });

  it('a server taken away is reported down and brought back by the next start', () => {
    assert.equal(services('stop', 's3').status, 0);
    const status = services('status');
    assert.equal(status.status, 1);
    assert.match(status.output, /s3: down/);
    assert.match(status.output, /postgres: up/);
    const back = services();
    assert.match(back.output, /starting the RADOS Gateway/);
    assert.match(back.output, /postgres: already up/);
    assert.equal(services('status').status, 0);
  });

  it('stop leaves nothing running, and an unknown subcommand or server is refused by name', () => {
    const stopped = services('stop');
    assert.equal(stopped.status, 0, stopped.output);
    assert.deepEqual(running(), []);
    assert.match(services('stop').output, /postgres: not running/);
    const bad = services('restart');
    assert.equal(bad.status, 1);
    assert.match(bad.output, /unknown subcommand 'restart': use start \(the default\), stop or status/);
    assert.match(services('stop', 'rgw').output, /unknown server 'rgw': stop all \(the default\), postgres, s3, osd or mon/);
  });
});
