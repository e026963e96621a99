/**
 * Reading Recruitee: offers (= jobs, with their pipeline stages), candidates, and each
 * candidate's placements (= applications: a candidate on an offer, in a stage).
 *
 * Recruitee has no updated-since filter on GET /candidates, so `updatedAfter` is applied
 * here, after reading; the sync cannot save requests with it (definition.deltaSync = false).
 *
 * Offers: the default `scope` of GET /offers is undocumented (the deprecated `active` lists only
 * published and closed offers), so the connector asks for `not_archived` and then `archived`,
 * which together are every offer; `view_mode=default` is the mode in which a public client
 * reads `pipeline_template.stages`. Offers are paginated since December 2025 (page, limit), so
 * each scope is walked page by page. An offer whose payload still has no stages gets them from
 * GET /offers/{id}/placements (grouped by stage). See README "Provenance".
 */
import type { HttpClient } from '../../http/client.ts';
import { splitName } from '../helpers/names.ts';
import type { Outcome, PageStream, ReadOptions, RemoteApplication, RemoteCandidate, RemoteJob, RemoteStage } from '../types.ts';
import { recruiteeClient, type RecruiteeContext } from './client.ts';

// ---------------------------------------------------------------------------------------------
// Recruitee payloads (the fields we use)
// ---------------------------------------------------------------------------------------------

export interface RecruiteeStage {
  id: number;
  name: string;
  category?: string | null;
  position?: number | null;
}

export interface RecruiteeOffer {
  id: number;
  title: string;
  kind?: 'job' | 'talent_pool' | string;
  status?: string | null;
  description?: string | null;
  department?: string | null;
  employment_type_code?: string | null;
  employment_type?: string | null;
  min_hours?: number | null;
  max_hours?: number | null;
  location?: string | null;
  city?: string | null;
  state_name?: string | null;
  country_code?: string | null;
  postal_code?: string | null;
  careers_url?: string | null;
  created_at?: string | null;
  updated_at?: string | null;
  published_at?: string | null;
  closed_at?: string | null;
  pipeline_template?: { stages?: RecruiteeStage[] } | null;
  adminapp_url?: string | null;
}

export interface RecruiteeField {
  id: number | null;
  name: string;
  kind: string;
  values?: Record<string, unknown>[];
}

export interface RecruiteePlacement {
  id: number;
  candidate_id?: number;
  offer_id: number | null;
  stage_id: number | null;
  created_at?: string | null;
  updated_at?: string | null;
  disqualified_at?: string | null;
  disqualify_reason?: string | { id?: number; name?: string | null } | null;
  hired_at?: string | null;
}

export interface RecruiteeCandidate {
  id: number;
  name?: string | null;
  emails?: string[] | null;
  phones?: string[] | null;
  social_links?: string[] | null;
  links?: string[] | null;
  source?: string | null;
  tags?: (string | { id?: number; name?: string })[] | null;
  created_at?: string | null;
  updated_at?: string | null;
  placements?: RecruiteePlacement[] | null;
  fields?: RecruiteeField[] | null;
  cv_url?: string | null;
  cv_original_url?: string | null;
  /** The candidate's page in the Recruitee app, as Recruitee gives it. */
  adminapp_url?: string | null;
}

/** Page size asked for; Recruitee returns everything when `limit` is absent, so always send it. */
export const CANDIDATE_PAGE_SIZE = 100;
/** Offers per page asked for (the server may cap it lower; the walk does not rely on it). */
export const OFFER_PAGE_SIZE = 100;
/** Together these scopes are every offer, whatever the undocumented default is. */
const OFFER_SCOPES = ['not_archived', 'archived'] as const;

// ---------------------------------------------------------------------------------------------
// Readers
// ---------------------------------------------------------------------------------------------

export async function* readJobs(ctx: RecruiteeContext, opts: ReadOptions): PageStream<RemoteJob> {
  const offers = await fetchOffers(recruiteeClient(ctx));
  const jobs = offers
    .filter(isJob)
    .filter((o) => changedSince(opts.updatedAfter, o.updated_at))
    .map(mapJob);
  if (jobs.length) yield jobs;
}

