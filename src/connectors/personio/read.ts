/**
 * Reading Personio's Recruiting API v2. atsgate maps:
 *   job         = GET /v2/recruiting/jobs
 *   candidate   = GET /v2/recruiting/candidates
 *   application = GET /v2/recruiting/applications (candidate and job by id, current stage)
 * Every list is sorted "by last updated date, newest first" and takes `updated_at.gt` for a
 * delta. Field shapes are unconfirmed beyond ids and names (the reference pages could only be
 * read in excerpts; README "open questions"), so every mapper reads defensively.
 */
import { mapPages } from '../helpers/pagination.ts';
import type { Outcome, PageStream, ReadOptions, RemoteApplication, RemoteCandidate, RemoteJob, RemoteStage } from '../types.ts';
import { personioClient, personioPages, type PersonioContext } from './client.ts';

/**
 * A v2 timestamp. The vendor's common components define `DateTimeWithTimezone` as
 * `{ date, timezone }` with "no offset from UTC"; third-party clients report
 * `{ "date-time", timezone }` on recruiting records and plain ISO strings elsewhere. All three
 * are read; a value without an offset is UTC, as the vendor's description says.
 */
export type PersonioTimestamp = string | { date?: string; 'date-time'?: string; timezone?: string } | null | undefined;

export function parseTimestamp(v: PersonioTimestamp): Date | null {
  const raw = typeof v === 'string' ? v : v && typeof v === 'object' ? (v.date ?? v['date-time']) : undefined;
  if (typeof raw !== 'string' || !raw.trim()) return null;
  const s = raw.trim();
  const hasZone = /(?:Z|[+-]\d{2}:?\d{2})$/i.test(s) || !s.includes('T');
  const d = new Date(hasZone ? s : `${s}Z`);
  return Number.isNaN(d.getTime()) ? null : d;
}

interface Named {
  id?: string | number | null;
  name?: string | null;
}

export interface PersonioJob {
  id: string | number;
  name?: string | null;
  status?: string | null;
  department?: Named | null;
  category?: Named | null;
  employment_type?: string | null;
  created_at?: PersonioTimestamp;
  updated_at?: PersonioTimestamp;
}

export interface PersonioCandidate {
  id: string | number;
  first_name?: string | null;
  last_name?: string | null;
  email?: string | null;
  phone?: string | null;
  location?: string | null;
  linkedin_profile?: string | null;
  created_at?: PersonioTimestamp;
  updated_at?: PersonioTimestamp;
}

export interface PersonioStage {
  id?: string | number | null;
  name?: string | null;
  kind?: string | null;
  type?: string | null;
}

export interface PersonioApplication {
  id: string | number;
  candidate?: { id?: string | number | null } | null;
  job?: { id?: string | number | null } | null;
  current_stage?: PersonioStage | null;
  channel?: Named | null;
  application_date?: string | null;
  created_at?: PersonioTimestamp;
  updated_at?: PersonioTimestamp;
}

const str = (v: unknown): string | null => (v === undefined || v === null || v === '' ? null : String(v));

/**
 * `updated_at.gt` is strictly after, and Personio's timestamps may be rounded to the second, so
 * a record changed in the same second as the cursor could be skipped: ask from one second
 * earlier. Records seen twice are simply upserted again.
 */
export function updatedFilter(opts: ReadOptions): Record<string, string | undefined> {
  return opts.updatedAfter ? { 'updated_at.gt': new Date(opts.updatedAfter.getTime() - 1000).toISOString() } : {};
}

/** Job status from a free-form state; Personio's list of job states is not published (README). */
function jobStatus(s: string | null | undefined): RemoteJob['status'] {
  const v = (s ?? '').toLowerCase();
  if (!v) return null;
  if (/open|active|publish/.test(v)) return 'OPEN';
  if (/draft|unpublish/.test(v)) return 'DRAFT';
  if (/archiv/.test(v)) return 'ARCHIVED';
  if (/close|fill|inactive/.test(v)) return 'CLOSED';
  return null;
}

