// Benchmark: 50 docks forwarding at once into one records server (issue 17's ingest target),
// against the object store's own PUT throughput for the same bytes, measured in the same run
// (goal: ingest MB/s >= 0.7 of raw PUT MB/s). Each dock has its own key (enrolled), its own
// camera with sealed segments of 100-700 KB on a verified chain, and forwards them one after the
// other, a few at a time, as `chaincam dock --forward` does (signed request, chain check, locked PUT + HEAD, one
// PostgreSQL transaction, checkpoint to the bucket, signed ack checked). The baseline PUTs the
// same bodies with 50 S3 clients into a fresh Object Lock bucket (bench/records-s3-put.ts). The
// records server runs as `chaincam records serve` in its own process. At
// the end: every segment stored once, one object each, and verify --records passes.
//   npx tsx bench/records-ingest.ts [--docks 50] [--mb 256]
import { spawn, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { toHex } from '../firmware/format/bytes.js';
import { generateP256KeyPair } from '../firmware/format/key-derivation.js';
import { FORWARD_WINDOW, RecordsForwarder, forwardWindow } from '../host-tools/dock/records-forwarder.js';
import { NodeCryptoPort } from '../host-tools/crypto/node-crypto-port.js';
import type { ForwardedSegment } from '../host-tools/records/records-protocol.js';
import { RECORDS_KEY_FORMAT } from '../host-tools/records/records-key.js';
import { projectRoot } from '../host-tools/sim/project-root.js';
import { verifyRecords } from '../host-tools/records/records-verify.js';
import { HostCamera } from '../test/support/host-camera.js';
import { freshRecordsServices } from '../test/support/records-services.js';
import { startRecordsSystem } from '../test/support/records-system.js';
import { measureS3Put, type PreparedObject } from './records-s3-put.js';

const port = new NodeCryptoPort();

/** Per dock: one camera, one recording of segments of 100-700 KB (fixed seed) totalling about mbPerDock MB. */
function cameraFor(dock: number, mbPerDock: number): { camera: HostCamera; segments: ForwardedSegment[] } {
  let seed = (0x2545f491 + dock * 7919) >>> 0;
  const sizes: number[] = [];
  let total = 0;
  while (total < mbPerDock * 1e6) {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    const size = 100_000 + (seed % 600_001);
    sizes.push(size);
    total += size;
  }
  const camera = HostCamera.create(`bench camera ${dock}`);
  camera.record(1, sizes);
  const chain = camera.evidence.chain.slice();
  const segments = [...camera.evidence.held.values()].map((h) => ({ label: camera.label, cameraPublicKey: camera.key.publicKey, chain, recordSequence: h.segment.sequence, sealed: h.bytes }));
  return { camera, segments };
}

export async function recordsIngest(options: { docks?: number; mb?: number } = {}): Promise<Record<string, number>> {
  const docks = options.docks ?? 50;
  const mb = options.mb ?? 256;
  const fleet = Array.from({ length: docks }, (_, i) => cameraFor(i, mb / docks));
  const all = fleet.flatMap((f) => f.segments);
  const bytes = all.reduce((n, s) => n + s.sealed.length, 0);

  // The object store alone, same bodies, same number of clients.
  const baseline = await freshRecordsServices('bench-ingest-put');
  let put;
  try {
    const objects: PreparedObject[] = all.map((s) => ({ key: `segments/${toHex(port.sha256(s.sealed))}.seg`, body: s.sealed, md5: crypto.createHash('md5').update(s.sealed).digest('base64') }));
    put = await measureS3Put(baseline.settings.s3, objects, docks);
  } finally {
    await baseline.drop();
  }

  const records = await startRecordsSystem('bench-ingest');
  let serve: ChildProcess | undefined;
  try {
    // The records server in its own process (`chaincam records serve`), as it runs: the docks'
    // clients here do not share its event loop.
    await records.stopServer();
    const keyFile = path.join(records.dir, 'records.key');
    fs.writeFileSync(keyFile, JSON.stringify({ format: RECORDS_KEY_FORMAT, publicKey: toHex(records.key.publicKey), privateKey: toHex(records.key.privateKey) }), { mode: 0o600 });
    const { s3 } = records.settings;
    serve = spawn(process.execPath, [path.join(projectRoot, 'bin/chaincam.js'), 'records', 'serve', '--key', keyFile, '--listen', '127.0.0.1:0'], {
      stdio: ['ignore', 'pipe', 'inherit'],
      env: { ...process.env, CHAINCAM_PG_URL: records.settings.dbUrl, CHAINCAM_S3_ENDPOINT: s3.endpoint, CHAINCAM_S3_ACCESS_KEY: s3.accessKey, CHAINCAM_S3_SECRET_KEY: s3.secretKey, CHAINCAM_S3_REGION: s3.region, CHAINCAM_S3_BUCKET: s3.bucket },
    });
    records.url = await new Promise<string>((resolve, reject) => {
      let out = '';
      serve!.stdout!.setEncoding('utf8').on('data', (t: string) => {
        out += t;
        const match = /listening on (http:\/\/\S+)/.exec(out);
        if (match) resolve(match[1]!);
        else if (/refused/.test(t)) process.stderr.write(t); // a refusal during the run is worth seeing
      });
      serve!.once('exit', (code) => reject(new Error(`chaincam records serve exited ${code}: ${out}`)));
    });
    const forwarders: RecordsForwarder[] = [];
    for (let i = 0; i < docks; i++) forwarders.push((await records.enrolDock(`station ${i}`)).forwarder);
    const latencies: number[] = [];
    const start = process.hrtime.bigint();
    // Each dock forwards as chaincam dock --forward does: FORWARD_WINDOW segments on their way at once.
    await Promise.all(fleet.map((f, i) => Promise.all(forwardWindow(f.segments, FORWARD_WINDOW, async (segment) => {
      const t0 = process.hrtime.bigint();
      await forwarders[i]!.forward(segment);
      latencies.push(Number(process.hrtime.bigint() - t0) / 1e6);
    }))));
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    const stored = await records.db.one<{ n: number; distinct: number }>('SELECT count(*)::int AS n, count(DISTINCT sealed_digest)::int AS distinct FROM segments');
    const objects = (await records.objects.listSegments()).length;
    if (stored!.n !== all.length || stored!.distinct !== all.length || objects !== all.length) {
      throw new Error(`ingest lost or doubled segments: ${all.length} forwarded, ${stored!.n} rows (${stored!.distinct} distinct), ${objects} objects`);
    }
    const report = await verifyRecords(records.db, records.objects, port, { recordsPublicKey: records.key.publicKey });
    if (!report.ok) throw new Error(`verify --records failed after the ingest: ${report.failures.slice(0, 3).join('; ')}`);
    latencies.sort((a, b) => a - b);
    const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))]!;
    const ingestMbps = bytes / 1e6 / seconds;
    return {
      docks,
      'segments forwarded (each stored once, verify passes)': all.length,
      'MB forwarded': Math.round(bytes / 1e6),
      'ingest segments/s': round2(all.length / seconds),
      'ingest MB/s': round2(ingestMbps),
      'ingest p50 ms per segment': round1(at(0.5)),
      'ingest p99 ms per segment': round1(at(0.99)),
      [`raw S3 PUT MB/s, ${docks} clients, same bodies`]: round2(put.mbPerSecond),
      'ingest / raw PUT (goal >= 0.7)': round2(ingestMbps / put.mbPerSecond),
    };
  } finally {
    serve?.kill('SIGTERM');
    await records.close();
  }
}

const round1 = (n: number) => Math.round(n * 10) / 10;
const round2 = (n: number) => Math.round(n * 100) / 100;

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({ options: { docks: { type: 'string', default: '50' }, mb: { type: 'string', default: '256' } } });
  const figures = await recordsIngest({ docks: Number(values.docks), mb: Number(values.mb) });
  for (const [what, value] of Object.entries(figures)) process.stdout.write(`  ${what.padEnd(52)} ${value.toLocaleString('en-US')}\n`);
}
