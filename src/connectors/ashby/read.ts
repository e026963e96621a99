/**
 * Readers: Ashby's `*.list` endpoints walked with `cursor`/`nextCursor`/`moreDataAvailable`,
 * mapped to the Remote* models.
 *
 * Delta reads: Ashby has no `updatedAfter` filter; its incremental sync is an opaque `syncToken`
 * handed out on the last page of a walk ("changes since then"). The connector interface speaks in
 * instants, so we remember per endpoint the last token and when we received it (ctx.cache). A
 * delta read sends that token when it was received at or before `updatedAfter` (then it covers at
 * least the asked window); otherwise, or when Ashby refuses the token (expired, invalid, or the
 * change set too large for an incremental walk), we drop it and walk everything, keeping records
 * with `updatedAt >= updatedAfter`.
 */
import { AtsgateError } from '../../errors.ts';
import type {
  Outcome,
  PageStream,
  ReadOptions,
  RemoteApplication,
  RemoteCandidate,
  RemoteJob,
  RemoteLocation,
  RemoteStage,
  RemoteUser,
} from '../types.ts';
import { AshbyApiError, ashbyClient, type AshbyClient, type AshbyContext, type AshbyEndpoint } from './client.ts';

// ---------------------------------------------------------------------------------------------
// Ashby's shapes (the fields we use; see candidate.info / application.list / job.list references)
// ---------------------------------------------------------------------------------------------

export interface AshbyContact {
  value: string;
  type?: string | null;
  isPrimary?: boolean;
}
export interface AshbyFileHandle {
  id: string;
  name: string;
  handle: string;
}
export interface AshbyCustomFieldValue {
  id: string;
  title: string;
  value: unknown;
  valueLabel?: unknown;
}

export interface AshbyCandidate {
  id: string;
  createdAt?: string | null;
  updatedAt?: string | null;
  name?: string | null;
  primaryEmailAddress?: AshbyContact | null;
  emailAddresses?: AshbyContact[];
  phoneNumbers?: AshbyContact[];
  socialLinks?: { type?: string | null; url?: string | null }[];
  tags?: { id: string; title: string }[];
  position?: string | null;
  company?: string | null;
  applicationIds?: string[];
  resumeFileHandle?: AshbyFileHandle | null;
  fileHandles?: AshbyFileHandle[];
  customFields?: AshbyCustomFieldValue[];
  profileUrl?: string | null;
  source?: { id: string; title: string } | null;
  location?: { locationSummary?: string | null; locationComponents?: { type: string; name: string }[] } | null;
}

export interface AshbyApplication {
  id: string;
  createdAt?: string | null;
  updatedAt?: string | null;
  status?: 'Active' | 'Hired' | 'Archived' | 'Lead' | string;
  customFields?: AshbyCustomFieldValue[];
  candidate: { id: string; name?: string | null };
  currentInterviewStage?: { id: string; title?: string | null; orderInInterviewPlan?: number | null } | null;
  archiveReason?: { id: string; text?: string | null } | null;
  archivedAt?: string | null;
  job?: { id: string; title?: string | null } | null;
}

export interface AshbyJob {
  id: string;
  title?: string | null;
  confidential?: boolean | null;
  status?: 'Open' | 'Closed' | 'Archived' | 'Draft' | string;
  employmentType?: string | null;
  customRequisitionId?: string | null;
  defaultInterviewPlanId?: string | null;
  interviewPlanIds?: string[];
  customFields?: AshbyCustomFieldValue[];
  createdAt?: string | null;
  updatedAt?: string | null;
  openedAt?: string | null;
  closedAt?: string | null;
  location?: {
    name?: string | null;
    address?: { postalAddress?: { addressCountry?: string; addressRegion?: string; addressLocality?: string } };
  } | null;
}

interface AshbyStage {
  id: string;
  title?: string | null;
  orderInInterviewPlan?: number | null;
}

// ---------------------------------------------------------------------------------------------
// Walking a list endpoint
// ---------------------------------------------------------------------------------------------

/** Ashby's documented maximum (and default) page size. */
const PAGE_LIMIT = 100;

/**
 * Codes after which the sync token must be thrown away and everything walked again:
 * `incremental_sync_too_large` ("discard their current syncToken and perform a full sync",
 * changelog 2026-05-14), and an expired or undecodable token (`sync_token_expired`,
 * `sync_token_invalid`, changelog 2026-08-04 and the pagination guide).
 */
const TOKEN_UNUSABLE = new Set(['incremental_sync_too_large', 'sync_token_expired', 'sync_token_invalid']);
/** A cursor that expired or cannot be decoded (changelog 2026-08-04): the walk starts again from page one. */
const CURSOR_UNUSABLE = new Set(['next_cursor_expired', 'invalid_next_cursor']);
/** Restarts of one walk after a cursor error before we give up: a walk that keeps losing its cursor is not converging. */
const MAX_CURSOR_RESTARTS = 2;

