/**
 * Reading Zoho Recruit: the JobOpenings, Candidates and Applications modules through the record
 * list API (`GET /{module}`, [ZR-GET]), changed records only with `If-Modified-Since`. Records
 * are flat objects keyed by field API name; lookups are `{ name, id }`.
 */
import { mapPages } from '../helpers/pagination.ts';
import type { Outcome, ReadOptions, RemoteApplication, RemoteCandidate, RemoteJob } from '../types.ts';
import { modifiedSinceHeader, zohoClient, zohoPages, zohoTime, type ZohoContext } from './client.ts';

export type ZohoRecord = Record<string, any>;

const str = (v: unknown): string | null => (typeof v === 'string' && v.trim() ? v.trim() : typeof v === 'number' ? String(v) : null);

/** A lookup's id: `{ name, id }`, or a bare id. */
export function lookupId(v: unknown): string | null {
  if (v && typeof v === 'object' && 'id' in v) return str((v as { id: unknown }).id);
  return str(v);
}
export const lookupName = (v: unknown): string | null => (v && typeof v === 'object' && 'name' in v ? str((v as any).name) : str(v));

/**
 * A module's records, changed since `updatedAfter` when given. The header asks Zoho to leave
 * the rest out; the rows are also checked against `Modified_Time` here, so a server that ignores
 * the header costs calls but never returns stale rows as changed.
 */
export function records(ctx: ZohoContext, module: string, opts: ReadOptions): AsyncGenerator<ZohoRecord[]> {
  const pages = zohoPages<ZohoRecord>(zohoClient(ctx), module, {}, modifiedSinceHeader(opts.updatedAfter));
  const after = opts.updatedAfter?.getTime();
  if (after === undefined) return pages;
  return mapPages(pages, (r) => {
    const t = zohoTime(r.Modified_Time);
    return t === null || t >= after - 1000 ? r : null;
  });
}

const JOB_STATUS: [RegExp, RemoteJob['status']][] = [
  [/^(in-?progress|open|active)/i, 'OPEN'],
  [/^(draft|waiting for approval|submitted by client)/i, 'DRAFT'],
  [/^(filled|closed|cancelled|canceled|declined|inactive|on-?hold)/i, 'CLOSED'],
];
const EMPLOYMENT: [RegExp, RemoteJob['employment_type']][] = [
  [/full/i, 'FULL_TIME'],
  [/part/i, 'PART_TIME'],
  [/contract|freelance|temporary/i, 'CONTRACT'],
  [/seasonal/i, 'SEASONAL'],
  [/intern|training/i, 'INTERNSHIP'],
];
const pick = <T>(table: [RegExp, T][], value: string | null): T | null =>
  value ? (table.find(([re]) => re.test(value))?.[1] ?? null) : null;

export function toJob(r: ZohoRecord): RemoteJob {
  const status = str(r.Job_Opening_Status);
  return {
    remote_id: String(r.id),
    name: str(r.Posting_Title) ?? str(r.Job_Opening_Name),
    job_code: str(r.Job_Opening_ID),
    description: str(r.Job_Description),
    status: pick(JOB_STATUS, status),
    employment_type: pick(EMPLOYMENT, str(r.Job_Type)),
    department: lookupName(r.Department_Name) ?? lookupName(r.Department),
    category: str(r.Industry),
    location: {
      city: str(r.City),
      state: str(r.State),
      country: str(r.Country),
      zip_code: str(r.Zip_Code),
      raw: [r.City, r.State, r.Country].map(str).filter(Boolean).join(', ') || null,
    },
    opened_at: str(r.Date_Opened),
    remote_created_at: str(r.Created_Time),
    remote_updated_at: str(r.Modified_Time),
  };
}

