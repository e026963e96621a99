/**
 * Reading Lever. Lever's person is the *contact*; each candidacy is an *opportunity* (with at
 * most one application to a posting). atsgate maps:
 *   candidate   = contact      (remote_id = contact id, data from the contact's opportunities)
 *   application = opportunity  (remote_id = opportunity id, job = its application's posting)
 *   job         = posting      (stages = the account-wide pipeline stages)
 * There is no "list contacts" endpoint, so candidates are read from GET /opportunities and
 * de-duplicated by contact.
 */
import { splitName } from '../helpers/names.ts';
import type { HttpClient } from '../../http/client.ts';
import { mapPages } from '../helpers/pagination.ts';
import type {
  Outcome,
  PageStream,
  ReadOptions,
  RemoteApplication,
  RemoteCandidate,
  RemoteJob,
  RemoteStage,
  RemoteSystemRole,
  RemoteUser,
} from '../types.ts';
import {
  leverAll,
  leverClient,
  leverPages,
  withConfidential,
  type LeverApplication,
  type LeverArchiveReason,
  type LeverContext,
  type LeverOpportunity,
  type LeverPosting,
  type LeverStage,
} from './client.ts';

const ms = (v: number | null | undefined) => (typeof v === 'number' ? new Date(v) : null);

/** Lever's delta filter: `updated_at_start`, milliseconds since the epoch, inclusive. */
const updatedSince = (opts: ReadOptions) => (opts.updatedAfter ? opts.updatedAfter.getTime() : undefined);

// ---------------------------------------------------------------------------------------------
// Lookups every reader needs once per run
// ---------------------------------------------------------------------------------------------

async function stageList(client: HttpClient): Promise<RemoteStage[]> {
  const stages = await leverAll<LeverStage>(client, 'stages');
  return stages.map((s, index) => ({ remote_id: s.id, name: s.text, index }));
}

/** Archive reason id → its name and whether it means "hired" (the only way Lever says so). */
async function archiveReasons(client: HttpClient): Promise<Map<string, LeverArchiveReason>> {
  const reasons = await leverAll<LeverArchiveReason>(client, 'archive_reasons');
  return new Map(reasons.map((r) => [r.id, r]));
}

interface Lookups {
  stages: Map<string, RemoteStage>;
  reasons: Map<string, LeverArchiveReason>;
}

async function lookups(client: HttpClient): Promise<Lookups> {
  const [stages, reasons] = await Promise.all([stageList(client), archiveReasons(client)]);
  return { stages: new Map(stages.map((s) => [s.remote_id, s])), reasons };
}

// ---------------------------------------------------------------------------------------------
// Mapping
// ---------------------------------------------------------------------------------------------

function firstApplication(o: LeverOpportunity): LeverApplication | null {
  const a = o.applications?.[0];
  return a && typeof a === 'object' ? a : null;
}

export function toCandidate(o: LeverOpportunity): RemoteCandidate {
  return {
    remote_id: o.contact,
    ...splitName(o.name),
    company: firstApplication(o)?.company ?? null,
    // Lever's `headline` lists past employers/schools; it is not a job title.
    title: null,
    confidential: o.confidentiality === 'confidential',
    source: o.sources?.[0] ?? null,
    email_addresses: (o.emails ?? []).map((email_address) => ({ email_address, type: null })),
    phone_numbers: (o.phones ?? []).map((p) => ({ phone_number: p.value, type: p.type ? p.type.toUpperCase() : null })),
    social_media: (o.links ?? []).map((link) => ({ link, type: null, username: null })),
    location: o.location ? { raw: o.location } : null,
    custom_fields: { headline: o.headline ?? null },
    // Contacts have no page of their own in Lever; the opportunity's profile page shows the person.
    remote_url: o.urls?.show ?? null,
    remote_created_at: ms(o.createdAt),
    remote_updated_at: ms(o.updatedAt ?? o.createdAt),
    tags: (o.tags ?? []).map((name) => ({ remote_id: null, name })),
  };
}

function outcomeOf(o: LeverOpportunity, reasons: Map<string, LeverArchiveReason>): { outcome: Outcome; reason: LeverArchiveReason | null } {
  if (!o.archived?.archivedAt) return { outcome: 'PENDING', reason: null };
  const reason = (o.archived.reason && reasons.get(o.archived.reason)) || null;
  return { outcome: reason?.type === 'hired' ? 'HIRED' : 'DECLINED', reason };
}

