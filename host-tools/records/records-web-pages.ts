// The web page's screens: the recordings listing, a recording's page and the access log. Pure
// rendering from rows the handler read; what a role may see and do comes from records-roles.ts.
import { LEGAL_GROUNDS } from '../../firmware/format/record-codes.js';
import { describeNotice } from '../verify/recording-tally.js';
import { csrfField, day, html, iso, reasonField, type Html } from './records-web-html.js';
import { filterQuery, type AccessRow, type ChainRow, type LifecycleEntry, type RecordingFilters, type RecordingRow, type SegmentRow } from './records-web-queries.js';
import { may, ROLE_TITLES } from './records-roles.js';
import type { Session } from './records-people.js';
import { MAX_RETENTION_DAYS, DAY_MS } from './records-schema.js';

/** An access entry's target for a recording: DEVICEID:N, as the CLI's --recording names it. */
export const recordingTarget = (deviceId: string, n: number) => `recording ${deviceId}:${n}`;
export const recordingPath = (deviceId: string, n: number) => `/recordings/${deviceId}/${n}`;

const ground = (code: number) => html`${code}: ${LEGAL_GROUNDS[code] ?? 'unknown'}`;
const notice = (r: RecordingRow) => (r.notice_reason === 0
  ? html`<span class="ok">${describeNotice(r.notice_indicators, r.notice_reason, r.notice_text)}</span>`
  : html`<span class="flag">${describeNotice(r.notice_indicators, r.notice_reason, r.notice_text)}</span>`);
const retention = (r: RecordingRow) => html`${day(r.retain_until)}${r.legal_hold ? html` <span class="flag">legal hold</span>` : ''}`;

function option(value: string, label: string, selected: string | undefined): Html {
  return html`<option value="${value}" ${value === (selected ?? '') ? html`selected` : ''}>${label}</option>`;
}

const cursorOf = (r: RecordingRow) => ({ startTime: r.start_time, deviceId: r.device_id, recording: r.recording });

export function recordingsPage(f: RecordingFilters, rows: RecordingRow[], more: boolean, logEntry: number): Html {
  const groundPicked = f.ground === undefined ? undefined : String(f.ground);
  return html`<h1>Recordings</h1>
<form class="filters" method="get" action="/recordings">
  <div><label for="camera">Camera (label or device id)</label><input id="camera" name="camera" value="${f.camera ?? ''}"></div>
  <div><label for="station">Station</label><input id="station" name="station" value="${f.station ?? ''}"></div>
  <div><label for="from">From (UTC date)</label><input id="from" name="from" type="date" value="${f.from ?? ''}"></div>
  <div><label for="to">To (UTC date)</label><input id="to" name="to" type="date" value="${f.to ?? ''}"></div>
  <div><label for="ground">Legal ground</label><select id="ground" name="ground">${option('', 'any', groundPicked)}${Object.entries(LEGAL_GROUNDS).map(([code, text]) => option(code, `${code}: ${text}`, groundPicked))}</select></div>
  <div><label for="notice">Notice</label><select id="notice" name="notice">${option('', 'any', f.notice)}${option('given', 'given', f.notice)}${option('not-given', 'not given', f.notice)}</select></div>
  <div><label for="review">Flagged for review</label><select id="review" name="review">${option('', 'any', f.review)}${option('yes', 'yes', f.review)}${option('no', 'no', f.review)}</select></div>
  <div><button type="submit">Search</button></div>
</form>
<p class="mono">This search is access log entry #${logEntry}.</p>
<table id="recordings"><thead><tr><th>Start (UTC)</th><th>Camera</th><th>Recording</th><th>Station</th><th>Legal ground</th><th>Notice</th><th>Segments</th><th>Retained until</th><th>Review</th></tr></thead><tbody>
${rows.length ? rows.map((r) => html`<tr>
  <td>${iso(r.start_time)}</td><td>${r.label}<br><span class="mono">${r.device_id}</span></td>
  <td><a href="${recordingPath(r.device_id, r.recording)}">#${r.recording}</a></td><td>${r.station_name}</td>
  <td>${ground(r.legal_ground)}</td><td>${notice(r)}</td><td>${r.segments}</td><td>${retention(r)}</td>
  <td>${r.review ? html`<span class="flag">${r.review_why ?? 'flagged'}</span>` : ''}</td></tr>`) : html`<tr><td colspan="9">No recording matches these filters.</td></tr>`}
</tbody></table>
<div class="pager">${f.after ? html`<a rel="first" href="/recordings?${filterQuery(f, null)}">← newest</a>` : ''}${more ? html`<a rel="next" href="/recordings?${filterQuery(f, cursorOf(rows.at(-1)!))}">older →</a>` : ''}</div>`;
}

/** Before a recording is shown: why (the view is logged with it). */
export function viewReasonPage(session: Session, deviceId: string, n: number): Html {
  return html`<h1>Open recording #${n} of camera <span class="mono">${deviceId}</span></h1>
<form class="card" method="post" action="${recordingPath(deviceId, n)}/view">${csrfField(session)}
${reasonField('view-reason', 'Why are you opening this recording? (written to the signed access log)', true)}
<button type="submit">Open recording</button></form>`;
}

