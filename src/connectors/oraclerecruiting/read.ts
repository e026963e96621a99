/**
 * Reading Oracle Recruiting Cloud. atsgate maps:
 *   job         = job requisition (GET /recruitingJobRequisitions), remote id = RequisitionNumber
 *   candidate   = candidate (GET /recruitingCandidates), remote id = CandidateNumber
 *   application = job application (GET /recruitingJobApplications), remote id = JobApplicationId
 * Every read carries `onlyData=true` and pages by `limit`/`offset`/`hasMore`; candidates and
 * applications take the `LastUpdateDate` delta filter (./client.ts). Attribute names follow
 * Oracle's resource pages and HCM Data Loader objects; those no source we could read settles
 * are read when present and null otherwise (README "Data model").
 */
import type { HttpClient } from '../../http/client.ts';
import type { Outcome, ReadOptions, RemoteApplication, RemoteCandidate, RemoteJob } from '../types.ts';
import { PAGE_SIZE, oracleClient, oracleWalk, type Collection, type OracleContext, type Row, type WalkSpec } from './client.ts';

const str = (v: unknown): string | null => (typeof v === 'string' && v.trim() ? v : typeof v === 'number' ? String(v) : null);
/** The later of two Oracle timestamps (a row's own and its "last modified" one that children also move). */
const later = (a: unknown, b: unknown): string | null => {
  const [x, y] = [typeof a === 'string' ? a : null, typeof b === 'string' ? b : null];
  if (!x || !y) return x ?? y;
  return Date.parse(y) > Date.parse(x) ? y : x;
};
const words = (...vs: unknown[]) =>
  vs
    .map((v) => (typeof v === 'string' ? v : ''))
    .join(' ')
    .toLowerCase();

/**
 * How each collection is walked (./client.ts oracleWalk): its key, and the date attributes to
 * window by, most precise first. CandLastModifiedDate and RequisitionLastModifiedDate are the
 * ones a third-party loader filters and orders by ([TP-APEX] pkg_rest_recruiting); LastUpdateDate
 * is on every row; LastModifiedDate is on job application rows ([TP-APEX]).
 */
export const WALKS: Record<'requisitions' | 'candidates' | 'applications', WalkSpec> = {
  requisitions: { key: 'RequisitionNumber', dates: ['RequisitionLastModifiedDate', 'LastUpdateDate'] },
  candidates: { key: 'CandidateNumber', dates: ['CandLastModifiedDate', 'LastUpdateDate'] },
  applications: { key: 'JobApplicationId', dates: ['LastModifiedDate', 'LastUpdateDate'] },
};

// --------------------------------------------------------------------------------------------
// Jobs
// --------------------------------------------------------------------------------------------

/** Every read returns every requisition (the list is small next to candidates); the walk gets past the offset cap. */
export async function* readJobs(ctx: OracleContext, _opts: ReadOptions): AsyncGenerator<RemoteJob[]> {
  for await (const rows of oracleWalk(oracleClient(ctx), 'recruitingJobRequisitions', WALKS.requisitions)) {
    const jobs = rows.flatMap((r) => toRemoteJob(r) ?? []);
    if (jobs.length) yield jobs;
  }
}

/**
 * A requisition's status from its current phase and state (Oracle's requisition phases include
 * Draft, Pending Approval, Open and Closed; the attribute names are read in every plausible
 * spelling, codes and names).
 */
export function jobStatus(r: Row): RemoteJob['status'] {
  const text = words(r.CurrentPhaseName, r.CurrentPhaseCode, r.CurrentStateName, r.CurrentStateCode, r.PhaseName, r.StateName, r.Status);
  if (!text.trim()) return null;
  if (/cancel|delete|archiv/.test(text)) return 'ARCHIVED';
  if (/clos|fill|complete/.test(text)) return 'CLOSED';
  if (/draft|pending|approv|new/.test(text)) return 'DRAFT';
  if (/open|post|sourcing/.test(text)) return 'OPEN';
  return null;
}

