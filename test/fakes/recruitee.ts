/**
 * A fake Recruitee ATS API (https://api.recruitee.com/c/{company_id}/...) for connector tests,
 * written from Recruitee's pages and from public clients that call the real API, not from
 * the connector. Recruitee's full reference (apidocs.recruitee.com) publishes no
 * machine-readable spec we could read, so there is no spec check; every request must still have
 * a row in the connector's README provenance table (the fake runs with `provenance: 'recruitee'`).
 *
 * Sources (keys as in shared/connector-audit.md, section 7):
 *   [RC-DOCS] docs.recruitee.com: getting-started (Bearer, company id or subdomain), candidates-get
 *             (limit/offset, sort, all records without limit), custom_fieldscandidatesidfields-post
 *             (POST {field:{name, values, kind}}, number example {"number": "12345"}), candidatesidnotes.
 *   [RC-AB]   airbytehq/airbyte source-recruitee manifest.yaml: /candidates and /offers envelopes and
 *             fields (adminapp_url on both, pipeline_template object or null, placements).
 *   [RC-NODE] jnot807/recruitee-mcp client.js + README ("verified live"): POST /attachments multipart
 *             attachment[file] + attachment[candidate_id] (a bare `file` 500s; a candidate id only in
 *             the query makes an orphan file), GET /candidates/{id}/attachments, PATCH
 *             /candidates/{id}/set_as_cv/{attachment_id} (replaces the CV, the old one becomes a plain
 *             file), note visibility {level}, GET /offers/{id}/placements grouped by stage, a wrong
 *             company id answered 422 "Company id is invalid" with errors[{message, code}].
 *   [RC-SIP]  sipgate hacking-talents Deno client: template profile fields sit on candidate.fields with
 *             id null until a value exists (then POST creates, PATCH /fields/{id} updates);
 *             /offers?scope=not_archived&view_mode=default carries pipeline_template.stages.
 *   [RC-INT]  a third-party integration README summarising the current reference: scope=active means
 *             published + closed, not_archived everything but archived; offers are paginated (page,
 *             limit, total_count) since December 2025; PATCH /candidates/{id}/update_cv exists.
 *   [RC-JD]   jdautomate/recruitee-mcp client.py: `scope` = published / archived / active / not_archived,
 *             `view_mode` brief / default.
 *   [RC-PD], [RC-BH] Pipedream's create-note action (visibility {level}); BROCKHAUS-AG's PHP client
 *             (POST /attachments, then set_as_cv).
 *   [RC-PL]   Recruitee/plug_limit: 429 "Too Many Requests" with x-ratelimit-limit/-remaining/-reset.
 *
 * The documented traps, and the undocumented answers the fake picks (the connector must cope
 * with every plausible one):
 *  - without `scope` the fake answers the deprecated `active` scope (published and closed only),
 *    and without `view_mode=default` offers come without pipeline stages (the default is not
 *    documented; this is the narrowest plausible answer);
 *  - `GET /offers` pages (`page`, `limit`, capped at `offerPageCap`) even when no limit is sent;
 *  - one archived job has `pipeline_template: null`: its stages exist only on
 *    `GET /offers/{id}/placements`;
 *  - template profile fields have `id: null` until first set;
 *  - a number value is the documented decimal string (`numberValues` switches to a JS number);
 *  - note visibility must be `{level: "public" | "private"}`;
 *  - `update_cv` can be switched off (`updateCvRoute`), as if the route did not exist (404);
 *  - files are served by a separate storage host (another origin, pre-signed, no token).
 */
import { FakeServer, WindowCounter, bearer, type FakeRequest, type FakeResponse } from './server.ts';
import type { VendorFake } from './types.ts';
import { createHmac, randomBytes } from 'node:crypto';
import { SubscriptionList, type FakeVendorWebhooks } from './webhook-sender.ts';

export interface RecruiteeFakeOptions {
  /**
   * The body shape the placement actions (change_stage, disqualify) take: the bare fields
   * (default) or wrapped in `placement` ([RC-NODE] tries the wrapped one first). The other shape
   * is refused with 422, as an unknown parameter would be.
   */
  placementBody?: 'flat' | 'nested';
  /** Largest candidates `limit` the fake honours, so that 36 candidates need several pages. */
  pageCap?: number;
  /** Offers per page (the December 2025 paging), so that the offers need several pages. */
  offerPageCap?: number;
  /** Seconds sent in x-ratelimit-reset on a 429 (small, to keep tests fast). */
  resetSeconds?: number;
  /** The fixed window the fake enforces. */
  rateLimit?: { limit: number; windowMs: number };
}