export function toApplication(o: LeverOpportunity, l: Lookups): RemoteApplication {
  const stageId = typeof o.stage === 'object' && o.stage ? o.stage.id : (o.stage ?? null);
  const { outcome, reason } = outcomeOf(o, l.reasons);
  return {
    remote_id: o.id,
    candidate_remote_id: o.contact,
    job_remote_id: firstApplication(o)?.posting ?? null,
    current_stage: stageId ? (l.stages.get(stageId) ?? { remote_id: stageId, name: null }) : null,
    outcome,
    rejection_reason_name: outcome === 'DECLINED' ? (reason?.text ?? null) : null,
    rejected_at: outcome === 'DECLINED' ? ms(o.archived?.archivedAt) : null,
    custom_fields: { origin: o.origin ?? null, application_type: firstApplication(o)?.type ?? null },
    remote_url: o.urls?.show ?? null,
    remote_created_at: ms(o.createdAt),
    remote_updated_at: ms(o.updatedAt ?? o.createdAt),
  };
}

function employmentType(commitment: string | undefined): RemoteJob['employment_type'] {
  const c = (commitment ?? '').toLowerCase();
  if (/full/.test(c)) return 'FULL_TIME';
  if (/part/.test(c)) return 'PART_TIME';
  if (/contract|freelance/.test(c)) return 'CONTRACT';
  if (/intern/.test(c)) return 'INTERNSHIP';
  if (/season|temp/.test(c)) return 'SEASONAL';
  return null;
}

const JOB_STATUS: Record<NonNullable<LeverPosting['state']>, RemoteJob['status']> = {
  published: 'OPEN',
  internal: 'OPEN',
  closed: 'CLOSED',
  draft: 'DRAFT',
  pending: 'DRAFT',
  rejected: 'DRAFT',
};

function visibility(p: LeverPosting): RemoteJob['visibility'] {
  if (p.confidentiality === 'confidential') return 'CONFIDENTIAL';
  if (p.state === 'internal') return 'UNLISTED'; // Lever's UI calls internal postings "unlisted"
  if (p.state !== 'published') return null;
  return p.distributionChannels?.includes('public') ? 'PUBLIC' : 'INTERNAL';
}

export function toJob(p: LeverPosting, stages: RemoteStage[]): RemoteJob {
  return {
    remote_id: p.id,
    name: p.text ?? null,
    job_code: p.requisitionCodes?.[0] ?? null,
    description: p.content?.descriptionHtml ?? p.content?.description ?? null,
    confidential: p.confidentiality === 'confidential',
    employment_type: employmentType(p.categories?.commitment),
    status: p.state ? (JOB_STATUS[p.state] ?? null) : null,
    visibility: visibility(p),
    category: p.categories?.team ?? null,
    department: p.categories?.department ?? null,
    post_url: p.state === 'published' ? (p.urls?.show ?? null) : null,
    location: p.categories?.location || p.country ? { raw: p.categories?.location ?? null, country: p.country ?? null } : null,
    custom_fields: { workplace_type: p.workplaceType ?? null, level: p.categories?.level ?? null },
    remote_url: p.urls?.show ?? null,
    remote_created_at: ms(p.createdAt),
    remote_updated_at: ms(p.updatedAt ?? p.createdAt),
    stages,
  };
}

// ---------------------------------------------------------------------------------------------
// Readers
// ---------------------------------------------------------------------------------------------

function opportunityPages(client: HttpClient, query: Record<string, string | number | undefined>): AsyncGenerator<LeverOpportunity[]> {
  return withConfidential<LeverOpportunity>(client, 'opportunities', { expand: 'applications', ...query });
}

/**
 * Postings [LV, Postings: list] take two walks, de-duplicated by id:
 * 1. every posting (confidential ones included), with `updated_at_start` on a delta read. The
 *    docs allow `updated_at_start` only together with `confidentiality`, so nothing else is sent.
 * 2. `distributionChannel=internal`: "List requests for published postings will only return
 *    postings that appear on your public job site… you must use the distributionChannel query
 *    parameter" to get the rest, so published postings that are internal-only come from here.
 *    This walk may not carry `updated_at_start`, so a delta read filters it on `updatedAt`.
 * Whether walk 1 already contains those postings, or walk 2 also returns unpublished ones, the
 * union is the same.
 */
export async function* readJobs(ctx: LeverContext, opts: ReadOptions): PageStream<RemoteJob> {
  const client = leverClient(ctx);
  const stages = await stageList(client);
  const since = updatedSince(opts);
  const seen = new Set<string>();
  const keep = (p: LeverPosting) => {
    if (seen.has(p.id) || (since !== undefined && (p.updatedAt ?? p.createdAt ?? 0) < since)) return null;
    seen.add(p.id);
    return toJob(p, stages);
  };
  yield* mapPages(withConfidential<LeverPosting>(client, 'postings', { updated_at_start: since }), keep);
  yield* mapPages(withConfidential<LeverPosting>(client, 'postings', { distributionChannel: 'internal' }), keep);
}

