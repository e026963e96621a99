/**
 * Readers: Teamtailor's list endpoints (`/jobs`, `/stages`, `/candidates`, `/job-applications`)
 * mapped to the Remote* models. Relationship ids only appear for relationships we `include`,
 * so every list asks for the ones it maps.
 */
import { splitName } from '../helpers/names.ts';
import type { ReadOptions, RemoteApplication, RemoteCandidate, RemoteJob, RemoteStage, RemoteSystemRole, RemoteUser } from '../types.ts';
import {
  Included,
  relId,
  relIds,
  teamtailorAll,
  teamtailorBaseUrl,
  teamtailorClient,
  teamtailorPages,
  type Resource,
  type TeamtailorContext,
} from './client.ts';
import { relatedPath } from './related.ts';

const CANDIDATE_INCLUDE = 'custom-field-values.custom-field';
const APPLICATION_INCLUDE = 'candidate,job,stage,reject-reason';

/** Teamtailor's delta filter; it takes any ISO-8601 instant. */
function updatedFrom(opts: ReadOptions): Record<string, string | undefined> {
  return { 'filter[updated-at][from]': opts.updatedAfter?.toISOString() };
}

// --------------------------------------------------------------------------------------------
// Jobs
// --------------------------------------------------------------------------------------------

/**
 * Jobs have no documented updated-at filter, and a job's stages can change without touching it,
 * so every read returns all jobs (a handful per tenant) with their stages.
 */
export async function* readJobs(ctx: TeamtailorContext, _opts: ReadOptions): AsyncGenerator<RemoteJob[]> {
  const client = teamtailorClient(ctx);
  const stagesByJob = await loadStagesByJob(ctx);
  // filter[status] defaults to "published"; "all" adds drafts, unlisted and archived jobs.
  for await (const pages of teamtailorPages(client, 'jobs', { 'filter[status]': 'all', include: 'department' })) {
    for (const page of pages) yield page.resources.map((job) => toRemoteJob(job, page.included, stagesByJob.get(job.id) ?? []));
  }
}

async function loadStagesByJob(ctx: TeamtailorContext): Promise<Map<string, RemoteStage[]>> {
  const all = await teamtailorAll(teamtailorClient(ctx), 'stages', { include: 'job' });
  const byJob = new Map<string, Resource[]>();
  for (const stage of all.resources) {
    const jobId = relId(stage, 'job');
    if (!jobId) continue;
    byJob.set(jobId, [...(byJob.get(jobId) ?? []), stage]);
  }
  const out = new Map<string, RemoteStage[]>();
  for (const [jobId, stages] of byJob) {
    // row-order is Teamtailor's sort key for the pipeline columns.
    stages.sort((a, b) => Number(a.attributes['row-order'] ?? 0) - Number(b.attributes['row-order'] ?? 0));
    out.set(
      jobId,
      stages.map((s, index) => ({ remote_id: s.id, name: s.attributes.name ?? null, index })),
    );
  }
  return out;
}

const JOB_STATUS: Record<string, RemoteJob['status']> = {
  open: 'OPEN',
  unlisted: 'OPEN',
  draft: 'DRAFT',
  temp: 'DRAFT',
  archived: 'ARCHIVED',
};
/**
 * `employment-type` and `internal-name` are not in Teamtailor's documented job attributes
 * (docs jobs/_index, teamtailor-rb's job fixture); one third-party client reads them. They are
 * mapped when present and null otherwise; spellings vary, so the type is compared without case,
 * spaces, hyphens or underscores ("Full-time", "full_time", "fulltime").
 */
const EMPLOYMENT_TYPE: Record<string, RemoteJob['employment_type']> = {
  fulltime: 'FULL_TIME',
  parttime: 'PART_TIME',
  contract: 'CONTRACT',
  contractor: 'CONTRACT',
  temporary: 'SEASONAL',
  seasonal: 'SEASONAL',
  internship: 'INTERNSHIP',
};
const employmentType = (raw: unknown) =>
  EMPLOYMENT_TYPE[
    String(raw ?? '')
      .toLowerCase()
      .replace(/[\s_-]+/g, '')
  ] ?? null;

