/**
 * The README's connector table, generated from the connector definitions so that the docs
 * cannot drift from what the code does (test/docs/readme.test.ts checks it is current;
 * `npm run docs:connectors` rewrites it).
 */
import { connectors } from '../connectors/registry.ts';

const MODE: Record<string, string> = { native: 'native', custom_fields: 'custom fields', note: 'note', unsupported: '—' };

export function connectorsTable(): string {
  const rows = [...connectors.values()].map(({ definition: d }) => {
    const c = d.capabilities;
    const types = Object.entries(c.attachments.types)
      .map(([k, v]) => `${k}→\`${v}\``)
      .join(', ');
    const upload = c.attachments.candidate
      ? `${c.attachments.upload.split(' ')[0]}, ≤ ${+(c.attachments.maxBytes / 1_048_576).toFixed(1)} MiB; ${types}`
      : '—';
    return `| ${d.label} | ${MODE[c.resultLinks.candidate]} / ${MODE[c.resultLinks.application]} | ${MODE[c.resultLinks.attributes]} | ${c.resultLinks.summary.replace(/\|/g, '\\|').replace(/\s+/g, ' ')} | ${upload} | ${MODE[c.applicationWrites.notes] ?? c.applicationWrites.notes} / ${MODE[c.applicationWrites.attachments] ?? c.applicationWrites.attachments} | ${cell(c.tags.summary)} | ${cell(c.applicationStatus.summary)} | ${c.deltaSync ? 'yes' : 'no'} |`;
  });
  return [
    '| ATS | Result link: candidate / application | `details.attributes` | What a result link becomes | Attachments | Application note / file lands on | Tags | Stage move / rejection | Delta sync |',
    '|---|---|---|---|---|---|---|---|---|',
    ...rows,
  ].join('\n');
}

/** One table cell of prose: pipes escaped, on one line. */
const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\s+/g, ' ');

export const START = '<!-- connectors-table -->';
export const END = '<!-- /connectors-table -->';

export function withTable(readme: string): string {
  const a = readme.indexOf(START);
  const b = readme.indexOf(END);
  if (a < 0 || b < a) throw new Error('README has no connectors-table markers');
  return readme.slice(0, a + START.length) + '\n' + connectorsTable() + '\n' + readme.slice(b);
}

/** GET /v1/ats/users per connector: what the sync reads, or why it reads none. */
export function usersTable(): string {
  const rows = [...connectors.values()].map(({ definition: d }) => {
    const u = d.capabilities.users;
    return `| ${d.label} | ${u.read ? 'yes' : 'no'} | ${u.summary.replace(/\|/g, '\\|').replace(/\s+/g, ' ')} |`;
  });
  return ['| ATS | Users read | What GET /v1/ats/users holds |', '|---|---|---|', ...rows].join('\n');
}

export const USERS_START = '<!-- users-table -->';
export const USERS_END = '<!-- /users-table -->';

export function withUsersTable(readme: string): string {
  const a = readme.indexOf(USERS_START);
  const b = readme.indexOf(USERS_END);
  if (a < 0 || b < a) throw new Error('README has no users-table markers');
  return readme.slice(0, a + USERS_START.length) + '\n' + usersTable() + '\n' + readme.slice(b);
}
