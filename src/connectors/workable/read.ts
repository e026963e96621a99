/**
 * Readers. Workable keeps one candidate record per job, so GET /candidates feeds both
 * readCandidates and readApplications: every record becomes a RemoteCandidate and a
 * RemoteApplication sharing its id (README "Data model").
 */
import type { HttpClient } from '../../http/client.ts';
import { paginate } from '../helpers/pagination.ts';
import type {
  Outcome,
  PageStream,
  ReadOptions,
  RemoteApplication,
  RemoteCandidate,
  RemoteJob,
  RemoteLocation,
  RemoteStage,
} from '../types.ts';
import { withScope, workableClient, type WorkableContext } from './client.ts';
import { SCOPES } from './definition.ts';

// ---------------------------------------------------------------------------------------------
// The slice of Workable's v3 JSON used here; every field may be missing or null in practice.
// ---------------------------------------------------------------------------------------------
export interface WkPaging {
  /** Absolute URL of the next page; absent on the last page. */
  next?: string | null;
}

export interface WkLocation {
  location_str?: string | null;
  country?: string | null;
  country_code?: string | null;
  region?: string | null;
  region_code?: string | null;
  city?: string | null;
  zip_code?: string | null;
  telecommuting?: boolean | null;
}

export interface WkJob {
  id: string;
  title?: string | null;
  full_title?: string | null;
  shortcode: string;
  code?: string | null;
  state?: string | null;
  department?: string | null;
  url?: string | null;
  shortlink?: string | null;
  application_url?: string | null;
  employment_type?: string | null;
  location?: WkLocation | null;
  created_at?: string | null;
  updated_at?: string | null;
}

export interface WkStage {
  slug: string;
  name: string;
  kind?: string | null;
  position?: number | null;
}

export interface WkCandidate {
  id: string;
  name?: string | null;
  firstname?: string | null;
  lastname?: string | null;
  headline?: string | null;
  job?: { shortcode?: string | null; title?: string | null } | null;
  /** The stage's name (the list filter takes its slug). */
  stage?: string | null;
  stage_kind?: string | null;
  disqualified?: boolean | null;
  withdrew?: boolean | null;
  disqualification_reason?: string | null;
  disqualified_at?: string | null;
  hired_at?: string | null;
  sourced?: boolean | null;
  profile_url?: string | null;
  address?: string | null;
  phone?: string | null;
  email?: string | null;
  domain?: string | null;
  created_at?: string | null;
  updated_at?: string | null;
  // Only on GET /candidates/:id:
  tags?: string[] | null;
  social_profiles?: { type?: string | null; name?: string | null; username?: string | null; url?: string | null }[] | null;
  location?: WkLocation | null;
}

export interface WkFile {
  name: string;
  /** Pre-signed download URL, valid for hours; needs no Workable auth. */
  preview_url: string;
  source?: string | null;
  kind?: string | null;
}

export interface WkCustomAttribute {
  /** The key `update_custom_attribute_value` takes as `custom_attribute_key`. */
  id: string;
  type: string;
  enabled?: boolean;
  label: string;
  choices?: { id: string; body: string }[];
}

export interface WkMember {
  id: string;
  name?: string | null;
  email?: string | null;
  role?: string | null;
  roles?: string[] | null;
  active?: boolean | null;
}

/** Largest page Workable serves (default 50). */
const PAGE_SIZE = 100;

/** Job states the jobs list filters on; asked one by one because the list defaults to published. */
const JOB_STATES = ['draft', 'published', 'closed', 'archived'] as const;

/** Walks a v3 collection: the first URL with its filters, then each absolute `paging.next`. */
export async function* listPages<T>(http: HttpClient, path: string, key: string, query: Record<string, string | number | undefined>): AsyncGenerator<T[]> {
  yield* paginate<T, string>(async (next) => {
    const res = await http.request<Record<string, unknown> & { paging?: WkPaging }>(
      next ? { method: 'GET', path: next } : { method: 'GET', path, query: { limit: PAGE_SIZE, ...query } },
    );
    const items = (res.data?.[key] as T[] | undefined) ?? [];
    return { items, next: res.data?.paging?.next || null };
  });
}

