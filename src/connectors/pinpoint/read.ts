/**
 * Reading Pinpoint. atsgate maps:
 *   job         = job (GET /jobs?include=stages: the job's hiring-workflow stages)
 *   candidate   = candidate (GET /candidates; delta by `filter[updated_at][gte]`)
 *   application = application (GET /applications?include=candidate,job,stage; delta likewise)
 * Relationship linkage only appears for relationships named in `include` (JSON:API; Pinpoint's
 * own example shows `"answers": { "meta": { "included": false } }` otherwise), so the
 * application list includes the three it maps. Attribute names follow Pinpoint's documented
 * request bodies (first_name, last_name, email, phone, address1, town, postcode, country,
 * linkedin_url, title); fields Pinpoint does not document in a response are read when present
 * and null otherwise (README "Data model").
 */
import type {
  Outcome,
  PageStream,
  ReadOptions,
  RemoteApplication,
  RemoteCandidate,
  RemoteJob,
  RemoteRejectionReason,
  RemoteStage,
  RemoteUser,
} from '../types.ts';
import {
  Included,
  pinpointClient,
  pinpointDeltaPages,
  pinpointPages,
  relId,
  relIds,
  type PinpointContext,
  type Resource,
} from './client.ts';

export const APPLICATION_INCLUDE = 'candidate,job,stage';
/** [PP-OAS] `applications_extra_fields`: `tags` (with their `context`, e.g. "rejection") on request. */
export const APPLICATION_EXTRA_FIELDS = 'tags';
/** [PP-OAS] `tag_object` context of a rejection reason (the spec's example: `{ context: rejection, name }`). */
export const REJECTION_CONTEXT = 'rejection';

const str = (v: unknown): string | null => (typeof v === 'string' && v.trim() ? v : typeof v === 'number' ? String(v) : null);

// --------------------------------------------------------------------------------------------
// Jobs
// --------------------------------------------------------------------------------------------

/**
 * Jobs are few and are always read in full, with their stages (`include=stages`: [PP-OAS]
 * `jobs_related` lists `stages`; [KOMBO] "Pinpoint exposes application stages as part of the job
 * API response"). Stage moves and rejections resolve their target from these.
 */
export async function* readJobs(ctx: PinpointContext, _opts: ReadOptions): AsyncGenerator<RemoteJob[]> {
  for await (const pages of pinpointPages(pinpointClient(ctx), 'jobs', { include: 'stages' })) {
    for (const page of pages) yield page.resources.map((j) => toRemoteJob(j, page.included));
  }
}

/** A job's stages from its included `stages`, in their `position` order ([PP-OAS] stage attributes). */
export function stagesOf(job: Resource, included: Included): Resource[] {
  const stages = relIds(job, 'stages').flatMap((id) => included.get('stages', id) ?? []);
  const pos = (s: Resource) => (typeof s.attributes?.position === 'number' ? s.attributes.position : Number.MAX_SAFE_INTEGER);
  return stages.sort((a, b) => pos(a) - pos(b));
}

const JOB_STATUS: Record<string, RemoteJob['status']> = {
  open: 'OPEN',
  published: 'OPEN',
  live: 'OPEN',
  draft: 'DRAFT',
  pending: 'DRAFT',
  closed: 'CLOSED',
  filled: 'CLOSED',
  archived: 'ARCHIVED',
};
const VISIBILITY: Record<string, RemoteJob['visibility']> = {
  external: 'PUBLIC',
  public: 'PUBLIC',
  internal: 'INTERNAL',
  private: 'UNLISTED',
  unlisted: 'UNLISTED',
  confidential: 'CONFIDENTIAL',
};
const EMPLOYMENT: Record<string, RemoteJob['employment_type']> = {
  fulltime: 'FULL_TIME',
  permanentfulltime: 'FULL_TIME',
  parttime: 'PART_TIME',
  permanentparttime: 'PART_TIME',
  contract: 'CONTRACT',
  contractor: 'CONTRACT',
  fixedterm: 'CONTRACT',
  temporary: 'SEASONAL',
  seasonal: 'SEASONAL',
  internship: 'INTERNSHIP',
};
const key = (v: unknown) =>
  String(v ?? '')
    .toLowerCase()
    .replace(/[\s_-]+/g, '');

