/**
 * Reading iCIMS. atsgate maps:
 *   job         = Job profile                (POST /search/jobs, GET /jobs/{id})
 *   candidate   = Person profile             (POST /search/people, GET /people/{id})
 *   application = Recruiting Workflow        (POST /search/applicantworkflows, GET /applicantworkflows/{id})
 * The Search API returns ids only; each profile is then read with the fields named (`fields=`).
 * Delta: the search also filters on `<prefix>.updateddate > <cursor>`; if iCIMS refuses that
 * filter, the list is read in full (README, open questions).
 */
import type { HttpClient } from '../../http/client.ts';
import type { Outcome, PageStream, ReadOptions, RemoteApplication, RemoteCandidate, RemoteJob } from '../types.ts';
import {
  FILTER_PREFIX,
  getProfile,
  icimsClient,
  icimsDateTime,
  isoFromIcims,
  searchIds,
  type IcimsContext,
  type IcimsJob,
  type IcimsListValue,
  type IcimsPerson,
  type IcimsWorkflow,
  type ProfileType,
  type SearchFilter,
} from './client.ts';

export const JOB_FIELDS = ['jobtitle', 'jobid', 'folder', 'department', 'location', 'overview', 'createddate', 'updateddate'];
export const PERSON_FIELDS = ['firstname', 'lastname', 'email', 'phones', 'addresses', 'createddate', 'updateddate'];
export const WORKFLOW_FIELDS = ['baseprofile', 'associatedprofile', 'status', 'createddate', 'updateddate'];

/** Profiles read at once per page: the daily call budget is shared, bursts are not needed. */
const PROFILE_CONCURRENCY = 4;

const str = (v: unknown): string | null => (v === undefined || v === null || v === '' ? null : String(v));
const listText = (v: IcimsListValue | string | null | undefined): string | null =>
  typeof v === 'string' ? str(v) : v ? (str(v.value) ?? str(v.formattedvalue)) : null;

/**
 * The delta filter: `updateddate` after the cursor, 20 minutes early. Search results may be
 * served from iCIMS's cache for up to 15 minutes (the default "staleness"), and the filter
 * counts in whole minutes; reading a record twice is harmless, missing one is not.
 */
export function updatedFilter(type: ProfileType, opts: ReadOptions): SearchFilter[] {
  if (!opts.updatedAfter) return [];
  const since = new Date(opts.updatedAfter.getTime() - 20 * 60_000);
  return [{ name: `${FILTER_PREFIX[type]}.updateddate`, value: [icimsDateTime(since)], operator: '>' }];
}

/** Each page of ids becomes a page of profiles; ids that vanished between search and read are skipped. */
async function* profiles<P, T>(
  client: HttpClient,
  type: ProfileType,
  fields: string[],
  opts: ReadOptions,
  map: (id: string, p: P) => T | null,
): AsyncGenerator<T[]> {
  for await (const ids of searchIds(client, type, updatedFilter(type, opts))) {
    const out: T[] = [];
    for (let i = 0; i < ids.length; i += PROFILE_CONCURRENCY) {
      const batch = ids.slice(i, i + PROFILE_CONCURRENCY);
      const read = await Promise.all(batch.map((id) => getProfile<P>(client, type, id, fields)));
      read.forEach((p, k) => {
        const mapped = p ? map(batch[k], p) : null;
        if (mapped) out.push(mapped);
      });
    }
    yield out;
  }
}

/** Job folders (iCIMS's job status): approved/open → OPEN, draft/pending → DRAFT, closed/filled/on hold → CLOSED. */
function jobStatus(j: IcimsJob): RemoteJob['status'] {
  const v = (listText(j.folder) ?? '').toLowerCase();
  if (/draft|pending|template|requisition/.test(v)) return 'DRAFT';
  if (/archiv|cancel|delet/.test(v)) return 'ARCHIVED';
  if (/clos|fill|hold|inactive/.test(v)) return 'CLOSED';
  if (/open|approv|post|active/.test(v)) return 'OPEN';
  return null;
}

