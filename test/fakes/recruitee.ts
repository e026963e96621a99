/**
 * A fake Recruitee API (https://api.recruitee.com/c/{company_id}/...) for connector tests:
 * the slice the connector uses, with Recruitee's auth (Bearer personal API token, per
 * company), Phoenix-style error bodies, limit/offset pagination, the fixed-window rate
 * limiter's x-ratelimit-* headers, and pre-signed file URLs.
 *
 * Sources (see src/connectors/recruitee/README.md for what is confirmed and what is assumed):
 *   getting started / auth  https://docs.recruitee.com/reference/getting-started
 *   candidates list         https://docs.recruitee.com/reference/candidates-get
 *   notes                   https://docs.recruitee.com/reference/candidatesidnotes
 *   profile fields          https://docs.recruitee.com/reference/custom_fieldscandidatesidfields-post
 *   legacy full reference   https://api.recruitee.com/docs/index.html
 *   rate-limit headers      github.com/Recruitee/plug_limit (Recruitee's own limiter)
 */
import { FakeServer, WindowCounter, bearer, type FakeRequest, type FakeResponse } from './server.ts';
import type { VendorFake } from './types.ts';

export interface RecruiteeFakeOptions {
  /** Largest `limit` the fake honours, so that 36 candidates need several pages. */
  pageCap?: number;
  /** Seconds sent in x-ratelimit-reset on a 429 (small, to keep tests fast). */
  resetSeconds?: number;
  /** The fixed window the fake enforces. */
  rateLimit?: { limit: number; windowMs: number };
}

interface Stage { id: number; name: string; category: string; position: number }
interface Offer {
  id: number; title: string; kind: 'job' | 'talent_pool'; status: string; department: string | null; city: string | null;
  country_code: string | null; employment_type_code: string | null; created_at: string; updated_at: string;
  published_at: string | null; closed_at: string | null; careers_url: string | null; stages: Stage[];
}
interface Placement {
  id: number; candidate_id: number; offer_id: number; stage_id: number; created_at: string; updated_at: string;
  disqualified_at: string | null; disqualify_reason: { id: number; name: string } | null; hired_at: string | null;
}
interface Field { id: number; name: string; kind: string; values: Record<string, unknown>[] }
interface StoredFile { filename: string; content_type: string; data: Buffer }
interface Candidate {
  id: number; name: string; emails: string[]; phones: string[]; source: string | null; tags: string[];
  created_at: string; updated_at: string; placements: Placement[]; fields: Field[]; cv: StoredFile | null;
}
export interface FakeNote { id: number; candidate_id: number; body: string; visibility: unknown; created_at: string }
export interface FakeAttachment extends StoredFile { id: number; candidate_id: number; created_at: string }
export interface FakeFieldWrite { candidate_id: number; field_id: number; name: string; values: Record<string, unknown>[] }

export interface RecruiteeFake extends VendorFake {
  companyId: string;
  /** A token whose user's hiring role may not see candidates (403). */
  limitedCredentials: Record<string, unknown>;
  notes: FakeNote[];
  fieldWrites: FakeFieldWrite[];
  attachments: FakeAttachment[];
  cvFor(candidateId: string): StoredFile | null;
  fieldsOf(candidateId: string): Field[];
  /** Marks a candidate changed now (as an edit in the Recruitee app would). */
  touchCandidate(candidateId: string, at: Date): void;
  offerIds(): { jobs: string[]; talentPools: string[] };
}

const COMPANY_ID = '71234';
const SUBDOMAIN = 'acme-talent';
const GOOD_TOKEN = 'rt_pat_good_5f1c';
const LIMITED_TOKEN = 'rt_pat_limited_77aa';

const FIRST = ['Ada', 'Grace', 'Alan', 'Edsger', 'Barbara', 'Donald', 'Frances', 'John', 'Margaret', 'Ken', 'Radia', 'Tim'];
const LAST = ['Lovelace', 'Hopper', 'Turing', 'Dijkstra', 'Liskov', 'Knuth', 'Allen', 'Backus', 'Hamilton', 'Thompson', 'Perlman', 'Berners-Lee'];

/** Company-wide profile fields: every candidate profile shows them (values empty until set). */
const FIELD_TEMPLATES = [
  { name: 'Acme: Score', kind: 'single_line' },
  { name: 'Acme: Percentile', kind: 'number' },
  { name: 'Acme: Track', kind: 'dropdown' },
  { name: 'Notice period', kind: 'single_line' },
];

