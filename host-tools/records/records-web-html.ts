// The web page's HTML, rendered on the server: every value goes through `html` tagged templates,
// which escape whatever is interpolated unless it is itself rendered markup, so a camera label or
// a reason typed by a person can never become markup in someone else's browser.
import { ROLE_TITLES } from './records-roles.js';
import type { Session } from './records-people.js';

const RENDERED = Symbol('rendered html');
export interface Html { [RENDERED]: true; text: string }

const rendered = (text: string): Html => ({ [RENDERED]: true, text });
const isHtml = (value: unknown): value is Html => typeof value === 'object' && value !== null && RENDERED in value;

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"'`=]/g, (c) => `&#${c.charCodeAt(0)};`);
}

type Part = Html | string | number | boolean | null | undefined | readonly Part[];

function renderPart(part: Part): string {
  if (part === null || part === undefined || part === false) return '';
  if (Array.isArray(part)) return part.map(renderPart).join('');
  if (isHtml(part)) return part.text;
  return escapeHtml(String(part));
}

export function html(strings: TemplateStringsArray, ...parts: Part[]): Html {
  let text = strings[0]!;
  parts.forEach((part, i) => { text += renderPart(part) + strings[i + 1]!; });
  return rendered(text);
}

export const iso = (ms: number | null | undefined): string => (ms === null || ms === undefined ? '—' : new Date(ms).toISOString().replace('.000Z', 'Z'));
export const day = (ms: number): string => new Date(ms).toISOString().slice(0, 10);

/** The hidden CSRF field every form carries (checked against the session on POST). */
export const csrfField = (session: Session) => html`<input type="hidden" name="csrf" value="${session.csrf}">`;

export function page(title: string, session: Session | undefined, body: Html, nav: { audit: boolean } = { audit: false }): string {
  return `<!doctype html>${html`<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} · chaincam records</title><link rel="stylesheet" href="/static/records.css"></head>
<body><header><a class="brand" href="/recordings">chaincam records</a>
${session ? html`<nav><a href="/recordings">Recordings</a>${nav.audit ? html`<a href="/audit">Access log</a>` : ''}</nav>
<form class="who" method="post" action="/logout">${csrfField(session)}<span>${session.name} · ${ROLE_TITLES[session.role]}</span><button type="submit">Log out</button></form>` : ''}
</header><main>${body}</main>
<footer>Every search, view, export and retention change is written to the records system's signed log before it is shown or done.</footer></body></html>`.text}`;
}

/** A reason field: required where the permission table says an action needs one. */
export const reasonField = (id: string, label: string, required: boolean) =>
  html`<label for="${id}">${label}</label><input id="${id}" name="reason" type="text" maxlength="500" ${required ? html`required` : ''} autocomplete="off">`;
