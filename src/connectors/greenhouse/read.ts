/**
 * Readers over Harvest v3 list endpoints: /v3/jobs (+ /v3/job_interview_stages), /v3/candidates,
 * /v3/applications (+ stage names and /v3/rejection_reasons). Lists are bare JSON arrays paged
 * by an opaque cursor in the Link header; `updated_at=gte|<ISO>` gives delta syncs.
 */
import { AtsgateError } from '../../errors.ts';
import type { Outcome, PageStream, ReadOptions, RemoteApplication, RemoteCandidate, RemoteJob, RemoteStage } from '../types.ts';
import { chunks, Harvest, sinceFilter, type GreenhouseContext } from './client.ts';
import { SCOPES } from './definition.ts';

/** Where a person opens the record in Greenhouse's own UI. */
const APP_URL = 'https://app.greenhouse.io';

type Id = number | string;
interface V3Job {
  id: Id; name?: string | null; requisition_id?: string | null; status?: string | null; confidential?: boolean | null;
  notes?: string | null; opened_at?: string | null; closed_at?: string | null; created_at?: string | null; updated_at?: string | null;
  custom_fields?: unknown;
}
interface V3Stage { id: Id; job_id?: Id | null; name?: string | null; sort_order?: number | null }
interface V3Contact { value?: string | null; type?: string | null }
export interface V3Candidate {
  id: Id; first_name?: string | null; last_name?: string | null; company?: string | null; title?: string | null;
  is_private?: boolean | null; created_at?: string | null; updated_at?: string | null;
  email_addresses?: V3Contact[] | null; phone_numbers?: V3Contact[] | null; social_media_addresses?: V3Contact[] | null;
  addresses?: V3Contact[] | null; tags?: (string | { id?: Id; name?: string })[] | null; custom_fields?: unknown;
}
export interface V3Application {
  id: Id; candidate_id: Id; job_id?: Id | null; job_interview_stage_id?: Id | null; status?: string | null; prospect?: boolean | null;
  rejected_at?: string | null; rejection_reason_id?: Id | null; created_at?: string | null; updated_at?: string | null;
  last_activity_at?: string | null; applied_at?: string | null; custom_fields?: unknown;
}

const str = (v: Id | null | undefined): string | null => (v === null || v === undefined ? null : String(v));

/**
 * v3 returns custom fields as `{ name_key: { name, type, value } }` (v1 had `{ name_key: value }`);
 * both flatten to `{ name_key: value }`.
 */
export function flattenCustomFields(raw: unknown): Record<string, unknown> | null {
  if (!raw || typeof raw !== 'object') return null;
  if (Array.isArray(raw)) {
    const out: Record<string, unknown> = {};
    for (const f of raw as any[]) if (f && (f.name_key ?? f.name)) out[f.name_key ?? f.name] = f.value ?? null;
    return out;
  }
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(raw as Record<string, unknown>)) {
    out[k] = v && typeof v === 'object' && !Array.isArray(v) && 'value' in v ? (v as { value: unknown }).value : v;
  }
  return out;
}

const JOB_STATUS: Record<string, RemoteJob['status']> = { open: 'OPEN', closed: 'CLOSED', draft: 'DRAFT' };

export function mapJob(job: V3Job, stages: V3Stage[]): RemoteJob {
  return {
    remote_id: String(job.id),
    name: job.name ?? null,
    job_code: job.requisition_id ?? null,
    description: job.notes ?? null,
    confidential: job.confidential ?? null,
    status: JOB_STATUS[String(job.status ?? '').toLowerCase()] ?? null,
    custom_fields: flattenCustomFields(job.custom_fields),
    remote_url: `${APP_URL}/sdash/${job.id}`,
    opened_at: job.opened_at,
    closed_at: job.closed_at,
    remote_created_at: job.created_at,
    remote_updated_at: job.updated_at,
    stages: [...stages]
      .sort((a, b) => (a.sort_order ?? 0) - (b.sort_order ?? 0))
      .map((s, i) => ({ remote_id: String(s.id), name: s.name ?? null, index: s.sort_order ?? i })),
  };
}

export function mapCandidate(c: V3Candidate): RemoteCandidate {
  const contacts = (list: V3Contact[] | null | undefined) => (list ?? []).filter((x) => x?.value);
  return {
    remote_id: String(c.id),
    first_name: c.first_name ?? null,
    last_name: c.last_name ?? null,
    company: c.company ?? null,
    title: c.title ?? null,
    confidential: c.is_private ?? null,
    email_addresses: contacts(c.email_addresses).map((e) => ({ email_address: e.value!, type: e.type ?? null })),
    phone_numbers: contacts(c.phone_numbers).map((p) => ({ phone_number: p.value!, type: p.type ?? null })),
    social_media: contacts(c.social_media_addresses).map((s) => ({ link: s.value!, type: s.type ?? null, username: null })),
    location: c.addresses?.[0]?.value ? { raw: c.addresses[0].value } : null,
    custom_fields: flattenCustomFields(c.custom_fields),
    remote_url: `${APP_URL}/people/${c.id}`,
    remote_created_at: c.created_at,
    remote_updated_at: c.updated_at,
    tags: (c.tags ?? []).map((t) => (typeof t === 'string' ? { remote_id: null, name: t } : { remote_id: str(t.id), name: t.name ?? null })),
    remote_data: { '/v3/candidates': c },
  };
}