export function toCandidate(r: ZohoRecord): RemoteCandidate {
  const emails = [
    ['Email', 'PRIMARY'],
    ['Secondary_Email', 'SECONDARY'],
  ].flatMap(([k, type]) => (str(r[k]) ? [{ email_address: str(r[k])!, type }] : []));
  const phones = [
    ['Phone', 'HOME'],
    ['Mobile', 'MOBILE'],
  ].flatMap(([k, type]) => (str(r[k]) ? [{ phone_number: str(r[k])!, type }] : []));
  const tags = Array.isArray(r.Associated_Tags) ? r.Associated_Tags.map((t: any) => ({ remote_id: lookupId(t), name: lookupName(t) })) : [];
  return {
    remote_id: String(r.id),
    first_name: str(r.First_Name),
    last_name: str(r.Last_Name),
    company: str(r.Current_Employer),
    title: str(r.Current_Job_Title),
    source: str(r.Source),
    email_addresses: emails,
    phone_numbers: phones,
    location: { street_1: str(r.Street), city: str(r.City), state: str(r.State), country: str(r.Country), zip_code: str(r.Zip_Code) },
    tags,
    remote_created_at: str(r.Created_Time),
    remote_updated_at: str(r.Modified_Time),
    remote_data: { '/Candidates': r },
  };
}

/**
 * The lookups of an Applications record. Zoho documents the module ([ZR-GET] "application")
 * but not its field API names. A third-party v2 client reads the job as the plain id in
 * `$Job_Opening_Id` and searches `Job_Opening_Name` by the job's title ([TP-PY]); so the `$…_Id`
 * reference fields come first, and a `…_Name` field counts only as a lookup object
 * (`{ name, id }`), never as a bare string (that would be a title, not an id). README "Data model".
 */
const CANDIDATE_KEYS = { ids: ['$Candidate_Id', 'Candidate_Id'], lookups: ['Candidate_Name', 'Candidate'] };
const JOB_KEYS = { ids: ['$Job_Opening_Id', 'Job_Opening_Id'], lookups: ['Job_Opening_Name', 'Job_Opening'] };
function referenceOf(r: ZohoRecord, keys: { ids: string[]; lookups: string[] }): string | null {
  for (const k of keys.ids) {
    const id = str(r[k]);
    if (id) return id;
  }
  for (const k of keys.lookups) {
    const v = r[k];
    if (v && typeof v === 'object' && !Array.isArray(v)) {
      const id = lookupId(v);
      if (id) return id;
    }
  }
  return null;
}

/** A status grouped into a Kombo outcome by its words (Zoho's status lists are per account; README "Outcomes"). */
export function outcomeOf(status: string | null): Outcome | null {
  if (!status) return null;
  if (/\b(hired|joined|converted)\b/i.test(status)) return 'HIRED';
  if (/reject|junk|not[- ]?qualified|unqualified|no[- ]?show|declined|withdrawn|did not join|not interested|on hold/i.test(status))
    return 'DECLINED';
  return 'PENDING';
}

export function toApplication(r: ZohoRecord): RemoteApplication | null {
  const candidate = referenceOf(r, CANDIDATE_KEYS);
  if (!candidate) return null;
  const status = str(r.Application_Status) ?? str(r.Candidate_Status) ?? str(r.Status);
  const outcome = outcomeOf(status);
  return {
    remote_id: String(r.id),
    candidate_remote_id: candidate,
    job_remote_id: referenceOf(r, JOB_KEYS),
    current_stage: status ? { remote_id: status, name: status } : null,
    outcome,
    rejection_reason_name: outcome === 'DECLINED' ? status : null,
    remote_created_at: str(r.Created_Time),
    remote_updated_at: str(r.Modified_Time),
    remote_data: { '/Applications': r },
  };
}

export function readJobs(ctx: ZohoContext, opts: ReadOptions): AsyncGenerator<RemoteJob[]> {
  return mapPages(records(ctx, 'JobOpenings', opts), toJob);
}

export function readCandidates(ctx: ZohoContext, opts: ReadOptions): AsyncGenerator<RemoteCandidate[]> {
  return mapPages(records(ctx, 'Candidates', opts), toCandidate);
}

export function readApplications(ctx: ZohoContext, opts: ReadOptions): AsyncGenerator<RemoteApplication[]> {
  return mapPages(records(ctx, 'Applications', opts), toApplication);
}
