/**
 * Reading Bullhorn. atsgate maps:
 *   job         = JobOrder      (GET search/JobOrder, `isDeleted:0`)
 *   candidate   = Candidate     (GET search/Candidate, `isDeleted:0`; delta by `dateLastModified`)
 *   application = JobSubmission (GET query/JobSubmission, `isDeleted=false`; delta likewise)
 * JobSubmission is not in the search operation's entity list (REST reference "search"), so it is
 * read with query (JPQL). Field names are those of the entity reference; timestamps are epoch
 * milliseconds. The delta filter's literal form is not documented (README "Delta"): a filter
 * Bullhorn refuses (400) is dropped and the rows are filtered here by their dateLastModified.
 */
import type { HttpClient } from '../../http/client.ts';
import type { ReadOptions, RemoteApplication, RemoteCandidate, RemoteJob, RemoteUser } from '../types.ts';
import { bullhornClient, bullhornPages, FilterRefused, timestamp, type BullhornContext, type Entity } from './client.ts';
import { jobResponseStatuses, outcomeOf, stagesOf } from './status.ts';

export const JOB_FIELDS =
  'id,title,description,publicDescription,status,isOpen,isPublic,employmentType,address,dateAdded,dateLastModified,dateClosed';
export const CANDIDATE_FIELDS =
  'id,firstName,lastName,name,email,email2,phone,mobile,workPhone,address,occupation,companyName,source,status,dateAdded,dateLastModified';
export const SUBMISSION_FIELDS = 'id,candidate,jobOrder,status,source,dateAdded,dateLastModified,dateWebResponse';

const str = (v: unknown): string | null => (typeof v === 'string' && v.trim() ? v.trim() : typeof v === 'number' ? String(v) : null);
const idOf = (v: unknown): string | null => (v && typeof v === 'object' && 'id' in v ? str((v as { id: unknown }).id) : null);

/** `yyyyMMddHHmmss` in UTC: the Lucene range form for a date field. */
export function luceneDate(d: Date): string {
  return d.toISOString().replace(/[-:T]/g, '').slice(0, 14);
}

async function* withDelta(
  client: HttpClient,
  path: string,
  query: Record<string, string>,
  filtered: Record<string, string> | null,
  updatedAfter: Date | undefined,
): AsyncGenerator<Entity[]> {
  if (updatedAfter && filtered) {
    try {
      yield* bullhornPages(client, path, filtered, { refusedFilter: true });
      return;
    } catch (err) {
      if (!(err instanceof FilterRefused)) throw err;
    }
  }
  for await (const page of bullhornPages(client, path, query)) {
    yield updatedAfter
      ? page.filter((e) => {
          const t = timestamp(e.dateLastModified);
          return t === null || Date.parse(t) >= updatedAfter.getTime();
        })
      : page;
  }
}

// --------------------------------------------------------------------------------------------
// Jobs
// --------------------------------------------------------------------------------------------

export async function* readJobs(ctx: BullhornContext, _opts: ReadOptions): AsyncGenerator<RemoteJob[]> {
  const client = await bullhornClient(ctx);
  // The corporation's JobSubmission statuses are every job's stages (./status.ts).
  const stages = stagesOf(await jobResponseStatuses(client));
  for await (const page of bullhornPages(client, 'search/JobOrder', { query: 'isDeleted:0', fields: JOB_FIELDS, sort: 'id' })) {
    yield page.map((j) => ({ ...toRemoteJob(j), stages }));
  }
}

const EMPLOYMENT: [RegExp, RemoteJob['employment_type']][] = [
  [/part/i, 'PART_TIME'],
  [/intern/i, 'INTERNSHIP'],
  [/contract|temp|fixed/i, 'CONTRACT'],
  [/seasonal/i, 'SEASONAL'],
  [/perm|direct|full/i, 'FULL_TIME'],
];

export function toRemoteJob(j: Entity): RemoteJob {
  const employment = str(j.employmentType);
  const a = j.address ?? {};
  const hasAddress = [a.city, a.state, a.zip, a.address1].some((v) => str(v));
  // isOpen is the documented open/closed flag; `status` is a customer-configured list.
  const status: RemoteJob['status'] = j.isOpen === true ? 'OPEN' : j.isOpen === false ? 'CLOSED' : null;
  return {
    remote_id: String(j.id),
    name: str(j.title),
    description: str(j.publicDescription) ?? str(j.description),
    status,
    // isPublic: 1 on the job board, 0 not, -1 (REST reference: three values, meaning undocumented).
    visibility: j.isPublic === 1 ? 'PUBLIC' : j.isPublic === 0 ? 'INTERNAL' : null,
    employment_type: employment ? (EMPLOYMENT.find(([re]) => re.test(employment))?.[1] ?? null) : null,
    location: hasAddress
      ? { street_1: str(a.address1), street_2: str(a.address2), city: str(a.city), state: str(a.state), zip_code: str(a.zip) }
      : null,
    remote_created_at: timestamp(j.dateAdded),
    remote_updated_at: timestamp(j.dateLastModified),
    opened_at: timestamp(j.dateAdded),
    closed_at: timestamp(j.dateClosed),
  };
}

