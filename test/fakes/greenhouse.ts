/**
 * An in-memory Greenhouse Harvest v3 for tests, written from Greenhouse's sources rather than
 * from the connector (keys as in src/connectors/greenhouse/README.md):
 *
 * - OAuth client credentials at /token: Basic client auth, `grant_type=client_credentials`,
 *   optional `sub` = a numeric user id; the answer carries `expires_at` (ISO-8601), as the
 *   vendor SDK requires [GH-AUTH; GH-SDK HarvestAuthClient.php and its test fixture].
 * - Site-Admin-only reads: every GET list answers 200 with an empty list unless the token's user
 *   is a Site Admin ("All other user types will not return results") [GH-V3T 0001:55, 0002:48].
 * - Fixed 30-second windows with X-RateLimit-Limit/-Remaining/-Reset on every response, 429 +
 *   Retry-After past the limit (75 is the guide's example); the token endpoint counts in its
 *   own 60-second window [GH-V3T 0000:20-56; AB-GH §5].
 * - Cursor pagination in the Link header; a request with `cursor` and anything else is a 422;
 *   `per_page` 1..500; `*_ids` filters take at most 50 ids [GH-PAG; GH-V3T 0003:62-76, 0013:488].
 * - v3 records and field names: `private` on candidates; `stage_id` (an application-stage row)
 *   and `stage_name` on applications, null once hired/rejected; /v3/application_stages history;
 *   rejection data in /v3/rejection_details; /v3/rejection_reasons lists Greenhouse's built-in
 *   reasons only with include_defaults=true [GH-V3T 0008, 0013, 0015, 0057, 0150, 0153].
 * - Every GET's query parameters and every list item are checked against the registry-derived
 *   OpenAPI document in test/specs/greenhouse/ (see its PROVENANCE.md); write bodies, which that
 *   registry does not cover, are checked here against the documented field lists.
 * - Custom-field PATCHes keyed by `name_key` [GH-V3T 0077]; whether v3 merges or replaces the
 *   record's values is not documented where we could read it, so the fake replaces by default
 *   (the harsher answer) and can merge (option `customFieldPatch`).
 */
import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { FakeServer, type FakeRequest, type FakeResponse } from './server.ts';
import { SpecCheck } from './spec-check.ts';
import type { VendorFake } from './types.ts';
import { SubscriptionList, type FakeVendorWebhooks } from './webhook-sender.ts';

export const ALL_SCOPES = [
  'harvest:jobs:list',
  'harvest:job_interview_stages:list',
  'harvest:candidates:list',
  'harvest:applications:list',
  'harvest:application_stages:list',
  'harvest:rejection_details:list',
  'harvest:rejection_reasons:list',
  'harvest:users:list',
  'harvest:custom_fields:list',
  'harvest:attachments:list',
  'harvest:attachments:create',
  'harvest:notes:create',
  'harvest:candidates:update',
  'harvest:applications:update',
  'harvest:candidate_tags:list',
  'harvest:candidate_tags:create',
  'harvest:applied_candidate_tags:list',
  'harvest:applied_candidate_tags:create',
  'harvest:applied_candidate_tags:destroy',
  'harvest:applications:move',
  'harvest:applications:reject',
];

export interface GreenhouseFakeOptions {
  /** Most records the fake puts on one page, whatever per_page asks (forces multi-page reads). */
  pageSize?: number;
  /** Requests allowed per fixed window (Harvest's X-RateLimit-Limit; the guide's example is 75). */
  rateLimit?: number;
  /** Length of the fixed window, ms. Harvest's is 30 s; tests may shorten it to stay fast. */
  rateWindowMs?: number;
  /** Token requests allowed per token window (separate from the API's; number not published). */
  tokenRateLimit?: number;
  /** Seconds sent in Retry-After on an injected 429 (failNext). */
  retryAfterSec?: number;
  /** Lifetime of issued access tokens, in seconds (sent as `expires_at`). */
  tokenTtlSec?: number;
  /** Scopes enabled on the good credential. */
  scopes?: string[];
  /**
   * Whether the credential's own service user (a token without `sub`) reads like a Site Admin.
   * Not documented for custom integrations; default true, and checkCredentials is tested both ways.
   */
  serviceAccountSiteAdmin?: boolean;
  /** How a custom-field PATCH treats values it does not name: 'replace' (default) clears them. */
  customFieldPatch?: 'replace' | 'merge';
}

export interface GhUser {
  id: number;
  first_name: string;
  last_name: string;
  site_admin: boolean;
  service_account: boolean;
  deactivated: boolean;
}
export interface GhJob {
  id: number;
  name: string;
  requisition_id: string;
  status: 'open' | 'closed' | 'draft';
  confidential: boolean;
  opened_at: string;
  closed_at: string | null;
  created_at: string;
  updated_at: string;
}
export interface GhStage {
  id: number;
  job_id: number;
  name: string;
  sort_order: number;
  created_at: string;
  updated_at: string;
}
export interface GhCandidate {
  id: number;
  first_name: string;
  last_name: string;
  company: string | null;
  title: string | null;
  private: boolean;
  email_addresses: { value: string; type: string }[];
  phone_numbers: { value: string; type: string }[];
  tags: string[];
  custom: Map<number, string>;
  created_at: string;
  updated_at: string;
}
/** One visit of an application to a job interview stage (a row of /v3/application_stages). */
export interface GhApplicationStage {
  id: number;
  application_id: number;
  job_interview_stage_id: number;
  entered_at: string;
  exited_at: string | null;
  created_at: string;
  updated_at: string;
}
export interface GhApplication {
  id: number;
  candidate_id: number;
  job_id: number;
  status: 'in_process' | 'rejected' | 'hired';
  rejected_at: string | null;
  /** Kept for the fake's /v3/rejection_details rows; not a field of the v3 application. */
  rejection_reason_id: number | null;
  /** The note written with the rejection (rejection_details.rejection_note_id). */
  rejection_note_id?: number | null;
  custom: Map<number, string>;
  created_at: string;
  updated_at: string;
}
export interface GhCustomField {
  id: number;
  name: string;
  name_key: string;
  field_type: 'candidate' | 'application' | 'job';
  value_type: 'short_text' | 'long_text' | 'url' | 'number';
  active: boolean;
}
export interface GhNote {
  id: number;
  candidate_id: number;
  application_id: number | null;
  user_id: number;
  body: string;
  visibility: string;
  type: string;
  created_at: string;
  token_sub: string | null;
}
export interface GhAttachment {
  id: number;
  application_id: number;
  candidate_id: number;
  filename: string;
  type: string;
  visibility: string;
  data: Buffer;
  signature: string;
  created_at: string;
  updated_at: string;
}
interface Token {
  token: string;
  sub: string | null;
  scopes: string[];
  expiresAt: number;
}