const updatedAfter = (opts: ReadOptions) => opts.updatedAfter?.toISOString();

// ---------------------------------------------------------------------------------------------
// Jobs
// ---------------------------------------------------------------------------------------------

export async function* readJobs(ctx: WorkableContext, opts: ReadOptions): PageStream<RemoteJob> {
  const http = workableClient(ctx);
  for (const state of JOB_STATES) {
    const pages = listPages<WkJob>(http, 'jobs', 'jobs', { state, updated_after: updatedAfter(opts) });
    for await (const page of withScopeStream(SCOPES.readJobs, 'read jobs', pages)) {
      const jobs: RemoteJob[] = [];
      // Stages are per job in Workable (a job may customise its pipeline).
      for (const job of page) jobs.push(mapJob(job, await readJobStages(http, job.shortcode)));
      yield jobs;
    }
  }
}

async function readJobStages(http: HttpClient, shortcode: string): Promise<RemoteStage[]> {
  const res = await withScope(SCOPES.readJobs, 'read job stages', () =>
    http.request<{ stages?: WkStage[] }>({ method: 'GET', path: `jobs/${encodeURIComponent(shortcode)}/stages`, notFound: `job ${shortcode}` }),
  );
  return (res.data?.stages ?? []).map((s, i) => ({ remote_id: s.slug, name: s.name, index: s.position ?? i }));
}

const JOB_STATUS: Record<string, RemoteJob['status']> = { published: 'OPEN', draft: 'DRAFT', closed: 'CLOSED', archived: 'ARCHIVED' };

function employmentType(raw: string | null | undefined): RemoteJob['employment_type'] {
  const key = (raw ?? '').toLowerCase().replace(/[\s-]+/g, '_');
  const map: Record<string, RemoteJob['employment_type']> = {
    full_time: 'FULL_TIME', part_time: 'PART_TIME', contract: 'CONTRACT', temporary: 'SEASONAL', seasonal: 'SEASONAL', internship: 'INTERNSHIP',
  };
  return map[key] ?? null;
}

export function mapJob(job: WkJob, stages: RemoteStage[]): RemoteJob {
  return {
    remote_id: job.shortcode, // candidates reference their job by shortcode only
    name: job.title ?? job.full_title ?? null,
    job_code: job.code ?? null,
    status: JOB_STATUS[job.state ?? ''] ?? null,
    department: job.department ?? null,
    employment_type: employmentType(job.employment_type),
    post_url: job.url ?? job.shortlink ?? null,
    location: mapLocation(job.location),
    remote_created_at: job.created_at,
    remote_updated_at: job.updated_at ?? job.created_at,
    stages,
  };
}

function mapLocation(loc: WkLocation | null | undefined, raw?: string | null): RemoteLocation | null {
  if (!loc && !raw) return null;
  return {
    raw: loc?.location_str ?? raw ?? null,
    city: loc?.city ?? null,
    state: loc?.region ?? null,
    country: loc?.country_code ?? loc?.country ?? null,
    zip_code: loc?.zip_code ?? null,
  };
}

// ---------------------------------------------------------------------------------------------
// Candidates and applications (the same Workable records)
// ---------------------------------------------------------------------------------------------

function candidatePages(ctx: WorkableContext, opts: ReadOptions): AsyncGenerator<WkCandidate[]> {
  const pages = listPages<WkCandidate>(workableClient(ctx), 'candidates', 'candidates', { updated_after: updatedAfter(opts) });
  return withScopeStream(SCOPES.readCandidates, 'read candidates', pages);
}

export async function* readCandidates(ctx: WorkableContext, opts: ReadOptions): PageStream<RemoteCandidate> {
  for await (const page of candidatePages(ctx, opts)) yield page.map(mapCandidate);
}

