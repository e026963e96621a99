/**
 * Readers over Harvest v3 list endpoints: /v3/jobs (+ /v3/job_interview_stages), /v3/candidates,
 * /v3/applications (+ /v3/application_stages and /v3/job_interview_stages for the current stage,
 * /v3/rejection_details and /v3/rejection_reasons for the rejection reason). Lists are bare JSON
 * arrays paged by an opaque cursor in the Link header; `updated_at=gte|<ISO>` gives delta syncs.
 * Every read runs as the Site Admin reading user (Harvest.reader).
 */
import { AtsgateError } from '../../errors.ts';
import type { Outcome, PageStream, ReadOptions, RemoteApplication, RemoteCandidate, RemoteJob, RemoteStage, RemoteUser } from '../types.ts';
import { chunks, Harvest, sinceFilter, type GreenhouseContext } from './client.ts';
import { SCOPES } from './definition.ts';

/** Where a person opens the record in Greenhouse's own UI. */
const APP_URL = 'https://app.greenhouse.io';

type Id = number | string;
interface V3Job {
  id: Id;
  name?: string | null;
  requisition_id?: string | null;
  status?: string | null;
  confidential?: boolean | null;
  notes?: string | null;
  opened_at?: string | null;
  closed_at?: string | null;
  created_at?: string | null;
  updated_at?: string | null;
  custom_fields?: unknown;
}
interface V3Stage {
  id: Id;
  job_id?: Id | null;
  name?: string | null;
  sort_order?: number | null;
}
interface V3Contact {
  value?: string | null;
  type?: string | null;
}
export interface V3Candidate {
  id: Id;
  first_name?: string | null;
  last_name?: string | null;
  company?: string | null;
  title?: string | null;
  private?: boolean | null;
  created_at?: string | null;
  updated_at?: string | null;
  email_addresses?: V3Contact[] | null;
  phone_numbers?: V3Contact[] | null;
  social_media_addresses?: V3Contact[] | null;
  addresses?: V3Contact[] | null;
  tags?: (string | { id?: Id; name?: string })[] | null;
  custom_fields?: unknown;
}
/**
 * v3 application [GH-V3T inventory 0015:754-966]. `stage_id` is an *application stage* id (a row
 * of /v3/application_stages), not a job interview stage id (0015:581); `stage_name` is the
 * current stage's display name (0015:826). The rejection reason is not on the application: it
 * lives in /v3/rejection_details (0150). `rejection_reason_id` is still read if present, because
 * the migration guide's alias table lists it (0008:74-87).
 */
