/**
 * A fake of the slice of Personio's API v2 the Personio connector uses, written from Personio's
 * material (sources per route; the table in src/connectors/personio/README.md):
 * - POST /v2/auth/token: OAuth 2.0 client credentials, `application/x-www-form-urlencoded` only
 *   (developer.personio.de/reference/post_v2-auth-token); a bad client is a 400 ("Bad Request -
 *   Invalid Client/Credentials" examples) with an OAuth error body.
 * - GET /v2/recruiting/{jobs,candidates,applications}: `limit` 1..200 (default 100), opaque
 *   `cursor`, `updated_at.gt` / `updated_at.lt` (mutually exclusive), sorted by last update,
 *   newest first; scope personio:recruiting:read (the v2 reference pages).
 * - Envelope `{ _data, _meta: { links: { next: { href } } } }` (MetaObject/LinkObject in
 *   personio/api-docs common-components-v2.json; `_data` and `next.href` as third-party clients
 *   report) and ErrorResponse `{ personio_trace_id, timestamp, errors: [{ title, detail, type }] }`.
 * - Timestamps in the three shapes seen: `{ date, timezone }` (the vendor's
 *   DateTimeWithTimezone, `date` a UTC date-time, on jobs), `{ "date-time", timezone }` without
 *   an offset (third-party reports, on applications) and ISO strings (candidates); all at whole
 *   seconds.
 * - 429 without Retry-After; Personio asks for "a delay of at least 1 second", so a retry that
 *   comes sooner is refused again.
 * There are no write routes: Personio has none for existing candidates, and the provenance
 * table would answer any other call 501.
 */
import { randomBytes } from 'node:crypto';
import { FakeServer, WindowCounter, bearer, type FakeRequest, type FakeResponse } from './server.ts';
import type { VendorFake } from './types.ts';

export interface PersonioFakeOptions {
  candidateCount?: number;
  /** Requests per window per client (Personio publishes none for recruiting; 300/min is its limit for employees). */
  rateLimit?: { limit: number; windowMs: number };
  /** Token lifetime in seconds (`expires_in`); null leaves it out of the token response. */
  tokenLifetimeSeconds?: number | null;
  /** The least a client must wait after a 429 before its next request is accepted. */
  minRetryDelayMs?: number;
}

export interface PersonioFake extends VendorFake {
  /** A custom integration created without recruiting read access. */
  limitedCredentials: Record<string, unknown>;
  /** Token requests seen, and recruiting requests per access token. */
  tokensMinted(): number;
  /** Every issued token stops working (as after a secret rotation). */
  revokeTokens(): void;
  /** Marks a candidate as changed now (its updated_at moves to the current second). */
  touchCandidate(remoteId: string): void;
  candidateUpdatedAt(remoteId: string): Date;
}

const SCOPE = 'personio:recruiting:read';
const CLIENTS: Record<string, { secret: string; scopes: string[] }> = {
  cli_full_7d2a: { secret: 'sec_full_91b4e0c2d8', scopes: [SCOPE, 'personio:persons:read'] },
  cli_persons_only_3c1f: { secret: 'sec_limited_55aa01', scopes: ['personio:persons:read'] },
};

const FIRST = ['Anna', 'Ben', 'Clara', 'David', 'Emma', 'Felix', 'Greta', 'Hannes', 'Ida', 'Jonas', 'Klara', 'Lukas', 'Mia', 'Noah'];
const LAST = ['Schmidt', 'Müller', 'Weber', 'Fischer', 'Becker', 'Hoffmann', 'Schulz', 'Koch', 'Wagner', 'Richter'];

interface Job {
  id: string;
  name: string;
  status: string;
  department: { id: string; name: string };
  created: number;
  updated: number;
}
interface Candidate {
  id: string;
  first_name: string;
  last_name: string;
  email: string;
  phone: string | null;
  created: number;
  updated: number;
  deleted?: boolean;
}
interface Application {
  id: string;
  candidate: string;
  job: string;
  stage: { id: string; name: string; type: string };
  channel: string;
  created: number;
  updated: number;
}

const T0 = Date.UTC(2026, 8, 1, 8, 0, 0);
const MIN = 60_000;
/** Personio's timestamps in the fake are at whole seconds (what makes `updated_at.gt` strict). */
const secs = (ms: number) => Math.floor(ms / 1000) * 1000;
const isoNoZone = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, '');

