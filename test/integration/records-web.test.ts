// The records web page in a real browser (Debian's Chromium via playwright-core), served by the
// records server on the real PostgreSQL and Ceph RADOS Gateway: each role signs in and sees what it may; what it may not do is both hidden on the
// page and refused (403) by the server when asked directly, and the refusal is itself in the
// signed log; searches, views and lifecycle changes appear in the recording's access history and
// in the signed log before their result; a wrong password and an expired session are refused.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { toHex } from '../../firmware/format/bytes.js';
import { generateP256KeyPair } from '../../firmware/format/key-derivation.js';
import { createDockKeyFile } from '../../host-tools/dock/dock-key.js';
import { RecordsForwarder } from '../../host-tools/dock/records-forwarder.js';
import { agencyKeyDocument, writeNewKeyFile } from '../../host-tools/keys/key-files.js';
import { openRecordsBucket } from '../../host-tools/records/records-bucket.js';
import { RecordsDb } from '../../host-tools/records/records-db.js';
import { checkpointObjectName, openRecordsCheckpoint, MerklePeaks } from '../../host-tools/records/records-log.js';
import type { RecordsEntry } from '../../host-tools/records/records-log-entries.js';
import type { RecordsObjectStore } from '../../host-tools/records/records-objects.js';
import { RecordsPeople } from '../../host-tools/records/records-people.js';
import { DAY_MS } from '../../host-tools/records/records-schema.js';
import { RecordsServer } from '../../host-tools/records/records-server.js';
import { openRecordsWeb } from '../../host-tools/records/records-web-command.js';
import { hostPort } from '../support/dock-harness.js';
import { launchChromium } from '../support/records-browser.js';
import { recordFootage } from '../support/records-footage.js';
import { seedCamera, type SeededRecording } from '../support/records-seed.js';
import { freshRecordsServices, type FreshRecordsServices } from '../support/records-services.js';

const PASSWORDS = { kim: 'kim-manages-records-2026', lee: 'lee-investigates-2026', park: 'park-audits-everyone-2026' } as const;

