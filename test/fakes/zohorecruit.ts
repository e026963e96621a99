/**
 * A fake of Zoho Recruit's REST API v2 (`https://recruit.zoho.{dc}/recruit/v2`) and of Zoho
 * Accounts' token endpoint (`/oauth/v2/token`), written from Zoho's developer guide (the sources
 * are listed in src/connectors/zohorecruit/README.md; Zoho publishes no machine-readable spec for
 * Recruit, so there is no spec check). What it models, and the traps a connector must survive:
 * - Tokens: `grant_type=refresh_token` with the client's id and secret ([ZR-REFRESH]); a wrong
 *   refresh token or client is answered HTTP 200 `{ "error": "invalid_code" | "invalid_client" }`.
 *   Access tokens live `tokenLifetimeS` (3600 by default); an expired or unknown token → 401
 *   INVALID_TOKEN. `Authorization: Zoho-oauthtoken <token>` only ([ZR-TOKEN]); `Bearer` → 401.
 * - Scopes per refresh token: a module the token has no scope for → 401 OAUTH_SCOPE_MISMATCH; a
 *   user whose profile may not read a module → 403 NO_PERMISSION ([ZR-NOTES] error tables).
 * - Record lists: `page`, `per_page` ≤ 200 (more → 400 INVALID_DATA), `info.more_records`
 *   ([ZR-GET]); an empty list → 204 with no body; `If-Modified-Since` filters by
 *   `Modified_Time`, nothing changed → 304 ([ZR-DELETED], [ZCRM]).
 * - `POST /Notes`: `se_module` must be a module notes can be created on (no Applications:
 *   400 INVALID_MODULE), `Parent_Id` must exist ([ZR-NOTES]).
 * - `PUT /{module}/{id}`: only known field API names, not read-only ones; per-record errors in
 *   `data[0]` with `status: "error"` ([ZR-UPD]).
 * - Attachments: multipart `file`, category from `attachments_category` (default Others),
 *   20 MB per record in total, 15 uploads per 5 minutes per token user ([ZR-UPLOAD-V1]).
 * - Tags ([ZR-TAGS], [ZR-TAGS-LIST], [ZCRM-TAGS]): `tag_names` comma-separated, matched to the
 *   account's tags by exact name (a new name creates a tag); the list answers `data.tags`. Tag
 *   calls need the settings scope.
 * - `GET /Candidates/{id}`: an unknown id answers 204 with no body (Zoho's lists answer so; the
 *   single-record answer is not in our sources).
 * - Users ([ZR-USERS]): `type` is required; users need their own scope (401 OAUTH_SCOPE_MISMATCH).
 * - Statuses: the account's candidate statuses are the `Candidate_Status` picklist of the fields
 *   metadata (`pick_list_values` of `{ display_value, actual_value }`, [ZR-META], [ZCRM]). Change
 *   Status ([ZR-STATUS]): `PUT /Candidates/status` with `data[0]` = `ids`, `jobids`,
 *   `Candidate_Status`, `comments`; the status of each candidate with respect to each job opening
 *   (its application) changes. A status outside the picklist or a candidate without an
 *   application for the job is a per-record `status: "error"` (INVALID_DATA); the answer nests
 *   its entries (`data: [[{ code, details, message, status }]]`, [ZR-STATUS] sample response).
 * - 429 past the fake's request window.
 * - Sign-in ([ZA-AUTH], [ZR-AUTH-REQ]): `GET /oauth/v2/auth` with client_id, response_type=code,
 *   redirect_uri, scope (comma-separated) and access_type; the user "consents" at once and the
 *   answer is the 302 to `{redirect_uri}?state&code&location=us&accounts-server=<origin>`. A
 *   refresh token comes with the code's exchange only for access_type=offline, and, after the
 *   client's first one, only with prompt=consent ([ZA-AUTH]). Codes ([ZA-TOKEN]): single use,
 *   2 minutes, the same client (id and secret) and redirect_uri; anything else → HTTP 200
 *   `{ "error": "invalid_code" | "invalid_client" | "invalid_redirect_uri" }`.
 */
import { randomBytes } from 'node:crypto';
import { FakeServer, WindowCounter, type FakeRequest, type FakeResponse } from './server.ts';
import type { VendorFake } from './types.ts';
import { SubscriptionList } from './webhook-sender.ts';

export interface ZohoRecruitFakeOptions {
  candidateCount?: number;
  rateLimit?: { limit: number; windowMs: number };
  tokenLifetimeS?: number;
}

