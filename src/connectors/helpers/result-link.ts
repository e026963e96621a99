/**
 * Shared rendering of a result link for ATSs without a native feature, so that every
 * connector's note, custom field names and warnings read the same.
 */
import type { ApplicationRef, CandidateRef, ResultLinkInput } from '../types.ts';

/** Kombo's rule: prefix "Acme:" and key "Score" make the custom field "Acme: Score". */
export function customFieldName(prefix: string, key: string): string {
  const p = prefix.trim();
  return p ? `${p} ${key}` : key;
}

/** Attributes as `{ "<prefix> <key>": value }`. */
export function attributeFields(link: ResultLinkInput): Record<string, string> {
  const out: Record<string, string> = {};
  for (const a of link.details?.attributes ?? []) out[customFieldName(link.details!.custom_field_name_prefix, a.key)] = a.value;
  return out;
}

/** Plain-text note: label, URL, then one line per attribute. */
export function resultNoteText(link: ResultLinkInput): string {
  const lines = [`${link.label}: ${link.url}`];
  for (const [name, value] of Object.entries(attributeFields(link))) lines.push(`${name}: ${value}`);
  return lines.join('\n');
}

const escapeHtml = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');

/** HTML note for ATSs whose notes render HTML (the URL as a link, values escaped). */
export function resultNoteHtml(link: ResultLinkInput): string {
  const items = Object.entries(attributeFields(link)).map(([n, v]) => `<li>${escapeHtml(n)}: ${escapeHtml(v)}</li>`);
  return `<p><a href="${escapeHtml(link.url)}">${escapeHtml(link.label)}</a></p>` + (items.length ? `<ul>${items.join('')}</ul>` : '');
}

/** Applications a candidate-level write fans out to: the open ones, else the newest. */
export function currentApplications(candidate: CandidateRef): ApplicationRef[] {
  const open = candidate.applications.filter((a) => a.outcome === null || a.outcome === 'PENDING');
  return open.length ? open : candidate.applications.slice(0, 1);
}

/** Warning texts, so that the same fallback is described the same way everywhere. */
export const warn = {
  note: (tool: string, where: string) =>
    `${tool} has no result-link feature reachable with an API key; the result link was added as a note on the ${where}.`,
  customFields: (tool: string, names: string[]) => `${tool} stores the result in custom fields: ${names.map((n) => `"${n}"`).join(', ')}.`,
  attributesAsNote: (tool: string) =>
    `${tool} has no writable custom fields for details.attributes; the attributes were written into a note instead.`,
  fannedOut: (tool: string, n: number) =>
    `${tool} keeps results on applications; the candidate-level result link was added to ${n} current application${n === 1 ? '' : 's'}.`,
  onCandidate: (tool: string) => `${tool} keeps this on the candidate, not the application; it was added to the application's candidate.`,
  ignoredRemoteField: (tool: string, field: string) => `remote_fields.${field} does not apply to ${tool} and was ignored.`,
};
