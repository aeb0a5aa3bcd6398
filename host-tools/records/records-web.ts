// The records system's web page (docs/RECORDS.md, "The web page"): server-rendered HTML for
// records managers, investigators and auditors. It answers every path outside the ingest API
// (/v1/), so the records server hands it whatever is not a dock's. Every search, view, export,
// retention and legal-hold change, allowed or refused, is written to the signed log with
// logAccess BEFORE its result is shown or the change is made.
import crypto from 'node:crypto';
import fs from 'node:fs';
import type http from 'node:http';
import path from 'node:path';
import type { RecordsDb } from './records-db.js';
import { page, type Html } from './records-web-html.js';
import { auditPage, exportPage, loginPage, messagePage, recordingPage, recordingPath, recordingsPage, recordingTarget, viewReasonPage } from './records-web-pages.js';
import { accessLog, accessTo, chainOf, filterQuery, latestCheckpoint, lifecycleOf, listRecordings, parseFilters, recording, segmentsOf } from './records-web-queries.js';
import { loggedAs, may, REASON_REQUIRED, type WebAction } from './records-roles.js';
import type { RecordsPeople, Session } from './records-people.js';
import { DAY_MS, MAX_RETENTION_DAYS } from './records-schema.js';

/**
 * Retention and legal-hold changes: records-lifecycle.ts's, bound to the server's database and
 * bucket (the Object Lock moves with the log, in the safe order). Each returns its log entry.
 */
export interface RecordingLifecycle {
  extendRetention(ref: { deviceId: string; recording: number }, until: number, reason: string, by: string): Promise<number>;
  setLegalHold(ref: { deviceId: string; recording: number }, on: boolean, reason: string, by: string): Promise<number>;
}

/** Writes one recording's export (AVI, sidecar, proof) into outDir; returns the files written. */
export type RecordingExporter = (deviceId: string, recording: number, outDir: string) => Promise<string[]>;

export interface RecordsWebOptions {
  db: RecordsDb;
  people: RecordsPeople;
  /** Without it a retention or hold change is refused (the lock must move with the log). */
  lifecycle?: RecordingLifecycle;
  exporter?: RecordingExporter;
  /** Where exports are written for download (a private folder of the server). */
  exportsDir?: string;
  /** Add Secure to cookies (when served behind TLS, as production must be). */
  secureCookies?: boolean;
}

const SESSION_COOKIE = 'chaincam_session';
const LOGIN_COOKIE = 'chaincam_login';
const MAX_FORM_BYTES = 64 * 1024;
const CSS = fs.readFileSync(new URL('./records.css', import.meta.url));
const RECORDING_PATH = /^\/recordings\/([0-9a-f]{32})\/(0|[1-9]\d{0,9})(?:\/(view|retention|hold|export))?$/;
const EXPORT_PATH = /^\/exports\/([0-9a-f]{32})\/([A-Za-z0-9._-]+)$/;

class Reply extends Error {
  constructor(readonly status: number, readonly title: string, message: string, readonly back?: { href: string; label: string }) {
    super(message);
  }
}

const HEADERS = {
  'content-security-policy': "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  'x-content-type-options': 'nosniff', 'referrer-policy': 'no-referrer', 'cache-control': 'no-store', 'x-frame-options': 'DENY',
};

function cookies(req: http.IncomingMessage): Map<string, string> {
  const jar = new Map<string, string>();
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const at = part.indexOf('=');
    if (at > 0) jar.set(part.slice(0, at).trim(), part.slice(at + 1).trim());
  }
  return jar;
}

const sameText = (a: string, b: string) => {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && crypto.timingSafeEqual(x, y);
};

