/**
 * A faithful in-memory Greenhouse Harvest v3 for tests: OAuth client-credentials at /token,
 * Bearer auth and per-scope 403s on /v3/*, bare-array lists with cursor pagination in the Link
 * header (cursor must be the only parameter), `updated_at=gte|<ISO>` filters, the 10-second
 * rolling rate limit with X-RateLimit-* and Retry-After, notes, custom-field PATCHes and
 * base64 attachments (served back from pre-signed-style URLs).
 *
 * Docs followed (see src/connectors/greenhouse/README.md):
 *   auth        https://harvestdocs.greenhouse.io/docs/authentication
 *   pagination  https://harvestdocs.greenhouse.io/docs/pagination
 *   filters     https://harvestdocs.greenhouse.io/docs/list-endpoints
 *   writes      https://harvestdocs.greenhouse.io/docs/write-endpoint-migration-guide
 *   attachments https://harvestdocs.greenhouse.io/reference/post_v3-attachments, .../get_v3-attachments
 *   errors/rate https://developers.greenhouse.io/harvest.html (v1 conventions, kept by v3 as far as known)
 */
import { randomBytes } from 'node:crypto';
import { FakeServer, WindowCounter, type FakeRequest, type FakeResponse } from './server.ts';
import type { VendorFake } from './types.ts';

export const ALL_SCOPES = [
  'harvest:jobs:list',
  'harvest:job_interview_stages:list',
  'harvest:candidates:list',
  'harvest:applications:list',
  'harvest:rejection_reasons:list',
  'harvest:custom_fields:list',
  'harvest:attachments:list',
  'harvest:attachments:create',
  'harvest:notes:create',
  'harvest:candidates:update',
  'harvest:applications:update',
];

export interface GreenhouseFakeOptions {
  /** Most records the fake puts on one page, whatever per_page asks (forces multi-page reads). */
  pageSize?: number;
  /** Requests allowed per rolling 10-second window (Harvest's X-RateLimit-Limit). */
  rateLimit?: number;
  /** Length of the rolling window, ms. Harvest's is 10 s; tests may shorten it to stay fast. */
  rateWindowMs?: number;
  /** Seconds sent in Retry-After on an injected 429 (failNext). */
  retryAfterSec?: number;
  /** Lifetime of issued access tokens, in seconds (`expires_in`). */
  tokenTtlSec?: number;
  /** Scopes enabled on the good credential. */
  scopes?: string[];
}

export interface GhUser { id: number; name: string }
export interface GhJob { id: number; name: string; requisition_id: string; status: 'open' | 'closed' | 'draft'; confidential: boolean; opened_at: string; closed_at: string | null; created_at: string; updated_at: string }
export interface GhStage { id: number; job_id: number; name: string; sort_order: number; created_at: string; updated_at: string }
export interface GhCandidate {
  id: number; first_name: string; last_name: string; company: string | null; title: string | null; is_private: boolean;
  email_addresses: { value: string; type: string }[]; phone_numbers: { value: string; type: string }[];
  tags: string[]; custom: Map<number, string>; created_at: string; updated_at: string;
}
export interface GhApplication {
  id: number; candidate_id: number; job_id: number; job_interview_stage_id: number | null; status: 'in_process' | 'rejected' | 'hired';
  rejected_at: string | null; rejection_reason_id: number | null; custom: Map<number, string>; created_at: string; updated_at: string;
}
export interface GhCustomField { id: number; name: string; name_key: string; field_type: 'candidate' | 'application' | 'job'; value_type: 'short_text' | 'long_text' | 'url' | 'number'; active: boolean }
export interface GhNote { id: number; candidate_id: number; application_id: number | null; user_id: number; body: string; visibility: string; type: string; created_at: string; token_sub: string | null }
export interface GhAttachment {
  id: number; application_id: number; candidate_id: number; filename: string; type: string; visibility: string;
  content_type: string | null; data: Buffer; signature: string; created_at: string; updated_at: string;
}
interface Token { token: string; sub: string | null; scopes: string[]; expiresAt: number }

export interface GreenhouseFake extends VendorFake {
  users: GhUser[];
  jobs: GhJob[];
  stages: GhStage[];
  candidates: GhCandidate[];
  applications: GhApplication[];
  customFields: GhCustomField[];
  notes: GhNote[];
  attachments: GhAttachment[];
  tokens: Token[];
  /** Scopes the good credential gets on its next token. */
  setScopes(scopes: string[]): void;
  /** Invalidates every issued token (as a secret rotation would); clients must mint again. */
  revokeTokens(): void;
  /** A candidate's custom field values by field name. */
  candidateFieldValues(candidateId: number): Record<string, string>;
  applicationFieldValues(applicationId: number): Record<string, string>;
}