export async function* readCandidates(ctx: RecruiteeContext, opts: ReadOptions): PageStream<RemoteCandidate> {
  for await (const page of candidatePages(recruiteeClient(ctx))) {
    const mapped = page.filter((c) => candidateChangedSince(opts.updatedAfter, c)).map(mapCandidate);
    if (mapped.length) yield mapped;
  }
}

export async function* readApplications(ctx: RecruiteeContext, opts: ReadOptions): PageStream<RemoteApplication> {
  const http = recruiteeClient(ctx);
  const offers = new OfferIndex(await fetchOffers(http));
  for await (const page of candidatePages(http)) {
    const apps: RemoteApplication[] = [];
    for (const c of page) {
      for (const p of c.placements ?? []) {
        if (!changedSince(opts.updatedAfter, p.updated_at ?? c.updated_at)) continue;
        const app = mapPlacement(c, p, offers);
        if (app) apps.push(app);
      }
    }
    if (apps.length) yield apps;
  }
}

/** GET /candidates/{id}: the candidate with its placements, or null when Recruitee has no such candidate. */
export async function readCandidate(
  ctx: RecruiteeContext,
  remoteId: string,
): Promise<{ candidate: RemoteCandidate; applications: RemoteApplication[] } | null> {
  const http = recruiteeClient(ctx);
  const c = await fetchCandidate(http, remoteId);
  if (!c) return null;
  const offers = new OfferIndex(await fetchOffers(http));
  const applications = (c.placements ?? []).map((p) => mapPlacement(c, p, offers)).filter((a): a is RemoteApplication => a !== null);
  return { candidate: mapCandidate(c), applications };
}

// ---------------------------------------------------------------------------------------------
// Vendor calls
// ---------------------------------------------------------------------------------------------

/** Every offer (jobs and talent pools) with its pipeline stages; see the header comment. */
export async function fetchOffers(http: HttpClient): Promise<RecruiteeOffer[]> {
  const byId = new Map<number, RecruiteeOffer>();
  for (const scope of OFFER_SCOPES) {
    for await (const page of offerPages(http, scope)) for (const o of page) byId.set(o.id, o);
  }
  const offers = [...byId.values()];
  for (const o of offers) {
    if (isJob(o) && !o.pipeline_template?.stages?.length) {
      const stages = await offerPipeline(http, o.id);
      if (stages.length) o.pipeline_template = { ...o.pipeline_template, stages };
    }
  }
  return offers;
}

/**
 * GET /offers?scope=&view_mode=default&page=&limit=. The walk ends on an empty page, a page with
 * nothing new (a server that ignores `page`), or once `meta.total_count` offers were seen.
 */
async function* offerPages(http: HttpClient, scope: string): AsyncGenerator<RecruiteeOffer[]> {
  const seen = new Set<number>();
  for (let page = 1; ; page++) {
    const res = await http.request<{ offers?: RecruiteeOffer[]; meta?: { total_count?: number } }>({
      method: 'GET',
      path: 'offers',
      query: { scope, view_mode: 'default', page, limit: OFFER_PAGE_SIZE },
    });
    const fresh = (res.data?.offers ?? []).filter((o) => !seen.has(o.id));
    if (!fresh.length) return;
    fresh.forEach((o) => seen.add(o.id));
    yield fresh;
    const total = res.data?.meta?.total_count;
    if (typeof total === 'number' && seen.size >= total) return;
  }
}

/** GET /offers/{id}/placements: the offer's pipeline, grouped by stage; [] if Recruitee has none. */
async function offerPipeline(http: HttpClient, offerId: number): Promise<RecruiteeStage[]> {
  const res = await http.request<{ stages?: (RecruiteeStage & { placements?: unknown })[] }>({
    method: 'GET',
    path: `offers/${offerId}/placements`,
    accept: [404],
  });
  if (res.status === 404) return [];
  return (res.data?.stages ?? []).map(({ id, name, category, position }) => ({ id, name, category, position }));
}

