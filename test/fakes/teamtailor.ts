/**
 * A fake of the slice of Teamtailor's public API v1 the connector uses, written from Teamtailor's
 * own sources: the docs repository Teamtailor/docs (`source/includes/*`, commit 435312b, the
 * source of docs.teamtailor.com) and the official gem Teamtailor/teamtailor-rb (commit 1932771:
 * request.rb, error.rb, spec/teamtailor/request_spec.rb, spec/fixtures/v1/*). Teamtailor
 * publishes no machine-readable spec, so there is no spec check; every request must match a row
 * of the connector's provenance table (`provenance: 'teamtailor'`). Served as JSON:API documents
 * the way Teamtailor serves them:
 *  - auth `Authorization: Token token=<key>` and a required `X-Api-Version` header (docs
 *    `_auth`, `_versioning`): a missing or unknown version is a 406 whose `errors` is an array
 *    naming the current version, 20161108 (teamtailor-rb request_spec.rb); any dated version
 *    from 20161108 to today is accepted unless `apiVersions` lists the only valid ones;
 *  - Admin vs Public key scopes (Public keys only reach jobs/departments/locations);
 *  - `page[number]` + `page[size]` (default 10, max 30) with `links.first/prev/next/last` and
 *    `meta.record-count/page-count` (https://docs.teamtailor.com/#pagination);
 *  - relationship linkage (`data`) only for relationships named in `include`, plus `included`;
 *  - `X-Rate-Limit-Limit/-Remaining/-Reset` on every response (#rate-limit), 429 when over;
 *  - JSON:API error bodies `{ errors: [{ title, detail, status, source }] }` (406 included);
 *  - writes need `Content-Type: application/vnd.api+json` (415 otherwise);
 *  - uploads take a public `url` that Teamtailor downloads itself (#uploads); file URLs it hands
 *    out are signed and expire (uploads: 1 minute, resume: 30 seconds).
 * State lives in memory; tests read what was written through the accessors.
 */
import { FakeServer, WindowCounter, type FakeRequest, type FakeResponse } from './server.ts';
import type { VendorFake } from './types.ts';
import { createHmac, randomBytes } from 'node:crypto';
import { SubscriptionList, type FakeVendorWebhooks } from './webhook-sender.ts';

export const TEAMTAILOR_ADMIN_KEY = 'tt-admin-rw-4f9c2b';
export const TEAMTAILOR_PUBLIC_KEY = 'tt-public-r-77aa01';

export interface TeamtailorFakeOptions {
  /** Largest `page[size]` accepted (Teamtailor: 30). */
  maxPageSize?: number;
  /**
   * Teamtailor documents the X-Rate-Limit-* headers but no number (docs `_rate_limit`: the values
   * are "static"); this fake's limit is a test device, not Teamtailor's: 50 per 10 s by default.
   */
  rateLimit?: { limit: number; windowMs: number };
  /** The only X-Api-Version values accepted (default: any dated version from 20161108 to today). */
  apiVersions?: string[];
  /** `none`: candidates carry no relationship links (the connector then builds the conventional path). */
  relationshipLinks?: 'related' | 'none';
  /** X-Rate-Limit-Reset (seconds) sent with injected 429s. */
  retryAfterSeconds?: number;
  candidateCount?: number;
}

// --------------------------------------------------------------------------------------------
// In-memory records
// --------------------------------------------------------------------------------------------

export interface TtCandidate {
  id: string;
  firstName: string;
  lastName: string;
  email: string;
  phone: string | null;
  linkedinUrl: string | null;
  tags: string[];
  referringSite: string | null;
  createdAt: string;
  updatedAt: string;
  resume: Buffer | null;
}
export interface TtJob {
  id: string;
  title: string;
  body: string;
  status: string;
  internal: boolean;
  departmentId: string | null;
  createdAt: string;
  updatedAt: string;
}
export interface TtStage {
  id: string;
  jobId: string;
  name: string;
  stageType: 'Inbox' | 'In process' | 'Hired';
  rowOrder: number;
}
export interface TtApplication {
  id: string;
  candidateId: string;
  jobId: string;
  stageId: string;
  rejectedAt: string | null;
  rejectReasonId: string | null;
  createdAt: string;
  updatedAt: string;
}
export interface TtCustomField {
  id: string;
  name: string;
  apiName: string;
  fieldType: string;
  ownerType: 'Candidate' | 'Job';
}
export interface TtCustomFieldValue {
  id: string;
  fieldId: string;
  candidateId: string;
  value: string;
}
export interface TtNote {
  id: string;
  candidateId: string;
  userId: string;
  note: string;
  createdAt: string;
}
export interface TtUpload {
  id: string;
  candidateId: string;
  fileName: string;
  contentType: string;
  data: Buffer;
  sourceUrl: string | null;
  internal: boolean;
  createdAt: string;
}
export interface TtUser {
  id: string;
  name: string;
  email: string;
  role: string;
}

export interface TeamtailorFake extends VendorFake {
  adminKey: string;
  publicKey: string;
  candidates: Map<string, TtCandidate>;
  applications: Map<string, TtApplication>;
  jobs: Map<string, TtJob>;
  stages: Map<string, TtStage>;
  customFields: Map<string, TtCustomField>;
  customFieldValues: Map<string, TtCustomFieldValue>;
  notes: TtNote[];
  uploads: Map<string, TtUpload>;
  users: Map<string, TtUser>;
  /** The next n requests matching method and path fail with `status`. */
  failNextMatching(n: number, status: 429 | 500 | 503, method: string, path: RegExp): void;
  /** The signature key Teamtailor generates for a Company Webhook (the customer pastes it into atsgate). */
  webhookKey: string;
  /** The Company Webhook's signature version setting (v2 unless a test picks the deprecated v1). */
  setWebhookSignatureVersion(v: 'v1' | 'v2'): void;
}

const JSON_API = 'application/vnd.api+json';
/** docs config.rb `api_version`; the changelog's only "New version" entry (2016-11-08). */
const CURRENT_API_VERSION = '20161108';
const PUBLIC_SCOPE = /^\/v1\/(jobs|departments|locations)(\/|$)/;

