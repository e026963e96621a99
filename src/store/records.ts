/**
 * Writing synced records: batched upserts keyed on (integration, remote_id). `changed_at`
 * moves only when the content hash changes; every row seen by a sync is stamped with the
 * sync's id so that a finished full sync can mark the rest as deleted upstream.
 */
import type { Queryable } from './db.ts';
import type {
  normalizeApplication,
  normalizeCandidate,
  normalizeJob,
  normalizeRejectionReason,
  normalizeTag,
  normalizeUser,
} from '../sync/normalize.ts';
import type { ApplicationRef, CandidateRef, Outcome } from '../connectors/types.ts';

export type Model = 'jobs' | 'candidates' | 'applications' | 'users' | 'tags' | 'rejection_reasons';

type Extra = Record<string, unknown>;
/** The model's own filter columns (copies of fields in `data`) and their SQL types. */
interface ModelSpec {
  table: string;
  extra: [column: string, type: string][];
}

const SPECS: Record<Model, ModelSpec> = {
  jobs: {
    table: 'jobs',
    extra: [
      ['name', 'text'],
      ['status', 'text'],
      ['job_code', 'text'],
    ],
  },
  candidates: {
    table: 'candidates',
    extra: [
      ['emails', 'text[]'],
      ['first_name_lc', 'text'],
      ['last_name_lc', 'text'],
    ],
  },
  applications: {
    table: 'applications',
    extra: [
      ['candidate_id', 'text'],
      ['job_id', 'text'],
      ['current_stage_id', 'text'],
      ['outcome', 'text'],
    ],
  },
  users: { table: 'ats_users', extra: [['email_lc', 'text']] },
  tags: { table: 'tags', extra: [['name', 'text']] },
  rejection_reasons: { table: 'rejection_reasons', extra: [] },
};

type Normalized =
  | ReturnType<typeof normalizeJob>
  | ReturnType<typeof normalizeCandidate>
  | ReturnType<typeof normalizeApplication>
  | ReturnType<typeof normalizeUser>
  | ReturnType<typeof normalizeTag>
  | ReturnType<typeof normalizeRejectionReason>;

export interface UpsertStats {
  written: number;
  changed: number;
}

/**
 * One statement per batch, whatever its size: the rows travel as ONE jsonb parameter (a JSON
 * array built from each row's already-serialised `json`, see UpsertBatch) unpacked by
 * jsonb_to_recordset, so the statement text is constant and there are 4 bind parameters instead of ~13 per row (the
 * multi-row VALUES form cost PostgreSQL a parse and plan of thousands of parameters per
 * batch, and the client a serialisation of each). The changed rows are counted in SQL.
 * $1 integration, $2 sync id (null: a read-back outside a sync), $3 now, $4 the rows.
 */
const UPSERT_SQL = Object.fromEntries(
  (Object.keys(SPECS) as Model[]).map((model) => {
    const { table: t, extra } = SPECS[model];
    const names = extra.map(([c]) => c);
    // A model without filter columns (rejection reasons) adds nothing after the common ones.
    const cols = names.map((c) => `, ${c}`).join('');
    const updates = ['data', 'hash', 'remote_created_at', ...names].map((c) => `${c} = EXCLUDED.${c}`);
    const sql = `
    WITH written AS (
      INSERT INTO ${t} (id, integration_id, remote_id, data, hash, changed_at, remote_created_at, remote_deleted_at, last_seen_sync_id${cols})
      SELECT r.id, $1::text, r.remote_id, r.data, r.hash, $3::timestamptz, r.remote_created_at, NULL, $2::text${names.map((c) => `, r.${c}`).join('')}
        FROM jsonb_to_recordset($4::jsonb) AS r(id text, remote_id text, data jsonb, hash text, remote_created_at timestamptz${extra.map(([c, type]) => `, ${c} ${type}`).join('')})
      ON CONFLICT (integration_id, remote_id) DO UPDATE SET
        ${updates.join(', ')},
        changed_at = CASE WHEN ${t}.hash = EXCLUDED.hash AND ${t}.remote_deleted_at IS NULL THEN ${t}.changed_at ELSE EXCLUDED.changed_at END,
        remote_deleted_at = NULL,
        last_seen_sync_id = COALESCE(EXCLUDED.last_seen_sync_id, ${t}.last_seen_sync_id)
      RETURNING changed_at = $3::timestamptz AS changed
    )
    SELECT count(*) FILTER (WHERE changed)::int AS changed FROM written`;
    return [model, sql];
  }),
) as Record<Model, string>;