export function toRemoteJob(job: Resource, included: Included = new Included()): RemoteJob {
  const a = job.attributes ?? {};
  const stages = stagesOf(job, included).map(
    (s, index): RemoteStage => ({ remote_id: String(s.id), name: str(s.attributes?.name) ?? str(s.attributes?.external_name), index }),
  );
  const visibility = VISIBILITY[key(a.visibility)] ?? null;
  return {
    remote_id: String(job.id),
    name: str(a.title) ?? str(a.name),
    job_code: str(a.reference) ?? str(a.requisition_id),
    description: str(a.description),
    status: JOB_STATUS[key(a.status)] ?? null,
    visibility,
    confidential: visibility === 'CONFIDENTIAL' ? true : typeof a.confidential === 'boolean' ? a.confidential : null,
    employment_type: EMPLOYMENT[key(a.employment_type)] ?? null,
    department: str(a.department_name) ?? str(a.department),
    post_url: str(a.url) ?? str(job.links?.public_url),
    remote_created_at: a.created_at ?? null,
    remote_updated_at: a.updated_at ?? null,
    opened_at: a.opened_at ?? a.published_at ?? null,
    closed_at: a.closed_at ?? null,
    ...(relIds(job, 'stages').length ? { stages } : {}),
  };
}

// --------------------------------------------------------------------------------------------
// Candidates
// --------------------------------------------------------------------------------------------

export async function* readCandidates(ctx: PinpointContext, opts: ReadOptions): AsyncGenerator<RemoteCandidate[]> {
  for await (const pages of pinpointDeltaPages(pinpointClient(ctx), 'candidates', {}, opts.updatedAfter)) {
    for (const page of pages) if (page.resources.length) yield page.resources.map(toRemoteCandidate);
  }
}

export function toRemoteCandidate(c: Resource): RemoteCandidate {
  const a = c.attributes ?? {};
  const email = str(a.email);
  const phone = str(a.phone);
  const linkedin = str(a.linkedin_url);
  const hasAddress = [a.address1, a.town, a.postcode, a.country].some((v) => str(v));
  return {
    remote_id: String(c.id),
    first_name: str(a.first_name),
    last_name: str(a.last_name),
    title: str(a.title) ?? str(a.headline),
    source: str(a.source),
    email_addresses: email ? [{ email_address: email, type: null }] : [],
    phone_numbers: phone ? [{ phone_number: phone, type: null }] : [],
    social_media: linkedin ? [{ link: linkedin, type: 'LINKEDIN', username: null }] : [],
    location: hasAddress
      ? {
          street_1: str(a.address1),
          street_2: str(a.address2),
          city: str(a.town),
          zip_code: str(a.postcode),
          country: str(a.country),
        }
      : null,
    remote_created_at: a.created_at ?? null,
    remote_updated_at: a.updated_at ?? null,
    remote_data: { '/candidates': c },
  };
}

// --------------------------------------------------------------------------------------------
// Applications
// --------------------------------------------------------------------------------------------

export async function* readApplications(ctx: PinpointContext, opts: ReadOptions): AsyncGenerator<RemoteApplication[]> {
  const query = { include: APPLICATION_INCLUDE, 'extra_fields[applications]': APPLICATION_EXTRA_FIELDS };
  for await (const pages of pinpointDeltaPages(pinpointClient(ctx), 'applications', query, opts.updatedAfter)) {
    for (const page of pages) {
      const out = page.resources.flatMap((r) => toRemoteApplication(r, page.included) ?? []);
      if (out.length) yield out;
    }
  }
}

/**
 * Pinpoint's default hiring workflow stages are Rejected, Applied, Review, Interview, (Offer)
 * and Hired, and every stage belongs to one of those "Workflow Stage Groups" (help centre,
 * "How is the Edit Hiring Workflow page structured?"). The API names a stage's group in its
 * `basic_type` (applied, rejected, review, interview, hired, offer: [PP-OAS] stage resource and
 * the `filter[stage_basic_type]` enum); older plausible spellings and the name are the fallback
 * (README "Outcome").
 */
