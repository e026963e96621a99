/**
 * What the dashboard reads, always scoped to one account: integration summaries, and the
 * cursors of the interaction log's pages (the queries are in src/store/log-pages.ts).
 */
import type { Queryable } from '../store/db.ts';
import { listIntegrations, type Integration } from '../store/integrations.ts';
import { countRecords, type Model } from '../store/records.ts';
import { failedWritesByIntegration, type LogCursor } from '../store/log-pages.ts';

export function encodeCursor(c: LogCursor): string {
  return Buffer.from(JSON.stringify([c.at, c.id])).toString('base64url');
}

export function decodeCursor(raw: string): LogCursor | null {
  try {
    const v = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'));
    if (!Array.isArray(v) || typeof v[0] !== 'string' || typeof v[1] !== 'string') return null;
    if (v[1].length > 100 || !isTimestampText(v[0])) return null;
    return { at: v[0], id: v[1] };
  } catch {
    return null;
  }
}

/** PostgreSQL's text form of a timestamptz, checked so a doctored cursor cannot reach the database as an invalid date. */
function isTimestampText(s: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})(\.\d{1,6})?([+-]\d{2}(?::\d{2})?)$/.exec(s);
  if (!m) return false;
  const [y, mo, d, h, mi, se] = m.slice(1, 7).map(Number);
  const t = new Date(Date.UTC(y, mo - 1, d, h, mi, se));
  return (
    t.getUTCFullYear() === y &&
    t.getUTCMonth() === mo - 1 &&
    t.getUTCDate() === d &&
    t.getUTCHours() === h &&
    t.getUTCMinutes() === mi &&
    t.getUTCSeconds() === se
  );
}

export interface IntegrationSummary extends Integration {
  records: Record<Model, number>;
  failedWrites24h: number;
}

/** The account's integrations with their record counts and failures of the last 24 hours. */
export async function integrationSummaries(db: Queryable, accountId: string): Promise<IntegrationSummary[]> {
  const integrations = await listIntegrations(db, accountId);
  const failed = await failedWritesByIntegration(db, accountId);
  const out: IntegrationSummary[] = [];
  for (const i of integrations) out.push({ ...i, records: await countRecords(db, i.id), failedWrites24h: failed.get(i.id) ?? 0 });
  return out;
}
