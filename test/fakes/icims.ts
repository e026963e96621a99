/**
 * A fake of iCIMS's REST API, written from the sources in src/connectors/icims/README.md
 * (developer.icims.com: Connecting and Authenticating, Error Handling, Search API, Profiles,
 * Collection Fields, Binary Files, Field Types, the Job/Person/Recruiting Workflow data models;
 * public clients for the token call). iCIMS publishes no machine-readable spec, so the fake
 * checks what the sources state, with their traps:
 * - Token: `POST /oauth/token`, form-encoded client credentials with the API audience; a wrong
 *   client is 401 `{ error: "access_denied" }`. Tokens expire after `expires_in` (option
 *   `tokenLifetimeS`): an expired token is 401, as iCIMS's OAuth server does.
 * - API under `/customers/{customerId}`; an unknown customer is 404.
 * - Errors: every 4xx/5xx carries `X-Error: <code>:<detail>` (or `<code>:<field>:<detail>`) and
 *   `{ errors: [{ errorMessage, errorCode }] }` (Error Handling).
 * - Search: `POST /search/{people|jobs|applicantworkflows}` with `{ filters, operator }`; a search
 *   without filters is refused; at most 1,000 ids per call in ascending order (the trap: more
 *   match than one call returns); `<prefix>.id` and `<prefix>.updateddate` filters with `>`;
 *   dates in `yyyy-mm-dd hh:mm a`. A client outside the Integration User group is 403.
 * - Profiles: `GET /{type}/{id}?fields=…` returns only the named fields that have a value.
 * - `assessmentresults`: POST an entry; `assessmentname` must be a node of the customer's
 *   Assessment Name list (400 naming the field otherwise); notes ≤ 192, result ≤ 128, score a
 *   number, date `yyyy-mm-dd hh:mm a`.
 * - Binary fields: `PATCH /people/{id}/fields/{field}/binary` multipart (204), only on FILE fields
 *   (`resume` and the fake's three custom file fields); GET returns the file with its content type.
 * - Rate limiting: 429 with an X-Error, no Retry-After.
 */
import { randomBytes } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { FakeServer, WindowCounter, bearer, type FakeRequest, type FakeResponse } from './server.ts';
import type { VendorFake } from './types.ts';
import type { ManualTarget } from './webhook-sender.ts';

export interface IcimsFakeOptions {
  candidateCount?: number;
  /** People that are not candidates (no workflow), to push a search past its 1,000 cap. */
  extraPeople?: number;
  rateLimit?: { limit: number; windowMs: number };
  tokenLifetimeS?: number;
  /** Searches answer 400 to `updateddate` filters. */
  updatedFilterRejected?: boolean;
  /** Names in the customer's Assessment Name list. */
  assessmentNames?: string[];
}

export interface IcimsFake extends VendorFake {
  customerId: string;
  /** A client whose API user is not in the Integration User group (Search API 403). */
  noSearchCredentials: Record<string, unknown>;
  /** Credentials without a Person file field. */
  resumeOnlyCredentials: Record<string, unknown>;
  assessmentsOf(workflowId: string): Record<string, unknown>[];
  workflowsOf(personId: string): string[];
  fileOf(personId: string, field: string): { name: string; data: Buffer } | null;
  touchWorkflow(id: string, at: Date): void;
  tokensIssued(): number;
  /** Makes every issued token expire now. */
  expireTokens(): void;
}

const CUSTOMER = '4711';
/** The customer's custom FILE fields on the Person profile (one file each). */
const FILE_FIELDS = ['field3456', 'field3457', 'field3458'];
const AUDIENCE = 'https://api.icims.com/v1/';
const SEARCH_CAP = 1000;
/** Node ids of the Assessment Name list (what an assessment package id names). */
const ASSESSMENT_NODES = new Set(['C31337']);
interface Client {
  secret: string;
  integrationUser: boolean;
}
const CLIENTS: Record<string, Client> = {
  'acme-icims-client': { secret: 's3cr3t-full', integrationUser: true },
  'acme-nosearch-client': { secret: 's3cr3t-ns', integrationUser: false },
};

