/**
 * A fake Workable SPI v3 API (the slice atsgate uses), served under /spi/v3 on loopback, written
 * from Workable's reference pages (workable.readme.io; keys as in src/connectors/workable/README.md
 * "Sources"). No machine-readable Workable spec is public, so there is no spec check; every
 * request must match a row of the connector's provenance table (`provenance: 'workable'`).
 *
 * Faithful where the docs say so: Bearer account tokens with scopes, one candidate record per
 * job, `paging.next` absolute URLs with `since_id`/`limit` (ascending ids), `updated_after` /
 * `created_after` filters, 10 requests per fixed 10 s interval with X-Rate-Limit-Limit /
 * -Remaining / -Reset on every response [WK-RL], comments posted as a member with at most one
 * base64 attachment [WK-COM], custom attributes that must exist (404 for an unknown key, as
 * Nango's template notes), 404 for unknown records, `{"error": "..."}` bodies for 401/403/404
 * [WITHONE].
 * The documented traps: members carry `roles: ["ats.admin", ...]` in the current members page
 * (`role: "admin"` in older revisions: `memberSchema`) [WK-MEM]; the candidate `stage` is the
 * name in the docs' example and the slug in their field table (`stageField`) [WK-CANDS]; the
 * jobs list without `state` returns published jobs only (assumed, README open question 2).
 * Assumed (no source): `validation_errors` on 422, the `source`/`kind` of files that came in as
 * comment attachments, and a 20 MB ceiling on a comment attachment.
 */
import { createHmac } from 'node:crypto';
import { FakeServer, bearer, type FakeRequest, type FakeResponse } from './server.ts';
import { SubscriptionList, type FakeVendorWebhooks } from './webhook-sender.ts';
import type { VendorFake } from './types.ts';

const PREFIX = '/spi/v3';
const ALL_SCOPES = ['r_jobs', 'r_candidates', 'w_candidates'];

export interface WorkableFakeOptions {
  /** Largest page served (Workable's is 100); small so that reads need several pages. */
  pageSize?: number;
  /** Requests allowed per fixed interval (documented: 10 per 10 s for account tokens). */
  rateLimit?: { requests: number; intervalMs: number };
  /** Members page revision: `roles` (current, default) or `role` (older revisions). */
  memberSchema?: 'roles' | 'role';
  /** `rejected`: the `role` query filter is answered 422 (a value the API no longer takes). */
  memberRoleFilter?: 'supported' | 'rejected';
  /** What the candidate `stage` field holds: the stage name (docs example, default) or its slug (field table). */
  stageField?: 'name' | 'slug';
  /**
   * `key`: `update_custom_attribute_value` only accepts a key different from the catalogue id
   * (the catalogue then also carries it as `key`); `key-hidden`: the same, but the catalogue
   * does not show the key, so writes by id are refused with 404.
   */
  attributeKeys?: 'id' | 'key' | 'key-hidden';
}

interface Job {
  id: string;
  title: string;
  shortcode: string;
  code: string | null;
  state: string;
  department: string | null;
  employment_type: string | null;
  location: Record<string, unknown>;
  created_at: string;
  updated_at: string;
  stages: Stage[];
}
interface Stage {
  slug: string;
  name: string;
  kind: string;
  position: number;
}
interface StoredFile {
  name: string;
  source: string;
  kind: string;
  data: Buffer;
  token: string;
}
interface Comment {
  id: string;
  member_id: string;
  body: string;
  policy?: string[];
  attachment?: { name: string; data: Buffer };
  created_at: string;
}
interface Candidate {
  id: string;
  firstname: string;
  lastname: string;
  headline: string | null;
  email: string;
  phone: string | null;
  address: string | null;
  domain: string | null;
  sourced: boolean;
  job: string;
  stage: string;
  disqualified: boolean;
  withdrew: boolean;
  disqualification_reason: string | null;
  /** Set by POST …/disqualify (the id of a /disqualification_reasons row); not a field of the candidate JSON. */
  disqualify_reason_id?: string | null;
  disqualify_note?: string | null;
  disqualified_at: string | null;
  hired_at: string | null;
  tags: string[];
  created_at: string;
  updated_at: string;
  originating_candidate_id: string | null;
  files: StoredFile[];
  comments: Comment[];
  custom: Record<string, unknown>;
}
/** `roles` as the current members page documents them [WK-MEM]. */
interface Member {
  id: string;
  name: string;
  email: string;
  roles: string[];
  active: boolean;
}
interface CustomAttribute {
  id: string;
  key: string;
  label: string;
  type: string;
  enabled: boolean;
  choices?: { id: string; body: string }[];
}

/** The older revisions' single recruiting role for a member's current roles [WK-MEM]. */
function legacyRole(roles: string[]): string {
  if (roles.includes('ats.admin') || roles.includes('workable.superadmin')) return 'admin';
  if (roles.includes('ats.simple')) return 'simple';
  if (roles.includes('ats.reviewer')) return 'reviewer';
  return 'no_access';
}

/** Largest comment attachment accepted (help centre: 20 MB per file; the API limit is not documented). */
const MAX_ATTACHMENT_BYTES = 20 * 1024 * 1024;

