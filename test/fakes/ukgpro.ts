/**
 * A fake of UKG Pro Recruiting, written from the sources in src/connectors/ukgpro/README.md
 * (UKG's Developer Hub reference pages and version history for paths, scopes and limits;
 * third-party clients for field names, paging and the token call). UKG publishes no
 * machine-readable Recruiting spec, so there is none to validate against; the fake checks
 * instead what the sources state:
 * - Token: `POST /signin/oauth2/t/{tenant}/access_token`, form-encoded client credentials; a
 *   wrong client answers 401 `{ error: "invalid_client" }`; the answer carries `access_token`,
 *   `token_type`, `expires_in` and the granted `scope` (space-separated).
 * - API: `/talent/recruiting/v2/{tenant}/api/…` with `Authorization: Bearer`; an unknown tenant is
 *   404; a token without the operation's scope is 403 (each reference page: "your access token
 *   must contain one of the following scopes", parents such as `recruiting.domain` included).
 * - Lists: opportunities are paged by `page`/`per_page` and wrapped in `data` (hrflow-connectors);
 *   candidates and applications are bare arrays paged by a `Link` header whose `rel="next"` URL
 *   carries an `after=<id>` cursor, and filter on `updated_after` (a production tenant's Link
 *   header). `per_page` above 100 is cut to 100 (UKG states no maximum; the trap is a short page
 *   that is not the last). `candidateFilterRejected` makes candidates answer 400 to
 *   `updated_after` (whether UKG takes it there is unconfirmed).
 * - Comments: `{ comment }`, required, not blank, at most 4000 characters (400 otherwise).
 * - Documents: multipart `file` + `metadata` `{ file_name, document_type }`; at most 6 MB, 10 per
 *   application, .jpg .jpeg .png .pdf .doc .docx (400 otherwise). Applications link their
 *   documents (`links[].rel = documents`); documents link their download on the API host without
 *   the `/talent/recruiting/v2` prefix. Links carry the other scheme than the API is served on
 *   (production links were seen as http:// on an https API), so a client that follows them as
 *   given leaves the API's origin.
 * - Rate limiting: 429 without Retry-After (UKG only "considers" sending one).
 */
import { randomBytes } from 'node:crypto';
import { FakeServer, WindowCounter, bearer, type FakeRequest, type FakeResponse } from './server.ts';
import type { VendorFake } from './types.ts';

export interface UkgFakeOptions {
  candidateCount?: number;
  rateLimit?: { limit: number; windowMs: number };
  /** Candidates answer 400 to `updated_after`. */
  candidateFilterRejected?: boolean;
  /** Omit `scope` from token answers (identity servers need not send it). */
  tokenWithoutScope?: boolean;
  /** Documents link their download on this origin instead of the API host (a storage host). */
  downloadOrigin?: string;
  /**
   * The scope Add Comment by Candidate ID needs (its page names none; candidates.write, as for
   * candidate documents, by default): another value makes the full client's comments 403.
   */
  candidateCommentScope?: string;
}

export interface UkgFake extends VendorFake {
  tenant: string;
  /** A client whose token lacks the write scopes (listed in its `scope`). */
  readOnlyCredentials: Record<string, unknown>;
  /** A client whose token lists no scopes and may not read candidates (403 there). */
  noCandidatesCredentials: Record<string, unknown>;
  commentsOfCandidate(id: string): string[];
  commentsOfApplication(id: string): string[];
  documentsOfApplication(id: string): { name: string; type: string; data: Buffer }[];
  documentsOfCandidate(id: string): { name: string; type: string; data: Buffer }[];
  applicationsOf(candidateId: string): string[];
  /** Sets an application's updated_at (delta tests). */
  touchApplication(id: string, at: string): void;
  tokensIssued(): number;
}