interface SyncMemo {
  token: string;
  receivedAt: number;
}
/** One list endpoint with its fixed request fields. */
interface Walk {
  ctx: AshbyContext;
  api: AshbyClient;
  endpoint: AshbyEndpoint;
  extra: Record<string, unknown>;
}

const memoKey = (endpoint: AshbyEndpoint) => `ashby:syncToken:${endpoint}`;
const ashbyCodeOf = (err: unknown) => (err instanceof AshbyApiError ? err.ashbyCode : null);

export async function* walkList<T extends { updatedAt?: string | null }>(
  ctx: AshbyContext,
  api: AshbyClient,
  endpoint: AshbyEndpoint,
  extra: Record<string, unknown>,
  opts: ReadOptions,
): AsyncGenerator<T[]> {
  const memo = ctx.cache.get(memoKey(endpoint)) as SyncMemo | undefined;
  const since = opts.updatedAfter?.getTime();
  const token = since !== undefined && memo && memo.receivedAt <= since ? memo.token : undefined;
  const walk: Walk = { ctx, api, endpoint, extra };
  try {
    yield* walkRestartingOnCursorErrors<T>(walk, token, token ? undefined : since);
  } catch (err) {
    const code = ashbyCodeOf(err);
    if (!(token && code && TOKEN_UNUSABLE.has(code))) throw err;
    // Forget the refused token before anything else can fail, so no later read sends it again.
    ctx.cache.delete(memoKey(endpoint));
    // Ashby asks for a full sync; filter it ourselves so the caller still gets a delta. Records
    // already yielded by the failed incremental walk come again: upserts make that harmless.
    yield* walkRestartingOnCursorErrors<T>(walk, undefined, since);
  }
}

/** One walk; when Ashby says the cursor expired or is invalid, the same walk again from page one (bounded). */
async function* walkRestartingOnCursorErrors<T extends { updatedAt?: string | null }>(
  walk: Walk,
  syncToken: string | undefined,
  keepSince: number | undefined,
): AsyncGenerator<T[]> {
  for (let restarts = 0; ; restarts++) {
    try {
      yield* walkPages<T>(walk, syncToken, keepSince);
      return;
    } catch (err) {
      const code = ashbyCodeOf(err);
      if (!(code && CURSOR_UNUSABLE.has(code)) || restarts >= MAX_CURSOR_RESTARTS) throw err;
    }
  }
}

async function* walkPages<T extends { updatedAt?: string | null }>(
  { ctx, api, endpoint, extra }: Walk,
  syncToken: string | undefined,
  keepSince: number | undefined,
): AsyncGenerator<T[]> {
  let cursor: string | undefined;
  for (;;) {
    // The token goes with the cursor on every page of an incremental walk: the spec's list
    // examples send both (`{cursor: "qA", syncToken: "6W05prn4d"}`).
    const page = await api.call<T[]>(endpoint, {
      ...extra,
      limit: PAGE_LIMIT,
      ...(cursor ? { cursor } : {}),
      ...(syncToken ? { syncToken } : {}),
    });
    const items = (page.results ?? []).filter((r) => keepSince === undefined || updatedAtOrAfter(r.updatedAt, keepSince));
    if (items.length) yield items;
    if (page.moreDataAvailable && page.nextCursor && page.nextCursor !== cursor) {
      cursor = page.nextCursor;
      continue;
    }
    // The last page carries the token for the next incremental walk.
    if (page.syncToken) ctx.cache.set(memoKey(endpoint), { token: page.syncToken, receivedAt: Date.now() } satisfies SyncMemo);
    return;
  }
}

/** A record without a readable timestamp is kept: better one extra upsert than a missed change. */
function updatedAtOrAfter(updatedAt: string | null | undefined, since: number): boolean {
  const t = updatedAt ? Date.parse(updatedAt) : NaN;
  return Number.isNaN(t) || t >= since;
}

// ---------------------------------------------------------------------------------------------
// Readers
// ---------------------------------------------------------------------------------------------

export async function* readCandidates(ctx: AshbyContext, opts: ReadOptions): PageStream<RemoteCandidate> {
  const api = ashbyClient(ctx);
  for await (const page of walkList<AshbyCandidate>(ctx, api, 'candidate.list', {}, opts)) yield page.map(mapCandidate);
}

export async function* readApplications(ctx: AshbyContext, opts: ReadOptions): PageStream<RemoteApplication> {
  const api = ashbyClient(ctx);
  for await (const page of walkList<AshbyApplication>(ctx, api, 'application.list', {}, opts)) yield page.map(mapApplication);
}