export interface RecordingView {
  recording: RecordingRow; segments: SegmentRow[]; chain?: ChainRow; lifecycle: LifecycleEntry[]; access: AccessRow[];
  checkpoint?: { size: number; checkpoint: string }; viewEntry: number; exportAvailable: boolean;
}

function lifecycleLine(e: LifecycleEntry): Html {
  switch (e.type) {
    case 'retention': return html`<td>retention extended to ${iso(e.retainUntil)}</td><td>${e.by}</td><td>${e.reason}</td>`;
    case 'legal-hold': return html`<td>legal hold ${e.on ? 'set' : 'lifted'}</td><td>${e.by}</td><td>${e.reason}</td>`;
    case 'flagged-for-review': return html`<td class="flag">flagged for review</td><td>records system</td><td>${e.why}</td>`;
    case 'segment-ended': return html`<td>segment ${Buffer.from(e.sealedDigest).toString('hex').slice(0, 16)}… ended</td><td>records system</td><td>${e.rule}</td>`;
  }
}

export function recordingPage(session: Session, v: RecordingView): Html {
  const r = v.recording;
  const path = recordingPath(r.device_id, r.recording);
  const maxDay = day(r.first_stored_at + MAX_RETENTION_DAYS * DAY_MS);
  return html`<h1>Recording #${r.recording} · ${r.label}</h1>
<p class="mono">Opened as access log entry #${v.viewEntry}.</p>
${r.review ? html`<div class="notice"><strong>Flagged for review:</strong> ${r.review_why ?? ''}</div>` : ''}
<dl class="facts" id="facts">
  <dt>Camera</dt><dd>${r.label} <span class="mono">${r.device_id}</span></dd>
  <dt>Station</dt><dd>${r.station_name} <span class="mono">${r.station}</span></dd>
  <dt>Recorded (camera clock, UTC)</dt><dd>${iso(r.start_time)} – ${iso(r.end_time)}</dd>
  <dt>Legal ground</dt><dd>${ground(r.legal_ground)}</dd>
  <dt>Notice</dt><dd>${notice(r)}</dd>
  <dt>First stored</dt><dd>${iso(r.first_stored_at)}</dd>
  <dt>Retained until</dt><dd id="retain-until">${iso(r.retain_until)} (at most ${maxDay})</dd>
  <dt>Legal hold</dt><dd id="legal-hold">${r.legal_hold ? html`<span class="flag">on</span>` : 'off'}</dd>
</dl>
<h2>Chain verification</h2>
${v.chain ? html`<dl class="facts" id="chain">
  <dt>Camera chain</dt><dd class="ok">verified by the records system at ingest: every link recomputed, every checkpoint signed by the camera's key</dd>
  <dt>Records</dt><dd>${v.chain.records} (chain length ${v.chain.chain_length} bytes)</dd>
  <dt>Head link</dt><dd class="mono">${v.chain.head_link}</dd>
  <dt>Chain digest</dt><dd class="mono">${v.chain.chain_digest}</dd>
  <dt>Committed</dt><dd>${iso(v.chain.committed_at)}</dd></dl>` : html`<p class="flag">No chain has been committed for this camera yet.</p>`}
<h2>Segments and receipts</h2>
<table id="segments"><thead><tr><th>Segment</th><th>Chain record</th><th>Bytes</th><th>Sealed SHA-256</th><th>Receipt (log entry)</th><th>Stored</th><th>Ended</th></tr></thead><tbody>
${v.segments.map((s) => html`<tr><td>${s.segment_index}</td><td>#${s.record_sequence}</td><td>${s.sealed_length}</td><td class="mono">${s.sealed_digest}</td>
<td>segment-stored #${s.stored_entry}${v.checkpoint && s.stored_entry < v.checkpoint.size ? html` <span class="ok">in signed checkpoint ${v.checkpoint.size}</span>` : ''}</td>
<td>${iso(s.stored_at)}</td><td>${s.ended_at === null ? 'held' : html`${iso(s.ended_at)}: ${s.end_rule ?? ''}`}</td></tr>`)}
</tbody></table>
${v.checkpoint ? html`<details><summary>The records system's latest signed checkpoint (${v.checkpoint.size} entries)</summary><pre>${v.checkpoint.checkpoint}</pre></details>` : ''}
<h2>Retention and legal-hold history</h2>
<table id="lifecycle"><thead><tr><th>Log entry</th><th>When</th><th>What</th><th>By</th><th>Reason</th></tr></thead><tbody>
<tr><td>—</td><td>${iso(r.first_stored_at)}</td><td>stored: retained ${day(r.first_stored_at)} + 30 days by default</td><td>records system</td><td>default retention</td></tr>
${v.lifecycle.map((e) => html`<tr><td>#${e.index}</td><td>${iso(e.time)}</td>${lifecycleLine(e)}</tr>`)}
</tbody></table>
${actions(session, path, r, maxDay, v.exportAvailable)}
<h2>Access history</h2>
<table id="access"><thead><tr><th>Log entry</th><th>When</th><th>Who</th><th>Action</th><th>Reason</th></tr></thead><tbody>
${v.access.map((a) => html`<tr><td>#${a.log_entry}</td><td>${iso(a.at)}</td><td>${a.person}</td><td>${a.action}</td><td class="${a.reason.startsWith('REFUSED') ? 'refused' : ''}">${a.reason}</td></tr>`)}
</tbody></table>`;
}

function actions(session: Session, path: string, r: RecordingRow, maxDay: string, exportAvailable: boolean): Html {
  const forms: Html[] = [];
  if (may(session.role, 'retention')) {
    forms.push(html`<form id="retention-form" method="post" action="${path}/retention">${csrfField(session)}<strong>Extend retention</strong>
<label for="until">Retain until (UTC date, at most ${maxDay})</label><input id="until" name="until" type="date" required min="${day(r.retain_until + DAY_MS)}" max="${maxDay}">
<label for="by">Who asked (e.g. prosecutor and case)</label><input id="by" name="by" type="text" required maxlength="200">
${reasonField('retention-reason', 'Reason', true)}<button type="submit">Extend retention</button></form>`);
  }
  if (may(session.role, 'legal-hold')) {
    forms.push(html`<form id="hold-form" method="post" action="${path}/hold">${csrfField(session)}<strong>${r.legal_hold ? 'Lift the legal hold' : 'Set a legal hold'}</strong>
<input type="hidden" name="on" value="${r.legal_hold ? 'off' : 'on'}">${reasonField('hold-reason', 'Reason (case, order)', true)}<button type="submit">${r.legal_hold ? 'Lift hold' : 'Set hold'}</button></form>`);
  }
  if (may(session.role, 'export')) {
    forms.push(exportAvailable
      ? html`<form id="export-form" method="post" action="${path}/export">${csrfField(session)}<strong>Export for prosecution</strong>
<p>The decrypted AVI with its sidecar and chain proof, as <code>chaincam export</code> makes them.</p>${reasonField('export-reason', 'Reason (case number, requester)', true)}<button type="submit">Export</button></form>`
      : html`<div class="card"><strong>Export</strong><p>This records server was started without the agency key (--agency-key): export is not available here.</p></div>`);
  }
  return forms.length ? html`<h2>Actions (${ROLE_TITLES[session.role]})</h2><div class="actions">${forms}</div>` : html``;
}

export function auditPage(rows: AccessRow[], person: string | undefined, before: number | undefined, more: boolean, logEntry: number): Html {
  const q = (from?: number) => new URLSearchParams({ ...(person ? { person } : {}), ...(from === undefined ? {} : { before: String(from) }) }).toString();
  return html`<h1>Access log</h1>
<form class="filters" method="get" action="/audit"><div><label for="person">Person</label><input id="person" name="person" value="${person ?? ''}"></div><div><button type="submit">Filter</button></div></form>
<p class="mono">Reading this page is access log entry #${logEntry}.</p>
<table id="audit"><thead><tr><th>Log entry</th><th>When</th><th>Who</th><th>Action</th><th>Target</th><th>Reason</th></tr></thead><tbody>
${rows.map((a) => html`<tr><td>#${a.log_entry}</td><td>${iso(a.at)}</td><td>${a.person}</td><td>${a.action}</td><td class="mono">${a.target}</td><td class="${a.reason.startsWith('REFUSED') ? 'refused' : ''}">${a.reason}</td></tr>`)}
</tbody></table>
<div class="pager">${before !== undefined ? html`<a rel="first" href="/audit?${q()}">← newest</a>` : ''}${more ? html`<a rel="next" href="/audit?${q(rows.at(-1)!.log_entry)}">older →</a>` : ''}</div>`;
}

export function loginPage(loginToken: string, error?: string): Html {
  return html`<form class="login" method="post" action="/login"><h1>Sign in</h1>
${error ? html`<div class="error">${error}</div>` : ''}<input type="hidden" name="login" value="${loginToken}">
<label for="name">Name</label><input id="name" name="name" required autocomplete="username">
<label for="password">Password</label><input id="password" name="password" type="password" required autocomplete="current-password">
<button type="submit">Sign in</button></form>`;
}

export const messagePage = (title: string, text: string, back?: { href: string; label: string }) =>
  html`<h1>${title}</h1><div class="${title === 'Refused' || title === 'Not done' ? 'error' : 'notice'}" id="message">${text}</div>${back ? html`<p><a href="${back.href}">${back.label}</a></p>` : ''}`;

export function exportPage(entry: number, links: { href: string; name: string }[], back: { href: string; label: string }): Html {
  return html`<h1>Exported</h1><div class="notice" id="message">Export logged as access entry #${entry}. Download the files:</div>
<ul id="export-files">${links.map((l) => html`<li><a href="${l.href}">${l.name}</a></li>`)}</ul><p><a href="${back.href}">${back.label}</a></p>`;
}
