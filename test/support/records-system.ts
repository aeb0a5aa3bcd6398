// A records system for a test: the real PostgreSQL and Ceph RADOS Gateway that
// test/support/records-services.ts starts (a fresh database and bucket per call; or a database
// on a PostgreSQL cluster of the test's own, or the bucket through a gateway of its own), the
// records key (and its key file), the records server on a loopback port that can be stopped and
// started again on the same port, and the RECORDS.pub a dock is given. `clock` moves the records
// system's (and the docks') time.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ListObjectVersionsCommand, S3Client } from '@aws-sdk/client-s3';
import { toHex } from '../../firmware/format/bytes.js';
import { generateP256KeyPair, type P256KeyPair } from '../../firmware/format/key-derivation.js';
import { RecordsForwarder } from '../../host-tools/dock/records-forwarder.js';
import { LOG_OBJECT_RETENTION_MS } from '../../host-tools/records/records-command.js';
import { RecordsDb } from '../../host-tools/records/records-db.js';
import { RECORDS_KEY_FORMAT } from '../../host-tools/records/records-key.js';
import { checkpointObjectName } from '../../host-tools/records/records-log.js';
import type { RecordsObjectStore } from '../../host-tools/records/records-objects.js';
import { RecordsServer } from '../../host-tools/records/records-server.js';
import { openRecordsBucket } from '../../host-tools/records/records-bucket.js';
import type { RecordsSettings } from '../../host-tools/records/records-settings.js';
import { hostPort } from './dock-harness.js';
import type { S3Settings } from '../../host-tools/records/object-store.js';
import { writeNewKeyFile } from '../../host-tools/keys/key-files.js';
import { freshRecordsBucket, freshRecordsServices } from './records-services.js';

export interface TestClock { offsetMs: number; now(): number }

export interface RecordsSystem {
  settings: RecordsSettings;
  db: RecordsDb;
  objects: RecordsObjectStore;
  key: P256KeyPair;
  clock: TestClock;
  url: string;
  /** RECORDS.pub, as chaincam records init writes it. */
  publicFile: string;
  /** The records key file, as chaincam records init writes it (for a `chaincam records serve` of the test's). */
  keyFile: string;
  dir: string;
  server?: RecordsServer;
  startServer(): Promise<void>;
  stopServer(): Promise<void>;
  /** A dock enrolled at a station, and its forwarder. */
  enrolDock(station?: string): Promise<{ dock: P256KeyPair; forwarder: RecordsForwarder }>;
  close(): Promise<void>;
}

export interface RecordsSystemOptions {
  /** A database of the test's own (its own PostgreSQL cluster) instead of a fresh one on the shared server. */
  dbUrl?: string;
  /** The bucket reached through this S3 endpoint (a RADOS Gateway of the test's own on the same cluster). */
  s3Endpoint?: string;
  /** Whether the records server runs in this process (default true); a test with its own `chaincam records serve` says false. */
  serve?: boolean;
  /** Wraps the bucket (a test acts at a chosen step of the ingest). */
  wrapObjects?: (objects: RecordsObjectStore) => RecordsObjectStore;
}

export async function startRecordsSystem(label = 'records', options: RecordsSystemOptions = {}): Promise<RecordsSystem> {
  const services = options.dbUrl
    ? { settings: { dbUrl: options.dbUrl, s3: await freshRecordsBucket(label) }, async drop() {} } // the test removes its own cluster
    : await freshRecordsServices(label);
  try {
    return await recordsSystemOn(services, options);
  } catch (error) {
    await services.drop(); // a test whose setup failed leaves no database behind
    throw error;
  }
}

/** How many versions each object of the bucket has (an object PUT twice has two). */
export async function objectVersions(s3: S3Settings): Promise<Map<string, number>> {
  const client = new S3Client({
    endpoint: s3.endpoint, region: s3.region, credentials: { accessKeyId: s3.accessKey, secretAccessKey: s3.secretKey },
    forcePathStyle: true, requestChecksumCalculation: 'WHEN_REQUIRED', responseChecksumValidation: 'WHEN_REQUIRED',
  });
  const versions = new Map<string, number>();
  try {
    let keyMarker: string | undefined;
    let versionMarker: string | undefined;
    do {
      const page = await client.send(new ListObjectVersionsCommand({ Bucket: s3.bucket, KeyMarker: keyMarker, VersionIdMarker: versionMarker }));
      for (const v of [...(page.Versions ?? []), ...(page.DeleteMarkers ?? [])]) versions.set(v.Key!, (versions.get(v.Key!) ?? 0) + 1);
      [keyMarker, versionMarker] = page.IsTruncated ? [page.NextKeyMarker, page.NextVersionIdMarker] : [undefined, undefined];
    } while (keyMarker);
  } finally {
    client.destroy();
  }
  return versions;
}

async function recordsSystemOn(services: Awaited<ReturnType<typeof freshRecordsServices>>, options: RecordsSystemOptions): Promise<RecordsSystem> {
  const settings: RecordsSettings = services.settings;
  const connected: RecordsSettings = { dbUrl: settings.dbUrl, s3: { ...settings.s3, endpoint: options.s3Endpoint ?? settings.s3.endpoint } };
  const key = generateP256KeyPair(hostPort);
  const clock: TestClock = { offsetMs: 0, now() { return Date.now() + this.offsetMs; } };
  const bucket = await openRecordsBucket(connected.s3);
  const objects = options.wrapObjects ? options.wrapObjects(bucket) : bucket;
  const db = await RecordsDb.open(connected.dbUrl, {
    port: hostPort, key, now: () => clock.now(),
    onCheckpoint: (size, checkpoint) => objects.putLogObject(checkpointObjectName(size), new TextEncoder().encode(checkpoint), new Date(Date.now() + LOG_OBJECT_RETENTION_MS)).then(() => undefined),
  });
  await db.openLog();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'chaincam-records-'));
  const publicFile = path.join(dir, 'RECORDS.pub');
  fs.writeFileSync(publicFile, JSON.stringify({ format: 'chaincam-records-public-key/v1', publicKey: toHex(key.publicKey) }));
  const keyFile = path.join(dir, 'records.key');
  writeNewKeyFile(keyFile, { format: RECORDS_KEY_FORMAT, curve: 'P-256', publicKey: toHex(key.publicKey), privateKey: toHex(key.privateKey) }, true);
  let port = 0;
  const system: RecordsSystem = {
    settings: connected, db, objects, key, clock, url: '', publicFile, keyFile, dir,
    async startServer() {
      const server = new RecordsServer({ db, objects, key, port: hostPort });
      system.url = await server.listen(port);
      port = Number(new URL(system.url).port);
      system.server = server;
    },
    async stopServer() {
      await system.server?.close();
      system.server = undefined;
    },
    async enrolDock(station = 'Mapo police station') {
      const dock = generateP256KeyPair(hostPort);
      await db.enrolDock(dock.publicKey, station, 'records manager kim');
      return { dock, forwarder: new RecordsForwarder(system.url, dock, key.publicKey, hostPort, () => clock.now()) };
    },
    async close() {
      await system.stopServer();
      await db.close();
      bucket.close?.();
      await services.drop();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
  if (options.serve ?? true) await system.startServer();
  return system;
}