export function toRemoteJob(job: Resource, included: Included, stages: RemoteStage[]): RemoteJob {
  const a = job.attributes;
  const status = typeof a.status === 'string' ? a.status : '';
  return {
    remote_id: job.id,
    name: a.title ?? null,
    job_code: typeof a['internal-name'] === 'string' && a['internal-name'] ? a['internal-name'] : null,
    description: a.body ?? null,
    status: JOB_STATUS[status] ?? null,
    visibility: a.internal ? 'INTERNAL' : status === 'unlisted' ? 'UNLISTED' : 'PUBLIC',
    employment_type: employmentType(a['employment-type']),
    department: included.get('departments', relId(job, 'department'))?.attributes.name ?? null,
    post_url: job.links?.['careersite-job-url'] ?? null,
    remote_url: job.links?.['careersite-job-url'] ?? null,
    remote_created_at: a['created-at'] ?? null,
    remote_updated_at: a['updated-at'] ?? null,
    opened_at: a['start-date'] ?? null,
    closed_at: a['end-date'] ?? null,
    stages,
  };
}

// --------------------------------------------------------------------------------------------
// Candidates
// --------------------------------------------------------------------------------------------

export async function* readCandidates(ctx: TeamtailorContext, opts: ReadOptions): AsyncGenerator<RemoteCandidate[]> {
  const client = teamtailorClient(ctx);
  for await (const pages of teamtailorPages(client, 'candidates', { include: CANDIDATE_INCLUDE, ...updatedFrom(opts) })) {
    for (const page of pages) yield page.resources.map((c) => toRemoteCandidate(c, page.included));
  }
}

export function toRemoteCandidate(c: Resource, included: Included): RemoteCandidate {
  const a = c.attributes;
  const tags: unknown[] = Array.isArray(a.tags) ? a.tags : [];
  return {
    remote_id: c.id,
    first_name: a['first-name'] ?? null,
    last_name: a['last-name'] ?? null,
    source: a['referring-site'] ?? null,
    email_addresses: a.email ? [{ email_address: String(a.email), type: null }] : [],
    phone_numbers: a.phone ? [{ phone_number: String(a.phone), type: null }] : [],
    social_media: a['linkedin-url'] ? [{ link: String(a['linkedin-url']), type: 'LINKEDIN', username: null }] : [],
    custom_fields: candidateCustomFields(c, included),
    tags: tags.filter((t): t is string => typeof t === 'string').map((name) => ({ remote_id: null, name })),
    // Teamtailor's app URLs contain the company's internal slug, which the API does not expose.
    remote_url: null,
    remote_created_at: a['created-at'] ?? null,
    remote_updated_at: a['updated-at'] ?? null,
  };
}

/** `{ "<custom field name>": value }` from the included custom-field-values and their fields. */
function candidateCustomFields(c: Resource, included: Included): Record<string, unknown> | null {
  const out: Record<string, unknown> = {};
  for (const valueId of relIds(c, 'custom-field-values')) {
    const value = included.get('custom-field-values', valueId);
    if (!value) continue;
    const field = included.get('custom-fields', relId(value, 'custom-field'));
    const name = field?.attributes.name ?? field?.attributes['api-name'];
    if (typeof name === 'string') out[name] = value.attributes.value ?? null;
  }
  return Object.keys(out).length ? out : null;
}

// --------------------------------------------------------------------------------------------
// Applications
// --------------------------------------------------------------------------------------------

export async function* readApplications(ctx: TeamtailorContext, opts: ReadOptions): AsyncGenerator<RemoteApplication[]> {
  const client = teamtailorClient(ctx);
  for await (const pages of teamtailorPages(client, 'job-applications', { include: APPLICATION_INCLUDE, ...updatedFrom(opts) })) {
    for (const page of pages) yield page.resources.flatMap((app) => toRemoteApplication(app, page.included) ?? []);
  }
}

