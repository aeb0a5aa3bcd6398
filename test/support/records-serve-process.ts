// `chaincam records serve` as a child process of a test, so the test can SIGKILL the records
// server itself (not close it politely) and start it again on the same port. It runs on the
// test's records system (its database, its bucket, its records key file); the connection
// settings go in the environment, never on a command line other users can read.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { projectRoot } from '../../host-tools/sim/project-root.js';
import { LogWatch } from './log-watch.js';
import { exited } from './process-events.js';
import type { RecordsSystem } from './records-system.js';

export class RecordsServeProcess {
  readonly #records: RecordsSystem;
  #child?: ChildProcess;
  /** 0 until the first start has chosen one; the same port after. */
  port = 0;
  /** What the running (or the last) server printed. */
  log = new LogWatch();

  constructor(records: RecordsSystem) {
    this.#records = records;
  }

  get url(): string { return `http://127.0.0.1:${this.port}`; }

  /** Starts it; returns once it prints that it listens. */
  async start(): Promise<void> {
    if (this.#child) throw new Error('chaincam records serve is already running');
    const { settings } = this.#records;
    const log = (this.log = new LogWatch());
    const child = (this.#child = spawn(process.execPath, [path.join(projectRoot, 'bin/chaincam.js'), 'records', 'serve', '--key', this.#records.keyFile, '--listen', `127.0.0.1:${this.port}`], {
      cwd: projectRoot,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        ...process.env, CHAINCAM_PG_URL: settings.dbUrl, CHAINCAM_S3_ENDPOINT: settings.s3.endpoint, CHAINCAM_S3_ACCESS_KEY: settings.s3.accessKey,
        CHAINCAM_S3_SECRET_KEY: settings.s3.secretKey, CHAINCAM_S3_REGION: settings.s3.region, CHAINCAM_S3_BUCKET: settings.s3.bucket,
      },
    }));
    child.stdout!.on('data', log.write);
    child.stderr!.on('data', log.write);
    child.once('exit', () => {
      if (this.#child === child) this.#child = undefined;
    });
    const ended = new Promise<never>((_, reject) => {
      child.once('error', reject);
      child.once('exit', (code, signal) => reject(new Error(`chaincam records serve exited while starting (${code ?? signal}):\n${log.text.trim()}`)));
    });
    ended.catch(() => undefined);
    const listening = await Promise.race([log.until(/ listening on http:\/\/[\d.]+:\d+$/), ended]);
    this.port = Number(/:(\d+)$/.exec(listening)![1]);
  }

  /** SIGKILLs it (no shutdown of any kind) and returns once it is reaped. */
  async kill(): Promise<void> {
    const child = this.#child;
    if (!child) throw new Error('chaincam records serve is not running: nothing to kill');
    child.kill('SIGKILL');
    await exited(child);
  }

  /** Kills it if it runs (for an after hook: nothing is left running). */
  async stop(): Promise<void> {
    if (this.#child) await this.kill();
  }
}
