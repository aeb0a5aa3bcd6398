// Who may do what on the records system (docs/RECORDS.md, "People, roles and access"). This
// table is the ONE place that decides it: the web page asks it to hide what a role may not do,
// and the server asks it again before doing anything, so a hidden button and a refused request
// can never disagree.
import type { AccessAction, Role } from './records-log-entries.js';

/** What a person can ask the records system for; each is logged as one access action. */
export const WEB_ACTIONS = ['search', 'view', 'export', 'retention', 'legal-hold', 'audit'] as const;
export type WebAction = typeof WEB_ACTIONS[number];

export const PERMISSIONS: Readonly<Record<WebAction, readonly Role[]>> = Object.freeze({
  // List and filter recordings: everyone who works with them.
  search: ['records-manager', 'investigator', 'auditor'],
  // Open one recording's page (chain, receipts, retention, access history), with a reason.
  view: ['records-manager', 'investigator', 'auditor'],
  // Take footage out (decrypted AVI, sidecar, proof): only an investigator, for a case.
  export: ['investigator'],
  // Extend retention, set or lift a legal hold: the records manager, who answers for retention.
  retention: ['records-manager'],
  'legal-hold': ['records-manager'],
  // Read the access log itself: the auditor, who checks everyone else (including managers).
  audit: ['auditor'],
});

/** Actions that must come with a reason (issue 17: a court asks why, not only who). */
export const REASON_REQUIRED: ReadonlySet<WebAction> = new Set(['view', 'export', 'retention', 'legal-hold']);

export function may(role: Role, action: WebAction): boolean {
  return PERMISSIONS[action].includes(role);
}

/** The access action an attempt is logged as (reading the access log is a search of it). */
export const loggedAs = (action: WebAction): AccessAction => (action === 'audit' ? 'search' : action);

export const ROLE_TITLES: Readonly<Record<Role, string>> = Object.freeze({
  'records-manager': 'records manager', investigator: 'investigator', auditor: 'auditor',
});
