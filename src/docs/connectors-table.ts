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
    return `| ${d.label} | ${MODE[c.resultLinks.candidate]} / ${MODE[c.resultLinks.application]} | ${MODE[c.resultLinks.attributes]} | ${c.resultLinks.summary.replace(/\|/g, '\\|').replace(/\s+/g, ' ')} | ${upload} | ${MODE[c.applicationWrites.notes] ?? c.applicationWrites.notes} / ${MODE[c.applicationWrites.attachments] ?? c.applicationWrites.attachments} | ${c.applicationStatus.summary.replace(/\|/g, '\\|').replace(/\s+/g, ' ')} | ${c.deltaSync ? 'yes' : 'no'} |`;
  });
  return [
    '| ATS | Result link: candidate / application | `details.attributes` | What a result link becomes | Attachments | Application note / file lands on | Stage move / rejection | Delta sync |',
    '|---|---|---|---|---|---|---|---|',
    ...rows,
  ].join('\n');
}

export const START = '<!-- connectors-table -->';
export const END = '<!-- /connectors-table -->';

export function withTable(readme: string): string {
  const a = readme.indexOf(START);
  const b = readme.indexOf(END);
  if (a < 0 || b < a) throw new Error('README has no connectors-table markers');
  return readme.slice(0, a + START.length) + '\n' + connectorsTable() + '\n' + readme.slice(b);
}
