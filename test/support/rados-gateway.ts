// A RADOS Gateway of a test's own, on the Ceph cluster `npm run services` runs (its ceph.conf,
// so its monitor and OSD, and the zone's users and buckets), under its own name (a cephx key made
// for it, removed at the end) and on its own loopback port, so the test can SIGKILL it mid-PUT
// and start it again while the shared gateway other tests use stays up. It serves S3 only: no
// lifecycle or garbage-collection threads of its own. Its log (debug_rgw 2: each request's
// stages, "s3:put_obj executing" among them) comes on stderr, where the test waits for lines.
//
// A killed gateway is fenced: its RADOS client addresses are blocklisted (for 10 minutes, then
// Ceph forgets them). Every gateway of a zone watches the zone's control objects, and the OSD
// keeps a dead gateway's watch until it times out; meanwhile every metadata change any gateway
// makes (a CreateBucket...) waits for the dead watcher's answer: measured 25 s on the shared
// gateway after a SIGKILL, 0.85 s once the dead one was blocklisted. (Operators of a real
// cluster fence a crashed gateway the same way.)
import { execFile, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { HANG_STOP_MS } from './hang-stop.js';
import { LogWatch } from './log-watch.js';
import { exited, freeLoopbackPort, lookUntil, portAccepts } from './process-events.js';
import { parseEnvLines, recordsServers } from './records-services.js';

export class RadosGateway {
  readonly #dir: string;
  readonly #conf: string;
  readonly name: string;
  readonly port: number;
  #child?: ChildProcess;
  /** What the running (or the last) gateway logged, but for its messenger lines. */
  log = new LogWatch();
  /** The RADOS client addresses the running gateway used (from its messenger lines, debug_ms 1). */
  #addresses = new Set<string>();

  private constructor(dir: string, conf: string, name: string, port: number) {
    this.#dir = dir;
    this.#conf = conf;
    this.name = name;
    this.port = port;
  }

  /**
   * Why a gateway of the test's own cannot run here (the S3 servers are the user's own, not
   * `npm run services`'s Ceph cluster), or undefined when it can.
   */
  static unavailable(): string | undefined {
    const state = process.env.CHAINCAM_SERVICES_DIR ?? '/tmp/chaincam-services';
    const envFile = path.join(state, 'env');
    const endpoint = recordsServers().CHAINCAM_S3_ENDPOINT;
    const services = fs.existsSync(envFile) ? parseEnvLines(fs.readFileSync(envFile, 'utf8')).CHAINCAM_S3_ENDPOINT : undefined;
    if (services !== endpoint || !fs.existsSync(path.join(state, 'ceph', 'ceph.conf'))) {
      return `the object store at ${endpoint} is not the Ceph cluster npm run services runs in ${state}: a test can start a RADOS Gateway of its own only on that cluster`;
    }
    return undefined;
  }

  static async create(label: string): Promise<RadosGateway> {
    const why = RadosGateway.unavailable();
    if (why) throw new Error(why);
    const conf = path.join(process.env.CHAINCAM_SERVICES_DIR ?? '/tmp/chaincam-services', 'ceph', 'ceph.conf');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), `chaincam-rgw-${label}-`));
    const gateway = new RadosGateway(dir, conf, `client.rgw.test-${label}-${crypto.randomBytes(3).toString('hex')}`, await freeLoopbackPort());
    try {
      gateway.#ceph(['auth', 'get-or-create', gateway.name, 'mon', 'allow rw', 'osd', 'allow rwx', '-o', path.join(dir, 'keyring')]);
      await gateway.start();
    } catch (error) {
      await gateway.remove();
      throw error;
    }
    return gateway;
  }

  get endpoint(): string { return `http://127.0.0.1:${this.port}`; }

  /** Starts radosgw; returns once its port accepts connections. */
  async start(): Promise<void> {
    if (this.#child) throw new Error(`the RADOS Gateway ${this.name} is already running`);
    const log = (this.log = new LogWatch());
    const addresses = (this.#addresses = new Set<string>());
    const child = (this.#child = spawn('radosgw', ['-f', '-c', this.#conf, '-n', this.name, '--keyring', path.join(this.#dir, 'keyring'),
      // tcp_nodelay: without it each response waits ~45 ms for Nagle (DESIGN.md's checked pitfalls).
      '--rgw-frontends', `beast endpoint=127.0.0.1:${this.port} tcp_nodelay=1`,
      '--rgw-data', this.#dir, '--admin-socket', path.join(this.#dir, 'asok'), '--log-to-file=false',
      '--log-to-stderr=true', '--err-to-stderr=true', '--debug-rgw=2', '--debug-ms=1',
      '--rgw-enable-lc-threads=false', '--rgw-enable-gc-threads=false'], { stdio: ['ignore', 'pipe', 'pipe'] }));
    let partial = '';
    const take = (chunk: Buffer) => {
      const lines = (partial + String(chunk)).split('\n');
      partial = lines.pop()!;
      for (const line of lines) {
        const messenger = MESSENGER_LINE.exec(line);
        if (messenger) addresses.add(messenger[1]!);
        else log.push(line);
      }
    };
    child.stdout!.on('data', take);
    child.stderr!.on('data', take);
    let ended: string | undefined;
    child.once('error', (error) => (ended = error.message));
    child.once('exit', (code, signal) => {
      ended ??= `exited (${code ?? signal})`;
      if (this.#child === child) this.#child = undefined;
    });
    await lookUntil(`the RADOS Gateway ${this.name} accepting on port ${this.port}`, async () => (await portAccepts(this.port)) || undefined,
      () => ended && `it ${ended}:\n${log.text.trim().split('\n').slice(-5).join('\n')}`);
  }

  /** SIGKILLs radosgw and returns once it is reaped and fenced. */
  async kill(): Promise<void> {
    const child = this.#child;
    if (!child) throw new Error(`the RADOS Gateway ${this.name} is not running: nothing to kill`);
    child.kill('SIGKILL');
    await exited(child);
    // At once: the monitor commits them together (one after the other, one map update each: ~1 s apiece).
    await Promise.all([...this.#addresses].map((address) => this.#cephAsync(['osd', 'blocklist', 'add', address, String(FENCE_SECONDS)])));
  }

  /** Kills it if it runs, removes its cephx key and its folder (for an after hook: nothing is left). */
  async remove(): Promise<void> {
    if (this.#child) await this.kill();
    if (fs.existsSync(path.join(this.#dir, 'keyring'))) this.#ceph(['auth', 'del', this.name]);
    fs.rmSync(this.#dir, { recursive: true, force: true });
  }

  #ceph(args: string[]): void {
    const run = spawnSync('ceph', ['-c', this.#conf, '--connect-timeout', '60', ...args], { encoding: 'utf8', timeout: HANG_STOP_MS });
    if (run.error) throw new Error(`ceph could not run (${run.error.message}): install ceph-mon (it brings the ceph command)`);
    if (run.status !== 0) throw new Error(`ceph ${args.slice(0, 3).join(' ')} for ${this.name} failed: ${run.stderr.trim()}`);
  }

  async #cephAsync(args: string[]): Promise<void> {
    try {
      await promisify(execFile)('ceph', ['-c', this.#conf, '--connect-timeout', '60', ...args], { timeout: HANG_STOP_MS });
    } catch (error) {
      throw new Error(`ceph ${args.slice(0, 4).join(' ')} for ${this.name} failed: ${((error as { stderr?: string }).stderr ?? (error as Error).message).trim()}`);
    }
  }
}

/** A messenger line (debug_ms 1) names the client address it was sent from or received at. */
const MESSENGER_LINE = / -- ([\d.]+:\d+\/\d+) (?:-->|<==) /;

/** How long a killed gateway's addresses stay blocklisted: long past its watches, then Ceph forgets them. */
const FENCE_SECONDS = 600;
