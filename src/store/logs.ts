/**
 * Interaction logs: one row per write (and other ATS-touching actions), opened before the ATS
 * is called and completed after. A process that dies in between leaves a PENDING row, which
 * readers show as "outcome unknown" rather than losing the attempt.
 */
import type { Queryable } from './db.ts';
import type { CallRecorder, OutboundCall } from '../http/client.ts';
import { randomId } from '../ids.ts';
import { redact } from '../logs/redact.ts';

export interface LogEntry {
  id: string;
  account_id: string;
  integration_id: string | null;
  method: string;
  path: string;
  action: string | null;
  request: unknown;
  calls: OutboundCall[];
  outcome: 'PENDING' | 'SUCCESS' | 'ERROR';
  status_code: number | null;
  error: { code: string; message: string } | null;
  warnings: { message: string }[];
  created_at: Date;
  completed_at: Date | null;
  duration_ms: number | null;
}

export async function openLog(
  db: Queryable,
  e: { accountId: string; integrationId: string | null; method: string; path: string; action: string; request: unknown },
): Promise<string> {
  const id = randomId();
  await db.query(
    'INSERT INTO interaction_logs (id, account_id, integration_id, method, path, action, request) VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb)',
    [id, e.accountId, e.integrationId, e.method, e.path, e.action, JSON.stringify(redact(e.request))],
  );
  return id;
}

export async function completeLog(
  db: Queryable,
  id: string,
  r: { statusCode: number; calls: OutboundCall[]; warnings: string[]; error?: { code: string; message: string } | null },
): Promise<void> {
  await db.query(
    `UPDATE interaction_logs SET outcome = $2, status_code = $3, calls = $4::jsonb, warnings = $5::jsonb, error = $6::jsonb,
       completed_at = now(), duration_ms = (EXTRACT(EPOCH FROM (now() - created_at)) * 1000)::int
     WHERE id = $1`,
    [
      id,
      r.error ? 'ERROR' : 'SUCCESS',
      r.statusCode,
      JSON.stringify(r.calls),
      JSON.stringify(r.warnings.map((message) => ({ message }))),
      r.error ? JSON.stringify(r.error) : null,
    ],
  );
}

export async function getLog(db: Queryable, accountId: string, id: string): Promise<LogEntry | null> {
  const { rows } = await db.query<LogEntry>('SELECT * FROM interaction_logs WHERE id = $1 AND account_id = $2', [id, accountId]);
  return rows[0] ?? null;
}

export async function listLogs(
  db: Queryable,
  accountId: string,
  f: { integrationId?: string; outcome?: string; limit: number; before?: string },
): Promise<LogEntry[]> {
  const params: unknown[] = [accountId];
  const where = ['account_id = $1'];
  if (f.integrationId) where.push(`integration_id = $${params.push(f.integrationId)}`);
  if (f.outcome) where.push(`outcome = $${params.push(f.outcome)}`);
  if (f.before) where.push(`created_at < $${params.push(f.before)}::timestamptz`);
  const { rows } = await db.query<LogEntry>(
    `SELECT * FROM interaction_logs WHERE ${where.join(' AND ')} ORDER BY created_at DESC LIMIT ${Math.min(f.limit, 500)}`,
    params,
  );
  return rows;
}

/** Collects the outbound calls of one interaction in memory until the log is completed. */
export class CallJournal implements CallRecorder {
  readonly calls: OutboundCall[] = [];
  record(call: OutboundCall): void {
    if (this.calls.length < 200) this.calls.push(call);
  }
}