/** GET /candidates/{id}; null on 404 (deleted or never existed). */
export async function fetchCandidate(http: HttpClient, remoteId: string): Promise<RecruiteeCandidate | null> {
  const res = await http.request<{ candidate: RecruiteeCandidate }>({
    method: 'GET',
    path: `candidates/${encodeURIComponent(remoteId)}`,
    accept: [404],
  });
  return res.status === 404 ? null : res.data.candidate;
}

/**
 * GET /candidates with limit/offset (next offset = offset + what came back). A short page does
 * not end the walk, since the server may cap `limit`; an empty page, or a page with nothing
 * new (a server ignoring offset), does.
 */
export async function* candidatePages(http: HttpClient): AsyncGenerator<RecruiteeCandidate[]> {
  const seen = new Set<number>();
  for (let offset = 0; ; ) {
    const res = await http.request<{ candidates: RecruiteeCandidate[] }>({
      method: 'GET',
      path: 'candidates',
      query: { limit: CANDIDATE_PAGE_SIZE, offset, sort: 'by_date' },
    });
    const page = (res.data?.candidates ?? []).filter((c) => !seen.has(c.id));
    if (page.length === 0) return;
    page.forEach((c) => seen.add(c.id));
    yield page;
    offset += res.data.candidates.length;
  }
}

// ---------------------------------------------------------------------------------------------
// Mapping
// ---------------------------------------------------------------------------------------------

/** Stages by id across all offers' pipelines, and which offers are talent pools. */
export class OfferIndex {
  private readonly stages = new Map<number, { stage: RecruiteeStage; index: number }>();
  private readonly talentPools = new Set<number>();

  constructor(offers: RecruiteeOffer[]) {
    for (const o of offers) {
      if (!isJob(o)) this.talentPools.add(o.id);
      offerStages(o).forEach((stage, index) => this.stages.set(stage.id, { stage, index }));
    }
  }

  stage(id: number | null): { stage: RecruiteeStage; index: number } | undefined {
    return id === null ? undefined : this.stages.get(id);
  }

  isTalentPool(offerId: number | null): boolean {
    return offerId !== null && this.talentPools.has(offerId);
  }
}

const isJob = (o: RecruiteeOffer) => (o.kind ?? 'job') !== 'talent_pool';

const offerStages = (o: RecruiteeOffer) => [...(o.pipeline_template?.stages ?? [])].sort((a, b) => (a.position ?? 0) - (b.position ?? 0));

const toRemoteStage = (s: RecruiteeStage, index: number): RemoteStage => ({ remote_id: String(s.id), name: s.name, index });

const JOB_STATUS: Record<string, RemoteJob['status']> = {
  published: 'OPEN',
  internal: 'OPEN',
  draft: 'DRAFT',
  closed: 'CLOSED',
  archived: 'ARCHIVED',
};

function employmentType(code: string | null | undefined): RemoteJob['employment_type'] {
  const c = (code ?? '').toLowerCase();
  if (!c) return null;
  if (c.includes('intern')) return 'INTERNSHIP';
  if (c.includes('part')) return 'PART_TIME';
  if (c.includes('full')) return 'FULL_TIME';
  if (c.includes('contract') || c.includes('freelance')) return 'CONTRACT';
  if (c.includes('season') || c.includes('temporary')) return 'SEASONAL';
  return null;
}

export function mapJob(o: RecruiteeOffer): RemoteJob {
  const status = JOB_STATUS[o.status ?? ''] ?? null;
  return {
    remote_id: String(o.id),
    name: o.title,
    description: o.description ?? null,
    status,
    visibility: o.status === 'published' ? 'PUBLIC' : o.status === 'internal' ? 'INTERNAL' : null,
    employment_type: employmentType(o.employment_type_code ?? o.employment_type),
    weekly_hours: o.max_hours ?? o.min_hours ?? null,
    department: o.department ?? null,
    post_url: o.status === 'published' ? (o.careers_url ?? null) : null,
    location: {
      raw: o.location ?? null,
      city: o.city ?? null,
      state: o.state_name ?? null,
      country: o.country_code ?? null,
      zip_code: o.postal_code ?? null,
    },
    opened_at: o.published_at ?? null,
    closed_at: o.closed_at ?? null,
    remote_url: o.adminapp_url ?? null,
    remote_created_at: o.created_at ?? null,
    remote_updated_at: o.updated_at ?? null,
    stages: offerStages(o).map(toRemoteStage),
  };
}