export interface GreenhouseFake extends VendorFake {
  /** Moves and rejections as received, with the token's user (On-Behalf-Of). */
  statusChanges: { application_id: number; kind: 'move' | 'reject'; token_sub: string | null; body: Record<string, any> }[];
  users: GhUser[];
  jobs: GhJob[];
  stages: GhStage[];
  candidates: GhCandidate[];
  applications: GhApplication[];
  applicationStages: GhApplicationStage[];
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
  /** The application's current job interview stage (its open visit, else its last one). */
  currentStageOf(applicationId: number): GhStage | undefined;
}

const CLIENT_ID = 'gh-client-7f3a';
const CLIENT_SECRET = 'gh-secret-93bd1e';
/** The credential's auto-created service user: the token user when no `sub` is sent. */
export const SERVICE_ACCOUNT = 1001;
/** Seeded users: a recruiter who is not a Site Admin, and a Site Admin. */
export const RECRUITER = 1002;
export const SITE_ADMIN = 1003;
const ATTACHMENT_TYPES = [
  'resume',
  'cover_letter',
  'take_home_test',
  'offer_packet',
  'offer_letter',
  'signed_offer_letter',
  'midfunnel_agreement',
  'automated_agreement',
  'form_attachment',
  'other',
];
const VISIBILITIES = ['public', 'admin_only', 'private'];
const BLOCKED_EXTENSIONS = ['exe', 'bat', 'cmd', 'js', 'msi'];
/** Parent and id filters take at most 50 ids [GH-V3T 0013:488, 0015; AB-GH §4]. */
const MAX_IDS = 50;
/** The token endpoint's separate window [GH-V3T 0000]. */
const TOKEN_WINDOW_MS = 60_000;
/** Documented POST /v3/attachments body [ATS-V §1.2, reference/post_v3-attachments]. */
const ATTACHMENT_FIELDS = ['application_id', 'filename', 'type', 'content', 'url', 'visibility'];
/** POST /v3/notes body as three independent v3 clients send it [GH-3P]. */
const NOTE_FIELDS = ['candidate_id', 'application_id', 'user_id', 'body', 'visibility', 'note_type'];

const iso = (d: Date) => d.toISOString();
const day = (n: number) => new Date(Date.UTC(2026, 0, 1) + n * 86_400_000);
const slug = (s: string) =>
  s
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_|_$/g, '');

/** Harvest's validation body (`{message, errors:[{message, field}]}`, 422). */
const invalid = (field: string, message: string): FakeResponse => ({
  status: 422,
  json: { message: 'Validation error', errors: [{ message, field }] },
});
const notFound = (what: string): FakeResponse => ({ status: 404, json: { message: `${what} not found` } });

export const GREENHOUSE_SPEC_FILE = fileURLToPath(new URL('../specs/greenhouse/harvest-v3.openapi.json', import.meta.url));

/** Requests per fixed window: the window is [k·windowMs, (k+1)·windowMs), as Harvest counts. */
class FixedWindow {
  private start = 0;
  private count = 0;
  peak = 0;
  constructor(
    readonly limit: number,
    readonly windowMs: number,
  ) {}
  hit(now = Date.now()): { count: number; over: boolean; resetAt: number } {
    const start = Math.floor(now / this.windowMs) * this.windowMs;
    if (start !== this.start) {
      this.start = start;
      this.count = 0;
    }
    this.count++;
    this.peak = Math.max(this.peak, this.count);
    return { count: this.count, over: this.count > this.limit, resetAt: start + this.windowMs };
  }
}