export interface V3Application {
  id: Id;
  candidate_id: Id;
  job_id?: Id | null;
  stage_id?: Id | null;
  stage_name?: string | null;
  status?: string | null;
  prospect?: boolean | null;
  rejected_at?: string | null;
  rejection_reason_id?: Id | null;
  created_at?: string | null;
  updated_at?: string | null;
  last_activity_at?: string | null;
  custom_fields?: unknown;
}
/** A row of /v3/application_stages: one visit of an application to a job interview stage (0013). */
interface V3ApplicationStage {
  id: Id;
  application_id: Id;
  job_interview_stage_id?: Id | null;
  current?: boolean | null;
  entered_at?: string | null;
  exited_at?: string | null;
}
interface V3RejectionDetail {
  id: Id;
  application_id: Id;
  rejection_reason_id?: Id | null;
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
    // v3 renamed v1's is_private to `private` [GH-V3T contract-foundation §B, 0008:274-281].
    confidential: c.private ?? null,
    email_addresses: contacts(c.email_addresses).map((e) => ({ email_address: e.value!, type: e.type ?? null })),
    phone_numbers: contacts(c.phone_numbers).map((p) => ({ phone_number: p.value!, type: p.type ?? null })),
    social_media: contacts(c.social_media_addresses).map((s) => ({ link: s.value!, type: s.type ?? null, username: null })),
    location: c.addresses?.[0]?.value ? { raw: c.addresses[0].value } : null,
    custom_fields: flattenCustomFields(c.custom_fields),
    remote_url: `${APP_URL}/people/${c.id}`,
    remote_created_at: c.created_at,
    remote_updated_at: c.updated_at,
    tags: (c.tags ?? []).map((t) =>
      typeof t === 'string' ? { remote_id: null, name: t } : { remote_id: str(t.id), name: t.name ?? null },
    ),
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

/** What the lookups found for one application: its job interview stage and rejection reason. */
export interface ApplicationFacts {
  stage?: V3Stage;
  stageId?: string;
  reasonName?: string | null;
}

export function mapApplication(a: V3Application, facts: ApplicationFacts = {}): RemoteApplication {
  const stageId = facts.stage ? String(facts.stage.id) : facts.stageId;
  const current: RemoteStage | null = stageId
    ? { remote_id: stageId, name: facts.stage?.name ?? a.stage_name ?? null, index: facts.stage?.sort_order ?? null }
    : null;
  return {
    remote_id: String(a.id),
    candidate_remote_id: String(a.candidate_id),
    job_remote_id: str(a.job_id),
    current_stage: current,
    outcome: outcomeOf(a.status),
    rejection_reason_name: facts.reasonName ?? null,
    rejected_at: a.rejected_at,
    custom_fields: flattenCustomFields(a.custom_fields),
    remote_url: `${APP_URL}/people/${a.candidate_id}/applications/${a.id}`,
    remote_created_at: a.created_at,
    remote_updated_at: a.updated_at ?? a.last_activity_at,
    remote_data: { '/v3/applications': a },
  };
}

export async function* readJobs(ctx: GreenhouseContext, opts: ReadOptions): PageStream<RemoteJob> {
  const gh = Harvest.reader(ctx);
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
  const gh = Harvest.reader(ctx);
  for await (const page of gh.list<V3Candidate>(SCOPES.candidates, 'candidates', { updated_at: sinceFilter(opts.updatedAfter) })) {
    yield page.map(mapCandidate);
  }
}

/**
 * Resolves each application's current job interview stage and rejection reason, remembering
 * what it saw across pages:
 * - stage: /v3/application_stages?application_ids= (the row whose id is the application's
 *   `stage_id`, else its current row, else its latest visit, for hired/rejected applications whose
 *   `stage_id` is null), then /v3/job_interview_stages?ids= for name and sort order. This is the
 *   route the read-migration guide gives for v1's current_stage [GH-V3T 0008:76, 0013, 0108].
 * - rejection: /v3/rejection_details?application_ids= for rejected applications, named through
 *   /v3/rejection_reasons?include_defaults=true (Greenhouse's built-in reasons too) [0150, 0153].
 * Both are niceties: without their scopes the sync still works, with `stage_name` as the stage
 * name and no reason names.
 */
class ApplicationLookups {
  private readonly stages = new Map<string, V3Stage>();
  private reasons: Map<string, string> | null = null;
  private stageHistory = true;
  private rejectionDetails = true;

  constructor(private readonly gh: Harvest) {}

  async map(page: V3Application[]): Promise<RemoteApplication[]> {
    const stageOf = await this.currentStageIds(page);
    const missing = [...new Set([...stageOf.values()].filter((id) => !this.stages.has(id)))];
    for (const ids of chunks(missing)) {
      for (const s of await this.gh.all<V3Stage>(SCOPES.stages, 'job_interview_stages', { ids: ids.join(',') }))
        this.stages.set(String(s.id), s);
    }
    const reasonOf = await this.rejectionReasonIds(page);
    if (!this.reasons && reasonOf.size) this.reasons = await this.loadReasons();
    return page.map((a) => {
      const stageId = stageOf.get(String(a.id));
      const reasonId = reasonOf.get(String(a.id));
      return mapApplication(a, {
        stageId,
        stage: stageId ? this.stages.get(stageId) : undefined,
        reasonName: reasonId ? (this.reasons?.get(reasonId) ?? null) : null,
      });
    });
  }

  /** application id → job interview stage id, from the applications' stage history. */
  private async currentStageIds(page: V3Application[]): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    const wanted = page.filter((a) => a.stage_id != null || (a.status && a.status !== 'in_process' && !a.prospect));
    if (!this.stageHistory || !wanted.length) return out;
    const byApplication = new Map<string, V3ApplicationStage[]>();
    try {
      for (const ids of chunks(wanted.map((a) => String(a.id)))) {
        for (const row of await this.gh.all<V3ApplicationStage>(SCOPES.applicationStages, 'application_stages', {
          application_ids: ids.join(','),
        })) {
          const key = String(row.application_id);
          byApplication.set(key, [...(byApplication.get(key) ?? []), row]);
        }
      }
    } catch (err) {
      if (!(err instanceof AtsgateError && err.code === 'INTEGRATION.PERMISSION_MISSING')) throw err;
      this.stageHistory = false;
      return out;
    }
    for (const a of wanted) {
      const rows = byApplication.get(String(a.id)) ?? [];
      const row =
        rows.find((r) => a.stage_id != null && String(r.id) === String(a.stage_id)) ??
        rows.find((r) => r.current === true) ??
        [...rows].sort((x, y) => visitedAt(y).localeCompare(visitedAt(x)))[0];
      if (row?.job_interview_stage_id != null) out.set(String(a.id), String(row.job_interview_stage_id));
    }
    return out;
  }

