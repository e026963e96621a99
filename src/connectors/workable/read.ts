/**
 * Readers. Workable keeps one candidate record per job, so GET /candidates feeds both
 * readCandidates and readApplications: every record becomes a RemoteCandidate and a
 * RemoteApplication sharing its id (README "Data model").
 */
import { AtsgateError } from '../../errors.ts';
import type { HttpClient } from '../../http/client.ts';
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
import { listPages } from './paging.ts';

// ---------------------------------------------------------------------------------------------
// The slice of Workable's v3 JSON used here; every field may be missing or null in practice.
// ---------------------------------------------------------------------------------------------
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
  /**
   * The current stage. The docs' field table calls it the stage slug while their example shows
   * the name ("Interview"), so both are accepted (see StageResolver).
   */
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
  /** The catalogue's identifier; sent as `custom_attribute_key` unless a `key` is present. */
  id: string;
  /** Not in the documented catalogue; preferred as the key if Workable ever sends it. */
  key?: string | null;
  type: string;
  enabled?: boolean;
  label: string;
  choices?: { id: string; body: string }[];
}

/** Job states the jobs list filters on; asked one by one because the list defaults to published. */
const JOB_STATES = ['draft', 'published', 'closed', 'archived'] as const;

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
    http.request<{ stages?: WkStage[] }>({
      method: 'GET',
      path: `jobs/${encodeURIComponent(shortcode)}/stages`,
      notFound: `job ${shortcode}`,
    }),
  );
  return (res.data?.stages ?? []).map((s, i) => ({ remote_id: s.slug, name: s.name, index: s.position ?? i }));
}

const JOB_STATUS: Record<string, RemoteJob['status']> = { published: 'OPEN', draft: 'DRAFT', closed: 'CLOSED', archived: 'ARCHIVED' };

function employmentType(raw: string | null | undefined): RemoteJob['employment_type'] {
  const key = (raw ?? '').toLowerCase().replace(/[\s-]+/g, '_');
  const map: Record<string, RemoteJob['employment_type']> = {
    full_time: 'FULL_TIME',
    part_time: 'PART_TIME',
    contract: 'CONTRACT',
    temporary: 'SEASONAL',
    seasonal: 'SEASONAL',
    internship: 'INTERNSHIP',
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
  const stages = new StageResolver(workableClient(ctx));
  for await (const page of candidatePages(ctx, opts)) {
    const apps: RemoteApplication[] = [];
    for (const c of page) apps.push(mapApplication(c, await stages.resolve(c)));
    yield apps;
  }
}

export async function readCandidate(
  ctx: WorkableContext,
  remoteId: string,
): Promise<{ candidate: RemoteCandidate; applications: RemoteApplication[] } | null> {
  const http = workableClient(ctx);
  const res = await withScope(SCOPES.readCandidates, 'read candidates', () =>
    http.request<{ candidate?: WkCandidate }>({ method: 'GET', path: `candidates/${encodeURIComponent(remoteId)}`, accept: [404] }),
  );
  if (res.status === 404 || !res.data?.candidate) return null;
  const c = res.data.candidate;
  return { candidate: mapCandidate(c), applications: [mapApplication(c, await new StageResolver(http).resolve(c))] };
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

/** Stages of one pipeline, findable by slug or (case-insensitively) by name. */
class StageIndex {
  private readonly bySlug = new Map<string, WkStage>();
  private readonly byName = new Map<string, WkStage>();
  constructor(stages: WkStage[]) {
    for (const s of stages) {
      this.bySlug.set(s.slug, s);
      this.byName.set(s.name.toLowerCase(), s);
    }
  }
  find(value: string): WkStage | undefined {
    return this.bySlug.get(value) ?? this.byName.get(value.toLowerCase());
  }
}

/**
 * Turns a candidate's `stage` into the stage it names, whether Workable sent the slug (as the
 * field table says) or the name (as the example shows): the account pipeline (GET /stages) is
 * searched by slug, then by name; a stage only the candidate's job has is looked up in that
 * job's pipeline (GET /jobs/:shortcode/stages, once per job). Pipelines are read lazily.
 */
export class StageResolver {
  private account?: Promise<StageIndex>;
  private readonly jobs = new Map<string, Promise<StageIndex>>();
  constructor(private readonly http: HttpClient) {}

  async resolve(c: WkCandidate): Promise<WkStage | undefined> {
    if (!c.stage) return undefined;
    this.account ??= this.load('stages', 'read pipeline stages');
    const found = (await this.account).find(c.stage);
    const shortcode = c.job?.shortcode;
    if (found || !shortcode) return found;
    let job = this.jobs.get(shortcode);
    if (!job) {
      // Only a nicer name and position are at stake: a job we cannot read keeps the raw value.
      job = this.load(`jobs/${encodeURIComponent(shortcode)}/stages`, 'read job stages').catch((err) => {
        if (err instanceof AtsgateError) return new StageIndex([]);
        throw err;
      });
      this.jobs.set(shortcode, job);
    }
    return (await job).find(c.stage);
  }

  private async load(path: string, what: string): Promise<StageIndex> {
    const res = await withScope(SCOPES.readJobs, what, () => this.http.request<{ stages?: WkStage[] }>({ method: 'GET', path }));
    return new StageIndex(res.data?.stages ?? []);
  }
}

const slugify = (name: string) =>
  name
    .toLowerCase()
    .trim()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_|_$/g, '');

/** `stage`: the pipeline stage the candidate's `stage` value names, if it was found. */
export function mapApplication(c: WkCandidate, stage: WkStage | undefined): RemoteApplication {
  const outcome = outcomeOf(c);
  return {
    remote_id: c.id,
    candidate_remote_id: c.id,
    job_remote_id: c.job?.shortcode ?? null,
    current_stage: c.stage
      ? { remote_id: stage?.slug ?? slugify(c.stage), name: stage?.name ?? c.stage, index: stage?.position ?? null }
      : null,
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
