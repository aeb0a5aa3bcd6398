// The web page's rules that need no server: the one permission table (every role, every action),
// HTML escaping of whatever a person or a camera label can put on a page, and the listing filters
// (a bad filter is refused with what is wrong, and a good one has one canonical access target).
import assert from 'node:assert/strict';
import { ROLES } from '../../host-tools/records/records-log-entries.js';
import { loggedAs, may, PERMISSIONS, REASON_REQUIRED, WEB_ACTIONS } from '../../host-tools/records/records-roles.js';
import { escapeHtml, html } from '../../host-tools/records/records-web-html.js';
import { filterQuery, parseFilters } from '../../host-tools/records/records-web-queries.js';

describe('records web page rules', () => {
  it('the permission table: exactly who may do what', () => {
    const table = Object.fromEntries(ROLES.map((role) => [role, WEB_ACTIONS.filter((action) => may(role, action))]));
    assert.deepEqual(table, {
      'records-manager': ['search', 'view', 'retention', 'legal-hold'],
      investigator: ['search', 'view', 'export'],
      auditor: ['search', 'view', 'audit'],
    });
    for (const roles of Object.values(PERMISSIONS)) for (const role of roles) assert.ok(ROLES.includes(role));
    assert.deepEqual([...REASON_REQUIRED].sort(), ['export', 'legal-hold', 'retention', 'view']);
    assert.equal(loggedAs('audit'), 'search', 'reading the access log is logged as a search of it');
  });

  it('escapes every interpolated value, and only rendered markup passes through', () => {
    assert.equal(escapeHtml(`<script>"x"&'y'\`=`), '&#60;script&#62;&#34;x&#34;&#38;&#39;y&#39;&#96;&#61;');
    const label = '"><img src=x onerror=alert(1)>';
    const out = html`<td title="${label}">${label}${html`<b>${label}</b>`}${[label, 1]}</td>`.text;
    assert.doesNotMatch(out, /<img/);
    assert.match(out, /^<td title="&#34;&#62;&#60;img src&#61;x onerror&#61;alert\(1\)&#62;">/);
    assert.match(out, /<b>&#34;&#62;&#60;img/);
  });

  it('reads the listing filters and refuses bad ones saying which', () => {
    const device = '00112233445566778899aabbccddeeff';
    const f = parseFilters(new URLSearchParams(`review=yes&camera=BWC&station=&from=2026-11-01&to=2026-11-30&ground=2&notice=not-given&after=1764000000000.${device}.7`));
    assert.deepEqual(f, {
      camera: 'BWC', station: undefined, from: '2026-11-01', to: '2026-11-30', ground: 2, notice: 'not-given', review: 'yes',
      after: { startTime: 1764000000000, deviceId: device, recording: 7 },
    });
    assert.equal(filterQuery(f), `camera=BWC&from=2026-11-01&to=2026-11-30&ground=2&notice=not-given&review=yes&after=1764000000000.${device}.7`);
    assert.equal(filterQuery(f, null), 'camera=BWC&from=2026-11-01&to=2026-11-30&ground=2&notice=not-given&review=yes');
    assert.throws(() => parseFilters(new URLSearchParams('from=11/01/2026')), /the from date "11\/01\/2026" is not a date as YYYY-MM-DD/);
    assert.throws(() => parseFilters(new URLSearchParams('ground=12')), /not a legal ground code 0-9/);
    assert.throws(() => parseFilters(new URLSearchParams('notice=maybe')), /"given" or "not-given"/);
    assert.throws(() => parseFilters(new URLSearchParams('after=3')), /after "3" is not a listing position/);
    assert.throws(() => parseFilters(new URLSearchParams(`camera=${'x'.repeat(101)}`)), /longer than 100 characters/);
  });
});
