/**
 * A fake SmartRecruiters Customer API (https://api.smartrecruiters.com) for tests, written from
 * SmartRecruiters' spec (test/specs/smartrecruiters/, rebuilt from the two SDKs generated from
 * it; see PROVENANCE.md there) and its rate-limiting page, not from the connector. Every request
 * and JSON response is validated against that spec, and every request must have a row in the
 * connector's README provenance table.
 *
 * Modelled: `X-SmartToken` auth; the ErrorResponse body (`{ message, errors: [{ code, message }] }`);
 * `limit` + `pageId`/`nextPageId` paging (plus `Link: <...>; rel="next"` on candidates);
 * `updatedAfter`; the rate limit (10 requests per second per credential, one concurrent
 * `GET /candidates`, 429 with X-RateLimit-* headers and no Retry-After) [docs/rate-limiting].
 *
 * The spec's traps, as the spec states them:
 *  - `GET /jobs` items are JobSummary: no `typeOfEmployment`, no `function` (only `GET /jobs/{id}`);
 *  - `GET /candidates` items' `secondaryAssignments[]` carry only `job`; their status is on
 *    `GET /candidates/{id}` (CandidateDetails) and `GET /candidates/{id}/jobs/{jobId}` (Application);
 *  - the attachment download declares no body: the fake answers with the bytes or with a
 *    redirect to a storage host on another origin (`downloadMode`), since either is plausible.
 * Undocumented, so switchable: an upload size limit (`maxFileBytes`) and a property that the
 * batch PUT refuses (`refusedProperties`).
 */
import { fileURLToPath } from 'node:url';
import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import { FakeServer, WindowCounter, type FakeRequest, type FakeResponse, type Handler } from './server.ts';
import { SubscriptionList, type FakeVendorWebhooks } from './webhook-sender.ts';
import { SpecCheck } from './spec-check.ts';
import type { VendorFake } from './types.ts';

const SPEC_FILE = fileURLToPath(new URL('../specs/smartrecruiters/customer-api.json', import.meta.url));

export interface SmartRecruitersFakeOptions {
  apiKey?: string;
  /** Largest page the fake returns whatever `limit` asks (the vendor's cap is 100). */
  maxLimit?: number;
  /** Retry-After seconds on 429s; SmartRecruiters documents none, so unset by default. */
  retryAfterSeconds?: number;
  rateLimit?: { requests: number; perMs: number };
}

interface Job {
  id: string;
  title: string;
  refNumber: string;
  createdOn: string;
  updatedOn: string;
  status: string;
  postingStatus: string;
  department: { id: string; label: string };
  location: { city: string; country: string; countryCode: string; region: string };
  /** JobDetails only (not on the JobSummary list item). */
  typeOfEmployment: { id: string; label: string };
  function: { id: string; label: string };
}
interface Assignment {
  jobId: string;
  status: string;
  subStatus: string | null;
  /** The rejection reason id a REJECTED status was set with (PUT …/status `reason`). */
  reason?: string | null;
}
interface Candidate {
  id: string;
  firstName: string;
  lastName: string;
  email: string;
  phoneNumber: string;
  createdOn: string;
  updatedOn: string;
  location: { city: string; country: string; countryCode: string };
  tags: string[];
  web: { linkedin?: string };
  assignments: Assignment[];
}
interface PropertyDef {
  id: string;
  label: string;
  type: string;
  values?: { id: string; label: string }[];
}
interface Note {
  id: string;
  content: string;
  shareWith: unknown;
  candidateIds: string[];
}
interface StoredFile {
  id: string;
  name: string;
  type: string;
  contentType: string;
  data: Buffer;
  createdOn: string;
}

export interface SmartRecruitersFake extends VendorFake {
  jobs: Job[];
  candidates: Map<string, Candidate>;
  propertyDefinitions: PropertyDef[];
  /** `${candidateId}:${jobId}` → propertyId → value, as stored by the batch PUT. */
  propertyValues: Map<string, Map<string, unknown>>;
  notes: Note[];
  files: Map<string, StoredFile[]>;
  /** Credentials whose key exists but may not read jobs (403). */
  limitedCredentials: Record<string, unknown>;
  /** Property values on one application, keyed by property label. */
  propertiesOn(candidateId: string, jobId: string): Record<string, unknown>;
  /** How `GET /candidates/{id}/attachments/{attachmentId}` answers (undocumented, so both). */
  downloadMode: 'bytes' | 'redirect';
  /** The storage host a `redirect` download points to (another origin); its journal shows what it got. */
  storage: FakeServer;
  /** Largest upload accepted (undocumented for this endpoint); above it the fake answers 413. */
  maxFileBytes: number;
  /** Property ids the batch PUT refuses (400), as a job whose configuration excludes them might. */
  refusedProperties: Set<string>;
}

const STATUSES = ['NEW', 'IN_REVIEW', 'INTERVIEW', 'OFFERED', 'HIRED', 'REJECTED', 'WITHDRAWN', 'LEAD'];
const ATTACHMENT_TYPES = ['GENERIC_FILE', 'RESUME', 'COVER_LETTER'];
/** Secondary applications get statuses that matter (outcomes), so losing them shows. */
const SECONDARY_STATUSES = ['HIRED', 'REJECTED', 'INTERVIEW', 'NEW'];