const day = (n: number) => new Date(Date.UTC(2026, 0, 1) + n * 86_400_000).toISOString();

// Phoenix's JSON error views and Ecto changeset errors, which is what Recruitee returns.
const notFound = (): FakeResponse => ({ status: 404, json: { errors: { detail: 'Not Found' } } });
const unauthorized = (): FakeResponse => ({ status: 401, json: { errors: { detail: 'Unauthorized' } } });
const forbidden = (): FakeResponse => ({ status: 403, json: { errors: { detail: 'Forbidden' } } });
const badRequest = (): FakeResponse => ({ status: 400, json: { errors: { detail: 'Bad Request' } } });
const invalid = (errors: Record<string, string[]>): FakeResponse => ({ status: 422, json: { errors } });

export async function startRecruiteeFake(opts: RecruiteeFakeOptions = {}): Promise<RecruiteeFake> {
  const server = new FakeServer();
  const pageCap = opts.pageCap ?? 10;
  const resetSeconds = opts.resetSeconds ?? 1;
  const window = new WindowCounter(opts.rateLimit?.limit ?? 100, opts.rateLimit?.windowMs ?? 60_000);
  let faults: { left: number; status: 429 | 500 | 503 } = { left: 0, status: 500 };
  let nextId = 700_000;

  // -------------------------------------------------------------------------------------------
  // Seed
  // -------------------------------------------------------------------------------------------
  const pipeline = (base: number): Stage[] =>
    [['Applied', 'apply'], ['Phone screen', 'phone_screen'], ['Interview', 'interview'], ['Offer', 'offer'], ['Hired', 'hire']].map(
      ([name, category], i) => ({ id: base + i, name, category, position: i }),
    );
  const offers: Offer[] = [
    { id: 5001, title: 'Backend Engineer', kind: 'job', status: 'published', department: 'Engineering', city: 'Amsterdam', country_code: 'NL', employment_type_code: 'fulltime_permanent', created_at: day(-60), updated_at: day(-10), published_at: day(-59), closed_at: null, careers_url: 'https://acme-talent.recruitee.com/o/backend-engineer', stages: pipeline(61_000) },
    { id: 5002, title: 'Product Designer', kind: 'job', status: 'internal', department: 'Design', city: 'Berlin', country_code: 'DE', employment_type_code: 'parttime', created_at: day(-50), updated_at: day(-5), published_at: day(-49), closed_at: null, careers_url: null, stages: pipeline(62_000) },
    { id: 5003, title: 'Future talent', kind: 'talent_pool', status: 'published', department: null, city: null, country_code: null, employment_type_code: null, created_at: day(-90), updated_at: day(-90), published_at: null, closed_at: null, careers_url: null, stages: pipeline(63_000) },
  ];
  const candidates = new Map<number, Candidate>();
  let placementId = 9_000_000;
  for (let i = 1; i <= 36; i++) {
    const id = 4_100_000 + i;
    const name = `${FIRST[i % FIRST.length]} ${LAST[(i * 5) % LAST.length]}`;
    const place = (offer: Offer, stageIdx: number, k: number): Placement => ({
      id: ++placementId, candidate_id: id, offer_id: offer.id, stage_id: offer.stages[stageIdx].id,
      created_at: day(i), updated_at: day(i + 2 + k),
      disqualified_at: i % 6 === 0 && k === 0 ? day(i + 2) : null,
      disqualify_reason: i % 6 === 0 && k === 0 ? { id: 11, name: 'Not a fit' } : null,
      hired_at: stageIdx === 4 && i % 6 !== 0 ? day(i + 2) : null,
    });
    const placements = [place(offers[i % 2], i % 5, 0)];
    if (i % 5 === 0) placements.push(place(offers[(i + 1) % 2], 1, 1));
    if (i % 7 === 0) placements.push(place(offers[2], 0, 1));
    candidates.set(id, {
      id, name, emails: [`${name.toLowerCase().replace(/[^a-z]+/g, '.')}@example.com`], phones: i % 2 ? [`+31 20 555 ${String(1000 + i)}`] : [],
      source: i % 3 ? 'Careers site' : 'LinkedIn', tags: i % 4 === 0 ? ['senior'] : [],
      created_at: day(i), updated_at: day(i + 2), placements,
      fields: FIELD_TEMPLATES.map((t, k) => ({ id: id * 10 + k, name: t.name, kind: t.kind, values: k === 3 && i % 2 ? [{ text: '1 month' }] : [] })),
      cv: i % 3 === 0 ? { filename: `${name.replace(/\s+/g, '_')}_CV.pdf`, content_type: 'application/pdf', data: Buffer.from(`%PDF-1.4 cv of ${name}`) } : null,
    });
  }
  const notes: FakeNote[] = [];
  const attachments: FakeAttachment[] = [];
  const fieldWrites: FakeFieldWrite[] = [];

  // -------------------------------------------------------------------------------------------
  // Serialisation
  // -------------------------------------------------------------------------------------------
  const fileUrl = (kind: string, id: number, filename: string) =>
    `${server.url}/files/${kind}/${id}/${encodeURIComponent(filename)}?X-Amz-Expires=600&X-Amz-Signature=fake${id}`;
  const candidateJson = (c: Candidate) => ({
    id: c.id, name: c.name, emails: c.emails, phones: c.phones, social_links: [], links: [], source: c.source, tags: c.tags,
    created_at: c.created_at, updated_at: c.updated_at, photo_thumb_url: null,
    cv_url: c.cv ? fileUrl('cv', c.id, c.cv.filename) : null,
    cv_original_url: c.cv ? fileUrl('cv', c.id, c.cv.filename) : null,
    placements: c.placements.map((p) => ({ ...p })),
  });
  const offerJson = (o: Offer) => {
    const { stages, ...rest } = o;
    return { ...rest, pipeline_template: { stages } };
  };
  const touch = (c: Candidate) => (c.updated_at = new Date().toISOString());
  const candidateOf = (raw: string) => candidates.get(Number(raw));

  // -------------------------------------------------------------------------------------------
  // Auth, company, rate limit and injected faults, before any route
  // -------------------------------------------------------------------------------------------
  const rateHeaders = new WeakMap<FakeRequest, Record<string, string>>();
  server.before = (req) => {
    if (req.path.startsWith('/files/')) return undefined; // pre-signed: no Authorization
    const m = /^\/c\/([^/]+)(\/.*)?$/.exec(req.path);
    if (!m) return notFound();
    const hit = window.hit();
    window.peak = Math.max(window.peak, hit.count);
    const rlHeaders = { 'x-ratelimit-limit': String(window.limit), 'x-ratelimit-remaining': String(Math.max(0, window.limit - hit.count)), 'x-ratelimit-reset': String(Math.ceil(hit.resetMs / 1000)) };
    if (faults.left > 0) {
      faults.left--;
      if (faults.status === 429) return tooManyRequests(resetSeconds);
      return { status: faults.status, json: { errors: { detail: faults.status === 503 ? 'Service Unavailable' : 'Internal Server Error' } } };
    }
    if (hit.over) return tooManyRequests(Math.ceil(hit.resetMs / 1000));
    const token = bearer(req);
    if (token !== GOOD_TOKEN && token !== LIMITED_TOKEN) return unauthorized();
    if (m[1] !== COMPANY_ID && m[1] !== SUBDOMAIN) return notFound(); // the token's user is not in that company
    if (token === LIMITED_TOKEN && /^\/(candidates|attachments|custom_fields)/.test(m[2] ?? '')) return forbidden();
    rateHeaders.set(req, rlHeaders);
    return undefined;
  };
  const tooManyRequests = (reset: number): FakeResponse => ({
    status: 429,
    text: 'Too Many Requests',
    headers: { 'x-ratelimit-limit': String(window.limit), 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(reset) },
  });
  /** Every answer carries the limiter's headers, as Recruitee's plug does. */
  const withRl = (req: FakeRequest, res: FakeResponse): FakeResponse => ({ ...res, headers: { ...rateHeaders.get(req), ...res.headers } });
  const route = (method: string, path: string, h: (req: FakeRequest) => FakeResponse | Promise<FakeResponse>) =>
    server.route(method, `/c/:company${path}`, async (req) => withRl(req, await h(req)));

  // -------------------------------------------------------------------------------------------
  // Routes
  // -------------------------------------------------------------------------------------------

  // GET /c/{company_id}/offers — jobs and talent pools with pipeline stages (api.recruitee.com/docs, Offers).
  route('GET', '/offers', () => ({ json: { offers: offers.map(offerJson) } }));

  // GET /c/{company_id}/candidates — https://docs.recruitee.com/reference/candidates-get
  // limit/offset (all records without limit), newest first (sort=by_date), created_after, offer_id.
  route('GET', '/candidates', (req) => {
    const limitRaw = req.query.get('limit');
    const offsetRaw = req.query.get('offset') ?? '0';
    if ((limitRaw !== null && !/^\d+$/.test(limitRaw)) || !/^\d+$/.test(offsetRaw)) return invalid({ limit: ['is invalid'] });
    const sort = req.query.get('sort') ?? 'by_date';
    if (!['by_date', 'by_last_message'].includes(sort)) return invalid({ sort: ['is invalid'] });
    let list = [...candidates.values()].sort((a, b) => b.created_at.localeCompare(a.created_at) || b.id - a.id);
    const createdAfter = req.query.get('created_after');
    if (createdAfter) list = list.filter((c) => c.created_at > createdAfter);
    const offerId = req.query.get('offer_id');
    if (offerId) list = list.filter((c) => c.placements.some((p) => String(p.offer_id) === offerId));
    const offset = Number(offsetRaw);
    const limit = limitRaw === null ? list.length : Math.min(Number(limitRaw), pageCap);
    return { json: { candidates: list.slice(offset, offset + limit).map(candidateJson), generated_at: new Date().toISOString() } };
  });

  // GET /c/{company_id}/candidates/{id} — the candidate with its profile fields.
  route('GET', '/candidates/:id', (req) => {
    const c = candidateOf(req.params.id);
    if (!c) return notFound();
    return { json: { candidate: { ...candidateJson(c), fields: c.fields.map((f) => ({ ...f, values: [...f.values] })) }, references: [] } };
  });

  // POST /c/{company_id}/candidates/{id}/notes — https://docs.recruitee.com/reference/candidatesidnotes
  // {"note": {"body": "...", "visibility": ...}}; body is required.
  route('POST', '/candidates/:id/notes', (req) => {
    if (req.json === Symbol.for('invalid') || !req.json || typeof req.json !== 'object') return badRequest();
    const c = candidateOf(req.params.id);
    if (!c) return notFound();
    const note = req.json.note;
    if (!note || typeof note !== 'object') return invalid({ note: ["can't be blank"] });
    if (typeof note.body !== 'string' || note.body.trim() === '') return invalid({ body: ["can't be blank"] });
    if (note.visibility !== undefined && (note.visibility === null || !['object', 'string'].includes(typeof note.visibility))) return invalid({ visibility: ['is invalid'] });
    const saved: FakeNote = { id: ++nextId, candidate_id: c.id, body: note.body, visibility: note.visibility ?? null, created_at: new Date().toISOString() };
    notes.push(saved);
    touch(c);
    return { status: 201, json: { note: { id: saved.id, body: saved.body, visibility: saved.visibility, created_at: saved.created_at } } };
  });

  // PATCH /c/{company_id}/custom_fields/candidates/{id}/fields/{field_id} — set a profile field's values;
  // value shape per kind as in https://docs.recruitee.com/reference/custom_fieldscandidatesidfields-post
  route('PATCH', '/custom_fields/candidates/:id/fields/:fieldId', (req) => {
    if (req.json === Symbol.for('invalid') || !req.json || typeof req.json !== 'object') return badRequest();
    const c = candidateOf(req.params.id);
    const f = c?.fields.find((x) => String(x.id) === req.params.fieldId);
    if (!c || !f) return notFound();
    const values = req.json.field?.values;
    if (!Array.isArray(values)) return invalid({ values: ["can't be blank"] });
    const ok = values.every((v: any) => {
      if (!v || typeof v !== 'object') return false;
      if (f.kind === 'single_line' || f.kind === 'multi_line') return typeof v.text === 'string';
      if (f.kind === 'number') return typeof v.number === 'number';
      if (f.kind === 'boolean') return typeof v.flag === 'boolean';
      return false; // dropdowns take option ids, which the connector never sends
    });
    if (!ok) return invalid({ values: ['is invalid'] });
    f.values = values;
    fieldWrites.push({ candidate_id: c.id, field_id: f.id, name: f.name, values });
    touch(c);
    return { json: { field: f } };
  });

  // PATCH /c/{company_id}/candidates/{id}/update_cv — multipart `candidate[cv]`; replaces the CV.
  route('PATCH', '/candidates/:id/update_cv', async (req) => {
    const c = candidateOf(req.params.id);
    if (!c) return notFound();
    const file = req.form?.get('candidate[cv]');
    if (!(file instanceof File)) return invalid({ cv: ["can't be blank"] });
    c.cv = { filename: file.name, content_type: file.type || 'application/octet-stream', data: Buffer.from(await file.arrayBuffer()) };
    touch(c);
    return { json: { candidate: candidateJson(c) } };
  });

  // POST /c/{company_id}/attachments — multipart `attachment[file]` + `attachment[candidate_id]`.
  route('POST', '/attachments', async (req) => {
    if (!req.form) return badRequest();
    const candidateId = req.form.get('attachment[candidate_id]');
    const file = req.form.get('attachment[file]');
    if (typeof candidateId !== 'string' || !candidateId) return invalid({ candidate_id: ["can't be blank"] });
    if (!(file instanceof File)) return invalid({ file: ["can't be blank"] });
    const c = candidateOf(candidateId);
    if (!c) return notFound();
    const saved: FakeAttachment = { id: ++nextId, candidate_id: c.id, filename: file.name, content_type: file.type || 'application/octet-stream', data: Buffer.from(await file.arrayBuffer()), created_at: new Date().toISOString() };
    attachments.push(saved);
    touch(c);
    return { status: 201, json: { attachment: attachmentJson(saved) } };
  });
  const attachmentJson = (a: FakeAttachment) => ({ id: a.id, candidate_id: a.candidate_id, filename: a.filename, content_type: a.content_type, url: fileUrl('attachment', a.id, a.filename), created_at: a.created_at, updated_at: a.created_at });

  // GET /c/{company_id}/attachments?candidate_id= — the candidate's files.
  route('GET', '/attachments', (req) => {
    const c = candidateOf(req.query.get('candidate_id') ?? '');
    if (!c) return notFound();
    return { json: { attachments: attachments.filter((a) => a.candidate_id === c.id).map(attachmentJson) } };
  });

  // Pre-signed file downloads (S3 in production): no auth, the signature is the credential.
  server.route('GET', '/files/:kind/:id/:name', (req) => {
    if (!req.query.get('X-Amz-Signature')) return { status: 403, text: 'AccessDenied' };
    const id = Number(req.params.id);
    const file = req.params.kind === 'cv' ? candidates.get(id)?.cv : attachments.find((a) => a.id === id);
    if (!file) return { status: 404, text: 'NoSuchKey' };
    return { headers: { 'content-type': file.content_type }, body: file.data };
  });

  await server.start();

  const mustGet = (id: string) => {
    const c = candidateOf(id);
    if (!c) throw new Error(`no candidate ${id}`);
    return c;
  };

  return {
    tool: 'recruitee',
    server,
    url: server.url,
    companyId: COMPANY_ID,
    credentials: { api_token: GOOD_TOKEN, company_id: COMPANY_ID },
    badCredentials: { api_token: 'rt_pat_revoked_0000', company_id: COMPANY_ID },
    limitedCredentials: { api_token: LIMITED_TOKEN, company_id: COMPANY_ID },
    notes,
    fieldWrites,
    attachments,
    stop: () => server.stop(),
    failNext(n, status) {
      faults = { left: n, status };
    },
    candidateRemoteIds: () => [...candidates.keys()].map(String),
    applicationRemoteIds: () =>
      [...candidates.values()].flatMap((c) => c.placements.filter((p) => p.offer_id !== 5003).map((p) => String(p.id))),
    jobRemoteIds: () => offers.filter((o) => o.kind === 'job').map((o) => String(o.id)),
    offerIds: () => ({ jobs: ['5001', '5002'], talentPools: ['5003'] }),
    deleteCandidate(id) {
      candidates.delete(Number(id));
    },
    resultTextFor(id) {
      const c = candidates.get(Number(id));
      const noteText = notes.filter((n) => String(n.candidate_id) === id).map((n) => n.body);
      const fieldText = (c?.fields ?? []).filter((f) => f.values.length).map((f) => `${f.name}: ${f.values.map((v) => Object.values(v).join(',')).join(',')}`);
      return [...noteText, ...fieldText].join('\n');
    },
    filesFor(id) {
      const c = candidates.get(Number(id));
      const cv = c?.cv ? [{ name: c.cv.filename, type: 'cv', data: c.cv.data }] : [];
      return [...cv, ...attachments.filter((a) => String(a.candidate_id) === id).map((a) => ({ name: a.filename, type: 'attachment', data: a.data }))];
    },
    peakRate: () => window.peak,
    cvFor: (id) => mustGet(id).cv,
    fieldsOf: (id) => mustGet(id).fields,
    touchCandidate(id, at) {
      mustGet(id).updated_at = at.toISOString();
    },
  };
}