const TENANT = 'ACME1001RCT';
const ALL_SCOPES = [
  'recruiting.domain.opportunities.read',
  'recruiting.domain.candidates.read',
  'recruiting.domain.candidates.write',
  'recruiting.domain.applications.read',
  'recruiting.domain.applications.write',
];
interface Client {
  secret: string;
  scopes: string[];
  /** What the API enforces (may differ from what the token lists). */
  enforced: string[];
}
const CLIENTS: Record<string, Client> = {
  'acme-recruiting-client': { secret: 's3cr3t-full', scopes: ALL_SCOPES, enforced: ALL_SCOPES },
  'acme-readonly-client': {
    secret: 's3cr3t-ro',
    scopes: ALL_SCOPES.filter((s) => !s.endsWith('.write')),
    enforced: ALL_SCOPES.filter((s) => !s.endsWith('.write')),
  },
  'acme-nocand-client': {
    secret: 's3cr3t-nc',
    scopes: [],
    enforced: ALL_SCOPES.filter((s) => !s.startsWith('recruiting.domain.candidates')),
  },
};
const EXTENSIONS = ['.jpg', '.jpeg', '.png', '.pdf', '.doc', '.docx'];
const MAX_DOC = 6 * 1024 * 1024;
const MAX_PER_PAGE = 100;

interface Doc {
  id: string;
  name: string;
  type: string;
  data: Buffer;
  created_at: string;
}
interface Candidate {
  id: string;
  first: string;
  last: string;
  email: string;
  phone: string | null;
  created_at: string;
  updated_at: string;
  deleted?: boolean;
  comments: string[];
  documents: Doc[];
}
interface Application {
  id: string;
  candidate: string;
  opportunity: string;
  status: string;
  step: { id: string; name: string };
  disposition: { id: string; name: string } | null;
  applied_date: string;
  updated_at: string;
  deleted?: boolean;
  comments: string[];
  documents: Doc[];
}

const FIRST = ['Ada', 'Bruno', 'Chloe', 'Dmitri', 'Elena', 'Farah', 'Gus', 'Hana', 'Ivo', 'Jun', 'Kira', 'Luis'];
const LAST = ['Abbott', 'Baker', 'Chen', 'Dubois', 'Engel', 'Fox', 'Grant', 'Hale'];
const guid = (n: number, prefix: string) =>
  `${prefix}${n.toString(16).padStart(6, '0')}-4b1e-4c3a-9d2f-0000${n.toString(16).padStart(8, '0')}`;

