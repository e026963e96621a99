/**
 * The read side of the API: Kombo-shaped pages of jobs, candidates and applications, served
 * from the synced tables (never from the ATS), with Kombo's filters and keyset cursors.
 * Relations are composed here, one query per relation per page.
 */
import type { Queryable } from './db.ts';
import { inputInvalid } from '../errors.ts';

export interface ListQuery {
  cursor?: string;
  page_size: number;
  updated_after?: string;
  include_deleted: boolean;
  ids?: string[];
  remote_ids?: string[];
  // candidates
  email?: string;
  job_ids?: string[];
  first_name?: string;
  last_name?: string;
  // applications
  outcomes?: string[];
  job_remote_ids?: string[];
  current_stage_ids?: string[];
  remote_created_after?: string;
  // jobs
  statuses?: string[];
  job_codes?: string[];
  name_contains?: string;
  employment_types?: string[];
  visibilities?: string[];
  post_url?: string;
  // users
  emails?: string[];
}

export interface Page<T> {
  next: string | null;
  results: T[];
}

/** Cursors are opaque to clients: base64url JSON of the last row's sequence number. */
export function encodeCursor(seq: number): string {
  return Buffer.from(JSON.stringify({ v: 1, s: seq })).toString('base64url');
}

export function decodeCursor(cursor: string): number {
  try {
    const c = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (c?.v === 1 && Number.isSafeInteger(c.s) && c.s >= 0) return c.s;
  } catch {
    /* fall through */
  }
  throw inputInvalid('The "cursor" query parameter is not a cursor this API returned.');
}

class Where {
  readonly clauses: string[] = [];
  readonly params: unknown[] = [];
  add(sql: (p: (v: unknown) => string) => string): void {
    this.clauses.push(sql((v) => (this.params.push(v), `$${this.params.length}`)));
  }
}

function common(t: string, integrationId: string, q: ListQuery, w: Where, nestedChange?: string): void {
  w.add((p) => `${t}.integration_id = ${p(integrationId)}`);
  if (q.cursor) w.add((p) => `${t}.seq > ${p(decodeCursor(q.cursor!))}`);
  if (!q.include_deleted) w.clauses.push(`${t}.remote_deleted_at IS NULL`);
  if (q.ids?.length) w.add((p) => `${t}.id = ANY(${p(q.ids)}::text[])`);
  if (q.remote_ids?.length) w.add((p) => `${t}.remote_id = ANY(${p(q.remote_ids)}::text[])`);
  if (q.updated_after) {
    // Kombo: the record itself OR its nested data changed since the timestamp.
    w.add((p) => {
      const at = p(q.updated_after);
      return `(${t}.changed_at >= ${at}::timestamptz${nestedChange ? ` OR ${nestedChange.replaceAll('$AT', at)}` : ''})`;
    });
  }
}

async function page<T>(
  db: Queryable,
  t: string,
  w: Where,
  pageSize: number,
): Promise<{ rows: (T & { seq: number })[]; next: string | null }> {
  const { rows } = await db.query<T & { seq: number }>(
    `SELECT ${t}.* FROM ${t} WHERE ${w.clauses.join(' AND ')} ORDER BY ${t}.seq LIMIT ${pageSize + 1}`,
    w.params,
  );
  const more = rows.length > pageSize;
  const slice = more ? rows.slice(0, pageSize) : rows;
  return { rows: slice, next: more ? encodeCursor(Number(slice[slice.length - 1].seq)) : null };
}

const ts = (d: Date | string | null) => (d === null ? null : new Date(d).toISOString());

interface Row {
  id: string;
  remote_id: string;
  data: any;
  changed_at: Date;
  remote_deleted_at: Date | null;
  seq: number;
}

// --- Jobs -----------------------------------------------------------------------------------

export async function listJobs(db: Queryable, integrationId: string, q: ListQuery): Promise<Page<unknown>> {
  const w = new Where();
  common('jobs', integrationId, q, w);
  if (q.statuses?.length) w.add((p) => `jobs.status = ANY(${p(q.statuses)}::text[])`);
  if (q.job_codes?.length) w.add((p) => `jobs.job_code = ANY(${p(q.job_codes)}::text[])`);
  if (q.name_contains) w.add((p) => `jobs.name ILIKE ${p('%' + q.name_contains!.replace(/[\\%_]/g, '\\$&') + '%')}`);
  if (q.remote_created_after) w.add((p) => `jobs.remote_created_at >= ${p(q.remote_created_after)}::timestamptz`);
  if (q.employment_types?.length) w.add((p) => `jobs.data->>'employment_type' = ANY(${p(q.employment_types)}::text[])`);
  if (q.visibilities?.length) w.add((p) => `jobs.data->>'visibility' = ANY(${p(q.visibilities)}::text[])`);
  if (q.post_url) w.add((p) => `jobs.data->>'post_url' = ${p(q.post_url)}`);
  const { rows, next } = await page<Row>(db, 'jobs', w, q.page_size);
  return {
    next,
    results: rows.map((r) => ({ id: r.id, ...r.data, changed_at: ts(r.changed_at), remote_deleted_at: ts(r.remote_deleted_at) })),
  };
}

