/**
 * A fake of Pinpoint's JSON:API (`https://{subdomain}.pinpointhq.com/api/v1`), written from
 * developers.pinpointhq.com, Pinpoint's help centre and its reference OpenAPI (the sources are
 * listed in src/connectors/pinpoint/README.md). Requests and responses of the operations in
 * test/specs/pinpoint (jobs, users, application updates, comments) are checked against that
 * document's cut. What it models, and the traps a connector must survive:
 * - `X-API-KEY` on every request; none or an unknown key → 401 ([PP-AUTH], [PP-ERR]); a key of
 *   a company whose Pinpoint API is switched off → 403 "Integration not enabled" ([PP-ERR]).
 *   Keys have per-area permissions ([PP-HELP]); an area the key lacks answers 403 (undocumented:
 *   the connector must handle 401 as well, see its tests).
 * - JSON:API documents. Relationship linkage only for relationships named in `include`; the
 *   others are `{ meta: { included: false } }` ([PP-APPS]). An `include` naming an unknown
 *   relationship is refused with 400 (JSON:API). Bodies must be `application/vnd.api+json`
 *   (415 otherwise, as JSON:API servers do).
 * - Paging by `page[number]` / `page[size]` (default 20, larger sizes capped at 100 here: the
 *   real cap is undocumented), with no `links` (the connector must page without them).
 * - `filter[updated_at][gte]` on candidates and applications.
 * - Applications of confidential jobs are left out unless `filter[job_visibility]` names
 *   `confidential` ([PP-APP]).
 * - `extra_fields[applications]=attachments` / `extra_fields[candidates]=attachments` add the
 *   files; an unscoped `extra_fields=attachments` adds nothing ([PP-APP]: "(wrong)").
 * - `PUT /candidates/{id}` with `documents_base64`: an entry lacking either field is silently
 *   dropped ([PP-PUTCAND]); custom attributes side-posted with `method: create|update`.
 * - `POST /comments`: `body_text` and a `commentable` (applications | job_seekers) required (422).
 * - `POST /custom_attributes`: the field's `resource_type` must match the resource, the value
 *   attribute must match the field's `field_type`, and a resource holds one value per field (422).
 * - 429 "Rate limit exceeded" past the fake's window, without a Retry-After (none is documented).
 * - Stages belong to a job's hiring workflow ([PP-OAS] stage `stageable`; `GET /jobs?include=stages`),
 *   each with `name`, `position` and `basic_type` (applied, review, interview, offer, hired,
 *   rejected). `PUT /applications/{id}` takes `relationships.stage` ([PP-OAS]
 *   `applications_relationships_put`): a stage of another job is refused (422); a stage of the
 *   Rejected group sets `rejected_at`. Attributes outside the documented writable ones are refused
 *   with 400 (JSON:API servers refuse unknown attributes); `add_tags_with_context` adds application
 *   tags with a context ([PP-PUTAPP]).
 * - `extra_fields[applications]=tags` adds `tags: [{ context, name }]` ([PP-OAS]; rejection reasons
 *   are tags of context "rejection"); `filter[stage_basic_type]` filters applications by group.
 * - `GET /users` lists the account's users ([PP-OAS] "List users").
 */