// --------------------------------------------------------------------------------------------
// Candidates
// --------------------------------------------------------------------------------------------

export async function* readCandidates(ctx: BullhornContext, opts: ReadOptions): AsyncGenerator<RemoteCandidate[]> {
  const client = await bullhornClient(ctx);
  const base = { query: 'isDeleted:0', fields: CANDIDATE_FIELDS, sort: 'id' };
  const filtered = opts.updatedAfter
    ? { ...base, query: `isDeleted:0 AND dateLastModified:[${luceneDate(opts.updatedAfter)} TO *]` }
    : null;
  for await (const page of withDelta(client, 'search/Candidate', base, filtered, opts.updatedAfter)) {
    if (page.length) yield page.map(toRemoteCandidate);
  }
}

export function toRemoteCandidate(c: Entity): RemoteCandidate {
  const emails = [c.email, c.email2].map(str).filter((e): e is string => !!e);
  const phones: { phone_number: string; type: string | null }[] = [];
  for (const [field, type] of [
    ['mobile', 'MOBILE'],
    ['phone', 'HOME'],
    ['workPhone', 'WORK'],
  ] as const) {
    const p = str(c[field]);
    if (p) phones.push({ phone_number: p, type });
  }
  const a = c.address ?? {};
  const hasAddress = [a.address1, a.city, a.state, a.zip].some((v) => str(v));
  return {
    remote_id: String(c.id),
    first_name: str(c.firstName),
    last_name: str(c.lastName),
    title: str(c.occupation),
    company: str(c.companyName),
    source: str(c.source),
    email_addresses: emails.map((e) => ({ email_address: e, type: null })),
    phone_numbers: phones,
    location: hasAddress
      ? { street_1: str(a.address1), street_2: str(a.address2), city: str(a.city), state: str(a.state), zip_code: str(a.zip) }
      : null,
    remote_created_at: timestamp(c.dateAdded),
    remote_updated_at: timestamp(c.dateLastModified),
    remote_data: { '/search/Candidate': c },
  };
}

// --------------------------------------------------------------------------------------------
// Applications
// --------------------------------------------------------------------------------------------

export async function* readApplications(ctx: BullhornContext, opts: ReadOptions): AsyncGenerator<RemoteApplication[]> {
  const client = await bullhornClient(ctx);
  const base = { where: 'isDeleted=false', fields: SUBMISSION_FIELDS, orderBy: 'id' };
  const filtered = opts.updatedAfter ? { ...base, where: `isDeleted=false AND dateLastModified>=${opts.updatedAfter.getTime()}` } : null;
  for await (const page of withDelta(client, 'query/JobSubmission', base, filtered, opts.updatedAfter)) {
    const out = page.flatMap((s) => toRemoteApplication(s) ?? []);
    if (out.length) yield out;
  }
}

export function toRemoteApplication(s: Entity): RemoteApplication | null {
  const candidateId = idOf(s.candidate);
  if (!candidateId) return null;
  const status = str(s.status);
  const outcome = outcomeOf(status);
  return {
    remote_id: String(s.id),
    candidate_remote_id: candidateId,
    job_remote_id: idOf(s.jobOrder),
    // Bullhorn has no stage entity: the status is the stage, named by its own text.
    current_stage: status ? { remote_id: status, name: status } : null,
    outcome,
    rejection_reason_name: outcome === 'DECLINED' ? status : null,
    rejected_at: outcome === 'DECLINED' ? timestamp(s.dateLastModified) : null,
    remote_created_at: timestamp(s.dateAdded),
    remote_updated_at: timestamp(s.dateLastModified),
    remote_data: { '/query/JobSubmission': s },
  };
}

// --------------------------------------------------------------------------------------------
// Users
// --------------------------------------------------------------------------------------------

export const USER_FIELDS = 'id,firstName,lastName,email,enabled,isDeleted,dateLastModified';

/**
 * GET /v1/ats/users: CorporateUser, "an internal user at an organization" (entity reference),
 * through query (JPQL, `isDeleted=false`). `enabled`: "whether the CorporateUser may log in".
 */
export async function* readUsers(ctx: BullhornContext, _opts: ReadOptions): AsyncGenerator<RemoteUser[]> {
  const client = await bullhornClient(ctx);
  for await (const page of bullhornPages(client, 'query/CorporateUser', { where: 'isDeleted=false', fields: USER_FIELDS, orderBy: 'id' })) {
    if (page.length) yield page.map(toRemoteUser);
  }
}

export function toRemoteUser(u: Entity): RemoteUser {
  return {
    remote_id: String(u.id),
    first_name: str(u.firstName),
    last_name: str(u.lastName),
    email: str(u.email),
    status: u.enabled === true ? 'ACTIVE' : u.enabled === false ? 'INACTIVE' : null,
    remote_updated_at: timestamp(u.dateLastModified),
    remote_data: { '/query/CorporateUser': u },
  };
}