const uuid = (kind: number, n: number) => `${kind.toString(16).padStart(8, '0')}-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;
const day = (base: string, days: number, hours = 0) => new Date(Date.parse(base) + days * 86_400_000 + hours * 3_600_000).toISOString();

/** The vendor's error body. */
function error(status: number, code: string, message: string): FakeResponse {
  const titles: Record<number, string> = {
    400: 'Bad Request',
    401: 'Unauthorized',
    403: 'Forbidden',
    404: 'Not Found',
    415: 'Unsupported Media Type',
    429: 'Too Many Requests',
    500: 'Internal Server Error',
    503: 'Service Unavailable',
  };
  return { status, json: { message: titles[status] ?? 'Error', errors: [{ code, message }] } };
}

export async function startSmartRecruitersFake(opts: SmartRecruitersFakeOptions = {}): Promise<SmartRecruitersFake> {
  const apiKey = opts.apiKey ?? 'sr-test-key-0123456789abcdef0123';
  const limitedKey = 'sr-limited-key-without-job-access';
  const maxLimit = opts.maxLimit ?? 100;
  const rate = opts.rateLimit ?? { requests: 10, perMs: 1000 };
  const server = new FakeServer({
    provenance: 'smartrecruiters',
    // The Webhooks Subscription API is a separate spec SmartRecruiters does not publish as a file;
    // its routes below follow the vendor's docs and demo client (see their comments).
    spec: SpecCheck.fromFile(SPEC_FILE, { label: 'SmartRecruiters spec', strictPaths: true, ignorePaths: [/^\/webhooks-api\//] }),
  });
  const storage = new FakeServer();
  // SmartRecruiters counts the rate per credential (docs/rate-limiting), so one window per key.
  const windows = new Map<string, WindowCounter>();
  let peak = 0;
  const remainingFor = new WeakMap<FakeRequest, number>();
  let failures: { n: number; status: 429 | 500 | 503 } = { n: 0, status: 500 };
  let candidatesInFlight = 0;
  let nextId = 1;

  // ---- seed ---------------------------------------------------------------------------------
  const departments = ['Engineering', 'Sales', 'Operations'];
  const users = [
    {
      id: 'u-admin-1',
      firstName: 'Ann',
      lastName: 'Admin',
      email: 'ann@acme.test',
      systemRole: { id: 'ADMINISTRATOR', name: 'Administrator' },
      language: { code: 'en' },
      active: true,
      updatedOn: '2026-03-01T10:00:00.000Z',
    },
    {
      id: 'u-std-2',
      firstName: 'Stan',
      lastName: 'Standard',
      email: 'stan@acme.test',
      systemRole: { id: 'STANDARD', name: 'Standard' },
      language: { code: 'de' },
      active: true,
      updatedOn: '2026-03-02T10:00:00.000Z',
    },
    {
      id: 'u-gone-3',
      firstName: 'Greta',
      lastName: 'Gone',
      email: 'greta@acme.test',
      systemRole: { id: 'RESTRICTED', name: 'Restricted' },
      language: { code: 'en' },
      active: false,
      updatedOn: '2026-03-03T10:00:00.000Z',
    },
  ];
  const jobs: Job[] = Array.from({ length: 25 }, (_, i) => ({
    id: uuid(0x10b, i + 1),
    title: ['Backend Engineer', 'Account Executive', 'Warehouse Lead'][i % 3] + (i >= 3 ? ` ${i}` : ''),
    refNumber: `REF-${String(i + 1).padStart(3, '0')}`,
    createdOn: day('2025-10-01T09:00:00.000Z', i),
    updatedOn: day('2025-11-01T09:00:00.000Z', i),
    status: i === 3 ? 'CREATED' : i === 4 ? 'FILLED' : 'SOURCING',
    postingStatus: i === 3 ? 'NOT_PUBLISHED' : i === 5 ? 'INTERNAL' : 'PUBLIC',
    department: { id: `dep-${i % 3}`, label: departments[i % 3] },
    location: {
      city: ['Berlin', 'Krakow', 'London'][i % 3],
      country: ['Germany', 'Poland', 'United Kingdom'][i % 3],
      countryCode: ['de', 'pl', 'gb'][i % 3],
      region: ['Berlin', 'Lesser Poland', 'England'][i % 3],
    },
    typeOfEmployment: i % 2 ? { id: 'part-time', label: 'Part-time' } : { id: 'permanent', label: 'Full-time' },
    function: { id: ['engineering', 'sales', 'operations'][i % 3], label: ['Engineering', 'Sales', 'Operations'][i % 3] },
  }));
  const candidates = new Map<string, Candidate>();
  for (let i = 0; i < 32; i++) {
    const id = uuid(0xca0, i + 1);
    const assignments: Assignment[] = [
      { jobId: jobs[i % 3].id, status: STATUSES[i % STATUSES.length], subStatus: i % 4 === 0 ? 'Phone screen' : null },
    ];
    if (i % 5 === 0)
      assignments.push({ jobId: jobs[(i + 1) % 3].id, status: SECONDARY_STATUSES[(i / 5) % SECONDARY_STATUSES.length], subStatus: null });
    candidates.set(id, {
      id,
      firstName: `First${i + 1}`,
      lastName: `Last${i + 1}`,
      email: `candidate${i + 1}@example.com`,
      phoneNumber: `+49 30 5550${String(i + 1).padStart(3, '0')}`,
      createdOn: day('2025-12-01T08:00:00.000Z', 0, i),
      updatedOn: day('2026-01-01T12:00:00.000Z', i),
      location: { city: 'Berlin', country: 'Germany', countryCode: 'de' },
      tags: i % 2 ? ['fluent english'] : [],
      web: i % 3 === 0 ? { linkedin: `https://www.linkedin.com/in/candidate${i + 1}` } : {},
      assignments,
    });
  }
  const propertyDefinitions: PropertyDef[] = [
    { id: 'prop-acme-score', label: 'Acme: Score', type: 'TEXT' },
    { id: 'prop-acme-percentile', label: 'Acme: Percentile', type: 'PERCENT' },
    {
      id: 'prop-acme-level',
      label: 'Acme: Level',
      type: 'SINGLE_SELECT',
      values: [
        { id: 'lvl-junior', label: 'Junior' },
        { id: 'lvl-senior', label: 'Senior' },
      ],
    },
    { id: 'prop-salary', label: 'Salary expectation', type: 'CURRENCY' },
  ];
  const propertyValues = new Map<string, Map<string, unknown>>();
  const notes: Note[] = [];
  const files = new Map<string, StoredFile[]>();

  // ---- cross-cutting: faults, rate limit, auth (docs/rate-limiting, docs/api-key) -----------
  const rateHeaders = (remaining: number): Record<string, string> => ({
    'X-RateLimit-Limit': String(rate.requests),
    'X-RateLimit-Remaining': String(Math.max(0, remaining)),
    'X-RateLimit-Concurrent-Limit': '8',
    'X-RateLimit-Concurrent-Remaining': '8',
  });
  const tooMany = (extra: Record<string, string> = {}): FakeResponse => ({
    ...error(429, 'TOO_MANY_REQUESTS', 'Rate limit exceeded'),
    headers: {
      ...rateHeaders(0),
      ...(opts.retryAfterSeconds !== undefined ? { 'Retry-After': String(opts.retryAfterSeconds) } : {}),
      ...extra,
    },
  });

  server.before = (req) => {
    const key = String(req.headers['x-smarttoken'] ?? '');
    if (!windows.has(key)) windows.set(key, new WindowCounter(rate.requests, rate.perMs));
    const hit = windows.get(key)!.hit();
    peak = Math.max(peak, hit.count);
    remainingFor.set(req, rate.requests - hit.count);
    if (failures.n > 0) {
      failures.n--;
      if (failures.status === 429) return tooMany();
      return error(failures.status, failures.status === 503 ? 'SERVICE_UNAVAILABLE' : 'INTERNAL_ERROR', 'Something went wrong on our side');
    }
    if (hit.over) return tooMany();
    const token = req.headers['x-smarttoken'];
    if (token !== apiKey && token !== limitedKey) return error(401, 'UNAUTHORIZED', 'Invalid or missing X-SmartToken');
    if (token === limitedKey && req.path.startsWith('/jobs'))
      return error(403, 'FORBIDDEN', 'Access denied: this credential lacks permission to read jobs');
    return undefined;
  };

  /** Registers a route whose responses carry the documented X-RateLimit-* headers. */
  const route = (method: string, path: string, handler: Handler) =>
    server.route(method, path, async (req) => {
      const res = await handler(req);
      return { ...res, headers: { ...rateHeaders(remainingFor.get(req) ?? rate.requests), ...res.headers } };
    });

  // ---- paging helpers -----------------------------------------------------------------------
  const encodePage = (offset: number) => Buffer.from(`o:${offset}`).toString('base64url');
  function pageParams(req: FakeRequest): { limit: number; offset: number; updatedAfter: number | null } | FakeResponse {
    const rawLimit = req.query.get('limit');
    const limit = rawLimit === null ? 10 : Number(rawLimit);
    if (!Number.isInteger(limit) || limit < 1 || limit > 100)
      return error(400, 'INVALID_PARAMETER', 'limit must be an integer between 1 and 100');
    let offset = 0;
    const pageId = req.query.get('pageId');
    if (pageId !== null) {
      const m = /^o:(\d+)$/.exec(Buffer.from(pageId, 'base64url').toString('utf8'));
      if (!m) return error(400, 'INVALID_PARAMETER', 'Invalid pageId');
      offset = Number(m[1]);
    }
    const ua = req.query.get('updatedAfter');
    const updatedAfter = ua === null ? null : Date.parse(ua);
    if (updatedAfter !== null && Number.isNaN(updatedAfter))
      return error(400, 'INVALID_PARAMETER', 'updatedAfter must be an ISO8601 date-time');
    return { limit: Math.min(limit, maxLimit), offset, updatedAfter };
  }
  function page<T>(items: T[], p: { limit: number; offset: number }) {
    const content = items.slice(p.offset, p.offset + p.limit);
    const more = p.offset + p.limit < items.length;
    return {
      content,
      nextPageId: more ? encodePage(p.offset + p.limit) : undefined,
      body: {
        limit: p.limit,
        offset: p.offset,
        totalFound: items.length,
        ...(more ? { nextPageId: encodePage(p.offset + p.limit) } : {}),
        content,
      },
    };
  }

  // ---- views (shapes from the spec: JobSummary, JobDetails, Candidate, CandidateDetails, ...) -----
  const jobById = (id: string) => jobs.find((j) => j.id === id);
  const action = (path: string) => ({ url: `${server.url}${path}`, method: 'GET' });
  const jobSummary = (j: Job) => ({
    id: j.id,
    title: j.title,
    refNumber: j.refNumber,
    createdOn: j.createdOn,
    updatedOn: j.updatedOn,
    status: j.status,
    postingStatus: j.postingStatus,
    department: j.department,
    location: j.location,
    actions: { details: action(`/jobs/${j.id}`) },
  });
  const jobDetails = (j: Job) => {
    const { actions, ...summary } = jobSummary(j);
    return { ...summary, typeOfEmployment: j.typeOfEmployment, function: j.function, actions: { details: actions.details } };
  };
  const subStatus = (a: Assignment) => (a.subStatus === null ? {} : { subStatus: a.subStatus });
  /** The list item's primaryAssignment (CandidatePrimaryAssignment): job, status, subStatus. */
  const primaryView = (a: Assignment) => ({
    job: { id: a.jobId, title: jobById(a.jobId)?.title ?? '', actions: { details: action(`/jobs/${a.jobId}`) } },
    status: a.status,
    ...subStatus(a),
  });
  /** The list item's secondaryAssignments[] (CandidateSecondaryAssignments): the job, nothing else. */
  const secondaryView = (a: Assignment) => ({ job: { id: a.jobId, actions: { details: action(`/jobs/${a.jobId}`) } } });
  /** CandidateDetails' assignments (Assignment): job and status. */
  const assignmentView = (a: Assignment) => ({
    job: { id: a.jobId, title: jobById(a.jobId)?.title ?? '', actions: { details: action(`/jobs/${a.jobId}`) } },
    status: a.status,
    ...subStatus(a),
    // Assignment.reasonOfRejection (ModelProperty {id, label}): the reason a REJECTED status was set with.
    ...(a.status === 'REJECTED' && a.reason ? { reasonOfRejection: { id: a.reason, label: reasonLabel(a.reason) } } : {}),
  });
  const candidateListItem = (c: Candidate) => ({
    id: c.id,
    internal: false,
    firstName: c.firstName,
    lastName: c.lastName,
    email: c.email,
    createdOn: c.createdOn,
    updatedOn: c.updatedOn,
    location: c.location,
    averageRating: 0,
    tags: c.tags,
    primaryAssignment: primaryView(c.assignments[0]),
    secondaryAssignments: c.assignments.slice(1).map(secondaryView),
    actions: { details: action(`/candidates/${c.id}`), properties: action(`/candidates/${c.id}/properties`) },
  });
  const candidateDetails = (c: Candidate) => ({
    id: c.id,
    internal: false,
    firstName: c.firstName,
    lastName: c.lastName,
    email: c.email,
    phoneNumber: c.phoneNumber,
    location: c.location,
    web: c.web,
    createdOn: c.createdOn,
    updatedOn: c.updatedOn,
    tags: c.tags,
    averageRating: 0,
    education: [],
    experience: [],
    primaryAssignment: assignmentView(c.assignments[0]),
    secondaryAssignments: c.assignments.slice(1).map(assignmentView),
    actions: { properties: action(`/candidates/${c.id}/properties`), attachments: action(`/candidates/${c.id}/attachments`) },
  });
  const attachmentView = (cid: string, f: StoredFile) => ({
    id: f.id,
    name: f.name,
    type: f.type,
    contentType: f.contentType,
    actions: { download: action(`/candidates/${cid}/attachments/${f.id}`) },
  });
  const missingCandidate = (id: string) => error(404, 'NOT_FOUND', `Candidate with id ${id} not found`);

  // ---- routes -------------------------------------------------------------------------------

  // GET /jobs — reference/jobsall-1 (limit ≤ 100, pageId/nextPageId, updatedAfter)
  route('GET', '/jobs', (req) => {
    const p = pageParams(req);
    if (!('limit' in p)) return p;
    const list = jobs.filter((j) => p.updatedAfter === null || Date.parse(j.updatedOn) >= p.updatedAfter);
    const pg = page(list, p);
    return { json: { ...pg.body, content: pg.content.map(jobSummary) } };
  });

  // GET /users — users_all → Users of UserListItem (firstName, lastName, systemRole and language
  // required by the 2024 model; `active`; the systemRole shape is not typed by either SDK).
  route('GET', '/users', (req) => {
    const p = pageParams(req);
    if (!('limit' in p)) return p;
    const pg = page(users, p);
    return { json: { ...pg.body, content: pg.content } };
  });

  // GET /jobs/{id} — jobs_get → JobDetails (the only place with typeOfEmployment and function)
  route('GET', '/jobs/:id', (req) => {
    const j = jobById(req.params.id);
    return j ? { json: jobDetails(j) } : error(404, 'NOT_FOUND', `Job with id ${req.params.id} not found`);
  });

  // GET /candidates — reference/candidatesall-1 (only candidates with an application; one concurrent call)
  route('GET', '/candidates', async (req) => {
    if (candidatesInFlight > 0) return tooMany({ 'X-RateLimit-Concurrent-Limit': '1', 'X-RateLimit-Concurrent-Remaining': '0' });
    candidatesInFlight++;
    try {
      await new Promise((r) => setTimeout(r, 1));
      const p = pageParams(req);
      if (!('limit' in p)) return p;
      const list = [...candidates.values()].filter(
        (c) => c.assignments.length && (p.updatedAfter === null || Date.parse(c.updatedOn) >= p.updatedAfter),
      );
      const pg = page(list, p);
      const headers: Record<string, string> = {};
      if (pg.nextPageId) headers.Link = `</candidates?limit=${p.limit}&pageId=${encodeURIComponent(pg.nextPageId)}>; rel="next"`;
      return { headers, json: { ...pg.body, content: pg.content.map(candidateListItem) } };
    } finally {
      candidatesInFlight--;
    }
  });

  // GET /candidates/{id} — reference/candidatesget-1
  route('GET', '/candidates/:id', (req) => {
    const c = candidates.get(req.params.id);
    return c ? { json: candidateDetails(c) } : missingCandidate(req.params.id);
  });

  // /candidates/{id}/tags — candidates_tags_get / _add ("doesn't replace existing tags") / _replace
  // ("replaces all existing tags with the new array") / _delete ("all tags … are removed"). The
  // request bodies are CandidateTags {tags} (required), validated against the spec slice.
  route('GET', '/candidates/:id/tags', (req) => {
    const c = candidates.get(req.params.id);
    return c ? { json: { tags: c.tags } } : missingCandidate(req.params.id);
  });
  for (const method of ['POST', 'PUT'] as const) {
    route(method, '/candidates/:id/tags', (req) => {
      const c = candidates.get(req.params.id);
      if (!c) return missingCandidate(req.params.id);
      const tags = req.json?.tags;
      if (!Array.isArray(tags) || tags.some((t: unknown) => typeof t !== 'string'))
        return error(400, 'INVALID_TAGS', 'tags must be an array of strings');
      c.tags = method === 'PUT' ? [...new Set(tags as string[])] : [...new Set([...c.tags, ...(tags as string[])])];
      c.updatedOn = new Date().toISOString();
      return { status: method === 'POST' ? 201 : 200, json: { tags: c.tags } };
    });
  }
  route('DELETE', '/candidates/:id/tags', (req) => {
    const c = candidates.get(req.params.id);
    if (!c) return missingCandidate(req.params.id);
    c.tags = [];
    c.updatedOn = new Date().toISOString();
    return { status: 204 };
  });

  // GET /candidates/{id}/jobs/{jobId} — reference/candidatesgetapplication-1
  route('GET', '/candidates/:id/jobs/:jobId', (req) => {
    const c = candidates.get(req.params.id);
    if (!c) return missingCandidate(req.params.id);
    const a = c.assignments.find((x) => x.jobId === req.params.jobId);
    if (!a) return error(404, 'NOT_FOUND', `Candidate ${c.id} has not applied to job ${req.params.jobId}`);
    return { json: { status: a.status, ...subStatus(a) } };
  });

  // GET /configuration/candidate-properties — reference/configurationcandidatepropertiesall-1
  route('GET', '/configuration/candidate-properties', () => ({
    json: {
      totalFound: propertyDefinitions.length,
      content: propertyDefinitions.map(({ values, ...d }) => ({
        ...d,
        availability: { toUsers: 'ALL', context: ['CANDIDATE_PROFILE'] },
        actions: {},
      })),
    },
  }));

  // PUT /candidates/{id}/jobs/{jobId}/properties — reference/candidatespropertiesvaluesbatchupdateforjob-1 (204)
  route('PUT', '/candidates/:id/jobs/:jobId/properties', (req) => {
    const c = candidates.get(req.params.id);
    if (!c) return missingCandidate(req.params.id);
    if (!c.assignments.some((a) => a.jobId === req.params.jobId))
      return error(404, 'NOT_FOUND', `Candidate ${c.id} has not applied to job ${req.params.jobId}`);
    if (!Array.isArray(req.json)) return error(400, 'INVALID_BODY', 'Request body must be an array of {id, value}');
    for (const item of req.json) {
      if (!item || typeof item.id !== 'string') return error(400, 'INVALID_BODY', 'Each item needs a property id');
      const def = propertyDefinitions.find((d) => d.id === item.id);
      if (!def) return error(400, 'INVALID_PROPERTY', `Candidate property ${item.id} does not exist`);
      if ('value' in item && !valueFits(def, item.value))
        return error(400, 'INVALID_PROPERTY_VALUE', `Invalid value for candidate property ${def.id} of type ${def.type}`);
      if (refusedProperties.has(def.id))
        return error(400, 'PROPERTY_NOT_AVAILABLE', `Candidate property ${def.id} is not available for job ${req.params.jobId}`);
    }
    const key = `${c.id}:${req.params.jobId}`;
    const stored = propertyValues.get(key) ?? new Map<string, unknown>();
    for (const item of req.json) {
      if ('value' in item) stored.set(item.id, item.value);
      else stored.delete(item.id); // `[{"id": ...}]` without value resets it
    }
    propertyValues.set(key, stored);
    return { status: 204 };
  });

  /** GET /configuration/rejection-reasons (Properties: id, label). */
  const rejectionReasons = [
    { id: 'rr-skills', label: 'Insufficient skills' },
    { id: 'rr-culture', label: 'Not a culture fit' },
  ];
  function reasonLabel(id: string): string {
    return rejectionReasons.find((r) => r.id === id)?.label ?? id;
  }
  route('GET', '/configuration/rejection-reasons', () => ({ json: { totalFound: rejectionReasons.length, content: rejectionReasons } }));

  // PUT /candidates/{id}/jobs/{jobId}/status — CandidateStatus {status, subStatus?, startsOn?, reason?} → 204.
  // REJECTED needs a reason of /configuration/rejection-reasons; a reason with another status is refused.
  route('PUT', '/candidates/:id/jobs/:jobId/status', (req) => {
    const c = candidates.get(req.params.id);
    if (!c) return missingCandidate(req.params.id);
    const a = c.assignments.find((x) => x.jobId === req.params.jobId);
    if (!a) return error(404, 'NOT_FOUND', `Candidate ${c.id} has not applied to job ${req.params.jobId}`);
    const b = req.json;
    if (b?.status === 'REJECTED' && !rejectionReasons.some((r) => r.id === b.reason))
      return error(400, 'INVALID_REASON', 'A rejection needs a reason of /configuration/rejection-reasons');
    if (b?.reason !== undefined && b.status !== 'REJECTED')
      return error(400, 'INVALID_REASON', 'A reason is only taken with status REJECTED');
    Object.assign(a, { status: b.status, subStatus: b.subStatus ?? null, reason: b.status === 'REJECTED' ? b.reason : null });
    c.updatedOn = new Date().toISOString();
    return { status: 204 };
  });

  // POST /messages/shares — reference/messagessharescreate-1 (content 1..10000 chars, no HTML; 201)
  route('POST', '/messages/shares', (req) => {
    const b = req.json;
    if (!b || typeof b !== 'object' || Array.isArray(b)) return error(400, 'INVALID_BODY', 'Request body must be a message object');
    if (typeof b.content !== 'string' || b.content.length < 1 || b.content.length > 10_000)
      return error(400, 'INVALID_CONTENT', 'content must have between 1 and 10000 characters');
    if (/<\/?[a-z][^>]*>/i.test(b.content)) return error(400, 'INVALID_CONTENT', 'HTML tags are not allowed in content');
    if (b.shareWith !== undefined && (typeof b.shareWith !== 'object' || b.shareWith === null))
      return error(400, 'INVALID_BODY', 'shareWith must be an object');
    const candidateIds = [...b.content.matchAll(/#\[CANDIDATE:([^\]]+)\]/g)].map((m: RegExpMatchArray) => m[1]);
    const note: Note = { id: `msg-${nextId++}`, content: b.content, shareWith: b.shareWith, candidateIds };
    notes.push(note);
    return { status: 201, json: { id: note.id, shareRequired: false } };
  });

  // POST /candidates/{id}/attachments — reference/candidatesattachmentsadd-1 (multipart: attachmentType, file)
  route('POST', '/candidates/:id/attachments', async (req) => {
    const c = candidates.get(req.params.id);
    if (!c) return missingCandidate(req.params.id);
    if (!req.form) return error(415, 'UNSUPPORTED_MEDIA_TYPE', 'Content-Type must be multipart/form-data');
    const type = req.form.get('attachmentType');
    if (typeof type !== 'string' || !ATTACHMENT_TYPES.includes(type))
      return error(400, 'INVALID_ATTACHMENT_TYPE', `attachmentType must be one of ${ATTACHMENT_TYPES.join(', ')}`);
    const file = req.form.get('file');
    if (!file || typeof file === 'string') return error(400, 'MISSING_FILE', 'file is required');
    const data = Buffer.from(await file.arrayBuffer());
    if (data.length === 0) return error(400, 'EMPTY_FILE', 'Uploaded file is empty');
    if (data.length > fake.maxFileBytes) return error(413, 'FILE_TOO_LARGE', 'Uploaded file is too large');
    const stored: StoredFile = {
      id: `att-${nextId++}`,
      name: file.name,
      type,
      contentType: file.type || 'application/octet-stream',
      data,
      createdOn: new Date().toISOString(),
    };
    files.set(c.id, [...(files.get(c.id) ?? []), stored]);
    return { status: 201, json: attachmentView(c.id, stored) };
  });

  // GET /candidates/{id}/attachments — reference/candidatesattachmentslist-1
  route('GET', '/candidates/:id/attachments', (req) => {
    const c = candidates.get(req.params.id);
    if (!c) return missingCandidate(req.params.id);
    const list = files.get(c.id) ?? [];
    return { json: { totalFound: list.length, content: list.map((f) => attachmentView(c.id, f)) } };
  });

  // GET /candidates/{id}/attachments/{attachmentId} — reference/candidatesattachmentsget-1 (the file)
  route('GET', '/candidates/:id/attachments/:attachmentId', (req) => {
    const c = candidates.get(req.params.id);
    if (!c) return missingCandidate(req.params.id);
    const f = (files.get(c.id) ?? []).find((x) => x.id === req.params.attachmentId);
    if (!f) return error(404, 'NOT_FOUND', `Attachment ${req.params.attachmentId} not found`);
    if (fake.downloadMode === 'redirect') return { status: 302, headers: { location: `${storage.url}/files/${c.id}/${f.id}` } };
    return { headers: { 'content-type': f.contentType, 'content-disposition': `attachment; filename="${f.name}"` }, body: f.data };
  });

  // The storage host a redirected download lands on (another origin); it needs no token and,
  // like a bare object store, names no file and sends a generic content type.
  storage.route('GET', '/files/:cid/:fid', (req) => {
    const f = (files.get(req.params.cid) ?? []).find((x) => x.id === req.params.fid);
    if (!f) return { status: 404, text: 'NoSuchKey' };
    return { headers: { 'content-type': 'binary/octet-stream' }, body: f.data };
  });

  // ---- webhooks (Webhooks Subscription API) ------------------------------------------------------
  // https://dev.smartrecruiters.com/customer-api/webhooks/ and the vendor's demo client
  // (smartrecruiters/sr-webhooks-client lib/api/router/users.js): POST /subscriptions
  // {callbackUrl, events: [names]} → inactive; PUT /subscriptions/:id/activation POSTs an
  // X-Hook-Secret to the URL and wants it echoed (docs/activating-webhook-subscriptions);
  // POST /subscriptions/:id/secret-key issues the signing key (reference/subscriptionsgeneratesecretkey-1):
  // smartrecruiters-signature v1 = HMAC-SHA256(timestamp.body.event-id.event-name.event-version.link).
  const WH = '/webhooks-api/v201907/subscriptions';
  const subscriptions = new SubscriptionList();
  route('POST', WH, (req) => {
    const { callbackUrl, events } = req.json ?? {};
    if (typeof callbackUrl !== 'string' || !/^https?:\/\//.test(callbackUrl))
      return error(400, 'INVALID_PARAMETER', 'callbackUrl must be a URL');
    if (!Array.isArray(events) || !events.length || events.some((e: unknown) => typeof e !== 'string'))
      return error(400, 'INVALID_PARAMETER', 'events must be a non-empty list of event names');
    const sub = subscriptions.add({ url: callbackUrl, event: events.join(','), secret: '', active: false });
    return {
      status: 201,
      json: { id: sub.id, callbackUrl, events: events.map((name: string) => ({ name, version: 'v201910' })), status: 'inactive' },
    };
  });
  route('POST', `${WH}/:id/secret-key`, (req) => {
    const sub = subscriptions.get(req.params.id);
    if (!sub) return error(404, 'NOT_FOUND', 'Subscription not found');
    sub.secret = randomBytes(16).toString('base64url');
    return { status: 201, json: { secretKey: sub.secret } };
  });
  route('PUT', `${WH}/:id/activation`, async (req) => {
    const sub = subscriptions.get(req.params.id);
    if (!sub) return error(404, 'NOT_FOUND', 'Subscription not found');
    const challenge = randomBytes(12).toString('hex');
    const res = await fetch(sub.url, {
      method: 'POST',
      headers: { 'x-hook-secret': challenge },
      signal: AbortSignal.timeout(20_000),
    }).catch(() => null);
    await res?.body?.cancel().catch(() => undefined);
    if (!res || res.status !== 200 || res.headers.get('x-hook-secret') !== challenge)
      return error(400, 'HANDSHAKE_FAILED', 'The callback URL did not answer the X-Hook-Secret handshake');
    sub.active = true;
    return { status: 204 };
  });
  route('DELETE', `${WH}/:id`, (req) =>
    subscriptions.remove(req.params.id) ? { status: 204 } : error(404, 'NOT_FOUND', 'Subscription not found'),
  );
  const srDelivery = (target: { url: string; secret: string }, body: string, link: string) => {
    const headers: Record<string, string> = {
      'event-id': randomUUID(),
      'event-name': 'application.status.updated',
      'event-version': 'v201910',
      link,
      'smartrecruiters-timestamp': String(Math.floor(Date.now() / 1000)),
    };
    const signed = [
      headers['smartrecruiters-timestamp'],
      body,
      headers['event-id'],
      headers['event-name'],
      headers['event-version'],
      link,
    ].join('.');
    headers['smartrecruiters-signature'] = `v1=${createHmac('sha256', target.secret).update(signed).digest('hex')}`;
    return { url: target.url, headers, body };
  };
  const webhooks: FakeVendorWebhooks = {
    registered: () => subscriptions.list(),
    async changeCandidate(candidateId, manual) {
      const c = candidates.get(candidateId);
      if (!c || !c.assignments.length) throw new Error(`no application for candidate ${candidateId}`);
      const a = c.assignments[0];
      a.status = a.status === 'INTERVIEW' ? 'OFFERED' : 'INTERVIEW';
      a.subStatus = null;
      c.updatedOn = new Date().toISOString();
      const body = JSON.stringify({ job_id: a.jobId, candidate_id: c.id });
      const link = `<${server.url}/candidates/${c.id}/jobs/${a.jobId}>; rel=self`;
      const targets = manual
        ? [manual]
        : subscriptions.list().filter((x) => x.active && x.event.split(',').includes('application.status.updated'));
      return subscriptions.send(targets.map((t) => srDelivery(t, body, link)));
    },
    redeliverLast: () => subscriptions.redeliverLast(),
  };

  const url = await server.start();
  await storage.start();

  const labelOf = (propertyId: string) => propertyDefinitions.find((d) => d.id === propertyId)?.label ?? propertyId;
  const propertiesOn = (candidateId: string, jobId: string) =>
    Object.fromEntries([...(propertyValues.get(`${candidateId}:${jobId}`) ?? new Map()).entries()].map(([id, v]) => [labelOf(id), v]));

  const refusedProperties = new Set<string>();
  const fake: SmartRecruitersFake = {
    userRemoteIds: () => users.map((u) => u.id),
    webhooks,
    tool: 'smartrecruiters',
    server,
    storage,
    downloadMode: 'bytes',
    // No limit is documented for this endpoint; tests lower it to see how a refusal surfaces.
    maxFileBytes: Number.POSITIVE_INFINITY,
    refusedProperties,
    url,
    credentials: { api_key: apiKey },
    badCredentials: { api_key: 'sr-wrong-key-ffffffffffffffffffff' },
    limitedCredentials: { api_key: limitedKey },
    jobs,
    candidates,
    propertyDefinitions,
    propertyValues,
    notes,
    files,
    propertiesOn,
    async stop() {
      await storage.stop();
      await server.stop();
    },
    failNext(n, status) {
      failures = { n, status };
    },
    candidateRemoteIds: () => [...candidates.keys()],
    applicationRemoteIds: () => [...candidates.values()].flatMap((c) => c.assignments.map((a) => `${c.id}:${a.jobId}`)),
    jobRemoteIds: () => jobs.map((j) => j.id),
    deleteCandidate(remoteId) {
      const c = candidates.get(remoteId);
      candidates.delete(remoteId);
      files.delete(remoteId);
      for (const a of c?.assignments ?? []) propertyValues.delete(`${remoteId}:${a.jobId}`);
    },
    applicationStatus(id) {
      const [candidateId, jobId] = id.split(':');
      const a = candidates.get(candidateId)?.assignments.find((x) => x.jobId === jobId);
      if (!a) return null;
      return { stage: a.status, rejected: a.status === 'REJECTED', reason: a.reason ?? null };
    },
    resultTextFor(candidateId) {
      const texts = notes.filter((n) => n.candidateIds.includes(candidateId)).map((n) => n.content);
      for (const a of candidates.get(candidateId)?.assignments ?? []) {
        for (const [label, value] of Object.entries(propertiesOn(candidateId, a.jobId))) texts.push(`${label}: ${String(value)}`);
      }
      return texts.join('\n');
    },
    filesFor: (candidateId) => (files.get(candidateId) ?? []).map((f) => ({ name: f.name, type: f.type, data: f.data })),
    tagsFor: (id) => [...(candidates.get(id)?.tags ?? [])],
    peakRate: () => peak,
  };
  return fake;
}

/** Does a value have the shape the property type takes (reference/candidatespropertiesvaluesbatchupdateforjob-1)? */
function valueFits(def: PropertyDef, value: unknown): boolean {
  switch (def.type) {
    case 'TEXT':
      return typeof value === 'string';
    case 'NUMBER':
    case 'PERCENT':
      return typeof value === 'number' && Number.isFinite(value);
    case 'BOOLEAN':
      return typeof value === 'boolean';
    case 'SINGLE_SELECT':
      return typeof value === 'string' && !!def.values?.some((v) => v.id === value);
    case 'CURRENCY':
      return !!value && typeof value === 'object' && typeof (value as any).code === 'string' && typeof (value as any).value === 'number';
    default:
      return value !== undefined;
  }
}
