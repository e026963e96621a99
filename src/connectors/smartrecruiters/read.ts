/**
 * Readers over SmartRecruiters' list endpoints. Both `GET /jobs` and `GET /candidates` page with
 * `limit` (max 100) + `pageId`, the next id coming back as `nextPageId`, and both filter with
 * `updatedAfter`. There is no list of applications: an application is a candidate × job pair,
 * carried on each candidate as `primaryAssignment` / `secondaryAssignments`.
 *
 * Two list shapes are thinner than they look (SmartRecruiters' spec, test/specs/smartrecruiters):
 *  - a `GET /jobs` item is a JobSummary, without `typeOfEmployment` and `function`, so each job
 *    is completed with `GET /jobs/{id}` (JobDetails): one call per job read;
 *  - a `GET /candidates` item's `secondaryAssignments[]` hold only `job`, so a candidate with
 *    secondary applications is completed with `GET /candidates/{id}` (CandidateDetails, whose
 *    assignments carry `status`): one call per such candidate. Candidates with only a primary
 *    assignment cost nothing extra.
 * Every call goes through the integration's rate limiter (10 per second), one at a time.
 */
import type { HttpClient } from '../../http/client.ts';
import { paginate, mapPages } from '../helpers/pagination.ts';
import type {
  Outcome,
  PageStream,
  ReadOptions,
  RemoteApplication,
  RemoteCandidate,
  RemoteJob,
  RemoteLocation,
  RemoteStage,
  RemoteSystemRole,
  RemoteUser,
} from '../types.ts';
import { smartRecruitersClient, type SmartRecruitersContext } from './client.ts';

const PAGE_LIMIT = 100;

// ---------------------------------------------------------------------------------------------
// Vendor shapes (only the fields we read)
// ---------------------------------------------------------------------------------------------

interface SrList<T> {
  limit?: number;
  totalFound?: number;
  nextPageId?: string | null;
  content: T[];
}
interface SrLocation {
  country?: string;
  countryCode?: string;
  regionCode?: string;
  region?: string;
  city?: string;
  address?: string;
  postalCode?: string;
}
export interface SrJob {
  id: string;
  title?: string;
  refNumber?: string;
  createdOn?: string;
  updatedOn?: string;
  lastActivityOn?: string;
  status?: string;
  postingStatus?: string;
  department?: { id?: string; label?: string } | null;
  function?: { id?: string; label?: string } | null;
  typeOfEmployment?: { id?: string; label?: string } | null;
  location?: SrLocation | null;
}
/** A list item's secondary assignment has only `job`; CandidateDetails' assignments add `status`. */
export interface SrAssignment {
  job?: { id?: string; title?: string } | null;
  status?: string;
  subStatus?: string | null;
  /** Assignment (CandidateDetails) only, not the list's CandidatePrimaryAssignment [SR-OAS ModelProperty {id, label}]. */
  reasonOfRejection?: { id?: string; label?: string } | null;
}
export interface SrCandidate {
  id: string;
  internal?: boolean;
  firstName?: string;
  lastName?: string;
  email?: string | null;
  phoneNumber?: string | null;
  createdOn?: string;
  updatedOn?: string;
  location?: SrLocation | null;
  tags?: string[];
  web?: Record<string, string | null | undefined> | null;
  primaryAssignment?: SrAssignment | null;
  secondaryAssignments?: SrAssignment[] | null;
}

// ---------------------------------------------------------------------------------------------
// Paging
// ---------------------------------------------------------------------------------------------

function listPages<T>(ctx: SmartRecruitersContext, path: string, opts: ReadOptions): PageStream<T> {
  const http = smartRecruitersClient(ctx);
  return paginate<T, string>(async (pageId) => {
    const res = await http.request<SrList<T>>({
      method: 'GET',
      path,
      query: { limit: PAGE_LIMIT, pageId, updatedAfter: opts.updatedAfter?.toISOString() },
    });
    return { items: res.data?.content ?? [], next: res.data?.nextPageId || null };
  });
}

export async function* readJobs(ctx: SmartRecruitersContext, opts: ReadOptions): PageStream<RemoteJob> {
  const http = smartRecruitersClient(ctx);
  for await (const page of listPages<SrJob>(ctx, '/jobs', opts)) {
    const jobs: RemoteJob[] = [];
    for (const summary of page) jobs.push(mapJob((await jobDetails(http, summary.id)) ?? summary));
    if (jobs.length) yield jobs;
  }
}

/** `GET /jobs/{id}` (JobDetails); null when the job vanished between the list and this call. */
async function jobDetails(http: HttpClient, id: string): Promise<SrJob | null> {
  const res = await http.request<SrJob>({ method: 'GET', path: `/jobs/${encodeURIComponent(id)}`, accept: [404] });
  return res.status === 404 ? null : res.data;
}