// --- Candidates -----------------------------------------------------------------------------

export async function listCandidates(db: Queryable, integrationId: string, q: ListQuery): Promise<Page<unknown>> {
  const w = new Where();
  common(
    'candidates',
    integrationId,
    q,
    w,
    'EXISTS (SELECT 1 FROM applications a WHERE a.candidate_id = candidates.id AND a.changed_at >= $AT::timestamptz)',
  );
  if (q.email) w.add((p) => `${p(q.email!.toLowerCase())} = ANY(candidates.emails)`);
  if (q.first_name) w.add((p) => `candidates.first_name_lc = ${p(q.first_name!.toLowerCase())}`);
  if (q.last_name) w.add((p) => `candidates.last_name_lc = ${p(q.last_name!.toLowerCase())}`);
  if (q.job_ids?.length) {
    w.add(
      (p) =>
        `EXISTS (SELECT 1 FROM applications a WHERE a.candidate_id = candidates.id AND a.job_id = ANY(${p(q.job_ids)}::text[]) AND a.remote_deleted_at IS NULL)`,
    );
  }
  const { rows, next } = await page<Row>(db, 'candidates', w, q.page_size);
  const apps = await applicationsOf(
    db,
    rows.map((r) => r.id),
  );
  return {
    next,
    results: rows.map((r) => {
      const { ...data } = r.data;
      return {
        id: r.id,
        ...data,
        changed_at: ts(r.changed_at),
        remote_deleted_at: ts(r.remote_deleted_at),
        applications: apps.get(r.id) ?? [],
        tags: data.tags ?? [],
      };
    }),
  };
}

/** The nested `applications` of candidates: summary form with stage and job. */
async function applicationsOf(db: Queryable, candidateIds: string[]): Promise<Map<string, unknown[]>> {
  const out = new Map<string, unknown[]>();
  if (!candidateIds.length) return out;
  const { rows } = await db.query<
    Row & { candidate_id: string; job_name: string | null; job_remote_id: string | null; job_id: string | null }
  >(
    `SELECT a.*, j.name AS job_name, j.remote_id AS job_remote_id FROM applications a
     LEFT JOIN jobs j ON j.id = a.job_id
     WHERE a.candidate_id = ANY($1::text[]) AND a.remote_deleted_at IS NULL ORDER BY a.seq`,
    [candidateIds],
  );
  for (const a of rows) {
    const d = a.data;
    const list = out.get(a.candidate_id) ?? [];
    list.push({
      id: a.id,
      remote_id: a.remote_id,
      outcome: d.outcome,
      rejection_reason_name: d.rejection_reason_name,
      rejected_at: d.rejected_at,
      remote_url: d.remote_url,
      changed_at: ts(a.changed_at),
      remote_created_at: d.remote_created_at,
      remote_updated_at: d.remote_updated_at,
      current_stage: d.current_stage
        ? { id: d.current_stage.id, name: d.current_stage.name, remote_id: d.current_stage.remote_id, index: d.current_stage.index }
        : null,
      job: a.job_id && a.job_remote_id ? { id: a.job_id, name: a.job_name, remote_id: a.job_remote_id } : null,
    });
    out.set(a.candidate_id, list);
  }
  return out;
}

// --- Applications ---------------------------------------------------------------------------