  /** application id → rejection reason id, for the rejected applications of a page. */
  private async rejectionReasonIds(page: V3Application[]): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    for (const a of page) if (a.rejection_reason_id != null) out.set(String(a.id), String(a.rejection_reason_id));
    const rejected = page.filter((a) => a.status === 'rejected' && !out.has(String(a.id))).map((a) => String(a.id));
    if (!this.rejectionDetails || !rejected.length) return out;
    try {
      for (const ids of chunks(rejected)) {
        for (const d of await this.gh.all<V3RejectionDetail>(SCOPES.rejectionDetails, 'rejection_details', {
          application_ids: ids.join(','),
        })) {
          if (d.rejection_reason_id != null) out.set(String(d.application_id), String(d.rejection_reason_id));
        }
      }
    } catch (err) {
      if (!(err instanceof AtsgateError && err.code === 'INTEGRATION.PERMISSION_MISSING')) throw err;
      this.rejectionDetails = false;
    }
    return out;
  }

  private async loadReasons(): Promise<Map<string, string>> {
    try {
      // include_defaults: without it Greenhouse lists only the organisation's own reasons [0153; AB-GH §6].
      const all = await this.gh.all<{ id: Id; name?: string }>(SCOPES.rejectionReasons, 'rejection_reasons', { include_defaults: 'true' });
      return new Map(all.map((r) => [String(r.id), r.name ?? '']));
    } catch (err) {
      if (err instanceof AtsgateError && err.code === 'INTEGRATION.PERMISSION_MISSING') return new Map();
      throw err;
    }
  }
}

/** When a stage visit happened, for picking the latest one (ISO strings sort by time). */
function visitedAt(row: V3ApplicationStage): string {
  return String(row.exited_at ?? row.entered_at ?? '') + String(row.id).padStart(20, '0');
}

export async function* readApplications(ctx: GreenhouseContext, opts: ReadOptions): PageStream<RemoteApplication> {
  const gh = Harvest.reader(ctx);
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
  const gh = Harvest.reader(ctx);
  const [candidate] = await gh.all<V3Candidate>(SCOPES.candidates, 'candidates', { ids: remoteId });
  if (!candidate) return null;
  const apps = await gh.all<V3Application>(SCOPES.applications, 'applications', { candidate_ids: remoteId });
  return { candidate: mapCandidate(candidate), applications: await new ApplicationLookups(gh).map(apps) };
}

/** A row of GET /v3/users [GH-V3T inventory 0169]. */
interface V3User {
  id: Id;
  first_name?: string | null;
  last_name?: string | null;
  primary_email?: string | null;
  site_admin?: boolean | null;
  deactivated?: boolean | null;
  created_at?: string | null;
  updated_at?: string | null;
}

/**
 * Users from GET /v3/users, as the Site Admin reading user (a non-admin would list nothing:
 * checkCredentials refuses it). Service accounts stay hidden (the endpoint's default): they are
 * API credentials, not people. Greenhouse's user levels other than Site Admin are per job or
 * per permission set and are not on this endpoint, so only Site Admin becomes a system role.
 */
export async function* readUsers(ctx: GreenhouseContext): PageStream<RemoteUser> {
  for await (const page of Harvest.reader(ctx).list<V3User>(SCOPES.users, 'users')) yield page.map(mapUser);
}

export function mapUser(u: V3User): RemoteUser {
  return {
    remote_id: String(u.id),
    first_name: u.first_name ?? null,
    last_name: u.last_name ?? null,
    email: u.primary_email ?? null,
    status: u.deactivated === true ? 'INACTIVE' : u.deactivated === false ? 'ACTIVE' : null,
    system_roles: u.site_admin ? [{ remote_id: 'site_admin', remote_label: 'Site Admin', scope: 'SYSTEM', unified_type: 'ADMIN' }] : [],
    remote_created_at: u.created_at,
    remote_updated_at: u.updated_at,
    remote_data: { '/v3/users': u },
  };
}