export interface WorkableFake extends VendorFake {
  /** Comments on a candidate record, oldest first. */
  comments(candidateId: string): Comment[];
  /** Custom attribute values set on a candidate record, by attribute id. */
  customValues(candidateId: string): Record<string, unknown>;
  /** Registers a token holding only these scopes (to exercise 403s). */
  tokenWithScopes(scopes: string[]): string;
  /** Sets a record's updated_at (delta-sync tests). */
  touch(candidateId: string, at: string): void;
  memberIds: { firstActiveAdmin: string; simple: string; inactiveAdmin: string; hrAdmin: string };
  /** Requests refused with 429 by the interval limiter. */
  throttled(): number;
}

export async function startWorkableFake(opts: WorkableFakeOptions = {}): Promise<WorkableFake> {
  const pageSize = opts.pageSize ?? 10;
  const limit = opts.rateLimit ?? { requests: 10, intervalMs: 10_000 };
  const server = new FakeServer({ provenance: 'workable' });
  const memberSchema = opts.memberSchema ?? 'roles';
  const stageField = opts.stageField ?? 'name';
  const attributeKeys = opts.attributeKeys ?? 'id';
  const tokens = new Map<string, string[]>([['wk-test-token', ALL_SCOPES]]);
  const seed = seedData();
  const { jobs, accountStages, members, customAttributes } = seed;
  const candidates = new Map(seed.candidates.map((c) => [c.id, c]));
  let nextCommentId = 1;

  // --- rate limit: fixed intervals, as the docs describe ("divided into 10 seconds intervals") ---
  let intervalStart = 0;
  let used = 0;
  let peak = 0;
  let throttled = 0;
  let failQueue: { status: 429 | 500 | 503; left: number } | null = null;

  const rateHeaders = (remaining: number, resetAtMs: number) => ({
    'x-rate-limit-limit': String(limit.requests),
    'x-rate-limit-remaining': String(Math.max(0, remaining)),
    // "Timestamp of next interval": emitted as epoch seconds.
    'x-rate-limit-reset': String(Math.ceil(resetAtMs / 1000)),
  });

  const isApi = (req: FakeRequest) => req.path.startsWith(PREFIX);

  server.before = (req) => {
    if (!isApi(req)) return undefined;
    const now = Date.now();
    const start = Math.floor(now / limit.intervalMs) * limit.intervalMs;
    if (start !== intervalStart) {
      intervalStart = start;
      used = 0;
    }
    used++;
    peak = Math.max(peak, used);
    if (failQueue && failQueue.left > 0) {
      failQueue.left--;
      const status = failQueue.status;
      if (status === 429) {
        // Next whole second: a short, real-format wait for tests.
        return { status, headers: rateHeaders(0, (Math.floor(now / 1000) + 1) * 1000), json: { error: 'Too many requests' } };
      }
      return { status, json: { error: status === 503 ? 'Service unavailable' : 'Internal server error' } };
    }
    if (used > limit.requests) {
      throttled++;
      return { status: 429, headers: rateHeaders(0, intervalStart + limit.intervalMs), json: { error: 'Too many requests' } };
    }
    return undefined;
  };

  /** Wraps a handler with the Bearer check, the scope check and the rate headers. */
  const api =
    (scopes: string[], handler: (req: FakeRequest) => FakeResponse | Promise<FakeResponse>) =>
    async (req: FakeRequest): Promise<FakeResponse> => {
      const headers = rateHeaders(limit.requests - used, intervalStart + limit.intervalMs);
      const token = bearer(req);
      const granted = token ? tokens.get(token) : undefined;
      if (!granted) return { status: 401, headers, json: { error: 'Not authorized' } };
      const missing = scopes.filter((s) => !granted.includes(s));
      if (missing.length) return { status: 403, headers, json: { error: 'Forbidden' } };
      const out = await handler(req);
      return { ...out, headers: { ...headers, ...out.headers } };
    };

  const notFound = (): FakeResponse => ({ status: 404, json: { error: 'Not found' } });
  const invalid = (field: string, message: string): FakeResponse => ({
    status: 422,
    json: { error: 'Validation failed', validation_errors: { [field]: [message] } },
  });

  const apiBase = () => `${server.url}${PREFIX}`;

  /** since_id/max_id scrolling over ascending ids with an absolute paging.next (job-candidates-index). */
  function page<T extends { id: string }>(req: FakeRequest, path: string, all: T[], key: string, render: (t: T) => unknown): FakeResponse {
    const q = req.query;
    const requested = q.has('limit') ? Number(q.get('limit')) : 50;
    if (!Number.isInteger(requested) || requested < 1) return invalid('limit', 'must be a positive integer');
    const size = Math.min(requested, 100, pageSize);
    const sinceId = q.get('since_id');
    const maxId = q.get('max_id');
    const rows = all.filter((t) => (!sinceId || t.id >= sinceId) && (!maxId || t.id <= maxId)).sort((a, b) => (a.id < b.id ? -1 : 1));
    const chunk = rows.slice(0, size);
    const body: Record<string, unknown> = { [key]: chunk.map(render) };
    if (rows.length > size) {
      const next = new URL(`${apiBase()}/${path}`);
      q.forEach((v, k) => k !== 'since_id' && next.searchParams.set(k, v));
      next.searchParams.set('limit', String(requested));
      next.searchParams.set('since_id', rows[size].id);
      body.paging = { next: next.toString() };
    }
    return { json: body };
  }

  /** created_after / updated_after accept ISO 8601 or a Unix timestamp (jobs, candidates). */
  function timeFilter(req: FakeRequest, name: string): { ok: true; at: number | null } | { ok: false; res: FakeResponse } {
    const raw = req.query.get(name);
    if (!raw) return { ok: true, at: null };
    const at = /^\d+$/.test(raw) ? Number(raw) * 1000 : Date.parse(raw);
    if (Number.isNaN(at)) return { ok: false, res: invalid(name, 'is not a valid timestamp') };
    return { ok: true, at };
  }

  const profileUrl = (c: Candidate) => `https://acme.workable.com/backend/jobs/${jobByShortcode(c.job)!.id}/candidates/${c.id}`;
  const jobByShortcode = (sc: string) => jobs.find((j) => j.shortcode === sc);
  const stageOf = (c: Candidate) => jobByShortcode(c.job)!.stages.find((s) => s.slug === c.stage)!;

  function renderCandidate(c: Candidate, detailed: boolean) {
    const job = jobByShortcode(c.job)!;
    const stage = stageOf(c);
    const brief = {
      id: c.id,
      name: `${c.firstname} ${c.lastname}`,
      firstname: c.firstname,
      lastname: c.lastname,
      headline: c.headline,
      account: { subdomain: 'acme', name: 'Acme Inc.' },
      job: { shortcode: job.shortcode, title: job.title },
      stage: stageField === 'slug' ? stage.slug : stage.name,
      stage_kind: stage.kind,
      disqualified: c.disqualified,
      withdrew: c.withdrew,
      disqualification_reason: c.disqualification_reason,
      hired_at: c.hired_at,
      sourced: c.sourced,
      profile_url: profileUrl(c),
      address: c.address,
      phone: c.phone,
      email: c.email,
      domain: c.domain,
      created_at: c.created_at,
      updated_at: c.updated_at,
    };
    if (!detailed) return brief;
    return {
      ...brief,
      disqualified_at: c.disqualified_at,
      tags: c.tags,
      social_profiles: [
        {
          type: 'linkedin',
          name: 'LinkedIn',
          username: c.firstname.toLowerCase(),
          url: `https://www.linkedin.com/in/${c.firstname.toLowerCase()}`,
        },
      ],
      location: c.address
        ? {
            location_str: c.address,
            country: 'Germany',
            country_code: 'DE',
            region: 'Berlin',
            region_code: 'BE',
            city: 'Berlin',
            zip_code: '10115',
          }
        : null,
      originating_candidate_id: c.originating_candidate_id,
    };
  }

  // --- routes ------------------------------------------------------------------------------

  // https://workable.readme.io/reference/jobs — GET /jobs (state, limit, since_id, max_id, created_after, updated_after)
  server.route(
    'GET',
    `${PREFIX}/jobs`,
    api(['r_jobs'], (req) => {
      const state = req.query.get('state') ?? 'published'; // assumed default (see header)
      if (!['draft', 'published', 'closed', 'archived'].includes(state)) return invalid('state', 'is not included in the list');
      const created = timeFilter(req, 'created_after');
      if (!created.ok) return created.res;
      const updated = timeFilter(req, 'updated_after');
      if (!updated.ok) return updated.res;
      const rows = jobs.filter(
        (j) =>
          j.state === state &&
          (created.at === null || Date.parse(j.created_at) >= created.at) &&
          (updated.at === null || Date.parse(j.updated_at) >= updated.at),
      );
      return page(req, 'jobs', rows, 'jobs', (j) => ({
        id: j.id,
        title: j.title,
        full_title: `${j.title} - ${j.code ?? ''}`.trim(),
        shortcode: j.shortcode,
        code: j.code,
        state: j.state,
        department: j.department,
        employment_type: j.employment_type,
        url: `https://apply.workable.com/acme/j/${j.shortcode}/`,
        shortlink: `https://apply.workable.com/j/${j.shortcode}`,
        application_url: `https://apply.workable.com/acme/j/${j.shortcode}/apply`,
        location: j.location,
        created_at: j.created_at,
        updated_at: j.updated_at,
      }));
    }),
  );

  // https://workable.readme.io/reference/job-stages — GET /jobs/:shortcode/stages
  server.route(
    'GET',
    `${PREFIX}/jobs/:shortcode/stages`,
    api(['r_jobs'], (req) => {
      const job = jobByShortcode(req.params.shortcode);
      return job ? { json: { stages: job.stages } } : notFound();
    }),
  );

  // https://workable.readme.io/reference/stages — GET /stages (account pipeline)
  server.route(
    'GET',
    `${PREFIX}/stages`,
    api(['r_jobs'], () => ({ json: { stages: accountStages } })),
  );

  // https://workable.readme.io/reference/members — GET /members (role: simple|admin|reviewer,
  // status: active|inactive|all, default active; limit, since_id) [WK-MEM], [WITHONE]
  server.route(
    'GET',
    `${PREFIX}/members`,
    api(['r_jobs'], (req) => {
      const role = req.query.get('role');
      if (role !== null && (opts.memberRoleFilter === 'rejected' || !['simple', 'admin', 'reviewer'].includes(role)))
        return invalid('role', 'is not included in the list');
      const status = req.query.get('status') ?? 'active';
      if (!['active', 'inactive', 'all'].includes(status)) return invalid('status', 'is not included in the list');
      const rows = members.filter(
        (m) => (!role || legacyRole(m.roles) === role) && (status === 'all' || (status === 'active') === m.active),
      );
      return page(req, 'members', rows, 'members', (m) => ({
        id: m.id,
        name: m.name,
        headline: null,
        email: m.email,
        ...(memberSchema === 'roles' ? { roles: m.roles } : { role: legacyRole(m.roles) }),
        active: m.active,
        collaboration_rules: [],
      }));
    }),
  );

  // https://workable.readme.io/reference/custom_attributes — GET /custom_attributes (the docs list r_jobs)
  server.route(
    'GET',
    `${PREFIX}/custom_attributes`,
    api(['r_jobs'], () => ({
      json: {
        custom_attributes: customAttributes.map((a) => ({
          id: a.id,
          ...(attributeKeys === 'key' ? { key: a.key } : {}),
          type: a.type,
          enabled: a.enabled,
          label: a.label,
          hint: null,
          ...(a.choices ? { choices: a.choices } : {}),
        })),
      },
    })),
  );

  // https://workable.readme.io/reference/job-candidates-index — GET /candidates
  server.route(
    'GET',
    `${PREFIX}/candidates`,
    api(['r_candidates'], (req) => {
      const created = timeFilter(req, 'created_after');
      if (!created.ok) return created.res;
      const updated = timeFilter(req, 'updated_after');
      if (!updated.ok) return updated.res;
      const q = req.query;
      const rows = [...candidates.values()].filter(
        (c) =>
          (created.at === null || Date.parse(c.created_at) >= created.at) &&
          (updated.at === null || Date.parse(c.updated_at) >= updated.at) &&
          (!q.get('shortcode') || c.job === q.get('shortcode')) &&
          (!q.get('email') || c.email === q.get('email')) &&
          (!q.get('stage') || c.stage === q.get('stage')),
      );
      return page(req, 'candidates', rows, 'candidates', (c) => renderCandidate(c, false));
    }),
  );

  // https://workable.readme.io/reference/job-candidates-show — GET /candidates/:id
  server.route(
    'GET',
    `${PREFIX}/candidates/:id`,
    api(['r_candidates'], (req) => {
      const c = candidates.get(req.params.id);
      return c ? { json: { candidate: renderCandidate(c, true) } } : notFound();
    }),
  );

  // https://workable.readme.io/reference/update-candidate-tags — PUT /candidates/:id/tags {tags: [text]}:
  // the list is assigned as-is (an empty array deletes every tag), answered 202 with the new list.
  server.route(
    'PUT',
    `${PREFIX}/candidates/:id/tags`,
    api(['w_candidates'], (req) => {
      const c = candidates.get(req.params.id);
      if (!c) return notFound();
      const tags = req.json?.tags;
      if (!Array.isArray(tags) || tags.some((t: unknown) => typeof t !== 'string'))
        return { status: 422, json: { error: 'tags must be an array of strings' } };
      c.tags = [...new Set(tags as string[])];
      c.updated_at = new Date().toISOString();
      return { status: 202, json: { tags: c.tags } };
    }),
  );

  // https://workable.readme.io/reference/candidate-files — GET /candidates/:id/files (pre-signed preview URLs)
  server.route(
    'GET',
    `${PREFIX}/candidates/:id/files`,
    api(['r_candidates'], (req) => {
      const c = candidates.get(req.params.id);
      if (!c) return notFound();
      return {
        json: {
          files: c.files.map((f) => ({
            name: f.name,
            preview_url: `${server.url}/s3/${f.token}?X-Amz-Expires=60000`,
            source: f.source,
            kind: f.kind,
          })),
        },
      };
    }),
  );

  // Stand-in for the S3 host behind preview_url: no Workable auth, the URL itself is the key.
  server.route('GET', '/s3/:token', (req) => {
    for (const c of candidates.values()) {
      const f = c.files.find((x) => x.token === req.params.token);
      if (f) return { headers: { 'content-type': 'application/octet-stream' }, body: f.data };
    }
    return { status: 403, text: 'AccessDenied' };
  });

  // https://workable.readme.io/docs/comment-on-candidate — POST /candidates/:id/comments
  // { member_id, comment: { body, policy?: [simple|recruiter|reviewer], attachment?: { name, data(base64) } } }
  server.route(
    'POST',
    `${PREFIX}/candidates/:id/comments`,
    api(['w_candidates'], (req) => {
      const c = candidates.get(req.params.id);
      if (!c) return notFound();
      const b = req.json;
      if (!b || typeof b !== 'object') return { status: 400, json: { error: 'Invalid JSON body' } };
      if (typeof b.member_id !== 'string' || !b.member_id) return invalid('member_id', "can't be blank");
      const member = members.find((m) => m.id === b.member_id);
      if (!member || !member.active) return invalid('member_id', 'does not belong to an active member of the account');
      const comment = b.comment;
      if (!comment || typeof comment.body !== 'string' || !comment.body.trim()) return invalid('body', "can't be blank");
      const policies = ['simple', 'recruiter', 'reviewer', 'admin', 'recruiting_admin', 'hiring_manager'];
      if (
        comment.policy !== undefined &&
        (!Array.isArray(comment.policy) || comment.policy.some((p: unknown) => !policies.includes(p as string)))
      ) {
        return invalid('policy', `must contain only ${policies.join(', ')}`);
      }
      let attachment: Comment['attachment'];
      if (comment.attachment !== undefined) {
        const a = comment.attachment;
        if (Array.isArray(a)) return invalid('attachment', 'only one attachment may be created per comment');
        if (!a || typeof a.name !== 'string' || !a.name) return invalid('attachment.name', "can't be blank");
        if (typeof a.data !== 'string' || !a.data || !isBase64(a.data)) return invalid('attachment.data', 'is not valid base64');
        attachment = { name: a.name, data: Buffer.from(a.data, 'base64') };
        if (attachment.data.length > MAX_ATTACHMENT_BYTES) return invalid('attachment', 'is too big (maximum is 20 MB)');
      }
      const id = `cm${String(nextCommentId++).padStart(5, '0')}`;
      c.comments.push({
        id,
        member_id: member.id,
        body: comment.body,
        policy: comment.policy,
        attachment,
        created_at: new Date().toISOString(),
      });
      if (attachment)
        c.files.push({ name: attachment.name, source: 'comment', kind: 'attachment', data: attachment.data, token: `${c.id}-${id}` });
      return { status: 201, json: { id } };
    }),
  );

  /** GET /disqualification_reasons rows [WK-DQR]. */
  const disqualificationReasons = [
    { id: 'dq1', description: 'Not a fit', candidate_withdrew: false, position: 0 },
    { id: 'dq2', description: 'Lacks experience', candidate_withdrew: false, position: 1 },
    { id: 'dq3', description: 'Withdrew', candidate_withdrew: true, position: 2 },
  ];
  const activeMember = (b: any) => {
    if (typeof b?.member_id !== 'string' || !b.member_id) return invalid('member_id', "can't be blank");
    const member = members.find((m) => m.id === b.member_id);
    return member?.active ? null : invalid('member_id', 'does not belong to an active member of the account');
  };

  // https://workable.readme.io/reference/disqualification_reasons — "a collection" (envelope not
  // shown by the docs; the fake answers an object with a `disqualification_reasons` array).
  server.route(
    'GET',
    `${PREFIX}/disqualification_reasons`,
    api(['r_jobs'], () => ({ json: { disqualification_reasons: disqualificationReasons } })),
  );

  // https://workable.readme.io/reference/move-candidate — {member_id, target_stage}: a stage slug of
  // the candidate's job; the hired stage under a hiring plan needs a requisition (not modelled: refused).
  server.route(
    'POST',
    `${PREFIX}/candidates/:id/move`,
    api(['w_candidates'], (req) => {
      const c = candidates.get(req.params.id);
      if (!c) return notFound();
      const b = req.json;
      if (!b || typeof b !== 'object') return { status: 400, json: { error: 'Invalid JSON body' } };
      const bad = activeMember(b);
      if (bad) return bad;
      const extra = Object.keys(b).filter((k) => !['member_id', 'target_stage', 'fill_reserved_requisition', 'requisition'].includes(k));
      if (extra.length) return invalid(extra[0], 'is not a documented field');
      const target = jobByShortcode(c.job)!.stages.find((st) => st.slug === b.target_stage);
      if (!target) return invalid('target_stage', "is not a stage of the candidate's job");
      if (target.kind === 'hired') return invalid('target_stage', 'moving to the hired stage requires a requisition');
      c.stage = target.slug;
      c.updated_at = new Date().toISOString();
      return { json: {} };
    }),
  );

  // https://workable.readme.io/reference/disqualify-candidate — {member_id, disqualify_reason_id?,
  // disqualify_note? (≤ 256), withdrew?, disqualification_reason? (deprecated)}.
  server.route(
    'POST',
    `${PREFIX}/candidates/:id/disqualify`,
    api(['w_candidates'], (req) => {
      const c = candidates.get(req.params.id);
      if (!c) return notFound();
      const b = req.json;
      if (!b || typeof b !== 'object') return { status: 400, json: { error: 'Invalid JSON body' } };
      const bad = activeMember(b);
      if (bad) return bad;
      const extra = Object.keys(b).filter(
        (k) => !['member_id', 'disqualify_reason_id', 'disqualify_note', 'withdrew', 'disqualification_reason'].includes(k),
      );
      if (extra.length) return invalid(extra[0], 'is not a documented field');
      const reason = b.disqualify_reason_id === undefined ? null : disqualificationReasons.find((r) => r.id === b.disqualify_reason_id);
      if (b.disqualify_reason_id !== undefined && !reason)
        return invalid('disqualify_reason_id', 'is not a disqualification reason of the account');
      if (b.disqualify_note !== undefined && (typeof b.disqualify_note !== 'string' || b.disqualify_note.length > 256))
        return invalid('disqualify_note', 'is too long (maximum is 256 characters)');
      if (b.withdrew !== undefined && typeof b.withdrew !== 'boolean') return invalid('withdrew', 'must be true or false');
      Object.assign(c, {
        disqualified: true,
        withdrew: b.withdrew === true,
        disqualification_reason: reason?.description ?? b.disqualification_reason ?? null,
        disqualify_reason_id: reason?.id ?? null,
        disqualify_note: b.disqualify_note ?? null,
        disqualified_at: new Date().toISOString(),
        updated_at: new Date().toISOString(),
      });
      return { json: {} };
    }),
  );

  // https://workable.readme.io/reference/candidatesidupdate_custom_attribute_value
  // { custom_attribute_key, value | checked | date | choices } — the attribute must exist.
  server.route(
    'PATCH',
    `${PREFIX}/candidates/:id/update_custom_attribute_value`,
    api(['w_candidates'], (req) => {
      const c = candidates.get(req.params.id);
      if (!c) return notFound();
      const b = req.json;
      if (!b || typeof b !== 'object') return { status: 400, json: { error: 'Invalid JSON body' } };
      if (typeof b.custom_attribute_key !== 'string') return invalid('custom_attribute_key', "can't be blank");
      const attr = customAttributes.find((a) => (attributeKeys === 'id' ? a.id : a.key) === b.custom_attribute_key);
      if (!attr) return notFound(); // Workable answers 404 for an unknown key (Nango's template notes it)
      if (!attr.enabled) return invalid('custom_attribute_key', 'refers to a disabled custom attribute');
      let stored: unknown;
      switch (attr.type) {
        case 'short_text':
        case 'free_text':
          if (typeof b.value !== 'string') return invalid('value', 'must be a string');
          if (attr.type === 'short_text' && b.value.length > 128) return invalid('value', 'is too long (maximum is 128 characters)');
          stored = b.value;
          break;
        case 'numeric':
          if (typeof b.value !== 'number' && !(typeof b.value === 'string' && /^-?\d+(\.\d+)?$/.test(b.value)))
            return invalid('value', 'is not a number');
          stored = Number(b.value);
          break;
        case 'boolean':
          if (typeof b.checked !== 'boolean') return invalid('checked', 'must be true or false');
          stored = b.checked;
          break;
        default:
          return invalid('custom_attribute_key', `type ${attr.type} is not supported by this fake`);
      }
      c.custom[attr.id] = stored;
      c.updated_at = new Date().toISOString();
      return { json: { custom_attribute: { key: attr.id, label: attr.label, value: stored } } };
    }),
  );

  // https://workable.readme.io/reference/webhook-subscriptions — POST /subscriptions {target,
  // event, args} (scope r_candidates; unique targets, 409 otherwise), DELETE /subscriptions/:id.
  // Deliveries: the candidate, signed X-Workable-Signature = HMAC-SHA256(payload) keyed by the
  // account token (https://workable.readme.io/reference/webhooks; hex here, the encoding is unstated).
  const subscriptions = new SubscriptionList();
  server.route(
    'POST',
    `${PREFIX}/subscriptions`,
    api(['r_candidates'], (req) => {
      const { target, event, args } = req.json ?? {};
      if (typeof target !== 'string' || !/^https?:\/\//.test(target)) return invalid('target', 'is invalid');
      if (!['candidate_created', 'candidate_moved'].includes(event)) return invalid('event', 'is not included in the list');
      if (args && (typeof args.job_shortcode !== 'string' || typeof args.stage_slug !== 'string'))
        return invalid('args', 'job_shortcode and stage_slug are required');
      if (subscriptions.list().some((x) => x.url === target)) return { status: 409, json: { error: 'Conflict' } };
      const s = subscriptions.add({ id: String(770000000 + subscriptions.list().length + 1), url: target, event, secret: bearer(req)! });
      return { status: 201, json: { id: Number(s.id) } };
    }),
  );
  server.route(
    'DELETE',
    `${PREFIX}/subscriptions/:id`,
    api(['r_candidates'], (req) => (subscriptions.remove(req.params.id) ? { json: {} } : notFound())),
  );
  const webhooks: FakeVendorWebhooks = {
    registered: () => subscriptions.list().map((x) => ({ ...x, url: x.url.replace(/\?event=.*$/, '') })),
    async changeCandidate(id, manual) {
      const c = candidates.get(id);
      if (!c) throw new Error(`no candidate ${id}`);
      const stages = jobByShortcode(c.job)!.stages;
      c.stage = stages[(stages.findIndex((s) => s.slug === c.stage) + 1) % stages.length].slug;
      c.updated_at = new Date().toISOString();
      const body = JSON.stringify(renderCandidate(c, true));
      const targets = manual ? [manual] : subscriptions.to('candidate_moved');
      return subscriptions.send(
        targets.map((t) => ({
          url: t.url,
          body,
          headers: { 'x-workable-signature': createHmac('sha256', t.secret).update(body).digest('hex') },
        })),
      );
    },
    redeliverLast: () => subscriptions.redeliverLast(),
  };

  await server.start();

  const fake: WorkableFake = {
    // The sync lists every member (status=all), inactive ones included.
    userRemoteIds: () => members.map((m) => m.id),
    webhooks,
    tool: 'workable',
    server,
    url: `${server.url}${PREFIX}`,
    credentials: { subdomain: 'acme', api_token: 'wk-test-token' },
    badCredentials: { subdomain: 'acme', api_token: 'wk-revoked-token' },
    stop: () => server.stop(),
    failNext(n, status) {
      failQueue = { status, left: n };
    },
    candidateRemoteIds: () => [...candidates.keys()],
    applicationRemoteIds: () => [...candidates.keys()],
    jobRemoteIds: () => jobs.map((j) => j.shortcode),
    deleteCandidate(id) {
      candidates.delete(id);
    },
    applicationStatus(id) {
      const c = candidates.get(id);
      if (!c) return null;
      return { stage: c.stage, rejected: c.disqualified, reason: c.disqualify_reason_id ?? null };
    },
    resultTextFor(id) {
      const c = candidates.get(id);
      if (!c) return '';
      const custom = Object.entries(c.custom).map(([k, v]) => `${customAttributes.find((a) => a.id === k)?.label ?? k}: ${String(v)}`);
      return [...c.comments.map((x) => x.body), ...(c.disqualify_note ? [c.disqualify_note] : []), ...custom].join('\n');
    },
    filesFor(id) {
      const c = candidates.get(id);
      return (c?.files ?? []).map((f) => ({ name: f.name, type: f.source === 'comment' ? `comment_attachment` : f.kind, data: f.data }));
    },
    tagsFor: (id) => [...(candidates.get(id)?.tags ?? [])],
    peakRate: () => peak,
    comments: (id) => candidates.get(id)?.comments ?? [],
    customValues: (id) => candidates.get(id)?.custom ?? {},
    tokenWithScopes(scopes) {
      const token = `wk-scoped-${tokens.size}`;
      tokens.set(token, scopes);
      return token;
    },
    touch(id, at) {
      const c = candidates.get(id);
      if (c) c.updated_at = at;
    },
    memberIds: { firstActiveAdmin: members[1].id, simple: members[2].id, inactiveAdmin: members[0].id, hrAdmin: members[4].id },
    throttled: () => throttled,
  };
  return fake;
}

function isBase64(s: string): boolean {
  return s.length % 4 === 0 && /^[A-Za-z0-9+/]*={0,2}$/.test(s);
}

// ---------------------------------------------------------------------------------------------
// Deterministic seed: 4 jobs (one per state), 30 people, 4 of them also on a second job
// (Workable copies the candidate: a new record with originating_candidate_id), so 34 records.
// ---------------------------------------------------------------------------------------------

function seedData() {
  const stage = (slug: string, name: string, kind: string, position: number): Stage => ({ slug, name, kind, position });
  const accountStages = [
    stage('sourced', 'Sourced', 'sourced', 0),
    stage('applied', 'Applied', 'applied', 1),
    stage('phone_screen', 'Phone Screen', 'phone-screen', 2),
    stage('interview', 'Interview', 'interview', 3),
    stage('offer', 'Offer', 'offer', 4),
    stage('hired', 'Hired', 'hired', 5),
  ];
  const designStages = [
    accountStages[0],
    accountStages[1],
    stage('portfolio_review', 'Portfolio Review', 'assessment', 2),
    ...accountStages.slice(3).map((s) => ({ ...s })),
  ];
  const job = (
    id: string,
    shortcode: string,
    title: string,
    state: string,
    department: string,
    employment_type: string | null,
    city: string,
    cc: string,
    created: string,
    stages: Stage[],
  ): Job => ({
    id,
    title,
    shortcode,
    code: `${title.split(' ')[0].toUpperCase()}-01`,
    state,
    department,
    employment_type,
    location: {
      location_str: `${city}, ${cc}`,
      country: cc === 'DE' ? 'Germany' : 'Portugal',
      country_code: cc,
      region: null,
      region_code: null,
      city,
      zip_code: null,
      telecommuting: false,
    },
    created_at: created,
    updated_at: created,
    stages,
  });
  const jobs = [
    job(
      '61b0a1',
      'A1B2C3D4E5',
      'Backend Engineer',
      'published',
      'Engineering',
      'full_time',
      'Berlin',
      'DE',
      '2026-01-02T09:00:00Z',
      accountStages,
    ),
    job(
      '61b0a2',
      'F6G7H8I9J0',
      'Product Designer',
      'published',
      'Design',
      'part_time',
      'Lisbon',
      'PT',
      '2026-01-03T09:00:00Z',
      designStages,
    ),
    job('61b0a3', 'K1L2M3N4O5', 'Sales Lead', 'closed', 'Sales', 'contract', 'Berlin', 'DE', '2025-11-20T09:00:00Z', accountStages),
    job('61b0a4', 'P6Q7R8S9T0', 'Data Analyst', 'draft', 'Analytics', null, 'Lisbon', 'PT', '2026-08-15T09:00:00Z', accountStages),
  ];
  jobs[0].updated_at = '2026-09-10T12:00:00Z';

  const members: Member[] = [
    { id: '1f0a00', name: 'Olga Old', email: 'olga@acme.test', roles: ['ats.admin', 'hris.admin', 'workable.superadmin'], active: false },
    { id: '1f0a01', name: 'Alice Admin', email: 'alice@acme.test', roles: ['ats.admin', 'hris.employee'], active: true },
    { id: '1f0a02', name: 'Sam Simple', email: 'sam@acme.test', roles: ['ats.simple'], active: true },
    { id: '1f0a03', name: 'Rita Reviewer', email: 'rita@acme.test', roles: ['ats.reviewer', 'Interviewers'], active: true },
    // An HR admin is no recruiting admin: not a default comment author.
    { id: '1f0a04', name: 'Hugo HR', email: 'hugo@acme.test', roles: ['hris.admin'], active: true },
  ];

  const customAttributes: CustomAttribute[] = [
    { id: 'acme_score', key: '13e0eb0e', label: 'Acme: Score', type: 'short_text', enabled: true },
    { id: 'acme_report', key: '13e0eb0f', label: 'Acme: Report', type: 'free_text', enabled: true },
    { id: 'acme_percentile', key: '13e0eb10', label: 'Acme: Percentile', type: 'numeric', enabled: true },
    { id: 'acme_passed', key: '13e0eb11', label: 'Acme: Passed', type: 'boolean', enabled: true },
    { id: 'acme_legacy', key: '13e0eb12', label: 'Acme: Legacy', type: 'short_text', enabled: false },
    {
      id: 'notice_period',
      key: '13e0eb13',
      label: 'Notice period',
      type: 'dropdown',
      enabled: true,
      choices: [
        { id: 'np1', body: '1 month' },
        { id: 'np2', body: '3 months' },
      ],
    },
  ];

  const first = [
    'Ada',
    'Ben',
    'Chloe',
    'Dev',
    'Elif',
    'Farid',
    'Greta',
    'Hugo',
    'Ines',
    'Jonas',
    'Kira',
    'Luca',
    'Mira',
    'Nils',
    'Omar',
    'Pia',
    'Quinn',
    'Rosa',
    'Sven',
    'Tara',
    'Umut',
    'Vera',
    'Wim',
    'Xenia',
    'Yusuf',
    'Zoe',
    'Anton',
    'Bea',
    'Carl',
    'Dana',
  ];
  const last = [
    'Lovelace',
    'Okafor',
    'Martin',
    'Patel',
    'Yilmaz',
    'Haddad',
    'Berg',
    'Moreau',
    'Silva',
    'Weber',
    'Tanaka',
    'Rossi',
    'Novak',
    'Larsen',
    'Aziz',
    'Keller',
    'Byrne',
    'Costa',
    'Lund',
    'Singh',
    'Demir',
    'Ivanova',
    'Jansen',
    'Popova',
    'Khan',
    'Fischer',
    'Meyer',
    'Braun',
    'Schulz',
    'Wolf',
  ];
  const domains = ['linkedin.com', 'indeed.com', null, 'referral'];
  const day = (n: number, hour = 9) => new Date(Date.UTC(2026, 0, 1 + n, hour)).toISOString().replace('.000Z', 'Z');
  const candidates: Candidate[] = [];
  let seq = 0;
  const recordId = () => (0x3a0000 + ++seq).toString(16);
  const make = (i: number, jobIndex: number, stageSlug: string, origin: string | null): Candidate => {
    const id = recordId();
    const fn = first[i];
    const ln = last[i];
    const c: Candidate = {
      id,
      firstname: fn,
      lastname: ln,
      headline: i % 3 === 0 ? 'Software Engineer' : null,
      email: `${fn.toLowerCase()}.${ln.toLowerCase()}@example.com`,
      phone: i % 2 === 0 ? `+49 30 5550${String(i).padStart(3, '0')}` : null,
      address: i % 4 === 0 ? 'Berlin, Germany' : null,
      domain: domains[i % domains.length],
      sourced: i % 5 === 1,
      job: jobs[jobIndex].shortcode,
      stage: stageSlug,
      disqualified: false,
      withdrew: false,
      disqualification_reason: null,
      disqualified_at: null,
      hired_at: null,
      tags: i % 6 === 0 ? ['top-talent'] : [],
      created_at: day(seq),
      updated_at: day(seq, 15),
      originating_candidate_id: origin,
      files: [
        {
          name: `${fn}_${ln}_CV.pdf`,
          source: origin ? 'copied' : 'candidate',
          kind: 'resume',
          data: Buffer.from(`%PDF-1.4 CV of ${fn} ${ln}`),
          token: `${id}-cv`,
        },
      ],
      comments: [],
      custom: {},
    };
    if (i % 5 === 2)
      c.files.push({
        name: `${fn}_${ln}_cover_letter.pdf`,
        source: 'candidate',
        kind: 'cover_letter',
        data: Buffer.from(`Dear Acme, ${fn}`),
        token: `${id}-cl`,
      });
    return c;
  };
  const stageSlugs = ['applied', 'phone_screen', 'interview', 'offer', 'sourced'];
  for (let i = 0; i < 30; i++) {
    const jobIndex = i % 3;
    let slug = stageSlugs[i % stageSlugs.length];
    if (jobIndex === 1 && slug === 'phone_screen') slug = 'portfolio_review';
    const c = make(i, jobIndex, slug, null);
    if (i % 7 === 3) Object.assign(c, { disqualified: true, disqualification_reason: 'Not a fit', disqualified_at: day(seq + 2) });
    if (i === 12)
      Object.assign(c, { withdrew: true, disqualified: true, disqualification_reason: 'Withdrew', disqualified_at: day(seq + 3) });
    if (i % 11 === 5) Object.assign(c, { stage: 'hired', hired_at: day(seq + 10) });
    if (i % 5 === 0) c.updated_at = `2026-09-${String(1 + i).padStart(2, '0')}T10:00:00Z`; // recent activity for delta syncs
    candidates.push(c);
  }
  // Four people copied to a second job: separate records, same person.
  for (const i of [0, 1, 2, 4]) {
    const originalId = candidates[i].id;
    const otherJob = i % 3 === 0 ? 1 : 0;
    candidates.push(make(i, otherJob, 'applied', originalId));
  }
  return { jobs, accountStages, members, customAttributes, candidates };
}
