/**
 * Reading BambooHR's applicant tracking. atsgate maps:
 *   job         = job opening (GET /jobs?statusGroups=ALL)
 *   application = application (GET /applications), outcome from the status group it is listed under
 *   candidate   = the application's applicant (BambooHR has no applicant list; de-duplicated by id)
 * The list items carry the applicant's name, email and source only; phone and address are on
 * the application details, one call per application, which a sync does not make.
 */
import type { HttpClient } from '../../http/client.ts';
import type { Outcome, PageStream, RemoteApplication, RemoteCandidate, RemoteJob, RemoteStage } from '../types.ts';
import { ATS, applicationPages, bambooClient, type BambooApplicationSummary, type BambooHrContext, type BambooJob } from './client.ts';

/**
 * The status groups of GET /applications (`applicationStatus`: ALL, ALL_ACTIVE, NEW, ACTIVE,
 * INACTIVE, HIRED) are BambooHR's own classification, so each group is read on its own and the
 * outcome is the group's: no guessing from a customer's status names.
 */
export const OUTCOME_GROUPS: { applicationStatus: string; outcome: Outcome }[] = [
  { applicationStatus: 'NEW,ACTIVE', outcome: 'PENDING' },
  { applicationStatus: 'HIRED', outcome: 'HIRED' },
  { applicationStatus: 'INACTIVE', outcome: 'DECLINED' },
];

/** Applications of jobs in every state (filled, closed, deleted ones included). */
const JOB_STATUS_GROUPS = 'ALL';

const id = (v: number | string | null | undefined) => (v === null || v === undefined ? null : String(v));

async function* applicationsWithOutcome(client: HttpClient): AsyncGenerator<{ a: BambooApplicationSummary; outcome: Outcome }[]> {
  for (const g of OUTCOME_GROUPS) {
    for await (const page of applicationPages(client, {
      applicationStatus: g.applicationStatus,
      jobStatusGroups: JOB_STATUS_GROUPS,
      sortBy: 'created_date',
      sortOrder: 'ASC',
    })) {
      yield page.map((a) => ({ a, outcome: g.outcome }));
    }
  }
}

/** Job opening status labels (statusGroups: Open, Filled, Draft, Deleted, On Hold, Canceled). */
function jobStatus(label: string | null | undefined): RemoteJob['status'] {
  switch ((label ?? '').toLowerCase()) {
    case 'open':
      return 'OPEN';
    case 'draft':
      return 'DRAFT';
    case 'deleted':
      return 'ARCHIVED';
    case 'filled':
    case 'on hold':
    case 'canceled':
    case 'cancelled':
    case 'closed':
      return 'CLOSED';
    default:
      return null;
  }
}

interface BambooStatus {
  id: string | number;
  code?: string | null;
  name?: string | null;
  enabled?: boolean;
}

/**
 * BambooHR's pipeline is the account's applicant statuses (GET /statuses, the enabled ones),
 * the same for every job opening: they are each job's stages, so PUT .../stage can name one.
 */
async function statusStages(client: HttpClient): Promise<RemoteStage[]> {
  const res = await client.request<BambooStatus[]>({ method: 'GET', path: `${ATS}/statuses` });
  return (Array.isArray(res.data) ? res.data : [])
    .filter((st) => st.enabled !== false)
    .map((st, index) => ({ remote_id: String(st.id), name: st.name ?? null, index }));
}

export function toJob(j: BambooJob, stages: RemoteStage[] = []): RemoteJob {
  const address = (j.location?.address ?? {}) as Record<string, string | null | undefined>;
  return {
    remote_id: String(j.id),
    name: j.title?.label ?? null,
    status: jobStatus(j.status?.label),
    department: j.department?.label ?? null,
    post_url: j.postingUrl ?? null,
    location: j.location
      ? {
          raw: j.location.label ?? null,
          city: address.city ?? null,
          state: address.state ?? null,
          country: address.country ?? null,
          zip_code: address.postalCode ?? address.zipcode ?? null,
        }
      : null,
    opened_at: j.postedDate ?? null,
    remote_created_at: j.postedDate ?? null,
    stages,
  };
}

export function toApplication(a: BambooApplicationSummary, outcome: Outcome): RemoteApplication | null {
  const candidate = id(a.applicant?.id);
  if (!candidate) return null;
  return {
    remote_id: String(a.id),
    candidate_remote_id: candidate,
    job_remote_id: id(a.job?.id),
    current_stage:
      a.status?.id !== undefined && a.status?.id !== null ? { remote_id: String(a.status.id), name: a.status.label ?? null } : null,
    outcome,
    rejection_reason_name: outcome === 'DECLINED' ? (a.status?.label ?? null) : null,
    remote_created_at: a.appliedDate ?? null,
    remote_data: { [`/${ATS}/applications`]: a },
  };
}

export function toCandidate(a: BambooApplicationSummary): RemoteCandidate | null {
  const p = a.applicant;
  const candidate = id(p?.id);
  if (!p || !candidate) return null;
  return {
    remote_id: candidate,
    first_name: p.firstName ?? null,
    last_name: p.lastName ?? null,
    source: p.source ?? null,
    email_addresses: p.email ? [{ email_address: p.email, type: null }] : [],
    remote_created_at: a.appliedDate ?? null,
  };
}

export async function* readJobs(ctx: BambooHrContext): PageStream<RemoteJob> {
  const client = bambooClient(ctx);
  const res = await client.request<BambooJob[]>({ method: 'GET', path: `${ATS}/jobs`, query: { statusGroups: 'ALL' } });
  const stages = Array.isArray(res.data) && res.data.length ? await statusStages(client) : [];
  const jobs = Array.isArray(res.data) ? res.data.map((j) => toJob(j, stages)) : [];
  if (jobs.length) yield jobs;
}

export async function* readApplications(ctx: BambooHrContext): PageStream<RemoteApplication> {
  for await (const page of applicationsWithOutcome(bambooClient(ctx))) {
    const out = page.map(({ a, outcome }) => toApplication(a, outcome)).filter((x): x is RemoteApplication => x !== null);
    if (out.length) yield out;
  }
}

/** Applicants of every application, each once (dated by the first of their applications seen). */
export async function* readCandidates(ctx: BambooHrContext): PageStream<RemoteCandidate> {
  const seen = new Set<string>();
  for await (const page of applicationsWithOutcome(bambooClient(ctx))) {
    const out: RemoteCandidate[] = [];
    for (const { a } of page) {
      const c = toCandidate(a);
      if (c && !seen.has(c.remote_id)) {
        seen.add(c.remote_id);
        out.push(c);
      }
    }
    if (out.length) yield out;
  }
}