export async function startGreenhouseFake(opts: GreenhouseFakeOptions = {}): Promise<GreenhouseFake> {
  const pageSize = opts.pageSize ?? 10;
  const retryAfterSec = opts.retryAfterSec ?? 1;
  const tokenTtlSec = opts.tokenTtlSec ?? 3600;
  const patchMode = opts.customFieldPatch ?? 'replace';
  let grantedScopes = [...(opts.scopes ?? ALL_SCOPES)];
  const window = new FixedWindow(opts.rateLimit ?? 75, opts.rateWindowMs ?? 30_000);
  const tokenWindow = new FixedWindow(opts.tokenRateLimit ?? 100, TOKEN_WINDOW_MS);
  const spec = SpecCheck.fromFile(GREENHOUSE_SPEC_FILE, { label: 'Harvest v3 registry (test/specs/greenhouse)', basePath: '/v3' });
  const server = new FakeServer({ provenance: 'greenhouse', spec });
  const base = await server.start();

  // ---------------------------------------------------------------------------------------------
  // Seed (deterministic)
  // ---------------------------------------------------------------------------------------------
  const users: GhUser[] = [
    {
      id: SERVICE_ACCOUNT,
      first_name: 'Harvest API',
      last_name: 'Service Account',
      site_admin: opts.serviceAccountSiteAdmin ?? true,
      service_account: true,
      deactivated: false,
    },
    { id: RECRUITER, first_name: 'Jane', last_name: 'Recruiter', site_admin: false, service_account: false, deactivated: false },
    { id: SITE_ADMIN, first_name: 'Sam', last_name: 'Admin', site_admin: true, service_account: false, deactivated: false },
  ];
  const jobs: GhJob[] = [
    {
      id: 4001,
      name: 'Backend Engineer',
      requisition_id: 'ENG-101',
      status: 'open',
      confidential: false,
      opened_at: iso(day(0)),
      closed_at: null,
      created_at: iso(day(0)),
      updated_at: iso(day(10)),
    },
    {
      id: 4002,
      name: 'Product Designer',
      requisition_id: 'DES-7',
      status: 'open',
      confidential: false,
      opened_at: iso(day(2)),
      closed_at: null,
      created_at: iso(day(2)),
      updated_at: iso(day(40)),
    },
    {
      id: 4003,
      name: 'Data Analyst',
      requisition_id: 'DAT-3',
      status: 'closed',
      confidential: true,
      opened_at: iso(day(1)),
      closed_at: iso(day(30)),
      created_at: iso(day(1)),
      updated_at: iso(day(30)),
    },
  ];
  const STAGE_NAMES = ['Application Review', 'Phone Screen', 'Take Home Test', 'Onsite', 'Offer'];
  const stages: GhStage[] = jobs.flatMap((j, ji) =>
    STAGE_NAMES.map((name, i) => ({
      id: 60000 + ji * 100 + i,
      job_id: j.id,
      name,
      sort_order: i,
      created_at: j.created_at,
      updated_at: j.created_at,
    })),
  );
  // The organisation's own reasons, and Greenhouse's built-in ones (listed only with include_defaults).
  const rejectionReasons = [
    {
      id: 9001,
      name: 'Lacking skill(s)/qualification(s)',
      builtIn: false,
      type: { id: 1, key: 'WE_REJECTED_THEM', name: 'We rejected them' },
    },
    { id: 9002, name: 'Candidate withdrew', builtIn: true, type: { id: 2, key: 'THEY_REJECTED_US', name: 'They rejected us' } },
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

  const FIRST = [
    'Ada',
    'Grace',
    'Alan',
    'Edsger',
    'Barbara',
    'Donald',
    'Frances',
    'Ken',
    'Margaret',
    'Dennis',
    'Radia',
    'Tim',
    'Hedy',
    'Linus',
    'Katherine',
    'John',
  ];
  const LAST = [
    'Lovelace',
    'Hopper',
    'Turing',
    'Dijkstra',
    'Liskov',
    'Knuth',
    'Allen',
    'Thompson',
    'Hamilton',
    'Ritchie',
    'Perlman',
    'Berners-Lee',
    'Lamarr',
    'Torvalds',
    'Johnson',
    'McCarthy',
  ];
  const candidates: GhCandidate[] = [];
  const applications: GhApplication[] = [];
  const applicationStages: GhApplicationStage[] = [];
  let nextApplicationId = 7001;
  let nextVisitId = 300001;
  /** The application's stage history: one visit per stage up to `reached`; the last one stays open unless it ended. */
  const visit = (app: GhApplication, reached: number, endedAt: string | null) => {
    const jobStages = stages.filter((s) => s.job_id === app.job_id);
    for (let i = 0; i <= reached; i++) {
      const entered = iso(new Date(Date.parse(app.created_at) + i * 3_600_000));
      const exited = i < reached ? iso(new Date(Date.parse(app.created_at) + (i + 1) * 3_600_000)) : endedAt;
      applicationStages.push({
        id: nextVisitId++,
        application_id: app.id,
        job_interview_stage_id: jobStages[i].id,
        entered_at: entered,
        exited_at: exited,
        created_at: entered,
        updated_at: exited ?? entered,
      });
    }
  };
  for (let i = 0; i < 32; i++) {
    const id = 5001 + i;
    const first = FIRST[i % FIRST.length];
    const last = LAST[(i * 3) % LAST.length];
    candidates.push({
      id,
      first_name: first,
      last_name: last,
      company: i % 3 ? 'Initech' : null,
      title: i % 2 ? 'Engineer' : null,
      private: i === 7,
      email_addresses: [{ value: `${first}.${last}.${id}@example.com`.toLowerCase(), type: 'personal' }],
      phone_numbers: i % 4 ? [] : [{ value: `+1-555-01${String(i).padStart(2, '0')}`, type: 'mobile' }],
      tags: i % 6 ? [] : ['Referral'],
      custom: new Map(i === 3 ? [[8003, '90000']] : []),
      created_at: iso(day(i)),
      updated_at: iso(day(31 + i)),
    });
    const job = i % 2 ? jobs[1] : jobs[0];
    const status: GhApplication['status'] = i % 11 === 10 ? 'hired' : i % 7 === 6 ? 'rejected' : 'in_process';
    const app: GhApplication = {
      id: nextApplicationId++,
      candidate_id: id,
      job_id: job.id,
      status,
      rejected_at: status === 'rejected' ? iso(day(40 + i)) : null,
      rejection_reason_id: status === 'rejected' ? 9001 : null,
      custom: new Map(),
      created_at: iso(day(i)),
      updated_at: iso(day(31 + i)),
    };
    applications.push(app);
    visit(app, status === 'hired' ? 4 : i % 4, status === 'in_process' ? null : app.updated_at);
    if (i % 5 === 0) {
      // A few candidates also applied to the closed job: an older, rejected application.
      const old: GhApplication = {
        id: nextApplicationId++,
        candidate_id: id,
        job_id: 4003,
        status: 'rejected',
        rejected_at: iso(day(30)),
        rejection_reason_id: 9002,
        custom: new Map(),
        created_at: iso(day(1)),
        updated_at: iso(day(30)),
      };
      applications.push(old);
      visit(old, 0, old.rejected_at);
    }
  }
  const notes: GhNote[] = [];
  const attachments: GhAttachment[] = [];
  const tokens: Token[] = [];
  let nextId = 90000;

  const userOf = (token: Token) => users.find((u) => u.id === (token.sub ? Number(token.sub) : SERVICE_ACCOUNT));
  /** The open visit, else the latest one: what Greenhouse shows as the application's stage. */
  const currentVisit = (appId: number) => {
    const rows = applicationStages.filter((r) => r.application_id === appId);
    return rows.find((r) => r.exited_at === null) ?? rows.at(-1);
  };

  // ---------------------------------------------------------------------------------------------
  // Faults, rate limit, auth
  // ---------------------------------------------------------------------------------------------
  let faults: { n: number; status: 429 | 500 | 503 } = { n: 0, status: 500 };
  const rateHeaders = (count: number, resetAt: number): Record<string, string> => ({
    'x-ratelimit-limit': String(window.limit),
    'x-ratelimit-remaining': String(Math.max(0, window.limit - count)),
    'x-ratelimit-reset': String(Math.ceil(resetAt / 1000)),
  });
  /** 429 with Harvest's headers; Retry-After tells the truth about when the window reopens. */
  const tooMany = (resetAt: number, limit = window.limit): FakeResponse => ({
    status: 429,
    headers: {
      'retry-after': String(Math.max(1, Math.ceil((resetAt - Date.now()) / 1000))),
      'x-ratelimit-limit': String(limit),
      'x-ratelimit-remaining': '0',
      'x-ratelimit-reset': String(Math.ceil(resetAt / 1000)),
    },
    json: { message: 'Too Many Requests' },
  });

  server.before = () => {
    if (faults.n > 0) {
      faults.n--;
      if (faults.status === 429) return tooMany(Date.now() + retryAfterSec * 1000);
      return { status: faults.status, json: { message: faults.status === 503 ? 'Service Unavailable' : 'Internal Server Error' } };
    }
    return undefined;
  };

  /** Wraps a /v3 handler: rate window, Bearer token, scope, then the X-RateLimit-* headers. */
  const v3 =
    (scope: string, handler: (req: FakeRequest, token: Token) => FakeResponse | Promise<FakeResponse>) =>
    async (req: FakeRequest): Promise<FakeResponse> => {
      const hit = window.hit();
      if (hit.over) return tooMany(hit.resetAt);
      const headers = rateHeaders(hit.count, hit.resetAt);
      const bearer = String(req.headers.authorization ?? '');
      const token = bearer.startsWith('Bearer ') ? tokens.find((t) => t.token === bearer.slice(7)) : undefined;
      if (!token || Date.now() >= token.expiresAt) {
        return {
          status: 401,
          headers: { ...headers, 'www-authenticate': 'Bearer error="invalid_token"' },
          json: { message: 'Unauthorized: the access token is missing, invalid or expired.' },
        };
      }
      if (!token.scopes.includes(scope)) {
        return { status: 403, headers, json: { message: `Forbidden: this token is missing the required scope ${scope}.` } };
      }
      const out = await handler(req, token);
      return { ...out, headers: { ...headers, ...out.headers } };
    };

  // POST /token: client credentials [GH-AUTH]; the answer as the vendor SDK reads it [GH-SDK].
  server.route('POST', '/token', (req) => {
    const hit = tokenWindow.hit();
    if (hit.over) return tooMany(hit.resetAt, tokenWindow.limit);
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
    if (sub !== null && !users.some((u) => String(u.id) === sub && !u.deactivated)) {
      return {
        status: 400,
        json: { error: 'invalid_request', error_description: `sub ${sub} is not an active user in this organization.` },
      };
    }
    const token: Token = {
      token: randomBytes(18).toString('base64url'),
      sub,
      scopes: [...grantedScopes],
      expiresAt: Date.now() + tokenTtlSec * 1000,
    };
    tokens.push(token);
    return { json: { access_token: token.token, token_type: 'Bearer', expires_at: new Date(token.expiresAt).toISOString() } };
  });

  // ---------------------------------------------------------------------------------------------
  // Lists: cursor pagination [GH-PAG] and filters [GH-LIST], checked against the registry
  // ---------------------------------------------------------------------------------------------
  type Filters = Record<string, string>;
  type Lister = (filters: Filters) => FakeResponse | { id: number }[];
  const isError = (x: unknown): x is FakeResponse => !!x && typeof x === 'object' && 'status' in (x as object) && !Array.isArray(x);

  /**
   * The query against the operation's parameters in the registry-derived OpenAPI document:
   * an undeclared parameter or a value of the wrong type is a contract violation (recorded, so
   * stop() fails the test) and a 422.
   */
  const checkQuery = (req: FakeRequest): FakeResponse | undefined => {
    const op = spec.operation('GET', req.path);
    if (!op) return undefined;
    const declared = new Map<string, any>((op.op.parameters ?? []).map((p: any) => [p.name, p.schema ?? {}]));
    for (const [key, value] of req.query.entries()) {
      const schema = declared.get(key);
      let problem: string | undefined;
      if (!schema) problem = `query parameter "${key}" is not declared`;
      else if (schema.type === 'integer' && !/^\d+$/.test(value)) problem = `"${key}" must be an integer`;
      else if (schema.type === 'boolean' && !['true', 'false'].includes(value)) problem = `"${key}" must be true or false`;
      else if (schema.enum && !schema.enum.includes(value)) problem = `"${key}" must be one of ${schema.enum.join(', ')}`;
      if (problem) {
        spec.violations.push(`GET ${req.path}: ${problem} in the ${spec.opts.label}`);
        return invalid(key, problem);
      }
    }
    return undefined;
  };

  const idList = (filters: Filters, key: string): FakeResponse | number[] | undefined => {
    if (filters[key] === undefined) return undefined;
    const parts = filters[key].split(',');
    if (parts.length > MAX_IDS) return invalid(key, `accepts at most ${MAX_IDS} ids`);
    if (!parts.every((p) => /^\d+$/.test(p))) return invalid(key, 'must be a comma separated list of integers');
    return parts.map(Number);
  };
  /** `gte|2026-01-01T00:00:00Z|lte|...`: operator and value alternate, separated by `|` [GH-LIST]. */
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

  /** Applies ids/created_at/updated_at to records carrying those fields. */
  const common = <R extends { id: number; created_at: string; updated_at: string }>(filters: Filters, rows: R[]): FakeResponse | R[] => {
    const ids = idList(filters, 'ids');
    if (isError(ids)) return ids;
    const created = dateFilter(filters, 'created_at');
    if (isError(created)) return created;
    const updated = dateFilter(filters, 'updated_at');
    if (isError(updated)) return updated;
    return rows.filter((r) => (!ids || ids.includes(r.id)) && (!created || created(r.created_at)) && (!updated || updated(r.updated_at)));
  };

  const listRoute = (path: string, scope: string, lister: Lister) => {
    server.route(
      'GET',
      path,
      v3(scope, (req, token) => {
        const params = [...req.query.keys()];
        let filters: Filters;
        let offset = 0;
        let perPage = 100;
        if (req.query.has('cursor')) {
          // The text Airbyte reports seeing [AB-GH §1]; the rule itself is [GH-PAG].
          if (params.length > 1) return { status: 422, json: { errors: ['When passing a cursor, do not include other query params'] } };
          try {
            const c = JSON.parse(Buffer.from(req.query.get('cursor')!, 'base64url').toString('utf8'));
            if (c.path !== path) throw new Error('other resource');
            ({ filters, offset, perPage } = c);
          } catch {
            return invalid('cursor', 'is invalid');
          }
        } else {
          const bad = checkQuery(req);
          if (bad) return bad;
          filters = Object.fromEntries(req.query.entries());
          if (filters.per_page !== undefined) {
            perPage = Number(filters.per_page);
            if (!Number.isInteger(perPage) || perPage < 1 || perPage > 500)
              return invalid('per_page', 'must be an integer between 1 and 500');
          }
          delete filters.per_page;
        }
        // "All other user types will not return results" [GH-V3T 0001:55]: a 200 with nothing in it.
        if (!userOf(token)?.site_admin) return { json: [] };
        const rows = lister(filters);
        if (isError(rows)) return rows;
        // Ordered by id, descending [GH-V3T 0003].
        const sorted = [...rows].sort((a, b) => Number(b.id) - Number(a.id));
        const size = Math.min(perPage, pageSize);
        const page = sorted.slice(offset, offset + size);
        const headers: Record<string, string> = {};
        if (offset + size < sorted.length) {
          const cursor = Buffer.from(JSON.stringify({ path, filters, offset: offset + size, perPage })).toString('base64url');
          headers.link = `<${base}${path}?cursor=${cursor}>; rel="next"`;
        }
        return { headers, json: page };
      }),
    );
  };

  /** v3 custom fields on a record: `{ name_key: { name, type, value } }` [GH-V3T 0015, 0057]. */
  const fieldValues = (custom: Map<number, string>, type: GhCustomField['field_type']) => {
    const out: Record<string, { name: string; type: string; value: string | null }> = {};
    for (const f of customFields.filter((f) => f.field_type === type && f.active)) {
      out[f.name_key] = { name: f.name, type: f.value_type, value: custom.get(f.id) ?? null };
    }
    return out;
  };
  const candidateJson = (c: GhCandidate) => ({
    id: c.id,
    first_name: c.first_name,
    last_name: c.last_name,
    company: c.company,
    title: c.title,
    private: c.private,
    created_at: c.created_at,
    updated_at: c.updated_at,
    last_activity_at: c.updated_at,
    can_email: true,
    email_addresses: c.email_addresses,
    phone_numbers: c.phone_numbers,
    addresses: [],
    website_addresses: [],
    social_media_addresses: [],
    tags: c.tags,
    custom_fields: fieldValues(c.custom, 'candidate'),
  });
  const applicationJson = (a: GhApplication) => {
    // stage_id is the open application-stage row; null once hired or rejected [GH-V3T 0015:581, 819-826].
    const open = a.status === 'in_process' ? applicationStages.find((r) => r.application_id === a.id && r.exited_at === null) : undefined;
    return {
      id: a.id,
      candidate_id: a.candidate_id,
      job_id: a.job_id,
      job_post_id: null,
      status: a.status,
      prospect: false,
      stage_id: open?.id ?? null,
      stage_name: open ? stages.find((s) => s.id === open.job_interview_stage_id)!.name : null,
      recruiter_id: RECRUITER,
      coordinator_id: null,
      source_id: null,
      referrer_id: null,
      rejected_at: a.rejected_at,
      created_at: a.created_at,
      updated_at: a.updated_at,
      last_activity_at: a.updated_at,
      custom_fields: fieldValues(a.custom, 'application'),
    };
  };
  const attachmentJson = (a: GhAttachment) => ({
    id: a.id,
    application_id: a.application_id,
    candidate_id: a.candidate_id,
    filename: a.filename,
    type: a.type,
    // Pre-signed download link, valid 7 days, no auth [GH-V3T 0035].
    url: `${base}/files/${a.id}?signature=${a.signature}`,
    created_at: a.created_at,
    updated_at: a.updated_at,
  });
  const userJson = (u: GhUser) => ({
    id: u.id,
    first_name: u.first_name,
    last_name: u.last_name,
    name: `${u.first_name} ${u.last_name}`,
    primary_email: `${slug(u.first_name)}.${slug(u.last_name)}@acme.test`,
    emails: [],
    site_admin: u.site_admin,
    deactivated: u.deactivated,
    created_at: iso(day(0)),
    updated_at: iso(day(0)),
  });
  const booleanFilter = (f: Filters, key: string) => (f[key] === undefined ? undefined : f[key] === 'true');

  // Candidate tags: the dictionary (/v3/candidate_tags) and the (candidate, tag) join rows
  // (/v3/applied_candidate_tags) [GH-V3T 0024, 0054]. A candidate's `tags` (text) follow the rows.
  const tagDictionary: { id: number; name: string; created_at: string; updated_at: string }[] = [];
  const appliedTags: { id: number; candidate_id: number; candidate_tag_id: number; created_at: string; updated_at: string }[] = [];
  const dictionaryTag = (name: string) => {
    let t = tagDictionary.find((x) => x.name === name);
    if (!t) tagDictionary.push((t = { id: nextId++, name, created_at: iso(day(0)), updated_at: iso(day(0)) }));
    return t;
  };
  dictionaryTag('Silver Medalist');
  for (const c of candidates)
    for (const name of c.tags)
      appliedTags.push({
        id: nextId++,
        candidate_id: c.id,
        candidate_tag_id: dictionaryTag(name).id,
        created_at: c.created_at,
        updated_at: c.created_at,
      });
  listRoute('/v3/candidate_tags', 'harvest:candidate_tags:list', (f) => common(f, tagDictionary));
  listRoute('/v3/applied_candidate_tags', 'harvest:applied_candidate_tags:list', (f) => {
    const candidateIds = idList(f, 'candidate_ids');
    if (isError(candidateIds)) return candidateIds;
    const tagIds = idList(f, 'candidate_tag_ids');
    if (isError(tagIds)) return tagIds;
    const rows = common(f, appliedTags);
    if (isError(rows)) return rows;
    return rows.filter((r) => (!candidateIds || candidateIds.includes(r.candidate_id)) && (!tagIds || tagIds.includes(r.candidate_tag_id)));
  });

  listRoute('/v3/jobs', 'harvest:jobs:list', (f) => {
    const rows = common(f, jobs);
    if (isError(rows)) return rows;
    return rows.filter((j) => !f.status || j.status === f.status).map((j) => ({ ...j, custom_fields: {} }));
  });
  listRoute('/v3/job_interview_stages', 'harvest:job_interview_stages:list', (f) => {
    const jobIds = idList(f, 'job_ids');
    if (isError(jobIds)) return jobIds;
    const rows = common(f, stages);
    if (isError(rows)) return rows;
    return rows.filter((s) => !jobIds || jobIds.includes(s.job_id)).map((s) => ({ ...s, active: true }));
  });
  listRoute('/v3/candidates', 'harvest:candidates:list', (f) => {
    const rows = common(f, candidates);
    if (isError(rows)) return rows;
    return rows.filter((c) => !f.email || c.email_addresses.some((e) => e.value === f.email)).map(candidateJson);
  });
  listRoute('/v3/applications', 'harvest:applications:list', (f) => {
    const candidateIds = idList(f, 'candidate_ids');
    if (isError(candidateIds)) return candidateIds;
    const jobIds = idList(f, 'job_ids');
    if (isError(jobIds)) return jobIds;
    const rows = common(f, applications);
    if (isError(rows)) return rows;
    // The query says `active` for what the response calls `in_process` [GH-V3T 0015:637, 835].
    const status = f.status === 'active' ? 'in_process' : f.status;
    return rows
      .filter(
        (a) =>
          (!candidateIds || candidateIds.includes(a.candidate_id)) &&
          (!jobIds || jobIds.includes(a.job_id)) &&
          (!status || a.status === status),
      )
      .map(applicationJson);
  });
  listRoute('/v3/application_stages', 'harvest:application_stages:list', (f) => {
    const appIds = idList(f, 'application_ids');
    if (isError(appIds)) return appIds;
    const rows = common(f, applicationStages);
    if (isError(rows)) return rows;
    const current = booleanFilter(f, 'current');
    return rows
      .filter((r) => (!appIds || appIds.includes(r.application_id)) && (current === undefined || (r.exited_at === null) === current))
      .map((r) => ({
        ...r,
        current: r.exited_at === null,
        days_in_stage: Math.floor(((r.exited_at ? Date.parse(r.exited_at) : Date.now()) - Date.parse(r.entered_at)) / 86_400_000),
      }));
  });
  listRoute('/v3/rejection_details', 'harvest:rejection_details:list', (f) => {
    const appIds = idList(f, 'application_ids');
    if (isError(appIds)) return appIds;
    return applications
      .filter((a) => a.status === 'rejected' && (!appIds || appIds.includes(a.id)))
      .map((a) => ({
        id: 500000 + a.id,
        application_id: a.id,
        rejected_by_id: RECRUITER,
        rejection_reason_id: a.rejection_reason_id,
        rejection_note_id: a.rejection_note_id ?? null,
        rejected_at: a.rejected_at,
        question_custom_fields: {},
        created_at: a.rejected_at,
        updated_at: a.rejected_at,
      }));
  });
  listRoute('/v3/rejection_reasons', 'harvest:rejection_reasons:list', (f) =>
    rejectionReasons
      .filter((r) => !r.builtIn || f.include_defaults === 'true')
      .map(({ builtIn: _b, ...r }) => ({ ...r, created_at: iso(day(0)), updated_at: iso(day(0)) })),
  );
  listRoute('/v3/users', 'harvest:users:list', (f) => {
    const rows = common(
      f,
      users.map((u) => ({ ...u, created_at: iso(day(0)), updated_at: iso(day(0)) })),
    );
    if (isError(rows)) return rows;
    // Service users are hidden unless asked for [GH-V3T 0169].
    return rows.filter((u) => f.show_service_accounts === 'true' || !u.service_account).map(userJson);
  });
  listRoute('/v3/custom_fields', 'harvest:custom_fields:list', (f) =>
    customFields
      .filter((c) => !f.field_type || c.field_type === f.field_type)
      .map((c) => ({
        id: c.id,
        name: c.name,
        name_key: c.name_key,
        field_type: c.field_type,
        value_type: c.value_type,
        active: c.active,
        private: false,
        required: false,
        created_at: iso(day(0)),
        updated_at: iso(day(0)),
      })),
  );
  listRoute('/v3/attachments', 'harvest:attachments:list', (f) => {
    const appIds = idList(f, 'application_ids');
    if (isError(appIds)) return appIds;
    const candidateIds = idList(f, 'candidate_ids');
    if (isError(candidateIds)) return candidateIds;
    const rows = common(f, attachments);
    if (isError(rows)) return rows;
    return rows
      .filter(
        (a) =>
          (!appIds || appIds.includes(a.application_id)) &&
          (!candidateIds || candidateIds.includes(a.candidate_id)) &&
          (!f.type || a.type === f.type),
      )
      .map(attachmentJson);
  });

  // ---------------------------------------------------------------------------------------------
  // Writes (no machine-readable contract: the documented field lists are checked here)
  // ---------------------------------------------------------------------------------------------
  const isInt = (v: unknown) => Number.isInteger(v) && (v as number) > 0;
  const now = () => iso(new Date());
  const body = (req: FakeRequest, documented: string[]): Record<string, any> | FakeResponse => {
    if (!req.json || typeof req.json !== 'object' || Array.isArray(req.json))
      return { status: 400, json: { message: 'Request body must be a JSON object' } };
    const extra = Object.keys(req.json).filter((k) => !documented.includes(k));
    if (extra.length) {
      spec.violations.push(`${req.method} ${req.path}: ${extra.join(', ')} not in the documented body (${documented.join(', ')})`);
      return invalid(extra[0], 'is not a documented field');
    }
    return req.json;
  };

  // POST /v3/notes [GH-3P]
  server.route(
    'POST',
    '/v3/notes',
    v3('harvest:notes:create', (req, token) => {
      const b = body(req, NOTE_FIELDS);
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
      if (b.user_id !== undefined && !users.some((u) => u.id === b.user_id && !u.deactivated))
        return invalid('user_id', 'must be the id of an active user');
      const note: GhNote = {
        id: nextId++,
        candidate_id: candidate.id,
        application_id: b.application_id ?? null,
        user_id: b.user_id ?? userOf(token)!.id,
        body: b.body,
        visibility: b.visibility,
        type,
        created_at: now(),
        token_sub: token.sub,
      };
      notes.push(note);
      candidate.updated_at = note.created_at;
      return {
        status: 201,
        json: {
          id: note.id,
          candidate_id: note.candidate_id,
          application_id: note.application_id,
          user_id: note.user_id,
          body: note.body,
          visibility: note.visibility,
          type: note.type,
          created_at: note.created_at,
          updated_at: note.created_at,
        },
      };
    }),
  );

  // POST /v3/candidate_tags {name} (reference 0055 as transcribed [GH-V3T capability map]): a new
  // dictionary tag; a name already there is a 422, as Greenhouse keeps tag names unique.
  server.route(
    'POST',
    '/v3/candidate_tags',
    v3('harvest:candidate_tags:create', (req) => {
      const b = body(req, ['name']);
      if (isError(b)) return b;
      if (typeof b.name !== 'string' || !b.name.trim()) return invalid('name', "can't be blank");
      if (tagDictionary.some((t) => t.name.toLowerCase() === b.name.trim().toLowerCase())) return invalid('name', 'has already been taken');
      const t = { id: nextId++, name: b.name.trim(), created_at: now(), updated_at: now() };
      tagDictionary.push(t);
      return { status: 201, json: t };
    }),
  );

  // POST /v3/applied_candidate_tags {candidate_id, candidate_tag_id} (reference 0025) and
  // DELETE /v3/applied_candidate_tags/{id} (reference 0023): tag and untag a candidate.
  server.route(
    'POST',
    '/v3/applied_candidate_tags',
    v3('harvest:applied_candidate_tags:create', (req) => {
      const b = body(req, ['candidate_id', 'candidate_tag_id']);
      if (isError(b)) return b;
      if (!isInt(b.candidate_id)) return invalid('candidate_id', 'is required and must be an integer');
      if (!isInt(b.candidate_tag_id)) return invalid('candidate_tag_id', 'is required and must be an integer');
      const candidate = candidates.find((c) => c.id === b.candidate_id);
      if (!candidate) return notFound('Candidate');
      const tag = tagDictionary.find((t) => t.id === b.candidate_tag_id);
      if (!tag) return notFound('Candidate tag');
      if (appliedTags.some((r) => r.candidate_id === candidate.id && r.candidate_tag_id === tag.id))
        return invalid('candidate_tag_id', 'has already been applied to this candidate');
      const row = { id: nextId++, candidate_id: candidate.id, candidate_tag_id: tag.id, created_at: now(), updated_at: now() };
      appliedTags.push(row);
      candidate.tags.push(tag.name);
      candidate.updated_at = row.created_at;
      return { status: 201, json: row };
    }),
  );
  server.route(
    'DELETE',
    '/v3/applied_candidate_tags/:id',
    v3('harvest:applied_candidate_tags:destroy', (req) => {
      const i = appliedTags.findIndex((r) => String(r.id) === req.params.id);
      if (i < 0) return notFound('Applied candidate tag');
      const [row] = appliedTags.splice(i, 1);
      const candidate = candidates.find((c) => c.id === row.candidate_id)!;
      const name = tagDictionary.find((t) => t.id === row.candidate_tag_id)!.name;
      candidate.tags = candidate.tags.filter((t) => t !== name);
      candidate.updated_at = now();
      return { status: 204 };
    }),
  );

  // POST /v3/attachments [ATS-V §1.2, reference/post_v3-attachments; GH-V3T 0035]
  server.route(
    'POST',
    '/v3/attachments',
    v3('harvest:attachments:create', (req) => {
      const b = body(req, ATTACHMENT_FIELDS);
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
      if (b.visibility !== undefined && !VISIBILITIES.includes(b.visibility))
        return invalid('visibility', `must be one of ${VISIBILITIES.join(', ')}`);
      let data = Buffer.alloc(0);
      if (hasContent) {
        if (typeof b.content !== 'string' || b.content.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(b.content)) {
          return invalid('content', 'must be Base64-encoded');
        }
        data = Buffer.from(b.content, 'base64');
      } else if (typeof b.url !== 'string' || !/^https?:\/\//.test(b.url))
        return invalid('url', 'must be a publicly fetchable http(s) URL');
      // A new resume or cover letter demotes the previous one to "other" [ATS-V §1.2].
      if (b.type === 'resume' || b.type === 'cover_letter') {
        for (const a of attachments) if (a.application_id === app.id && a.type === b.type) a.type = 'other';
      }
      const at = now();
      const att: GhAttachment = {
        id: nextId++,
        application_id: app.id,
        candidate_id: app.candidate_id,
        filename: b.filename,
        type: b.type,
        visibility: b.visibility ?? (b.type === 'other' ? 'admin_only' : 'public'),
        data,
        signature: randomBytes(12).toString('hex'),
        created_at: at,
        updated_at: at,
      };
      attachments.push(att);
      return { status: 201, json: attachmentJson(att) };
    }),
  );

  /**
   * `custom_fields: [{name_key, value}]`: name_key is "the canonical key when reading/writing
   * custom_fields" [GH-V3T 0077], so an entry without one is refused. In 'replace' mode the
   * record keeps only the values sent; in 'merge' mode the others stay.
   */
  const applyCustomFields = (items: unknown, type: 'candidate' | 'application', target: Map<number, string>): FakeResponse | null => {
    if (items === undefined) return null;
    if (!Array.isArray(items)) return invalid('custom_fields', 'must be an array');
    const staged = patchMode === 'merge' ? new Map(target) : new Map<number, string>();
    for (const item of items as any[]) {
      if (typeof item?.name_key !== 'string') return invalid('custom_fields', 'each entry must name its field by name_key');
      const field = customFields.find((f) => f.field_type === type && f.active && f.name_key === item.name_key);
      if (!field) return invalid('custom_fields', `custom field ${item.name_key} does not exist on ${type}s`);
      if (item.value === null || item.value === undefined || item.value === '') {
        staged.delete(field.id);
        continue;
      }
      const value = String(item.value);
      if (field.value_type === 'number' && Number.isNaN(Number(value))) return invalid('custom_fields', `${field.name}: must be a number`);
      if (field.value_type === 'url' && !/^https?:\/\/\S+$/.test(value)) return invalid('custom_fields', `${field.name}: must be a URL`);
      staged.set(field.id, value);
    }
    target.clear();
    for (const [k, v] of staged) target.set(k, v);
    return null;
  };

  // PATCH /v3/candidates/{id} [GH-V3T 0009 write-endpoint migration guide]
  server.route(
    'PATCH',
    '/v3/candidates/:id',
    v3('harvest:candidates:update', (req) => {
      const candidate = candidates.find((c) => String(c.id) === req.params.id);
      if (!candidate) return notFound('Candidate');
      const b = body(req, ['first_name', 'last_name', 'company', 'title', 'custom_fields']);
      if (isError(b)) return b;
      const err = applyCustomFields(b.custom_fields, 'candidate', candidate.custom);
      if (err) return err;
      for (const key of ['first_name', 'last_name', 'company', 'title'] as const)
        if (typeof b[key] === 'string') (candidate as any)[key] = b[key];
      candidate.updated_at = now();
      return { json: candidateJson(candidate) };
    }),
  );

  // PATCH /v3/applications/{id} [GH-V3T 0009]
  server.route(
    'PATCH',
    '/v3/applications/:id',
    v3('harvest:applications:update', (req) => {
      const app = applications.find((a) => String(a.id) === req.params.id);
      if (!app) return notFound('Application');
      const b = body(req, ['custom_fields']);
      if (isError(b)) return b;
      const err = applyCustomFields(b.custom_fields, 'application', app.custom);
      if (err) return err;
      app.updated_at = now();
      return { json: applicationJson(app) };
    }),
  );

  /** Who performed each move and rejection (the token's user), for the On-Behalf-Of checks. */
  const statusChanges: { application_id: number; kind: 'move' | 'reject'; token_sub: string | null; body: Record<string, any> }[] = [];

  // POST /v3/applications/{id}/move [GH-MOVE]: `from_stage_id` must be the application's current
  // application-stage row, `to_stage_id` a job interview stage of its job; only active applications move.
  server.route(
    'POST',
    '/v3/applications/:id/move',
    v3('harvest:applications:move', (req, token) => {
      const app = applications.find((a) => String(a.id) === req.params.id);
      if (!app) return notFound('Application');
      const b = body(req, ['from_stage_id', 'to_stage_id', 'to_job_id', 'email_from_user_id']);
      if (isError(b)) return b;
      if (b.to_job_id !== undefined) return invalid('to_job_id', 'transfers to another job are not modelled by this fake');
      if (app.status !== 'in_process') return invalid('application', `is ${app.status}; only active applications can be moved`);
      const open = applicationStages.find((r) => r.application_id === app.id && r.exited_at === null);
      if (!open || !isInt(b.from_stage_id) || b.from_stage_id !== open.id)
        return invalid('from_stage_id', "is not the application's current stage");
      const target = stages.find((st) => st.id === b.to_stage_id);
      if (!isInt(b.to_stage_id) || !target || target.job_id !== app.job_id)
        return invalid('to_stage_id', "is not a stage of the application's job");
      const at = now();
      open.exited_at = at;
      open.updated_at = at;
      applicationStages.push({
        id: nextVisitId++,
        application_id: app.id,
        job_interview_stage_id: target.id,
        entered_at: at,
        exited_at: null,
        created_at: at,
        updated_at: at,
      });
      app.updated_at = at;
      statusChanges.push({ application_id: app.id, kind: 'move', token_sub: token.sub, body: b });
      return { json: { id: app.id, moved: true } };
    }),
  );

  // POST /v3/applications/{id}/reject [GH-REJECT]: a reason that exists, an active application;
  // `notes` become the rejection note on the candidate.
  server.route(
    'POST',
    '/v3/applications/:id/reject',
    v3('harvest:applications:reject', (req, token) => {
      const app = applications.find((a) => String(a.id) === req.params.id);
      if (!app) return notFound('Application');
      const b = body(req, ['rejection_reason_id', 'notes', 'rejection_email']);
      if (isError(b)) return b;
      if (app.status !== 'in_process') return invalid('application', `is already ${app.status}`);
      if (!isInt(b.rejection_reason_id) || !rejectionReasons.some((r) => r.id === b.rejection_reason_id))
        return invalid('rejection_reason_id', 'must be the id of a rejection reason');
      if (b.notes !== undefined && typeof b.notes !== 'string') return invalid('notes', 'must be a string');
      if (b.rejection_email !== undefined && (typeof b.rejection_email !== 'object' || Array.isArray(b.rejection_email)))
        return invalid('rejection_email', 'must be an object');
      const at = now();
      const open = applicationStages.find((r) => r.application_id === app.id && r.exited_at === null);
      if (open) {
        open.exited_at = at;
        open.updated_at = at;
      }
      app.status = 'rejected';
      app.rejected_at = at;
      app.rejection_reason_id = b.rejection_reason_id;
      if (b.notes) {
        const note: GhNote = {
          id: nextId++,
          candidate_id: app.candidate_id,
          application_id: app.id,
          user_id: userOf(token)!.id,
          body: b.notes,
          visibility: 'public',
          type: 'NOTE',
          created_at: at,
          token_sub: token.sub,
        };
        notes.push(note);
        app.rejection_note_id = note.id;
      }
      app.updated_at = at;
      statusChanges.push({ application_id: app.id, kind: 'reject', token_sub: token.sub, body: b });
      return { json: applicationJson(app) };
    }),
  );

  // The pre-signed attachment URL (an S3 link in production): no Bearer token, a signature instead.
  server.route('GET', '/files/:id', (req) => {
    const att = attachments.find((a) => String(a.id) === req.params.id);
    if (!att || req.query.get('signature') !== att.signature) return { status: 403, text: 'AccessDenied' };
    return { headers: { 'content-type': 'application/octet-stream' }, body: att.data };
  });

  // ---------------------------------------------------------------------------------------------
  // Test accessors
  // ---------------------------------------------------------------------------------------------
  const valuesByName = (custom: Map<number, string>) =>
    Object.fromEntries([...custom].map(([id, v]) => [customFields.find((f) => f.id === id)!.name, v]));

  // Web hooks (https://developers.greenhouse.io/webhooks.html): configured in Greenhouse's UI
  // only; deliveries carry `Signature: sha256 <hex HMAC of the body>` and `Greenhouse-Event-ID`.
  const sent = new SubscriptionList();
  const webhooks: FakeVendorWebhooks = {
    registered: () => [],
    async changeCandidate(candidateId, manual) {
      const app = applications.find((a) => a.candidate_id === Number(candidateId) && a.status === 'in_process');
      if (!app) throw new Error(`no active application for candidate ${candidateId}`);
      const jobStages = stages.filter((x) => x.job_id === app.job_id);
      const open = applicationStages.filter((v) => v.application_id === app.id && !v.exited_at);
      const now = new Date().toISOString();
      const current = open[0] ? jobStages.findIndex((x) => x.id === open[0].job_interview_stage_id) : -1;
      for (const v of open) Object.assign(v, { exited_at: now, updated_at: now });
      const next = jobStages[(current + 1) % jobStages.length];
      applicationStages.push({
        id: nextVisitId++,
        application_id: app.id,
        job_interview_stage_id: next.id,
        entered_at: now,
        exited_at: null,
        created_at: now,
        updated_at: now,
      });
      app.updated_at = now;
      const body = JSON.stringify({
        action: 'candidate_stage_change',
        payload: {
          application: {
            id: app.id,
            status: 'active',
            candidate: { id: app.candidate_id },
            current_stage: { id: next.id, name: next.name },
            jobs: [{ id: app.job_id }],
          },
        },
      });
      if (!manual) return [];
      return sent.send([
        {
          url: manual.url,
          body,
          headers: {
            'greenhouse-event-id': randomUUID(),
            signature: `sha256 ${createHmac('sha256', manual.secret).update(body).digest('hex')}`,
          },
        },
      ]);
    },
    redeliverLast: () => sent.redeliverLast(),
  };

  const fake: GreenhouseFake = {
    // GET /v3/users hides service accounts unless asked [GH-V3T 0169]: the sync lists the people.
    userRemoteIds: () => users.filter((u) => !u.service_account).map((u) => String(u.id)),
    webhooks,
    tool: 'greenhouse',
    server,
    url: `${base}/v3`,
    credentials: { client_id: CLIENT_ID, client_secret: CLIENT_SECRET },
    badCredentials: { client_id: CLIENT_ID, client_secret: 'not-the-secret' },
    users,
    jobs,
    stages,
    candidates,
    applications,
    applicationStages,
    customFields,
    notes,
    attachments,
    tokens,
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
      applicationStages.splice(0, applicationStages.length, ...applicationStages.filter((r) => !appIds.includes(r.application_id)));
      attachments.splice(0, attachments.length, ...attachments.filter((a) => !appIds.includes(a.application_id)));
    },
    resultTextFor(candidateRemoteId) {
      const id = Number(candidateRemoteId);
      const parts = notes.filter((n) => n.candidate_id === id).map((n) => n.body);
      const c = candidates.find((x) => x.id === id);
      if (c) parts.push(...Object.entries(valuesByName(c.custom)).map(([k, v]) => `${k}: ${v}`));
      for (const a of applications.filter((x) => x.candidate_id === id))
        parts.push(...Object.entries(valuesByName(a.custom)).map(([k, v]) => `${k}: ${v}`));
      return parts.join('\n');
    },
    filesFor(candidateRemoteId) {
      return attachments
        .filter((a) => a.candidate_id === Number(candidateRemoteId))
        .map((a) => ({ name: a.filename, type: a.type, data: a.data }));
    },
    tagsFor: (id) => [...(candidates.find((c) => String(c.id) === id)?.tags ?? [])],
    peakRate: () => window.peak,
    setScopes(scopes) {
      grantedScopes = [...scopes];
    },
    revokeTokens() {
      for (const t of tokens) t.expiresAt = 0;
    },
    candidateFieldValues: (id) => valuesByName(candidates.find((c) => c.id === id)?.custom ?? new Map()),
    applicationFieldValues: (id) => valuesByName(applications.find((a) => a.id === id)?.custom ?? new Map()),
    statusChanges,
    applicationStatus(remoteId) {
      const app = applications.find((a) => String(a.id) === remoteId);
      if (!app) return null;
      const row = currentVisit(app.id);
      return {
        stage: row ? String(row.job_interview_stage_id) : null,
        rejected: app.status === 'rejected',
        reason: app.rejection_reason_id == null ? null : String(app.rejection_reason_id),
      };
    },
    currentStageOf(applicationId) {
      const row = currentVisit(applicationId);
      return row ? stages.find((s) => s.id === row.job_interview_stage_id) : undefined;
    },
  };
  return fake;
}