export function toRemoteJob(r: Row): RemoteJob | null {
  const number = str(r.RequisitionNumber);
  if (!number) return null;
  return {
    remote_id: number,
    name: str(r.Title) ?? str(r.RequisitionTitle),
    job_code: number,
    description: str(r.ExternalDescription) ?? str(r.InternalDescription) ?? str(r.ShortDescription),
    status: jobStatus(r),
    employment_type: /part/i.test(String(r.FullTimeOrPartTime ?? ''))
      ? 'PART_TIME'
      : /full/i.test(String(r.FullTimeOrPartTime ?? ''))
        ? 'FULL_TIME'
        : null,
    department: str(r.Department) ?? str(r.DepartmentName) ?? str(r.OrganizationName),
    location: (str(r.PrimaryLocation) ?? str(r.PrimaryLocationName)) ? { raw: str(r.PrimaryLocation) ?? str(r.PrimaryLocationName) } : null,
    remote_created_at: r.CreationDate ?? null,
    remote_updated_at: later(r.LastUpdateDate, r.RequisitionLastModifiedDate),
  };
}

// --------------------------------------------------------------------------------------------
// Candidates
// --------------------------------------------------------------------------------------------

export async function* readCandidates(ctx: OracleContext, opts: ReadOptions): AsyncGenerator<RemoteCandidate[]> {
  for await (const rows of oracleWalk(oracleClient(ctx), 'recruitingCandidates', WALKS.candidates, opts.updatedAfter)) {
    const out = rows.flatMap((r) => toRemoteCandidate(r) ?? []);
    if (out.length) yield out;
  }
}

export function toRemoteCandidate(r: Row): RemoteCandidate | null {
  const number = str(r.CandidateNumber);
  if (!number) return null;
  const email = str(r.Email) ?? str(r.EmailAddress);
  const phone = str(r.PhoneNumber) ?? str(r.MobilePhoneNumber);
  return {
    remote_id: number,
    first_name: str(r.FirstName) ?? str(r.KnownAs),
    last_name: str(r.LastName),
    email_addresses: email ? [{ email_address: email, type: null }] : [],
    phone_numbers: phone ? [{ phone_number: phone, type: null }] : [],
    source: str(r.SourceName) ?? str(r.Source),
    remote_created_at: r.CreationDate ?? null,
    remote_updated_at: later(r.LastUpdateDate, r.CandLastModifiedDate),
    remote_data: { '/recruitingCandidates': r },
  };
}

// --------------------------------------------------------------------------------------------
// Applications
// --------------------------------------------------------------------------------------------

/**
 * An application names its candidate by CandidateNumber where the row has it; the job
 * applications resource is documented with the candidate's person id (`CandidatePersonId`), so
 * rows without the number are resolved through recruitingCandidates, a page's persons at once
 * (`q=PersonId = a or PersonId = b …`, expression syntax) and each person once per read. A
 * server that refuses the combined filter (400) gets one paged read of every candidate's
 * CandidateNumber and PersonId instead (fewer calls than one per person). An application whose
 * person is not among the candidates the user may see is left out, as Oracle's data security
 * leaves the candidate out.
 */
export async function* readApplications(ctx: OracleContext, opts: ReadOptions): AsyncGenerator<RemoteApplication[]> {
  const client = oracleClient(ctx);
  const persons: Persons = { numbers: new Map(), scanned: false };
  for await (const rows of oracleWalk(client, 'recruitingJobApplications', WALKS.applications, opts.updatedAfter)) {
    const unknown = rows.filter((r) => !str(r.CandidateNumber)).map((r) => str(r.CandidatePersonId));
    await resolvePersons(client, unknown, persons);
    const out: RemoteApplication[] = [];
    for (const r of rows) {
      const person = str(r.CandidatePersonId);
      const candidate = str(r.CandidateNumber) ?? (person ? (persons.numbers.get(person) ?? null) : null);
      const app = candidate ? toRemoteApplication(r, candidate) : null;
      if (app) out.push(app);
    }
    if (out.length) yield out;
  }
}