export interface ZohoRecruitFake extends VendorFake {
  /** A refresh token without the application scope (OAUTH_SCOPE_MISMATCH on Applications). */
  noApplicationScopeCredentials: Record<string, unknown>;
  /** A refresh token of a user whose profile may not read Applications (NO_PERMISSION). */
  noPermissionCredentials: Record<string, unknown>;
  /** A refresh token without the notes scope (reads work, notes answer OAUTH_SCOPE_MISMATCH). */
  noNotesScopeCredentials: Record<string, unknown>;
  /** The OAuth client registered in the fake's API console, and its one allowed redirect URI. */
  oauthClient: { id: string; secret: string };
  registerRedirectUri(uri: string): void;
  /** The answer of the user's next visit to the consent page: an error instead of a code. */
  denyNextConsent(error: string): void;
  /** Authorize requests seen (query strings), for assertions on what atsgate sent. */
  authorizeRequests: URLSearchParams[];
  /** A refresh token without the users scope (users answer OAUTH_SCOPE_MISMATCH). */
  noUsersScopeCredentials: Record<string, unknown>;
  /** Makes every access token issued so far expire (INVALID_TOKEN on next use). */
  expireTokens(): void;
  tokensMinted(): number;
  notesOn(candidateId: string): { title: string; content: string }[];
  fieldValues(module: 'Candidates' | 'Applications', id: string): Record<string, unknown>;
  attachmentsOf(module: 'Candidates' | 'Applications', id: string): { name: string; category: string; data: Buffer }[];
  applicationsOf(candidateId: string): string[];
  /** Touches a candidate (Modified_Time = now), as an edit in Zoho would. */
  touchCandidate(id: string): void;
}

const SCOPE_OF: Record<string, string> = {
  JobOpenings: 'jobopening',
  Candidates: 'candidate',
  Applications: 'application',
  Notes: 'notes',
  settings: 'settings',
  users: 'users',
};
const ALL_SCOPES = ['jobopening', 'candidate', 'application', 'notes', 'attachments', 'settings', 'users'];
const CLIENT = { id: '1000.ZR7Q2XK0TEST', secret: 'f3c2a9b8e7d6c5b4a3f2e1d0c9b8a7f6e5d4c3b2a1' };
const REFRESH: Record<string, { scopes: string[]; denied: string[] }> = {
  '1000.refresh.live.7d2f': { scopes: ALL_SCOPES, denied: [] },
  '1000.refresh.noapp.91ab': { scopes: ALL_SCOPES.filter((s) => s !== 'application'), denied: [] },
  '1000.refresh.noperm.5e10': { scopes: ALL_SCOPES, denied: ['Applications'] },
  '1000.refresh.nonotes.3c4d': { scopes: ALL_SCOPES.filter((s) => s !== 'notes'), denied: [] },
  '1000.refresh.nousers.8e2a': { scopes: ALL_SCOPES.filter((s) => s !== 'users'), denied: [] },
};

type Rec = Record<string, any>;
interface Attachment {
  id: string;
  name: string;
  category: string;
  data: Buffer;
  created: string;
}

const FIRST = ['Avery', 'Blake', 'Casey', 'Devon', 'Emerson', 'Finley', 'Gray', 'Harper', 'Indy', 'Jordan', 'Kai', 'Logan'];
const LAST = ['Adams', 'Brooks', 'Carter', 'Diaz', 'Ellis', 'Foster', 'Garcia', 'Hughes'];
/** Zoho's timestamp form: ISO 8601 with an offset, no milliseconds. */
const zt = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, '+00:00');
const err = (status: number, code: string, message: string, details: Record<string, unknown> = {}): FakeResponse => ({
  status,
  json: { code, details, message, status: 'error' },
});
const recordErr = (status: number, code: string, message: string, details: Record<string, unknown> = {}): FakeResponse => ({
  status,
  json: { data: [{ code, details, message, status: 'error' }] },
});
const ok = (id: string, status = 200, message = 'record updated'): FakeResponse => ({
  status,
  json: { data: [{ code: 'SUCCESS', details: { id, Modified_Time: zt(Date.now()) }, message, status: 'success' }] },
});

