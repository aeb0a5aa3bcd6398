// The web side of `chaincam records`: `records person add NAME --role ROLE` (a person-added
// entry in the signed log, and a password hash beside it) and the options `records serve` takes
// for the web page it serves beside the ingest API (docs/RECORDS.md, "The web page").
import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import type { CryptoPort } from '../../firmware/format/crypto-port.js';
import type { RecordsDb } from './records-db.js';
import { recordsExporter } from './records-export.js';
import { extendRetention, setLegalHold } from './records-lifecycle.js';
import { ROLES } from './records-log-entries.js';
import type { RecordsObjectStore } from './records-objects.js';
import { DEFAULT_SESSION_MS, RecordsPeople } from './records-people.js';
import { RecordsWeb } from './records-web.js';

/** Reads a password from a file (its first line) or from standard input (all of it, less one final newline). */
async function readPassword(o: { passwordFile?: string; passwordStdin?: boolean }): Promise<string> {
  if (!!o.passwordFile === !!o.passwordStdin) throw new Error('give exactly one of --password-file FILE and --password-stdin (a password is never an argument: it would show in ps and shell history)');
  if (o.passwordFile) {
    try {
      return fs.readFileSync(o.passwordFile, 'utf8').split(/\r?\n/)[0]!;
    } catch (error) {
      throw new Error(`cannot read --password-file ${o.passwordFile}: ${(error as Error).message}`);
    }
  }
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
}

/** `records person add`: `keyed` makes a subcommand with the connection options and --key. */
export function registerPersonCommand(records: Command, keyed: (parent: Command, name: string, description: string) => Command,
  open: (o: { key: string }) => Promise<{ db: RecordsDb }>): void {
  const person = records.command('person').description('the people who use the records web page, each with a role');
  keyed(person, 'add', `add a person: ${ROLES.join(' | ')} (docs/RECORDS.md, "People, roles and access")`)
    .argument('<name>', "the person's name as the log keeps it")
    .requiredOption('--role <role>', ROLES.join(' | '))
    .requiredOption('--by <name>', 'who adds them (kept in the log)')
    .option('--password-file <file>', 'read the password from the first line of this file')
    .option('--password-stdin', 'read the password from standard input')
    .action(async (name: string, o: { key: string; role: string; by: string; passwordFile?: string; passwordStdin?: boolean }) => {
      if (!(ROLES as readonly string[]).includes(o.role)) throw new Error(`--role ${o.role} is not one of ${ROLES.join(', ')}`);
      const password = await readPassword(o);
      const { db } = await open(o);
      try {
        const people = await RecordsPeople.open(db);
        await people.add(name, o.role, password, o.by);
        process.stdout.write(`${name} added as ${o.role}; they sign in on the records web page (chaincam records serve)\n`);
      } finally {
        await db.close();
      }
    });
}

export interface WebServeOptions { agencyKey?: string; exports?: string; secureCookies?: boolean; sessionHours: number }

export function withWebServeOptions(command: Command): Command {
  return command
    .option('--agency-key <file>', 'the agency private key, for exports from the web page (production: an HSM; docs/RECORDS.md)')
    .option('--exports <dir>', 'private folder exports are written to for download (default: records-exports beside --key)')
    .option('--secure-cookies', 'mark the session cookie Secure (when served behind TLS, as production must be)')
    .option('--session-hours <n>', 'how long a web session lasts', (v) => {
      const n = Number(v);
      if (!(n > 0 && n <= 24)) throw new Error(`--session-hours ${v}: give a number of hours from 0 to 24`);
      return n;
    }, DEFAULT_SESSION_MS / 3_600_000);
}

/** The web page for `records serve`, bound to the server's database and bucket. */
export async function openRecordsWeb(o: WebServeOptions & { key: string }, db: RecordsDb, objects: RecordsObjectStore, port: CryptoPort): Promise<RecordsWeb> {
  const people = await RecordsPeople.open(db, o.sessionHours * 3_600_000);
  const exportsDir = path.resolve(o.exports ?? path.join(path.dirname(o.key), 'records-exports'));
  return new RecordsWeb({
    db, people, secureCookies: o.secureCookies,
    lifecycle: {
      extendRetention: (ref, until, reason, by) => extendRetention(db, objects, ref, until, reason, by),
      setLegalHold: (ref, on, reason, by) => setLegalHold(db, objects, ref, on, reason, by),
    },
    ...(o.agencyKey ? { exporter: recordsExporter(db, objects, port, o.agencyKey), exportsDir } : {}),
  });
}