export function toRemoteApplication(app: Resource, included: Included): RemoteApplication | null {
  const a = app.attributes;
  const candidateId = relId(app, 'candidate');
  if (!candidateId) return null; // Teamtailor says every application has one; skip rather than invent.
  const stage = included.get('stages', relId(app, 'stage'));
  const rejectReason = included.get('reject-reasons', relId(app, 'reject-reason'));
  const rejected = !!a['rejected-at'];
  return {
    remote_id: app.id,
    candidate_remote_id: candidateId,
    job_remote_id: relId(app, 'job'),
    current_stage: stage ? { remote_id: stage.id, name: stage.attributes.name ?? null } : null,
    // A rejection wins over the stage: rejected candidates keep the stage they were rejected in.
    outcome: rejected ? 'DECLINED' : stage?.attributes['stage-type'] === 'Hired' ? 'HIRED' : 'PENDING',
    rejection_reason_name: rejectReason?.attributes.reason ?? null,
    rejected_at: a['rejected-at'] ?? null,
    remote_url: null,
    remote_created_at: a['created-at'] ?? null,
    remote_updated_at: a['updated-at'] ?? null,
  };
}

// --------------------------------------------------------------------------------------------
// One candidate (after a write)
// --------------------------------------------------------------------------------------------

export async function readCandidate(
  ctx: TeamtailorContext,
  remoteId: string,
): Promise<{ candidate: RemoteCandidate; applications: RemoteApplication[] } | null> {
  const client = teamtailorClient(ctx);
  const res = await client.request({
    method: 'GET',
    path: `candidates/${encodeURIComponent(remoteId)}`,
    query: { include: CANDIDATE_INCLUDE },
    accept: [404],
  });
  if (res.status === 404) return null;
  const resource = res.data.data as Resource;
  const candidate = toRemoteCandidate(resource, new Included(res.data.included));
  // No documented candidate filter on /job-applications: follow the candidate's related link (related.ts).
  const apps = await teamtailorAll(client, relatedPath(resource, 'job-applications', teamtailorBaseUrl(ctx)), {
    include: APPLICATION_INCLUDE,
  });
  return { candidate, applications: apps.resources.flatMap((a) => toRemoteApplication(a, apps.included) ?? []) };
}

// --------------------------------------------------------------------------------------------
// Users
// --------------------------------------------------------------------------------------------

/**
 * Teamtailor's permission roles [TT-DOCS users/_index: `no_access`, `user`, `recruiter`,
 * `designer`, `admin`, `external_recruiter`], and Kombo's unified type where it is clear.
 */
const TT_ROLE: Record<string, RemoteSystemRole['unified_type']> = {
  admin: 'ADMIN',
  recruiter: 'RECRUITER',
  external_recruiter: 'RECRUITER',
};

/**
 * GET /v1/users [TT-DOCS users/_list]. A user has one `name` (split at its first space into
 * first and last name) and no active flag: `role: no_access` (cannot sign in) is INACTIVE, any
 * other role ACTIVE. `email` is hidden from keys without the Admin scope when the user hides it
 * on the career site (users/_index); the connector's key has Admin, and a missing email is null.
 */
export async function* readUsers(ctx: TeamtailorContext): AsyncGenerator<RemoteUser[]> {
  for await (const pages of teamtailorPages(teamtailorClient(ctx), 'users')) {
    for (const page of pages) yield page.resources.map(toRemoteUser);
  }
}

export function toRemoteUser(u: Resource): RemoteUser {
  const a = u.attributes ?? {};
  const role = typeof a.role === 'string' ? a.role : null;
  return {
    remote_id: u.id,
    ...splitName(typeof a.name === 'string' ? a.name : null),
    email: typeof a.email === 'string' ? a.email : null,
    status: role === null ? null : role === 'no_access' ? 'INACTIVE' : 'ACTIVE',
    system_roles: role ? [{ remote_id: role, remote_label: role, scope: 'SYSTEM', unified_type: TT_ROLE[role] ?? null }] : [],
    remote_data: { [`/users/${u.id}`]: a },
  };
}