export async function startZohoRecruitFake(opts: ZohoRecruitFakeOptions = {}): Promise<ZohoRecruitFake> {
  const server = new FakeServer({ provenance: 'zohorecruit' });
  const rate = opts.rateLimit ?? { limit: 10, windowMs: 1000 };
  const lifetime = opts.tokenLifetimeS ?? 3600;
  let seq = 486_812_000_001_000_000n;
  const nextId = () => String(seq++);

  const jobs: Rec[] = [
    ['Customer Success Manager', 'In-progress', 'Full time'],
    ['Payroll Specialist', 'Filled', 'Part time'],
    ['Data Engineer', 'In-progress', 'Contract'],
  ].map(([title, status, type], i) => ({
    id: nextId(),
    Posting_Title: title,
    Job_Opening_ID: `ZR_${i + 1}_JOB`,
    Job_Opening_Status: status,
    Job_Type: type,
    City: 'Chennai',
    Country: 'India',
    Created_Time: zt(Date.UTC(2026, 6, 1 + i)),
    Modified_Time: zt(Date.UTC(2026, 6, 1 + i)),
  }));
  const candidates = new Map<string, Rec>();
  const zohoDeliveries = new SubscriptionList();
  const applications = new Map<string, Rec>();
  const notes: { id: string; parent: string; module: string; title: string; content: string }[] = [];
  const files = new Map<string, Attachment[]>(); // key: module:id
  const deleted = new Set<string>();
  const accountTags: { id: string; name: string }[] = [
    { id: '7001', name: 'Referral' },
    { id: '7002', name: 'India' },
  ];
  const users: Rec[] = [
    {
      id: '2445013000000114007',
      first_name: 'Patricia',
      last_name: 'Boyle',
      full_name: 'Patricia Boyle',
      email: 'p.boyle@example.com',
      status: 'active',
      role: { name: 'Recruiter Admin', id: '2445013000000026005' },
      profile: { name: 'Administrator', id: '2445013000000026011' },
    },
    {
      id: '2445013000000114019',
      first_name: 'Sam',
      last_name: 'Okafor',
      full_name: 'Sam Okafor',
      email: 's.okafor@example.com',
      status: 'disabled',
      role: { name: 'Recruiter', id: '2445013000000026007' },
      profile: { name: 'Standard', id: '2445013000000026013' },
    },
  ];
  const statuses = ['New', 'Screening', 'Interview-Scheduled', 'Hired', 'Rejected', 'Junk candidate', 'Not qualified'];
  const picklist = statuses.map((v) => ({ display_value: v, actual_value: v }));
  const fields: Record<'Candidates' | 'Applications', Rec[]> = {
    Candidates: [
      { id: '9001', api_name: 'First_Name', field_label: 'First Name', data_type: 'text', custom_field: false },
      { id: '9002', api_name: 'Last_Name', field_label: 'Last Name', data_type: 'text', custom_field: false },
      { id: '9003', api_name: 'Email', field_label: 'Email', data_type: 'email', custom_field: false },
      { id: '9004', api_name: 'Acme_Score', field_label: 'Acme: Score', data_type: 'text', custom_field: true },
      { id: '9005', api_name: 'Acme_Level', field_label: 'Acme: Level', data_type: 'textarea', custom_field: true },
      { id: '9006', api_name: 'Acme_Strength', field_label: 'Acme: Strength', data_type: 'date', custom_field: true },
      { id: '9007', api_name: 'Candidate_ID', field_label: 'Candidate ID', data_type: 'autonumber', custom_field: false, read_only: true },
      {
        id: '9008',
        api_name: 'Candidate_Status',
        field_label: 'Candidate Status',
        data_type: 'picklist',
        custom_field: false,
        pick_list_values: [{ display_value: '-None-', actual_value: '-None-' }, ...picklist],
      },
    ],
    Applications: [
      {
        id: '9101',
        api_name: 'Application_Status',
        field_label: 'Application Status',
        data_type: 'picklist',
        custom_field: false,
        pick_list_values: picklist,
      },
      { id: '9102', api_name: 'Acme_App_Score', field_label: 'Acme: Score', data_type: 'text', custom_field: true },
    ],
  };

  const n = opts.candidateCount ?? 24;
  const t0 = Date.UTC(2026, 8, 1);
  const seeded = statuses.slice(0, 5);
  const statusComments: { candidate: string; job: string; status: string; comments: string }[] = [];
  for (let i = 0; i < n; i++) {
    const id = nextId();
    const created = zt(t0 + i * 3_600_000);
    candidates.set(id, {
      id,
      First_Name: FIRST[i % FIRST.length],
      Last_Name: LAST[i % LAST.length],
      Email: `candidate${i}@example.com`,
      Mobile: i % 2 ? `+44 20 3318 ${9400 + i}` : null,
      Current_Employer: i % 3 ? 'Acme Ltd' : null,
      Source: 'Added by User',
      City: 'London',
      Associated_Tags: i % 4 === 0 ? [{ name: 'Referral', id: '7001' }] : [],
      Created_Time: created,
      Modified_Time: created,
    });
    if (i % 5 === 0) {
      files.set(`Candidates:${id}`, [
        { id: nextId(), name: `Resume-${i}.pdf`, category: 'Resume', data: Buffer.from(`%PDF-1.4 resume ${i} %%EOF`), created },
      ]);
    }
    const count = i % 4 === 0 ? 2 : 1;
    for (let k = 0; k < count; k++) {
      const aid = nextId();
      const job = jobs[(i + k) % jobs.length];
      applications.set(aid, {
        id: aid,
        // [TP-PY]: the job's id is the plain `$Job_Opening_Id`; `Job_Opening_Name` carries the
        // title (the trap: a connector must not take it for an id).
        Candidate_Name: { name: `${FIRST[i % FIRST.length]} ${LAST[i % LAST.length]}`, id },
        $Job_Opening_Id: job.id,
        Job_Opening_Name: job.Posting_Title,
        Application_Status: seeded[(i + k) % seeded.length],
        Created_Time: created,
        Modified_Time: created,
      });
    }
  }

  // ------------------------------------------------------------------------------------------
  // Tokens, auth, throttling, faults
  // ------------------------------------------------------------------------------------------
  const tokens = new Map<string, { refresh: string; expiresAt: number }>();
  let minted = 0;
  const windows = new Map<string, WindowCounter>();
  const uploads = new Map<string, number[]>();
  let failures: { n: number; status: 429 | 500 | 503 } | null = null;

  // Refresh tokens minted through the sign-in, next to the fixed ones.
  const grants: Record<string, { scopes: string[]; denied: string[] }> = { ...REFRESH };
  const codes = new Map<string, { redirectUri: string; offline: boolean; expiresAt: number }>();
  const redirectUris = new Set<string>();
  const authorizeRequests: URLSearchParams[] = [];
  let refreshIssued = false;
  let denyNext: string | null = null;

  server.route('GET', '/oauth/v2/auth', (req) => {
    const q = req.query;
    authorizeRequests.push(q);
    const redirectUri = q.get('redirect_uri') ?? '';
    // Zoho shows its own error page (no redirect) for an unknown client or redirect URI.
    if (q.get('client_id') !== CLIENT.id) return { status: 400, text: 'Invalid Client' };
    if (!redirectUris.has(redirectUri)) return { status: 400, text: 'Invalid Redirect Uri' };
    const back = new URL(redirectUri);
    if (q.get('state') !== null) back.searchParams.set('state', q.get('state')!);
    if (denyNext) {
      back.searchParams.set('error', denyNext);
      denyNext = null;
      return { status: 302, headers: { location: back.toString() } };
    }
    if (q.get('response_type') !== 'code' || !q.get('scope')) return { status: 400, text: 'Invalid Request' };
    const code = `1000.${randomBytes(16).toString('hex')}.${randomBytes(16).toString('hex')}`;
    const offline = q.get('access_type') === 'offline' && (!refreshIssued || q.get('prompt') === 'consent');
    codes.set(code, { redirectUri, offline, expiresAt: Date.now() + 2 * 60 * 1000 });
    back.searchParams.set('code', code);
    back.searchParams.set('location', 'us');
    back.searchParams.set('accounts-server', server.url);
    return { status: 302, headers: { location: back.toString() } };
  });

  server.route('POST', '/oauth/v2/token', (req) => {
    const p = (k: string) => (req.form?.get(k) as string | null) ?? req.query.get(k);
    if (p('grant_type') === 'authorization_code') {
      if (p('client_id') !== CLIENT.id || p('client_secret') !== CLIENT.secret) return { json: { error: 'invalid_client' } };
      const code = p('code') ?? '';
      const c = codes.get(code);
      codes.delete(code);
      if (!c || c.expiresAt <= Date.now()) return { json: { error: 'invalid_code' } };
      if (p('redirect_uri') !== c.redirectUri) return { json: { error: 'invalid_redirect_uri' } };
      const token = `1000.${randomBytes(16).toString('hex')}.${randomBytes(16).toString('hex')}`;
      tokens.set(token, { refresh: '', expiresAt: Date.now() + lifetime * 1000 });
      const out: Record<string, unknown> = {
        access_token: token,
        api_domain: 'https://www.zohoapis.com',
        token_type: 'Bearer',
        expires_in: lifetime,
      };
      if (c.offline) {
        const refresh = `1000.${randomBytes(16).toString('hex')}.${randomBytes(16).toString('hex')}`;
        grants[refresh] = { scopes: ALL_SCOPES, denied: [] };
        tokens.set(token, { refresh, expiresAt: Date.now() + lifetime * 1000 });
        refreshIssued = true;
        out.refresh_token = refresh;
      }
      return { json: out };
    }
    if (p('grant_type') !== 'refresh_token') return { json: { error: 'unsupported_grant_type' } };
    if (p('client_id') !== CLIENT.id || p('client_secret') !== CLIENT.secret) return { json: { error: 'invalid_client' } };
    const refresh = p('refresh_token') ?? '';
    if (!grants[refresh]) return { json: { error: 'invalid_code' } };
    const token = `1000.${randomBytes(16).toString('hex')}.${randomBytes(16).toString('hex')}`;
    tokens.set(token, { refresh, expiresAt: Date.now() + lifetime * 1000 });
    minted++;
    return { json: { access_token: token, api_domain: 'https://www.zohoapis.com', token_type: 'Bearer', expires_in: lifetime } };
  });

  server.before = (req) => {
    if (!req.path.startsWith('/recruit/v2/')) return undefined;
    if (failures && failures.n > 0) {
      failures.n--;
      if (failures.status === 429) return err(429, 'TOO_MANY_REQUESTS', 'Too many requests');
      return err(failures.status, 'INTERNAL_ERROR', 'Internal Server Error');
    }
    const m = /^Zoho-oauthtoken (\S+)$/.exec(String(req.headers.authorization ?? ''));
    const t = m ? tokens.get(m[1]) : undefined;
    if (!t || t.expiresAt <= Date.now()) return err(401, 'INVALID_TOKEN', 'invalid oauth token');
    let w = windows.get(t.refresh);
    if (!w) windows.set(t.refresh, (w = new WindowCounter(rate.limit, rate.windowMs)));
    if (w.hit().over) return err(429, 'TOO_MANY_REQUESTS', 'Too many requests');
    const parts = req.path.slice('/recruit/v2/'.length).split('/');
    const scope = parts[2] === 'Attachments' ? 'attachments' : parts[2] === 'actions' ? 'settings' : SCOPE_OF[parts[0]];
    const grant = grants[t.refresh] ?? { scopes: [], denied: [] };
    if (scope && !grant.scopes.includes(scope))
      return err(401, 'OAUTH_SCOPE_MISMATCH', 'Unauthorized', { permissions: [`ZohoRecruit.modules.${scope}.ALL`] });
    if (grant.denied.includes(parts[0])) return err(403, 'NO_PERMISSION', `Permission denied to read ${parts[0]}`);
    return undefined;
  };

  // ------------------------------------------------------------------------------------------
  // Record lists
  // ------------------------------------------------------------------------------------------
  function list(req: FakeRequest, rows: Rec[]): FakeResponse {
    const page = Number(req.query.get('page') ?? '1');
    const perPage = Number(req.query.get('per_page') ?? '200');
    if (!Number.isInteger(page) || page < 1 || !Number.isInteger(perPage) || perPage < 1 || perPage > 200)
      return err(400, 'INVALID_DATA', 'invalid data', { param: perPage > 200 ? 'per_page' : 'page' });
    const since = req.headers['if-modified-since'];
    let live = rows;
    if (since) {
      const t = Date.parse(String(since));
      if (Number.isNaN(t)) return err(400, 'INVALID_DATA', 'invalid If-Modified-Since');
      live = rows.filter((r) => Date.parse(r.Modified_Time) >= t);
      if (!live.length) return { status: 304 };
    }
    const out = live.slice((page - 1) * perPage, page * perPage);
    if (!out.length) return { status: 204 };
    return { json: { data: out, info: { per_page: perPage, count: out.length, page, more_records: page * perPage < live.length } } };
  }
  const liveCandidates = () => [...candidates.values()].filter((c) => !deleted.has(c.id));
  const liveApps = () => [...applications.values()].filter((a) => !deleted.has(a.Candidate_Name.id));

  server.route('GET', '/recruit/v2/JobOpenings', (req) => list(req, jobs));
  server.route('GET', '/recruit/v2/Candidates', (req) => list(req, liveCandidates()));
  server.route('GET', '/recruit/v2/Applications', (req) => list(req, liveApps()));

  const recordOf = (module: string, id: string): Rec | undefined =>
    module === 'Candidates'
      ? deleted.has(id)
        ? undefined
        : candidates.get(id)
      : module === 'Applications'
        ? liveApps().find((a) => a.id === id)
        : undefined;

  // Before `PUT /Candidates/:id`: the first matching route answers.
  server.route('PUT', '/recruit/v2/Candidates/status', (req) => {
    const entry = req.json?.data?.[0];
    if (!entry || typeof entry !== 'object') return err(400, 'INVALID_DATA', 'invalid data');
    const ids = entry.ids;
    const status = entry.Candidate_Status;
    if (!Array.isArray(ids) || !ids.length) return recordErr(400, 'MANDATORY_NOT_FOUND', 'required field not found', { api_name: 'ids' });
    if (typeof status !== 'string')
      return recordErr(400, 'MANDATORY_NOT_FOUND', 'required field not found', { api_name: 'Candidate_Status' });
    const jobIds: string[] = Array.isArray(entry.jobids) ? entry.jobids.map(String) : [];
    const results = ids.map((raw: unknown) => {
      const id = String(raw);
      const refuse = (message: string, api_name: string) => ({ code: 'INVALID_DATA', details: { api_name }, message, status: 'error' });
      if (!recordOf('Candidates', id)) return refuse('the related id given seems to be invalid', 'ids');
      if (!statuses.includes(status)) return refuse('invalid data', 'Candidate_Status');
      const apps = liveApps().filter((a) => a.Candidate_Name.id === id && (!jobIds.length || jobIds.includes(a.$Job_Opening_Id)));
      if (jobIds.length && !apps.length) return refuse('the related id given seems to be invalid', 'jobids');
      const now = zt(Date.now());
      for (const a of apps) {
        a.Application_Status = status;
        a.Modified_Time = now;
        if (typeof entry.comments === 'string' && entry.comments)
          statusComments.push({ candidate: id, job: a.$Job_Opening_Id, status, comments: entry.comments });
      }
      return { code: 'SUCCESS', details: { Modified_Time: now, id }, message: 'status changed', status: 'success' };
    });
    return { json: { data: [results] } };
  });

  for (const module of ['Candidates', 'Applications'] as const) {
    server.route('PUT', `/recruit/v2/${module}/:id`, (req) => {
      const rec = recordOf(module, req.params.id);
      if (!rec) return recordErr(400, 'INVALID_DATA', 'the related id given seems to be invalid', { api_name: 'id' });
      const entry = req.json?.data?.[0];
      if (!entry || typeof entry !== 'object') return err(400, 'INVALID_DATA', 'invalid data');
      for (const [k, v] of Object.entries(entry)) {
        if (k === 'id') continue;
        const f = fields[module].find((x) => x.api_name === k);
        if (!f || f.read_only) return recordErr(400, 'INVALID_DATA', 'invalid data', { api_name: k });
        if (typeof v !== 'string') return recordErr(400, 'INVALID_DATA', 'invalid data', { api_name: k, expected_data_type: 'text' });
      }
      Object.assign(rec, entry, { Modified_Time: zt(Date.now()) });
      return ok(rec.id);
    });

    server.route('GET', `/recruit/v2/${module}/:id/Attachments`, (req) => {
      if (!recordOf(module, req.params.id)) return err(400, 'INVALID_DATA', 'the related id given seems to be invalid');
      const rows = (files.get(`${module}:${req.params.id}`) ?? []).map((a) => ({
        id: a.id,
        Parent_Id: req.params.id,
        File_Name: a.name,
        Size: String(a.data.length),
        Category: a.category,
        Created_Time: a.created,
        Modified_Time: a.created,
      }));
      return list(req, rows);
    });

    server.route('POST', `/recruit/v2/${module}/:id/Attachments`, (req) => {
      const rec = recordOf(module, req.params.id);
      if (!rec) return recordErr(400, 'INVALID_DATA', 'the related id given seems to be invalid');
      const file = req.form?.get('file');
      if (!file || typeof file === 'string')
        return err(400, 'REQUIRED_PARAM_MISSING', 'One of the expected parameter is missing', { param: 'file' });
      const key = String(req.headers.authorization);
      const now = Date.now();
      const recent = (uploads.get(key) ?? []).filter((t) => now - t < 5 * 60_000);
      if (recent.length >= 15) return err(400, 'TOO_MANY_REQUESTS', 'API access blocked for 15 minutes');
      uploads.set(key, [...recent, now]);
      return (async () => {
        const data = Buffer.from(await (file as Blob).arrayBuffer());
        const held = files.get(`${module}:${rec.id}`) ?? [];
        if (held.reduce((s, a) => s + a.data.length, 0) + data.length > 20 * 1024 * 1024)
          return err(400, 'FILE_SIZE_MORE_THAN_ALLOWED_SIZE', 'File size should not exceed 20 MB');
        const category = String(req.query.get('attachments_category') ?? req.form?.get('attachments_category') ?? 'Others');
        const a = { id: nextId(), name: (file as File).name || 'file', category, data, created: zt(now) };
        files.set(`${module}:${rec.id}`, [...held, a]);
        return ok(a.id, 200, 'attachment uploaded successfully');
      })();
    });

    server.route('GET', `/recruit/v2/${module}/:id/Attachments/:aid`, (req) => {
      const a = (files.get(`${module}:${req.params.id}`) ?? []).find((x) => x.id === req.params.aid);
      if (!a || !recordOf(module, req.params.id)) return err(400, 'INVALID_DATA', 'the related id given seems to be invalid');
      return {
        headers: {
          'content-type': 'application/octet-stream',
          'content-disposition': `attachment;filename="${encodeURIComponent(a.name)}"`,
        },
        body: a.data,
      };
    });
  }

  // ------------------------------------------------------------------------------------------
  // One record, tags, users
  // ------------------------------------------------------------------------------------------
  server.route('GET', '/recruit/v2/Candidates/:id', (req) => {
    const rec = recordOf('Candidates', req.params.id);
    return rec ? { json: { data: [rec] } } : { status: 204 };
  });
  for (const action of ['add_tags', 'remove_tags'] as const) {
    server.route('POST', `/recruit/v2/Candidates/:id/actions/${action}`, (req) => {
      const rec = recordOf('Candidates', req.params.id);
      if (!rec) return recordErr(400, 'INVALID_DATA', 'the related id given seems to be invalid', { api_name: 'id' });
      const names = (req.query.get('tag_names') ?? '')
        .split(',')
        .map((x) => x.trim())
        .filter(Boolean);
      if (!names.length) return err(400, 'REQUIRED_PARAM_MISSING', 'One of the expected parameter is missing', { param: 'tag_names' });
      let held: { name: string; id: string }[] = rec.Associated_Tags ?? [];
      for (const name of names) {
        if (action === 'remove_tags') {
          held = held.filter((t) => t.name !== name);
          continue;
        }
        let tag = accountTags.find((t) => t.name === name);
        if (!tag) accountTags.push((tag = { id: nextId(), name }));
        if (!held.some((t) => t.id === tag.id)) held = [...held, { name: tag.name, id: tag.id }];
      }
      rec.Associated_Tags = held;
      rec.Modified_Time = zt(Date.now());
      return {
        json: {
          data: [
            {
              code: 'SUCCESS',
              details: { id: rec.id, tags: held.map((t) => t.name) },
              message: 'tags updated successfully',
              status: 'success',
            },
          ],
        },
      };
    });
  }
  server.route('GET', '/recruit/v2/settings/tags', (req) => {
    if (!req.query.get('module'))
      return err(400, 'REQUIRED_PARAM_MISSING', 'One of the expected parameter is missing', { param: 'module' });
    return { json: { data: { tags: accountTags.map((t) => ({ ...t, color_code: '#F48435' })) } } };
  });
  server.route('GET', '/recruit/v2/users', (req) => {
    if (!req.query.get('type')) return err(400, 'REQUIRED_PARAM_MISSING', 'One of the expected parameter is missing', { param: 'type' });
    return { json: { users } };
  });

  server.route('POST', '/recruit/v2/Notes', (req) => {
    const entry = req.json?.data?.[0];
    if (!entry) return err(400, 'INVALID_DATA', 'invalid data');
    const module = entry.se_module;
    if (!['Candidates', 'JobOpenings', 'Interviews', 'Clients', 'Contacts'].includes(module))
      return recordErr(400, 'INVALID_MODULE', 'The module name given seems to be invalid', { api_name: 'se_module' });
    if (typeof entry.Note_Content !== 'string' || !entry.Note_Content)
      return recordErr(400, 'MANDATORY_NOT_FOUND', 'required field not found', { api_name: 'Note_Content' });
    const parent = String(entry.Parent_Id ?? '');
    const exists = module === 'Candidates' ? !!recordOf('Candidates', parent) : jobs.some((j) => j.id === parent);
    if (!exists) return recordErr(400, 'INVALID_DATA', 'the related id given seems to be invalid', { api_name: 'Parent_Id' });
    const note = { id: nextId(), parent, module, title: String(entry.Note_Title ?? ''), content: entry.Note_Content };
    notes.push(note);
    return ok(note.id, 201, 'record added');
  });

  server.route('GET', '/recruit/v2/settings/fields', (req) => {
    const module = req.query.get('module') as 'Candidates' | 'Applications' | null;
    if (!module) return err(400, 'REQUIRED_PARAM_MISSING', 'One of the expected parameter is missing', { param: 'module' });
    if (!fields[module]) return err(400, 'INVALID_MODULE', 'The module name given seems to be invalid');
    return { json: { fields: fields[module] } };
  });

  await server.start();
  const appsOf = (candidateId: string) => liveApps().filter((a) => a.Candidate_Name.id === candidateId);
  const base = { client_id: CLIENT.id, client_secret: CLIENT.secret, data_center: 'com' };

  return {
    tool: 'zohorecruit',
    userRemoteIds: () => users.map((u) => u.id),
    tagsFor: (candidateId) => (candidates.get(candidateId)?.Associated_Tags ?? []).map((t: { name: string }) => t.name),
    applicationStatus: (id: string) => {
      const a = liveApps().find((x) => x.id === id);
      // The status is the application's stage (the connector reads it so); a rejecting status is its rejection.
      if (!a) return null;
      const rejected = /reject|junk|not qualified/i.test(a.Application_Status);
      // The rejecting status is both the rejection and its reason (the connector reads it so).
      return { stage: a.Application_Status, rejected, reason: rejected ? a.Application_Status : null };
    },
    server,
    url: `${server.url}/recruit/v2`,
    credentials: { ...base, refresh_token: '1000.refresh.live.7d2f' },
    badCredentials: { ...base, refresh_token: `1000.refresh.${randomBytes(4).toString('hex')}` },
    noApplicationScopeCredentials: { ...base, refresh_token: '1000.refresh.noapp.91ab' },
    noPermissionCredentials: { ...base, refresh_token: '1000.refresh.noperm.5e10' },
    noNotesScopeCredentials: { ...base, refresh_token: '1000.refresh.nonotes.3c4d' },
    oauthClient: { ...CLIENT },
    registerRedirectUri: (uri) => void redirectUris.add(uri),
    denyNextConsent: (error) => void (denyNext = error),
    authorizeRequests,
    noUsersScopeCredentials: { ...base, refresh_token: '1000.refresh.nousers.8e2a' },
    async stop() {
      await server.stop();
    },
    failNext(count, status) {
      failures = { n: count, status };
    },
    candidateRemoteIds: () => liveCandidates().map((c) => c.id),
    // Webhooks [ZR-WH]: set up in Zoho Recruit's workflow rules (no API), so the fake posts to the
    // URL a test names when a candidate is edited: the custom parameter atsgate_secret
    // (`manual.secret`) and the entity parameters candidate_id and modified_time, as a form body.
    webhooks: {
      registered: () => [],
      async changeCandidate(id, manual) {
        const c = candidates.get(id);
        if (!c || !manual) return [];
        c.Modified_Time = zt(Date.now());
        const body = new URLSearchParams({
          atsgate_secret: manual.secret,
          candidate_id: String(c.id),
          modified_time: String(c.Modified_Time),
        }).toString();
        return zohoDeliveries.send([{ url: manual.url, headers: { 'content-type': 'application/x-www-form-urlencoded' }, body }]);
      },
      redeliverLast: () => zohoDeliveries.redeliverLast(),
    },
    applicationRemoteIds: () => liveApps().map((a) => a.id),
    jobRemoteIds: () => jobs.map((j) => j.id),
    deleteCandidate(remoteId) {
      deleted.add(remoteId);
    },
    resultTextFor(candidateId) {
      const texts = [
        ...notes.filter((x) => x.module === 'Candidates' && x.parent === candidateId).map((x) => `${x.title}\n${x.content}`),
        ...statusComments.filter((x) => x.candidate === candidateId).map((x) => `${x.status}: ${x.comments}`),
      ];
      const values: string[] = [];
      const c = candidates.get(candidateId);
      for (const f of fields.Candidates)
        if (f.custom_field && c?.[f.api_name] !== undefined) values.push(`${f.field_label}: ${c[f.api_name]}`);
      for (const a of appsOf(candidateId))
        for (const f of fields.Applications)
          if (f.custom_field && a[f.api_name] !== undefined) values.push(`${f.field_label}: ${a[f.api_name]}`);
      return [...texts, ...values].join('\n');
    },
    filesFor: (candidateId) =>
      [`Candidates:${candidateId}`, ...appsOf(candidateId).map((a) => `Applications:${a.id}`)].flatMap((k) =>
        (files.get(k) ?? []).map((a) => ({ name: a.name, type: a.category, data: a.data })),
      ),
    peakRate: () => Math.max(0, ...[...windows.values()].map((w) => w.peak)),
    expireTokens() {
      for (const t of tokens.values()) t.expiresAt = 0;
    },
    tokensMinted: () => minted,
    notesOn: (candidateId) => notes.filter((x) => x.parent === candidateId).map((x) => ({ title: x.title, content: x.content })),
    fieldValues(module, id) {
      const rec = module === 'Candidates' ? candidates.get(id) : applications.get(id);
      const out: Record<string, unknown> = {};
      for (const f of fields[module]) if (f.custom_field && rec?.[f.api_name] !== undefined) out[f.field_label] = rec[f.api_name];
      return out;
    },
    attachmentsOf: (module, id) => (files.get(`${module}:${id}`) ?? []).map((a) => ({ name: a.name, category: a.category, data: a.data })),
    applicationsOf: (candidateId) => appsOf(candidateId).map((a) => a.id),
    touchCandidate(id) {
      const c = candidates.get(id);
      if (c) c.Modified_Time = zt(Date.now());
    },
  };
}
