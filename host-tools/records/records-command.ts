// `chaincam records init|serve|enrol-dock|person|retention|hold|expire`: the agency's records
// system (docs/RECORDS.md). Metadata in PostgreSQL (records-db.ts), sealed segments in an S3
// bucket with Object Lock (object-store.ts), everything that changes in one signed log.
import type { Command } from 'commander';
import { toHex } from '../../firmware/format/bytes.js';
import { deriveDockId } from '../../firmware/format/dock-proofs.js';
import { NodeCryptoPort } from '../crypto/node-crypto-port.js';
import { readDockPublicKey } from '../dock/dock-key.js';
import { openRecordsBucket } from './records-bucket.js';
import { RecordsDb } from './records-db.js';
import { createRecordsKeyFiles, readRecordsKeyFile } from './records-key.js';
import { expireRecordings, extendRetention, parseRecordingRef, setLegalHold } from './records-lifecycle.js';
import { ROLES, type Role } from './records-log-entries.js';
import { recordsId, type RecordsKey } from './records-log.js';
import { checkpointObjectName } from './records-log.js';
import { RecordsServer } from './records-server.js';
import { recordsSettings, withConnectionOptions, type ConnectionOptions } from './records-settings.js';
import { openRecordsWeb, registerPersonCommand, withWebServeOptions, type WebServeOptions } from './records-web-command.js';

interface KeyOption extends ConnectionOptions { key: string }

/** The database (with the key that signs the log) and the bucket; each new checkpoint goes to the bucket. */
export async function openRecords(o: ConnectionOptions, key: RecordsKey) {
  const settings = recordsSettings(o);
  const port = new NodeCryptoPort();
  const objects = await openRecordsBucket(settings.s3);
  const db = await RecordsDb.open(settings.dbUrl, {
    port, key,
    onCheckpoint: (size, checkpoint) => objects.putLogObject(checkpointObjectName(size), new TextEncoder().encode(checkpoint), new Date(Date.now() + LOG_OBJECT_RETENTION_MS)).then(() => undefined),
  });
  return { db, objects, port };
}

/** How long the bucket keeps each checkpoint locked: past the longest retention of what it covers. */
export const LOG_OBJECT_RETENTION_MS = 400 * 86_400_000;

function parseUntil(text: string): number {
  const ms = /^\d{4}-\d{2}-\d{2}(T[\d:.]+(Z|[+-]\d{2}:\d{2}))?$/.test(text) ? Date.parse(text.length === 10 ? `${text}T23:59:59.999Z` : text) : NaN;
  if (!Number.isFinite(ms)) throw new Error(`--until ${text} is not a date (YYYY-MM-DD, kept to the end of that day UTC, or an ISO 8601 time with its zone)`);
  return ms;
}