export function outcomeOf(stage: Resource | undefined): Outcome {
  if (!stage) return 'PENDING';
  const a = stage.attributes ?? {};
  for (const v of [a.basic_type, a.stage_group, a.workflow_stage_group, a.group, a.stage_type, a.kind, a.type, a.name]) {
    const k = key(v);
    if (k === 'hired') return 'HIRED';
    if (k === 'rejected') return 'DECLINED';
  }
  return 'PENDING';
}

export function toRemoteApplication(app: Resource, included: Included): RemoteApplication | null {
  const a = app.attributes ?? {};
  const candidateId = relId(app, 'candidate') ?? str(a.candidate_id);
  if (!candidateId) return null;
  const stageId = relId(app, 'stage');
  const stage = included.get('stages', stageId);
  const current: RemoteStage | null = stageId ? { remote_id: stageId, name: str(stage?.attributes?.name) } : null;
  const outcome = outcomeOf(stage);
  return {
    remote_id: String(app.id),
    candidate_remote_id: candidateId,
    job_remote_id: relId(app, 'job') ?? str(a.job_id),
    current_stage: current,
    outcome,
    rejection_reason_name: outcome === 'DECLINED' ? (rejectionTagOf(app) ?? str(a.rejection_reason) ?? null) : null,
    rejected_at: outcome === 'DECLINED' ? (a.rejected_at ?? a.stage_changed_at ?? null) : null,
    remote_created_at: a.created_at ?? null,
    remote_updated_at: a.updated_at ?? null,
    remote_data: { '/applications': app },
  };
}

/** The name of an application's rejection tag (`tags[]` entry with context "rejection", [PP-OAS]). */
export function rejectionTagOf(app: Resource): string | null {
  const tags = app.attributes?.tags;
  if (!Array.isArray(tags)) return null;
  const hit = tags.find((t: any) => t && typeof t === 'object' && key(t.context) === REJECTION_CONTEXT && str(t.name));
  return hit ? str(hit.name) : null;
}

// --------------------------------------------------------------------------------------------
// Rejection reasons
// --------------------------------------------------------------------------------------------

/**
 * Pinpoint has no list of rejection reasons in its API; a rejection reason is a tag with the
 * context "rejection" on the application ([PP-OAS] example `tags: [{ context: rejection, name }]`).
 * The reasons listed are those on the account's rejected applications (`filter[stage_basic_type]=
 * rejected`, `extra_fields[applications]=tags`), by name: a reason the account has never used is
 * not listed (README "Rejections").
 */
export async function* readRejectionReasons(ctx: PinpointContext, _opts: ReadOptions): PageStream<RemoteRejectionReason> {
  const seen = new Set<string>();
  const query = { 'filter[stage_basic_type]': 'rejected', 'extra_fields[applications]': APPLICATION_EXTRA_FIELDS };
  for await (const pages of pinpointPages(pinpointClient(ctx), 'applications', query)) {
    const out: RemoteRejectionReason[] = [];
    for (const page of pages) {
      for (const app of page.resources) {
        const name = rejectionTagOf(app);
        if (!name || seen.has(name.toLowerCase())) continue;
        seen.add(name.toLowerCase());
        out.push({ remote_id: name, name, remote_data: { '/applications': { tag: { context: REJECTION_CONTEXT, name } } } });
      }
    }
    if (out.length) yield out;
  }
}

// --------------------------------------------------------------------------------------------
// Users
// --------------------------------------------------------------------------------------------

/** `GET /users` ([PP-OAS] "List users": `email`, `first_name`, `last_name`, `time_zone`, dates). */
export async function* readUsers(ctx: PinpointContext, _opts: ReadOptions): PageStream<RemoteUser> {
  for await (const pages of pinpointPages(pinpointClient(ctx), 'users')) {
    for (const page of pages) if (page.resources.length) yield page.resources.map(toRemoteUser);
  }
}

export function toRemoteUser(u: Resource): RemoteUser {
  const a = u.attributes ?? {};
  return {
    remote_id: String(u.id),
    first_name: str(a.first_name),
    last_name: str(a.last_name),
    email: str(a.email),
    // Pinpoint's user resource has no status attribute: the list holds the account's users.
    status: null,
    remote_created_at: a.created_at ?? null,
    remote_updated_at: a.updated_at ?? null,
    remote_data: { '/users': u },
  };
}
