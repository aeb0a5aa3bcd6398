// People's passwords and web sessions (docs/RECORDS.md, "People, roles and access"). A person and
// their role are evidence (a person-added entry in the signed log); the password hash and the
// sessions are operational rows beside the log, never in it: a log a court reads must not carry
// password hashes, and a session is not an event. Passwords are scrypt-hashed (node:crypto);
// session tokens are random and only their SHA-256 is stored, so a database reader cannot log in.
import crypto from 'node:crypto';
import { promisify } from 'node:util';
import { literal, type BufferedTables } from './records-buffered-tables.js';
import type { RecordsDb } from './records-db.js';
import { ROLES, type Role } from './records-log-entries.js';

const scrypt = promisify(crypto.scrypt) as (password: string, salt: Buffer, length: number, options: crypto.ScryptOptions) => Promise<Buffer>;

// Every row here hangs off a person: a people row removed behind the log's back (which
// verify --records reports) takes the person's password and sessions with it.
export const PEOPLE_SCHEMA = `
CREATE TABLE IF NOT EXISTS person_passwords (
  -- deferred: the hash goes in inside the transaction that appends the person-added entry
  name text PRIMARY KEY REFERENCES people(name) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
  hash text NOT NULL
);
CREATE TABLE IF NOT EXISTS web_sessions (
  token_hash text PRIMARY KEY,
  name text NOT NULL REFERENCES people(name) ON DELETE CASCADE,
  csrf text NOT NULL,
  created_at bigint NOT NULL,
  expires_at bigint NOT NULL
);
CREATE INDEX IF NOT EXISTS web_sessions_by_expiry ON web_sessions (expires_at);
-- A recording's lifecycle history is read from the log itself (records-web-queries.ts): these
-- partial indexes cover only the rare retention (6), legal-hold (7) and flagged-for-review (9)
-- entries by device id (bytes 9-24), and segment-ended (8) by sealed digest (bytes 9-40).
CREATE INDEX IF NOT EXISTS records_log_lifecycle_by_device ON records_log ((substring(entry from 10 for 16))) WHERE get_byte(entry, 0) IN (6, 7, 9);
-- The auditor's access log of one person, newest first.
CREATE INDEX IF NOT EXISTS access_by_person ON access (person, log_entry);
CREATE INDEX IF NOT EXISTS records_log_ended_by_digest ON records_log ((substring(entry from 10 for 32))) WHERE get_byte(entry, 0) = 8;
CREATE TABLE IF NOT EXISTS web_exports (
  id text PRIMARY KEY,
  name text NOT NULL REFERENCES people(name) ON DELETE CASCADE,
  target text NOT NULL,
  log_entry bigint NOT NULL,
  created_at bigint NOT NULL
);
`;

// OWASP's scrypt floor (N=2^17, r=8, p=1) costs 128 MiB a hash; 2^15 keeps a login at ~32 MiB on
// a shared records server while still costing an attacker ~0.1 s a guess per core.
const SCRYPT = { N: 2 ** 15, r: 8, p: 1, maxmem: 64 * 1024 * 1024 };
const KEY_LENGTH = 64;
export const MIN_PASSWORD_LENGTH = 12;
export const DEFAULT_SESSION_MS = 8 * 3_600_000;

export async function hashPassword(password: string): Promise<string> {
  const salt = crypto.randomBytes(16);
  const hash = await scrypt(password, salt, KEY_LENGTH, SCRYPT);
  return `scrypt$${SCRYPT.N}$${SCRYPT.r}$${SCRYPT.p}$${salt.toString('base64')}$${hash.toString('base64')}`;
}

export async function passwordMatches(password: string, stored: string): Promise<boolean> {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') throw new Error('a stored password hash is not scrypt$N$r$p$salt$hash');
  const [N, r, p] = parts.slice(1, 4).map(Number) as [number, number, number];
  const expected = Buffer.from(parts[5]!, 'base64');
  const actual = await scrypt(password, Buffer.from(parts[4]!, 'base64'), expected.length, { N, r, p, maxmem: SCRYPT.maxmem });
  return crypto.timingSafeEqual(actual, expected);
}