import { createHmac, randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { FakeServer, WindowCounter, type FakeRequest, type FakeResponse } from './server.ts';
import { SpecCheck } from './spec-check.ts';
import type { VendorFake } from './types.ts';
import { SubscriptionList } from './webhook-sender.ts';

export interface PinpointFakeOptions {
  candidateCount?: number;
  /** Answer lists with JSON:API `links` (first/next/last); by default there are none. */
  links?: boolean;
  rateLimit?: { limit: number; windowMs: number };
}

export interface PinpointFake extends VendorFake {
  /** The webhook signing secret Pinpoint shows in its webhook settings [PP-WHV] (Pinpoint's, not the subscriber's). */
  signingSecret: string;
  /** A key of a company whose Pinpoint API integration is switched off (403). */
  disabledCredentials: Record<string, unknown>;
  /** A key with Job read only: candidates and applications answer 403. */
  jobsOnlyCredentials: Record<string, unknown>;
  commentsOn(applicationId: string): string[];
  customValues(type: 'applications' | 'candidates', id: string): Record<string, string>;
  applicationsOf(candidateId: string): string[];
  /** Requests that reached the file host with an X-API-KEY (must stay 0). */
  fileRequestsWithKey(): number;
  fileHost: FakeServer;
}

const JSON_API = 'application/vnd.api+json';
type Area = 'jobs' | 'candidates' | 'applications' | 'comments' | 'custom_fields' | 'custom_attributes' | 'users';
const ALL_AREAS: Area[] = ['jobs', 'candidates', 'applications', 'comments', 'custom_fields', 'custom_attributes', 'users'];
const KEYS: Record<string, { enabled: boolean; areas: Area[] }> = {
  pp_live_7c1e90a4b2: { enabled: true, areas: ALL_AREAS },
  pp_disabled_11aa: { enabled: false, areas: ALL_AREAS },
  pp_jobs_only_52f0: { enabled: true, areas: ['jobs'] },
};

interface Stage {
  id: number;
  job: number;
  name: string;
  position: number;
  basic_type: 'applied' | 'review' | 'interview' | 'offer' | 'hired' | 'rejected';
}
/** [PP-OAS] `applications_attributes_put` plus the tag operations of [PP-PUTAPP]. */
const WRITABLE_APPLICATION_ATTRIBUTES = new Set([
  'locale',
  'phone_iso2',
  'first_name',
  'last_name',
  'email',
  'phone',
  'date_of_birth',
  'linkedin_url',
  'address1',
  'address2',
  'town',
  'country',
  'postcode',
  'start_on',
  'add_tags_with_context',
  'remove_tag_with_context',
]);
interface Job {
  id: number;
  title: string;
  status: string;
  visibility: 'external' | 'internal' | 'confidential';
  employment_type: string;
  created_at: string;
}
interface Doc {
  id: number;
  filename: string;
  data: Buffer;
  context: string;
}
interface Candidate {
  id: number;
  first_name: string;
  last_name: string;
  email: string;
  phone: string | null;
  created_at: string;
  updated_at: string;
  documents: Doc[];
  deleted?: boolean;
}
interface Application {
  id: number;
  candidate: number;
  job: number;
  stage: number;
  rejected_at: string | null;
  tags: { context: string; name: string }[];
  created_at: string;
  updated_at: string;
  attachments: Doc[];
}
interface CustomField {
  id: number;
  name: string;
  field_type: string;
  resource_type: 'candidate' | 'application' | 'job';
}
interface CustomAttribute {
  id: number;
  field: number;
  owner: { type: 'candidates' | 'applications'; id: number };
  value: string;
}

const FIRST = ['Avery', 'Blake', 'Casey', 'Devon', 'Emerson', 'Finley', 'Gray', 'Harper', 'Indy', 'Jordan', 'Kai', 'Logan'];
const LAST = ['Adams', 'Brooks', 'Carter', 'Diaz', 'Ellis', 'Foster', 'Garcia', 'Hughes'];
const iso = (ms: number) => new Date(ms).toISOString().replace('.000Z', '+00:00');

const errors = (status: number, title: string, detail?: string, pointer?: string): FakeResponse => ({
  status,
  headers: { 'content-type': JSON_API },
  json: { errors: [{ status: String(status), title, ...(detail ? { detail } : {}), ...(pointer ? { source: { pointer } } : {}) }] },
});
const doc = (json: unknown, status = 200): FakeResponse => ({ status, headers: { 'content-type': JSON_API }, json });

export async function startPinpointFake(opts: PinpointFakeOptions = {}): Promise<PinpointFake> {
  const server = new FakeServer({
    provenance: 'pinpoint',
    // Pinpoint's reference OpenAPI, cut to the stage, rejection, user and comment operations
    // (test/specs/pinpoint/PROVENANCE.md); other paths are checked by the provenance table only.
    spec: SpecCheck.fromFile(fileURLToPath(new URL('../specs/pinpoint/pinpoint-openapi.cut.yaml', import.meta.url)), {
      label: 'Pinpoint OpenAPI (cut)',
    }),
  });
  const fileHost = new FakeServer();
  const rate = opts.rateLimit ?? { limit: 10, windowMs: 1000 };

  // Webhooks [PP-WH]: created in Pinpoint's UI only (no API), so the fake sends to the URL a test
  // names; each delivery carries PINPOINT-HMAC-SHA256, base64 HMAC-SHA256 of the body [PP-WHV].
  const signingSecret = 'pp_whsec_' + randomBytes(16).toString('hex');
  const deliveries = new SubscriptionList();
  const WORKFLOW: [string, Stage['basic_type']][] = [
    ['Applied', 'applied'],
    ['Hiring Manager Review', 'review'],
    ['First Interview', 'interview'],
    ['Hired', 'hired'],
    ['Rejected', 'rejected'],
  ];
  const REASONS = ['Under-qualified for this role', 'Position filled', 'Candidate withdrew'];
  const users = [
    { id: 1000337, email: 'joe.bloggs@acme.example', first_name: 'Joe', last_name: 'Bloggs' },
    { id: 1000338, email: 'priya.shah@acme.example', first_name: 'Priya', last_name: 'Shah' },
  ];
  const jobs: Job[] = [
    {
      id: 11,
      title: 'Customer Success Manager',
      status: 'open',
      visibility: 'external',
      employment_type: 'full_time',
      created_at: iso(Date.UTC(2026, 6, 1)),
    },
    {
      id: 12,
      title: 'Payroll Specialist',
      status: 'closed',
      visibility: 'internal',
      employment_type: 'part_time',
      created_at: iso(Date.UTC(2026, 6, 2)),
    },
    {
      id: 13,
      title: 'Head of People',
      status: 'open',
      visibility: 'confidential',
      employment_type: 'full_time',
      created_at: iso(Date.UTC(2026, 6, 3)),
    },
  ];
  // Every job has its own hiring workflow: stage ids are the job's id and the position.
  const stages: Stage[] = jobs.flatMap((j) =>
    WORKFLOW.map(([name, basic_type], k) => ({ id: j.id * 10 + k + 1, job: j.id, name, position: k + 1, basic_type })),
  );
  const stagesOfJob = (jobId: number) => stages.filter((s) => s.job === jobId);
  const candidates = new Map<number, Candidate>();
  const applications = new Map<number, Application>();
  const comments = new Map<number, { id: number; body_text: string }[]>();
  const fields: CustomField[] = [
    { id: 901, name: 'Acme: Score', field_type: 'varchar', resource_type: 'candidate' },
    { id: 902, name: 'Acme: Level', field_type: 'text', resource_type: 'candidate' },
    { id: 903, name: 'Acme: Score', field_type: 'varchar', resource_type: 'application' },
    { id: 904, name: 'Acme: Strength', field_type: 'date', resource_type: 'candidate' },
    { id: 905, name: 'Salary band', field_type: 'single_select', resource_type: 'job' },
  ];
  const attrs: CustomAttribute[] = [];
  let nextId = 70_000;
  const n = opts.candidateCount ?? 24;
  const t0 = Date.UTC(2026, 8, 1);
  for (let i = 0; i < n; i++) {
    const id = 3_000 + i;
    const created = iso(t0 + i * 3_600_000);
    candidates.set(id, {
      id,
      first_name: FIRST[i % FIRST.length],
      last_name: LAST[i % LAST.length],
      email: `candidate${i}@example.com`,
      phone: i % 2 ? `0203318${String(9400 + i)}` : null,
      created_at: created,
      updated_at: created,
      documents:
        i % 5 === 0
          ? [{ id: nextId++, filename: `portfolio-${i}.pdf`, data: Buffer.from(`%PDF-1.4 portfolio ${i} %%EOF`), context: 'other' }]
          : [],
    });
    const count = i % 4 === 0 ? 2 : 1;
    for (let k = 0; k < count; k++) {
      const aid = 50_000 + i * 10 + k;
      // Every third candidate's second application is on the confidential job.
      const job = k === 1 && i % 3 === 0 ? 13 : jobs[(i + k) % 2].id;
      const stage = stagesOfJob(job)[(i + k) % WORKFLOW.length];
      const rejected = stage.basic_type === 'rejected';
      applications.set(aid, {
        id: aid,
        candidate: id,
        job,
        stage: stage.id,
        rejected_at: rejected ? created : null,
        tags: rejected ? [{ context: 'rejection', name: REASONS[i % REASONS.length] }] : [],
        created_at: created,
        updated_at: created,
        attachments:
          i % 2 === 0
            ? [{ id: nextId++, filename: `cv-${i}.pdf`, data: Buffer.from(`%PDF-1.4 CV of candidate ${i} %%EOF`), context: 'cv' }]
            : [],
      });
    }
  }

  // ------------------------------------------------------------------------------------------
  // Auth, throttling, faults
  // ------------------------------------------------------------------------------------------
  const windows = new Map<string, WindowCounter>();
  let failures: { n: number; status: 429 | 500 | 503 } | null = null;

  const areaOf = (path: string): Area | null => {
    const m = /^\/api\/v1\/([a-z_]+)/.exec(path);
    return m && (ALL_AREAS as string[]).includes(m[1]) ? (m[1] as Area) : null;
  };

  server.before = (req) => {
    if (failures && failures.n > 0) {
      failures.n--;
      if (failures.status === 429) return errors(429, 'Too Many Requests', 'Rate limit exceeded');
      return errors(failures.status, failures.status === 503 ? 'Service Unavailable' : 'Internal Server Error');
    }
    const key = String(req.headers['x-api-key'] ?? '');
    const who = KEYS[key];
    if (!who) return errors(401, 'Unauthorized', 'No API key provided or API key invalid');
    let w = windows.get(key);
    if (!w) windows.set(key, (w = new WindowCounter(rate.limit, rate.windowMs)));
    if (w.hit().over) return errors(429, 'Too Many Requests', 'Rate limit exceeded');
    if (!who.enabled) return errors(403, 'Forbidden', 'Integration not enabled');
    const area = areaOf(req.path);
    if (area && !who.areas.includes(area)) return errors(403, 'Forbidden', `This API key does not have permission to access ${area}`);
    if (['POST', 'PUT', 'PATCH'].includes(req.method) && !String(req.headers['content-type'] ?? '').startsWith(JSON_API))
      return errors(415, 'Unsupported Media Type', `Content-Type must be ${JSON_API}`);
    if (['POST', 'PUT', 'PATCH'].includes(req.method) && (req.json === undefined || typeof req.json !== 'object'))
      return errors(400, 'Bad Request', 'Malformed payload');
    return undefined;
  };

  // ------------------------------------------------------------------------------------------
  // JSON:API rendering
  // ------------------------------------------------------------------------------------------
  const RELATIONSHIPS: Record<string, string[]> = {
    applications: ['candidate', 'job', 'stage', 'answers', 'custom_attributes', 'offers', 'structured_section_responses'],
    candidates: ['applications', 'custom_attributes'],
    jobs: ['department', 'location', 'custom_attributes', 'stages', 'hiring_manager_user', 'recruitment_manager_user'],
    custom_attributes: ['custom_field'],
  };
  const includesOf = (req: FakeRequest, type: string): string[][] | null => {
    const raw = req.query.get('include');
    if (!raw) return [];
    const paths = raw.split(',').map((p) => p.trim().split('.'));
    for (const p of paths) {
      let t = type;
      for (const rel of p) {
        if (!RELATIONSHIPS[t]?.includes(rel)) return null;
        t = rel === 'custom_field' ? 'custom_fields' : rel.endsWith('s') ? rel : `${rel}s`;
      }
    }
    return paths;
  };
  const badInclude = (req: FakeRequest, type: string) =>
    errors(400, 'Bad Request', `The requested included relationship "${req.query.get('include')}" is not supported on resource "${type}"`);

  const fileEntry = (d: Doc) => ({
    id: d.id,
    filename: d.filename,
    context: d.context,
    url: `${fileHost.url}/files/${d.id}?expires=${Date.now() + 60_000}`,
  });
  const extra = (req: FakeRequest, type: string, field: string) =>
    (req.query.get(`extra_fields[${type}]`) ?? '').split(',').includes(field);
  const wantsFiles = (req: FakeRequest, type: string) => extra(req, type, 'attachments');

  const stageResource = (s: Stage) => ({
    id: String(s.id),
    type: 'stages',
    attributes: {
      description: null,
      name: s.name,
      external_name: null,
      visible: true,
      position: s.position,
      basic_type: s.basic_type,
      created_at: iso(Date.UTC(2026, 5, 1)),
      updated_at: iso(Date.UTC(2026, 5, 1)),
    },
    relationships: { stageable: { meta: { included: false } }, applications: { meta: { included: false } } },
  });
  const jobResource = (j: Job, inc: string[][] = [], included: unknown[] = []) => {
    const withStages = inc.some((p) => p[0] === 'stages');
    if (withStages) included.push(...stagesOfJob(j.id).map(stageResource));
    return {
      id: String(j.id),
      type: 'jobs',
      attributes: {
        title: j.title,
        status: j.status,
        visibility: j.visibility,
        employment_type: j.employment_type,
        created_at: j.created_at,
        updated_at: j.created_at,
      },
      relationships: {
        department: { meta: { included: false } },
        location: { meta: { included: false } },
        stages: withStages ? { data: stagesOfJob(j.id).map((s) => ({ type: 'stages', id: String(s.id) })) } : { meta: { included: false } },
      },
    };
  };
  const fieldResource = (f: CustomField) => ({
    id: String(f.id),
    type: 'custom_fields',
    attributes: { name: f.name, field_type: f.field_type, resource_type: f.resource_type, required: false },
  });
  const attrResource = (a: CustomAttribute, withField: boolean) => {
    const f = fields.find((x) => x.id === a.field)!;
    return {
      id: String(a.id),
      type: 'custom_attributes',
      attributes: { [`${f.field_type}_value`]: a.value },
      relationships: { custom_field: withField ? { data: { type: 'custom_fields', id: String(f.id) } } : { meta: { included: false } } },
    };
  };
  const attrsOf = (type: 'candidates' | 'applications', id: number) => attrs.filter((a) => a.owner.type === type && a.owner.id === id);

  function candidateResource(c: Candidate, req: FakeRequest, inc: string[][], included: unknown[]) {
    const has = (rel: string) => inc.some((p) => p[0] === rel);
    const own = attrsOf('candidates', c.id);
    if (has('custom_attributes')) {
      const nested = inc.some((p) => p[0] === 'custom_attributes' && p[1] === 'custom_field');
      for (const a of own) {
        included.push(attrResource(a, nested));
        if (nested) included.push(fieldResource(fields.find((f) => f.id === a.field)!));
      }
    }
    return {
      id: String(c.id),
      type: 'candidates',
      attributes: {
        first_name: c.first_name,
        last_name: c.last_name,
        email: c.email,
        phone: c.phone,
        created_at: c.created_at,
        updated_at: c.updated_at,
        ...(wantsFiles(req, 'candidates') ? { attachments: c.documents.map(fileEntry) } : {}),
      },
      relationships: {
        applications: { meta: { included: false } },
        custom_attributes: has('custom_attributes')
          ? { data: own.map((a) => ({ type: 'custom_attributes', id: String(a.id) })) }
          : { meta: { included: false } },
      },
    };
  }

  function applicationResource(a: Application, req: FakeRequest, inc: string[][], included: unknown[]) {
    const has = (rel: string) => inc.some((p) => p[0] === rel);
    const rel = (name: string, type: string, id: number) =>
      has(name) ? { data: { type, id: String(id) } } : { meta: { included: false } };
    if (has('candidate')) included.push(candidateResource(candidates.get(a.candidate)!, req, [], []));
    if (has('job')) included.push(jobResource(jobs.find((j) => j.id === a.job)!));
    if (has('stage')) included.push(stageResource(stages.find((s) => s.id === a.stage)!));
    const own = attrsOf('applications', a.id);
    if (has('custom_attributes')) {
      const nested = inc.some((p) => p[0] === 'custom_attributes' && p[1] === 'custom_field');
      for (const x of own) {
        included.push(attrResource(x, nested));
        if (nested) included.push(fieldResource(fields.find((f) => f.id === x.field)!));
      }
    }
    const c = candidates.get(a.candidate)!;
    return {
      id: String(a.id),
      type: 'applications',
      attributes: {
        first_name: c.first_name,
        last_name: c.last_name,
        email: c.email,
        job_id: String(a.job),
        stage_id: String(a.stage),
        rejected_at: a.rejected_at,
        created_at: a.created_at,
        updated_at: a.updated_at,
        ...(wantsFiles(req, 'applications') ? { attachments: a.attachments.map(fileEntry) } : {}),
        ...(extra(req, 'applications', 'tags') ? { tags: a.tags.map((t) => ({ ...t })) } : {}),
      },
      relationships: {
        candidate: rel('candidate', 'candidates', a.candidate),
        job: rel('job', 'jobs', a.job),
        stage: rel('stage', 'stages', a.stage),
        answers: { meta: { included: false } },
        custom_attributes: has('custom_attributes')
          ? { data: own.map((x) => ({ type: 'custom_attributes', id: String(x.id) })) }
          : { meta: { included: false } },
      },
    };
  }

  /** `page[number]` / `page[size]` (default 20, capped at 100); `links` only with opts.links. */
  const pageLinks = new WeakMap<object, Record<string, string | null>>();
  function page<T>(req: FakeRequest, rows: T[]): T[] | FakeResponse {
    const number = Number(req.query.get('page[number]') ?? '1');
    const size = Math.min(Number(req.query.get('page[size]') ?? '20'), 100);
    if (!Number.isInteger(number) || number < 1 || !Number.isInteger(size) || size < 1)
      return errors(400, 'Bad Request', 'Invalid page parameters', '/page');
    const out = rows.slice((number - 1) * size, number * size);
    if (opts.links) {
      const at = (n: number) => {
        const q = new URLSearchParams(req.query);
        q.set('page[number]', String(n));
        q.set('page[size]', String(size));
        // The server's own spelling of the order, so a test can tell a followed link from a built URL.
        q.set('sort', 'id');
        return `${server.url}${req.path}?${q.toString()}`;
      };
      const last = Math.max(1, Math.ceil(rows.length / size));
      pageLinks.set(out, { first: at(1), last: at(last), next: number < last ? at(number + 1) : null });
    }
    return out;
  }
  const listDoc = (rows: object, json: Record<string, unknown>) =>
    doc({ ...json, ...(pageLinks.has(rows) ? { links: pageLinks.get(rows) } : {}) });
  const updatedSince = (req: FakeRequest) => {
    const raw = req.query.get('filter[updated_at][gte]');
    if (raw === null) return null;
    const t = Date.parse(raw);
    return Number.isNaN(t) ? Number.NaN : t;
  };
  const unique = (list: any[]) => [...new Map(list.map((r: any) => [`${r.type}:${r.id}`, r])).values()];

  // ------------------------------------------------------------------------------------------
  // Routes
  // ------------------------------------------------------------------------------------------
  server.route('GET', '/api/v1/jobs', (req) => {
    const inc = includesOf(req, 'jobs');
    if (inc === null) return badInclude(req, 'jobs');
    const rows = page(req, jobs);
    if (!Array.isArray(rows)) return rows;
    const included: unknown[] = [];
    return listDoc(rows, { data: rows.map((j) => jobResource(j, inc, included)), included: unique(included), meta: {} });
  });

  server.route('GET', '/api/v1/jobs/:id', (req) => {
    const inc = includesOf(req, 'jobs');
    if (inc === null) return badInclude(req, 'jobs');
    const j = jobs.find((x) => String(x.id) === req.params.id);
    if (!j) return errors(404, 'Not Found', 'Record not found');
    const included: unknown[] = [];
    const data = jobResource(j, inc, included);
    return doc({ data, included: unique(included), meta: {} });
  });

  server.route('GET', '/api/v1/users', (req) => {
    const rows = page(req, users);
    if (!Array.isArray(rows)) return rows;
    const data = rows.map((u) => ({
      id: String(u.id),
      type: 'users',
      attributes: {
        created_at: iso(Date.UTC(2026, 0, 1)),
        email: u.email,
        first_name: u.first_name,
        last_name: u.last_name,
        time_zone: 'Europe/London',
        updated_at: iso(Date.UTC(2026, 0, 1)),
      },
    }));
    return listDoc(rows, { data, meta: {} });
  });

  server.route('GET', '/api/v1/candidates', (req) => {
    const inc = includesOf(req, 'candidates');
    if (inc === null) return badInclude(req, 'candidates');
    const since = updatedSince(req);
    if (Number.isNaN(since)) return errors(400, 'Bad Request', 'Invalid filter value', '/filter/updated_at');
    const live = [...candidates.values()].filter((c) => !c.deleted && (since === null || Date.parse(c.updated_at) >= since!));
    const rows = page(req, live);
    if (!Array.isArray(rows)) return rows;
    const included: unknown[] = [];
    return listDoc(rows, { data: rows.map((c) => candidateResource(c, req, inc, included)), included: unique(included) });
  });

  server.route('GET', '/api/v1/candidates/:id', (req) => {
    const inc = includesOf(req, 'candidates');
    if (inc === null) return badInclude(req, 'candidates');
    const c = candidates.get(Number(req.params.id));
    if (!c || c.deleted) return errors(404, 'Not Found', 'The requested resource could not be found');
    const included: unknown[] = [];
    const data = candidateResource(c, req, inc, included);
    return doc({ data, included: unique(included) });
  });

  /** Side-posted custom attributes ([PP-PUTCAND]): `relationships.custom_attributes.data` + `included`. */
  function sidepost(body: any, owner: { type: 'candidates' | 'applications'; id: number }, resourceType: string): FakeResponse | null {
    const refs = body?.data?.relationships?.custom_attributes?.data;
    if (refs === undefined) return null;
    if (!Array.isArray(refs))
      return errors(400, 'Bad Request', 'custom_attributes must be an array', '/data/relationships/custom_attributes');
    const included: any[] = Array.isArray(body.included) ? body.included : [];
    for (const ref of refs) {
      const entry = included.find(
        (x) => x?.type === 'custom_attributes' && (ref.id ? String(x.id) === String(ref.id) : x['temp-id'] === ref['temp-id']),
      );
      if (!entry) return errors(400, 'Bad Request', 'Side-posted resource not found in included', '/included');
      if (ref.method === 'update') {
        const existing = attrs.find((a) => String(a.id) === String(ref.id) && a.owner.type === owner.type && a.owner.id === owner.id);
        if (!existing) return errors(404, 'Not Found', `custom_attribute ${ref.id} not found`);
        const f = fields.find((x) => x.id === existing.field)!;
        const v = entry.attributes?.[`${f.field_type}_value`];
        if (typeof v !== 'string') return errors(422, 'Unprocessable Entity', `value must be given as ${f.field_type}_value`, '/included');
        existing.value = v;
      } else if (ref.method === 'create') {
        const fieldId = Number(entry.relationships?.custom_field?.data?.id);
        const bad = addAttribute(fieldId, owner, resourceType, entry.attributes ?? {});
        if (bad) return bad;
      } else return errors(400, 'Bad Request', `unknown side-post method ${ref.method}`);
    }
    return null;
  }

  function addAttribute(
    fieldId: number,
    owner: CustomAttribute['owner'],
    resourceType: string,
    attributes: Record<string, unknown>,
  ): FakeResponse | null {
    const f = fields.find((x) => x.id === fieldId);
    if (!f) return errors(422, 'Unprocessable Entity', 'custom_field must exist', '/data/relationships/custom_field');
    if (f.resource_type !== resourceType)
      return errors(
        422,
        'Unprocessable Entity',
        `custom_field resource_type ${f.resource_type} does not match ${resourceType}`,
        '/data/relationships/custom_field',
      );
    const valueKey = `${f.field_type}_value`;
    const v = attributes[valueKey];
    const others = Object.keys(attributes).filter((k) => k.endsWith('_value') && k !== valueKey);
    if (typeof v !== 'string' || others.length)
      return errors(
        422,
        'Unprocessable Entity',
        `value must be given as ${valueKey} for a ${f.field_type} field`,
        `/data/attributes/${valueKey}`,
      );
    if (f.field_type === 'varchar' && v.length > 255)
      return errors(422, 'Unprocessable Entity', 'is too long (maximum is 255 characters)', '/data/attributes/varchar_value');
    if (attrs.some((a) => a.field === f.id && a.owner.type === owner.type && a.owner.id === owner.id))
      return errors(422, 'Unprocessable Entity', 'custom_field has already been taken', '/data/relationships/custom_field');
    attrs.push({ id: nextId++, field: f.id, owner, value: v });
    return null;
  }

  server.route('PUT', '/api/v1/candidates/:id', (req) => {
    const c = candidates.get(Number(req.params.id));
    if (!c || c.deleted) return errors(404, 'Not Found', 'The requested resource could not be found');
    const body = req.json;
    if (body?.data?.type !== 'candidates' || String(body.data.id) !== String(c.id))
      return errors(400, 'Bad Request', 'data.type and data.id must match the resource', '/data');
    const sideposted = sidepost(body, { type: 'candidates', id: c.id }, 'candidate');
    if (sideposted) return sideposted;
    const docs = body.data.attributes?.documents_base64;
    if (docs !== undefined) {
      if (!Array.isArray(docs))
        return errors(422, 'Unprocessable Entity', 'documents_base64 must be an array', '/data/attributes/documents_base64');
      for (const d of docs) {
        // [PP-PUTCAND]: an entry without both fields is not saved, and nothing says so.
        if (typeof d?.filename !== 'string' || typeof d?.data !== 'string') continue;
        c.documents.push({ id: nextId++, filename: d.filename, data: Buffer.from(d.data, 'base64'), context: 'other' });
      }
    }
    c.updated_at = iso(Date.now());
    return doc({ data: candidateResource(c, req, [], []) });
  });

  server.route('GET', '/api/v1/applications', (req) => {
    const inc = includesOf(req, 'applications');
    if (inc === null) return badInclude(req, 'applications');
    const since = updatedSince(req);
    if (Number.isNaN(since)) return errors(400, 'Bad Request', 'Invalid filter value', '/filter/updated_at');
    const visibility = (req.query.get('filter[job_visibility]') ?? '').split(',').filter(Boolean);
    const basicTypes = (req.query.get('filter[stage_basic_type]') ?? '').split(',').filter(Boolean);
    const live = [...applications.values()].filter((a) => {
      const job = jobs.find((j) => j.id === a.job)!;
      if (job.visibility === 'confidential' && !visibility.includes('confidential')) return false;
      if (basicTypes.length && !basicTypes.includes(stages.find((s) => s.id === a.stage)!.basic_type)) return false;
      return !candidates.get(a.candidate)?.deleted && (since === null || Date.parse(a.updated_at) >= since!);
    });
    const rows = page(req, live);
    if (!Array.isArray(rows)) return rows;
    const included: unknown[] = [];
    return listDoc(rows, { data: rows.map((a) => applicationResource(a, req, inc, included)), included: unique(included) });
  });

  server.route('GET', '/api/v1/applications/:id', (req) => {
    const inc = includesOf(req, 'applications');
    if (inc === null) return badInclude(req, 'applications');
    const a = applications.get(Number(req.params.id));
    if (!a || candidates.get(a.candidate)?.deleted) return errors(404, 'Not Found', 'The requested resource could not be found');
    const included: unknown[] = [];
    const data = applicationResource(a, req, inc, included);
    return doc({ data, included: unique(included) });
  });

  server.route('PUT', '/api/v1/applications/:id', (req) => {
    const a = applications.get(Number(req.params.id));
    if (!a || candidates.get(a.candidate)?.deleted) return errors(404, 'Not Found', 'The requested resource could not be found');
    const body = req.json;
    if (body?.data?.type !== 'applications' || String(body.data.id) !== String(a.id))
      return errors(400, 'Bad Request', 'data.type and data.id must match the resource', '/data');
    // [PP-PUTAPP]: a CV cannot be submitted when updating an application.
    if (body.data.attributes?.cv_base64_data !== undefined)
      return errors(422, 'Unprocessable Entity', 'CV cannot be changed', '/data/attributes/cv_base64_data');
    const attributes: Record<string, unknown> = body.data.attributes ?? {};
    for (const k of Object.keys(attributes))
      if (!WRITABLE_APPLICATION_ATTRIBUTES.has(k)) return errors(400, 'Bad Request', `Unknown attribute ${k}`, `/data/attributes/${k}`);
    const stageRef = body.data.relationships?.stage?.data;
    let target: Stage | undefined;
    if (stageRef !== undefined) {
      target = stages.find((s) => stageRef?.type === 'stages' && String(s.id) === String(stageRef?.id));
      if (!target || target.job !== a.job)
        return errors(422, 'Unprocessable Entity', 'stage must belong to the hiring workflow of the job', '/data/relationships/stage');
    }
    const add = attributes.add_tags_with_context;
    if (add !== undefined) {
      if (!Array.isArray(add) || add.some((t: any) => typeof t?.tag !== 'string' || !t.tag.trim() || typeof t?.context !== 'string'))
        return errors(
          422,
          'Unprocessable Entity',
          'add_tags_with_context entries need a tag and a context',
          '/data/attributes/add_tags_with_context',
        );
    }
    const sideposted = sidepost(body, { type: 'applications', id: a.id }, 'application');
    if (sideposted) return sideposted;
    if (target) {
      a.stage = target.id;
      a.rejected_at = target.basic_type === 'rejected' ? iso(Date.now()) : null;
    }
    for (const t of (add as { tag: string; context: string }[] | undefined) ?? []) {
      if (!a.tags.some((x) => x.name === t.tag && x.context === t.context)) a.tags.push({ context: t.context, name: t.tag });
    }
    a.updated_at = iso(Date.now());
    return doc({ data: applicationResource(a, req, [], []) });
  });

  server.route('POST', '/api/v1/comments', (req) => {
    const data = req.json?.data;
    if (data?.type !== 'comments') return errors(400, 'Bad Request', 'data.type must be comments', '/data/type');
    const text = data.attributes?.body_text;
    if (typeof text !== 'string' || !text.trim())
      return errors(422, 'Unprocessable Entity', "can't be blank", '/data/attributes/body_text');
    const target = data.relationships?.commentable?.data;
    if (!target) return errors(422, 'Unprocessable Entity', 'commentable must exist', '/data/relationships/commentable');
    if (target.type !== 'applications' && target.type !== 'job_seekers')
      return errors(422, 'Unprocessable Entity', `commentable type ${target.type} is not supported`, '/data/relationships/commentable');
    if (target.type === 'job_seekers') return errors(404, 'Not Found', 'job seeker not found');
    const a = applications.get(Number(target.id));
    if (!a || candidates.get(a.candidate)?.deleted) return errors(404, 'Not Found', 'The requested resource could not be found');
    const c = { id: nextId++, body_text: text };
    comments.set(a.id, [...(comments.get(a.id) ?? []), c]);
    return doc(
      {
        data: {
          id: String(c.id),
          type: 'comments',
          attributes: { body_text: text, created_at: iso(Date.now()) },
          relationships: { commentable: { meta: { included: false } } },
        },
      },
      201,
    );
  });

  server.route('GET', '/api/v1/custom_fields', (req) => {
    const rows = page(req, fields);
    if (!Array.isArray(rows)) return rows;
    return listDoc(rows, { data: rows.map(fieldResource) });
  });

  server.route('POST', '/api/v1/custom_attributes', (req) => {
    const data = req.json?.data;
    if (data?.type !== 'custom_attributes') return errors(400, 'Bad Request', 'data.type must be custom_attributes', '/data/type');
    const owner = data.relationships?.custom_attributable?.data;
    const types: Record<string, string> = { candidates: 'candidate', applications: 'application' };
    if (!owner || !types[owner.type])
      return errors(
        422,
        'Unprocessable Entity',
        'custom_attributable must be a supported resource',
        '/data/relationships/custom_attributable',
      );
    const id = Number(owner.id);
    const exists = owner.type === 'candidates' ? !!candidates.get(id) && !candidates.get(id)!.deleted : applications.has(id);
    if (!exists) return errors(404, 'Not Found', 'The requested resource could not be found');
    const bad = addAttribute(
      Number(data.relationships?.custom_field?.data?.id),
      { type: owner.type, id },
      types[owner.type],
      data.attributes ?? {},
    );
    if (bad) return bad;
    return doc({ data: attrResource(attrs[attrs.length - 1], true) }, 201);
  });

  // The file host: where attachment URLs point (another origin than the API, no credentials).
  let keyedFileRequests = 0;
  fileHost.route('GET', '/files/:id', (req) => {
    if (req.headers['x-api-key']) keyedFileRequests++;
    for (const d of [
      ...[...candidates.values()].flatMap((c) => c.documents),
      ...[...applications.values()].flatMap((a) => a.attachments),
    ]) {
      if (String(d.id) === req.params.id) return { headers: { 'content-type': 'application/pdf' }, body: d.data };
    }
    return { status: 404, text: 'not found' };
  });

  await server.start();
  await fileHost.start();
  const base = `${server.url}/api/v1`;
  const liveCandidates = () => [...candidates.values()].filter((c) => !c.deleted);
  const visibleApps = () =>
    [...applications.values()].filter(
      (a) => !candidates.get(a.candidate)?.deleted && jobs.find((j) => j.id === a.job)!.visibility !== 'confidential',
    );

  return {
    tool: 'pinpoint',
    signingSecret,
    webhooks: {
      registered: () => [],
      /** The candidate's first application moves to Hired; `application_hired` goes to the pasted URL, signed with `manual.secret`. */
      async changeCandidate(candidateId, manual) {
        const app = [...applications.values()].find((a) => a.candidate === Number(candidateId));
        if (!app || !manual) return [];
        app.stage = stagesOfJob(app.job).find((s) => s.basic_type === 'hired')!.id;
        app.updated_at = iso(Date.now());
        // The shape Pinpoint's own example integration reads: {event, data: {application: {id}}}.
        const body = JSON.stringify({
          event: 'application_hired',
          data: { application: { id: app.id, candidate: { id: app.candidate } } },
        });
        const signature = createHmac('sha256', manual.secret).update(body).digest('base64');
        return deliveries.send([{ url: manual.url, headers: { 'pinpoint-hmac-sha256': signature }, body }]);
      },
      redeliverLast: () => deliveries.redeliverLast(),
    },
    userRemoteIds: () => users.map((u) => String(u.id)),
    tagsFor: () => [],
    applicationStatus: (id: string) => {
      const a = applications.get(Number(id));
      if (!a || candidates.get(a.candidate)?.deleted) return null;
      // The application's stage; a stage of the Rejected group is its rejection, the reason its tag of context "rejection".
      const rejected = stages.find((s) => s.id === a.stage)?.basic_type === 'rejected';
      return { stage: String(a.stage), rejected, reason: rejected ? (a.tags.find((t) => t.context === 'rejection')?.name ?? null) : null };
    },
    server,
    fileHost,
    url: base,
    credentials: { subdomain: 'acme', api_key: 'pp_live_7c1e90a4b2' },
    badCredentials: { subdomain: 'acme', api_key: `pp_wrong_${randomBytes(4).toString('hex')}` },
    disabledCredentials: { subdomain: 'acme', api_key: 'pp_disabled_11aa' },
    jobsOnlyCredentials: { subdomain: 'acme', api_key: 'pp_jobs_only_52f0' },
    async stop() {
      await fileHost.stop();
      await server.stop();
    },
    failNext(count, status) {
      failures = { n: count, status };
    },
    candidateRemoteIds: () => liveCandidates().map((c) => String(c.id)),
    // Applications of the confidential job are not listed by Pinpoint without filter[job_visibility].
    applicationRemoteIds: () => visibleApps().map((a) => String(a.id)),
    jobRemoteIds: () => jobs.map((j) => String(j.id)),
    deleteCandidate(remoteId) {
      const c = candidates.get(Number(remoteId));
      if (c) c.deleted = true;
    },
    resultTextFor(candidateId) {
      const id = Number(candidateId);
      const apps = [...applications.values()].filter((a) => a.candidate === id);
      const texts = apps.flatMap((a) => (comments.get(a.id) ?? []).map((c) => c.body_text));
      const values = attrs
        .filter(
          (x) =>
            (x.owner.type === 'candidates' && x.owner.id === id) ||
            (x.owner.type === 'applications' && apps.some((a) => a.id === x.owner.id)),
        )
        .map((x) => `${fields.find((f) => f.id === x.field)!.name}: ${x.value}`);
      return [...texts, ...values].join('\n');
    },
    filesFor: (candidateId) =>
      (candidates.get(Number(candidateId))?.documents ?? []).map((d) => ({ name: d.filename, type: 'document', data: d.data })),
    peakRate: () => Math.max(0, ...[...windows.values()].map((w) => w.peak)),
    commentsOn: (applicationId) => (comments.get(Number(applicationId)) ?? []).map((c) => c.body_text),
    customValues(type, id) {
      const out: Record<string, string> = {};
      for (const a of attrsOf(type, Number(id))) out[fields.find((f) => f.id === a.field)!.name] = a.value;
      return out;
    },
    applicationsOf: (candidateId) =>
      visibleApps()
        .filter((a) => String(a.candidate) === candidateId)
        .map((a) => String(a.id)),
    fileRequestsWithKey: () => keyedFileRequests,
  };
}