export function readCandidates(ctx: SmartRecruitersContext, opts: ReadOptions): PageStream<RemoteCandidate> {
  return mapPages(listPages<SrCandidate>(ctx, '/candidates', opts), mapCandidate);
}

export async function* readApplications(ctx: SmartRecruitersContext, opts: ReadOptions): PageStream<RemoteApplication> {
  const http = smartRecruitersClient(ctx);
  for await (const page of listPages<SrCandidate>(ctx, '/candidates', opts)) {
    const apps: RemoteApplication[] = [];
    for (const listed of page) {
      // The list gives secondary assignments without status: only the details have it.
      const full = listed.secondaryAssignments?.length ? ((await candidateDetails(http, listed.id)) ?? listed) : listed;
      apps.push(...applicationsOf(full));
    }
    if (apps.length) yield apps;
  }
}

/** `GET /candidates/{id}`: the candidate's details and its applications; null once deleted. */
export async function readCandidate(ctx: SmartRecruitersContext, remoteId: string) {
  const details = await candidateDetails(smartRecruitersClient(ctx), remoteId);
  if (!details) return null;
  return { candidate: mapCandidate(details), applications: applicationsOf(details) };
}

/** `GET /candidates/{id}` (CandidateDetails); null when there is no such candidate (any more). */
async function candidateDetails(http: HttpClient, id: string): Promise<SrCandidate | null> {
  const res = await http.request<SrCandidate>({ method: 'GET', path: `/candidates/${encodeURIComponent(id)}`, accept: [404] });
  return res.status === 404 ? null : res.data;
}

// ---------------------------------------------------------------------------------------------
// Mapping
// ---------------------------------------------------------------------------------------------

/**
 * SmartRecruiters' hiring statuses are fixed for every job (companies only add sub-statuses),
 * so they are the stages. REJECTED / WITHDRAWN / TRANSFERRED are outcomes, not steps.
 */
const PIPELINE: [string, string][] = [
  ['LEAD', 'Lead'],
  ['NEW', 'New'],
  ['IN_REVIEW', 'In Review'],
  ['INTERVIEW', 'Interview'],
  ['OFFERED', 'Offered'],
  ['HIRED', 'Hired'],
];
const STAGES: RemoteStage[] = PIPELINE.map(([id, name], index) => ({ remote_id: id, name, index }));

const JOB_STATUS: Record<string, RemoteJob['status']> = {
  CREATED: 'DRAFT',
  SOURCING: 'OPEN',
  INTERVIEW: 'OPEN',
  OFFER: 'OPEN',
  FILLED: 'CLOSED',
  CANCELLED: 'CLOSED',
  ON_HOLD: 'CLOSED',
};
const JOB_VISIBILITY: Record<string, RemoteJob['visibility']> = { PUBLIC: 'PUBLIC', INTERNAL: 'INTERNAL', PRIVATE: 'UNLISTED' };
const EMPLOYMENT: Record<string, RemoteJob['employment_type']> = {
  permanent: 'FULL_TIME',
  'full-time': 'FULL_TIME',
  'part-time': 'PART_TIME',
  contract: 'CONTRACT',
  contractor: 'CONTRACT',
  temporary: 'SEASONAL',
  internship: 'INTERNSHIP',
};

/** Web-app deep links (pattern not in the API docs; see README open questions). */
const APP = 'https://www.smartrecruiters.com/app';

export function mapJob(j: SrJob): RemoteJob {
  return {
    remote_id: j.id,
    name: j.title ?? null,
    job_code: j.refNumber ?? null,
    status: JOB_STATUS[j.status ?? ''] ?? null,
    visibility: JOB_VISIBILITY[j.postingStatus ?? ''] ?? null,
    department: j.department?.label ?? null,
    category: j.function?.label ?? null,
    employment_type: EMPLOYMENT[(j.typeOfEmployment?.id ?? j.typeOfEmployment?.label ?? '').toLowerCase()] ?? null,
    location: mapLocation(j.location),
    remote_url: `${APP}/jobs/details/${j.id}`,
    remote_created_at: j.createdOn ?? null,
    remote_updated_at: j.updatedOn ?? j.lastActivityOn ?? null,
    stages: STAGES,
  };
}

