/**
 * Writing synced records: batched upserts keyed on (integration, remote_id). `changed_at`
 * moves only when the content hash changes; every row seen by a sync is stamped with the
 * sync's id so that a finished full sync can mark the rest as deleted upstream.
 */
import type { Queryable } from './db.ts';
import type { normalizeApplication, normalizeCandidate, normalizeJob } from '../sync/normalize.ts';
import type { ApplicationRef, CandidateRef, Outcome } from '../connectors/types.ts';

export type Model = 'jobs' | 'candidates' | 'applications';

type Extra = Record<string, unknown>;
interface ModelSpec { table: Model; extra: string[]; casts: Record<string, string> }

const SPECS: Record<Model, ModelSpec> = {
  jobs: { table: 'jobs', extra: ['name', 'status', 'job_code'], casts: {} },
  candidates: { table: 'candidates', extra: ['emails', 'first_name_lc', 'last_name_lc'], casts: { emails: '::text[]' } },
  applications: { table: 'applications', extra: ['candidate_id', 'job_id', 'current_stage_id', 'outcome'], casts: {} },
};

type Normalized = ReturnType<typeof normalizeJob> | ReturnType<typeof normalizeCandidate> | ReturnType<typeof normalizeApplication>;

export interface UpsertStats { written: number; changed: number }

export async function upsertRecords(db: Queryable, model: Model, integrationId: string, syncId: string | null, rows: Normalized[]): Promise<UpsertStats> {
  if (!rows.length) return { written: 0, changed: 0 };
  // The same remote id twice in one batch would make ON CONFLICT fail; the last one wins.
  const unique = [...new Map(rows.map((r) => [r.remote_id, r])).values()];
  const spec = SPECS[model];
  const cols = ['id', 'integration_id', 'remote_id', 'data', 'hash', 'changed_at', 'remote_created_at', 'remote_deleted_at', 'last_seen_sync_id', ...spec.extra];
  const params: unknown[] = [];
  const now = new Date().toISOString();
  const tuples = unique.map((r) => {
    const values: unknown[] = [r.id, integrationId, r.remote_id, JSON.stringify(r.data), r.hash, now, r.remote_created_at, null, syncId, ...spec.extra.map((k) => (r as unknown as Extra)[k] ?? null)];
    const base = params.length;
    params.push(...values);
    return '(' + values.map((_, i) => `$${base + i + 1}${castFor(cols[i], spec)}`).join(', ') + ')';
  });
  const t = spec.table;
  const updates = ['data', 'hash', 'remote_created_at', ...spec.extra].map((c) => `${c} = EXCLUDED.${c}`);
  const sql = `
    INSERT INTO ${t} (${cols.join(', ')}) VALUES ${tuples.join(', ')}
    ON CONFLICT (integration_id, remote_id) DO UPDATE SET
      ${updates.join(', ')},
      changed_at = CASE WHEN ${t}.hash = EXCLUDED.hash AND ${t}.remote_deleted_at IS NULL THEN ${t}.changed_at ELSE EXCLUDED.changed_at END,
      remote_deleted_at = NULL,
      last_seen_sync_id = COALESCE(EXCLUDED.last_seen_sync_id, ${t}.last_seen_sync_id)
    RETURNING (changed_at = $${params.length + 1}::timestamptz) AS changed`;
  params.push(now);
  const res = await db.query<{ changed: boolean }>(sql, params);
  return { written: unique.length, changed: res.rows.filter((r) => r.changed).length };
}

function castFor(col: string, spec: ModelSpec): string {
  if (col === 'data') return '::jsonb';
  if (col === 'changed_at' || col === 'remote_created_at' || col === 'remote_deleted_at') return '::timestamptz';
  return spec.casts[col] ?? '';
}

/** After a complete full sync: whatever the sync did not see is gone upstream. */
export async function markUnseenDeleted(db: Queryable, model: Model, integrationId: string, syncId: string): Promise<number> {
  const res = await db.query(
    `UPDATE ${SPECS[model].table} SET remote_deleted_at = now(), changed_at = now()
     WHERE integration_id = $1 AND remote_deleted_at IS NULL AND last_seen_sync_id IS DISTINCT FROM $2`,
    [integrationId, syncId],
  );
  return res.rowCount;
}

export async function countRecords(db: Queryable, integrationId: string): Promise<Record<Model, number>> {
  const { rows } = await db.query<{ m: Model; n: number }>(
    `SELECT 'jobs' AS m, count(*)::int AS n FROM jobs WHERE integration_id = $1 AND remote_deleted_at IS NULL
     UNION ALL SELECT 'candidates', count(*)::int FROM candidates WHERE integration_id = $1 AND remote_deleted_at IS NULL
     UNION ALL SELECT 'applications', count(*)::int FROM applications WHERE integration_id = $1 AND remote_deleted_at IS NULL`,
    [integrationId],
  );
  return Object.fromEntries(rows.map((r) => [r.m, r.n])) as Record<Model, number>;
}

// --- Resolving atsgate IDs for writes ---------------------------------------------------------

interface AppRow { remote_id: string; data: { candidate_remote_id: string; job_remote_id: string | null }; outcome: Outcome | null }
const toAppRef = (r: AppRow): ApplicationRef => ({
  remote_id: r.remote_id,
  candidate_remote_id: r.data.candidate_remote_id,
  job_remote_id: r.data.job_remote_id,
  outcome: r.outcome,
});

/** A live (not deleted upstream) candidate with its applications, newest first. */
export async function findCandidateRef(db: Queryable, integrationId: string, id: string): Promise<(CandidateRef & { id: string }) | null> {
  const { rows } = await db.query<{ id: string; remote_id: string }>(
    'SELECT id, remote_id FROM candidates WHERE integration_id = $1 AND id = $2 AND remote_deleted_at IS NULL',
    [integrationId, id],
  );
  if (!rows[0]) return null;
  const apps = await db.query<AppRow>(
    `SELECT remote_id, data, outcome FROM applications WHERE integration_id = $1 AND candidate_id = $2 AND remote_deleted_at IS NULL
     ORDER BY remote_created_at DESC NULLS LAST, seq DESC`,
    [integrationId, id],
  );
  return { id: rows[0].id, remote_id: rows[0].remote_id, applications: apps.rows.map(toAppRef) };
}

export async function findApplicationRef(db: Queryable, integrationId: string, id: string): Promise<(ApplicationRef & { candidate_id: string }) | null> {
  const { rows } = await db.query<AppRow & { candidate_id: string }>(
    'SELECT remote_id, data, outcome, candidate_id FROM applications WHERE integration_id = $1 AND id = $2 AND remote_deleted_at IS NULL',
    [integrationId, id],
  );
  return rows[0] ? { ...toAppRef(rows[0]), candidate_id: rows[0].candidate_id } : null;
}