const CLIENT_ID = 'gh-client-7f3a';
const CLIENT_SECRET = 'gh-secret-93bd1e';
const SERVICE_ACCOUNT = 1001;
const ATTACHMENT_TYPES = ['resume', 'cover_letter', 'take_home_test', 'offer_packet', 'offer_letter', 'signed_offer_letter', 'midfunnel_agreement', 'automated_agreement', 'form_attachment', 'other'];
const VISIBILITIES = ['public', 'admin_only', 'private'];
const BLOCKED_EXTENSIONS = ['exe', 'bat', 'cmd', 'js', 'msi'];
const MAX_IDS = 50;

const iso = (d: Date) => d.toISOString();
const day = (n: number) => new Date(Date.UTC(2026, 0, 1) + n * 86_400_000);
const slug = (s: string) => s.toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^_|_$/g, '');

/** Harvest's validation body (`{message, errors:[{message, field}]}`, 422). */
const invalid = (field: string, message: string): FakeResponse => ({ status: 422, json: { message: 'Validation error', errors: [{ message, field }] } });
const notFound = (what: string): FakeResponse => ({ status: 404, json: { message: `${what} not found` } });

export async function startGreenhouseFake(opts: GreenhouseFakeOptions = {}): Promise<GreenhouseFake> {
  const pageSize = opts.pageSize ?? 10;
  const retryAfterSec = opts.retryAfterSec ?? 1;
  const tokenTtlSec = opts.tokenTtlSec ?? 3600;
  let grantedScopes = [...(opts.scopes ?? ALL_SCOPES)];
  const counter = new WindowCounter(opts.rateLimit ?? 50, opts.rateWindowMs ?? 10_000);
  const server = new FakeServer();
  const base = await server.start();

  // ---------------------------------------------------------------------------------------------
  // Seed (deterministic)
  // ---------------------------------------------------------------------------------------------
  const users: GhUser[] = [
    { id: SERVICE_ACCOUNT, name: 'Harvest API service account' },
    { id: 1002, name: 'Jane Recruiter' },
    { id: 1003, name: 'Sam Coordinator' },
  ];
  const jobs: GhJob[] = [
    { id: 4001, name: 'Backend Engineer', requisition_id: 'ENG-101', status: 'open', confidential: false, opened_at: iso(day(0)), closed_at: null, created_at: iso(day(0)), updated_at: iso(day(10)) },
    { id: 4002, name: 'Product Designer', requisition_id: 'DES-7', status: 'open', confidential: false, opened_at: iso(day(2)), closed_at: null, created_at: iso(day(2)), updated_at: iso(day(40)) },
    { id: 4003, name: 'Data Analyst', requisition_id: 'DAT-3', status: 'closed', confidential: true, opened_at: iso(day(1)), closed_at: iso(day(30)), created_at: iso(day(1)), updated_at: iso(day(30)) },
  ];
  const STAGE_NAMES = ['Application Review', 'Phone Screen', 'Take Home Test', 'Onsite', 'Offer'];
  const stages: GhStage[] = jobs.flatMap((j, ji) =>
    STAGE_NAMES.map((name, i) => ({ id: 60000 + ji * 100 + i, job_id: j.id, name, sort_order: i, created_at: j.created_at, updated_at: j.created_at })),
  );
  const rejectionReasons = [
    { id: 9001, name: 'Lacking skill(s)/qualification(s)' },
    { id: 9002, name: 'Candidate withdrew' },
  ];
  const customFields: GhCustomField[] = [
    { id: 8001, name: 'Acme: Score', field_type: 'candidate', value_type: 'short_text' },
    { id: 8002, name: 'Acme: Level', field_type: 'candidate', value_type: 'short_text' },
    { id: 8003, name: 'Desired Salary', field_type: 'candidate', value_type: 'number' },
    { id: 8004, name: 'Acme: Retired', field_type: 'candidate', value_type: 'short_text', active: false },
    { id: 8101, name: 'Acme: Score', field_type: 'application', value_type: 'short_text' },
    { id: 8102, name: 'Acme: Report', field_type: 'application', value_type: 'url' },
    { id: 8103, name: 'Acme: Percentile', field_type: 'application', value_type: 'number' },
    { id: 8201, name: 'Cost Center', field_type: 'job', value_type: 'short_text' },
  ].map((f) => ({ active: true, ...f, name_key: slug(f.name) }) as GhCustomField);

  const FIRST = ['Ada', 'Grace', 'Alan', 'Edsger', 'Barbara', 'Donald', 'Frances', 'Ken', 'Margaret', 'Dennis', 'Radia', 'Tim', 'Hedy', 'Linus', 'Katherine', 'John'];
  const LAST = ['Lovelace', 'Hopper', 'Turing', 'Dijkstra', 'Liskov', 'Knuth', 'Allen', 'Thompson', 'Hamilton', 'Ritchie', 'Perlman', 'Berners-Lee', 'Lamarr', 'Torvalds', 'Johnson', 'McCarthy'];
  const candidates: GhCandidate[] = [];
  const applications: GhApplication[] = [];
  let nextApplicationId = 7001;
  for (let i = 0; i < 32; i++) {
    const id = 5001 + i;
    const first = FIRST[i % FIRST.length];
    const last = LAST[(i * 3) % LAST.length];
    candidates.push({
      id, first_name: first, last_name: last, company: i % 3 ? 'Initech' : null, title: i % 2 ? 'Engineer' : null, is_private: i === 7,
      email_addresses: [{ value: `${first}.${last}.${id}@example.com`.toLowerCase(), type: 'personal' }],
      phone_numbers: i % 4 ? [] : [{ value: `+1-555-01${String(i).padStart(2, '0')}`, type: 'mobile' }],
      tags: i % 6 ? [] : ['Referral'], custom: new Map(i === 3 ? [[8003, '90000']] : []),
      created_at: iso(day(i)), updated_at: iso(day(31 + i)),
    });
    const job = i % 2 ? jobs[1] : jobs[0];
    const status: GhApplication['status'] = i % 11 === 10 ? 'hired' : i % 7 === 6 ? 'rejected' : 'in_process';
    const jobStages = stages.filter((s) => s.job_id === job.id);
    applications.push({
      id: nextApplicationId++, candidate_id: id, job_id: job.id,
      job_interview_stage_id: status === 'hired' ? jobStages[4].id : jobStages[i % 4].id, status,
      rejected_at: status === 'rejected' ? iso(day(40 + i)) : null, rejection_reason_id: status === 'rejected' ? 9001 : null,
      custom: new Map(), created_at: iso(day(i)), updated_at: iso(day(31 + i)),
    });
    if (i % 5 === 0) {
      // A few candidates also applied to the closed job: an older, rejected application.
      applications.push({
        id: nextApplicationId++, candidate_id: id, job_id: 4003, job_interview_stage_id: stages.find((s) => s.job_id === 4003)!.id, status: 'rejected',
        rejected_at: iso(day(30)), rejection_reason_id: 9002, custom: new Map(), created_at: iso(day(1)), updated_at: iso(day(30)),
      });
    }
  }
  const notes: GhNote[] = [];
  const attachments: GhAttachment[] = [];
  const tokens: Token[] = [];
  let nextId = 90000;

  // ---------------------------------------------------------------------------------------------
  // Faults, rate limit, auth
  // ---------------------------------------------------------------------------------------------
  let faults: { n: number; status: 429 | 500 | 503 } = { n: 0, status: 500 };
  const rateHeaders = (count: number): Record<string, string> => ({
    'x-ratelimit-limit': String(counter.limit),
    'x-ratelimit-remaining': String(Math.max(0, counter.limit - count)),
  });
  /** 429 with Harvest's headers; Retry-After tells the truth about when the window reopens. */
  const tooMany = (resetMs: number): FakeResponse => ({
    status: 429,
    headers: {
      'retry-after': String(Math.max(1, Math.ceil(resetMs / 1000))),
      'x-ratelimit-limit': String(counter.limit),
      'x-ratelimit-remaining': '0',
      'x-ratelimit-reset': String(Math.ceil((Date.now() + resetMs) / 1000)),
    },
    json: { message: 'Too Many Requests' },
  });

  server.before = () => {
    if (faults.n > 0) {
      faults.n--;
      if (faults.status === 429) return tooMany(retryAfterSec * 1000);
      return { status: faults.status, json: { message: faults.status === 503 ? 'Service Unavailable' : 'Internal Server Error' } };
    }
    return undefined;
  };

  /** Wraps a /v3 handler: rate limit, Bearer token, scope, then the X-RateLimit-* headers. */
  const v3 = (scope: string, handler: (req: FakeRequest, token: Token) => FakeResponse | Promise<FakeResponse>) => async (req: FakeRequest): Promise<FakeResponse> => {
    const hit = counter.hit();
    counter.peak = Math.max(counter.peak, hit.count);
    if (hit.over) return tooMany(hit.resetMs);
    const bearer = String(req.headers.authorization ?? '');
    const token = bearer.startsWith('Bearer ') ? tokens.find((t) => t.token === bearer.slice(7)) : undefined;
    if (!token || Date.now() >= token.expiresAt) {
      return { status: 401, headers: { 'www-authenticate': 'Bearer error="invalid_token"' }, json: { message: 'Unauthorized: the access token is missing, invalid or expired.' } };
    }
    if (!token.scopes.includes(scope)) {
      return { status: 403, headers: rateHeaders(hit.count), json: { message: `Forbidden: this token is missing the required scope ${scope}.` } };
    }
    const out = await handler(req, token);
    return { ...out, headers: { ...rateHeaders(hit.count), ...out.headers } };
  };

  // POST /token — client credentials (docs/authentication, reference/generate-token).
  server.route('POST', '/token', (req) => {
    const auth = String(req.headers.authorization ?? '');
    const [id, secret] = auth.startsWith('Basic ') ? Buffer.from(auth.slice(6), 'base64').toString('utf8').split(':') : [];
    if (id !== CLIENT_ID || secret !== CLIENT_SECRET) {
      return { status: 401, json: { error: 'invalid_client', error_description: 'Client authentication failed.' } };
    }
    const form = req.form;
    if (!form || form.get('grant_type') !== 'client_credentials') {
      return { status: 400, json: { error: 'unsupported_grant_type', error_description: 'grant_type must be client_credentials.' } };
    }
    const sub = form.get('sub') ? String(form.get('sub')) : null;
    if (sub !== null && !users.some((u) => String(u.id) === sub)) {
      return { status: 400, json: { error: 'invalid_request', error_description: `sub ${sub} is not an active user in this organization.` } };
    }
    const token: Token = { token: randomBytes(18).toString('base64url'), sub, scopes: [...grantedScopes], expiresAt: Date.now() + tokenTtlSec * 1000 };
    tokens.push(token);
    return { json: { access_token: token.token, token_type: 'Bearer', expires_in: tokenTtlSec, scope: token.scopes.join(' ') } };
  });

  // ---------------------------------------------------------------------------------------------
  // Lists: cursor pagination (docs/pagination) and filters (docs/list-endpoints)
  // ---------------------------------------------------------------------------------------------
  type Filters = Record<string, string>;
  type Lister = (filters: Filters) => FakeResponse | { id: number }[];

  const idList = (filters: Filters, key: string): FakeResponse | number[] | undefined => {
    if (filters[key] === undefined) return undefined;
    const parts = filters[key].split(',');
    if (parts.length > MAX_IDS) return invalid(key, `accepts at most ${MAX_IDS} ids`);
    if (!parts.every((p) => /^\d+$/.test(p))) return invalid(key, 'must be a comma separated list of integers');
    return parts.map(Number);
  };
  /** `gte|2026-01-01T00:00:00Z|lte|...`: operator and value alternate, separated by `|`. */
  const dateFilter = (filters: Filters, key: string): FakeResponse | ((v: string) => boolean) | undefined => {
    if (filters[key] === undefined) return undefined;
    const parts = filters[key].split('|');
    if (parts.length % 2 !== 0) return invalid(key, 'must be operator|timestamp pairs, e.g. gte|2024-01-01T00:00:00Z');
    const checks: ((t: number) => boolean)[] = [];
    for (let i = 0; i < parts.length; i += 2) {
      const at = Date.parse(parts[i + 1]);
      if (Number.isNaN(at)) return invalid(key, `${parts[i + 1]} is not an ISO-8601 timestamp`);
      const op = parts[i];
      if (op === 'gte') checks.push((t) => t >= at);
      else if (op === 'gt') checks.push((t) => t > at);
      else if (op === 'lte') checks.push((t) => t <= at);
      else if (op === 'lt') checks.push((t) => t < at);
      else return invalid(key, `unknown operator ${op}`);
    }
    return (v: string) => checks.every((c) => c(Date.parse(v)));
  };
  const isError = (x: unknown): x is FakeResponse => !!x && typeof x === 'object' && 'status' in (x as object) && !Array.isArray(x);

  /** Applies ids/created_at/updated_at to records carrying those fields. */
  const common = (filters: Filters, rows: { id: number; created_at: string; updated_at: string }[]): FakeResponse | typeof rows => {
    const ids = idList(filters, 'ids');
    if (isError(ids)) return ids;
    const created = dateFilter(filters, 'created_at');
    if (isError(created)) return created;
    const updated = dateFilter(filters, 'updated_at');
    if (isError(updated)) return updated;
    return rows.filter((r) => (!ids || ids.includes(r.id)) && (!created || created(r.created_at)) && (!updated || updated(r.updated_at)));
  };

  const listRoute = (path: string, scope: string, lister: Lister) => {
    server.route('GET', path, v3(scope, (req) => {
      const params = [...req.query.keys()];
      let filters: Filters;
      let offset = 0;
      let perPage = 100;
      if (req.query.has('cursor')) {
        if (params.length > 1) return invalid('cursor', 'cursor must be the only query parameter');
        try {
          const c = JSON.parse(Buffer.from(req.query.get('cursor')!, 'base64url').toString('utf8'));
          if (c.path !== path) throw new Error('other resource');
          ({ filters, offset, perPage } = c);
        } catch {
          return invalid('cursor', 'is invalid');
        }
      } else {
        filters = Object.fromEntries(req.query.entries());
        if (filters.per_page !== undefined) {
          perPage = Number(filters.per_page);
          if (!Number.isInteger(perPage) || perPage < 1 || perPage > 500) return invalid('per_page', 'must be an integer between 1 and 500');
        }
        delete filters.per_page;
      }
      const rows = lister(filters);
      if (isError(rows)) return rows;
      // Newest ids first, as Harvest v3 orders lists.
      const sorted = [...rows].sort((a, b) => Number(b.id) - Number(a.id));
      const size = Math.min(perPage, pageSize);
      const page = sorted.slice(offset, offset + size);
      const headers: Record<string, string> = {};
      if (offset + size < sorted.length) {
        const cursor = Buffer.from(JSON.stringify({ path, filters, offset: offset + size, perPage })).toString('base64url');
        headers.link = `<${base}${path}?cursor=${cursor}>; rel="next"`;
      }
      return { headers, json: page };
    }));
  };

  const fieldValues = (custom: Map<number, string>, type: GhCustomField['field_type']) => {
    const out: Record<string, { name: string; type: string; value: string | null }> = {};
    for (const f of customFields.filter((f) => f.field_type === type && f.active)) {
      out[f.name_key] = { name: f.name, type: f.value_type, value: custom.get(f.id) ?? null };
    }
    return out;
  };
  const candidateJson = (c: GhCandidate) => ({
    id: c.id, first_name: c.first_name, last_name: c.last_name, company: c.company, title: c.title, is_private: c.is_private,
    created_at: c.created_at, updated_at: c.updated_at, last_activity_at: c.updated_at,
    email_addresses: c.email_addresses, phone_numbers: c.phone_numbers, addresses: [], website_addresses: [], social_media_addresses: [],
    tags: c.tags, custom_fields: fieldValues(c.custom, 'candidate'),
  });
  const applicationJson = (a: GhApplication) => ({
    id: a.id, candidate_id: a.candidate_id, job_id: a.job_id, job_interview_stage_id: a.job_interview_stage_id, status: a.status,
    prospect: false, applied_at: a.created_at, rejected_at: a.rejected_at, rejection_reason_id: a.rejection_reason_id,
    created_at: a.created_at, updated_at: a.updated_at, last_activity_at: a.updated_at, custom_fields: fieldValues(a.custom, 'application'),
  });
  const attachmentJson = (a: GhAttachment) => ({
    id: a.id, application_id: a.application_id, candidate_id: a.candidate_id, filename: a.filename, type: a.type, visibility: a.visibility,
    // Pre-signed download link, valid 7 days, no auth (get_v3-attachments).
    url: `${base}/files/${a.id}?signature=${a.signature}`, created_at: a.created_at, updated_at: a.updated_at,
  });

  // GET /v3/jobs (reference/get_v3-jobs)
  listRoute('/v3/jobs', 'harvest:jobs:list', (f) => {
    const rows = common(f, jobs);
    if (isError(rows)) return rows;
    return (rows as GhJob[]).filter((j) => !f.status || j.status === f.status).map((j) => ({ ...j, custom_fields: {} }));
  });
  // GET /v3/job_interview_stages (reference/get_v3-job-interview-stages)
  listRoute('/v3/job_interview_stages', 'harvest:job_interview_stages:list', (f) => {
    const jobIds = idList(f, 'job_ids');
    if (isError(jobIds)) return jobIds;
    const rows = common(f, stages);
    if (isError(rows)) return rows;
    return (rows as GhStage[]).filter((s) => !jobIds || jobIds.includes(s.job_id));
  });
  // GET /v3/candidates (reference/get_v3-candidates)
  listRoute('/v3/candidates', 'harvest:candidates:list', (f) => {
    const rows = common(f, candidates);
    if (isError(rows)) return rows;
    return (rows as GhCandidate[]).filter((c) => !f.email || c.email_addresses.some((e) => e.value === f.email)).map(candidateJson);
  });
  // GET /v3/applications (reference/get_v3-applications)
  listRoute('/v3/applications', 'harvest:applications:list', (f) => {
    const candidateIds = idList(f, 'candidate_ids');
    if (isError(candidateIds)) return candidateIds;
    const jobIds = idList(f, 'job_ids');
    if (isError(jobIds)) return jobIds;
    const rows = common(f, applications);
    if (isError(rows)) return rows;
    return (rows as GhApplication[])
      .filter((a) => (!candidateIds || candidateIds.includes(a.candidate_id)) && (!jobIds || jobIds.includes(a.job_id)) && (!f.status || a.status === f.status))
      .map(applicationJson);
  });
  // GET /v3/rejection_reasons (reference/get_v3-rejection-reasons)
  listRoute('/v3/rejection_reasons', 'harvest:rejection_reasons:list', () =>
    rejectionReasons.map((r) => ({ ...r, type: 'We rejected them', created_at: iso(day(0)), updated_at: iso(day(0)) })));
  // GET /v3/custom_fields (reference/get_v3-custom-fields)
  listRoute('/v3/custom_fields', 'harvest:custom_fields:list', (f) => {
    const types = ['job', 'candidate', 'application', 'offer', 'opening', 'rejection_question', 'referral_question', 'user_attribute'];
    if (f.field_type !== undefined && !types.includes(f.field_type)) return invalid('field_type', `must be one of ${types.join(', ')}`);
    return customFields
      .filter((c) => !f.field_type || c.field_type === f.field_type)
      .map((c) => ({ id: c.id, name: c.name, name_key: c.name_key, field_type: c.field_type, value_type: c.value_type, active: c.active, private: false, required: false, created_at: iso(day(0)), updated_at: iso(day(0)) }));
  });
  // GET /v3/attachments (reference/get_v3-attachments)
  listRoute('/v3/attachments', 'harvest:attachments:list', (f) => {
    const appIds = idList(f, 'application_ids');
    if (isError(appIds)) return appIds;
    const candidateIds = idList(f, 'candidate_ids');
    if (isError(candidateIds)) return candidateIds;
    if (f.type !== undefined && !ATTACHMENT_TYPES.includes(f.type)) return invalid('type', `must be one of ${ATTACHMENT_TYPES.join(', ')}`);
    const rows = common(f, attachments);
    if (isError(rows)) return rows;
    return (rows as GhAttachment[])
      .filter((a) => (!appIds || appIds.includes(a.application_id)) && (!candidateIds || candidateIds.includes(a.candidate_id)) && (!f.type || a.type === f.type))
      .map(attachmentJson);
  });

  // ---------------------------------------------------------------------------------------------
  // Writes
  // ---------------------------------------------------------------------------------------------
  const isInt = (v: unknown) => Number.isInteger(v) && (v as number) > 0;
  const now = () => iso(new Date());
  const body = (req: FakeRequest): Record<string, any> | FakeResponse =>
    req.json && typeof req.json === 'object' && !Array.isArray(req.json) ? req.json : { status: 400, json: { message: 'Request body must be a JSON object' } };

  // POST /v3/notes (reference/post_v3-notes; write-endpoint-migration-guide: v1 activity_feed/notes)
  server.route('POST', '/v3/notes', v3('harvest:notes:create', (req, token) => {
    const b = body(req);
    if (isError(b)) return b;
    if (!isInt(b.candidate_id)) return invalid('candidate_id', 'is required and must be an integer');
    const candidate = candidates.find((c) => c.id === b.candidate_id);
    if (!candidate) return notFound('Candidate');
    if (b.application_id !== undefined && b.application_id !== null) {
      if (!applications.some((a) => a.id === b.application_id && a.candidate_id === candidate.id)) {
        return invalid('application_id', 'must be an application of the candidate');
      }
    }
    if (typeof b.body !== 'string' || !b.body.trim()) return invalid('body', "can't be blank");
    if (!VISIBILITIES.includes(b.visibility)) return invalid('visibility', `must be one of ${VISIBILITIES.join(', ')}`);
    const type = b.note_type ?? 'NOTE';
    if (!['NOTE', 'ACTIVITY', 'EMAIL'].includes(type)) return invalid('note_type', 'must be one of NOTE, ACTIVITY, EMAIL');
    if (b.user_id !== undefined && !users.some((u) => u.id === b.user_id)) return invalid('user_id', 'must be the id of an active user');
    const note: GhNote = {
      id: nextId++, candidate_id: candidate.id, application_id: b.application_id ?? null,
      user_id: b.user_id ?? (token.sub ? Number(token.sub) : SERVICE_ACCOUNT), body: b.body, visibility: b.visibility, type,
      created_at: now(), token_sub: token.sub,
    };
    notes.push(note);
    candidate.updated_at = note.created_at;
    const { token_sub: _ignored, ...json } = note;
    return { status: 201, json: { ...json, updated_at: note.created_at } };
  }));

  // POST /v3/attachments (reference/post_v3-attachments)
  server.route('POST', '/v3/attachments', v3('harvest:attachments:create', (req) => {
    const b = body(req);
    if (isError(b)) return b;
    if (!isInt(b.application_id)) return invalid('application_id', 'is required and must be an integer');
    const app = applications.find((a) => a.id === b.application_id);
    if (!app) return notFound('Application');
    if (typeof b.filename !== 'string' || !b.filename.trim()) return invalid('filename', "can't be blank");
    const ext = /\.([A-Za-z0-9]+)$/.exec(b.filename)?.[1]?.toLowerCase();
    if (ext && BLOCKED_EXTENSIONS.includes(ext)) return invalid('filename', `extension .${ext} is not allowed`);
    if (!ATTACHMENT_TYPES.includes(b.type)) return invalid('type', `must be one of ${ATTACHMENT_TYPES.join(', ')}`);
    const hasContent = b.content !== undefined && b.content !== null;
    const hasUrl = b.url !== undefined && b.url !== null;
    if (hasContent === hasUrl) return invalid('content', 'provide exactly one of content or url');
    if (b.visibility !== undefined && !VISIBILITIES.includes(b.visibility)) return invalid('visibility', `must be one of ${VISIBILITIES.join(', ')}`);
    let data = Buffer.alloc(0);
    if (hasContent) {
      if (typeof b.content !== 'string' || b.content.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(b.content)) {
        return invalid('content', 'must be Base64-encoded');
      }
      data = Buffer.from(b.content, 'base64');
    } else if (typeof b.url !== 'string' || !/^https?:\/\//.test(b.url)) return invalid('url', 'must be a publicly fetchable http(s) URL');
    // A new resume or cover letter demotes the previous one to "other".
    if (b.type === 'resume' || b.type === 'cover_letter') {
      for (const a of attachments) if (a.application_id === app.id && a.type === b.type) a.type = 'other';
    }
    const at = now();
    const att: GhAttachment = {
      id: nextId++, application_id: app.id, candidate_id: app.candidate_id, filename: b.filename, type: b.type,
      visibility: b.visibility ?? (b.type === 'other' ? 'admin_only' : 'public'), content_type: typeof b.content_type === 'string' ? b.content_type : null,
      data, signature: randomBytes(12).toString('hex'), created_at: at, updated_at: at,
    };
    attachments.push(att);
    return { status: 201, json: attachmentJson(att) };
  }));

  /** `custom_fields: [{id | name_key, value}]` (v1 Custom Field Parameters, kept by v3 PATCHes). */
  const applyCustomFields = (items: unknown, type: 'candidate' | 'application', target: Map<number, string>): FakeResponse | null => {
    if (items === undefined) return null;
    if (!Array.isArray(items)) return invalid('custom_fields', 'must be an array');
    const staged = new Map(target);
    for (const item of items as any[]) {
      const field = customFields.find((f) => f.field_type === type && f.active && ((item?.id !== undefined && f.id === item.id) || (item?.name_key !== undefined && f.name_key === item.name_key)));
      if (!field) return invalid('custom_fields', `custom field ${item?.id ?? item?.name_key} does not exist on ${type}s`);
      if (item.value === null || item.value === undefined || item.value === '') return invalid('custom_fields', `${field.name}: value can't be blank`);
      const value = String(item.value);
      if (field.value_type === 'number' && Number.isNaN(Number(value))) return invalid('custom_fields', `${field.name}: must be a number`);
      if (field.value_type === 'url' && !/^https?:\/\/\S+$/.test(value)) return invalid('custom_fields', `${field.name}: must be a URL`);
      staged.set(field.id, value);
    }
    for (const [k, v] of staged) target.set(k, v);
    return null;
  };

  // PATCH /v3/candidates/{id} (reference/patch_v3-candidates-id)
  server.route('PATCH', '/v3/candidates/:id', v3('harvest:candidates:update', (req) => {
    const candidate = candidates.find((c) => String(c.id) === req.params.id);
    if (!candidate) return notFound('Candidate');
    const b = body(req);
    if (isError(b)) return b;
    const err = applyCustomFields(b.custom_fields, 'candidate', candidate.custom);
    if (err) return err;
    for (const key of ['first_name', 'last_name', 'company', 'title'] as const) if (typeof b[key] === 'string') (candidate as any)[key] = b[key];
    candidate.updated_at = now();
    return { json: candidateJson(candidate) };
  }));

  // PATCH /v3/applications/{id} (reference/patch_v3-applications-id)
  server.route('PATCH', '/v3/applications/:id', v3('harvest:applications:update', (req) => {
    const app = applications.find((a) => String(a.id) === req.params.id);
    if (!app) return notFound('Application');
    const b = body(req);
    if (isError(b)) return b;
    const err = applyCustomFields(b.custom_fields, 'application', app.custom);
    if (err) return err;
    app.updated_at = now();
    return { json: applicationJson(app) };
  }));

  // The pre-signed attachment URL (an S3 link in production): no Bearer token, a signature instead.
  server.route('GET', '/files/:id', (req) => {
    const att = attachments.find((a) => String(a.id) === req.params.id);
    if (!att || req.query.get('signature') !== att.signature) return { status: 403, text: 'AccessDenied' };
    return { headers: { 'content-type': att.content_type ?? 'application/octet-stream' }, body: att.data };
  });

  // ---------------------------------------------------------------------------------------------
  // Test accessors
  // ---------------------------------------------------------------------------------------------
  const valuesByName = (custom: Map<number, string>) =>
    Object.fromEntries([...custom].map(([id, v]) => [customFields.find((f) => f.id === id)!.name, v]));

  const fake: GreenhouseFake = {
    tool: 'greenhouse',
    server,
    url: `${base}/v3`,
    credentials: { client_id: CLIENT_ID, client_secret: CLIENT_SECRET },
    badCredentials: { client_id: CLIENT_ID, client_secret: 'not-the-secret' },
    users, jobs, stages, candidates, applications, customFields, notes, attachments, tokens,
    stop: () => server.stop(),
    failNext(n, status) {
      faults = { n, status };
    },
    candidateRemoteIds: () => candidates.map((c) => String(c.id)),
    applicationRemoteIds: () => applications.map((a) => String(a.id)),
    jobRemoteIds: () => jobs.map((j) => String(j.id)),
    deleteCandidate(remoteId) {
      const id = Number(remoteId);
      const appIds = applications.filter((a) => a.candidate_id === id).map((a) => a.id);
      candidates.splice(0, candidates.length, ...candidates.filter((c) => c.id !== id));
      applications.splice(0, applications.length, ...applications.filter((a) => a.candidate_id !== id));
      attachments.splice(0, attachments.length, ...attachments.filter((a) => !appIds.includes(a.application_id)));
    },
    resultTextFor(candidateRemoteId) {
      const id = Number(candidateRemoteId);
      const parts = notes.filter((n) => n.candidate_id === id).map((n) => n.body);
      const c = candidates.find((x) => x.id === id);
      if (c) parts.push(...Object.entries(valuesByName(c.custom)).map(([k, v]) => `${k}: ${v}`));
      for (const a of applications.filter((x) => x.candidate_id === id)) parts.push(...Object.entries(valuesByName(a.custom)).map(([k, v]) => `${k}: ${v}`));
      return parts.join('\n');
    },
    filesFor(candidateRemoteId) {
      return attachments.filter((a) => a.candidate_id === Number(candidateRemoteId)).map((a) => ({ name: a.filename, type: a.type, data: a.data }));
    },
    peakRate: () => counter.peak,
    setScopes(scopes) {
      grantedScopes = [...scopes];
    },
    revokeTokens() {
      for (const t of tokens) t.expiresAt = 0;
    },
    candidateFieldValues: (id) => valuesByName(candidates.find((c) => c.id === id)?.custom ?? new Map()),
    applicationFieldValues: (id) => valuesByName(applications.find((a) => a.id === id)?.custom ?? new Map()),
  };
  return fake;
}