interface Stage {
  id: number;
  name: string;
  category: string;
  position: number;
}
interface Offer {
  id: number;
  title: string;
  kind: 'job' | 'talent_pool';
  status: string;
  department: string | null;
  city: string | null;
  country_code: string | null;
  employment_type: string | null;
  created_at: string;
  updated_at: string;
  published_at: string | null;
  closed_at: string | null;
  careers_url: string;
  stages: Stage[];
  /** The offer's payload carries no pipeline template (its stages only via /offers/{id}/placements). */
  noTemplate?: boolean;
}
interface Placement {
  id: number;
  candidate_id: number;
  offer_id: number;
  stage_id: number;
  created_at: string;
  updated_at: string;
  disqualified_at: string | null;
  disqualify_reason: { id: number; name: string } | null;
  hired_at: string | null;
}
interface Field {
  id: number | null;
  name: string;
  kind: string;
  values: Record<string, unknown>[];
}
interface StoredFile {
  filename: string;
  content_type: string;
  data: Buffer;
}
interface Candidate {
  id: number;
  name: string;
  emails: string[];
  phones: string[];
  source: string | null;
  tags: string[];
  created_at: string;
  updated_at: string;
  placements: Placement[];
  fields: Field[];
  cv: StoredFile | null;
}
export interface FakeNote {
  id: number;
  candidate_id: number;
  body: string;
  visibility: unknown;
  created_at: string;
}
export interface FakeAttachment extends StoredFile {
  id: number;
  candidate_id: number | null;
  created_at: string;
}
export interface FakeFieldWrite {
  candidate_id: number;
  field_id: number;
  name: string;
  values: Record<string, unknown>[];
  method: 'POST' | 'PATCH';
}

export interface RecruiteeFake extends VendorFake {
  companyId: string;
  /** A token whose user's hiring role may not see candidates (403). */
  limitedCredentials: Record<string, unknown>;
  notes: FakeNote[];
  fieldWrites: FakeFieldWrite[];
  attachments: FakeAttachment[];
  /** The storage host that serves the pre-signed file URLs (another origin). */
  storage: FakeServer;
  /** How a `number` profile field value must be sent: the documented string, or a JS number. */
  numberValues: 'string' | 'number';
  /** Whether `PATCH /candidates/{id}/update_cv` exists (false: 404, as an unknown route). */
  updateCvRoute: boolean;
  /** Profile field names whose writes Recruitee refuses (422), to exercise the secondary-step path. */
  refusedFields: Set<string>;
  /** Whether `GET /candidates/{id}/attachments` exists (false: 404, as an unknown route). */
  attachmentsListRoute: boolean;
  cvFor(candidateId: string): StoredFile | null;
  fieldsOf(candidateId: string): Field[];
  /** Marks a candidate changed now (as an edit in the Recruitee app would). */
  touchCandidate(candidateId: string, at: Date): void;
  offerIds(): { jobs: string[]; talentPools: string[] };
  adminUrlOf(candidateId: string): string;
  /** The secret Recruitee generates for a webhook created in its settings (the customer pastes it into atsgate). */
  webhookSecret: string;
  /** Recruitee's set-up test, `{"test":true}`, sent before the webhook (and its secret) is saved. */
  sendWebhookTest(url: string): Promise<number>;
}

const COMPANY_ID = '71234';
const SUBDOMAIN = 'acme-talent';
const GOOD_TOKEN = 'rt_pat_good_5f1c';
const LIMITED_TOKEN = 'rt_pat_limited_77aa';

const FIRST = ['Ada', 'Grace', 'Alan', 'Edsger', 'Barbara', 'Donald', 'Frances', 'John', 'Margaret', 'Ken', 'Radia', 'Tim'];
const LAST = [
  'Lovelace',
  'Hopper',
  'Turing',
  'Dijkstra',
  'Liskov',
  'Knuth',
  'Allen',
  'Backus',
  'Hamilton',
  'Thompson',
  'Perlman',
  'Berners-Lee',
];

/** Company-wide profile field templates: every profile lists them, `id: null` until a value is set [RC-SIP]. */
const FIELD_TEMPLATES = [
  { name: 'Acme: Score', kind: 'single_line' },
  { name: 'Acme: Percentile', kind: 'number' },
  { name: 'Acme: Track', kind: 'dropdown' },
  { name: 'Notice period', kind: 'single_line' },
];

/** Offer scopes [RC-JD, RC-INT]: which statuses each one lists. */
const SCOPES: Record<string, (o: Offer) => boolean> = {
  active: (o) => o.status === 'published' || o.status === 'closed',
  not_archived: (o) => o.status !== 'archived',
  archived: (o) => o.status === 'archived',
  published: (o) => o.status === 'published',
};

const day = (n: number) => new Date(Date.UTC(2026, 0, 1) + n * 86_400_000).toISOString();

// Phoenix's JSON error views and changeset errors for most answers; errors[{message, code}] for
// the company check [RC-NODE].
const notFound = (): FakeResponse => ({ status: 404, json: { errors: { detail: 'Not Found' } } });
const unauthorized = (): FakeResponse => ({ status: 401, json: { errors: { detail: 'Unauthorized' } } });
const forbidden = (): FakeResponse => ({ status: 403, json: { errors: { detail: 'Forbidden' } } });
const badRequest = (): FakeResponse => ({ status: 400, json: { errors: { detail: 'Bad Request' } } });
const invalid = (errors: Record<string, string[]>): FakeResponse => ({ status: 422, json: { errors } });
const invalidCompany = (): FakeResponse => ({
  status: 422,
  json: { errors: [{ message: 'Company id is invalid', code: 'invalid_company' }] },
});