export async function listApplications(db: Queryable, integrationId: string, q: ListQuery): Promise<Page<unknown>> {
  const w = new Where();
  common(
    'applications',
    integrationId,
    q,
    w,
    'EXISTS (SELECT 1 FROM candidates c WHERE c.id = applications.candidate_id AND c.changed_at >= $AT::timestamptz)',
  );
  if (q.outcomes?.length) w.add((p) => `applications.outcome = ANY(${p(q.outcomes)}::text[])`);
  if (q.job_ids?.length) w.add((p) => `applications.job_id = ANY(${p(q.job_ids)}::text[])`);
  if (q.job_remote_ids?.length) w.add((p) => `applications.data->>'job_remote_id' = ANY(${p(q.job_remote_ids)}::text[])`);
  if (q.current_stage_ids?.length) w.add((p) => `applications.current_stage_id = ANY(${p(q.current_stage_ids)}::text[])`);
  if (q.remote_created_after) w.add((p) => `applications.remote_created_at >= ${p(q.remote_created_after)}::timestamptz`);
  const { rows, next } = await page<Row & { candidate_id: string; job_id: string | null }>(db, 'applications', w, q.page_size);

  const candIds = [...new Set(rows.map((r) => r.candidate_id))];
  const jobIds = [...new Set(rows.map((r) => r.job_id).filter((x): x is string => !!x))];
  const [cands, jobs] = await Promise.all([
    candIds.length ? db.query<Row>('SELECT * FROM candidates WHERE id = ANY($1::text[])', [candIds]) : { rows: [] as Row[] },
    jobIds.length
      ? db.query<Row & { name: string | null }>('SELECT id, remote_id, name FROM jobs WHERE id = ANY($1::text[])', [jobIds])
      : { rows: [] as (Row & { name: string | null })[] },
  ]);
  const candById = new Map(cands.rows.map((c) => [c.id, c]));
  const jobById = new Map(jobs.rows.map((j) => [j.id, j]));

  return {
    next,
    results: rows.map((r) => {
      const { candidate_remote_id: _c, job_remote_id: _j, ...d } = r.data;
      const c = candById.get(r.candidate_id);
      const j = r.job_id ? jobById.get(r.job_id) : undefined;
      return {
        id: r.id,
        ...d,
        candidate_id: c ? r.candidate_id : null,
        job_id: j ? r.job_id : null,
        changed_at: ts(r.changed_at),
        remote_deleted_at: ts(r.remote_deleted_at),
        candidate: c
          ? {
              id: c.id,
              remote_id: c.remote_id,
              first_name: c.data.first_name,
              last_name: c.data.last_name,
              email_addresses: c.data.email_addresses,
              phone_numbers: c.data.phone_numbers,
              social_media: c.data.social_media,
              source: c.data.source,
              remote_url: c.data.remote_url,
              tags: c.data.tags ?? [],
            }
          : null,
        job: j ? { id: j.id, remote_id: j.remote_id, name: j.name } : null,
      };
    }),
  };
}

// --- Users ----------------------------------------------------------------------------------

export async function listUsers(db: Queryable, integrationId: string, q: ListQuery): Promise<Page<unknown>> {
  const w = new Where();
  common('ats_users', integrationId, q, w);
  if (q.emails?.length) w.add((p) => `ats_users.email_lc = ANY(${p(q.emails!.map((e) => e.toLowerCase()))}::text[])`);
  const { rows, next } = await page<Row>(db, 'ats_users', w, q.page_size);
  return {
    next,
    results: rows.map((r) => ({ id: r.id, ...r.data, changed_at: ts(r.changed_at), remote_deleted_at: ts(r.remote_deleted_at) })),
  };
}

// --- Tags -----------------------------------------------------------------------------------

/** GET /ats/tags: Kombo's tag fields. `remote_ids` match the ATS's ids (a text-only tag has none). */
export async function listTags(db: Queryable, integrationId: string, q: ListQuery): Promise<Page<unknown>> {
  const w = new Where();
  common('tags', integrationId, { ...q, remote_ids: undefined }, w);
  if (q.remote_ids?.length) w.add((p) => `tags.data->>'remote_id' = ANY(${p(q.remote_ids)}::text[])`);
  const { rows, next } = await page<Row>(db, 'tags', w, q.page_size);
  return {
    next,
    results: rows.map((r) => ({
      id: r.id,
      remote_id: r.data.remote_id ?? null,
      name: r.data.name ?? null,
      remote_data: r.data.remote_data ?? null,
      changed_at: ts(r.changed_at),
      remote_deleted_at: ts(r.remote_deleted_at),
    })),
  };
}

// --- Rejection reasons ----------------------------------------------------------------------

export async function listRejectionReasons(db: Queryable, integrationId: string, q: ListQuery): Promise<Page<unknown>> {
  const w = new Where();
  common('rejection_reasons', integrationId, q, w);
  const { rows, next } = await page<Row>(db, 'rejection_reasons', w, q.page_size);
  return {
    next,
    results: rows.map((r) => ({
      id: r.id,
      remote_id: r.remote_id,
      name: r.data.name ?? null,
      changed_at: ts(r.changed_at),
      remote_deleted_at: ts(r.remote_deleted_at),
      remote_data: r.data.remote_data ?? null,
    })),
  };
}
