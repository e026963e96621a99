/**
 * Every outbound call a connector makes must have a row in its README's provenance table
 * (`## Provenance` in src/connectors/<tool>/README.md): method, path, purpose, source,
 * confidence. A fake created with `provenance: '<tool>'` checks each request it receives
 * against that table; a call without a row is answered 501 and remembered, and the fake's
 * stop() throws, so the test file that caused it fails.
 *
 * Table format (columns matched by header name, in any order; extra columns allowed):
 *
 *   | Method | Path | Purpose | Source | Confidence |
 *   |---|---|---|---|---|
 *   | GET | /v3/candidates | sync candidates | [GH-V3T] inventory 0008 | vendor |
 *
 * Path: the path on the vendor's host, `{name}` for one path segment (`/v1/opportunities/{id}/notes`),
 * a trailing `/**` for any rest of the path (presigned storage hosts). Query strings are not part
 * of the match. Several methods may share a row: `GET, POST`.
 * Confidence: `vendor`, `third-party` or `unconfirmed-handled`.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const CONFIDENCE = ['vendor', 'third-party', 'unconfirmed-handled'] as const;

export interface ProvenanceRow {
  methods: string[];
  path: string;
  purpose: string;
  source: string;
  confidence: string;
  pattern: RegExp;
}

const cache = new Map<string, ProvenanceRow[]>();

export function readmePath(tool: string): string {
  return fileURLToPath(new URL(`../../src/connectors/${tool}/README.md`, import.meta.url));
}

/** Parses the first table under a `## Provenance` heading; throws when there is none or it is malformed. */
export function parseProvenance(markdown: string, label = 'README'): ProvenanceRow[] {
  const lines = markdown.split('\n');
  const start = lines.findIndex((l) => /^#{2,4}\s+Provenance\b/i.test(l));
  if (start < 0) throw new Error(`${label}: no "## Provenance" section`);
  let i = start + 1;
  while (i < lines.length && !lines[i].trim().startsWith('|')) {
    if (/^#{1,4}\s/.test(lines[i])) throw new Error(`${label}: the Provenance section has no table`);
    i++;
  }
  const cells = (l: string) =>
    l
      .trim()
      .replace(/^\|/, '')
      .replace(/\|$/, '')
      .split('|')
      .map((c) => c.trim());
  const header = cells(lines[i] ?? '').map((h) => h.toLowerCase());
  const col = (name: string) => {
    const k = header.findIndex((h) => h.startsWith(name));
    if (k < 0) throw new Error(`${label}: the provenance table has no "${name}" column`);
    return k;
  };
  const [m, p, pu, s, c] = [col('method'), col('path'), col('purpose'), col('source'), col('confidence')];
  const rows: ProvenanceRow[] = [];
  for (i += 2; i < lines.length && lines[i].trim().startsWith('|'); i++) {
    const r = cells(lines[i]);
    const path = r[p].replace(/`/g, '').trim();
    const confidence = r[c].replace(/[`*]/g, '').trim().toLowerCase();
    if (!(CONFIDENCE as readonly string[]).includes(confidence)) {
      throw new Error(`${label}: row "${r[m]} ${path}" has confidence "${r[c]}"; use one of ${CONFIDENCE.join(', ')}`);
    }
    if (!r[s]) throw new Error(`${label}: row "${r[m]} ${path}" names no source`);
    rows.push({
      methods: r[m]
        .replace(/`/g, '')
        .split(/[,/ ]+/)
        .filter(Boolean)
        .map((x) => x.toUpperCase()),
      path,
      purpose: r[pu],
      source: r[s],
      confidence,
      pattern: pathPattern(path),
    });
  }
  if (!rows.length) throw new Error(`${label}: the provenance table is empty`);
  return rows;
}

function pathPattern(path: string): RegExp {
  const rest = path.endsWith('/**');
  const body = (rest ? path.slice(0, -3) : path)
    .split(/(\{[^}]+\})/)
    .map((part) => (/^\{[^}]+\}$/.test(part) ? '[^/]+' : part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('');
  return new RegExp(`^${body}${rest ? '(?:/.*)?' : '/?'}$`);
}

export function provenanceOf(tool: string): ProvenanceRow[] {
  let rows = cache.get(tool);
  if (!rows) {
    rows = parseProvenance(readFileSync(readmePath(tool), 'utf8'), `src/connectors/${tool}/README.md`);
    cache.set(tool, rows);
  }
  return rows;
}

/** The row that documents this call, or undefined. */
export function documentingRow(rows: ProvenanceRow[], method: string, path: string): ProvenanceRow | undefined {
  const p = path.split('?')[0];
  return rows.find((r) => r.methods.includes(method.toUpperCase()) && r.pattern.test(p));
}