export function toJob(id: string, j: IcimsJob): RemoteJob {
  return {
    remote_id: id,
    name: str(j.jobtitle) ?? str(j.title),
    job_code: str(j.jobid),
    description: str(j.overview),
    status: jobStatus(j),
    category: null,
    department: listText(j.department),
    location: j.location?.value ? { raw: j.location.value } : null,
    opened_at: null,
    closed_at: null,
    remote_created_at: isoFromIcims(j.createddate),
    remote_updated_at: isoFromIcims(j.updateddate) ?? isoFromIcims(j.createddate),
  };
}

export function toCandidate(id: string, p: IcimsPerson): RemoteCandidate {
  const address = p.addresses?.[0];
  return {
    remote_id: id,
    first_name: str(p.firstname),
    last_name: str(p.lastname),
    email_addresses: p.email ? [{ email_address: p.email, type: null }] : [],
    phone_numbers: (p.phones ?? [])
      .filter((ph) => typeof ph.phonenumber === 'string' && ph.phonenumber)
      .map((ph) => ({ phone_number: ph.phonenumber!, type: listText(ph.phonetype) })),
    social_media: [],
    location: address
      ? {
          street_1: str(address.addressstreet1),
          street_2: str(address.addressstreet2),
          city: str(address.addresscity),
          state: listText(address.addressstate),
          zip_code: str(address.addresszip),
          country: listText(address.addresscountry),
        }
      : null,
    remote_created_at: isoFromIcims(p.createddate),
    remote_updated_at: isoFromIcims(p.updateddate) ?? isoFromIcims(p.createddate),
    remote_data: { [`/people/${id}`]: p },
  };
}

/**
 * Outcome from the Recruiting Workflow status (customer-configured text such as "Candidate:
 * Rejected", "Offer: Hired"): hired → HIRED; rejected, declined, withdrawn, not selected → DECLINED.
 */
export function outcomeOf(w: IcimsWorkflow): Outcome {
  const s = (listText(w.status) ?? '').toLowerCase();
  if (/\bhired\b/.test(s) && !/not hired/.test(s)) return 'HIRED';
  if (/reject|declin|withdr|not selected|not hired|disqualif|decline/.test(s)) return 'DECLINED';
  return 'PENDING';
}

export function toApplication(id: string, w: IcimsWorkflow): RemoteApplication | null {
  const candidate = str(w.associatedprofile?.id);
  if (!candidate) return null;
  const outcome = outcomeOf(w);
  const status = listText(w.status);
  return {
    remote_id: id,
    candidate_remote_id: candidate,
    job_remote_id: str(w.baseprofile?.id),
    current_stage: status ? { remote_id: str(w.status?.id) ?? status, name: status } : null,
    outcome,
    rejection_reason_name: outcome === 'DECLINED' ? status : null,
    remote_created_at: isoFromIcims(w.createddate),
    remote_updated_at: isoFromIcims(w.updateddate) ?? isoFromIcims(w.createddate),
    remote_data: { [`/applicantworkflows/${id}`]: w },
  };
}

export function readJobs(ctx: IcimsContext, opts: ReadOptions): PageStream<RemoteJob> {
  return profiles<IcimsJob, RemoteJob>(icimsClient(ctx), 'jobs', JOB_FIELDS, opts, toJob);
}

export function readCandidates(ctx: IcimsContext, opts: ReadOptions): PageStream<RemoteCandidate> {
  return profiles<IcimsPerson, RemoteCandidate>(icimsClient(ctx), 'people', PERSON_FIELDS, opts, toCandidate);
}

export function readApplications(ctx: IcimsContext, opts: ReadOptions): PageStream<RemoteApplication> {
  return profiles<IcimsWorkflow, RemoteApplication>(icimsClient(ctx), 'applicantworkflows', WORKFLOW_FIELDS, opts, toApplication);
}