export async function* readJobs(ctx: AshbyContext, opts: ReadOptions): PageStream<RemoteJob> {
  const api = ashbyClient(ctx);
  const stagesByPlan = new Map<string, RemoteStage[]>();
  // Drafts are only listed when asked for; `location` is expanded so jobs carry their address.
  const body = { status: ['Open', 'Closed', 'Archived', 'Draft'], expand: ['location'] };
  for await (const page of walkList<AshbyJob>(ctx, api, 'job.list', body, opts)) {
    const out: RemoteJob[] = [];
    for (const job of page) {
      const planId = job.defaultInterviewPlanId ?? job.interviewPlanIds?.[0] ?? null;
      out.push(mapJob(job, planId ? await stagesOf(api, planId, stagesByPlan) : []));
    }
    yield out;
  }
}

async function stagesOf(api: AshbyClient, planId: string, memo: Map<string, RemoteStage[]>): Promise<RemoteStage[]> {
  let stages = memo.get(planId);
  if (!stages) {
    const res = await api.call<AshbyStage[]>('interviewStage.list', { interviewPlanId: planId });
    stages = [...res.results]
      .sort((a, b) => (a.orderInInterviewPlan ?? 0) - (b.orderInInterviewPlan ?? 0))
      .map((s, i) => ({ remote_id: s.id, name: s.title ?? null, index: s.orderInInterviewPlan ?? i }));
    memo.set(planId, stages);
  }
  return stages;
}

/** candidate.info plus application.info for each of its applications; null once deleted upstream. */
export async function readCandidate(
  ctx: AshbyContext,
  remoteId: string,
): Promise<{ candidate: RemoteCandidate; applications: RemoteApplication[] } | null> {
  const api = ashbyClient(ctx);
  const candidate = await fetchCandidate(api, remoteId).catch((err) => {
    if (err instanceof AtsgateError && err.code === 'PLATFORM.INPUT_INVALID' && err.status === 404) return null;
    throw err;
  });
  if (!candidate) return null;
  const applications: RemoteApplication[] = [];
  for (const id of candidate.applicationIds ?? []) {
    const res = await api.call<AshbyApplication>('application.info', { applicationId: id }, { notFound: `application ${id}` });
    applications.push(mapApplication(res.results));
  }
  return { candidate: mapCandidate(candidate), applications };
}

export async function fetchCandidate(api: AshbyClient, remoteId: string): Promise<AshbyCandidate> {
  const res = await api.call<AshbyCandidate>('candidate.info', { id: remoteId }, { notFound: `candidate ${remoteId}` });
  return res.results;
}

// ---------------------------------------------------------------------------------------------
// Mapping
// ---------------------------------------------------------------------------------------------

export function mapCandidate(c: AshbyCandidate): RemoteCandidate {
  const { first, last } = splitName(c.name);
  const emails = c.emailAddresses?.length ? c.emailAddresses : c.primaryEmailAddress ? [c.primaryEmailAddress] : [];
  return {
    remote_id: c.id,
    first_name: first,
    last_name: last,
    company: c.company ?? null,
    title: c.position ?? null,
    confidential: null,
    source: c.source?.title ?? null,
    email_addresses: emails.map((e) => ({ email_address: e.value, type: contactType(e.type) })),
    phone_numbers: (c.phoneNumbers ?? []).map((p) => ({ phone_number: p.value, type: contactType(p.type) })),
    social_media: (c.socialLinks ?? []).filter((s) => s.url).map((s) => ({ link: s.url ?? null, type: s.type ?? null, username: null })),
    location: mapCandidateLocation(c.location),
    custom_fields: customFieldsOf(c.customFields),
    remote_url: c.profileUrl ?? null,
    remote_created_at: c.createdAt ?? null,
    remote_updated_at: c.updatedAt ?? null,
    tags: (c.tags ?? []).map((t) => ({ remote_id: t.id, name: t.title })),
  };
}

export function mapApplication(a: AshbyApplication): RemoteApplication {
  const stage = a.currentInterviewStage;
  const outcome = outcomeOf(a.status);
  return {
    remote_id: a.id,
    candidate_remote_id: a.candidate.id,
    job_remote_id: a.job?.id ?? null,
    current_stage: stage ? { remote_id: stage.id, name: stage.title ?? null, index: stage.orderInInterviewPlan ?? null } : null,
    outcome,
    // Ashby "archives" applications it rejects; the archive reason is the rejection reason.
    rejection_reason_name: outcome === 'DECLINED' ? (a.archiveReason?.text ?? null) : null,
    rejected_at: outcome === 'DECLINED' ? (a.archivedAt ?? null) : null,
    custom_fields: customFieldsOf(a.customFields),
    remote_url: null,
    remote_created_at: a.createdAt ?? null,
    remote_updated_at: a.updatedAt ?? null,
  };
}

