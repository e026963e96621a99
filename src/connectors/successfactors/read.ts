/**
 * Reading SuccessFactors Recruiting (OData v2). atsgate maps:
 *   job         = JobRequisition (title and description from its JobRequisitionLocale rows)
 *   candidate   = Candidate
 *   application = JobApplication (stage = its JobApplicationStatus, outcome from `status`)
 * Each list is one query followed by `__next` (server-side paging). Delta: `$filter` on
 * `lastModifiedDateTime`, the field SAP recommends for incremental reads (KBA 2735876).
 */
import type { HttpClient } from '../../http/client.ts';
import type { Outcome, PageStream, ReadOptions, RemoteApplication, RemoteCandidate, RemoteJob, RemoteStage, RemoteUser } from '../types.ts';
import { dateTimeOffsetLiteral, isoFromOData, odataPages, odataQuery, sfClient, type SfContext } from './client.ts';

export const JOB_SELECT = [
  'jobReqId',
  'jobCode',
  'internalStatus',
  'isDraft',
  'deleted',
  'closedDateTime',
  'createdDateTime',
  'lastModifiedDateTime',
  'department_obj_code',
  'location_obj_code',
  'country',
  'defaultLanguage',
  'statusSetId',
  'jobReqLocale/locale',
  'jobReqLocale/jobTitle',
  'jobReqLocale/externalTitle',
  'jobReqLocale/jobDescription',
];
export const CANDIDATE_SELECT = [
  'candidateId',
  'firstName',
  'lastName',
  'primaryEmail',
  'contactEmail',
  'cellPhone',
  'homePhone',
  'address',
  'city',
  'zip',
  'country',
  'creationDateTime',
  'lastModifiedDateTime',
];
export const APPLICATION_SELECT = [
  'applicationId',
  'candidateId',
  'jobReqId',
  'status',
  'appStatusSetItemId',
  'applicationDate',
  'lastModifiedDateTime',
  'jobAppStatus/appStatusId',
  'jobAppStatus/appStatusName',
];

export interface SfJobLocale {
  locale?: string | null;
  jobTitle?: string | null;
  externalTitle?: string | null;
  jobDescription?: string | null;
}
export interface SfJob {
  jobReqId?: string | number | null;
  jobCode?: string | null;
  internalStatus?: string | null;
  isDraft?: boolean | null;
  deleted?: string | boolean | null;
  closedDateTime?: string | null;
  createdDateTime?: string | null;
  lastModifiedDateTime?: string | null;
  department_obj_code?: string | null;
  location_obj_code?: string | null;
  country?: string | null;
  defaultLanguage?: string | null;
  statusSetId?: string | number | null;
  jobReqLocale?: { results?: SfJobLocale[] } | SfJobLocale[] | null;
}
export interface SfCandidate {
  candidateId?: string | number | null;
  firstName?: string | null;
  lastName?: string | null;
  primaryEmail?: string | null;
  contactEmail?: string | null;
  cellPhone?: string | null;
  homePhone?: string | null;
  address?: string | null;
  city?: string | null;
  zip?: string | null;
  country?: string | null;
  creationDateTime?: string | null;
  lastModifiedDateTime?: string | null;
}
export interface SfApplication {
  applicationId?: string | number | null;
  candidateId?: string | number | null;
  jobReqId?: string | number | null;
  status?: string | null;
  appStatusSetItemId?: string | number | null;
  applicationDate?: string | null;
  lastModifiedDateTime?: string | null;
  jobAppStatus?: { appStatusId?: string | number | null; appStatusName?: string | null } | null;
}

const str = (v: unknown): string | null => (v === undefined || v === null || v === '' ? null : String(v));
/** A to-many navigation as OData v2 JSON expands it: `{ results: [...] }` (or a bare array). */
const many = <T>(v: { results?: T[] } | T[] | null | undefined): T[] => (Array.isArray(v) ? v : (v?.results ?? []));

/** `$filter=lastModifiedDateTime gt …` for a delta read; nothing for a full one. */
export function deltaQuery(opts: ReadOptions): Record<string, string> {
  return opts.updatedAfter ? { $filter: `lastModifiedDateTime gt ${dateTimeOffsetLiteral(opts.updatedAfter)}` } : {};
}

async function* mapped<V, T>(pages: AsyncGenerator<V[]>, map: (v: V) => T | null): AsyncGenerator<T[]> {
  for await (const page of pages) {
    const out = page.map(map).filter((x): x is T => x !== null);
    if (out.length) yield out;
  }
}

/** The requisition's title and description in its default language, else en_US, else the first locale. */
function localeOf(j: SfJob): SfJobLocale | null {
  const rows = many(j.jobReqLocale);
  return rows.find((r) => r.locale && r.locale === j.defaultLanguage) ?? rows.find((r) => r.locale === 'en_US') ?? rows[0] ?? null;
}