function errorBody(status: number, title: string, detail: string, code: string): FakeResponse {
  return {
    status,
    headers: { 'content-type': 'application/problem+json' },
    json: {
      personio_trace_id: randomBytes(8).toString('hex'),
      timestamp: new Date().toISOString(),
      errors: [{ title, detail, type: `https://developer.personio.de/reference/errors#${code}` }],
    },
  };
}

export async function startPersonioFake(opts: PersonioFakeOptions = {}): Promise<PersonioFake> {
  const server = new FakeServer({ provenance: 'personio' });
  const rate = opts.rateLimit ?? { limit: 300, windowMs: 60_000 };
  const minRetryDelayMs = opts.minRetryDelayMs ?? 1000;
  const lifetime = opts.tokenLifetimeSeconds === undefined ? 86_400 : opts.tokenLifetimeSeconds;

  // ------------------------------------------------------------------------------------------
  // Seed: 3 jobs, N candidates with one application each (every third also a second one)
  // ------------------------------------------------------------------------------------------
  const jobs: Job[] = [
    {
      id: '1001',
      name: 'Backend Engineer',
      status: 'published',
      department: { id: 'd1', name: 'Engineering' },
      created: T0,
      updated: T0 + MIN,
    },
    { id: '1002', name: 'Product Designer', status: 'draft', department: { id: 'd2', name: 'Design' }, created: T0, updated: T0 + 2 * MIN },
    {
      id: '1003',
      name: 'Office Manager',
      status: 'archived',
      department: { id: 'd3', name: 'Operations' },
      created: T0,
      updated: T0 + 3 * MIN,
    },
  ];
  const stages = [
    { id: 's-new', name: 'Unassigned', type: 'unassigned' },
    { id: 's-int', name: 'Interview', type: 'interview' },
    { id: 's-off', name: 'Offer', type: 'offer' },
    { id: 's-hir', name: 'Hired', type: 'hired' },
    { id: 's-rej', name: 'Rejected', type: 'rejected' },
  ];
  const candidates = new Map<string, Candidate>();
  const applications = new Map<string, Application>();
  const n = opts.candidateCount ?? 24;
  for (let i = 0; i < n; i++) {
    const id = String(500_000 + i);
    const first = FIRST[i % FIRST.length];
    const last = LAST[i % LAST.length];
    const created = T0 + i * 10 * MIN;
    candidates.set(id, {
      id,
      first_name: first,
      last_name: last,
      email: `${first}.${last}.${i}@example.com`.toLowerCase(),
      phone: i % 2 ? `+49 30 1234${i}` : null,
      created,
      updated: created + 5 * MIN,
    });
    const count = i % 3 === 0 ? 2 : 1;
    for (let k = 0; k < count; k++) {
      const aid = String(900_000 + i * 10 + k);
      applications.set(aid, {
        id: aid,
        candidate: id,
        job: jobs[(i + k) % jobs.length].id,
        stage: stages[(i + k) % stages.length],
        channel: k ? 'Referral' : 'Career page',
        created: created + k * MIN,
        updated: created + 6 * MIN + k * 1000,
      });
    }
  }

  // ------------------------------------------------------------------------------------------
  // Auth, rate limit, faults
  // ------------------------------------------------------------------------------------------
  const tokens = new Map<string, { client: string; expires: number }>();
  let minted = 0;
  const windows = new Map<string, WindowCounter>();
  let failures: { n: number; status: 429 | 500 | 503 } | null = null;
  let last429At: number | null = null;

  server.before = (req) => {
    const now = Date.now();
    // Personio: after a 429, "a delay of at least 1 second" before retrying.
    if (last429At !== null && now - last429At < minRetryDelayMs) {
      last429At = now;
      return errorBody(429, 'Too Many Requests', 'Rate limit exceeded. Retry after at least one second.', 'common.too_many_requests');
    }
    if (failures && failures.n > 0) {
      failures.n--;
      const f = failures.status;
      if (f === 429) {
        last429At = now;
        return errorBody(429, 'Too Many Requests', 'Rate limit exceeded. Retry after at least one second.', 'common.too_many_requests');
      }
      return f === 503
        ? errorBody(
            503,
            'Service Unavailable',
            'The server is temporarily unavailable. Please try again later.',
            'common.service_unavailable',
          )
        : errorBody(
            500,
            'Internal Server Error',
            'There was a problem while processing this request. Please try again later.',
            'common.internal_server_error',
          );
    }
    const key = req.path === '/v2/auth/token' ? 'auth' : (bearer(req) ?? 'anonymous');
    const client = key === 'auth' ? 'auth' : (tokens.get(key)?.client ?? 'anonymous');
    let w = windows.get(client);
    if (!w) windows.set(client, (w = new WindowCounter(rate.limit, rate.windowMs)));
    if (w.hit(now).over) {
      last429At = now;
      return errorBody(429, 'Too Many Requests', 'Rate limit exceeded. Retry after at least one second.', 'common.too_many_requests');
    }
    return undefined;
  };

  server.route('POST', '/v2/auth/token', (req) => {
    const oauth = (status: number, error: string, description: string): FakeResponse => ({
      status,
      json: { error, error_description: description },
    });
    if (!/application\/x-www-form-urlencoded/.test(String(req.headers['content-type'] ?? ''))) {
      return oauth(400, 'invalid_request', 'The request must be formatted using the application/x-www-form-urlencoded media type.');
    }
    const form = new URLSearchParams(req.raw.toString('utf8'));
    const grant = form.get('grant_type');
    const id = form.get('client_id');
    const secret = form.get('client_secret');
    if (!grant || !id || !secret) return oauth(400, 'invalid_request', 'Required parameters are missing.');
    if (grant !== 'client_credentials') return oauth(400, 'unsupported_grant_type', `Grant type ${grant} is not supported.`);
    const client = CLIENTS[id];
    if (!client || client.secret !== secret) return oauth(400, 'unauthorized_client', 'The client credentials are invalid.');
    minted++;
    const token = `tok_${randomBytes(12).toString('hex')}`;
    tokens.set(token, { client: id, expires: lifetime === null ? Infinity : Date.now() + lifetime * 1000 });
    return {
      json: {
        access_token: token,
        token_type: 'Bearer',
        ...(lifetime === null ? {} : { expires_in: lifetime }),
        scope: client.scopes.join(' '),
      },
    };
  });

  function authorise(req: FakeRequest): FakeResponse | string {
    const t = bearer(req);
    const entry = t ? tokens.get(t) : undefined;
    if (!entry || entry.expires <= Date.now())
      return errorBody(401, 'Unauthorized', 'The access token is missing, invalid or expired.', 'common.unauthorized');
    if (!CLIENTS[entry.client].scopes.includes(SCOPE))
      return errorBody(403, 'Forbidden', `The access token lacks the required scope ${SCOPE}.`, 'common.forbidden');
    return entry.client;
  }

  /** Cursor paging over a snapshot order; the cursor carries the position and the filters. */
  function list<T extends { id: string; updated: number }>(req: FakeRequest, all: T[], render: (x: T) => unknown): FakeResponse {
    const who = authorise(req);
    if (typeof who !== 'string') return who;
    const q = req.query;
    const limitRaw = q.get('limit');
    const limit = limitRaw === null ? 100 : Number(limitRaw);
    if (!Number.isInteger(limit) || limit < 1 || limit > 200)
      return errorBody(400, 'Bad Request', 'limit must be between 1 and 200.', 'common.invalid_request');
    const gt = q.get('updated_at.gt');
    const lt = q.get('updated_at.lt');
    if (gt && lt) return errorBody(400, 'Bad Request', 'updated_at.gt and updated_at.lt are mutually exclusive.', 'common.invalid_request');
    const bound = (v: string) => {
      const d = new Date(v);
      return Number.isNaN(d.getTime()) ? null : d.getTime();
    };
    if ((gt && bound(gt) === null) || (lt && bound(lt) === null))
      return errorBody(400, 'Bad Request', 'updated_at filters must be date-times.', 'common.invalid_request');
    let offset = 0;
    const cursor = q.get('cursor');
    if (cursor) {
      const m = /^cur_(\d+)$/.exec(cursor);
      if (!m) return errorBody(400, 'Bad Request', 'The cursor is invalid.', 'common.invalid_request');
      offset = Number(m[1]);
    }
    const rows = all
      .filter((x) => (gt ? secs(x.updated) > bound(gt)! : true) && (lt ? secs(x.updated) < bound(lt)! : true))
      .sort((a, b) => b.updated - a.updated || Number(b.id) - Number(a.id));
    const page = rows.slice(offset, offset + limit);
    const links: Record<string, { href: string }> = { self: { href: `${server.url}${req.path}?${q.toString()}` } };
    if (offset + limit < rows.length) {
      const next = new URLSearchParams(q);
      next.set('cursor', `cur_${offset + limit}`);
      links.next = { href: `${server.url}${req.path}?${next.toString()}` };
    }
    return { json: { _data: page.map(render), _meta: { links } } };
  }

  const renderJob = (j: Job) => ({
    id: j.id,
    name: j.name,
    status: j.status,
    department: j.department,
    // DateTimeWithTimezone: `date` is an RFC 3339 date-time in UTC (the vendor's example "2022-01-01T14:07:17.000Z").
    created_at: { date: new Date(secs(j.created)).toISOString(), timezone: 'Europe/Berlin' },
    updated_at: { date: new Date(secs(j.updated)).toISOString(), timezone: 'Europe/Berlin' },
  });
  const renderCandidate = (c: Candidate) => ({
    id: c.id,
    first_name: c.first_name,
    last_name: c.last_name,
    email: c.email,
    phone: c.phone,
    created_at: new Date(secs(c.created)).toISOString(),
    updated_at: new Date(secs(c.updated)).toISOString(),
  });
  const renderApplication = (a: Application) => {
    const c = candidates.get(a.candidate)!;
    const j = jobs.find((x) => x.id === a.job)!;
    return {
      id: a.id,
      application_date: new Date(a.created).toISOString().slice(0, 10),
      candidate: { id: c.id, email: c.email, first_name: c.first_name, last_name: c.last_name },
      job: { id: j.id, name: j.name },
      current_stage: { ...a.stage },
      channel: { id: a.channel.toLowerCase().replace(/\s+/g, '-'), name: a.channel },
      is_anonymized: false,
      created_at: { 'date-time': isoNoZone(secs(a.created)), timezone: 'Europe/Berlin' },
      updated_at: { 'date-time': isoNoZone(secs(a.updated)), timezone: 'Europe/Berlin' },
    };
  };
  const liveCandidates = () => [...candidates.values()].filter((c) => !c.deleted);
  const liveApplications = () => [...applications.values()].filter((a) => !candidates.get(a.candidate)?.deleted);

  server.route('GET', '/v2/recruiting/jobs', (req) => list(req, jobs, renderJob));
  server.route('GET', '/v2/recruiting/candidates', (req) => list(req, liveCandidates(), renderCandidate));
  server.route('GET', '/v2/recruiting/applications', (req) => list(req, liveApplications(), renderApplication));

  await server.start();

  return {
    // The connector reads no users (capabilities.users).
    userRemoteIds: () => [],
    tool: 'personio',
    server,
    url: server.url,
    credentials: { client_id: 'cli_full_7d2a', client_secret: CLIENTS['cli_full_7d2a'].secret },
    badCredentials: { client_id: 'cli_full_7d2a', client_secret: 'sec_wrong_000000' },
    limitedCredentials: { client_id: 'cli_persons_only_3c1f', client_secret: CLIENTS['cli_persons_only_3c1f'].secret },
    stop: () => server.stop(),
    failNext(count, status) {
      failures = { n: count, status };
    },
    candidateRemoteIds: () => liveCandidates().map((c) => c.id),
    applicationRemoteIds: () => liveApplications().map((a) => a.id),
    jobRemoteIds: () => jobs.map((j) => j.id),
    deleteCandidate(remoteId) {
      const c = candidates.get(remoteId);
      if (c) c.deleted = true;
    },
    // Nothing can be written to Personio, so nothing a result link or file became exists.
    resultTextFor: () => '',
    applicationStatus(id) {
      const a = applications.get(id);
      return a
        ? { stage: String(a.stage.id), rejected: /reject|declin|withdraw|archiv/i.test(String(a.stage.type ?? '')), reason: null }
        : null;
    },
    filesFor: () => [],
    // Personio's API has no candidate tags.
    tagsFor: () => [],
    peakRate: () => Math.max(0, ...[...windows.entries()].filter(([k]) => k !== 'anonymous').map(([, w]) => w.peak)),
    tokensMinted: () => minted,
    revokeTokens: () => tokens.clear(),
    touchCandidate(remoteId) {
      candidates.get(remoteId)!.updated = Date.now();
    },
    candidateUpdatedAt: (remoteId) => new Date(secs(candidates.get(remoteId)!.updated)),
  };
}