const str = (v: unknown) => JSON.stringify(v ?? null);
const OPEN = 0x5b; // [
const CLOSE = 0x5d; // ]

/**
 * The rows of one upsert statement, serialised as they are added into a byte buffer that is
 * reused from batch to batch. A sync writes one batch while it reads the next; whatever is
 * alive during that write outlives the young generation and is promoted, so the rows are not
 * kept as objects (nor as one large string per batch) but as bytes in a buffer that lives as
 * long as the sync: the process's memory then stays flat whatever the tenant's size.
 * Byte 0 is jsonb's binary format version (1), so on PostgreSQL the buffer IS the parameter.
 * Its bytes must not change until the statement that uses it has finished: `clear()` only
 * after the write resolved.
 */
export class UpsertBatch {
  private buf: Buffer;
  private len = 0;
  private readonly ids = new Set<string>();
  model: Model = 'jobs';

  constructor(initialBytes = 64 * 1024) {
    this.buf = Buffer.allocUnsafe(Math.max(initialBytes, 16));
    this.clear('jobs');
  }

  get rows(): number {
    return this.ids.size;
  }

  get bytes(): number {
    return this.len;
  }

  /** Starts a new, empty batch of `model` rows. */
  clear(model: Model): void {
    this.model = model;
    this.ids.clear();
    this.buf[0] = 1;
    this.buf[1] = OPEN;
    this.len = 2;
  }

  /** Whether a row with this remote id is already in the batch (ON CONFLICT cannot take it twice). */
  has(remoteId: string): boolean {
    return this.ids.has(remoteId);
  }

  add(r: Normalized): void {
    if (this.ids.has(r.remote_id)) throw new Error(`remote id ${r.remote_id} is already in this batch`);
    // Built around the row's `json` (the text its hash was computed from): data is not serialised twice.
    let row = `${this.ids.size ? ',' : ''}{"id":${str(r.id)},"remote_id":${str(r.remote_id)},"data":${r.json},"hash":${str(r.hash)},"remote_created_at":${str(r.remote_created_at)}`;
    for (const [c] of SPECS[this.model].extra) row += `,"${c}":${str((r as unknown as Extra)[c])}`;
    row += '}';
    this.reserve(Buffer.byteLength(row) + 1); // + the closing bracket
    this.len += this.buf.write(row, this.len);
    this.ids.add(r.remote_id);
  }

  private reserve(n: number): void {
    if (this.len + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.len + n) size *= 2;
    const grown = Buffer.allocUnsafe(size);
    this.buf.copy(grown, 0, 0, this.len);
    this.buf = grown;
  }

  /** The rows as the statement's parameter: jsonb binary (PostgreSQL) or JSON text (PGlite). */
  param(binary: boolean): Buffer | string {
    this.buf[this.len] = CLOSE; // room was reserved by add (and by the constructor for none)
    return binary ? this.buf.subarray(0, this.len + 1) : this.buf.toString('utf8', 1, this.len + 1);
  }
}

/** Writes a batch; its buffer must not be cleared or added to until this resolves. */
export async function writeBatch(db: Queryable, batch: UpsertBatch, integrationId: string, syncId: string | null): Promise<UpsertStats> {
  const written = batch.rows;
  if (!written) return { written: 0, changed: 0 };
  // node-postgres sends a Buffer as a binary parameter; PGlite gets the text.
  const binary = (db as { kind?: string }).kind === 'postgres';
  const now = new Date().toISOString();
  const res = await db.query<{ changed: number }>(UPSERT_SQL[batch.model], [integrationId, syncId, now, batch.param(binary)]);
  return { written, changed: Number(res.rows[0]?.changed ?? 0) };
}