/** Persons per combined lookup: keeps the URL short (a person id is up to 18 digits). */
export const PERSONS_PER_LOOKUP = 25;
const PERSON_FIELDS = 'CandidateNumber,PersonId';

interface Persons {
  /** PersonId → CandidateNumber (null: not among the candidates this user sees). */
  numbers: Map<string, string | null>;
  /** Every candidate was read once (the combined filter was refused): nothing more to ask. */
  scanned: boolean;
}

async function resolvePersons(client: HttpClient, ids: (string | null)[], persons: Persons): Promise<void> {
  if (persons.scanned) return;
  const todo = [...new Set(ids.filter((id): id is string => !!id && /^[0-9]+$/.test(id) && !persons.numbers.has(id)))];
  for (let i = 0; i < todo.length; i += PERSONS_PER_LOOKUP) {
    const batch = todo.slice(i, i + PERSONS_PER_LOOKUP);
    const q = batch.map((id) => `PersonId = ${id}`).join(' or ');
    for (const id of batch) persons.numbers.set(id, null);
    for (let offset = 0; ; ) {
      const res = await client.request<Collection>({
        method: 'GET',
        path: 'recruitingCandidates',
        query: { q, onlyData: 'true', limit: String(PAGE_SIZE), offset: String(offset), fields: PERSON_FIELDS },
        accept: offset === 0 ? [400] : undefined,
      });
      if (res.status === 400) {
        for await (const rows of oracleWalk(client, 'recruitingCandidates', WALKS.candidates)) remember(rows, persons);
        persons.scanned = true;
        return;
      }
      const items = Array.isArray(res.data?.items) ? res.data.items : [];
      remember(items, persons);
      if (!items.length || res.data?.hasMore !== true) break;
      offset += items.length;
    }
  }
}

function remember(rows: Row[], persons: Persons): void {
  for (const r of rows) {
    const person = str(r.PersonId);
    const number = str(r.CandidateNumber);
    if (person && number) persons.numbers.set(person, number);
  }
}

/**
 * Oracle's candidate selection process: a phase (New, Review, Interview and Selection, Offer,
 * HR, Hired…) and a state within it; rejections and withdrawals are states ("Rejected by
 * Employer", "Withdrawn by Candidate"). The names are customer-configurable, so the outcome is
 * read from the names and the DisqualifiedFlag, hired wins.
 */
export function outcomeOf(r: Row): Outcome {
  const text = words(r.PhaseName, r.StateName, r.PhaseCode, r.StateCode);
  if (/\bhired?\b|hire completed/.test(text)) return 'HIRED';
  if (/reject|withdr|declin|disqualif/.test(text) || r.DisqualifiedFlag === true || r.DisqualifiedFlag === 'Y') return 'DECLINED';
  return 'PENDING';
}

export function toRemoteApplication(r: Row, candidateNumber: string): RemoteApplication | null {
  const id = str(r.JobApplicationId);
  if (!id) return null;
  const phaseId = str(r.PhaseId);
  const stateId = str(r.StateId);
  const name = [str(r.PhaseName), str(r.StateName)].filter(Boolean).join(' - ') || null;
  const outcome = outcomeOf(r);
  return {
    remote_id: id,
    candidate_remote_id: candidateNumber,
    job_remote_id: str(r.RequisitionNumber),
    current_stage: phaseId || stateId ? { remote_id: `${phaseId ?? ''}:${stateId ?? ''}`, name } : null,
    outcome,
    rejection_reason_name: outcome === 'DECLINED' ? (str(r.ReasonName) ?? str(r.StateName)) : null,
    rejected_at: outcome === 'DECLINED' ? (r.LastUpdateDate ?? null) : null,
    remote_created_at: r.JobApplicationDate ?? r.CreationDate ?? null,
    remote_updated_at: later(r.LastUpdateDate, r.LastModifiedDate),
    remote_data: { '/recruitingJobApplications': r },
  };
}