/** Profile fields as `{ name: value }`; a multi-value field keeps its list. */
export function fieldValues(fields: RecruiteeField[] | null | undefined): Record<string, unknown> | null {
  if (!fields?.length) return null;
  const out: Record<string, unknown> = {};
  for (const f of fields) {
    const values = (f.values ?? []).map((v) => v.text ?? v.number ?? v.flag ?? v.value ?? v.country_code ?? v);
    out[f.name] = values.length === 0 ? null : values.length === 1 ? values[0] : values;
  }
  return out;
}

export function mapCandidate(c: RecruiteeCandidate): RemoteCandidate {
  return {
    remote_id: String(c.id),
    ...splitName(c.name),
    source: c.source ?? null,
    email_addresses: (c.emails ?? []).filter(Boolean).map((e) => ({ email_address: e, type: null })),
    phone_numbers: (c.phones ?? []).filter(Boolean).map((p) => ({ phone_number: p, type: null })),
    social_media: [...(c.social_links ?? []), ...(c.links ?? [])].map((link) => ({ link })),
    custom_fields: fieldValues(c.fields),
    tags: (c.tags ?? []).map((t) =>
      typeof t === 'string' ? { remote_id: null, name: t } : { remote_id: t.id != null ? String(t.id) : null, name: t.name ?? null },
    ),
    // Recruitee returns the app link itself; we never build one.
    remote_url: c.adminapp_url ?? null,
    remote_created_at: c.created_at ?? null,
    remote_updated_at: c.updated_at ?? null,
  };
}

/** Disqualified → DECLINED; a stage in the "hire" category (or hired_at) → HIRED. */
function outcome(p: RecruiteePlacement, stage: RecruiteeStage | undefined): Outcome {
  if (p.disqualify_reason || p.disqualified_at) return 'DECLINED';
  if (p.hired_at || stage?.category === 'hire') return 'HIRED';
  return 'PENDING';
}

const reasonName = (r: RecruiteePlacement['disqualify_reason']) => (typeof r === 'string' ? r : (r?.name ?? null));

/** A placement on a job is an application; placements in talent pools are not. */
export function mapPlacement(c: RecruiteeCandidate, p: RecruiteePlacement, offers: OfferIndex): RemoteApplication | null {
  if (offers.isTalentPool(p.offer_id)) return null;
  const found = offers.stage(p.stage_id);
  const result = outcome(p, found?.stage);
  return {
    remote_id: String(p.id),
    candidate_remote_id: String(c.id),
    job_remote_id: p.offer_id !== null ? String(p.offer_id) : null,
    current_stage: found
      ? toRemoteStage(found.stage, found.index)
      : p.stage_id !== null
        ? { remote_id: String(p.stage_id), name: null }
        : null,
    outcome: result,
    rejection_reason_name: result === 'DECLINED' ? reasonName(p.disqualify_reason) : null,
    rejected_at: result === 'DECLINED' ? (p.disqualified_at ?? null) : null,
    remote_url: c.adminapp_url ?? null,
    remote_created_at: p.created_at ?? null,
    remote_updated_at: p.updated_at ?? null,
  };
}

function changedSince(after: Date | undefined, ts: string | null | undefined): boolean {
  if (!after || !ts) return true;
  return Date.parse(ts) >= after.getTime();
}

/** A candidate counts as changed when it or one of its placements changed (Kombo's rule). */
function candidateChangedSince(after: Date | undefined, c: RecruiteeCandidate): boolean {
  if (!after) return true;
  return [c.updated_at, ...(c.placements ?? []).map((p) => p.updated_at)].some((ts) => ts && Date.parse(ts) >= after.getTime());
}