export async function upsertRecords(
  db: Queryable,
  model: Model,
  integrationId: string,
  syncId: string | null,
  rows: Normalized[],
): Promise<UpsertStats> {
  if (!rows.length) return { written: 0, changed: 0 };
  // The same remote id twice in one batch would make ON CONFLICT fail; the last one wins.
  const unique = rows.length === 1 ? rows : [...new Map(rows.map((r) => [r.remote_id, r])).values()];
  const batch = new UpsertBatch(unique.reduce((n, r) => n + r.json.length + 256, 64));
  batch.clear(model);
  for (const r of unique) batch.add(r);
  return writeBatch(db, batch, integrationId, syncId);
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
     UNION ALL SELECT 'applications', count(*)::int FROM applications WHERE integration_id = $1 AND remote_deleted_at IS NULL
     UNION ALL SELECT 'users', count(*)::int FROM ats_users WHERE integration_id = $1 AND remote_deleted_at IS NULL
     UNION ALL SELECT 'tags', count(*)::int FROM tags WHERE integration_id = $1 AND remote_deleted_at IS NULL
     UNION ALL SELECT 'rejection_reasons', count(*)::int FROM rejection_reasons WHERE integration_id = $1 AND remote_deleted_at IS NULL`,
    [integrationId],
  );
  return Object.fromEntries(rows.map((r) => [r.m, r.n])) as Record<Model, number>;
}

// --- Resolving atsgate IDs for writes ---------------------------------------------------------

interface AppRow {
  remote_id: string;
  data: { candidate_remote_id: string; job_remote_id: string | null };
  outcome: Outcome | null;
}
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

export async function findApplicationRef(
  db: Queryable,
  integrationId: string,
  id: string,
): Promise<(ApplicationRef & { candidate_id: string }) | null> {
  const { rows } = await db.query<AppRow & { candidate_id: string }>(
    'SELECT remote_id, data, outcome, candidate_id FROM applications WHERE integration_id = $1 AND id = $2 AND remote_deleted_at IS NULL',
    [integrationId, id],
  );
  return rows[0] ? { ...toAppRef(rows[0]), candidate_id: rows[0].candidate_id } : null;
}

/**
 * The tags on the integration's live candidates, by name (the first spelling seen wins): the
 * tag list of an ATS that has none of its own (capabilities.tags.list 'candidates').
 */
export async function tagsOnCandidates(db: Queryable, integrationId: string): Promise<{ remote_id: string | null; name: string }[]> {
  const { rows } = await db.query<{ remote_id: string | null; name: string }>(
    `SELECT DISTINCT ON (COALESCE(t->>'remote_id', 'tag:' || (t->>'name'))) t->>'remote_id' AS remote_id, t->>'name' AS name
       FROM candidates c, jsonb_array_elements(c.data->'tags') AS t
      WHERE c.integration_id = $1 AND c.remote_deleted_at IS NULL AND t->>'name' IS NOT NULL
      ORDER BY COALESCE(t->>'remote_id', 'tag:' || (t->>'name')), c.seq`,
    [integrationId],
  );
  return rows;
}

// --- Resolving the targets of stage moves and rejections --------------------------------------

/** A stage of a synced job: which job, and the stage as the job lists it. */
export interface JobStageRow {
  job_id: string;
  job_remote_id: string;
  stage: { id: string; remote_id: string; name: string | null; index: number | null };
}

/** Every live job of the integration that lists the stage with this Kombo id. */
export async function findJobStages(db: Queryable, integrationId: string, stageId: string): Promise<JobStageRow[]> {
  const { rows } = await db.query<JobStageRow>(
    `SELECT j.id AS job_id, j.remote_id AS job_remote_id, s AS stage
       FROM jobs j, jsonb_array_elements(CASE WHEN jsonb_typeof(j.data->'stages') = 'array' THEN j.data->'stages' ELSE '[]'::jsonb END) s
      WHERE j.integration_id = $1 AND j.remote_deleted_at IS NULL AND s->>'id' = $2
      ORDER BY j.seq`,
    [integrationId, stageId],
  );
  return rows;
}

/** A live synced rejection reason of the integration. */
export async function findRejectionReason(
  db: Queryable,
  integrationId: string,
  id: string,
): Promise<{ remote_id: string; name: string | null; remote_data: Record<string, unknown> | null } | null> {
  const { rows } = await db.query<{ remote_id: string; data: { name: string | null; remote_data?: Record<string, unknown> | null } }>(
    'SELECT remote_id, data FROM rejection_reasons WHERE integration_id = $1 AND id = $2 AND remote_deleted_at IS NULL',
    [integrationId, id],
  );
  return rows[0] ? { remote_id: rows[0].remote_id, name: rows[0].data.name ?? null, remote_data: rows[0].data.remote_data ?? null } : null;
}

/** The stored record of one application (to reflect a move or a rejection at once). */
export async function getApplicationRecord(
  db: Queryable,
  integrationId: string,
  remoteId: string,
): Promise<{ id: string; remote_id: string; data: Record<string, any> } | null> {
  const { rows } = await db.query<{ id: string; remote_id: string; data: Record<string, any> }>(
    'SELECT id, remote_id, data FROM applications WHERE integration_id = $1 AND remote_id = $2 AND remote_deleted_at IS NULL',
    [integrationId, remoteId],
  );
  return rows[0] ?? null;
}