export function mapCandidate(c: SrCandidate): RemoteCandidate {
  const social = Object.entries(c.web ?? {})
    .filter(([, link]) => typeof link === 'string' && link)
    .map(([type, link]) => ({ type, link: link as string, username: null }));
  return {
    remote_id: c.id,
    first_name: c.firstName ?? null,
    last_name: c.lastName ?? null,
    email_addresses: c.email ? [{ email_address: c.email, type: null }] : [],
    phone_numbers: c.phoneNumber ? [{ phone_number: c.phoneNumber, type: null }] : [],
    social_media: social,
    location: mapLocation(c.location),
    tags: (c.tags ?? []).map((name) => ({ remote_id: null, name })),
    remote_url: `${APP}/people/candidates/${c.id}`,
    remote_created_at: c.createdOn ?? null,
    remote_updated_at: c.updatedOn ?? null,
  };
}

/** An application's remote id: SmartRecruiters identifies it by candidate and job. */
export const applicationId = (candidateId: string, jobId: string) => `${candidateId}:${jobId}`;

export function applicationsOf(c: SrCandidate): RemoteApplication[] {
  const assignments = [c.primaryAssignment, ...(c.secondaryAssignments ?? [])];
  const out: RemoteApplication[] = [];
  for (const a of assignments) {
    const jobId = a?.job?.id;
    if (!a || !jobId) continue;
    const stage = STAGES.find((s) => s.remote_id === a.status) ?? null;
    out.push({
      remote_id: applicationId(c.id, jobId),
      candidate_remote_id: c.id,
      job_remote_id: jobId,
      current_stage: stage,
      outcome: outcomeOf(a.status),
      // Only a candidate's details name the reason (the list does not): a one-candidate re-read
      // after a rejection keeps the name atsgate set, a full sync from the list leaves it out.
      ...(a.status === 'REJECTED' && a.reasonOfRejection?.label ? { rejection_reason_name: a.reasonOfRejection.label } : {}),
      // The list carries no per-application timestamps; the candidate's are the closest truth.
      remote_created_at: c.createdOn ?? null,
      remote_updated_at: c.updatedOn ?? null,
      remote_url: `${APP}/people/candidates/${c.id}`,
    });
  }
  return out;
}

function outcomeOf(status: string | undefined): Outcome {
  if (status === 'HIRED') return 'HIRED';
  if (status === 'REJECTED' || status === 'WITHDRAWN') return 'DECLINED';
  return 'PENDING';
}

function mapLocation(l: SrLocation | null | undefined): RemoteLocation | null {
  if (!l) return null;
  const raw = [l.city, l.region, l.country].filter(Boolean).join(', ') || null;
  return {
    city: l.city ?? null,
    state: l.region ?? null,
    country: l.countryCode ? l.countryCode.toUpperCase() : (l.country ?? null),
    street_1: l.address ?? null,
    zip_code: l.postalCode ?? null,
    raw,
  };
}

// ---------------------------------------------------------------------------------------------
// Users
// ---------------------------------------------------------------------------------------------

/**
 * A row of GET /users (Users → UserListItem [SR-RB `users_api.rb` `users_all`,
 * `models/user_list_item.rb`; SR-PY `models/user_list_item.py`]). The 2017 spec names the role
 * `role` (EMPLOYEE, RESTRICTED, STANDARD, EXTENDED, ADMINISTRATOR); the 2024 one `systemRole`,
 * with no type: it is read as a string or as an object with `id`/`name`, whichever comes.
 */
interface SrUser {
  id: string;
  firstName?: string | null;
  lastName?: string | null;
  email?: string | null;
  active?: boolean | null;
  role?: string | null;
  systemRole?: string | { id?: string | null; name?: string | null } | null;
  updatedOn?: string | null;
}

function srRole(u: SrUser): RemoteSystemRole | null {
  const r = u.systemRole ?? u.role ?? null;
  const id = typeof r === 'string' ? r : (r?.id ?? null);
  const label = typeof r === 'string' ? r : (r?.name ?? r?.id ?? null);
  if (!id && !label) return null;
  const admin = [id, label].some((x) => typeof x === 'string' && /^admin/i.test(x));
  return { remote_id: id, remote_label: label, scope: 'SYSTEM', unified_type: admin ? 'ADMIN' : null };
}

/** Users of the company, active or not (`active`), always whole. */
export async function* readUsers(ctx: SmartRecruitersContext): PageStream<RemoteUser> {
  for await (const page of listPages<SrUser>(ctx, 'users', {})) yield page.map(mapUser);
}

export function mapUser(u: SrUser): RemoteUser {
  const role = srRole(u);
  return {
    remote_id: u.id,
    first_name: u.firstName ?? null,
    last_name: u.lastName ?? null,
    email: u.email ?? null,
    status: u.active === true ? 'ACTIVE' : u.active === false ? 'INACTIVE' : null,
    system_roles: role ? [role] : [],
    remote_updated_at: u.updatedOn,
    remote_data: { '/users': u },
  };
}