/** isDraft → DRAFT; deleted → ARCHIVED; closed (closedDateTime or internal status) → CLOSED; approved/open → OPEN. */
function jobStatus(j: SfJob): RemoteJob['status'] {
  if (j.isDraft === true) return 'DRAFT';
  if (j.deleted === true || String(j.deleted ?? '').toLowerCase() === 'true' || /delet/i.test(j.internalStatus ?? '')) return 'ARCHIVED';
  if (j.closedDateTime || /clos|fill|cancel/i.test(j.internalStatus ?? '')) return 'CLOSED';
  if (/approv|open/i.test(j.internalStatus ?? '')) return 'OPEN';
  if (/pre-?approv|draft/i.test(j.internalStatus ?? '')) return 'DRAFT';
  return null;
}

export function toJob(j: SfJob, stages: RemoteStage[] = []): RemoteJob | null {
  const id = str(j.jobReqId);
  if (!id) return null;
  const locale = localeOf(j);
  return {
    remote_id: id,
    name: str(locale?.jobTitle) ?? str(locale?.externalTitle),
    job_code: str(j.jobCode),
    description: str(locale?.jobDescription),
    status: jobStatus(j),
    department: str(j.department_obj_code),
    location: j.location_obj_code || j.country ? { raw: str(j.location_obj_code) ?? str(j.country), country: str(j.country) } : null,
    closed_at: isoFromOData(j.closedDateTime),
    remote_created_at: isoFromOData(j.createdDateTime),
    remote_updated_at: isoFromOData(j.lastModifiedDateTime) ?? isoFromOData(j.createdDateTime),
    stages,
  };
}

export interface SfStatus {
  appStatusSetId?: string | number | null;
  appStatusId?: string | number | null;
  appStatusName?: string | null;
}

/**
 * The statuses of one application status set (`JobApplicationStatus?$filter=appStatusSetId eq …L`),
 * in id order: a requisition's stages. An application's status (`appStatusSetItemId`, its
 * `jobAppStatus`) is one of its requisition's set (KBA 2883239). Null when the entity cannot be
 * read (403/404): the jobs then list no stages.
 */
export async function statusSet(client: HttpClient, setId: string): Promise<SfStatus[] | null> {
  if (!/^[0-9]+$/.test(setId)) return null;
  const res = await odataQuery<SfStatus>(
    client,
    'JobApplicationStatus',
    { $filter: `appStatusSetId eq ${setId}`, $select: 'appStatusSetId,appStatusId,appStatusName' },
    [400, 403, 404],
  );
  if (res.status >= 400) return null;
  return [...res.items].sort((a, b) => Number(a.appStatusId) - Number(b.appStatusId));
}

export const stagesOf = (statuses: SfStatus[]): RemoteStage[] =>
  statuses
    .filter((s) => s.appStatusId !== null && s.appStatusId !== undefined)
    .map((s, index) => ({ remote_id: String(s.appStatusId), name: str(s.appStatusName), index }));

export function toCandidate(c: SfCandidate): RemoteCandidate | null {
  const id = str(c.candidateId);
  if (!id) return null;
  const emails = [...new Set([c.primaryEmail, c.contactEmail].filter((e): e is string => typeof e === 'string' && !!e))];
  const phones = [
    ...(c.cellPhone ? [{ phone_number: c.cellPhone, type: 'MOBILE' }] : []),
    ...(c.homePhone ? [{ phone_number: c.homePhone, type: 'HOME' }] : []),
  ];
  return {
    remote_id: id,
    first_name: str(c.firstName),
    last_name: str(c.lastName),
    email_addresses: emails.map((e) => ({ email_address: e, type: null })),
    phone_numbers: phones,
    social_media: [],
    location:
      c.address || c.city || c.zip || c.country
        ? { street_1: str(c.address), street_2: null, city: str(c.city), state: null, zip_code: str(c.zip), country: str(c.country) }
        : null,
    remote_created_at: isoFromOData(c.creationDateTime),
    remote_updated_at: isoFromOData(c.lastModifiedDateTime) ?? isoFromOData(c.creationDateTime),
    remote_data: { [`/Candidate(${id}L)`]: c },
  };
}

/**
 * Outcome: the application's internal `status` (Open, Disqualified, Closed, Withdraw, … —
 * KBA 2541688) and its status name: a "hired" status → HIRED; Disqualified, Withdraw or a
 * rejected/declined status → DECLINED; anything else PENDING.
 */
export function outcomeOf(a: SfApplication): Outcome {
  const name = (a.jobAppStatus?.appStatusName ?? '').toLowerCase();
  if (/\bhired\b/.test(name) && !/not hired/.test(name)) return 'HIRED';
  if (/disqualif|withdr/i.test(a.status ?? '') || /reject|disqualif|declin|withdr|not hired/.test(name)) return 'DECLINED';
  return 'PENDING';
}