export function registerRecordsCommand(program: Command): void {
  const records = program.command('records').description("the agency's records system: PostgreSQL + S3 Object Lock, docks forward to it (docs/RECORDS.md)");
  const keyed = (name: string, description: string) => withConnectionOptions(records.command(name).description(description))
    .requiredOption('--key <file>', 'the records key (chaincam records init writes it)');

  withConnectionOptions(records.command('init').description('create the records key (and RECORDS.pub for docks and auditors), the tables, the bucket and the log'))
    .requiredOption('--key <file>', 'the records key to create (never overwritten)')
    .requiredOption('--public <file>', 'where to write RECORDS.pub, the public key docks check acks with')
    .action(async (o: KeyOption & { public: string }) => {
      recordsSettings(o); // a missing setting is reported before any key is written
      const port = new NodeCryptoPort();
      const key = createRecordsKeyFiles(port, o.key, o.public);
      const { db } = await openRecords(o, key);
      try {
        await db.openLog();
        process.stdout.write(`records system ${toHex(recordsId(port, key.publicKey))}: key ${o.key}, public key ${o.public} (give it to each dock: chaincam dock --forward URL --records-key ${o.public})\n`);
      } finally {
        await db.close();
      }
    });

  withWebServeOptions(keyed('serve', 'serve the ingest API for enrolled docks (/v1/) and the web page for people (every other path)'))
    .option('--listen <host:port>', 'where to listen', '127.0.0.1:8443')
    .action(async (o: KeyOption & WebServeOptions & { listen: string }) => {
      const match = /^(.+):(\d{1,5})$/.exec(o.listen);
      if (!match) throw new Error(`--listen ${o.listen} is not HOST:PORT`);
      const key = readRecordsKeyFile(new NodeCryptoPort(), o.key);
      const { db, objects, port } = await openRecords(o, key);
      await db.openLog();
      const web = await openRecordsWeb(o, db, objects, port);
      const server = new RecordsServer({ db, objects, key, port, web, log: (line) => process.stdout.write(`${new Date().toISOString()} ${line}\n`) });
      const url = await server.listen(Number(match[2]), match[1]);
      process.stdout.write(`records system ${toHex(recordsId(port, key.publicKey))} listening on ${url}\n`);
      await new Promise<void>((resolve) => {
        process.once('SIGINT', resolve);
        process.once('SIGTERM', resolve);
      });
      await server.close();
      await db.close();
    });

  keyed('enrol-dock', "enrol a dock: its key is its identity; only enrolled docks may forward")
    .requiredOption('--dock-key <file>', "the dock's key file (its public part is enough)")
    .requiredOption('--station <name>', 'the police station the dock is at')
    .requiredOption('--by <name>', 'who enrols it')
    .action(async (o: KeyOption & { dockKey: string; station: string; by: string }) => {
      const dockPublicKey = readDockPublicKey(o.dockKey);
      const { db, port } = await openRecords(o, readRecordsKeyFile(new NodeCryptoPort(), o.key));
      try {
        const done = await db.enrolDock(dockPublicKey, o.station, o.by);
        process.stdout.write(`dock ${toHex(deriveDockId(port, dockPublicKey))} enrolled at "${o.station}" (records log entry #${done!.size - 1})\n`);
      } finally {
        await db.close();
      }
    });

  registerPersonCommand(records, (parent, name, description) => withConnectionOptions(parent.command(name).description(description))
    .requiredOption('--key <file>', 'the records key (chaincam records init writes it)'),
  (o) => openRecords(o as KeyOption, readRecordsKeyFile(new NodeCryptoPort(), o.key)));

  keyed('retention', "extend a recording's retention (30 days by default, at most 180 after it was first stored)")
    .requiredOption('--recording <dev:n>', 'DEVICEID:RECORDING')
    .requiredOption('--until <date>', 'keep it until (YYYY-MM-DD or ISO 8601)')
    .requiredOption('--reason <text>', 'why (kept in the log)')
    .requiredOption('--by <name>', 'who asked (kept in the log)')
    .action(async (o: KeyOption & { recording: string; until: string; reason: string; by: string }) => {
      const ref = parseRecordingRef(o.recording);
      const until = parseUntil(o.until);
      const { db, objects } = await openRecords(o, readRecordsKeyFile(new NodeCryptoPort(), o.key));
      try {
        const entry = await extendRetention(db, objects, ref, until, o.reason, o.by);
        process.stdout.write(`recording ${ref.recording} of camera ${ref.deviceId} kept until ${new Date(until).toISOString()} (records log entry #${entry})\n`);
      } finally {
        await db.close();
      }
    });

  keyed('hold', 'put a legal hold on a recording (--on) or take it off (--off)')
    .requiredOption('--recording <dev:n>', 'DEVICEID:RECORDING')
    .option('--on', 'put the hold on')
    .option('--off', 'take the hold off')
    .requiredOption('--reason <text>', 'why (kept in the log)')
    .requiredOption('--by <name>', 'who asked (kept in the log)')
    .action(async (o: KeyOption & { recording: string; on?: boolean; off?: boolean; reason: string; by: string }) => {
      if (!!o.on === !!o.off) throw new Error('give exactly one of --on and --off');
      const ref = parseRecordingRef(o.recording);
      const { db, objects } = await openRecords(o, readRecordsKeyFile(new NodeCryptoPort(), o.key));
      try {
        const entry = await setLegalHold(db, objects, ref, !!o.on, o.reason, o.by);
        process.stdout.write(`legal hold ${o.on ? 'on' : 'off'} for recording ${ref.recording} of camera ${ref.deviceId} (records log entry #${entry})\n`);
      } finally {
        await db.close();
      }
    });

  keyed('expire', 'end the segments whose retention ran out and that no legal hold keeps: logged with the rule, then deleted')
    .action(async (o: KeyOption) => {
      const { db, objects } = await openRecords(o, readRecordsKeyFile(new NodeCryptoPort(), o.key));
      try {
        const { ended, waiting } = await expireRecordings(db, objects, (line) => process.stdout.write(`${line}\n`));
        for (const e of ended) process.stdout.write(`ended segment ${e.recording}/${e.segmentIndex} of camera ${e.deviceId}: ${e.rule}\n`);
        process.stdout.write(`${ended.length} segment(s) ended${waiting ? `, ${waiting} whose object lock still runs left for a later pass` : ''}\n`);
      } finally {
        await db.close();
      }
    });
}

