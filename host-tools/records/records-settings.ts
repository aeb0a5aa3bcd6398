// Where the records system's PostgreSQL and S3 bucket are: the CLI's --db / --s3-* options, else
// the environment (CHAINCAM_PG_URL, CHAINCAM_S3_ENDPOINT, CHAINCAM_S3_ACCESS_KEY,
// CHAINCAM_S3_SECRET_KEY, CHAINCAM_S3_REGION, CHAINCAM_S3_BUCKET) that `npm run services` writes
// to /tmp/chaincam-services/env for the servers it starts; a user with their own sets the same.
import type { Command } from 'commander';
import type { S3Settings } from './object-store.js';

export interface ConnectionOptions { db?: string; s3Endpoint?: string; s3AccessKey?: string; s3SecretKey?: string; s3Region?: string; s3Bucket?: string }
export interface RecordsSettings { dbUrl: string; s3: S3Settings }

export const DEFAULT_BUCKET = 'chaincam-records';

export function withConnectionOptions(command: Command): Command {
  return command
    .option('--db <url>', 'PostgreSQL URL (default: CHAINCAM_PG_URL)')
    .option('--s3-endpoint <url>', 'S3 endpoint with Object Lock (default: CHAINCAM_S3_ENDPOINT)')
    .option('--s3-access-key <key>', 'S3 access key (default: CHAINCAM_S3_ACCESS_KEY)')
    .option('--s3-secret-key <key>', 'S3 secret key (default: CHAINCAM_S3_SECRET_KEY)')
    .option('--s3-region <name>', 'S3 region (default: CHAINCAM_S3_REGION, else us-east-1)')
    .option('--s3-bucket <name>', `the Object Lock bucket (default: CHAINCAM_S3_BUCKET, else ${DEFAULT_BUCKET})`);
}

export function recordsSettings(o: ConnectionOptions, env: NodeJS.ProcessEnv = process.env): RecordsSettings {
  const need = (value: string | undefined, option: string, variable: string) => {
    if (!value) throw new Error(`${option} is not given and ${variable} is not set: start the services with npm run services (then: set -a; . /tmp/chaincam-services/env), or point chaincam at your own (README, "The records system")`);
    return value;
  };
  return {
    dbUrl: need(o.db ?? env.CHAINCAM_PG_URL, '--db', 'CHAINCAM_PG_URL'),
    s3: {
      endpoint: need(o.s3Endpoint ?? env.CHAINCAM_S3_ENDPOINT, '--s3-endpoint', 'CHAINCAM_S3_ENDPOINT'),
      accessKey: need(o.s3AccessKey ?? env.CHAINCAM_S3_ACCESS_KEY, '--s3-access-key', 'CHAINCAM_S3_ACCESS_KEY'),
      secretKey: need(o.s3SecretKey ?? env.CHAINCAM_S3_SECRET_KEY, '--s3-secret-key', 'CHAINCAM_S3_SECRET_KEY'),
      region: o.s3Region ?? env.CHAINCAM_S3_REGION ?? 'us-east-1',
      bucket: o.s3Bucket ?? env.CHAINCAM_S3_BUCKET ?? DEFAULT_BUCKET,
    },
  };
}