function iso(base: number, hours: number): string {
  return new Date(base + hours * 3_600_000).toISOString();
}

export async function startTeamtailorFake(opts: TeamtailorFakeOptions = {}): Promise<TeamtailorFake> {
  const maxPageSize = opts.maxPageSize ?? 30;
  const counter = new WindowCounter(opts.rateLimit?.limit ?? 50, opts.rateLimit?.windowMs ?? 10_000);
  const retryAfterSeconds = opts.retryAfterSeconds ?? 1;
  /** Dated versions: no public list exists; "today's date" is reported to work (airbyte's docs). */
  const acceptsVersion = (v: string) => {
    if (opts.apiVersions) return opts.apiVersions.includes(v);
    if (!/^\d{8}$/.test(v)) return false;
    const today = new Date().toISOString().slice(0, 10).replace(/-/g, '');
    return v >= CURRENT_API_VERSION && v <= today;
  };
  const server = new FakeServer({ provenance: 'teamtailor' });
  await server.start();
  const apiBase = `${server.url}/v1`;

  // ------------------------------------------------------------------------------------------
  // Seed (deterministic)
  // ------------------------------------------------------------------------------------------
  const T0 = Date.UTC(2026, 0, 5, 9, 0, 0);
  const departments = new Map([
    ['1', 'Engineering'],
    ['2', 'Sales'],
  ]);
  const rejectReasons = new Map([
    ['201', 'Not a fit'],
    ['202', 'Withdrew'],
  ]);
  const users = new Map<string, TtUser>([
    ['11', { id: '11', name: 'Ruth Recruiter', email: 'ruth@acme.example', role: 'user' }],
    ['12', { id: '12', name: 'Ada Admin', email: 'ada@acme.example', role: 'admin' }],
    ['13', { id: '13', name: 'Hank Hiring', email: 'hank@acme.example', role: 'admin' }],
    // A user who may not sign in [TT-DOCS users/_index role `no_access`].
    ['14', { id: '14', name: 'Olle Offboarded', email: 'olle@acme.example', role: 'no_access' }],
  ]);
  const jobs = new Map<string, TtJob>([
    [
      '101',
      {
        id: '101',
        title: 'Backend Engineer',
        body: '<p>Build APIs</p>',
        status: 'open',
        internal: false,
        departmentId: '1',
        createdAt: iso(T0, -900),
        updatedAt: iso(T0, -10),
      },
    ],
    [
      '102',
      {
        id: '102',
        title: 'Account Executive',
        body: '<p>Sell</p>',
        status: 'unlisted',
        internal: false,
        departmentId: '2',
        createdAt: iso(T0, -800),
        updatedAt: iso(T0, -9),
      },
    ],
    [
      '103',
      {
        id: '103',
        title: 'Office Manager',
        body: '<p>Run the office</p>',
        status: 'archived',
        internal: true,
        departmentId: null,
        createdAt: iso(T0, -1900),
        updatedAt: iso(T0, -700),
      },
    ],
  ]);
  const stages = new Map<string, TtStage>();
  let stageId = 1000;
  for (const job of jobs.values()) {
    // Listed out of pipeline order on purpose: row-order decides the order.
    for (const [name, stageType, rowOrder] of [
      ['Hired', 'Hired', 3000],
      ['Inbox', 'Inbox', 0],
      ['Interview', 'In process', 2000],
      ['Screening', 'In process', 1000],
    ] as const) {
      const id = String(++stageId);
      stages.set(id, { id, jobId: job.id, name, stageType, rowOrder });
    }
  }
  const stageOf = (jobId: string, name: string) => [...stages.values()].find((s) => s.jobId === jobId && s.name === name)!.id;

  const customFields = new Map<string, TtCustomField>([
    ['301', { id: '301', name: 'Acme: Score', apiName: 'acme_score', fieldType: 'CustomField::Text', ownerType: 'Candidate' }],
    ['302', { id: '302', name: 'Acme: Report', apiName: 'acme_report', fieldType: 'CustomField::Url', ownerType: 'Candidate' }],
    ['303', { id: '303', name: 'Acme: Passed', apiName: 'acme_passed', fieldType: 'CustomField::Checkbox', ownerType: 'Candidate' }],
    [
      '304',
      { id: '304', name: 'Salary expectation', apiName: 'salary_expectation', fieldType: 'CustomField::Text', ownerType: 'Candidate' },
    ],
    ['305', { id: '305', name: 'Acme: Level', apiName: 'acme_level', fieldType: 'CustomField::Text', ownerType: 'Job' }],
  ]);

  const candidates = new Map<string, TtCandidate>();
  const applications = new Map<string, TtApplication>();
  const firstNames = ['Alma', 'Bo', 'Cleo', 'Dag', 'Edith', 'Frans', 'Greta', 'Hugo', 'Ines', 'Jon'];
  const lastNames = ['Andersson', 'Berg', 'Carlsson', 'Dahl', 'Ek', 'Falk', 'Gran', 'Holm'];
  let appId = 7000;
  const count = opts.candidateCount ?? 70;
  for (let i = 0; i < count; i++) {
    const id = String(5001 + i);
    const first = firstNames[i % firstNames.length];
    const last = lastNames[i % lastNames.length];
    candidates.set(id, {
      id,
      firstName: first,
      lastName: last,
      email: `${first}.${last}.${i}@candidates.example`.toLowerCase(),
      phone: i % 3 === 0 ? `+46 70 000 ${String(i).padStart(4, '0')}` : null,
      linkedinUrl: i % 4 === 0 ? `https://www.linkedin.com/in/${first.toLowerCase()}-${i}` : null,
      tags: i % 5 === 0 ? ['senior', 'remote'] : [],
      referringSite: i % 2 === 0 ? 'LinkedIn' : 'Teamtailor',
      createdAt: iso(T0, i - 200),
      updatedAt: iso(T0, i),
      resume: i % 5 === 1 ? Buffer.from(`%PDF-1.4\nresume of ${first} ${last}\n%%EOF\n`) : null,
    });
    const jobId = i % 2 === 0 ? '101' : '102';
    const stageName = ['Inbox', 'Screening', 'Interview', 'Hired'][i % 4];
    const rejected = i % 9 === 4;
    const a1 = String(++appId);
    applications.set(a1, {
      id: a1,
      candidateId: id,
      jobId,
      stageId: stageOf(jobId, stageName),
      rejectedAt: rejected ? iso(T0, i + 1) : null,
      rejectReasonId: rejected ? '201' : null,
      createdAt: iso(T0, i - 100),
      updatedAt: iso(T0, i),
    });
    if (i % 7 === 3) {
      const other = jobId === '101' ? '102' : '101';
      const a2 = String(++appId);
      applications.set(a2, {
        id: a2,
        candidateId: id,
        jobId: other,
        stageId: stageOf(other, 'Inbox'),
        rejectedAt: null,
        rejectReasonId: null,
        createdAt: iso(T0, i - 50),
        updatedAt: iso(T0, i),
      });
    }
  }
  const customFieldValues = new Map<string, TtCustomFieldValue>([
    ['401', { id: '401', fieldId: '301', candidateId: '5001', value: '50' }],
    ['402', { id: '402', fieldId: '304', candidateId: '5002', value: '55k EUR' }],
  ]);
  const notes: TtNote[] = [];
  const uploads = new Map<string, TtUpload>([
    [
      '601',
      {
        id: '601',
        candidateId: '5003',
        fileName: 'portfolio.pdf',
        contentType: 'application/pdf',
        data: Buffer.from('%PDF-1.4 portfolio'),
        sourceUrl: null,
        internal: false,
        createdAt: iso(T0, -5),
      },
    ],
  ]);
  let nextId = 9000;
  const newId = () => String(++nextId);

  // Signed, expiring file URLs (Teamtailor hands out S3 URLs valid for 30 s / 1 min).
  const signedFiles = new Map<string, { data: Buffer; contentType: string; expiresAt: number }>();
  const signFile = (data: Buffer, contentType: string, ttlMs: number) => {
    const key = `f${newId()}`;
    signedFiles.set(key, { data, contentType, expiresAt: Date.now() + ttlMs });
    return `${server.url}/files/${key}?X-Amz-Expires=${Math.round(ttlMs / 1000)}&X-Amz-Signature=fake`;
  };

  // ------------------------------------------------------------------------------------------
  // JSON:API serialisation
  // ------------------------------------------------------------------------------------------
  type Rel = { type: string; ids: string | string[] | null };
  interface TypeDef {
    attrs(id: string): Record<string, unknown> | null;
    rels(id: string): Record<string, Rel>;
    links?(id: string): Record<string, string>;
  }

  const types: Record<string, TypeDef> = {
    candidates: {
      attrs: (id) => {
        const c = candidates.get(id);
        if (!c) return null;
        return {
          connected: false,
          'created-at': c.createdAt,
          email: c.email,
          'first-name': c.firstName,
          'last-name': c.lastName,
          'linkedin-url': c.linkedinUrl,
          phone: c.phone,
          pitch: null,
          'referring-site': c.referringSite,
          'referring-url': null,
          referred: false,
          resume: c.resume ? signFile(c.resume, 'application/pdf', 30_000) : null,
          sourced: false,
          unsubscribed: false,
          'updated-at': c.updatedAt,
          tags: c.tags,
        };
      },
      rels: (id) => ({
        'job-applications': {
          type: 'job-applications',
          ids: [...applications.values()].filter((a) => a.candidateId === id).map((a) => a.id),
        },
        'custom-field-values': {
          type: 'custom-field-values',
          ids: [...customFieldValues.values()].filter((v) => v.candidateId === id).map((v) => v.id),
        },
        uploads: { type: 'uploads', ids: [...uploads.values()].filter((u) => u.candidateId === id).map((u) => u.id) },
        department: { type: 'departments', ids: null },
      }),
    },
    'job-applications': {
      attrs: (id) => {
        const a = applications.get(id);
        if (!a) return null;
        return {
          'created-at': a.createdAt,
          'updated-at': a.updatedAt,
          'rejected-at': a.rejectedAt,
          'cover-letter': null,
          'referring-site': null,
          sourced: false,
          'changed-stage-at': a.updatedAt,
        };
      },
      rels: (id) => {
        const a = applications.get(id)!;
        return {
          candidate: { type: 'candidates', ids: a.candidateId },
          job: { type: 'jobs', ids: a.jobId },
          stage: { type: 'stages', ids: a.stageId },
          'reject-reason': { type: 'reject-reasons', ids: a.rejectReasonId },
        };
      },
    },
    jobs: {
      attrs: (id) => {
        const j = jobs.get(id);
        if (!j) return null;
        return {
          title: j.title,
          body: j.body,
          status: j.status,
          'human-status': j.status === 'open' ? 'published' : j.status,
          internal: j.internal,
          'created-at': j.createdAt,
          'updated-at': j.updatedAt,
          'start-date': null,
          'end-date': null,
          tags: [],
          pinned: false,
        };
      },
      rels: (id) => ({
        department: { type: 'departments', ids: jobs.get(id)!.departmentId },
        stages: { type: 'stages', ids: [...stages.values()].filter((s) => s.jobId === id).map((s) => s.id) },
      }),
      links: (id) => ({ 'careersite-job-url': `https://career.acme.example/jobs/${id}` }),
    },
    stages: {
      attrs: (id) => {
        const s = stages.get(id);
        return s ? { name: s.name, 'stage-type': s.stageType, 'row-order': s.rowOrder } : null;
      },
      rels: (id) => ({ job: { type: 'jobs', ids: stages.get(id)!.jobId } }),
    },
    departments: { attrs: (id) => (departments.has(id) ? { name: departments.get(id) } : null), rels: () => ({}) },
    'reject-reasons': {
      attrs: (id) => (rejectReasons.has(id) ? { reason: rejectReasons.get(id), 'rejected-by-company': id !== '202' } : null),
      rels: () => ({}),
    },
    'custom-fields': {
      attrs: (id) => {
        const f = customFields.get(id);
        return f ? { name: f.name, 'api-name': f.apiName, 'field-type': f.fieldType, 'owner-type': f.ownerType } : null;
      },
      rels: () => ({}),
    },
    'custom-field-values': {
      attrs: (id) => {
        const v = customFieldValues.get(id);
        return v ? { value: v.value, 'field-type': customFields.get(v.fieldId)?.fieldType } : null;
      },
      rels: (id) => {
        const v = customFieldValues.get(id)!;
        return { 'custom-field': { type: 'custom-fields', ids: v.fieldId }, owner: { type: 'candidates', ids: v.candidateId } };
      },
    },
    uploads: {
      attrs: (id) => {
        const u = uploads.get(id);
        // docs uploads/_index: url (signed, 1 minute), file-name, internal — no timestamps.
        return u ? { url: signFile(u.data, u.contentType, 60_000), 'file-name': u.fileName, internal: u.internal } : null;
      },
      rels: (id) => ({ candidate: { type: 'candidates', ids: uploads.get(id)!.candidateId }, job: { type: 'jobs', ids: null } }),
    },
    users: {
      attrs: (id) => {
        const u = users.get(id);
        return u ? { name: u.name, email: u.email, role: u.role } : null;
      },
      rels: () => ({}),
    },
    notes: {
      attrs: (id) => {
        const n = notes.find((x) => x.id === id);
        return n
          ? {
              note: n.note,
              'created-at': n.createdAt,
              'updated-at': n.createdAt,
              'candidate-id': Number(n.candidateId),
              'user-id': Number(n.userId),
              'private-note': false,
            }
          : null;
      },
      rels: () => ({}),
    },
  };

  type IncludeTree = Map<string, IncludeTree>;
  /** `a.b,c` → { a: { b }, c }; unknown relationships are a 400, as in Teamtailor. */
  function parseInclude(type: string, raw: string | null): IncludeTree | string {
    const tree: IncludeTree = new Map();
    if (!raw) return tree;
    for (const path of raw
      .split(',')
      .map((p) => p.trim())
      .filter(Boolean)) {
      let node = tree;
      let nodeType = type;
      for (const part of path.split('.')) {
        const target = REL_TYPES[nodeType]?.[part];
        if (!target) return `${path} is not a valid includable relationship of ${type}`;
        if (!node.has(part)) node.set(part, new Map());
        node = node.get(part)!;
        nodeType = target;
      }
    }
    return tree;
  }
  /** Relationship names and target types per resource type (what `include` may name). */
  const REL_TYPES: Record<string, Record<string, string>> = {
    candidates: {
      'job-applications': 'job-applications',
      'custom-field-values': 'custom-field-values',
      uploads: 'uploads',
      department: 'departments',
    },
    'job-applications': { candidate: 'candidates', job: 'jobs', stage: 'stages', 'reject-reason': 'reject-reasons' },
    jobs: { department: 'departments', stages: 'stages' },
    stages: { job: 'jobs' },
    'custom-field-values': { 'custom-field': 'custom-fields', owner: 'candidates' },
    uploads: { candidate: 'candidates', job: 'jobs' },
  };

  function serialize(type: string, id: string, tree: IncludeTree, included: Map<string, unknown>): Record<string, unknown> {
    const def = types[type];
    const relationships: Record<string, unknown> = {};
    for (const [name, rel] of Object.entries(def.rels(id))) {
      const entry: Record<string, unknown> =
        opts.relationshipLinks === 'none'
          ? {}
          : { links: { self: `${apiBase}/${type}/${id}/relationships/${name}`, related: `${apiBase}/${type}/${id}/${name}` } };
      const sub = tree.get(name);
      if (sub) {
        const ids = rel.ids === null ? null : Array.isArray(rel.ids) ? rel.ids : [rel.ids];
        entry.data =
          ids === null ? null : Array.isArray(rel.ids) ? ids.map((x) => ({ id: x, type: rel.type })) : { id: ids[0], type: rel.type };
        for (const childId of ids ?? []) {
          const key = `${rel.type}:${childId}`;
          if (!included.has(key) && types[rel.type].attrs(childId)) {
            included.set(key, null); // reserve: cycles end here
            included.set(key, serialize(rel.type, childId, sub, included));
          }
        }
      }
      relationships[name] = entry;
    }
    return { id, type, links: { self: `${apiBase}/${type}/${id}`, ...def.links?.(id) }, attributes: def.attrs(id), relationships };
  }

  function docOne(type: string, id: string, req: FakeRequest, status = 200): FakeResponse {
    const tree = parseInclude(type, req.query.get('include'));
    if (typeof tree === 'string') return error(400, 'Invalid field', tree);
    const included = new Map<string, unknown>();
    const data = serialize(type, id, tree, included);
    const body: Record<string, unknown> = { data };
    if (tree.size) body.included = [...included.values()];
    return { status, json: body };
  }

  /** https://docs.teamtailor.com/#pagination */
  function docList(type: string, ids: string[], req: FakeRequest): FakeResponse {
    const tree = parseInclude(type, req.query.get('include'));
    if (typeof tree === 'string') return error(400, 'Invalid field', tree);
    const sizeRaw = req.query.get('page[size]') ?? '10';
    const numberRaw = req.query.get('page[number]') ?? '1';
    const size = Number(sizeRaw);
    const number = Number(numberRaw);
    if (!Number.isInteger(size) || size < 1 || size > maxPageSize)
      return error(400, 'Invalid page value', `${sizeRaw} is not a valid value for size page parameter.`);
    if (!Number.isInteger(number) || number < 1)
      return error(400, 'Invalid page value', `${numberRaw} is not a valid value for number page parameter.`);
    const sorted = [...ids].sort((a, b) => Number(a) - Number(b));
    const pageCount = Math.max(1, Math.ceil(sorted.length / size));
    const included = new Map<string, unknown>();
    const data = sorted.slice((number - 1) * size, number * size).map((id) => serialize(type, id, tree, included));
    const link = (n: number) => {
      const u = new URL(`${server.url}${req.path}`);
      for (const [k, v] of req.query) u.searchParams.set(k, v);
      u.searchParams.set('page[number]', String(n));
      u.searchParams.set('page[size]', String(size));
      return u.toString();
    };
    const links: Record<string, string> = { first: link(1), last: link(pageCount) };
    if (number > 1) links.prev = link(number - 1);
    if (number < pageCount) links.next = link(number + 1);
    const body: Record<string, unknown> = { data, meta: { 'record-count': sorted.length, 'page-count': pageCount }, links };
    if (tree.size) body.included = [...included.values()];
    return { json: body };
  }

  function error(status: number, title: string, detail: string, pointer?: string): FakeResponse {
    return { status, json: { errors: [{ title, detail, status: String(status), ...(pointer ? { source: { pointer } } : {}) }] } };
  }
  const invalid = (attr: string, message: string, pointer: string) => error(422, message, `${attr} - ${message}`, pointer);
  const notFound = (id: string) => error(404, 'Record not found', `The record identified by ${id} could not be found.`);

  /** Delta filters: `filter[updated-at][from]`. */
  function updatedFrom(req: FakeRequest): number | null | 'bad' {
    const raw = req.query.get('filter[updated-at][from]');
    if (!raw) return null;
    const t = Date.parse(raw);
    return Number.isNaN(t) ? 'bad' : t;
  }

  function linkage(body: any, name: string, type: string): string | null {
    const d = body?.data?.relationships?.[name]?.data;
    if (!d || typeof d !== 'object' || d.id === undefined || d.id === null) return null;
    if (d.type !== undefined && d.type !== type) return null;
    return String(d.id);
  }

  function checkType(req: FakeRequest, type: string): FakeResponse | null {
    if (req.json === Symbol.for('invalid') || !req.json || typeof req.json !== 'object' || !req.json.data)
      return error(400, 'Bad Request', 'The request body must be a JSON:API document with a "data" member.');
    if (req.json.data.type !== type) return error(400, 'Invalid resource', `${String(req.json.data.type)} is not a valid resource.`);
    return null;
  }

  function valueError(field: TtCustomField, value: unknown): string | null {
    if (value === undefined || value === null || String(value).trim() === '') return "can't be blank";
    const v = String(value);
    switch (field.fieldType) {
      case 'CustomField::Url':
        return /^https?:\/\/\S+$/.test(v) ? null : 'is not a valid URL';
      case 'CustomField::Checkbox':
        return v === 'true' || v === 'false' ? null : 'must be true or false';
      case 'CustomField::Email':
        return /^[^\s@]+@[^\s@]+$/.test(v) ? null : 'is not a valid email';
      default:
        return null;
    }
  }

  const touch = (candidateId: string) => {
    const c = candidates.get(candidateId);
    if (c) c.updatedAt = new Date().toISOString();
  };

  // ------------------------------------------------------------------------------------------
  // Cross-cutting checks: auth, version, scope, rate limit, injected faults, media type
  // ------------------------------------------------------------------------------------------
  const injected: { n: number; status: number; method?: string; path?: RegExp }[] = [];
  const rateHeaders = new WeakMap<FakeRequest, Record<string, string>>();
  let peak = 0;

  server.before = (req) => {
    if (req.path.startsWith('/files/')) return undefined; // signed storage URLs need no API key
    const hit = counter.hit();
    peak = Math.max(peak, hit.count);
    const headers: Record<string, string> = {
      'x-rate-limit-limit': String(counter.limit),
      'x-rate-limit-remaining': String(Math.max(0, counter.limit - hit.count)),
      'x-rate-limit-reset': String(Math.max(1, Math.ceil(hit.resetMs / 1000))),
      'content-type': JSON_API,
    };
    rateHeaders.set(req, headers);
    const fault = injected.find((f) => f.n > 0 && (!f.method || f.method === req.method) && (!f.path || f.path.test(req.path)));
    if (fault) {
      fault.n--;
      if (fault.status === 429) {
        return {
          status: 429,
          headers: { ...headers, 'x-rate-limit-remaining': '0', 'x-rate-limit-reset': String(retryAfterSeconds) },
          json: { errors: [{ title: 'Too many requests', detail: 'Rate limit exceeded', status: '429' }] },
        };
      }
      return {
        status: fault.status,
        headers,
        json: { errors: [{ title: 'Internal server error', detail: 'Something went wrong', status: String(fault.status) }] },
      };
    }
    if (hit.over) {
      return {
        status: 429,
        headers: { ...headers, 'x-rate-limit-remaining': '0' },
        json: { errors: [{ title: 'Too many requests', detail: 'Rate limit exceeded', status: '429' }] },
      };
    }
    const auth = String(req.headers.authorization ?? '');
    const key = /^Token token=(.+)$/.exec(auth)?.[1];
    if (key !== TEAMTAILOR_ADMIN_KEY && key !== TEAMTAILOR_PUBLIC_KEY) {
      return { status: 401, headers, json: { errors: [{ title: 'Unauthorized', detail: 'Invalid or missing API key', status: '401' }] } };
    }
    const version = String(req.headers['x-api-version'] ?? '');
    if (!acceptsVersion(version)) {
      // The body of teamtailor-rb's 406 fixture (spec/teamtailor/request_spec.rb).
      return {
        status: 406,
        headers,
        json: {
          errors: [
            {
              status: 406,
              title: 'Invalid/Missing API Version',
              detail: `Please provide a correct API version in the X-Api-Version header. Current version is: ${CURRENT_API_VERSION}`,
            },
          ],
        },
      };
    }
    headers['x-api-version'] = version; // Teamtailor echoes the version it used
    if (key === TEAMTAILOR_PUBLIC_KEY && !PUBLIC_SCOPE.test(req.path)) {
      return {
        status: 403,
        headers,
        json: {
          errors: [
            { title: 'Forbidden', detail: 'Your API key does not have access to this resource (requires Admin scope)', status: '403' },
          ],
        },
      };
    }
    if ((req.method === 'POST' || req.method === 'PATCH') && !String(req.headers['content-type'] ?? '').startsWith(JSON_API)) {
      return {
        status: 415,
        headers,
        json: {
          errors: [
            {
              title: 'Unsupported media type',
              detail: `All requests that create or update must use the '${JSON_API}' Content-Type. This request specified '${String(req.headers['content-type'] ?? '')}'.`,
              status: '415',
            },
          ],
        },
      };
    }
    return undefined;
  };

  /** Adds the headers every Teamtailor response carries. */
  const route = (method: string, path: string, handler: (req: FakeRequest) => FakeResponse | Promise<FakeResponse>) =>
    server.route(method, path, async (req) => {
      const res = await handler(req);
      return { ...res, headers: { ...rateHeaders.get(req), ...res.headers } };
    });

  // ------------------------------------------------------------------------------------------
  // Routes
  // ------------------------------------------------------------------------------------------

  // https://docs.teamtailor.com/#list-candidates (filter[updated-at][from], include, sort by id)
  route('GET', '/v1/candidates', (req) => {
    const from = updatedFrom(req);
    if (from === 'bad') return error(400, 'Invalid filter value', 'updated-at is not a valid date.');
    const email = req.query.get('filter[email]');
    const ids = [...candidates.values()]
      .filter((c) => (from === null || Date.parse(c.updatedAt) >= from) && (!email || c.email === email))
      .map((c) => c.id);
    return docList('candidates', ids, req);
  });
  // https://docs.teamtailor.com/#get-candidate
  route('GET', '/v1/candidates/:id', (req) =>
    candidates.has(req.params.id) ? docOne('candidates', req.params.id, req) : notFound(req.params.id),
  );
  // Relationship "related" links of a candidate: the `links.related` URLs Teamtailor hands out
  // (docs candidates/_list example; teamtailor-rb spec/fixtures/v1/candidate.json for uploads).
  for (const [rel, type] of [
    ['job-applications', 'job-applications'],
    ['custom-field-values', 'custom-field-values'],
    ['uploads', 'uploads'],
  ] as const) {
    route('GET', `/v1/candidates/:id/${rel}`, (req) => {
      if (!candidates.has(req.params.id)) return notFound(req.params.id);
      return docList(type, types.candidates.rels(req.params.id)[rel].ids as string[], req);
    });
  }

  // https://docs.teamtailor.com/#list-job-applications (filter[updated-at][from], include)
  route('GET', '/v1/job-applications', (req) => {
    const from = updatedFrom(req);
    if (from === 'bad') return error(400, 'Invalid filter value', 'updated-at is not a valid date.');
    return docList(
      'job-applications',
      [...applications.values()].filter((a) => from === null || Date.parse(a.updatedAt) >= from).map((a) => a.id),
      req,
    );
  });

  // https://docs.teamtailor.com/#list-jobs (filter[status] defaults to "published")
  route('GET', '/v1/jobs', (req) => {
    const status = req.query.get('filter[status]') ?? 'published';
    const ids = [...jobs.values()]
      .filter((j) => status === 'all' || (status === 'published' ? j.status === 'open' : j.status === status))
      .map((j) => j.id);
    return docList('jobs', ids, req);
  });
  // https://docs.teamtailor.com/#stages
  route('GET', '/v1/stages', (req) => docList('stages', [...stages.keys()], req));
  // https://docs.teamtailor.com/#list-custom-fields
  route('GET', '/v1/custom-fields', (req) => docList('custom-fields', [...customFields.keys()], req));
  // https://docs.teamtailor.com/#users
  route('GET', '/v1/users', (req) => docList('users', [...users.keys()], req));

  // https://docs.teamtailor.com/#create-custom-field-value
  route('POST', '/v1/custom-field-values', (req) => {
    const bad = checkType(req, 'custom-field-values');
    if (bad) return bad;
    const fieldId = linkage(req.json, 'custom-field', 'custom-fields');
    const ownerId = linkage(req.json, 'owner', 'candidates');
    const field = fieldId ? customFields.get(fieldId) : undefined;
    if (!field) return invalid('custom-field', 'must exist', '/data/relationships/custom-field');
    if (!ownerId || !candidates.has(ownerId)) return invalid('owner', 'must exist', '/data/relationships/owner');
    if (field.ownerType !== 'Candidate') return invalid('owner', 'is not a valid owner for this custom field', '/data/relationships/owner');
    const value = req.json.data.attributes?.value;
    const problem = valueError(field, value);
    if (problem) return invalid('value', problem, '/data/attributes/value');
    if ([...customFieldValues.values()].some((v) => v.fieldId === field.id && v.candidateId === ownerId)) {
      return invalid('custom-field', 'has already been taken', '/data/relationships/custom-field');
    }
    const id = newId();
    customFieldValues.set(id, { id, fieldId: field.id, candidateId: ownerId, value: String(value) });
    touch(ownerId);
    return docOne('custom-field-values', id, req, 201);
  });
  // https://docs.teamtailor.com/#update-custom-field-value
  route('PATCH', '/v1/custom-field-values/:id', (req) => {
    const existing = customFieldValues.get(req.params.id);
    if (!existing) return notFound(req.params.id);
    const bad = checkType(req, 'custom-field-values');
    if (bad) return bad;
    if (String(req.json.data.id) !== req.params.id)
      return error(400, 'Key is not included in URL', `The URL does not support the key ${String(req.json.data.id)}`);
    const value = req.json.data.attributes?.value;
    const problem = valueError(customFields.get(existing.fieldId)!, value);
    if (problem) return invalid('value', problem, '/data/attributes/value');
    existing.value = String(value);
    touch(existing.candidateId);
    return docOne('custom-field-values', existing.id, req);
  });

  // https://docs.teamtailor.com/#update-candidate: JSON:API attributes; `tags` (an array of text, not
  // read-only) is set whole. The fake takes only attributes the docs list as writable for candidates
  // that atsgate may send; an unknown or read-only one is a 422 like any invalid attribute.
  route('PATCH', '/v1/candidates/:id', (req) => {
    const c = candidates.get(req.params.id);
    if (!c) return notFound(req.params.id);
    const bad = checkType(req, 'candidates');
    if (bad) return bad;
    if (String(req.json.data.id) !== req.params.id)
      return error(400, 'Key is not included in URL', `The URL does not support the key ${String(req.json.data.id)}`);
    const attrs = req.json.data.attributes ?? {};
    for (const key of Object.keys(attrs))
      if (!['tags', 'first-name', 'last-name', 'pitch', 'phone'].includes(key))
        return invalid(key, 'is not a writable attribute', `/data/attributes/${key}`);
    if ('tags' in attrs) {
      if (!Array.isArray(attrs.tags) || attrs.tags.some((t: unknown) => typeof t !== 'string'))
        return invalid('tags', 'must be an array of strings', '/data/attributes/tags');
      c.tags = [...new Set(attrs.tags as string[])];
    }
    touch(c.id);
    return docOne('candidates', c.id, req);
  });

  // https://docs.teamtailor.com/#list-reject-reasons (Admin scope)
  route('GET', '/v1/reject-reasons', (req) => docList('reject-reasons', [...rejectReasons.keys()], req));

  // https://docs.teamtailor.com/#update-job-application: attributes and relationships of the job
  // application; `stage` must be a stage of the application's job, `reject-reason` an existing
  // reason; `rejected-at` null re-opens the application.
  route('PATCH', '/v1/job-applications/:id', (req) => {
    const a = applications.get(req.params.id);
    if (!a) return notFound(req.params.id);
    const bad = checkType(req, 'job-applications');
    if (bad) return bad;
    if (String(req.json.data.id) !== req.params.id)
      return error(400, 'Key is not included in URL', `The URL does not support the key ${String(req.json.data.id)}`);
    const attrs = req.json.data.attributes ?? {};
    const unknownAttr = Object.keys(attrs).filter((k) => !['cover-letter', 'rejected-at', 'sourced'].includes(k));
    if (unknownAttr.length) return error(400, 'Param not allowed', `${unknownAttr[0]} is not allowed.`);
    const rels = req.json.data.relationships ?? {};
    const unknownRel = Object.keys(rels).filter((k) => !['stage', 'reject-reason'].includes(k));
    if (unknownRel.length) return error(400, 'Param not allowed', `${unknownRel[0]} is not allowed.`);
    let stageId = a.stageId;
    if (rels.stage) {
      const id = linkage(req.json, 'stage', 'stages');
      const stage = id ? stages.get(id) : undefined;
      if (!stage || stage.jobId !== a.jobId)
        return invalid('stage', "must be a stage of the application's job", '/data/relationships/stage');
      stageId = stage.id;
    }
    let reasonId = a.rejectReasonId;
    if (rels['reject-reason']) {
      const id = linkage(req.json, 'reject-reason', 'reject-reasons');
      if (!id || !rejectReasons.has(id)) return invalid('reject-reason', 'must exist', '/data/relationships/reject-reason');
      reasonId = id;
    }
    let rejectedAt = a.rejectedAt;
    if ('rejected-at' in attrs) {
      const v = attrs['rejected-at'];
      if (v !== null && (typeof v !== 'string' || Number.isNaN(Date.parse(v))))
        return invalid('rejected-at', 'is not a valid date', '/data/attributes/rejected-at');
      rejectedAt = v;
    }
    Object.assign(a, { stageId, rejectReasonId: rejectedAt ? reasonId : null, rejectedAt, updatedAt: new Date().toISOString() });
    return docOne('job-applications', a.id, req);
  });

  // https://docs.teamtailor.com/#create-note (candidate + user relationships)
  route('POST', '/v1/notes', (req) => {
    const bad = checkType(req, 'notes');
    if (bad) return bad;
    const text = req.json.data.attributes?.note;
    if (typeof text !== 'string' || !text.trim()) return invalid('note', "can't be blank", '/data/attributes/note');
    const candidateId = linkage(req.json, 'candidate', 'candidates');
    if (!candidateId || !candidates.has(candidateId)) return invalid('candidate', 'must exist', '/data/relationships/candidate');
    const userId = linkage(req.json, 'user', 'users');
    if (!userId || !users.has(userId)) return invalid('user', 'must exist', '/data/relationships/user');
    const id = newId();
    notes.push({ id, candidateId, userId, note: text, createdAt: new Date().toISOString() });
    return docOne('notes', id, req, 201);
  });

  // https://docs.teamtailor.com/#create-a-upload — "A public url is required for the file";
  // Teamtailor downloads it.
  route('POST', '/v1/uploads', async (req) => {
    const bad = checkType(req, 'uploads');
    if (bad) return bad;
    const url = req.json.data.attributes?.url;
    if (typeof url !== 'string' || !/^https?:\/\//.test(url)) return invalid('url', 'is invalid', '/data/attributes/url');
    const candidateId = linkage(req.json, 'candidate', 'candidates');
    if (!candidateId || !candidates.has(candidateId)) return invalid('candidate', 'must exist', '/data/relationships/candidate');
    let data: Buffer;
    let contentType: string;
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(5_000) });
      if (!res.ok) return invalid('url', `could not be downloaded (HTTP ${res.status})`, '/data/attributes/url');
      data = Buffer.from(await res.arrayBuffer());
      contentType = (res.headers.get('content-type') ?? 'application/octet-stream').split(';')[0];
    } catch {
      return invalid('url', 'could not be downloaded', '/data/attributes/url');
    }
    const fileName = String(req.json.data.attributes['file-name'] ?? new URL(url).pathname.split('/').pop() ?? 'file');
    const id = newId();
    uploads.set(id, { id, candidateId, fileName, contentType, data, sourceUrl: url, internal: true, createdAt: new Date().toISOString() });
    return docOne('uploads', id, req, 201);
  });
  // https://docs.teamtailor.com/#get-upload
  route('GET', '/v1/uploads/:id', (req) => (uploads.has(req.params.id) ? docOne('uploads', req.params.id, req) : notFound(req.params.id)));

  // Signed storage URLs (stand-in for S3): expire like Teamtailor's.
  server.route('GET', '/files/:key', (req) => {
    const f = signedFiles.get(req.params.key);
    if (!f || f.expiresAt < Date.now())
      return {
        status: 403,
        headers: { 'content-type': 'application/xml' },
        text: '<Error><Code>AccessDenied</Code><Message>Request has expired</Message></Error>',
      };
    return { status: 200, headers: { 'content-type': f.contentType }, body: f.data };
  });

  // Company Webhooks (Teamtailor/tt-partner-docs source/includes/company_webhooks/*): created in
  // Teamtailor's UI, which generates the signature key. A job application moving to another stage
  // is a `job_application.update` whose `data` is the application (id, type, the documented
  // snake_case attributes); `TT-Signature` (and the body's `signature` for v1) is v2
  // base64("t=<ts>,v2=<hex HMAC of '<ts>.<raw body>'>") or v1 base64(<hex HMAC of data.id>).
  const webhookKey = 'ttsk_' + randomBytes(16).toString('hex');
  let signatureVersion: 'v1' | 'v2' = 'v2';
  const sent = new SubscriptionList();
  const webhooks: FakeVendorWebhooks = {
    registered: () => [],
    async changeCandidate(candidateId, manual) {
      const app = [...applications.values()].find((a) => a.candidateId === candidateId && !a.rejectedAt);
      if (!app) throw new Error(`no active application for candidate ${candidateId}`);
      const jobStages = [...stages.values()].filter((x) => x.jobId === app.jobId).sort((a, b) => a.rowOrder - b.rowOrder);
      const next = jobStages[(jobStages.findIndex((x) => x.id === app.stageId) + 1) % jobStages.length];
      const now = new Date().toISOString();
      Object.assign(app, { stageId: next.id, updatedAt: now });
      const data = {
        id: app.id,
        type: 'job-applications',
        attributes: {
          id: app.id,
          updated_at: now,
          job_id: app.jobId,
          job_title: jobs.get(app.jobId)?.title ?? null,
          last_moved_at: now,
          stage_name: next.name,
          referring_site: null,
          referring_url: null,
          referer_id: null,
          rejected_at: app.rejectedAt,
          promotion_id: null,
          company_uuid: 'c0ffee00-0000-4000-8000-000000000001',
          transparent_recruiting_visible_at: null,
        },
      };
      if (!manual) return [];
      const hex = (text: string) => createHmac('sha256', manual.secret).update(text).digest('hex');
      let body: string;
      let signature: string;
      if (signatureVersion === 'v1') {
        signature = Buffer.from(hex(app.id)).toString('base64');
        body = JSON.stringify({ payload: { event_name: 'job_application.update', data }, signature });
      } else {
        body = JSON.stringify({ payload: { event_name: 'job_application.update', data } });
        const t = Math.floor(Date.now() / 1000);
        signature = Buffer.from(`t=${t},v2=${hex(`${t}.${body}`)}`).toString('base64');
      }
      return sent.send([{ url: manual.url, body, headers: { 'tt-signature': signature } }]);
    },
    redeliverLast: () => sent.redeliverLast(),
  };

  // ------------------------------------------------------------------------------------------
  // The VendorFake surface
  // ------------------------------------------------------------------------------------------
  return {
    webhooks,
    webhookKey,
    setWebhookSignatureVersion(v) {
      signatureVersion = v;
    },
    userRemoteIds: () => [...users.keys()],
    tool: 'teamtailor',
    server,
    url: apiBase,
    credentials: { api_key: TEAMTAILOR_ADMIN_KEY },
    badCredentials: { api_key: 'tt-revoked-000000' },
    adminKey: TEAMTAILOR_ADMIN_KEY,
    publicKey: TEAMTAILOR_PUBLIC_KEY,
    candidates,
    applications,
    jobs,
    stages,
    customFields,
    customFieldValues,
    notes,
    uploads,
    users,
    stop: () => server.stop(),
    failNext(n, status) {
      injected.push({ n, status });
    },
    failNextMatching(n, status, method, path) {
      injected.push({ n, status, method, path });
    },
    candidateRemoteIds: () => [...candidates.keys()],
    applicationRemoteIds: () => [...applications.keys()],
    jobRemoteIds: () => [...jobs.keys()],
    deleteCandidate(remoteId) {
      candidates.delete(remoteId);
      for (const [id, a] of applications) if (a.candidateId === remoteId) applications.delete(id);
      for (const [id, v] of customFieldValues) if (v.candidateId === remoteId) customFieldValues.delete(id);
      for (const [id, u] of uploads) if (u.candidateId === remoteId) uploads.delete(id);
      for (let i = notes.length - 1; i >= 0; i--) if (notes[i].candidateId === remoteId) notes.splice(i, 1);
    },
    applicationStatus(id) {
      const a = applications.get(id);
      if (!a) return null;
      return { stage: a.stageId, rejected: !!a.rejectedAt, reason: a.rejectReasonId };
    },
    resultTextFor(candidateRemoteId) {
      const lines = notes.filter((n) => n.candidateId === candidateRemoteId).map((n) => n.note);
      for (const v of customFieldValues.values()) {
        if (v.candidateId === candidateRemoteId) lines.push(`${customFields.get(v.fieldId)?.name}: ${v.value}`);
      }
      return lines.join('\n');
    },
    filesFor(candidateRemoteId) {
      return [...uploads.values()]
        .filter((u) => u.candidateId === candidateRemoteId)
        .map((u) => ({ name: u.fileName, type: 'upload', data: u.data }));
    },
    tagsFor: (id) => [...(candidates.get(id)?.tags ?? [])],
    peakRate: () => peak,
  };
}
