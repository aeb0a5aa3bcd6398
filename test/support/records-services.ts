// The records system's servers for a test file: a fresh PostgreSQL database and a fresh Object
// Lock bucket on the servers CHAINCAM_PG_URL and CHAINCAM_S3_* name, or, when those are not set,
// on the loopback ones `npm run services` starts (started here if they are not up, once per test
// process), so plain `npm test` needs nothing started by hand on a machine with the Debian packages.
import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { ObjectLockBucket, type S3Settings } from '../../host-tools/records/object-store.js';
import { projectRoot } from '../../host-tools/sim/project-root.js';
import { HANG_STOP_MS } from './hang-stop.js';

export interface RecordsServiceSettings { dbUrl: string; s3: S3Settings }

export interface FreshRecordsServices {
  settings: RecordsServiceSettings;
  /** Drops the database. The bucket stays: its objects are locked, as they must be. */
  drop(): Promise<void>;
}

const SERVICES_SCRIPT = path.join(projectRoot, 'host-tools/records/services/records-services.sh');
const VARIABLES = ['CHAINCAM_PG_URL', 'CHAINCAM_S3_ENDPOINT', 'CHAINCAM_S3_ACCESS_KEY', 'CHAINCAM_S3_SECRET_KEY'] as const;

let servers: Record<string, string> | undefined;

/** The servers' settings: the environment's when all are set, else those of `npm run services`. */
export function recordsServers(): Record<string, string> {
  if (servers) return servers;
  const given = VARIABLES.filter((v) => process.env[v]);
  if (given.length === VARIABLES.length) return (servers = { ...process.env } as Record<string, string>);
  if (given.length) throw new Error(`${given.join(', ')} set but not ${VARIABLES.filter((v) => !process.env[v]).join(', ')}: set all of them (your own servers) or none (npm run services)`);
  const started = spawnSync('bash', [SERVICES_SCRIPT, 'start'], { encoding: 'utf8', timeout: HANG_STOP_MS, env: process.env });
  if (started.status !== 0) throw new Error(`npm run services failed (exit ${started.status ?? started.signal}):\n${started.stdout}${started.stderr}`);
  const state = process.env.CHAINCAM_SERVICES_DIR ?? '/tmp/chaincam-services';
  return (servers = parseEnvLines(fs.readFileSync(path.join(state, 'env'), 'utf8')));
}

export function parseEnvLines(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const at = line.indexOf('=');
    if (at > 0 && !line.startsWith('#')) out[line.slice(0, at)] = line.slice(at + 1);
  }
  return out;
}

/** A database and a bucket no other test file uses, named after `label` for whoever reads the server. */
export async function freshRecordsServices(label = 'test'): Promise<FreshRecordsServices> {
  const env = recordsServers();
  const unique = uniqueName(label);
  const database = `chaincam_${unique.replace(/-/g, '_')}`;
  const adminUrl = env.CHAINCAM_PG_URL!;
  psql(adminUrl, `CREATE DATABASE "${database}"`);
  const dbUrl = new URL(adminUrl);
  dbUrl.pathname = `/${database}`;
  return {
    settings: { dbUrl: dbUrl.toString(), s3: await lockedBucket(unique) },
    async drop() {
      // Plain DROP first: it stops an autovacuum worker in the database itself (a big bench's tables
      // draw one), which WITH (FORCE) may not (only a superuser terminates it); FORCE if sessions remain.
      try {
        psql(adminUrl, `DROP DATABASE IF EXISTS "${database}"`);
      } catch {
        psql(adminUrl, `DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
      }
    },
  };
}

/** A bucket with Object Lock no other test uses (for a test that brings its own database). */
export function freshRecordsBucket(label: string): Promise<S3Settings> {
  return lockedBucket(uniqueName(label));
}

async function lockedBucket(unique: string): Promise<S3Settings> {
  const env = recordsServers();
  const s3: S3Settings = {
    endpoint: env.CHAINCAM_S3_ENDPOINT!, accessKey: env.CHAINCAM_S3_ACCESS_KEY!, secretKey: env.CHAINCAM_S3_SECRET_KEY!,
    region: env.CHAINCAM_S3_REGION ?? 'us-east-1', bucket: `chaincam-${unique}`.slice(0, 63),
  };
  (await ObjectLockBucket.open(s3, { create: true })).close();
  return s3;
}

const uniqueName = (label: string) => `${label.toLowerCase().replace(/[^a-z0-9]+/g, '-').slice(0, 30)}-${Date.now().toString(36)}-${crypto.randomBytes(4).toString('hex')}`;

// psql (Debian's postgresql-client, installed with the server) rather than a client library:
// the test support needs two statements and no connection of its own.
function psql(url: string, sql: string): void {
  const run = spawnSync('psql', ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-d', url, '-c', sql], { encoding: 'utf8', timeout: HANG_STOP_MS });
  if (run.error) throw new Error(`psql could not run (${run.error.message}): install postgresql-client`);
  if (run.status !== 0) throw new Error(`psql ${sql} on ${url.replace(/:[^:@/]*@/, ':***@')} failed: ${run.stderr.trim()}`);
}