export function mapJob(j: AshbyJob, stages: RemoteStage[]): RemoteJob {
  const addr = j.location?.address?.postalAddress;
  return {
    remote_id: j.id,
    name: j.title ?? null,
    job_code: j.customRequisitionId ?? null,
    confidential: j.confidential ?? null,
    employment_type: EMPLOYMENT_TYPES[j.employmentType ?? ''] ?? null,
    status: JOB_STATUSES[j.status ?? ''] ?? null,
    location: j.location
      ? {
          raw: j.location.name ?? null,
          city: addr?.addressLocality ?? null,
          state: addr?.addressRegion ?? null,
          country: addr?.addressCountry ?? null,
        }
      : null,
    custom_fields: customFieldsOf(j.customFields),
    opened_at: j.openedAt ?? null,
    closed_at: j.closedAt ?? null,
    remote_created_at: j.createdAt ?? null,
    remote_updated_at: j.updatedAt ?? null,
    stages,
  };
}

const JOB_STATUSES: Record<string, RemoteJob['status']> = { Open: 'OPEN', Closed: 'CLOSED', Draft: 'DRAFT', Archived: 'ARCHIVED' };
const EMPLOYMENT_TYPES: Record<string, RemoteJob['employment_type']> = {
  FullTime: 'FULL_TIME',
  PartTime: 'PART_TIME',
  Intern: 'INTERNSHIP',
  Contract: 'CONTRACT',
  Temporary: 'SEASONAL',
};

function outcomeOf(status: string | undefined): Outcome | null {
  if (status === 'Hired') return 'HIRED';
  if (status === 'Archived') return 'DECLINED';
  if (status === 'Active' || status === 'Lead') return 'PENDING';
  return null;
}

/** Ashby keeps one `name`; the first word is the first name, the rest the last name. */
function splitName(name: string | null | undefined): { first: string | null; last: string | null } {
  const parts = (name ?? '').trim().split(/\s+/).filter(Boolean);
  if (!parts.length) return { first: null, last: null };
  return { first: parts[0], last: parts.length > 1 ? parts.slice(1).join(' ') : null };
}

/** "Personal" → "PERSONAL"; Ashby's contact types are Personal, Work and Other. */
function contactType(type: string | null | undefined): string | null {
  return type ? type.toUpperCase() : null;
}

function mapCandidateLocation(loc: AshbyCandidate['location']): RemoteLocation | null {
  if (!loc) return null;
  const part = (t: string) => loc.locationComponents?.find((c) => c.type === t)?.name ?? null;
  return { raw: loc.locationSummary ?? null, city: part('City'), state: part('Region'), country: part('Country') };
}

/** Custom field values keyed by the field's title, as Kombo shows them. */
function customFieldsOf(fields: AshbyCustomFieldValue[] | undefined): Record<string, unknown> | null {
  if (!fields?.length) return null;
  return Object.fromEntries(fields.map((f) => [f.title, f.value]));
}

// ---------------------------------------------------------------------------------------------
// Users
// ---------------------------------------------------------------------------------------------

/** user.info's result, which user.list's `results` repeat [AS-OAS user.list, user.info]. */
interface AshbyUser {
  id: string;
  firstName?: string | null;
  lastName?: string | null;
  email?: string | null;
  globalRole?: string | null;
  isEnabled?: boolean | null;
  updatedAt?: string | null;
}

/**
 * user.list with `includeDeactivated: true` ("By default, deactivated users are not included"
 * [AS-OAS user.list]), always whole. It needs organizationRead; a key without it is refused
 * (missing_endpoint_permission) and the sync reads no users (src/sync/run.ts).
 */
export async function* readUsers(ctx: AshbyContext): PageStream<RemoteUser> {
  for await (const page of walkList<AshbyUser>(ctx, ashbyClient(ctx), 'user.list', { includeDeactivated: true }, {}))
    yield page.map(mapUser);
}

export function mapUser(u: AshbyUser): RemoteUser {
  const role = u.globalRole ?? null;
  return {
    remote_id: u.id,
    first_name: u.firstName ?? null,
    last_name: u.lastName ?? null,
    email: u.email ?? null,
    status: u.isEnabled === true ? 'ACTIVE' : u.isEnabled === false ? 'INACTIVE' : null,
    // globalRole: Organization Admin, Elevated Access, Limited Access, External Recruiter.
    system_roles: role
      ? [{ remote_id: role, remote_label: role, scope: 'SYSTEM', unified_type: role === 'Organization Admin' ? 'ADMIN' : null }]
      : [],
    remote_updated_at: u.updatedAt,
    remote_data: { '/user.list': u },
  };
}
