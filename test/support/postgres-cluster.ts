// A PostgreSQL 15 cluster of a test's own (initdb into a temporary folder, its own loopback
// port), so the test can SIGKILL its postmaster mid-ingest and start it again: the restart runs
// PostgreSQL's crash recovery, which the shared server of `npm run services` must never be put
// through. As root, PostgreSQL runs as the `postgres` user (as records-services.sh runs it).
//
// The postmaster is this process's child, not pg_ctl's daemon: a killed daemon is reaped by
// init whenever init gets to it, and until then its zombie's pid makes the next start refuse
// ("another server might be running"). A child is reaped here, at its exit event.
import { spawn, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { LogWatch } from './log-watch.js';
import { childPids, exited, freeLoopbackPort, lookUntil, processRuns } from './process-events.js';

const PG_BIN = '/usr/lib/postgresql/15/bin';
const asRoot = process.getuid?.() === 0;

export class PostgresCluster {
  readonly #dir: string;
  readonly #password: string;
  readonly port: number;
  #postmaster?: ChildProcess;
  /** What the running (or the last) postmaster and its backends logged. */
  log = new LogWatch();

  private constructor(dir: string, password: string, port: number) {
    this.#dir = dir;
    this.#password = password;
    this.port = port;
  }

  /** initdb and the first start (about half a second). */
  static async create(label: string): Promise<PostgresCluster> {
    if (!fs.existsSync(path.join(PG_BIN, 'initdb'))) throw new Error(`${PG_BIN}/initdb is missing: install postgresql-15 (apt-get install --no-install-recommends postgresql)`);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), `chaincam-pg-${label}-`));
    const cluster = new PostgresCluster(dir, crypto.randomBytes(18).toString('base64url'), await freeLoopbackPort());
    try {
      fs.mkdirSync(path.join(dir, 'run'));
      fs.writeFileSync(path.join(dir, 'password'), cluster.#password, { mode: 0o600 });
      if (asRoot) for (const p of [dir, path.join(dir, 'run'), path.join(dir, 'password')]) fs.chownSync(p, ...postgresIds());
      // No fsync at initdb: the test kills a process, never the machine, so the page cache survives.
      await cluster.#initdb(['-D', cluster.#data, '-U', 'postgres', '-E', 'UTF8', '--locale=C.UTF-8', '--no-sync',
        '--auth-local=trust', '--auth-host=scram-sha-256', `--pwfile=${path.join(dir, 'password')}`]);
      await cluster.start();
    } catch (error) {
      await cluster.remove();
      throw error;
    }
    return cluster;
  }

  get #data(): string { return path.join(this.#dir, 'data'); }

  /** The superuser over TCP, database postgres (the cluster is the test's alone). */
  get url(): string { return `postgres://postgres:${this.#password}@127.0.0.1:${this.port}/postgres`; }

  /** Starts the postmaster; returns once it logs that it accepts connections (after any crash recovery). */
  async start(): Promise<void> {
    if (this.#postmaster) throw new Error(`the PostgreSQL cluster in ${this.#dir} is already running`);
    const log = (this.log = new LogWatch());
    const child = (this.#postmaster = spawn(...asPostgres(path.join(PG_BIN, 'postgres'),
      ['-D', this.#data, '-p', String(this.port), '-k', path.join(this.#dir, 'run'), '-c', 'listen_addresses=127.0.0.1']), { stdio: ['ignore', 'pipe', 'pipe'] }));
    child.stdout!.on('data', log.write);
    child.stderr!.on('data', log.write); // the server logs to stderr (no logging collector)
    child.once('exit', () => {
      if (this.#postmaster === child) this.#postmaster = undefined;
    });
    const ended = new Promise<never>((_, reject) => {
      child.once('error', reject);
      child.once('exit', (code, signal) => reject(new Error(`PostgreSQL in ${this.#dir} exited while starting (${code ?? signal}):\n${log.text.trim().split('\n').slice(-5).join('\n')}`)));
    });
    ended.catch(() => undefined);
    await Promise.race([log.until(/database system is ready to accept connections/), ended]);
  }

  /**
   * SIGKILLs the postmaster, as a crash or the OOM killer would, and returns once it is reaped
   * and its backends and helpers have noticed and exited too: until they have, they hold its
   * shared memory and a new postmaster refuses to start.
   */
  async kill(): Promise<void> {
    const postmaster = this.#postmaster;
    if (!postmaster?.pid) throw new Error(`the PostgreSQL cluster in ${this.#dir} is not running: nothing to kill`);
    const children = childPids(postmaster.pid);
    postmaster.kill('SIGKILL');
    await exited(postmaster);
    await lookUntil(`the ${children.length} processes of the killed postmaster ${postmaster.pid} exiting`, () => (children.some(processRuns) ? undefined : true));
  }

  /** Stops it at once if it runs and removes its folder (for an after hook: nothing is left running). */
  async remove(): Promise<void> {
    const postmaster = this.#postmaster;
    if (postmaster) {
      postmaster.kill('SIGQUIT'); // immediate shutdown: the folder goes next
      await exited(postmaster);
    }
    fs.rmSync(this.#dir, { recursive: true, force: true });
  }

  async #initdb(args: string[]): Promise<void> {
    const out = fs.openSync(path.join(this.#dir, 'initdb.log'), 'a');
    const child = spawn(...asPostgres(path.join(PG_BIN, 'initdb'), args), { stdio: ['ignore', out, out] });
    fs.closeSync(out);
    const failed = new Promise<never>((_, reject) => child.once('error', reject));
    await Promise.race([exited(child), failed]);
    if (child.exitCode !== 0) {
      const log = fs.readFileSync(path.join(this.#dir, 'initdb.log'), 'utf8').trim().split('\n').slice(-5).join('\n');
      throw new Error(`initdb failed (exit ${child.exitCode ?? child.signalCode}) for the test cluster in ${this.#dir}:\n${log}`);
    }
  }
}

/** The command line that runs a PostgreSQL program as `postgres` when root (setpriv execs it: no process in between). */
function asPostgres(program: string, args: string[]): [string, string[]] {
  return asRoot ? ['setpriv', ['--reuid=postgres', '--regid=postgres', '--init-groups', program, ...args]] : [program, args];
}

function postgresIds(): [number, number] {
  const line = fs.readFileSync('/etc/passwd', 'utf8').split('\n').find((l) => l.startsWith('postgres:'));
  if (!line) throw new Error('there is no postgres user: install postgresql-15, which creates it');
  const [, , uid, gid] = line.split(':');
  return [Number(uid), Number(gid)];
}
