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
import { freshRecordsServices } from './records-services.js';

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

export async function startRecordsSystem(label = 'records'): Promise<RecordsSystem> {
  const services = await freshRecordsServices(label);
  const settings: RecordsSettings = services.settings;
  const key = generateP256KeyPair(hostPort);
  const clock: TestClock = { offsetMs: 0, now() { return Date.now() + this.offsetMs; } };
  const objects = await openRecordsBucket(settings.s3);
  const db = await RecordsDb.open(settings.dbUrl, {
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
      objects.close?.();
      await services.drop();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
  await system.startServer();
  return system;
}