export function toJob(j: PersonioJob): RemoteJob {
  return {
    remote_id: String(j.id),
    name: j.name ?? null,
    status: jobStatus(j.status),
    department: j.department?.name ?? null,
    category: j.category?.name ?? null,
    remote_created_at: parseTimestamp(j.created_at),
    remote_updated_at: parseTimestamp(j.updated_at ?? j.created_at),
  };
}

export function toCandidate(c: PersonioCandidate): RemoteCandidate {
  return {
    remote_id: String(c.id),
    first_name: c.first_name ?? null,
    last_name: c.last_name ?? null,
    email_addresses: c.email ? [{ email_address: c.email, type: null }] : [],
    phone_numbers: c.phone ? [{ phone_number: c.phone, type: null }] : [],
    social_media: c.linkedin_profile ? [{ link: c.linkedin_profile, type: 'LINKEDIN', username: null }] : [],
    location: c.location ? { raw: c.location } : null,
    remote_created_at: parseTimestamp(c.created_at),
    remote_updated_at: parseTimestamp(c.updated_at ?? c.created_at),
    remote_data: { [`/v2/recruiting/candidates/${c.id}`]: c },
  };
}

/**
 * Outcome from the current stage. Personio's stage `type`/`kind` values are not published in
 * what could be read (README, open questions): "hired" means hired, "rejected", "declined",
 * "withdrawn" or "archived" mean declined, anything else is pending.
 */
export function outcomeOf(stage: PersonioStage | null | undefined): Outcome {
  const words = [stage?.type, stage?.kind].map((v) => (v ?? '').toLowerCase()).join(' ');
  if (/hired/.test(words)) return 'HIRED';
  if (/reject|declin|withdraw|archiv/.test(words)) return 'DECLINED';
  return 'PENDING';
}

function stageOf(stage: PersonioStage | null | undefined): RemoteStage | null {
  if (!stage) return null;
  const id = str(stage.id) ?? str(stage.type) ?? str(stage.kind);
  return id ? { remote_id: id, name: stage.name ?? null } : null;
}

export function toApplication(a: PersonioApplication): RemoteApplication | null {
  const candidate = str(a.candidate?.id);
  // An application always belongs to a candidate; one without (anonymised data) cannot be linked.
  if (!candidate) return null;
  const outcome = outcomeOf(a.current_stage);
  return {
    remote_id: String(a.id),
    candidate_remote_id: candidate,
    job_remote_id: str(a.job?.id),
    current_stage: stageOf(a.current_stage),
    outcome,
    rejection_reason_name: null,
    remote_created_at: parseTimestamp(a.created_at) ?? parseTimestamp(a.application_date),
    remote_updated_at: parseTimestamp(a.updated_at ?? a.created_at),
    remote_data: { [`/v2/recruiting/applications/${a.id}`]: a },
  };
}

/**
 * Jobs are read in full even on a delta: the candidates and applications pages document
 * `updated_at.gt`, the jobs page could not be read that far, and a company has few jobs.
 */
export function readJobs(ctx: PersonioContext, _opts: ReadOptions): PageStream<RemoteJob> {
  return mapPages(personioPages<PersonioJob>(personioClient(ctx), 'v2/recruiting/jobs', {}), toJob);
}

export function readCandidates(ctx: PersonioContext, opts: ReadOptions): PageStream<RemoteCandidate> {
  return mapPages(personioPages<PersonioCandidate>(personioClient(ctx), 'v2/recruiting/candidates', updatedFilter(opts)), toCandidate);
}

export function readApplications(ctx: PersonioContext, opts: ReadOptions): PageStream<RemoteApplication> {
  return mapPages(
    personioPages<PersonioApplication>(personioClient(ctx), 'v2/recruiting/applications', updatedFilter(opts)),
    toApplication,
  );
}