export async function* readCandidates(ctx: LeverContext, opts: ReadOptions): PageStream<RemoteCandidate> {
  const client = leverClient(ctx);
  // Contact details are shared by all of a person's opportunities, so the first one seen
  // carries them; remembering ids (not records) keeps memory small.
  const seen = new Set<string>();
  yield* mapPages(opportunityPages(client, { updated_at_start: updatedSince(opts) }), (o) => {
    if (!o.contact || seen.has(o.contact)) return null;
    seen.add(o.contact);
    return toCandidate(o);
  });
}

export async function* readApplications(ctx: LeverContext, opts: ReadOptions): PageStream<RemoteApplication> {
  const client = leverClient(ctx);
  const l = await lookups(client);
  yield* mapPages(opportunityPages(client, { updated_at_start: updatedSince(opts) }), (o) => toApplication(o, l));
}

/** Every opportunity of one contact, newest first. */
export async function contactOpportunities(client: HttpClient, contactId: string): Promise<LeverOpportunity[]> {
  const opps: LeverOpportunity[] = [];
  for await (const page of withConfidential<LeverOpportunity>(client, 'opportunities', { contact_id: contactId, expand: 'applications' }))
    opps.push(...page);
  return opps.sort((a, b) => (b.createdAt ?? 0) - (a.createdAt ?? 0));
}

export async function readCandidate(
  ctx: LeverContext,
  remoteId: string,
): Promise<{ candidate: RemoteCandidate; applications: RemoteApplication[] } | null> {
  const client = leverClient(ctx);
  const opps = await contactOpportunities(client, remoteId);
  if (!opps.length) return null;
  const l = await knownLookups(ctx, client, opps);
  return { candidate: toCandidate(opps[0]), applications: opps.map((o) => toApplication(o, l)) };
}

/** How long one candidate's re-read may reuse the stages and archive reasons of an earlier one. */
const LOOKUPS_TTL_MS = 10 * 60 * 1000;
const LOOKUPS_KEY = 'lever:lookups';

/**
 * The stages and archive reasons for reading single candidates (the re-read after each write):
 * reused for a while from the integration's cache, since fetching them costs two of the three
 * vendor calls of such a read, but fetched again as soon as an opportunity names a stage or
 * reason the cached lists do not know, so a new one is never mapped wrongly.
 */
async function knownLookups(ctx: LeverContext, client: HttpClient, opps: LeverOpportunity[]): Promise<Lookups> {
  const hit = ctx.cache.get(LOOKUPS_KEY) as { at: number; lookups: Lookups } | undefined;
  const covers = (l: Lookups) =>
    opps.every((o) => {
      const stageId = typeof o.stage === 'object' && o.stage ? o.stage.id : (o.stage ?? null);
      return (!stageId || l.stages.has(stageId)) && (!o.archived?.reason || l.reasons.has(o.archived.reason));
    });
  if (hit && Date.now() - hit.at < LOOKUPS_TTL_MS && covers(hit.lookups)) return hit.lookups;
  const fresh = await lookups(client);
  ctx.cache.set(LOOKUPS_KEY, { at: Date.now(), lookups: fresh });
  return fresh;
}

// --------------------------------------------------------------------------------------------
// Users
// --------------------------------------------------------------------------------------------

/** A user [LV, Users: attributes]; timestamps in milliseconds. */
interface LeverUser {
  id: string;
  name?: string | null;
  email?: string | null;
  createdAt?: number | null;
  deactivatedAt?: number | null;
  accessRole?: string | null;
}

/** Lever's five access roles [LV, Users]; custom roles (ids) keep their label only. */
const ACCESS_ROLE: Record<string, RemoteSystemRole['unified_type']> = {
  'super admin': 'ADMIN',
  admin: 'ADMIN',
  interviewer: 'INTERVIEWER',
};

/**
 * GET /users with `includeDeactivated=true`: "Only active users are included by default" [LV,
 * Users: list]. A user has one preferred `name` (split at its first space). A key without the
 * Users permission is refused (403): the sync then reads no users and says so (src/sync/run.ts).
 */
export async function* readUsers(ctx: LeverContext): PageStream<RemoteUser> {
  for await (const page of leverPages<LeverUser>(leverClient(ctx), 'users', { includeDeactivated: 'true' })) yield page.map(mapUser);
}

export function mapUser(u: LeverUser): RemoteUser {
  const role = u.accessRole ?? null;
  return {
    remote_id: u.id,
    ...splitName(u.name),
    email: u.email ?? null,
    status: u.deactivatedAt ? 'INACTIVE' : 'ACTIVE',
    system_roles: role ? [{ remote_id: role, remote_label: role, scope: 'SYSTEM', unified_type: ACCESS_ROLE[role] ?? null }] : [],
    remote_created_at: u.createdAt ? new Date(u.createdAt) : null,
    remote_data: { '/users': u },
  };
}