export function toApplication(a: SfApplication): RemoteApplication | null {
  const id = str(a.applicationId);
  const candidate = str(a.candidateId);
  if (!id || !candidate) return null;
  const outcome = outcomeOf(a);
  const stageName = str(a.jobAppStatus?.appStatusName);
  const stageId = str(a.jobAppStatus?.appStatusId) ?? str(a.appStatusSetItemId);
  return {
    remote_id: id,
    candidate_remote_id: candidate,
    job_remote_id: str(a.jobReqId),
    current_stage: stageId || stageName ? { remote_id: stageId ?? stageName!, name: stageName } : null,
    outcome,
    rejection_reason_name: outcome === 'DECLINED' ? (stageName ?? str(a.status)) : null,
    remote_created_at: isoFromOData(a.applicationDate),
    remote_updated_at: isoFromOData(a.lastModifiedDateTime) ?? isoFromOData(a.applicationDate),
    remote_data: { [`/JobApplication(${id}L)`]: a },
  };
}

function list<V>(client: HttpClient, entity: string, select: string[], expand: string[], opts: ReadOptions): AsyncGenerator<V[]> {
  return odataPages<V>(client, entity, {
    $select: select.join(','),
    ...(expand.length ? { $expand: expand.join(',') } : {}),
    ...deltaQuery(opts),
  });
}

/** Jobs page by page, each with the stages of its status set (one read per set, kept for the whole sync). */
export async function* readJobs(ctx: SfContext, opts: ReadOptions): PageStream<RemoteJob> {
  const client = sfClient(ctx);
  const sets = new Map<string, RemoteStage[]>();
  for await (const page of list<SfJob>(client, 'JobRequisition', JOB_SELECT, ['jobReqLocale'], opts)) {
    const out: RemoteJob[] = [];
    for (const j of page) {
      const setId = str(j.statusSetId);
      if (setId && !sets.has(setId)) sets.set(setId, stagesOf((await statusSet(client, setId)) ?? []));
      const job = toJob(j, setId ? sets.get(setId) : []);
      if (job) out.push(job);
    }
    if (out.length) yield out;
  }
}

export function readCandidates(ctx: SfContext, opts: ReadOptions): PageStream<RemoteCandidate> {
  return mapped(list<SfCandidate>(sfClient(ctx), 'Candidate', CANDIDATE_SELECT, [], opts), toCandidate);
}

export function readApplications(ctx: SfContext, opts: ReadOptions): PageStream<RemoteApplication> {
  return mapped(list<SfApplication>(sfClient(ctx), 'JobApplication', APPLICATION_SELECT, ['jobAppStatus'], opts), toApplication);
}

/**
 * One candidate and its applications, read again after a vendor webhook named them
 * (src/webhooks/vendor/): `Candidate?$filter=candidateId eq …` and
 * `JobApplication?$filter=candidateId eq …` (the same entities, selects and expand as the sync;
 * filters on the Int64 key as the writes use them). Null: no such candidate (deleted).
 */
export async function readCandidate(
  ctx: SfContext,
  remoteId: string,
): Promise<{ candidate: RemoteCandidate; applications: RemoteApplication[] } | null> {
  if (!/^[0-9]{1,19}$/.test(remoteId)) return null; // SuccessFactors candidate ids are Int64
  const client = sfClient(ctx);
  const filter = `candidateId eq ${remoteId}`;
  let candidate: RemoteCandidate | null = null;
  for await (const page of odataPages<SfCandidate>(client, 'Candidate', { $select: CANDIDATE_SELECT.join(','), $filter: filter }))
    for (const c of page) candidate ??= toCandidate(c);
  if (!candidate) return null;
  const applications: RemoteApplication[] = [];
  const appQuery = { $select: APPLICATION_SELECT.join(','), $expand: 'jobAppStatus', $filter: filter };
  for await (const page of odataPages<SfApplication>(client, 'JobApplication', appQuery))
    for (const a of page) {
      const app = toApplication(a);
      if (app) applications.push(app);
    }
  return { candidate, applications };
}

export interface SfUser {
  userId?: string | null;
  firstName?: string | null;
  lastName?: string | null;
  email?: string | null;
  status?: string | null;
  lastModifiedDateTime?: string | null;
}

/** `User.status`: `t`/`active` → ACTIVE, `f`/`inactive` → INACTIVE (other values, e.g. pending, unknown). */
function userStatus(v: string | null | undefined): RemoteUser['status'] {
  if (!v) return null;
  if (/^(t|active)$/i.test(v)) return 'ACTIVE';
  if (/^(f|inactive)$/i.test(v)) return 'INACTIVE';
  return null;
}

export function toUser(u: SfUser): RemoteUser | null {
  const id = str(u.userId);
  if (!id) return null;
  return {
    remote_id: id,
    first_name: str(u.firstName),
    last_name: str(u.lastName),
    email: str(u.email),
    status: userStatus(u.status),
    remote_updated_at: isoFromOData(u.lastModifiedDateTime),
  };
}

/** The platform's users (`User`): recruiters, hiring managers and commentators are users. */
export function readUsers(ctx: SfContext, opts: ReadOptions): PageStream<RemoteUser> {
  return mapped(
    list<SfUser>(sfClient(ctx), 'User', ['userId', 'firstName', 'lastName', 'email', 'status', 'lastModifiedDateTime'], [], opts),
    toUser,
  );
}