/** v3 application status: in_process (v1: active) | rejected | hired | converted. */
export function outcomeOf(status: string | null | undefined): Outcome {
  switch (String(status ?? '').toLowerCase()) {
    case 'hired':
      return 'HIRED';
    case 'rejected':
      return 'DECLINED';
    default:
      return 'PENDING';
  }
}

export function mapApplication(a: V3Application, stages: Map<string, V3Stage>, reasons: Map<string, string>): RemoteApplication {
  const stageId = str(a.job_interview_stage_id);
  const stage = stageId ? stages.get(stageId) : undefined;
  const current: RemoteStage | null = stageId ? { remote_id: stageId, name: stage?.name ?? null, index: stage?.sort_order ?? null } : null;
  const reasonId = str(a.rejection_reason_id);
  return {
    remote_id: String(a.id),
    candidate_remote_id: String(a.candidate_id),
    job_remote_id: str(a.job_id),
    current_stage: current,
    outcome: outcomeOf(a.status),
    rejection_reason_name: reasonId ? reasons.get(reasonId) ?? null : null,
    rejected_at: a.rejected_at,
    custom_fields: flattenCustomFields(a.custom_fields),
    remote_url: `${APP_URL}/people/${a.candidate_id}/applications/${a.id}`,
    remote_created_at: a.created_at ?? a.applied_at,
    remote_updated_at: a.updated_at ?? a.last_activity_at,
    remote_data: { '/v3/applications': a },
  };
}

export async function* readJobs(ctx: GreenhouseContext, opts: ReadOptions): PageStream<RemoteJob> {
  const gh = new Harvest(ctx);
  for await (const page of gh.list<V3Job>(SCOPES.jobs, 'jobs', { updated_at: sinceFilter(opts.updatedAfter) })) {
    const byJob = new Map<string, V3Stage[]>();
    for (const ids of chunks(page.map((j) => String(j.id)))) {
      for (const s of await gh.all<V3Stage>(SCOPES.stages, 'job_interview_stages', { job_ids: ids.join(',') })) {
        const key = String(s.job_id);
        byJob.set(key, [...(byJob.get(key) ?? []), s]);
      }
    }
    yield page.map((j) => mapJob(j, byJob.get(String(j.id)) ?? []));
  }
}

export async function* readCandidates(ctx: GreenhouseContext, opts: ReadOptions): PageStream<RemoteCandidate> {
  const gh = new Harvest(ctx);
  for await (const page of gh.list<V3Candidate>(SCOPES.candidates, 'candidates', { updated_at: sinceFilter(opts.updatedAfter) })) {
    yield page.map(mapCandidate);
  }
}

/** Resolves stage names and rejection reasons for application pages, remembering what it saw. */
class ApplicationLookups {
  private readonly stages = new Map<string, V3Stage>();
  private reasons: Map<string, string> | null = null;

  constructor(private readonly gh: Harvest) {}

  async map(page: V3Application[]): Promise<RemoteApplication[]> {
    const missing = [...new Set(page.map((a) => str(a.job_interview_stage_id)).filter((id): id is string => !!id && !this.stages.has(id)))];
    for (const ids of chunks(missing)) {
      for (const s of await this.gh.all<V3Stage>(SCOPES.stages, 'job_interview_stages', { ids: ids.join(',') })) this.stages.set(String(s.id), s);
    }
    if (!this.reasons && page.some((a) => a.rejection_reason_id != null)) this.reasons = await this.loadReasons();
    return page.map((a) => mapApplication(a, this.stages, this.reasons ?? new Map()));
  }

  /** Reason names are a nicety: without the scope the sync still works, names stay null. */
  private async loadReasons(): Promise<Map<string, string>> {
    try {
      const all = await this.gh.all<{ id: Id; name?: string }>(SCOPES.rejectionReasons, 'rejection_reasons');
      return new Map(all.map((r) => [String(r.id), r.name ?? '']));
    } catch (err) {
      if (err instanceof AtsgateError && err.code === 'INTEGRATION.PERMISSION_MISSING') return new Map();
      throw err;
    }
  }
}

export async function* readApplications(ctx: GreenhouseContext, opts: ReadOptions): PageStream<RemoteApplication> {
  const gh = new Harvest(ctx);
  const lookups = new ApplicationLookups(gh);
  for await (const page of gh.list<V3Application>(SCOPES.applications, 'applications', { updated_at: sinceFilter(opts.updatedAfter) })) {
    yield await lookups.map(page);
  }
}

/** v3 has no get-one route for these resources: a list filtered by `ids` is the documented way. */
export async function readCandidate(
  ctx: GreenhouseContext,
  remoteId: string,
): Promise<{ candidate: RemoteCandidate; applications: RemoteApplication[] } | null> {
  if (!/^\d+$/.test(remoteId)) return null;
  const gh = new Harvest(ctx);
  const [candidate] = await gh.all<V3Candidate>(SCOPES.candidates, 'candidates', { ids: remoteId });
  if (!candidate) return null;
  const apps = await gh.all<V3Application>(SCOPES.applications, 'applications', { candidate_ids: remoteId });
  return { candidate: mapCandidate(candidate), applications: await new ApplicationLookups(gh).map(apps) };
}