export async function startUkgFake(opts: UkgFakeOptions = {}): Promise<UkgFake> {
  const server = new FakeServer({ provenance: 'ukgpro' });
  const rate = opts.rateLimit ?? { limit: 20, windowMs: 1000 };
  const api = `/talent/recruiting/v2/${TENANT}/api`;
  /** The fake is served over http; its links say https (see above). */
  const otherScheme = 'https';

  const opportunities = [
    { id: guid(1, 'aa'), title: 'Warehouse Associate', requisition_number: 'REQ-1001', status: 'Open', org: 'Logistics' },
    { id: guid(2, 'aa'), title: 'Payroll Analyst', requisition_number: 'REQ-1002', status: 'Closed', org: 'Finance' },
    { id: guid(3, 'aa'), title: 'Store Manager', requisition_number: 'REQ-1003', status: 'Draft', org: 'Retail' },
  ];
  const candidates = new Map<string, Candidate>();
  const applications = new Map<string, Application>();
  const n = opts.candidateCount ?? 24;
  let nextDoc = 1;
  for (let i = 0; i < n; i++) {
    const id = guid(100 + i, 'cc');
    const created = new Date(Date.UTC(2026, 9, 1) + i * 3_600_000).toISOString();
    candidates.set(id, {
      id,
      first: FIRST[i % FIRST.length],
      last: LAST[i % LAST.length],
      email: `candidate${i}@example.com`,
      phone: i % 2 ? `+1 954 555 01${String(i).padStart(2, '0')}` : null,
      created_at: created,
      updated_at: created,
      comments: [],
      documents: [],
    });
    const count = i % 5 === 0 ? 2 : 1;
    for (let k = 0; k < count; k++) {
      const aid = guid(1000 + i * 10 + k, 'ab');
      const kind = (i + k) % 4;
      const docs: Doc[] = [];
      if (i % 3 === 0)
        docs.push({
          id: guid(nextDoc++, 'dd'),
          name: `resume-${i}.pdf`,
          type: 'Resume',
          data: Buffer.from(`%PDF-1.4 resume ${i} %%EOF`),
          created_at: created,
        });
      applications.set(aid, {
        id: aid,
        candidate: id,
        opportunity: opportunities[(i + k) % opportunities.length].id,
        status: kind === 2 ? 'Hired' : kind === 3 ? 'Dispositioned' : 'Active',
        step: { id: guid(kind + 1, 'ee'), name: ['Review', 'Interview', 'Hired', 'Review'][kind] },
        disposition: kind === 3 ? { id: guid(9, 'ff'), name: 'Not qualified' } : null,
        applied_date: created,
        updated_at: created,
        comments: [],
        documents: docs,
      });
    }
  }

  // ------------------------------------------------------------------------------------------
  // Auth, throttling, faults
  // ------------------------------------------------------------------------------------------
  const tokens = new Map<string, string>(); // token → client id
  let issued = 0;
  const windows = new Map<string, WindowCounter>();
  let failures: { n: number; status: 429 | 500 | 503 } | null = null;
  const tokenPath = `/signin/oauth2/t/${TENANT}/access_token`;

  server.before = (req) => {
    if (failures && failures.n > 0 && req.path !== tokenPath) {
      failures.n--;
      if (failures.status === 429) return { status: 429, json: { message: 'Too many requests.' } };
      return { status: failures.status, json: { message: failures.status === 503 ? 'Service Unavailable' : 'Internal Server Error' } };
    }
    if (req.path.startsWith('/signin/')) return undefined;
    const token = bearer(req);
    const client = token ? tokens.get(token) : undefined;
    if (!client) return { status: 401, json: { message: 'Authorization has been denied for this request.' } };
    let w = windows.get(client);
    if (!w) windows.set(client, (w = new WindowCounter(rate.limit, rate.windowMs)));
    if (w.hit().over) return { status: 429, json: { message: 'Too many requests.' } };
    if (!req.path.startsWith(`/talent/recruiting/v2/${TENANT}/`) && !req.path.startsWith(`/${TENANT}/`))
      return { status: 404, json: { message: 'Tenant not found.' } };
    (req as FakeRequest & { client?: string }).client = client;
    return undefined;
  };
  const clientOf = (req: FakeRequest) => CLIENTS[(req as FakeRequest & { client?: string }).client!];
  /** 403 unless the client holds `scope` or a parent of it. */
  const needs = (req: FakeRequest, scope: string): FakeResponse | null => {
    const granted = clientOf(req).enforced;
    const parts = scope.split('.');
    for (let i = parts.length; i >= 2; i--) if (granted.includes(parts.slice(0, i).join('.'))) return null;
    return { status: 403, json: { message: `The access token does not contain a required scope: ${scope}.` } };
  };
  const bad = (message: string): FakeResponse => ({ status: 400, json: { message } });

  server.route('POST', '/signin/oauth2/t/:tenant/access_token', (req) => {
    if (req.params.tenant !== TENANT) return { status: 404, json: { error: 'invalid_request' } };
    const f = req.form;
    if (!f || !String(req.headers['content-type']).includes('application/x-www-form-urlencoded'))
      return { status: 400, json: { error: 'invalid_request', error_description: 'form-encoded body expected' } };
    if (f.get('grant_type') !== 'client_credentials') return { status: 400, json: { error: 'unsupported_grant_type' } };
    const id = String(f.get('client_id') ?? '');
    const c = CLIENTS[id];
    if (!c || f.get('client_secret') !== c.secret)
      return { status: 401, json: { error: 'invalid_client', error_description: 'Client authentication failed.' } };
    const token = `ukg_${randomBytes(12).toString('hex')}`;
    tokens.set(token, id);
    issued++;
    return {
      json: {
        access_token: token,
        token_type: 'Bearer',
        expires_in: 3600,
        ...(opts.tokenWithoutScope || !c.scopes.length ? {} : { scope: c.scopes.join(' ') }),
      },
    };
  });

  // ------------------------------------------------------------------------------------------
  // Lists
  // ------------------------------------------------------------------------------------------
  const perPage = (req: FakeRequest) => Math.min(MAX_PER_PAGE, Math.max(1, Number(req.query.get('per_page') ?? 25) || 25));

  /** Bare array, `after` cursor in a Link header, `updated_after` filter. */
  function cursorList<T extends { id: string }>(req: FakeRequest, rows: T[], updated: (r: T) => string): FakeResponse {
    const since = req.query.get('updated_after');
    let filtered = rows;
    if (since !== null) {
      const t = Date.parse(since);
      if (Number.isNaN(t)) return bad(`updated_after is not a date: ${since}`);
      filtered = rows.filter((r) => Date.parse(updated(r)) > t);
    }
    const after = req.query.get('after');
    const start = after ? filtered.findIndex((r) => r.id === after) + 1 : 0;
    if (after && start === 0) return bad('Invalid cursor.');
    const size = perPage(req);
    const slice = filtered.slice(start, start + size);
    const headers: Record<string, string> = {};
    const self = `${otherScheme}://${req.headers.host}${req.path}`;
    const base = new URLSearchParams();
    if (since !== null) base.set('updated_after', since);
    base.set('per_page', String(size));
    const links = [`<${self}?${base}>; rel="first"`];
    if (start + size < filtered.length) {
      const next = new URLSearchParams(base);
      next.set('after', slice[slice.length - 1].id);
      links.push(`<${self}?${next}>; rel="next"`);
    }
    headers.link = links.join(',');
    return { headers, json: slice };
  }

  server.route('GET', `${api}/opportunities`, (req) => {
    const denied = needs(req, 'recruiting.domain.opportunities.read');
    if (denied) return denied;
    const page = Number(req.query.get('page') ?? '1');
    if (!Number.isInteger(page) || page < 1) return bad('Invalid page.');
    const size = perPage(req);
    return {
      json: {
        data: opportunities.slice((page - 1) * size, page * size).map((o, i) => ({
          id: o.id,
          title: o.title,
          requisition_number: o.requisition_number,
          status: o.status,
          org_unit: { id: guid(50 + i, 'ou'), name: o.org },
          location: { id: guid(60 + i, 'lo'), name: 'Weston, FL' },
          created_at: '2026-08-01T12:00:00.000Z',
          updated_at: '2026-09-01T12:00:00.000Z',
        })),
      },
    };
  });

  const candidateJson = (c: Candidate) => ({
    id: c.id,
    name: { first: c.first, middle: null, last: c.last },
    contact_info: {
      email: c.email,
      phone: { primary: c.phone, secondary: null },
      address: {
        line1: '1485 N Park Dr',
        line2: null,
        city: 'Weston',
        state: { code: 'FL' },
        postal_code: '33326',
        country: { code: 'USA' },
      },
    },
    hyperlinks: [{ name: 'LinkedIn', url: `https://www.linkedin.com/in/${c.first.toLowerCase()}-${c.last.toLowerCase()}` }],
    created_at: c.created_at,
    updated_at: c.updated_at,
  });
  const applicationJson = (a: Application, host: string) => ({
    id: a.id,
    candidate: { id: a.candidate },
    opportunity: { id: a.opportunity },
    status: a.status,
    step: a.step,
    disposition: a.disposition,
    applied_date: a.applied_date,
    updated_at: a.updated_at,
    links: [
      { rel: 'self', href: `${otherScheme}://${host}${api}/applications/${a.id}` },
      { rel: 'documents', href: `${otherScheme}://${host}${api}/applications/${a.id}/documents` },
    ],
  });
  const liveCandidates = () => [...candidates.values()].filter((c) => !c.deleted);
  const liveApps = () => [...applications.values()].filter((a) => !a.deleted);

  server.route('GET', `${api}/candidates`, (req) => {
    const denied = needs(req, 'recruiting.domain.candidates.read');
    if (denied) return denied;
    if (opts.candidateFilterRejected && req.query.has('updated_after')) return bad('The query parameter updated_after is not supported.');
    const out = cursorList(req, liveCandidates(), (c) => c.updated_at);
    return out.status ? out : { ...out, json: (out.json as Candidate[]).map(candidateJson) };
  });

  server.route('GET', `${api}/applications`, (req) => {
    const denied = needs(req, 'recruiting.domain.applications.read');
    if (denied) return denied;
    const out = cursorList(req, liveApps(), (a) => a.updated_at);
    return out.status ? out : { ...out, json: (out.json as Application[]).map((a) => applicationJson(a, String(req.headers.host))) };
  });

  server.route('GET', `${api}/applications/:id`, (req) => {
    const denied = needs(req, 'recruiting.domain.applications.read');
    if (denied) return denied;
    const a = applications.get(req.params.id);
    if (!a || a.deleted) return { status: 404, json: { message: 'Application not found.' } };
    return { json: applicationJson(a, String(req.headers.host)) };
  });

  const docJson = (a: Application, d: Doc, host: string) => ({
    id: d.id,
    file_name: d.name,
    document_type: d.type,
    description: null,
    created_at: d.created_at,
    links: [
      {
        rel: 'download',
        href: `${opts.downloadOrigin ?? `${otherScheme}://${host}`}/${TENANT}/api/applications/${a.id}/documents/${d.id}/download`,
      },
    ],
  });
  server.route('GET', `${api}/applications/:id/documents`, (req) => {
    const denied = needs(req, 'recruiting.domain.applications.read');
    if (denied) return denied;
    const a = applications.get(req.params.id);
    if (!a || a.deleted) return { status: 404, json: { message: 'Application not found.' } };
    return { json: a.documents.map((d) => docJson(a, d, String(req.headers.host))) };
  });
  const download = (req: FakeRequest): FakeResponse => {
    const denied = needs(req, 'recruiting.domain.applications.read');
    if (denied) return denied;
    const a = applications.get(req.params.id);
    const d = a?.documents.find((x) => x.id === req.params.doc);
    if (!a || a.deleted || !d) return { status: 404, json: { message: 'Document not found.' } };
    return { headers: { 'content-type': d.name.endsWith('.pdf') ? 'application/pdf' : 'application/octet-stream' }, body: d.data };
  };
  server.route('GET', `${api}/applications/:id/documents/:doc/download`, download);
  server.route('GET', `/${TENANT}/api/applications/:id/documents/:doc/download`, download);

  // ------------------------------------------------------------------------------------------
  // Writes
  // ------------------------------------------------------------------------------------------
  function readComment(req: FakeRequest): string | FakeResponse {
    const body = req.json;
    if (!body || typeof body !== 'object' || typeof body.comment !== 'string') return bad('comment is required.');
    if (!body.comment.trim()) return bad('comment cannot be empty or contain only whitespace.');
    if (body.comment.length > 4000) return bad('comment has a maximum of 4000 characters.');
    return body.comment;
  }
  server.route('POST', `${api}/applications/:id/comments`, (req) => {
    const denied = needs(req, 'recruiting.domain.applications.write');
    if (denied) return denied;
    const a = applications.get(req.params.id);
    if (!a || a.deleted) return { status: 404, json: { message: 'Application not found.' } };
    const c = readComment(req);
    if (typeof c !== 'string') return c;
    a.comments.push(c);
    return { status: 201, json: { id: guid(a.comments.length, 'c0'), comment: c, is_important: false } };
  });
  server.route('POST', `${api}/candidates/:id/comments`, (req) => {
    const denied = needs(req, opts.candidateCommentScope ?? 'recruiting.domain.candidates.write');
    if (denied) return denied;
    const cand = candidates.get(req.params.id);
    if (!cand || cand.deleted) return { status: 404, json: { message: 'Candidate not found.' } };
    const c = readComment(req);
    if (typeof c !== 'string') return c;
    cand.comments.push(c);
    return { status: 201, json: { id: guid(cand.comments.length, 'c1'), comment: c, is_important: false } };
  });

  async function readDocument(req: FakeRequest): Promise<Doc | FakeResponse> {
    const f = req.form;
    if (!f || !String(req.headers['content-type']).startsWith('multipart/form-data')) return bad('multipart/form-data expected.');
    const file = f.get('file');
    const metaRaw = f.get('metadata');
    if (!(file instanceof Blob)) return bad('file is required.');
    let meta: { file_name?: unknown; document_type?: unknown };
    try {
      meta = JSON.parse(typeof metaRaw === 'string' ? metaRaw : await (metaRaw as Blob).text());
    } catch {
      return bad('metadata must be JSON.');
    }
    const name = String(meta.file_name ?? (file as File).name ?? '');
    if (!name.trim() || /[/\\?:*"<>|]/.test(name)) return bad('Invalid file name.');
    if (!EXTENSIONS.some((e) => name.toLowerCase().endsWith(e))) return bad('Unsupported file type.');
    if (!['Resume', 'Cover Letter', 'Portfolio', 'Other'].includes(String(meta.document_type))) return bad('Invalid document_type.');
    const data = Buffer.from(await file.arrayBuffer());
    if (data.length > MAX_DOC) return bad('Documents can be up to 6 MB.');
    return { id: guid(nextDoc++, 'dd'), name, type: String(meta.document_type), data, created_at: new Date().toISOString() };
  }
  server.route('POST', `${api}/applications/:id/documents`, async (req) => {
    const denied = needs(req, 'recruiting.domain.applications.write');
    if (denied) return denied;
    const a = applications.get(req.params.id);
    if (!a || a.deleted) return { status: 404, json: { message: 'Application not found.' } };
    if (a.documents.length >= 10) return bad('You can upload up to 10 documents per application.');
    const d = await readDocument(req);
    if (!('data' in d)) return d;
    a.documents.push(d);
    return { status: 201, json: docJson(a, d, String(req.headers.host)) };
  });
  server.route('POST', `${api}/candidates/:id/documents`, async (req) => {
    const denied = needs(req, 'recruiting.domain.candidates.write');
    if (denied) return denied;
    const cand = candidates.get(req.params.id);
    if (!cand || cand.deleted) return { status: 404, json: { message: 'Candidate not found.' } };
    const d = await readDocument(req);
    if (!('data' in d)) return d;
    cand.documents.push(d);
    return { status: 201, json: { id: d.id, file_name: d.name, document_type: d.type } };
  });

  await server.start();
  const appsOf = (candidateId: string) => liveApps().filter((a) => a.candidate === candidateId);
  const files = (docs: Doc[]) => docs.map((d) => ({ name: d.name, type: d.type, data: d.data }));

  return {
    tool: 'ukgpro',
    userRemoteIds: () => [],
    tagsFor: () => [],
    applicationStatus: (id: string) => {
      const a = applications.get(id);
      // The application's step is its stage; a disposition is its rejection (nothing here sets one).
      return a && !a.deleted ? { stage: a.step.id, rejected: a.disposition !== null, reason: a.disposition?.id ?? null } : null;
    },
    tenant: TENANT,
    server,
    url: server.url,
    credentials: {
      hostname: 'service2.ultipro.com',
      tenant_alias: TENANT,
      client_id: 'acme-recruiting-client',
      client_secret: 's3cr3t-full',
    },
    badCredentials: {
      hostname: 'service2.ultipro.com',
      tenant_alias: TENANT,
      client_id: 'acme-recruiting-client',
      client_secret: `wrong-${randomBytes(4).toString('hex')}`,
    },
    readOnlyCredentials: {
      hostname: 'service2.ultipro.com',
      tenant_alias: TENANT,
      client_id: 'acme-readonly-client',
      client_secret: 's3cr3t-ro',
    },
    noCandidatesCredentials: {
      hostname: 'service2.ultipro.com',
      tenant_alias: TENANT,
      client_id: 'acme-nocand-client',
      client_secret: 's3cr3t-nc',
    },
    stop: () => server.stop(),
    failNext(count, status) {
      failures = { n: count, status };
    },
    candidateRemoteIds: () => liveCandidates().map((c) => c.id),
    applicationRemoteIds: () => liveApps().map((a) => a.id),
    jobRemoteIds: () => opportunities.map((o) => o.id),
    deleteCandidate(remoteId) {
      const c = candidates.get(remoteId);
      if (c) c.deleted = true;
      for (const a of applications.values()) if (a.candidate === remoteId) a.deleted = true;
    },
    resultTextFor: (candidateId) =>
      [...(candidates.get(candidateId)?.comments ?? []), ...appsOf(candidateId).flatMap((a) => a.comments)].join('\n'),
    filesFor: (candidateId) => [
      ...files(candidates.get(candidateId)?.documents ?? []),
      ...appsOf(candidateId).flatMap((a) => files(a.documents)),
    ],
    peakRate: () => Math.max(0, ...[...windows.values()].map((w) => w.peak)),
    commentsOfCandidate: (id) => [...(candidates.get(id)?.comments ?? [])],
    commentsOfApplication: (id) => [...(applications.get(id)?.comments ?? [])],
    documentsOfApplication: (id) => files(applications.get(id)?.documents ?? []),
    documentsOfCandidate: (id) => files(candidates.get(id)?.documents ?? []),
    applicationsOf: (candidateId) => appsOf(candidateId).map((a) => a.id),
    touchApplication(id, at) {
      const a = applications.get(id);
      if (a) a.updated_at = at;
    },
    tokensIssued: () => issued,
  };
}
