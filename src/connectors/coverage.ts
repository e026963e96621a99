/**
 * What a connector covers, in Kombo's vocabulary (read models and write actions with a
 * coverage status), derived from its definition so that /tools and /integrations agree.
 */
import type { ConnectorDefinition } from './types.ts';

type Status = 'SUPPORTED' | 'UNSUPPORTED';
const s = (b: boolean): Status => (b ? 'SUPPORTED' : 'UNSUPPORTED');

export function coverage(def: ConnectorDefinition) {
  const c = def.capabilities;
  const read_models = [
    { id: 'ats_jobs', label: 'Jobs', coverage_status: s(c.reads.jobs) },
    { id: 'ats_candidates', label: 'Candidates', coverage_status: s(c.reads.candidates) },
    { id: 'ats_applications', label: 'Applications', coverage_status: s(c.reads.applications) },
    { id: 'ats_users', label: 'Users', coverage_status: s(c.users.read) },
    { id: 'ats_tags', label: 'Tags', coverage_status: s(c.tags.list !== 'none') },
    { id: 'ats_rejection_reasons', label: 'Rejection reasons', coverage_status: s(c.applicationStatus.rejectionReasons) },
  ];
  const write_actions = [
    {
      id: 'ats_add_candidate_result_link',
      label: 'Add result link to candidate',
      coverage_status: s(c.resultLinks.candidate !== 'unsupported'),
    },
    {
      id: 'ats_add_application_result_link',
      label: 'Add result link to application',
      coverage_status: s(c.resultLinks.application !== 'unsupported'),
    },
    { id: 'ats_add_candidate_attachment', label: 'Add attachment to candidate', coverage_status: s(c.attachments.candidate) },
    { id: 'ats_get_candidate_attachments', label: 'Get candidate attachments', coverage_status: s(c.reads.candidateAttachments) },
    // On the application, or on its candidate with a warning (Kombo's own fallback for files); an
    // ATS without notes or uploads for existing records says 'unsupported'. Listing follows what
    // the connector can read of a candidate's files.
    {
      id: 'ats_add_note_to_application',
      label: 'Add note to application',
      coverage_status: s(c.applicationWrites.notes !== 'unsupported'),
    },
    {
      id: 'ats_add_application_attachment',
      label: 'Add attachment to application',
      coverage_status: s(c.applicationWrites.attachments !== 'unsupported'),
    },
    { id: 'ats_get_application_attachments', label: 'Get application attachments', coverage_status: s(c.reads.candidateAttachments) },
    { id: 'ats_add_candidate_tag', label: 'Add tag to candidate', coverage_status: s(c.tags.candidate !== 'unsupported') },
    { id: 'ats_remove_candidate_tag', label: 'Remove tag from candidate', coverage_status: s(c.tags.candidate !== 'unsupported') },
    { id: 'ats_move_application_to_stage', label: 'Move application to stage', coverage_status: s(c.applicationStatus.stageMove) },
    { id: 'ats_reject_application', label: 'Reject application', coverage_status: s(c.applicationStatus.reject) },
  ];
  return { read_models, write_actions };
}

/** A small generated logo, so no asset is fetched from anywhere else. */
export function logoSvg(def: ConnectorDefinition, dark = false): string {
  const initials = def.label
    .replace(/[^A-Za-z ]/g, '')
    .split(/\s+/)
    .filter(Boolean)
    .map((w) => w[0])
    .join('')
    .slice(0, 2)
    .toUpperCase();
  let h = 0;
  for (const ch of def.id) h = (h * 31 + ch.charCodeAt(0)) % 360;
  const fill = dark ? '#111' : `hsl(${h} 55% 42%)`;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="64" height="64" viewBox="0 0 64 64" role="img" aria-label="${def.label}"><rect width="64" height="64" rx="14" fill="${fill}"/><text x="32" y="40" font-family="sans-serif" font-size="24" font-weight="700" fill="#fff" text-anchor="middle">${initials}</text></svg>`;
}