async function readForm(req: http.IncomingMessage): Promise<URLSearchParams> {
  if (!(req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded')) throw new Reply(415, 'Not done', 'forms are sent as application/x-www-form-urlencoded');
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_FORM_BYTES) throw new Reply(413, 'Not done', `the form is larger than ${MAX_FORM_BYTES} bytes`);
    chunks.push(chunk as Buffer);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

export class RecordsWeb {
  readonly #o: RecordsWebOptions;

  constructor(options: RecordsWebOptions) {
    this.#o = options;
  }

  /** Answers the request if it is the web page's (everything outside /v1/); false otherwise. */
  async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<boolean> {
    const url = new URL(req.url ?? '/', 'http://records.invalid');
    if (url.pathname.startsWith('/v1/')) return false;
    let session: Session | undefined;
    try {
      session = await this.#o.people.session(cookies(req).get(SESSION_COOKIE));
      await this.#route(req, res, url, session);
    } catch (error) {
      const reply = error instanceof Reply ? error : new Reply(500, 'Not done', `the records system could not answer: ${(error as Error).message}`);
      if (!res.headersSent) this.#send(res, reply.status, reply.title, session, messagePage(reply.title, reply.message, reply.back));
      else res.end();
    }
    return true;
  }

  #send(res: http.ServerResponse, status: number, title: string, session: Session | undefined, body: Html, extra: Record<string, string | string[]> = {}) {
    res.writeHead(status, { ...HEADERS, 'content-type': 'text/html; charset=utf-8', ...extra });
    res.end(page(title, session, body, { audit: !!session && may(session.role, 'audit') }));
  }

  #redirect(res: http.ServerResponse, to: string, extra: Record<string, string | string[]> = {}) {
    res.writeHead(303, { ...HEADERS, location: to, ...extra });
    res.end();
  }

  #cookie(name: string, value: string, maxAgeSeconds: number): string {
    return `${name}=${value}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${maxAgeSeconds}${this.#o.secureCookies ? '; Secure' : ''}`;
  }

  async #route(req: http.IncomingMessage, res: http.ServerResponse, url: URL, session: Session | undefined): Promise<void> {
    const method = req.method ?? 'GET';
    const p = url.pathname;
    if (method === 'GET' && p === '/static/records.css') {
      res.writeHead(200, { ...HEADERS, 'content-type': 'text/css; charset=utf-8', 'cache-control': 'max-age=3600' });
      res.end(CSS);
      return;
    }
    if (p === '/login') return this.#login(req, res, method);
    if (p === '/favicon.ico') throw new Reply(404, 'Not found', 'no icon');
    if (!session) {
      if (method === 'GET') return this.#redirect(res, '/login');
      throw new Reply(401, 'Not done', 'you are not signed in, or your session has ended: sign in again (nothing was done)', { href: '/login', label: 'Sign in' });
    }
    let form: URLSearchParams | undefined;
    if (method === 'POST') {
      form = await readForm(req);
      if (!sameText(form.get('csrf') ?? '', session.csrf)) throw new Reply(403, 'Refused', "the form's CSRF token is not this session's: reload the page and try again (nothing was done)");
    } else if (method !== 'GET') {
      throw new Reply(405, 'Not done', `${method} is not used by this page`);
    }
    if (method === 'POST' && p === '/logout') {
      await this.#o.people.logout(cookies(req).get(SESSION_COOKIE)!);
      return this.#redirect(res, '/login', { 'set-cookie': this.#cookie(SESSION_COOKIE, '', 0) });
    }
    if (method === 'GET' && (p === '/' || p === '/recordings')) return p === '/' ? this.#redirect(res, '/recordings') : this.#recordings(res, url, session);
    if (method === 'GET' && p === '/audit') return this.#audit(res, url, session);
    const rec = RECORDING_PATH.exec(p);
    if (rec) {
      const [, deviceId, n, action] = rec as unknown as [string, string, string, string | undefined];
      if (method === 'GET' && !action) return this.#askWhy(res, session, deviceId, Number(n));
      if (method === 'POST' && action) return this.#recordingAction(res, session, deviceId, Number(n), action, form!);
    }
    const exported = EXPORT_PATH.exec(p);
    if (exported && method === 'GET') return this.#download(res, session, exported[1]!, exported[2]!);
    throw new Reply(404, 'Not found', `there is no page ${p}`, { href: '/recordings', label: 'Recordings' });
  }

  async #login(req: http.IncomingMessage, res: http.ServerResponse, method: string): Promise<void> {
    if (method === 'GET') {
      // Keep a login token this browser already holds: a second tab (or a stray request sent
      // to sign-in) must not make the first tab's form stale.
      const held = cookies(req).get(LOGIN_COOKIE);
      const token = held && /^[A-Za-z0-9_-]{32}$/.test(held) ? held : crypto.randomBytes(24).toString('base64url');
      return this.#send(res, 200, 'Sign in', undefined, loginPage(token), { 'set-cookie': this.#cookie(LOGIN_COOKIE, token, 3600) });
    }
    if (method !== 'POST') throw new Reply(405, 'Not done', `${method} is not used by the sign-in page`);
    const form = await readForm(req);
    const expected = cookies(req).get(LOGIN_COOKIE) ?? '';
    // Login CSRF: the form must carry the random value this browser was given with it (double submit).
    if (!expected || !sameText(form.get('login') ?? '', expected)) throw new Reply(403, 'Refused', 'the sign-in form is stale or was not sent from this page: reload it and sign in again', { href: '/login', label: 'Sign in' });
    const opened = await this.#o.people.login(form.get('name') ?? '', form.get('password') ?? '');
    if (!opened) {
      const token = crypto.randomBytes(24).toString('base64url');
      return this.#send(res, 401, 'Sign in', undefined, loginPage(token, 'Wrong name or password.'), { 'set-cookie': this.#cookie(LOGIN_COOKIE, token, 3600) });
    }
    const seconds = Math.floor((opened.session.expiresAt - this.#o.db.now()) / 1000);
    return this.#redirect(res, '/recordings', { 'set-cookie': [this.#cookie(SESSION_COOKIE, opened.token, seconds), this.#cookie(LOGIN_COOKIE, '', 0)] });
  }

  /** The permission check every action passes; a refusal is itself logged, then answered 403. */
  async #allow(session: Session, action: WebAction, target: string, reason = ''): Promise<void> {
    if (may(session.role, action)) return;
    const entry = await this.#o.db.logAccess(session.name, loggedAs(action), target, `REFUSED (${session.role} may not ${action})${reason ? `: ${reason}` : ''}`);
    throw new Reply(403, 'Refused', `a ${session.role} may not ${action === 'audit' ? 'read the access log' : action}; the attempt is access log entry #${entry}`, { href: '/recordings', label: 'Recordings' });
  }

  #reason(action: WebAction, form: URLSearchParams): string {
    const reason = (form.get('reason') ?? '').trim();
    if (REASON_REQUIRED.has(action) && !reason) throw new Reply(400, 'Not done', `a ${action} needs a reason: say why (it is written to the signed access log); nothing was done`);
    if (reason.length > 500) throw new Reply(400, 'Not done', 'the reason is longer than 500 characters; nothing was done');
    return reason;
  }

  async #recordings(res: http.ServerResponse, url: URL, session: Session): Promise<void> {
    let filters;
    try {
      filters = parseFilters(url.searchParams);
    } catch (error) {
      throw new Reply(400, 'Not done', `${(error as Error).message}; nothing was searched`, { href: '/recordings', label: 'All recordings' });
    }
    const target = `recordings?${filterQuery(filters)}`;
    await this.#allow(session, 'search', target);
    const entry = await this.#o.db.logAccess(session.name, 'search', target, 'listing recordings (a search needs no reason)');
    const { rows, more } = await listRecordings(this.#o.db, filters);
    this.#send(res, 200, 'Recordings', session, recordingsPage(filters, rows, more, entry));
  }

  async #askWhy(res: http.ServerResponse, session: Session, deviceId: string, n: number): Promise<void> {
    await this.#allow(session, 'view', recordingTarget(deviceId, n));
    if (!await recording(this.#o.db, deviceId, n)) throw new Reply(404, 'Not found', `the records system holds no recording ${n} of camera ${deviceId}`);
    this.#send(res, 200, `Recording #${n}`, session, viewReasonPage(session, deviceId, n));
  }

  async #recordingAction(res: http.ServerResponse, session: Session, deviceId: string, n: number, action: string, form: URLSearchParams): Promise<void> {
    const webAction: WebAction = action === 'hold' ? 'legal-hold' : action as WebAction;
    const target = recordingTarget(deviceId, n);
    await this.#allow(session, webAction, target, (form.get('reason') ?? '').trim().slice(0, 200));
    const reason = this.#reason(webAction, form);
    const held = await recording(this.#o.db, deviceId, n);
    if (!held) throw new Reply(404, 'Not found', `the records system holds no recording ${n} of camera ${deviceId}`);
    const back = { href: recordingPath(deviceId, n), label: 'Back to the recording' };
    const db = this.#o.db;
    switch (webAction) {
      case 'view': {
        const viewEntry = await db.logAccess(session.name, 'view', target, reason);
        const segments = await segmentsOf(db, deviceId, n);
        this.#send(res, 200, `Recording #${n}`, session, recordingPage(session, {
          recording: held, segments, chain: await chainOf(db, deviceId), access: await accessTo(db, target), checkpoint: await latestCheckpoint(db),
          lifecycle: await lifecycleOf(db, deviceId, n, new Set(segments.map((s) => s.sealed_digest))), viewEntry, exportAvailable: !!this.#o.exporter,
        }));
        return;
      }
      case 'retention': {
        const by = (form.get('by') ?? '').trim();
        const date = (form.get('until') ?? '').trim();
        if (!by) throw new Reply(400, 'Not done', 'say who asked for the extension (e.g. the prosecutor and case); nothing was done', back);
        if (!/^\d{4}-\d{2}-\d{2}$/.test(date) || Number.isNaN(Date.parse(`${date}T00:00:00Z`))) throw new Reply(400, 'Not done', `"${date}" is not a date as YYYY-MM-DD; nothing was done`, back);
        const until = Date.parse(`${date}T23:59:59.999Z`); // kept through the whole day named, as the CLI's --until
        if (until <= held.retain_until) throw new Reply(400, 'Not done', `retention can only be extended: it already runs to ${new Date(held.retain_until).toISOString()}; nothing was done`, back);
        if (until > held.first_stored_at + MAX_RETENTION_DAYS * DAY_MS) throw new Reply(400, 'Not done', `at most ${MAX_RETENTION_DAYS} days after the recording was first stored (${new Date(held.first_stored_at).toISOString().slice(0, 10)}); nothing was done`, back);
        const lifecycle = this.#needLifecycle(back);
        const entry = await db.logAccess(session.name, 'retention', target, `until ${date}, asked by ${by}: ${reason}`);
        await lifecycle.extendRetention({ deviceId, recording: n }, until, reason, by);
        this.#send(res, 200, 'Retention extended', session, messagePage('Retention extended', `recording ${n} is now retained until ${new Date(until).toISOString()}; logged as access entry #${entry} and a retention entry`, back));
        return;
      }
      case 'legal-hold': {
        const on = form.get('on') === 'on';
        if (form.get('on') !== 'on' && form.get('on') !== 'off') throw new Reply(400, 'Not done', 'the hold form says neither on nor off; nothing was done', back);
        if (held.legal_hold === on) throw new Reply(409, 'Not done', `the legal hold is already ${on ? 'on' : 'off'}; nothing was done`, back);
        const lifecycle = this.#needLifecycle(back);
        const entry = await db.logAccess(session.name, 'legal-hold', target, `${on ? 'set' : 'lift'}: ${reason}`);
        await lifecycle.setLegalHold({ deviceId, recording: n }, on, reason, session.name);
        this.#send(res, 200, on ? 'Legal hold set' : 'Legal hold lifted', session, messagePage(on ? 'Legal hold set' : 'Legal hold lifted', `logged as access entry #${entry} and a legal-hold entry`, back));
        return;
      }
      case 'export': {
        const exporter = this.#o.exporter;
        const exportsDir = this.#o.exportsDir;
        if (!exporter || !exportsDir) throw new Reply(503, 'Not done', 'this records server was started without the agency key (--agency-key): export is not available; nothing was done', back);
        const entry = await db.logAccess(session.name, 'export', target, reason);
        const id = crypto.randomBytes(16).toString('hex');
        const outDir = path.join(exportsDir, id);
        fs.mkdirSync(outDir, { recursive: true, mode: 0o700 });
        const files = await exporter(deviceId, n, outDir);
        await db.pool.query('INSERT INTO web_exports (id, name, target, log_entry, created_at) VALUES ($1, $2, $3, $4, $5)', [id, session.name, target, entry, db.now()]);
        const links = files.map((f) => ({ href: `/exports/${id}/${path.basename(f)}`, name: path.basename(f) }));
        this.#send(res, 200, 'Exported', session, exportPage(entry, links, back));
        return;
      }
      default:
        throw new Reply(404, 'Not found', `no action ${action}`);
    }
  }

  #needLifecycle(back: { href: string; label: string }): RecordingLifecycle {
    if (!this.#o.lifecycle) throw new Reply(503, 'Not done', "this records server has no object store to move the segments' locks with the log: nothing was done", back);
    return this.#o.lifecycle;
  }

  async #download(res: http.ServerResponse, session: Session, id: string, name: string): Promise<void> {
    const row = await this.#o.db.one<{ name: string }>('SELECT name FROM web_exports WHERE id = $1', [id]);
    // Only the person who made (and was logged for) the export downloads it.
    if (!row || row.name !== session.name || !may(session.role, 'export') || !this.#o.exportsDir) throw new Reply(404, 'Not found', 'no such export of yours');
    const file = path.join(this.#o.exportsDir, id, name);
    if (!fs.existsSync(file)) throw new Reply(404, 'Not found', 'no such file in that export');
    res.writeHead(200, { ...HEADERS, 'content-type': 'application/octet-stream', 'content-disposition': `attachment; filename="${name}"`, 'content-length': String(fs.statSync(file).size) });
    fs.createReadStream(file).pipe(res);
  }

  async #audit(res: http.ServerResponse, url: URL, session: Session): Promise<void> {
    const person = (url.searchParams.get('person') ?? '').trim() || undefined;
    const beforeText = url.searchParams.get('before') ?? undefined;
    if (beforeText !== undefined && !/^(0|[1-9]\d{0,15})$/.test(beforeText)) throw new Reply(400, 'Not done', `before "${beforeText}" is not a log entry number; nothing was searched`);
    const before = beforeText === undefined ? undefined : Number(beforeText);
    const target = `access log${person ? ` of ${person}` : ''}`;
    await this.#allow(session, 'audit', target);
    const entry = await this.#o.db.logAccess(session.name, 'search', target, 'audit of the access log');
    const { rows, more } = await accessLog(this.#o.db, person, before);
    this.#send(res, 200, 'Access log', session, auditPage(rows, person, before, more, entry));
  }
}

