// Benchmark: 50 docks forwarding at once into one records server (issue 17's ingest target),
// against the object store's own PUT throughput measured in the same run (goal: ingest MB/s >=
// 0.7 of raw PUT MB/s). Each dock has its own key (enrolled) and its own camera, which records its
// footage in recordings of 16 MB (segments of 100-700 KB on one growing, verified chain), made
// before the clock starts and kept on disk as a dock keeps what it stored, so each dock can bring
// a few hundred MB (--mb-per-dock) without holding them in memory. Each forwards as `chaincam dock --forward` does, a few segments at a time
// (signed request; chain check; nonce, held state and PUT mark in one round trip; one locked PUT;
// one PostgreSQL transaction; checkpoint to the bucket; signed ack checked). The baseline PUTs
// random objects of the same sizes (the first --baseline-mb MB of them) with 50 S3 clients into a
// fresh Object Lock bucket (bench/records-s3-put.ts). The records server runs as `chaincam
// records serve` in its own process. At the end: every segment stored once, one object each,
// and verify --records passes. Every tier shares this machine's cores, so the CPU each spent per
// MB (bench/process-cpu.ts) is reported beside the rates.
//   npx tsx bench/records-ingest.ts [--docks 50] [--mb-per-dock 5] [--baseline-mb 1024]
//   npx tsx bench/records-ingest.ts --mb-per-dock 200     (issue 17's "a few hundred MB" each: 10 GB)
import { spawn, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { toHex } from '../firmware/format/bytes.js';
import { generateP256KeyPair } from '../firmware/format/key-derivation.js';
import { FORWARD_WINDOW, RecordsForwarder, forwardWindow } from '../host-tools/dock/records-forwarder.js';
import { NodeCryptoPort } from '../host-tools/crypto/node-crypto-port.js';
import { decodeForwardedSegment, encodeForwardedSegment, type ForwardedSegment } from '../host-tools/records/records-protocol.js';
import { RECORDS_KEY_FORMAT } from '../host-tools/records/records-key.js';
import { projectRoot } from '../host-tools/sim/project-root.js';
import { verifyRecords } from '../host-tools/records/records-verify.js';
import { HostCamera } from '../test/support/host-camera.js';
import { freshRecordsServices } from '../test/support/records-services.js';
import { startRecordsSystem } from '../test/support/records-system.js';
import { cpuPerMb, cpuSnapshot } from './process-cpu.js';
import { measureS3Put, type PreparedObject } from './records-s3-put.js';

const port = new NodeCryptoPort();

/** A camera records in recordings of RECORDING_MB (a new chain to check for each). */
const RECORDING_MB = 16;

/** Segment sizes of 100-700 KB from a fixed seed, totalling about `mb` MB. */
function segmentSizes(seed: number, mb: number): { sizes: number[]; seed: number } {
  const sizes: number[] = [];
  let total = 0;
  while (total < mb * 1e6) {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    const size = 100_000 + (seed % 600_001);
    sizes.push(size);
    total += size;
  }
  return { sizes, seed };
}

/**
 * Each dock's footage, recorded before the clock starts and kept on disk as a dock keeps what it
 * stored (a few hundred MB a dock do not fit in memory 50 times over): one file a recording of
 * RECORDING_MB, its segments as they are forwarded (length-prefixed). Returns the files by dock.
 */
function recordFootage(dir: string, docks: number, mb: number): string[][] {
  const files: string[][] = [];
  for (let dock = 0; dock < docks; dock++) {
    const camera = HostCamera.create(`bench camera ${dock}`);
    let seed = (0x2545f491 + dock * 7919) >>> 0;
    files.push([]);
    for (let recording = 1, left = mb; left > 0; recording++, left -= RECORDING_MB) {
      const next = segmentSizes(seed, Math.min(RECORDING_MB, left));
      seed = next.seed;
      camera.record(recording, next.sizes);
      const chain = camera.evidence.chain.slice();
      const parts: Uint8Array[] = [];
      for (const h of camera.evidence.held.values()) {
        const encoded = encodeForwardedSegment({ label: camera.label, cameraPublicKey: camera.key.publicKey, chain, recordSequence: h.segment.sequence, sealed: h.bytes });
        const length = new Uint8Array(4);
        new DataView(length.buffer).setUint32(0, encoded.length);
        parts.push(length, encoded);
      }
      camera.evidence.held.clear();
      const file = path.join(dir, `dock-${dock}-recording-${recording}.bin`);
      fs.writeFileSync(file, Buffer.concat(parts));
      files[dock]!.push(file);
    }
    if ((dock + 1) % 10 === 0) process.stderr.write(`  recorded the footage of ${dock + 1} of ${docks} docks\n`);
  }
  return files;
}

/** A recording's segments, read back from its file. */
function readRecording(file: string): ForwardedSegment[] {
  const bytes = fs.readFileSync(file);
  const segments: ForwardedSegment[] = [];
  for (let at = 0; at < bytes.length;) {
    const length = bytes.readUInt32BE(at);
    segments.push(decodeForwardedSegment(bytes.subarray(at + 4, at + 4 + length)));
    at += 4 + length;
  }
  return segments;
}

/** Baseline bodies: random objects of the same sizes as the first `mb` MB of the docks' segments. */
function baselineObjects(docks: number, mb: number): PreparedObject[] {
  const objects: PreparedObject[] = [];
  for (let dock = 0; dock < docks; dock++) {
    for (const size of segmentSizes((0x2545f491 + dock * 7919) >>> 0, mb / docks).sizes) {
      const body = crypto.randomBytes(size);
      objects.push({ key: `segments/${toHex(port.sha256(body))}.seg`, body, md5: crypto.createHash('md5').update(body).digest('base64') });
    }
  }
  return objects;
}

export async function recordsIngest(options: { docks?: number; mbPerDock?: number; baselineMb?: number } = {}): Promise<Record<string, number>> {
  const docks = options.docks ?? 50;
  const mbPerDock = options.mbPerDock ?? 5;
  const baselineMb = Math.min(options.baselineMb ?? 1024, docks * mbPerDock);

  // The object store alone: the same number of clients, objects of the same sizes.
  const baseline = await freshRecordsServices('bench-ingest-put');
  let put;
  let putCpu: Record<string, number> = {};
  try {
    const objects = baselineObjects(docks, baselineMb);
    const before = cpuSnapshot();
    put = await measureS3Put(baseline.settings.s3, objects, docks);
    putCpu = cpuPerMb(before, cpuSnapshot(), put.bytes / 1e6);
  } finally {
    await baseline.drop();
  }
  process.stderr.write(`raw PUT: ${put.mbPerSecond.toFixed(1)} MB/s over ${Math.round(put.bytes / 1e6)} MB; now ${docks} docks forward ${mbPerDock} MB each\n`);

  const footageDir = fs.mkdtempSync(path.join(os.tmpdir(), 'chaincam-bench-footage-'));
  const records = await startRecordsSystem('bench-ingest');
  let serve: ChildProcess | undefined;
  try {
    const footage = recordFootage(footageDir, docks, mbPerDock);
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
    const database = new URL(records.settings.dbUrl).pathname.slice(1);
    const cpuBefore = cpuSnapshot({ recordsServer: serve.pid, database });
    const start = process.hrtime.bigint();
    let forwardedBytes = 0;
    const progress = setInterval(() => process.stderr.write(`  ${latencies.length} segments, ${Math.round(forwardedBytes / 1e6)} MB forwarded\n`), 10_000);
    // Each dock forwards as chaincam dock --forward does: FORWARD_WINDOW segments on their way at once.
    const made = await Promise.all(footage.map(async (files, i) => {
      let segments = 0;
      let bytes = 0;
      for (const file of files) {
        const recording = readRecording(file);
        await Promise.all(forwardWindow(recording, FORWARD_WINDOW, async (segment) => {
          const t0 = process.hrtime.bigint();
          await forwarders[i]!.forward(segment);
          latencies.push(Number(process.hrtime.bigint() - t0) / 1e6);
          forwardedBytes += segment.sealed.length;
        }));
        segments += recording.length;
        bytes += recording.reduce((n, m) => n + m.sealed.length, 0);
      }
      return { segments, bytes };
    })).finally(() => clearInterval(progress));
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    const bytes = made.reduce((n, m) => n + m.bytes, 0);
    const count = made.reduce((n, m) => n + m.segments, 0);
    const ingestCpu = cpuPerMb(cpuBefore, cpuSnapshot({ recordsServer: serve.pid, database }), bytes / 1e6);
    const stored = await records.db.one<{ n: number; distinct: number }>('SELECT count(*)::int AS n, count(DISTINCT sealed_digest)::int AS distinct FROM segments');
    const objects = (await records.objects.listSegments()).length;
    if (stored!.n !== count || stored!.distinct !== count || objects !== count) {
      throw new Error(`ingest lost or doubled segments: ${count} forwarded, ${stored!.n} rows (${stored!.distinct} distinct), ${objects} objects`);
    }
    process.stderr.write(`verify --records: reading back ${count} objects\n`);
    const report = await verifyRecords(records.db, records.objects, port, { recordsPublicKey: records.key.publicKey });
    if (!report.ok) throw new Error(`verify --records failed after the ingest: ${report.failures.slice(0, 3).join('; ')}`);
    latencies.sort((a, b) => a - b);
    const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))]!;
    const ingestMbps = bytes / 1e6 / seconds;
    return {
      docks,
      'MB per dock': mbPerDock,
      'segments forwarded (each stored once, verify passes)': count,
      'MB forwarded': Math.round(bytes / 1e6),
      'ingest segments/s': round2(count / seconds),
      'ingest MB/s': round2(ingestMbps),
      'ingest p50 ms per segment': round1(at(0.5)),
      'ingest p99 ms per segment': round1(at(0.99)),
      [`raw S3 PUT MB/s, ${docks} clients, same sizes (${Math.round(put.bytes / 1e6)} MB)`]: round2(put.mbPerSecond),
      'ingest / raw PUT (goal >= 0.7)': round2(ingestMbps / put.mbPerSecond),
      // Where the cycles went (all tiers share this machine's cores): CPU ms per MB by tier.
      ...Object.fromEntries(Object.entries(putCpu).map(([tier, ms]) => [`raw PUT CPU ms/MB: ${tier}`, round1(ms)])),
      ...Object.fromEntries(Object.entries(ingestCpu).map(([tier, ms]) => [`ingest CPU ms/MB: ${tier}`, round1(ms)])),
      'CPU per MB, raw PUT / ingest (all tiers)': round2(putCpu.total! / ingestCpu.total!),
    };
  } finally {
    serve?.kill('SIGTERM');
    await records.close();
    fs.rmSync(footageDir, { recursive: true, force: true });
  }
}

const round1 = (n: number) => Math.round(n * 10) / 10;
const round2 = (n: number) => Math.round(n * 100) / 100;

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({ options: { docks: { type: 'string', default: '50' }, 'mb-per-dock': { type: 'string', default: '5' }, 'baseline-mb': { type: 'string', default: '1024' } } });
  const figures = await recordsIngest({ docks: Number(values.docks), mbPerDock: Number(values['mb-per-dock']), baselineMb: Number(values['baseline-mb']) });
  for (const [what, value] of Object.entries(figures)) process.stdout.write(`  ${what.padEnd(52)} ${value.toLocaleString('en-US')}\n`);
}