describe('the records web page in Chromium', function () {
  this.timeout(600_000);
  const key = generateP256KeyPair(hostPort);
  const temp = fs.mkdtempSync(path.join(os.tmpdir(), 'chaincam-records-web-'));
  let services: FreshRecordsServices;
  let objects: RecordsObjectStore;
  let db: RecordsDb;
  let people: RecordsPeople;
  let server: RecordsServer;
  let base: string;
  let browser: BrowserContext;
  let mapo: SeededRecording[];
  let gangnam: SeededRecording[];
  let footage: SeededRecording;

  before(async () => {
    services = await freshRecordsServices('records-web');
    objects = await openRecordsBucket(services.settings.s3);
    db = await RecordsDb.open(services.settings.dbUrl, {
      port: hostPort, key,
      onCheckpoint: (size, checkpoint) => objects.putLogObject(checkpointObjectName(size), new TextEncoder().encode(checkpoint), new Date(Date.now() + DAY_MS)).then(() => undefined),
    });
    await db.openLog();
    people = await RecordsPeople.open(db);
    await people.add('kim', 'records-manager', PASSWORDS.kim, 'chief kim');
    await people.add('lee', 'investigator', PASSWORDS.lee, 'kim');
    await people.add('park', 'auditor', PASSWORDS.park, 'kim');
    const day = Date.parse('2026-11-02T09:00:00Z');
    mapo = await seedCamera(db, { station: 'Mapo station', objects, label: 'BWC-0417 <img src=x onerror=alert(1)>', recordings: [
      { recording: 1, start: day }, { recording: 2, start: day + 3_600_000, ground: 0 }, { recording: 3, start: day + 7_200_000, noticeReason: 2, noticeText: 'crowd noise' },
    ] });
    gangnam = await seedCamera(db, { station: 'Gangnam station', objects, label: 'BWC-1180', recordings: [{ recording: 7, start: day + 86_400_000 }] });
    // A busy camera for the pages of the listing (only listed, so its bytes are not put).
    await seedCamera(db, { station: 'Seodaemun station', label: 'BWC-3300', recordings: Array.from({ length: 55 }, (_, i) => ({ recording: i + 1, start: day - (i + 1) * 600_000, segments: 1 })) });
    // The server as `records serve` builds it: ingest on /v1/, the web page everywhere else.
    const agency = generateP256KeyPair(hostPort);
    writeNewKeyFile(path.join(temp, 'agency.key'), agencyKeyDocument(hostPort, agency, true), true);
    const web = await openRecordsWeb({ key: path.join(temp, 'records.key'), agencyKey: path.join(temp, 'agency.key'), exports: path.join(temp, 'exports'), sessionHours: 8 }, db, objects, hostPort);
    server = new RecordsServer({ db, objects, key, port: hostPort, web });
    base = await server.listen(0);
    // Real footage, forwarded by an enrolled dock through the ingest API like any other.
    const dockKey = createDockKeyFile(hostPort, path.join(temp, 'dock.key'));
    await db.enrolDock(dockKey.publicKey, 'Jongno station', 'records manager kim');
    const made = recordFootage(path.join(temp, 'camera'), 'BWC-2210', agency);
    const forwarder = new RecordsForwarder(base, dockKey, key.publicKey, hostPort);
    for (const s of made.segments) await forwarder.forward({ label: made.camera.label, cameraPublicKey: made.camera.publicKey, chain: made.chain, recordSequence: s.recordSequence, sealed: s.sealed });
    footage = { deviceId: toHex(made.camera.deviceId), recording: made.recording, label: made.camera.label, digests: made.segments.map((s) => toHex(hostPort.sha256(s.sealed))) };
    browser = await launchChromium(temp);
  });

  after(async () => {
    await browser?.close();
    await server?.close();
    await db?.close();
    await services?.drop();
    // Keep the screenshots (recordings.png, recording.png, recording-investigator.png) to look at;
    // the browser profile, keys and exports go.
    for (const name of fs.readdirSync(temp)) if (!name.endsWith('.png')) fs.rmSync(path.join(temp, name), { recursive: true, force: true });
    process.stdout.write(`    screenshots: ${temp}\n`);
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
    assert.equal(await page.locator('#recordings tbody tr').count(), 50, 'a page of 50');
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
    assert.ok(access.some((e) => e.person === 'kim' && e.action === 'view' && e.target === `recording ${mapo[2]!.deviceId}:3` && e.reason === 'complaint 2026-113 about the notice'));
  });

  it('pages through a long listing with the filters kept', async () => {
    const page = await signIn('lee');
    await page.goto(`${base}/recordings?station=Seodaemun`);
    assert.equal(await page.locator('#recordings tbody tr').count(), 50);
    assert.match(await page.textContent('#recordings tbody tr:first-child') ?? '', /#1(?!\d)/, 'newest first');
    await Promise.all([page.waitForLoadState('load'), page.click('a[rel=next]')]);
    const next = new URL(page.url());
    assert.equal(next.searchParams.get('station'), 'Seodaemun');
    assert.match(next.searchParams.get('after') ?? '', /^\d+\.[0-9a-f]{32}\.50$/, 'continues after the 50th (recording 50)');
    assert.equal(await page.locator('#recordings tbody tr').count(), 5);
    assert.equal(await page.locator('a[rel=next]').count(), 0);
    assert.match(await page.textContent('#recordings tbody tr:first-child') ?? '', /#51(?!\d)/);
    assert.match(await page.textContent('#recordings tbody tr:last-child') ?? '', /#55(?!\d)/);
    assert.equal(await page.locator('a[rel=first]').getAttribute('href'), '/recordings?station=Seodaemun');
    const access = await signedAccessEntries();
    assert.ok(access.some((e) => e.person === 'lee' && e.action === 'search' && e.target === `recordings?${next.searchParams.toString()}`));
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
    assert.ok(access.some((e) => e.person === 'lee' && e.action === 'retention' && e.target === `recording ${gangnam[0]!.deviceId}:7` && /^REFUSED \(investigator may not retention\)/.test(e.reason)));
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

  it('a records manager extends retention and sets a legal hold: logged first, locks moved, shown in the histories', async () => {
    const page = await signIn('kim');
    const r = mapo[0]!;
    await openRecording(page, r, 'prosecutor request 2026-88');
    const stored = (await db.one<{ first_stored_at: number }>('SELECT first_stored_at FROM recordings WHERE device_id = $1 AND recording = $2', [r.deviceId, r.recording]))!.first_stored_at;
    const until = new Date(stored + 90 * DAY_MS).toISOString().slice(0, 10);
    await page.fill('#until', until);
    await page.fill('#by', 'prosecutor lee, case 2026-88');
    await page.fill('#retention-reason', 'trial set for next spring');
    await Promise.all([page.waitForLoadState('load'), page.click('#retention-form button')]);
    assert.match(await page.textContent('#message') ?? '', new RegExp(`retained until ${until}T23:59:59`));
    for (const digest of r.digests) {
      const head = (await objects.headSegment(digest))!;
      assert.equal(head.retainUntil!.toISOString().slice(0, 10), until, 'the COMPLIANCE lock moved with the log');
    }
    await openRecording(page, r, 'check the extension');
    await page.fill('#hold-reason', 'investigation 2026-88');
    await Promise.all([page.waitForLoadState('load'), page.click('#hold-form button')]);
    assert.match(await page.textContent('#message') ?? '', /logged as access entry #\d+ and a legal-hold entry/);
    for (const digest of r.digests) assert.equal((await objects.headSegment(digest))!.legalHold, true);
    await openRecording(page, r, 'confirm the hold');
    assert.match(await page.textContent('#retain-until') ?? '', new RegExp(until));
    assert.match(await page.textContent('#legal-hold') ?? '', /on/);
    const lifecycle = await page.textContent('#lifecycle') ?? '';
    assert.match(lifecycle, /retention extended to .*prosecutor lee, case 2026-88\s*trial set for next spring/);
    assert.match(lifecycle, /legal hold set\s*kim\s*investigation 2026-88/);
    const history = await page.textContent('#access') ?? '';
    assert.match(history, /kim\s*retention\s*until .*trial set for next spring/);
    assert.match(history, /kim\s*legal-hold\s*set: investigation 2026-88/);
    // The access entry comes before the change it allowed, in the same signed log.
    const log = await db.decodedLog();
    const access = log.findIndex((e) => e.type === 'access' && e.action === 'retention' && e.person === 'kim');
    const change = log.findIndex((e) => e.type === 'retention' && e.by === 'prosecutor lee, case 2026-88');
    assert.ok(access >= 0 && change > access, `access #${access} before retention #${change}`);
    await signedAccessEntries();
    // Shortening is refused before anything is logged.
    const before = log.length;
    const csrf = await csrfOf(page);
    const shorter = await browser.request.post(`${recordingUrl(r)}/retention`, { form: { csrf, until: new Date(stored + 40 * DAY_MS).toISOString().slice(0, 10), by: 'x', reason: 'y' }, maxRedirects: 0 });
    assert.equal(shorter.status(), 400);
    assert.match(await shorter.text(), /can only be extended/);
    assert.equal((await db.decodedLog()).length, before);
  });

  it('an investigator exports the decrypted AVI with its sidecar and proof, with a reason, logged first', async () => {
    const page = await signIn('lee');
    await openRecording(page, footage, 'case 2026-4471: the arrest at Jongno');
    await page.screenshot({ path: path.join(temp, 'recording-investigator.png'), fullPage: true });
    await page.fill('#export-reason', 'for prosecutor choi, case 2026-4471');
    await Promise.all([page.waitForLoadState('load'), page.click('#export-form button')]);
    assert.match(await page.textContent('#message') ?? '', /Export logged as access entry #\d+/);
    const links: string[] = [];
    for (const a of await page.locator('#export-files a').all()) links.push((await a.getAttribute('href'))!);
    assert.equal(links.length, 2);
    const files: Record<string, Buffer> = {};
    for (const link of links) {
      const answer = await browser.request.get(`${base}${link}`);
      assert.equal(answer.status(), 200);
      files[path.extname(link)] = await answer.body();
    }
    const avi = path.join(temp, 'downloaded.avi');
    fs.writeFileSync(avi, files['.avi']!);
    const probe = JSON.parse(execFileSync('ffprobe', ['-v', 'error', '-count_packets', '-show_entries', 'stream=codec_type,nb_read_packets', '-of', 'json', avi], { encoding: 'utf8' })) as { streams: { codec_type: string; nb_read_packets: string }[] };
    assert.equal(probe.streams.find((s) => s.codec_type === 'video')?.nb_read_packets, '20', 'both segments joined, every frame plays');
    const sidecar = JSON.parse(files['.json']!.toString('utf8')) as { verified: boolean; deviceId: string; recording: number; chainProof: unknown; mediaSha256: string };
    assert.equal(sidecar.verified, true);
    assert.equal(sidecar.deviceId, footage.deviceId);
    assert.ok(sidecar.chainProof, 'the sidecar carries the chain proof');
    assert.equal(sidecar.mediaSha256, toHex(hostPort.sha256(files['.avi']!)));
    const access = await signedAccessEntries();
    assert.ok(access.some((e) => e.person === 'lee' && e.action === 'export' && e.target === `recording ${footage.deviceId}:1` && e.reason === 'for prosecutor choi, case 2026-4471'));
    // Another person cannot fetch lee's export by its address.
    await signIn('kim');
    assert.equal((await browser.request.get(`${base}${links[0]}`)).status(), 404);
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