export async function* readApplications(ctx: WorkableContext, opts: ReadOptions): PageStream<RemoteApplication> {
  let stages: StageLookup | null = null;
  for await (const page of candidatePages(ctx, opts)) {
    stages ??= await accountStages(workableClient(ctx));
    yield page.map((c) => mapApplication(c, stages!));
  }
}

export async function readCandidate(ctx: WorkableContext, remoteId: string): Promise<{ candidate: RemoteCandidate; applications: RemoteApplication[] } | null> {
  const http = workableClient(ctx);
  const res = await withScope(SCOPES.readCandidates, 'read candidates', () =>
    http.request<{ candidate?: WkCandidate }>({ method: 'GET', path: `candidates/${encodeURIComponent(remoteId)}`, accept: [404] }),
  );
  if (res.status === 404 || !res.data?.candidate) return null;
  const c = res.data.candidate;
  return { candidate: mapCandidate(c), applications: [mapApplication(c, await accountStages(http))] };
}

export function mapCandidate(c: WkCandidate): RemoteCandidate {
  const [first, ...rest] = (c.name ?? '').trim().split(/\s+/);
  return {
    remote_id: c.id,
    first_name: c.firstname ?? (first || null),
    last_name: c.lastname ?? (rest.join(' ') || null),
    title: c.headline ?? null,
    source: c.domain ?? null,
    email_addresses: c.email ? [{ email_address: c.email, type: null }] : [],
    phone_numbers: c.phone ? [{ phone_number: c.phone, type: null }] : [],
    social_media: (c.social_profiles ?? []).map((p) => ({ link: p.url ?? null, type: p.type ?? null, username: p.username ?? null })),
    location: mapLocation(c.location, c.address),
    tags: (c.tags ?? []).map((name) => ({ remote_id: null, name })),
    remote_url: c.profile_url ?? null,
    remote_created_at: c.created_at,
    remote_updated_at: c.updated_at ?? c.created_at,
  };
}

export function outcomeOf(c: WkCandidate): Outcome {
  // Disqualification is the current state even if the candidate was hired before.
  if (c.disqualified || c.withdrew) return 'DECLINED';
  if (c.hired_at || c.stage_kind === 'hired') return 'HIRED';
  return 'PENDING';
}

/** Stage names → account stages (slug is the stable id; the candidate JSON carries the name). */
type StageLookup = Map<string, WkStage>;

async function accountStages(http: HttpClient): Promise<StageLookup> {
  const res = await withScope(SCOPES.readJobs, 'read pipeline stages', () => http.request<{ stages?: WkStage[] }>({ method: 'GET', path: 'stages' }));
  return new Map((res.data?.stages ?? []).map((s) => [s.name.toLowerCase(), s]));
}

const slugify = (name: string) => name.toLowerCase().trim().replace(/[^a-z0-9]+/g, '_').replace(/^_|_$/g, '');

export function mapApplication(c: WkCandidate, stages: StageLookup): RemoteApplication {
  const stage = c.stage ? stages.get(c.stage.toLowerCase()) : undefined;
  const outcome = outcomeOf(c);
  return {
    remote_id: c.id,
    candidate_remote_id: c.id,
    job_remote_id: c.job?.shortcode ?? null,
    current_stage: c.stage ? { remote_id: stage?.slug ?? slugify(c.stage), name: c.stage, index: stage?.position ?? null } : null,
    outcome,
    rejection_reason_name: outcome === 'DECLINED' ? (c.disqualification_reason ?? null) : null,
    rejected_at: outcome === 'DECLINED' ? (c.disqualified_at ?? null) : null,
    remote_url: c.profile_url ?? null,
    remote_created_at: c.created_at,
    remote_updated_at: c.updated_at ?? c.created_at,
  };
}

/** Names the missing scope if any page of the stream is refused with a 403. */
async function* withScopeStream<T>(scope: string, what: string, pages: AsyncGenerator<T[]>): AsyncGenerator<T[]> {
  for (;;) {
    const step = await withScope(scope, what, () => pages.next());
    if (step.done) return;
    yield step.value;
  }
}