interface Person {
  id: number;
  firstname: string;
  lastname: string;
  email: string;
  phone: string | null;
  createddate: string;
  updateddate: string;
  deleted?: boolean;
  files: Map<string, { name: string; data: Buffer; contentType: string }>;
}
interface Workflow {
  id: number;
  person: number;
  job: number;
  status: { id: string; value: string };
  createddate: string;
  updateddate: string;
  deleted?: boolean;
  assessments: Record<string, unknown>[];
}

const FIRST = ['Ada', 'Bruno', 'Chloe', 'Dmitri', 'Elena', 'Farah', 'Gus', 'Hana', 'Ivo', 'Jun', 'Kira', 'Luis'];
const LAST = ['Abbott', 'Baker', 'Chen', 'Dubois', 'Engel', 'Fox', 'Grant', 'Hale'];
const STATUSES = [
  { id: 'C2001', value: 'Candidate: Reviewed' },
  { id: 'C2002', value: 'Candidate: Interview' },
  { id: 'C2003', value: 'Offer: Hired' },
  { id: 'C2004', value: 'Candidate: Rejected' },
];

/** iCIMS DATETIME: UTC `yyyy-mm-dd hh:mm a` (Field Types). */
export function icimsDate(d: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  const h = d.getUTCHours();
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(h % 12 || 12)}:${pad(d.getUTCMinutes())} ${h < 12 ? 'AM' : 'PM'}`;
}
function parseIcimsDate(s: string): number | null {
  const m = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}) (AM|PM)$/.exec(s);
  if (!m) return null;
  const h = (Number(m[4]) % 12) + (m[6] === 'PM' ? 12 : 0);
  return Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), h, Number(m[5]));
}

/** An iCIMS error: X-Error header plus the `errors` body (Error Handling). */
function error(status: number, code: number, detail: string, field?: string): FakeResponse {
  return {
    status,
    headers: { 'x-error': field ? `${code}:${field}:${detail}` : `${code}:${detail}` },
    json: { errors: [{ errorMessage: field ? `${field}: ${detail}` : detail, errorCode: code }] },
  };
}

export async function startIcimsFake(opts: IcimsFakeOptions = {}): Promise<IcimsFake> {
  const server = new FakeServer({ provenance: 'icims' });
  const rate = opts.rateLimit ?? { limit: 20, windowMs: 1000 };
  const api = `/customers/${CUSTOMER}`;
  const assessmentNames = new Set(opts.assessmentNames ?? ['Acme Cognitive Test']);

  const jobs = [
    { id: 11, jobtitle: 'Warehouse Associate', jobid: '2026-1001', folder: { id: 'D1', value: 'Approved' }, dept: 'Logistics' },
    { id: 12, jobtitle: 'Payroll Analyst', jobid: '2026-1002', folder: { id: 'D2', value: 'Closed (Filled)' }, dept: 'Finance' },
    { id: 13, jobtitle: 'Store Manager', jobid: '2026-1003', folder: { id: 'D3', value: 'Draft' }, dept: 'Retail' },
  ];
  const people = new Map<number, Person>();
  const workflows = new Map<number, Workflow>();
  const n = opts.candidateCount ?? 24;
  const extra = opts.extraPeople ?? 0;
  for (let i = 0; i < n + extra; i++) {
    const id = 100 + i;
    const created = icimsDate(new Date(Date.UTC(2026, 9, 1) + i * 3_600_000));
    const files = new Map<string, { name: string; data: Buffer; contentType: string }>();
    if (i % 3 === 0 && i < n)
      files.set('resume', { name: `resume-${i}.pdf`, data: Buffer.from(`%PDF-1.4 resume ${i} %%EOF`), contentType: 'application/pdf' });
    people.set(id, {
      id,
      firstname: FIRST[i % FIRST.length],
      lastname: LAST[i % LAST.length],
      email: `person${i}@example.com`,
      phone: i % 2 ? `+1 732 555 01${String(i % 100).padStart(2, '0')}` : null,
      createddate: created,
      updateddate: created,
      files,
    });
    if (i >= n) continue;
    const count = i % 5 === 0 ? 2 : 1;
    for (let k = 0; k < count; k++) {
      const wid = 5000 + i * 10 + k;
      workflows.set(wid, {
        id: wid,
        person: id,
        job: jobs[(i + k) % jobs.length].id,
        status: STATUSES[(i + k) % STATUSES.length],
        createddate: created,
        updateddate: created,
        assessments: [],
      });
    }
  }

  // ------------------------------------------------------------------------------------------
  // Auth, throttling, faults
  // ------------------------------------------------------------------------------------------
  const tokens = new Map<string, { client: string; expires: number }>();
  let issued = 0;
  const windows = new Map<string, WindowCounter>();
  let failures: { n: number; status: 429 | 500 | 503 } | null = null;

  server.before = (req) => {
    if (failures && failures.n > 0 && req.path !== '/oauth/token') {
      failures.n--;
      if (failures.status === 429) return error(429, 7, 'Rate limit exceeded.');
      return error(failures.status, 0, failures.status === 503 ? 'Service Unavailable' : 'Internal Server Error');
    }
    if (req.path === '/oauth/token') return undefined;
    const token = bearer(req);
    const t = token ? tokens.get(token) : undefined;
    if (!t || t.expires <= Date.now()) return error(401, 3, 'Invalid or expired access token.');
    let w = windows.get(t.client);
    if (!w) windows.set(t.client, (w = new WindowCounter(rate.limit, rate.windowMs)));
    if (w.hit().over) return error(429, 7, 'Rate limit exceeded.');
    if (!req.path.startsWith(`${api}/`)) return error(404, 2, 'Customer not found.');
    (req as FakeRequest & { client?: string }).client = t.client;
    return undefined;
  };
  const clientOf = (req: FakeRequest) => CLIENTS[(req as FakeRequest & { client?: string }).client!];

  server.route('POST', '/oauth/token', (req) => {
    const f = req.form;
    if (!f || !String(req.headers['content-type']).includes('application/x-www-form-urlencoded'))
      return { status: 400, json: { error: 'invalid_request', error_description: 'form-encoded body expected' } };
    if (f.get('grant_type') !== 'client_credentials') return { status: 400, json: { error: 'unsupported_grant_type' } };
    if (f.get('audience') !== AUDIENCE) return { status: 403, json: { error: 'access_denied', error_description: 'Service not found' } };
    const id = String(f.get('client_id') ?? '');
    const c = CLIENTS[id];
    if (!c || f.get('client_secret') !== c.secret)
      return { status: 401, json: { error: 'access_denied', error_description: 'Unauthorized' } };
    const token = `icims_${randomBytes(12).toString('hex')}`;
    const lifetime = opts.tokenLifetimeS ?? 1800;
    tokens.set(token, { client: id, expires: Date.now() + lifetime * 1000 });
    issued++;
    return { json: { access_token: token, token_type: 'Bearer', expires_in: lifetime } };
  });

  // ------------------------------------------------------------------------------------------
  // Search
  // ------------------------------------------------------------------------------------------
  const livePeople = () => [...people.values()].filter((p) => !p.deleted);
  const liveWorkflows = () => [...workflows.values()].filter((w) => !w.deleted);
  const PREFIX: Record<string, string> = { people: 'person', jobs: 'job', applicantworkflows: 'applicantworkflow' };

  server.route('POST', `${api}/search/:type`, (req) => {
    const type = req.params.type;
    if (!PREFIX[type]) return error(404, 2, 'Unknown search type.');
    if (!clientOf(req).integrationUser) return error(403, 5, 'User is not part of the Integration User group.');
    const body = req.json;
    const filters: { name?: unknown; value?: unknown; operator?: unknown }[] = Array.isArray(body?.filters) ? body.filters : [];
    if (!filters.length) return error(400, 1, 'At least one filter is required.', 'filters');
    let rows: { id: number; updated: string }[] =
      type === 'people'
        ? livePeople().map((p) => ({ id: p.id, updated: p.updateddate }))
        : type === 'jobs'
          ? jobs.map((j) => ({ id: j.id, updated: '2026-09-01 12:00 PM' }))
          : liveWorkflows().map((w) => ({ id: w.id, updated: w.updateddate }));
    for (const f of filters) {
      const value = Array.isArray(f.value) ? String(f.value[0] ?? '') : '';
      if (f.name === `${PREFIX[type]}.id`) {
        if (f.operator !== '>' || !/^\d+$/.test(value)) return error(400, 1, 'Invalid id filter.', String(f.name));
        rows = rows.filter((r) => r.id > Number(value));
      } else if (f.name === `${PREFIX[type]}.updateddate`) {
        if (opts.updatedFilterRejected) return error(400, 1, 'Field cannot be searched.', String(f.name));
        const t = parseIcimsDate(value);
        if (t === null || f.operator !== '>') return error(400, 1, 'Invalid date, expected yyyy-mm-dd hh:mm a.', String(f.name));
        rows = rows.filter((r) => (parseIcimsDate(r.updated) ?? 0) > t);
      } else return error(400, 1, 'Unknown search field.', String(f.name));
    }
    rows.sort((a, b) => a.id - b.id);
    const host = String(req.headers.host);
    return {
      json: { searchResults: rows.slice(0, SEARCH_CAP).map((r) => ({ self: `https://${host}${api}/${type}/${r.id}`, id: r.id })) },
    };
  });

  // ------------------------------------------------------------------------------------------
  // Profiles
  // ------------------------------------------------------------------------------------------
  /** Only the named fields that have a value (Profiles: "In order to be returned … Have a value"). */
  function pick(all: Record<string, unknown>, req: FakeRequest): FakeResponse {
    const named = (req.query.get('fields') ?? '').split(',').filter(Boolean);
    const keys = named.length ? named : Object.keys(all);
    const out: Record<string, unknown> = {};
    for (const k of keys) if (all[k] !== undefined && all[k] !== null && all[k] !== '') out[k] = all[k];
    return { json: out };
  }
  server.route('GET', `${api}/jobs/:id`, (req) => {
    const j = jobs.find((x) => String(x.id) === req.params.id);
    if (!j) return error(404, 2, 'Job not found.');
    return pick(
      {
        jobtitle: j.jobtitle,
        jobid: j.jobid,
        folder: j.folder,
        department: { id: `D${j.id}`, value: j.dept },
        location: { id: 77, value: 'Holmdel, NJ', profile: `${api}/companies/77` },
        createddate: '2026-08-01 09:00 AM',
        updateddate: '2026-09-01 12:00 PM',
      },
      req,
    );
  });
  server.route('GET', `${api}/people/:id`, (req) => {
    const p = people.get(Number(req.params.id));
    if (!p || p.deleted) return error(404, 2, 'Person not found.');
    const fileValue = (field: string) => {
      const f = p.files.get(field);
      return f ? { file: f.name, url: `https://${req.headers.host}${api}/people/${p.id}/fields/${field}/binary` } : undefined;
    };
    return pick(
      {
        firstname: p.firstname,
        lastname: p.lastname,
        email: p.email,
        phones: p.phone ? [{ entry: 1, phonetype: { id: 'D84002', value: 'Mobile' }, phonenumber: p.phone }] : undefined,
        addresses: [
          {
            entry: 2,
            addressstreet1: '101 Crawfords Corner Rd',
            addresscity: 'Holmdel',
            addressstate: { id: 'D41001', value: 'NJ' },
            addresszip: '07733',
            addresscountry: { id: 'D41000', value: 'United States' },
          },
        ],
        resume: fileValue('resume'),
        ...Object.fromEntries(FILE_FIELDS.map((f) => [f, fileValue(f)])),
        createddate: p.createddate,
        updateddate: p.updateddate,
      },
      req,
    );
  });
  server.route('GET', `${api}/applicantworkflows/:id`, (req) => {
    const w = workflows.get(Number(req.params.id));
    if (!w || w.deleted) return error(404, 2, 'Recruiting Workflow not found.');
    const p = people.get(w.person)!;
    const j = jobs.find((x) => x.id === w.job)!;
    return pick(
      {
        baseprofile: { id: j.id, value: j.jobtitle, profile: `${api}/jobs/${j.id}` },
        associatedprofile: { id: p.id, value: `${p.lastname}, ${p.firstname}`, profile: `${api}/people/${p.id}` },
        status: w.status,
        assessmentresults: w.assessments.length ? w.assessments : undefined,
        createddate: w.createddate,
        updateddate: w.updateddate,
      },
      req,
    );
  });

  // ------------------------------------------------------------------------------------------
  // Writes
  // ------------------------------------------------------------------------------------------
  server.route('POST', `${api}/applicantworkflows/:id/fields/assessmentresults`, (req) => {
    const w = workflows.get(Number(req.params.id));
    if (!w || w.deleted) return error(404, 2, 'Recruiting Workflow not found.');
    if (!String(req.headers['content-type']).includes('application/json')) return error(400, 1, 'Content-Type: application/json required.');
    const e = req.json as Record<string, unknown> | undefined;
    if (!e || typeof e !== 'object') return error(400, 1, 'A JSON object is required.');
    const allowed = [
      'assessmentname',
      'assessmentnotes',
      'assessmentresult',
      'assessmentscore',
      'assessmentstatus',
      'assessmentdate',
      'assessmenturl',
    ];
    for (const k of Object.keys(e)) if (!allowed.includes(k)) return error(400, 4, 'Unknown field.', k);
    if (e.assessmentname !== undefined) {
      // A list field takes a node by its display value or by its id (Field Types, LISTEDITOR_SINGLE).
      const { value, id } = (e.assessmentname ?? {}) as { value?: unknown; id?: unknown };
      const known = typeof id === 'string' ? ASSESSMENT_NODES.has(id) : typeof value === 'string' && assessmentNames.has(value);
      if (!known) return error(400, 6, 'Value is not in the list.', 'assessmentname');
    }
    if (e.assessmentnotes !== undefined && (typeof e.assessmentnotes !== 'string' || e.assessmentnotes.length > 192))
      return error(400, 8, 'Value exceeds the maximum length of 192.', 'assessmentnotes');
    if (e.assessmentresult !== undefined && (typeof e.assessmentresult !== 'string' || e.assessmentresult.length > 128))
      return error(400, 8, 'Value exceeds the maximum length of 128.', 'assessmentresult');
    if (e.assessmentscore !== undefined && typeof e.assessmentscore !== 'number')
      return error(400, 1, 'A decimal is expected.', 'assessmentscore');
    if (e.assessmentdate !== undefined && parseIcimsDate(String(e.assessmentdate)) === null)
      return error(400, 1, 'Invalid date, expected yyyy-mm-dd hh:mm a.', 'assessmentdate');
    const entry = w.assessments.length + 1;
    w.assessments.push({ entry, ...e });
    w.updateddate = icimsDate(new Date());
    return {
      status: 201,
      headers: { location: `https://${req.headers.host}${api}/applicantworkflows/${w.id}/fields/assessmentresults/${entry}` },
    };
  });

  server.route('PATCH', `${api}/people/:id/fields/:field/binary`, async (req) => {
    const p = people.get(Number(req.params.id));
    if (!p || p.deleted) return error(404, 2, 'Person not found.');
    if (req.params.field !== 'resume' && !FILE_FIELDS.includes(req.params.field))
      return error(400, 9, 'Field is not a File type.', req.params.field);
    const f = req.form;
    if (!f || !String(req.headers['content-type']).startsWith('multipart/form-data')) return error(400, 1, 'multipart/form-data expected.');
    let part: File | undefined;
    f.forEach((v) => {
      if (!part && v instanceof Blob) part = v as File;
    });
    if (!part) return error(400, 1, 'A file is required.');
    const data = Buffer.from(await part.arrayBuffer());
    p.files.set(req.params.field, { name: part.name || 'file', data, contentType: part.type || 'application/octet-stream' });
    p.updateddate = icimsDate(new Date());
    return { status: 204 };
  });
  server.route('GET', `${api}/people/:id/fields/:field/binary`, (req) => {
    const p = people.get(Number(req.params.id));
    if (!p || p.deleted) return error(404, 2, 'Person not found.');
    const f = p.files.get(req.params.field);
    if (!f) return error(404, 2, 'File not found.', req.params.field);
    return { headers: { 'content-type': f.contentType, 'content-disposition': `attachment; filename="${f.name}"` }, body: f.data };
  });

  await server.start();
  const workflowsOf = (personId: string) => liveWorkflows().filter((w) => String(w.person) === personId);
  // Event notifications [IC-EV]: configured on the Platform's Event Notifications page (no API), so
  // the fake posts to the URL a test names: Status Flow Update, gzip'd JSON [IC-EVBP], Basic
  // authentication with the configured password (`manual.secret`), the payload of [IC-WSU].
  let lastDelivery: { url: string; headers: Record<string, string>; body: Buffer } | null = null;
  const deliver = async (d: { url: string; headers: Record<string, string>; body: Buffer }) => {
    lastDelivery = d;
    const res = await fetch(d.url, { method: 'POST', headers: d.headers, body: new Uint8Array(d.body) });
    await res.body?.cancel().catch(() => undefined);
    return [res.status];
  };
  const statusFlowUpdate = async (personId: string, manual: ManualTarget | undefined): Promise<number[]> => {
    const w = workflowsOf(personId)[0];
    if (!w || !manual) return [];
    const oldStatus = w.status.id;
    w.status = oldStatus === STATUSES[1].id ? STATUSES[0] : STATUSES[1]; // Reviewed ⇄ Interview
    w.updateddate = icimsDate(new Date());
    const base = `https://api.icims.com/customers/${CUSTOMER}`;
    const event = {
      newStatus: w.status.id,
      oldStatus,
      customerId: CUSTOMER,
      jobId: String(w.job),
      userId: '1566',
      personId: String(w.person),
      systemId: String(w.id),
      eventType: 'WorkFlowStatusChangeEvent',
      links: [
        { rel: 'applicantWorkflow', title: 'Applicant Workflow', url: `${base}/applicantworkflows/${w.id}` },
        { rel: 'person', title: 'Person Profile', url: `${base}/people/${w.person}` },
        { rel: 'job', title: 'Job Profile', url: `${base}/jobs/${w.job}` },
      ],
    };
    return deliver({
      url: manual.url,
      headers: {
        'content-type': 'application/json',
        'content-encoding': 'gzip',
        authorization: 'Basic ' + Buffer.from(`atsgate:${manual.secret}`).toString('base64'),
      },
      body: gzipSync(Buffer.from(JSON.stringify(event))),
    });
  };
  const base = { customer_id: CUSTOMER, client_id: 'acme-icims-client' };
  return {
    tool: 'icims',
    userRemoteIds: () => [],
    tagsFor: () => [],
    applicationStatus: (id: string) => {
      const w = workflows.get(Number(id));
      // iCIMS keeps a workflow's stage as its status list value; nothing here moves or rejects one.
      return w && !w.deleted ? { stage: w.status.id, rejected: /reject|declin|withdr/i.test(w.status.value), reason: null } : null;
    },
    customerId: CUSTOMER,
    server,
    url: server.url,
    credentials: { ...base, client_secret: 's3cr3t-full', file_fields: FILE_FIELDS.join(', ') },
    badCredentials: { ...base, client_secret: `wrong-${randomBytes(4).toString('hex')}` },
    noSearchCredentials: { customer_id: CUSTOMER, client_id: 'acme-nosearch-client', client_secret: 's3cr3t-ns' },
    resumeOnlyCredentials: { ...base, client_secret: 's3cr3t-full' },
    stop: () => server.stop(),
    failNext(count, status) {
      failures = { n: count, status };
    },
    candidateRemoteIds: () => livePeople().map((p) => String(p.id)),
    webhooks: {
      registered: () => [],
      changeCandidate: (personId, manual) => statusFlowUpdate(personId, manual),
      redeliverLast: async () => (lastDelivery ? deliver(lastDelivery) : []),
    },
    applicationRemoteIds: () => liveWorkflows().map((w) => String(w.id)),
    jobRemoteIds: () => jobs.map((j) => String(j.id)),
    deleteCandidate(remoteId) {
      const p = people.get(Number(remoteId));
      if (p) p.deleted = true;
      for (const w of workflows.values()) if (String(w.person) === remoteId) w.deleted = true;
    },
    resultTextFor: (candidateId) =>
      workflowsOf(candidateId)
        .flatMap((w) => w.assessments)
        .map((a) => JSON.stringify(a))
        .join('\n'),
    filesFor: (candidateId) =>
      [...(people.get(Number(candidateId))?.files.entries() ?? [])].map(([field, f]) => ({
        name: f.name,
        type: field === 'resume' ? 'resume' : 'file field',
        data: f.data,
      })),
    peakRate: () => Math.max(0, ...[...windows.values()].map((w) => w.peak)),
    assessmentsOf: (id) => [...(workflows.get(Number(id))?.assessments ?? [])],
    workflowsOf: (personId) => workflowsOf(personId).map((w) => String(w.id)),
    fileOf: (personId, field) => {
      const f = people.get(Number(personId))?.files.get(field);
      return f ? { name: f.name, data: f.data } : null;
    },
    touchWorkflow(id, at) {
      const w = workflows.get(Number(id));
      if (w) w.updateddate = icimsDate(at);
    },
    tokensIssued: () => issued,
    expireTokens() {
      for (const t of tokens.values()) t.expires = 0;
    },
  };
}