// Compared against when the name is unknown, so a wrong name costs the same time as a wrong password.
let decoyHash: Promise<string> | undefined;

export const sha256Hex = (text: string) => crypto.createHash('sha256').update(text).digest('hex');

export interface Person { name: string; role: Role }
export interface Session extends Person { csrf: string; expiresAt: number }

export class RecordsPeople {
  constructor(readonly db: RecordsDb, readonly sessionMs = DEFAULT_SESSION_MS) {}

  static async open(db: RecordsDb, sessionMs?: number): Promise<RecordsPeople> {
    await db.pool.query(PEOPLE_SCHEMA);
    return new RecordsPeople(db, sessionMs);
  }

  /** Adds a person: the person-added entry and their password hash in one transaction. */
  async add(name: string, role: string, password: string, by: string): Promise<void> {
    if (!ROLES.includes(role as Role)) throw new Error(`role "${role}" is not one of ${ROLES.join(', ')}`);
    if (!name.trim() || name !== name.trim()) throw new Error('the name must not be empty or start or end with spaces');
    if (password.length < MIN_PASSWORD_LENGTH) throw new Error(`the password has ${password.length} characters; give at least ${MIN_PASSWORD_LENGTH}`);
    const hash = await hashPassword(password);
    await this.db.commit(async (tables: BufferedTables) => {
      if (await tables.get('people', [name])) throw new Error(`person "${name}" already exists: nothing was changed`);
      // Buffered with the entry's own rows: a batch that refuses this entry drops the hash too.
      tables.write(`INSERT INTO person_passwords (name, hash) VALUES (${literal(name)}, ${literal(hash)})`);
      return [{ type: 'person-added', time: this.db.now(), name, role: role as Role, by }];
    });
  }

  /** Checks a name and password; returns a new session token (give it to the browser) or undefined. */
  async login(name: string, password: string): Promise<{ token: string; session: Session } | undefined> {
    const row = await this.db.one<{ role: Role; hash: string }>('SELECT p.role, w.hash FROM people p JOIN person_passwords w ON w.name = p.name WHERE p.name = $1', [name]);
    if (!row) {
      await passwordMatches(password, await (decoyHash ??= hashPassword(crypto.randomBytes(16).toString('hex'))));
      return undefined;
    }
    if (!await passwordMatches(password, row.hash)) return undefined;
    const token = crypto.randomBytes(32).toString('base64url');
    const csrf = crypto.randomBytes(32).toString('base64url');
    const now = this.db.now();
    const expiresAt = now + this.sessionMs;
    await this.db.pool.query('INSERT INTO web_sessions (token_hash, name, csrf, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)', [sha256Hex(token), name, csrf, now, expiresAt]);
    await this.db.pool.query('DELETE FROM web_sessions WHERE expires_at <= $1', [now]);
    return { token, session: { name, role: row.role, csrf, expiresAt } };
  }

  /** The session a token opens, if it exists and has not expired. */
  async session(token: string | undefined): Promise<Session | undefined> {
    if (!token) return undefined;
    const row = await this.db.one<{ name: string; role: Role; csrf: string; expires_at: number }>(
      'SELECT s.name, p.role, s.csrf, s.expires_at FROM web_sessions s JOIN people p ON p.name = s.name WHERE s.token_hash = $1', [sha256Hex(token)]);
    if (!row || row.expires_at <= this.db.now()) return undefined;
    return { name: row.name, role: row.role, csrf: row.csrf, expiresAt: row.expires_at };
  }

  async logout(token: string): Promise<void> {
    await this.db.pool.query('DELETE FROM web_sessions WHERE token_hash = $1', [sha256Hex(token)]);
  }
}
