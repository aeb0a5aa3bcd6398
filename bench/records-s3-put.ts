// Benchmark: the object store's own PUT throughput for segment-sized objects (100-700 KB), with N
// clients at once: the baseline that the records ingest bench sets its figures against in the
// same run (ingest goal >= 0.7 of it). Each PUT is the one the records system sends, a
// `segments/<sha256>.seg` object with Content-MD5 and COMPLIANCE retention in an Object Lock
// bucket, and nothing else (no HEAD, no database). Each client is its own S3 client (its own
// connections), as each dock's forwarding is. Checksums are computed before the clock starts.
// The servers are those of test/support/records-services.ts (npm run services, or CHAINCAM_*);
// the objects stay locked for two minutes and are then only disk space in the state folder.
//   npx tsx bench/records-s3-put.ts [--clients 50] [--mb 256]
import crypto from 'node:crypto';
import { parseArgs } from 'node:util';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { S3Settings } from '../host-tools/records/object-store.js';
import { freshRecordsServices } from '../test/support/records-services.js';

export interface PreparedObject { key: string; body: Uint8Array; md5: string }

const MIN_BYTES = 100_000;
const MAX_BYTES = 700_000;

/** Objects of 100-700 KB (sizes from a fixed seed, so runs compare) totalling about `mb` MB. */
function prepareObjects(mb: number): PreparedObject[] {
  const pool = crypto.randomBytes(8 << 20);
  const objects: PreparedObject[] = [];
  let seed = 0x2545f491;
  let total = 0;
  while (total < mb * 1e6) {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    const size = MIN_BYTES + (seed % (MAX_BYTES - MIN_BYTES + 1));
    const start = (seed >>> 3) % (pool.length - size);
    // A counter prefix keeps every object distinct even where pool slices repeat.
    const body = new Uint8Array(size);
    body.set(pool.subarray(start, start + size));
    new DataView(body.buffer).setUint32(0, objects.length);
    const digest = crypto.createHash('sha256').update(body).digest('hex');
    objects.push({ key: `segments/${digest}.seg`, body, md5: crypto.createHash('md5').update(body).digest('base64') });
    total += size;
  }
  return objects;
}

function client(s3: S3Settings): S3Client {
  return new S3Client({
    endpoint: s3.endpoint, region: s3.region, forcePathStyle: true,
    credentials: { accessKeyId: s3.accessKey, secretAccessKey: s3.secretKey },
    requestChecksumCalculation: 'WHEN_REQUIRED', responseChecksumValidation: 'WHEN_REQUIRED',
  });
}

export interface S3PutFigures { seconds: number; bytes: number; objects: number; mbPerSecond: number; objectsPerSecond: number; p50Ms: number; p99Ms: number }

/** PUTs `objects` with `clients` clients taking the next object as each finishes its last. */
export async function measureS3Put(s3: S3Settings, objects: PreparedObject[], clients: number): Promise<S3PutFigures> {
  const pool = Array.from({ length: clients }, () => client(s3));
  const latencies: number[] = [];
  const retainUntil = new Date(Date.now() + 120_000);
  let next = 0;
  const start = process.hrtime.bigint();
  await Promise.all(pool.map(async (c) => {
    for (let i = next++; i < objects.length; i = next++) {
      const o = objects[i]!;
      const t0 = process.hrtime.bigint();
      await c.send(new PutObjectCommand({
        Bucket: s3.bucket, Key: o.key, Body: o.body, ContentMD5: o.md5, ContentType: 'application/octet-stream',
        ObjectLockMode: 'COMPLIANCE', ObjectLockRetainUntilDate: retainUntil,
      }));
      latencies.push(Number(process.hrtime.bigint() - t0) / 1e6);
    }
  }));
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  for (const c of pool) c.destroy();
  const bytes = objects.reduce((n, o) => n + o.body.length, 0);
  latencies.sort((a, b) => a - b);
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))]!;
  return { seconds, bytes, objects: objects.length, mbPerSecond: bytes / 1e6 / seconds, objectsPerSecond: objects.length / seconds, p50Ms: at(0.5), p99Ms: at(0.99) };
}

/** The baseline on a fresh bucket: one client, then `clients` at once, over the same kind of objects. */
export async function recordsS3Put(options: { clients?: number; mb?: number } = {}): Promise<Record<string, number>> {
  const clients = options.clients ?? 50;
  const mb = options.mb ?? 256;
  const services = await freshRecordsServices('bench-s3-put');
  try {
    const single = await measureS3Put(services.settings.s3, prepareObjects(Math.max(16, mb / 8)), 1);
    const parallel = await measureS3Put(services.settings.s3, prepareObjects(mb), clients);
    return {
      'objects put (parallel run)': parallel.objects,
      'MB put (parallel run)': Math.round(parallel.bytes / 1e6),
      [`PUT MB/s, ${clients} clients`]: round1(parallel.mbPerSecond),
      [`PUT objects/s, ${clients} clients`]: round1(parallel.objectsPerSecond),
      [`PUT p50 ms, ${clients} clients`]: round1(parallel.p50Ms),
      [`PUT p99 ms, ${clients} clients`]: round1(parallel.p99Ms),
      'PUT MB/s, 1 client': round1(single.mbPerSecond),
      'PUT objects/s, 1 client': round1(single.objectsPerSecond),
      'PUT p50 ms, 1 client': round1(single.p50Ms),
    };
  } finally {
    await services.drop();
  }
}

const round1 = (n: number) => Math.round(n * 10) / 10;

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({ options: { clients: { type: 'string', default: '50' }, mb: { type: 'string', default: '256' } } });
  const figures = await recordsS3Put({ clients: Number(values.clients), mb: Number(values.mb) });
  for (const [what, value] of Object.entries(figures)) process.stdout.write(`  ${what.padEnd(32)} ${value.toLocaleString('en-US')}\n`);
}
