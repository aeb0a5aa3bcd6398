// The records web page in a real browser (Debian's Chromium via playwright-core) against a real
// PostgreSQL: each role signs in and sees what it may; what it may not do is both hidden on the
// page and refused (403) by the server when asked directly, and the refusal is itself in the
// signed log; searches, views and lifecycle changes appear in the recording's access history and
// in the signed log before their result; a wrong password and an expired session are refused.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { generateP256KeyPair } from '../../firmware/format/key-derivation.js';
import { RecordsDb } from '../../host-tools/records/records-db.js';
import { RecordsPeople } from '../../host-tools/records/records-people.js';
import { RecordsWeb } from '../../host-tools/records/records-web.js';
import { openRecordsCheckpoint, MerklePeaks } from '../../host-tools/records/records-log.js';
import type { RecordsEntry } from '../../host-tools/records/records-log-entries.js';
import { hostPort } from '../support/dock-harness.js';
import { freshDatabase } from '../support/records-pg-dev.js';
import { launchChromium } from '../support/records-browser.js';
import { seedCamera, type SeededRecording } from '../support/records-seed.js';

const PASSWORDS = { kim: 'kim-manages-records-2026', lee: 'lee-investigates-2026', park: 'park-audits-everyone-2026' } as const;

describe('the records web page in Chromium', function () {
  this.timeout(300_000);
  const key = generateP256KeyPair(hostPort);
  const temp = fs.mkdtempSync(path.join(os.tmpdir(), 'chaincam-records-web-'));
  let database: Awaited<ReturnType<typeof freshDatabase>>;
  let db: RecordsDb;
  let people: RecordsPeople;
  let server: http.Server;
  let base: string;
  let browser: BrowserContext;
  let mapo: SeededRecording[];
  let gangnam: SeededRecording[];

  before(async () => {
    database = await freshDatabase();
    db = await RecordsDb.open(database.url, { port: hostPort, key });
    people = await RecordsPeople.open(db);
    await people.add('kim', 'records-manager', PASSWORDS.kim, 'chief kim');
    await people.add('lee', 'investigator', PASSWORDS.lee, 'kim');
    await people.add('park', 'auditor', PASSWORDS.park, 'kim');
    const day = Date.parse('2026-11-02T09:00:00Z');
    mapo = await seedCamera(db, { station: 'Mapo station', label: 'BWC-0417 <img src=x onerror=alert(1)>', recordings: [
      { recording: 1, start: day }, { recording: 2, start: day + 3_600_000, ground: 0 }, { recording: 3, start: day + 7_200_000, noticeReason: 2, noticeText: 'crowd noise' },
    ] });
    gangnam = await seedCamera(db, { station: 'Gangnam station', label: 'BWC-1180', recordings: [{ recording: 7, start: day + 86_400_000 }] });
    const web = new RecordsWeb({ db, people });
    server = http.createServer((req, res) => void web.handle(req, res).then((handled) => {
      if (!handled) res.writeHead(404).end();
    }));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    browser = await launchChromium(temp);
  });

  after(async () => {
    await browser?.close();
    server?.closeAllConnections();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    await db?.close();
    await database?.drop();
  });

  async function signIn(name: keyof typeof PASSWORDS, password: string = PASSWORDS[name]): Promise<Page> {
    await browser.clearCookies();
    const page = browser.pages()[0] ?? await browser.newPage();
    await page.goto(`${base}/login`);
    await page.fill('#name', name);
    await page.fill('#password', password);
    await Promise.all([page.waitForLoadState('load'), page.click('button[type=submit]')]);
    return page;
  }

  /** The access entries in the signed log, after checking the latest checkpoint signs the whole log. */
  async function signedAccessEntries(): Promise<Extract<RecordsEntry, { type: 'access' }>[]> {
    const peaks = new MerklePeaks(hostPort);
    for await (const e of db.logEntries()) peaks.appendEntry(e.bytes);
    const latest = (await db.one<{ checkpoint: string }>('SELECT checkpoint FROM records_checkpoints ORDER BY size DESC LIMIT 1'))!;
    const checkpoint = openRecordsCheckpoint(hostPort, latest.checkpoint, key.publicKey);
    assert.equal(checkpoint.size, peaks.size, 'the latest signed checkpoint covers every entry');
    assert.deepEqual(checkpoint.root, peaks.root);
    return (await db.decodedLog()).filter((e): e is Extract<RecordsEntry, { type: 'access' }> => e.type === 'access');
  }

  const csrfOf = (page: Page) => page.getAttribute('form[action="/logout"] input[name=csrf]', 'value').then((v) => v!);
  const recordingUrl = (r: SeededRecording) => `${base}/recordings/${r.deviceId}/${r.recording}`;

  async function openRecording(page: Page, r: SeededRecording, reason: string): Promise<void> {
    await page.goto(recordingUrl(r));
    await page.fill('#view-reason', reason);
    await Promise.all([page.waitForLoadState('load'), page.click('form[action$="/view"] button')]);
  }

  it('refuses a wrong password and an unknown name, and gives no session', async () => {
    const page = await signIn('kim', 'not-kims-password-at-all');
    assert.match(await page.textContent('.error') ?? '', /Wrong name or password/);
    assert.equal((await browser.cookies()).some((c) => c.name === 'chaincam_session'), false);
    await page.goto(`${base}/recordings`);
    assert.match(page.url(), /\/login$/);
    await page.fill('#name', 'nobody');
    await page.fill('#password', 'whatever-password-1');
    await Promise.all([page.waitForLoadState('load'), page.click('button[type=submit]')]);
    assert.match(await page.textContent('.error') ?? '', /Wrong name or password/);
  });

  it('a records manager searches and opens a recording: both are in its access history and the signed log first', async () => {
    const page = await signIn('kim');
    assert.match(page.url(), /\/recordings$/);
    assert.equal(await page.locator('#recordings tbody tr').count(), 4);
    const cookie = (await browser.cookies()).find((c) => c.name === 'chaincam_session')!;
    assert.equal(cookie.httpOnly, true);
    assert.equal(cookie.sameSite, 'Strict');
    // The camera label is shown as text, never as markup.
    assert.equal(await page.locator('#recordings img').count(), 0);
    assert.match(await page.textContent('#recordings') ?? '', /BWC-0417 <img src=x onerror=alert\(1\)>/);
    await page.fill('#station', 'Mapo');
    await page.selectOption('#notice', 'not-given');
    await Promise.all([page.waitForLoadState('load'), page.click('form.filters button')]);
    assert.match(page.url(), /station=Mapo&.*notice=not-given/);
    assert.equal(await page.locator('#recordings tbody tr').count(), 1);
    assert.match(await page.textContent('#recordings') ?? '', /NOT given/);
    await page.screenshot({ path: path.join(temp, 'recordings.png'), fullPage: true });
    assert.equal(await page.locator('a[href="/audit"]').count(), 0, 'no access-log link for a records manager');

    await openRecording(page, mapo[2]!, 'complaint 2026-113 about the notice');
    assert.match(await page.textContent('h1') ?? '', /Recording #3/);
    assert.equal(await page.locator('#segments tbody tr').count(), 2);
    assert.match(await page.textContent('#chain') ?? '', /verified by the records system at ingest/);
    assert.equal(await page.locator('#retention-form').count(), 1);
    assert.equal(await page.locator('#hold-form').count(), 1);
    assert.equal(await page.locator('#export-form').count(), 0);
    const history = await page.textContent('#access') ?? '';
    assert.match(history, /kim\s*view\s*complaint 2026-113 about the notice/, 'the view is in the history it opens');
    await page.screenshot({ path: path.join(temp, 'recording.png'), fullPage: true });

    const access = await signedAccessEntries();
    assert.ok(access.some((e) => e.person === 'kim' && e.action === 'search' && e.target === 'recordings?station=Mapo&notice=not-given'));
    assert.ok(access.some((e) => e.person === 'kim' && e.action === 'view' && e.target === `recording ${mapo[2]!.deviceId}/3` && e.reason === 'complaint 2026-113 about the notice'));
  });

  it('a view without a reason is refused and changes nothing', async () => {
    const page = await signIn('kim');
    const before = (await db.decodedLog()).length;
    const answer = await browser.request.post(`${recordingUrl(mapo[0]!)}/view`, { form: { csrf: await csrfOf(page), reason: '  ' }, maxRedirects: 0 });
    assert.equal(answer.status(), 400);
    assert.match(await answer.text(), /needs a reason/);
    assert.equal((await db.decodedLog()).length, before);
  });

  it('an investigator sees export but not retention, hold or the access log; asked directly the server refuses and logs it', async () => {
    const page = await signIn('lee');
    await openRecording(page, gangnam[0]!, 'case 2026-4471');
    assert.equal(await page.locator('#retention-form').count(), 0);
    assert.equal(await page.locator('#hold-form').count(), 0);
    assert.match(await page.textContent('main') ?? '', /Export/);
    assert.equal(await page.locator('a[href="/audit"]').count(), 0);
    const csrf = await csrfOf(page);
    const retention = await browser.request.post(`${recordingUrl(gangnam[0]!)}/retention`, { form: { csrf, until: '2027-01-15', by: 'lee', reason: 'keep it longer' }, maxRedirects: 0 });
    assert.equal(retention.status(), 403);
    const audit = await browser.request.get(`${base}/audit`, { maxRedirects: 0 });
    assert.equal(audit.status(), 403);
    const access = await signedAccessEntries();
    assert.ok(access.some((e) => e.person === 'lee' && e.action === 'retention' && e.target === `recording ${gangnam[0]!.deviceId}/7` && /^REFUSED \(investigator may not retention\)/.test(e.reason)));
    assert.ok(access.some((e) => e.person === 'lee' && e.action === 'search' && e.target === 'access log' && /^REFUSED/.test(e.reason)));
  });

  it('a records manager may not export: hidden and refused (403), and the refusal is logged', async () => {
    const page = await signIn('kim');
    await openRecording(page, mapo[0]!, 'retention review');
    assert.equal(await page.locator('#export-form').count(), 0);
    const answer = await browser.request.post(`${recordingUrl(mapo[0]!)}/export`, { form: { csrf: await csrfOf(page), reason: 'curious' }, maxRedirects: 0 });
    assert.equal(answer.status(), 403);
    const access = await signedAccessEntries();
    assert.ok(access.some((e) => e.person === 'kim' && e.action === 'export' && /^REFUSED \(records-manager may not export\): curious$/.test(e.reason)));
  });

  it('an auditor reads the access log, refusals included, and may not change retention', async () => {
    const page = await signIn('park');
    await Promise.all([page.waitForLoadState('load'), page.click('a[href="/audit"]')]);
    const log = await page.textContent('#audit') ?? '';
    assert.match(log, /REFUSED \(investigator may not retention\)/);
    assert.match(log, /complaint 2026-113 about the notice/);
    await openRecording(page, mapo[1]!, 'quarterly audit');
    assert.match(await page.textContent('.notice') ?? '', /Flagged for review|no confirmed legal ground/);
    assert.equal(await page.locator('#retention-form, #hold-form, #export-form').count(), 0);
    const answer = await browser.request.post(`${recordingUrl(mapo[1]!)}/hold`, { form: { csrf: await csrfOf(page), on: 'on', reason: 'testing' }, maxRedirects: 0 });
    assert.equal(answer.status(), 403);
    assert.ok((await signedAccessEntries()).some((e) => e.person === 'park' && e.action === 'legal-hold' && /^REFUSED/.test(e.reason)));
  });

  it('refuses a form without the session CSRF token', async () => {
    await signIn('kim');
    const before = (await db.decodedLog()).length;
    const answer = await browser.request.post(`${recordingUrl(mapo[0]!)}/view`, { form: { csrf: 'forged', reason: 'x' }, maxRedirects: 0 });
    assert.equal(answer.status(), 403);
    assert.match(await answer.text(), /CSRF/);
    assert.equal((await db.decodedLog()).length, before);
  });

  it('an expired session is refused: pages send to sign-in and actions answer 401', async () => {
    const page = await signIn('lee');
    const csrf = await csrfOf(page);
    await db.pool.query("UPDATE web_sessions SET expires_at = 0 WHERE name = 'lee'");
    await page.goto(`${base}/recordings`);
    assert.match(page.url(), /\/login$/);
    const before = (await db.decodedLog()).length;
    const answer = await browser.request.post(`${recordingUrl(gangnam[0]!)}/view`, { form: { csrf, reason: 'case 2026-4471' }, maxRedirects: 0 });
    assert.equal(answer.status(), 401);
    assert.equal((await db.decodedLog()).length, before);
  });

  it('signing out ends the session', async () => {
    const page = await signIn('park');
    const sessions = async () => (await db.one<{ n: number }>("SELECT count(*)::int AS n FROM web_sessions WHERE name = 'park'"))!.n;
    const before = await sessions();
    const token = (await browser.cookies()).find((c) => c.name === 'chaincam_session')!.value;
    await Promise.all([page.waitForLoadState('load'), page.click('form[action="/logout"] button')]);
    assert.match(page.url(), /\/login$/);
    assert.equal(await sessions(), before - 1);
    assert.equal((await browser.cookies()).some((c) => c.name === 'chaincam_session'), false);
    const replayed = await fetch(`${base}/recordings`, { headers: { cookie: `chaincam_session=${token}` }, redirect: 'manual' });
    assert.equal(replayed.status, 303, 'the old token opens nothing');
    assert.equal(replayed.headers.get('location'), '/login');
  });
});
