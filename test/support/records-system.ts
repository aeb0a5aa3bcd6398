// A records system for a test: the real PostgreSQL and Ceph RADOS Gateway that
// test/support/records-services.ts starts (a fresh database and bucket per call), the records key,
// the records server on a loopback port that can be stopped and started again on the same port,
// and the RECORDS.pub a dock is given. `clock` moves the records system's (and the docks') time.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { toHex } from '../../firmware/format/bytes.js';
import { generateP256KeyPair, type P256KeyPair } from '../../firmware/format/key-derivation.js';
import { RecordsForwarder } from '../../host-tools/dock/records-forwarder.js';
import { LOG_OBJECT_RETENTION_MS } from '../../host-tools/records/records-command.js';
import { RecordsDb } from '../../host-tools/records/records-db.js';
import { checkpointObjectName } from '../../host-tools/records/records-log.js';
import type { RecordsObjectStore } from '../../host-tools/records/records-objects.js';
import { RecordsServer } from '../../host-tools/records/records-server.js';
import { openRecordsBucket } from '../../host-tools/records/records-bucket.js';
import type { RecordsSettings } from '../../host-tools/records/records-settings.js';
import { hostPort } from './dock-harness.js';
import { freshRecordsServices, recordsServers } from './records-services.js';
import { TcpProxy } from './tcp-proxy.js';

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
  dir: string;
  server?: RecordsServer;
  startServer(): Promise<void>;
  stopServer(): Promise<void>;
  /** A dock enrolled at a station, and its forwarder. */
  enrolDock(station?: string): Promise<{ dock: P256KeyPair; forwarder: RecordsForwarder }>;
  close(): Promise<void>;
}

export interface RecordsSystemOptions {
  /** PostgreSQL's and the RADOS Gateway's connections go through these relays (a test cuts them). */
  dbProxy?: TcpProxy;
  s3Proxy?: TcpProxy;
  /** Wraps the bucket (a test acts at a chosen step of the ingest). */
  wrapObjects?: (objects: RecordsObjectStore) => RecordsObjectStore;
}

/** Loopback relays in front of the records services' PostgreSQL and S3 endpoint. */
export async function recordsProxies(): Promise<{ db: TcpProxy; s3: TcpProxy }> {
  const servers = recordsServers();
  const db = new URL(servers.CHAINCAM_PG_URL!);
  const s3 = new URL(servers.CHAINCAM_S3_ENDPOINT!);
  return { db: await TcpProxy.start(db.hostname, Number(db.port || 5432)), s3: await TcpProxy.start(s3.hostname, Number(s3.port || 80)) };
}

export async function startRecordsSystem(label = 'records', options: RecordsSystemOptions = {}): Promise<RecordsSystem> {
  const services = await freshRecordsServices(label);
  const settings: RecordsSettings = services.settings;
  const via = (url: string, proxy?: TcpProxy) => {
    if (!proxy) return url;
    const relayed = new URL(url);
    relayed.hostname = '127.0.0.1';
    relayed.port = String(proxy.port);
    return relayed.toString().replace(/\/$/, '');
  };
  const connected: RecordsSettings = { dbUrl: via(settings.dbUrl, options.dbProxy), s3: { ...settings.s3, endpoint: via(settings.s3.endpoint, options.s3Proxy) } };
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
  let port = 0;
  const system: RecordsSystem = {
    settings, db, objects, key, clock, url: '', publicFile, dir,
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
  await system.startServer();
  return system;
}