export async function startRecruiteeFake(opts: RecruiteeFakeOptions = {}): Promise<RecruiteeFake> {
  const server = new FakeServer({ provenance: 'recruitee' });
  const storage = new FakeServer();
  const pageCap = opts.pageCap ?? 10;
  const offerPageCap = opts.offerPageCap ?? 2;
  const resetSeconds = opts.resetSeconds ?? 1;
  const window = new WindowCounter(opts.rateLimit?.limit ?? 100, opts.rateLimit?.windowMs ?? 60_000);
  let faults: { left: number; status: 429 | 500 | 503 } = { left: 0, status: 500 };
  let nextId = 700_000;

  // -------------------------------------------------------------------------------------------
  // Seed
  // -------------------------------------------------------------------------------------------
  const pipeline = (base: number): Stage[] =>
    [
      ['Applied', 'apply'],
      ['Phone screen', 'phone_screen'],
      ['Interview', 'interview'],
      ['Offer', 'offer'],
      ['Hired', 'hire'],
    ].map(([name, category], i) => ({ id: base + i, name, category, position: i }));
  const careers = (slug: string) => `https://acme-talent.recruitee.com/o/${slug}`;
  const offers: Offer[] = [
    {
      id: 5001,
      title: 'Backend Engineer',
      kind: 'job',
      status: 'published',
      department: 'Engineering',
      city: 'Amsterdam',
      country_code: 'NL',
      employment_type: 'fulltime_permanent',
      created_at: day(-60),
      updated_at: day(-10),
      published_at: day(-59),
      closed_at: null,
      careers_url: careers('backend-engineer'),
      stages: pipeline(61_000),
    },
    {
      id: 5002,
      title: 'Product Designer',
      kind: 'job',
      status: 'internal',
      department: 'Design',
      city: 'Berlin',
      country_code: 'DE',
      employment_type: 'parttime',
      created_at: day(-50),
      updated_at: day(-5),
      published_at: day(-49),
      closed_at: null,
      careers_url: careers('product-designer'),
      stages: pipeline(62_000),
    },
    {
      id: 5003,
      title: 'Future talent',
      kind: 'talent_pool',
      status: 'published',
      department: null,
      city: null,
      country_code: null,
      employment_type: null,
      created_at: day(-90),
      updated_at: day(-90),
      published_at: null,
      closed_at: null,
      careers_url: careers('future-talent'),
      stages: pipeline(63_000),
    },
    {
      id: 5004,
      title: 'Data Analyst',
      kind: 'job',
      status: 'archived',
      department: 'Data',
      city: 'Utrecht',
      country_code: 'NL',
      employment_type: 'fulltime_permanent',
      created_at: day(-200),
      updated_at: day(-100),
      published_at: day(-199),
      closed_at: day(-120),
      careers_url: careers('data-analyst'),
      stages: pipeline(64_000),
      noTemplate: true,
    },
    {
      id: 5005,
      title: 'Sales Lead',
      kind: 'job',
      status: 'draft',
      department: 'Sales',
      city: 'Amsterdam',
      country_code: 'NL',
      employment_type: 'contract',
      created_at: day(-20),
      updated_at: day(-20),
      published_at: null,
      closed_at: null,
      careers_url: careers('sales-lead'),
      stages: pipeline(65_000),
    },
  ];
  const candidates = new Map<number, Candidate>();
  let placementId = 9_000_000;
  for (let i = 1; i <= 36; i++) {
    const id = 4_100_000 + i;
    const name = `${FIRST[i % FIRST.length]} ${LAST[(i * 5) % LAST.length]}`;
    const place = (offer: Offer, stageIdx: number, k: number): Placement => ({
      id: ++placementId,
      candidate_id: id,
      offer_id: offer.id,
      stage_id: offer.stages[stageIdx].id,
      created_at: day(i),
      updated_at: day(i + 2 + k),
      disqualified_at: i % 6 === 0 && k === 0 ? day(i + 2) : null,
      disqualify_reason: i % 6 === 0 && k === 0 ? { id: 11, name: 'Not a fit' } : null,
      hired_at: stageIdx === 4 && i % 6 !== 0 ? day(i + 2) : null,
    });
    const placements = [place(offers[i % 2], i % 5, 0)];
    if (i % 5 === 0) placements.push(place(offers[(i + 1) % 2], 1, 1));
    if (i % 7 === 0) placements.push(place(offers[2], 0, 1));
    if (i % 11 === 0) placements.push(place(offers[3], 4, 1)); // hired on the archived job
    const fields: Field[] = FIELD_TEMPLATES.map((t) => ({ id: null, name: t.name, kind: t.kind, values: [] }));
    if (i % 2) fields[3] = { ...fields[3], id: id * 10 + 3, values: [{ text: '1 month' }] };
    if (i % 9 === 0) fields[0] = { ...fields[0], id: id * 10, values: [{ text: 'previous' }] };
    // A one-off field only this (the newest) profile has: POST .../fields creates fields under any name [RC-DOCS].
    if (i === 36) fields.push({ id: id * 10 + 9, name: 'Referral bonus paid', kind: 'single_line', values: [{ text: 'yes' }] });
    candidates.set(id, {
      id,
      name,
      emails: [`${name.toLowerCase().replace(/[^a-z]+/g, '.')}@example.com`],
      phones: i % 2 ? [`+31 20 555 ${String(1000 + i)}`] : [],
      source: i % 3 ? 'Careers site' : 'LinkedIn',
      tags: i % 4 === 0 ? ['senior'] : [],
      created_at: day(i),
      updated_at: day(i + 2),
      placements,
      fields,
      cv:
        i % 3 === 0
          ? {
              filename: `${name.replace(/\s+/g, '_')}_CV.pdf`,
              content_type: 'application/pdf',
              data: Buffer.from(`%PDF-1.4 cv of ${name}`),
            }
          : null,
    });
  }
  const notes: FakeNote[] = [];
  const attachments: FakeAttachment[] = [];
  const fieldWrites: FakeFieldWrite[] = [];

  // -------------------------------------------------------------------------------------------
  // Serialisation ([RC-AB] field names)
  // -------------------------------------------------------------------------------------------
  const fileUrl = (kind: string, id: number, filename: string) =>
    `${storage.url}/files/${kind}/${id}/${encodeURIComponent(filename)}?X-Amz-Expires=600&X-Amz-Signature=fake${id}`;
  // The value is Recruitee's to choose; the connector must pass it through, never build it.
  const adminUrl = (id: number) => `https://app.recruitee.com/#/candidates/${id}?company=${COMPANY_ID}&from=fake`;
  const candidateJson = (c: Candidate) => ({
    id: c.id,
    name: c.name,
    emails: c.emails,
    phones: c.phones,
    source: c.source,
    tags: c.tags,
    created_at: c.created_at,
    updated_at: c.updated_at,
    photo_thumb_url: null,
    adminapp_url: adminUrl(c.id),
    cv_url: c.cv ? fileUrl('cv', c.id, c.cv.filename) : null,
    cv_original_url: c.cv ? fileUrl('cv', c.id, c.cv.filename) : null,
    placements: c.placements.map((p) => ({ ...p })),
  });
  const offerJson = (o: Offer, withStages: boolean) => {
    const { stages, noTemplate, ...rest } = o;
    const template = noTemplate
      ? null
      : withStages
        ? { id: o.id * 10, name: 'Default pipeline', stages }
        : { id: o.id * 10, name: 'Default pipeline' };
    return { ...rest, adminapp_url: `https://app.recruitee.com/#/offers/${o.id}`, pipeline_template: template };
  };
  const touch = (c: Candidate) => (c.updated_at = new Date().toISOString());
  const candidateOf = (raw: string) => candidates.get(Number(raw));

  // -------------------------------------------------------------------------------------------
  // Auth, company, rate limit and injected faults, before any route
  // -------------------------------------------------------------------------------------------
  const rateHeaders = new WeakMap<FakeRequest, Record<string, string>>();
  server.before = (req) => {
    const m = /^\/c\/([^/]+)(\/.*)?$/.exec(req.path);
    if (!m) return notFound();
    const hit = window.hit();
    window.peak = Math.max(window.peak, hit.count);
    const rlHeaders = {
      'x-ratelimit-limit': String(window.limit),
      'x-ratelimit-remaining': String(Math.max(0, window.limit - hit.count)),
      'x-ratelimit-reset': String(Math.ceil(hit.resetMs / 1000)),
    };
    if (faults.left > 0) {
      faults.left--;
      if (faults.status === 429) return tooManyRequests(resetSeconds);
      return {
        status: faults.status,
        json: { errors: { detail: faults.status === 503 ? 'Service Unavailable' : 'Internal Server Error' } },
      };
    }
    if (hit.over) return tooManyRequests(Math.ceil(hit.resetMs / 1000));
    const token = bearer(req);
    if (token !== GOOD_TOKEN && token !== LIMITED_TOKEN) return unauthorized();
    if (m[1] !== COMPANY_ID && m[1] !== SUBDOMAIN) return invalidCompany(); // the token's user is not in that company [RC-NODE]
    if (token === LIMITED_TOKEN && /^\/(candidates|attachments|custom_fields)/.test(m[2] ?? '')) return forbidden();
    rateHeaders.set(req, rlHeaders);
    return undefined;
  };
  const tooManyRequests = (reset: number): FakeResponse => ({
    status: 429,
    text: 'Too Many Requests',
    headers: { 'x-ratelimit-limit': String(window.limit), 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(reset) },
  });
  /** Every answer carries the limiter's headers, as Recruitee's plug does [RC-PL]. */
  const withRl = (req: FakeRequest, res: FakeResponse): FakeResponse => ({ ...res, headers: { ...rateHeaders.get(req), ...res.headers } });
  const route = (method: string, path: string, h: (req: FakeRequest) => FakeResponse | Promise<FakeResponse>) =>
    server.route(method, `/c/:company${path}`, async (req) => withRl(req, await h(req)));
  const jsonBody = (req: FakeRequest) =>
    req.json === Symbol.for('invalid') || !req.json || typeof req.json !== 'object' ? undefined : req.json;

  // -------------------------------------------------------------------------------------------
  // Offers
  // -------------------------------------------------------------------------------------------

  // GET /offers — scope, view_mode, and page/limit paging [RC-JD, RC-SIP, RC-INT]; envelope [RC-AB].
  route('GET', '/offers', (req) => {
    const scope = req.query.get('scope') ?? 'active';
    if (!SCOPES[scope]) return invalid({ scope: ['is invalid'] });
    const viewMode = req.query.get('view_mode') ?? 'brief';
    if (!['brief', 'default'].includes(viewMode)) return invalid({ view_mode: ['is invalid'] });
    const page = Number(req.query.get('page') ?? '1');
    const limit = Math.min(Number(req.query.get('limit') ?? offerPageCap), offerPageCap);
    if (!Number.isInteger(page) || page < 1 || !Number.isInteger(limit) || limit < 1) return invalid({ page: ['is invalid'] });
    const list = offers.filter(SCOPES[scope]);
    const slice = list.slice((page - 1) * limit, page * limit);
    return { json: { offers: slice.map((o) => offerJson(o, viewMode === 'default')), meta: { page, limit, total_count: list.length } } };
  });

  // GET /offers/{id}/placements — the offer's pipeline grouped by stage [RC-NODE].
  route('GET', '/offers/:id/placements', (req) => {
    const o = offers.find((x) => String(x.id) === req.params.id);
    if (!o) return notFound();
    const onOffer = [...candidates.values()].flatMap((c) => c.placements.filter((p) => p.offer_id === o.id));
    return { json: { stages: o.stages.map((s) => ({ ...s, placements: onOffer.filter((p) => p.stage_id === s.id) })) } };
  });

  // -------------------------------------------------------------------------------------------
  // Candidates
  // -------------------------------------------------------------------------------------------

  // GET /candidates — [RC-DOCS candidates-get]: limit/offset (all records without limit), sort.
  route('GET', '/candidates', (req) => {
    const limitRaw = req.query.get('limit');
    const offsetRaw = req.query.get('offset') ?? '0';
    if ((limitRaw !== null && !/^\d+$/.test(limitRaw)) || !/^\d+$/.test(offsetRaw)) return invalid({ limit: ['is invalid'] });
    const sort = req.query.get('sort') ?? 'by_date';
    if (!['by_date', 'by_last_message'].includes(sort)) return invalid({ sort: ['is invalid'] });
    let list = [...candidates.values()].sort((a, b) => b.created_at.localeCompare(a.created_at) || b.id - a.id);
    const createdAfter = req.query.get('created_after');
    if (createdAfter) list = list.filter((c) => c.created_at > createdAfter);
    const offset = Number(offsetRaw);
    const limit = limitRaw === null ? list.length : Math.min(Number(limitRaw), pageCap);
    return { json: { candidates: list.slice(offset, offset + limit).map(candidateJson), generated_at: new Date().toISOString() } };
  });

  // GET /candidates/{id} — {candidate: {..., fields}, references} [RC-NODE, RC-SIP].
  route('GET', '/candidates/:id', (req) => {
    const c = candidateOf(req.params.id);
    if (!c) return notFound();
    return { json: { candidate: { ...candidateJson(c), fields: c.fields.map((f) => ({ ...f, values: [...f.values] })) }, references: [] } };
  });

  // POST /candidates/{id}/notes — {note: {body, visibility?: {level}}} [RC-DOCS, RC-PD, RC-NODE].
  // -------------------------------------------------------------------------------------------
  // Placements: stage changes and disqualification [RC-NODE, RC-DQ]
  // -------------------------------------------------------------------------------------------
  const disqualifyReasons = [
    { id: 11, name: 'Not a fit', position: 0 },
    { id: 12, name: 'Salary expectations', position: 1 },
    { id: 13, name: 'Withdrew', position: 2 },
  ];
  const placementShape = opts.placementBody ?? 'flat';
  const placementById = (id: string) => {
    for (const c of candidates.values()) {
      const p = c.placements.find((x) => String(x.id) === id);
      if (p) return { c, p };
    }
    return undefined;
  };
  /** The action's fields from the body shape this fake takes; a 422 for the other one. */
  const placementFields = (req: FakeRequest, field: string): Record<string, unknown> | FakeResponse => {
    const b = jsonBody(req);
    if (!b) return badRequest();
    const fields = placementShape === 'nested' ? b.placement : b;
    if (!fields || typeof fields !== 'object' || fields[field] === undefined) return invalid({ [field]: ["can't be blank"] });
    return fields;
  };
  const isResponse = (x: unknown): x is FakeResponse =>
    !!x && typeof x === 'object' && 'status' in x && typeof (x as FakeResponse).status === 'number';

  route('GET', '/disqualify_reasons', () => ({ json: { disqualify_reasons: disqualifyReasons } }));

  // PATCH /placements/:id/change_stage: a stage of the placement's offer; requalifies a disqualified placement.
  route('PATCH', '/placements/:id/change_stage', (req) => {
    const found = placementById(req.params.id);
    if (!found) return notFound();
    const fields = placementFields(req, 'stage_id');
    if (isResponse(fields)) return fields;
    const offer = offers.find((o) => o.id === found.p.offer_id)!;
    const stage = offer.stages.find((st) => st.id === fields.stage_id);
    if (!stage) return invalid({ stage_id: ['does not belong to the offer'] });
    Object.assign(found.p, { stage_id: stage.id, disqualified_at: null, disqualify_reason: null, updated_at: new Date().toISOString() });
    found.c.updated_at = found.p.updated_at;
    return { json: { placement: { ...found.p } } };
  });

  // PATCH /placements/:id/disqualify: a disqualify reason of the company.
  route('PATCH', '/placements/:id/disqualify', (req) => {
    const found = placementById(req.params.id);
    if (!found) return notFound();
    const fields = placementFields(req, 'disqualify_reason_id');
    if (isResponse(fields)) return fields;
    const reason = disqualifyReasons.find((r) => r.id === fields.disqualify_reason_id);
    if (!reason) return invalid({ disqualify_reason_id: ['is invalid'] });
    const at = new Date().toISOString();
    Object.assign(found.p, { disqualified_at: at, disqualify_reason: { id: reason.id, name: reason.name }, updated_at: at });
    found.c.updated_at = at;
    return { json: { placement: { ...found.p } } };
  });

  route('POST', '/candidates/:id/notes', (req) => {
    const b = jsonBody(req);
    if (!b) return badRequest();
    const c = candidateOf(req.params.id);
    if (!c) return notFound();
    const note = b.note;
    if (!note || typeof note !== 'object') return invalid({ note: ["can't be blank"] });
    if (typeof note.body !== 'string' || note.body.trim() === '') return invalid({ body: ["can't be blank"] });
    const v = note.visibility;
    if (v !== undefined && !(v && typeof v === 'object' && ['public', 'private'].includes(v.level)))
      return invalid({ visibility: ['is invalid'] });
    const saved: FakeNote = {
      id: ++nextId,
      candidate_id: c.id,
      body: note.body,
      visibility: v ?? null,
      created_at: new Date().toISOString(),
    };
    notes.push(saved);
    touch(c);
    return { status: 201, json: { note: { id: saved.id, body: saved.body, visibility: saved.visibility, created_at: saved.created_at } } };
  });

  // -------------------------------------------------------------------------------------------
  // Profile fields [RC-DOCS custom_fieldscandidatesidfields-post, RC-SIP]
  // -------------------------------------------------------------------------------------------
  const refused = (name: string): FakeResponse | undefined =>
    fake.refusedFields.has(name) ? invalid({ values: ['is locked'] }) : undefined;
  const valuesFit = (kind: string, values: unknown): values is Record<string, unknown>[] =>
    Array.isArray(values) &&
    values.every((v: any) => {
      if (!v || typeof v !== 'object') return false;
      if (kind === 'single_line' || kind === 'multi_line') return typeof v.text === 'string';
      if (kind === 'number')
        return fake.numberValues === 'string'
          ? typeof v.number === 'string' && /^-?\d+(\.\d+)?$/.test(v.number)
          : typeof v.number === 'number';
      if (kind === 'boolean') return typeof v.flag === 'boolean';
      return false; // dropdowns take option values the connector never has
    });

  // POST /custom_fields/candidates/{id}/fields — {field: {name, kind, values}}: fills a template field
  // that has no value yet (id null), or creates a one-off field.
  route('POST', '/custom_fields/candidates/:id/fields', (req) => {
    const field = jsonBody(req)?.field;
    if (!field || typeof field !== 'object') return badRequest();
    const c = candidateOf(req.params.id);
    if (!c) return notFound();
    if (typeof field.name !== 'string' || !field.name) return invalid({ name: ["can't be blank"] });
    if (typeof field.kind !== 'string' || !field.kind) return invalid({ kind: ["can't be blank"] });
    if (!valuesFit(field.kind, field.values)) return invalid({ values: ['is invalid'] });
    const no = refused(field.name);
    if (no) return no;
    let f = c.fields.find((x) => x.name === field.name);
    if (f && f.id !== null) return invalid({ name: ['has already been taken'] });
    if (f && f.kind !== field.kind) return invalid({ kind: ['is invalid'] });
    if (!f) c.fields.push((f = { id: null, name: field.name, kind: field.kind, values: [] }));
    f.id = ++nextId;
    f.values = field.values;
    fieldWrites.push({ candidate_id: c.id, field_id: f.id, name: f.name, values: f.values, method: 'POST' });
    touch(c);
    return { status: 201, json: { field: f } };
  });

  // PATCH /custom_fields/candidates/{id}/fields/{field_id} — a field that already has a value [RC-SIP].
  route('PATCH', '/custom_fields/candidates/:id/fields/:fieldId', (req) => {
    const field = jsonBody(req)?.field;
    if (!field || typeof field !== 'object') return badRequest();
    const c = candidateOf(req.params.id);
    const f = c?.fields.find((x) => x.id !== null && String(x.id) === req.params.fieldId);
    if (!c || !f) return notFound();
    if (!valuesFit(f.kind, field.values)) return invalid({ values: ['is invalid'] });
    const no = refused(f.name);
    if (no) return no;
    f.values = field.values;
    fieldWrites.push({ candidate_id: c.id, field_id: f.id!, name: f.name, values: f.values, method: 'PATCH' });
    touch(c);
    return { json: { field: f } };
  });

  // -------------------------------------------------------------------------------------------
  // Files [RC-NODE, RC-BH; update_cv: RC-INT]
  // -------------------------------------------------------------------------------------------

  // PATCH /candidates/{id}/update_cv — multipart `candidate[cv]`; replaces the CV.
  route('PATCH', '/candidates/:id/update_cv', async (req) => {
    if (!fake.updateCvRoute) return notFound();
    const c = candidateOf(req.params.id);
    if (!c) return notFound();
    const file = req.form?.get('candidate[cv]');
    if (!(file instanceof File)) return invalid({ cv: ["can't be blank"] });
    c.cv = { filename: file.name, content_type: file.type || 'application/octet-stream', data: Buffer.from(await file.arrayBuffer()) };
    touch(c);
    return { json: { candidate: candidateJson(c) } };
  });

  // POST /attachments — multipart `attachment[file]` + `attachment[candidate_id]` → 201.
  route('POST', '/attachments', async (req) => {
    if (!req.form) return badRequest();
    if (req.form.get('file') instanceof File && !req.form.get('attachment[file]'))
      return { status: 500, json: { errors: { detail: 'Internal Server Error' } } };
    const file = req.form.get('attachment[file]');
    if (!(file instanceof File)) return invalid({ file: ["can't be blank"] });
    const rawCandidate = req.form.get('attachment[candidate_id]');
    // A candidate id only in the query string makes a file linked to nobody [RC-NODE].
    const c = typeof rawCandidate === 'string' && rawCandidate ? candidateOf(rawCandidate) : undefined;
    if (typeof rawCandidate === 'string' && rawCandidate && !c) return notFound();
    const saved: FakeAttachment = {
      id: ++nextId,
      candidate_id: c?.id ?? null,
      filename: file.name,
      content_type: file.type || 'application/octet-stream',
      data: Buffer.from(await file.arrayBuffer()),
      created_at: new Date().toISOString(),
    };
    attachments.push(saved);
    if (c) touch(c);
    return { status: 201, json: { attachment: attachmentJson(saved) } };
  });
  const attachmentJson = (a: FakeAttachment) => ({
    id: a.id,
    candidate_id: a.candidate_id,
    filename: a.filename,
    url: fileUrl('attachment', a.id, a.filename),
    created_at: a.created_at,
    updated_at: a.created_at,
  });

  // PATCH /candidates/{id}/set_as_cv/{attachment_id} — the file becomes the CV (under a new identity);
  // the previous CV becomes a plain file [RC-NODE].
  route('PATCH', '/candidates/:id/set_as_cv/:attachmentId', (req) => {
    const c = candidateOf(req.params.id);
    if (!c) return notFound();
    const i = attachments.findIndex((a) => String(a.id) === req.params.attachmentId && a.candidate_id === c.id);
    if (i < 0) return notFound();
    const [promoted] = attachments.splice(i, 1);
    if (c.cv) attachments.push({ ...c.cv, id: ++nextId, candidate_id: c.id, created_at: new Date().toISOString() });
    c.cv = { filename: promoted.filename, content_type: promoted.content_type, data: promoted.data };
    touch(c);
    return { json: { candidate: candidateJson(c) } };
  });

  // GET /candidates/{id}/attachments — this candidate's files (not the CV) [RC-NODE].
  route('GET', '/candidates/:id/attachments', (req) => {
    if (!fake.attachmentsListRoute) return notFound();
    const c = candidateOf(req.params.id);
    if (!c) return notFound();
    return { json: { attachments: attachments.filter((a) => a.candidate_id === c.id).map(attachmentJson) } };
  });

  // The storage host: pre-signed URLs, no Authorization, the signature is the credential.
  storage.route('GET', '/files/:kind/:id/:name', (req) => {
    if (!req.query.get('X-Amz-Signature')) return { status: 403, text: 'AccessDenied' };
    const id = Number(req.params.id);
    const file = req.params.kind === 'cv' ? candidates.get(id)?.cv : attachments.find((a) => a.id === id);
    if (!file) return { status: 404, text: 'NoSuchKey' };
    return { headers: { 'content-type': file.content_type }, body: file.data };
  });

  await server.start();
  await storage.start();

  const mustGet = (id: string) => {
    const c = candidateOf(id);
    if (!c) throw new Error(`no candidate ${id}`);
    return c;
  };
  const isPool = (offerId: number) => offers.find((o) => o.id === offerId)?.kind === 'talent_pool';

  // Webhooks (https://docs.recruitee.com/docs/webhooks): created in Recruitee's settings, which
  // generate the secret; each delivery's X-Recruitee-Signature is the hex HMAC-SHA256 of the raw
  // body. A placement moved to another stage is `candidate_moved` / `stage_changed` whose payload
  // names the candidate, the offer and the from/to stages (id, name, category) — the shape
  // third-party integrations describe; the docs page could be read only in part (README).
  const webhookSecret = 'rcwh_' + randomBytes(16).toString('hex');
  const sent = new SubscriptionList();
  const webhooks: FakeVendorWebhooks = {
    registered: () => [],
    async changeCandidate(candidateId, manual) {
      const c = mustGet(candidateId);
      const p = c.placements.find((x) => !isPool(x.offer_id) && !x.disqualified_at && !x.hired_at);
      if (!p) throw new Error(`no active placement for candidate ${candidateId}`);
      const offer = offers.find((o) => o.id === p.offer_id)!;
      const from = offer.stages.find((x) => x.id === p.stage_id)!;
      const to = offer.stages[(offer.stages.indexOf(from) + 1) % offer.stages.length];
      const now = new Date().toISOString();
      Object.assign(p, { stage_id: to.id, updated_at: now });
      c.updated_at = now;
      const stage = (x: Stage) => ({ id: x.id, name: x.name, category: x.category });
      const body = JSON.stringify({
        event_type: 'candidate_moved',
        event_subtype: 'stage_changed',
        payload: {
          candidate: { id: c.id, name: c.name, emails: c.emails },
          offer: { id: offer.id, title: offer.title },
          details: { from_stage: stage(from), to_stage: stage(to) },
        },
      });
      if (!manual) return [];
      const signature = createHmac('sha256', manual.secret).update(body).digest('hex');
      return sent.send([{ url: manual.url, body, headers: { 'x-recruitee-signature': signature, 'user-agent': 'Recruitee-Webhooks' } }]);
    },
    redeliverLast: () => sent.redeliverLast(),
  };

  const fake: RecruiteeFake = {
    webhooks,
    webhookSecret,
    async sendWebhookTest(url) {
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'user-agent': 'Recruitee-Webhooks' },
        body: '{"test":true}',
      });
      await res.body?.cancel().catch(() => undefined);
      return res.status;
    },
    // The connector reads no users (capabilities.users).
    userRemoteIds: () => [],
    tool: 'recruitee',
    server,
    storage,
    url: server.url,
    companyId: COMPANY_ID,
    credentials: { api_token: GOOD_TOKEN, company_id: COMPANY_ID },
    badCredentials: { api_token: 'rt_pat_revoked_0000', company_id: COMPANY_ID },
    limitedCredentials: { api_token: LIMITED_TOKEN, company_id: COMPANY_ID },
    notes,
    fieldWrites,
    attachments,
    numberValues: 'string',
    updateCvRoute: true,
    refusedFields: new Set(),
    attachmentsListRoute: true,
    async stop() {
      await storage.stop();
      await server.stop();
    },
    failNext(n, status) {
      faults = { left: n, status };
    },
    candidateRemoteIds: () => [...candidates.keys()].map(String),
    applicationRemoteIds: () =>
      [...candidates.values()].flatMap((c) => c.placements.filter((p) => !isPool(p.offer_id)).map((p) => String(p.id))),
    jobRemoteIds: () => offers.filter((o) => o.kind === 'job').map((o) => String(o.id)),
    offerIds: () => ({
      jobs: offers.filter((o) => o.kind === 'job').map((o) => String(o.id)),
      talentPools: offers.filter((o) => o.kind !== 'job').map((o) => String(o.id)),
    }),
    adminUrlOf: (id) => adminUrl(Number(id)),
    deleteCandidate(id) {
      candidates.delete(Number(id));
    },
    applicationStatus(id) {
      const found = placementById(id);
      if (!found) return null;
      return {
        stage: String(found.p.stage_id),
        rejected: !!found.p.disqualified_at,
        reason: found.p.disqualify_reason ? String(found.p.disqualify_reason.id) : null,
      };
    },
    resultTextFor(id) {
      const c = candidates.get(Number(id));
      const noteText = notes.filter((n) => String(n.candidate_id) === id).map((n) => n.body);
      const fieldText = (c?.fields ?? [])
        .filter((f) => f.values.length)
        .map((f) => `${f.name}: ${f.values.map((v) => Object.values(v).join(',')).join(',')}`);
      return [...noteText, ...fieldText].join('\n');
    },
    filesFor(id) {
      const c = candidates.get(Number(id));
      const cv = c?.cv ? [{ name: c.cv.filename, type: 'cv', data: c.cv.data }] : [];
      return [
        ...cv,
        ...attachments.filter((a) => String(a.candidate_id) === id).map((a) => ({ name: a.filename, type: 'attachment', data: a.data })),
      ];
    },
    tagsFor: (id) => [...(candidates.get(Number(id))?.tags ?? [])],
    peakRate: () => window.peak,
    cvFor: (id) => mustGet(id).cv,
    fieldsOf: (id) => mustGet(id).fields,
    touchCandidate(id, at) {
      mustGet(id).updated_at = at.toISOString();
    },
  };
  return fake;
}
