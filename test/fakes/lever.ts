/**
 * A fake of the slice of Lever's Data API v1 that the Lever connector uses, written from Lever's
 * reference (https://hire.lever.co/developer/documentation; sections cited per route) and not from
 * the connector. Lever publishes no OpenAPI spec, so the fake models the documented behaviour,
 * traps included: Basic auth with the API key as user name; `{data}` envelopes; `limit` + opaque
 * `offset` token pagination with `next`/`hasNext`; millisecond timestamps; `{code, message}`
 * error bodies; a token-bucket rate limit (10 req/s steady, bursts to 20) without documented
 * headers; perform_as; lists that default to non-confidential records; published postings that
 * only appear with `distributionChannel` when they are not on the public job site; posting
 * `updated_at_*` filters that refuse any companion but `confidentiality`; and the Files list in
 * both plausible shapes (`fileListStyle`). Every request must have a row in the connector's
 * provenance table. Where Lever's exact error wording is not published, the messages here are
 * plausible stand-ins.
 */
import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import { FakeServer, WindowCounter, basicUser, type FakeRequest, type FakeResponse } from './server.ts';
import type { VendorFake } from './types.ts';
import { SubscriptionList, type FakeVendorWebhooks } from './webhook-sender.ts';

export interface LeverFakeOptions {
  /** Largest page served. Lever serves up to 100; tests pass a small value so reads need several pages. */
  pageSize?: number;
  /** Retry-After seconds on 429s. Lever documents no rate-limit headers, so by default none is sent. */
  retryAfterSeconds?: number | null;
  /** Token bucket per API key (Lever: 10 requests/s steady, bursts up to 20). */
  steadyPerSecond?: number;
  burst?: number;
}

interface Contact {
  id: string;
  name: string;
  headline: string;
  emails: string[];
  phones: { type: string; value: string }[];
  location: string;
  links: string[];
}
interface Application {
  id: string;
  type: 'posting' | 'user' | 'referral';
  posting: string;
  company: string | null;
  createdAt: number;
}
interface Opportunity {
  id: string;
  contact: string;
  stage: string;
  confidentiality: 'confidential' | 'non-confidential';
  archived: { archivedAt: number; reason: string } | null;
  tags: string[];
  sources: string[];
  origin: string;
  owner: string;
  application: Application | null;
  createdAt: number;
  updatedAt: number;
  deletedAt?: number;
}
interface Note {
  id: string;
  opportunityId: string;
  value: string;
  secret: boolean;
  score: number | null;
  user: string | null;
  createdAt: number;
}
interface StoredFile {
  id: string;
  opportunityId: string;
  name: string;
  ext: string;
  data: Buffer;
  contentType: string;
  uploadedAt: number;
  user: string | null;
  kind: 'file' | 'resume';
}

const API_KEY = 'lvr_fake_full_3f9c2b7a61';
/** A key generated without the Postings and Files-write permissions. */
const LIMITED_KEY = 'lvr_fake_limited_82d1c0e4';
/** A key without the Users and Form Templates permissions (everything else granted). */
const NO_USERS_KEY = 'lvr_fake_nousers_5a1c9e07';
/**
 * `confidential` stands for "this key may see confidential data" [Confidential data]. What Lever
 * answers a key without it that asks for `confidentiality=all` is not documented; this fake
 * answers 403 (the answer that needs handling; silently leaving them out needs none).
 */
const ALL_PERMISSIONS = [
  'opportunities:read',
  'opportunities:write',
  'postings:read',
  'stages:read',
  'archive_reasons:read',
  'notes:write',
  'files:read',
  'files:write',
  'resumes:read',
  'users:read',
  'form_templates:read',
  'tags:read',
  'confidential',
  'webhooks:write',
];
const KEY_PERMISSIONS: Record<string, Set<string>> = {
  [API_KEY]: new Set(ALL_PERMISSIONS),
  [LIMITED_KEY]: new Set(ALL_PERMISSIONS.filter((p) => p !== 'postings:read' && p !== 'files:write' && p !== 'confidential')),
  [NO_USERS_KEY]: new Set(ALL_PERMISSIONS.filter((p) => p !== 'users:read' && p !== 'form_templates:read')),
};

const MAX_FILE_BYTES = 30 * 1024 * 1024;
// "Supported File Formats" section; other files upload fine but are marked unsupported.
const SUPPORTED_EXT = new Set(['doc', 'docx', 'pdf', 'txt', 'rtf', 'html', 'odt', 'png', 'jpg', 'jpeg']);

const uuid = (kind: number, n: number) => `${kind.toString(16).padStart(8, '0')}-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;
const T0 = Date.UTC(2026, 5, 1, 9, 0, 0);
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

const FIRST = [
  'Ada',
  'Grace',
  'Alan',
  'Katherine',
  'Linus',
  'Margaret',
  'Edsger',
  'Barbara',
  'Donald',
  'Frances',
  'Ken',
  'Radia',
  'Dennis',
  'Shafi',
  'Tim',
  'Hedy',
  'John',
];
const LAST = ['Lovelace', 'Hopper', 'Turing', 'Johnson', 'Torvalds', 'Hamilton', 'Dijkstra', 'Liskov', 'Knuth', 'Allen'];

const err = (status: number, code: string, message: string): FakeResponse => ({ status, json: { code, message } });

export interface LeverFake extends VendorFake {
  /** Stage moves and archivings as received, with their perform_as user. */
  statusChanges: { opportunityId: string; kind: 'stage' | 'archived'; body: any; user: string | null }[];
  /**
   * The shape of GET …/files: Lever's Lists envelope with numeric timestamps ('envelope', the
   * default), or the Files section's example taken literally ('doc-example': a bare array,
   * string timestamps and sizes, `ext` with a dot).
   */
  fileListStyle: 'envelope' | 'doc-example';
  limitedCredentials: Record<string, unknown>;
  /** A key that may not list users or form templates (403 there), and may do everything else. */
  noUsersCredentials: Record<string, unknown>;
  users: { id: string; name: string }[];
  postingIds: string[];
  contactOf(opportunityId: string): string;
  opportunitiesOf(contactId: string): string[];
  linksOf(contactId: string): string[];
  notesOf(opportunityId: string): Note[];
  uploadedFilesOf(opportunityId: string): StoredFile[];
  /** Seeded opportunities as stored (for expectations): id, contact, updatedAt, archived... */
  opportunities(): Opportunity[];
  contacts(): Contact[];
  addFile(opportunityId: string, name: string, data: Buffer, contentType: string): string;
  /** A change to a posting made in Lever's UI: bumps its updatedAt to now. */
  touchPosting(id: string): void;
  /** An account admin creates an archive reason and archives an opportunity with it. */
  archiveWithNewReason(opportunityId: string, reason: { text: string; type: 'hired' | 'non-hired' }): string;
}

export async function startLeverFake(opts: LeverFakeOptions = {}): Promise<LeverFake> {
  const pageSize = Math.min(100, opts.pageSize ?? 100);
  const steady = opts.steadyPerSecond ?? 10;
  const burst = opts.burst ?? 20;
  // Every call must have a row in src/connectors/lever/README.md's provenance table.
  const server = new FakeServer({ provenance: 'lever' });

  // ------------------------------------------------------------------------------------------
  // Seed data
  // ------------------------------------------------------------------------------------------
  // [LV, Users]: accessRole one of super admin, admin, team member, limited team member, interviewer.
  const users = [
    { id: uuid(0x05e5, 1), name: 'Rita Recruiter', accessRole: 'admin', deactivatedAt: null as number | null },
    { id: uuid(0x05e5, 2), name: 'Harry Hiring', accessRole: 'team member', deactivatedAt: null as number | null },
    { id: uuid(0x05e5, 3), name: 'Ivy Interviewer', accessRole: 'interviewer', deactivatedAt: T0 - 30 * DAY },
  ];
  const stages = [
    { id: 'lead-new', text: 'New lead' },
    { id: 'lead-reached-out', text: 'Reached out' },
    { id: 'applicant-new', text: 'New applicant' },
    { id: uuid(0x57a6, 1), text: 'Recruiter screen' },
    { id: uuid(0x57a6, 2), text: 'On-site interview' },
    { id: 'offer', text: 'Offer' },
  ];
  const archiveReasons = [
    { id: uuid(0xa4c4, 1), text: 'Hired', status: 'active', type: 'hired' },
    { id: uuid(0xa4c4, 2), text: 'Underqualified', status: 'active', type: 'non-hired' },
    { id: uuid(0xa4c4, 3), text: 'Withdrew', status: 'active', type: 'non-hired' },
  ];
  const postings = [
    {
      id: uuid(0x9057, 1),
      text: 'Senior Backend Engineer',
      state: 'published',
      distributionChannels: ['public', 'internal'],
      commitment: 'Full-time',
      team: 'Platform',
      department: 'Engineering',
      location: 'Berlin',
      country: 'DE',
      req: 'ENG-101',
    },
    {
      id: uuid(0x9057, 2),
      text: 'Product Designer',
      state: 'internal',
      distributionChannels: [],
      commitment: 'Part-time',
      team: 'Design',
      department: 'Product',
      location: 'Remote',
      country: 'DE',
      req: 'DES-7',
    },
    {
      id: uuid(0x9057, 3),
      text: 'Data Analyst Intern',
      state: 'closed',
      distributionChannels: [],
      commitment: 'Internship',
      team: 'Analytics',
      department: 'Finance',
      location: 'Paris',
      country: 'FR',
      req: 'FIN-3',
    },
    // Published on the internal job site only: a plain list request does not return it (Postings: list).
    {
      id: uuid(0x9057, 4),
      text: 'Internal Tools Engineer',
      state: 'published',
      distributionChannels: ['internal'],
      commitment: 'Full-time',
      team: 'Platform',
      department: 'Engineering',
      location: 'Berlin',
      country: 'DE',
      req: 'ENG-202',
    },
    // Confidential: lists default to non-confidential (Postings: list; Confidential data).
    {
      id: uuid(0x9057, 5),
      text: 'Chief of Staff',
      state: 'internal',
      distributionChannels: [],
      commitment: 'Full-time',
      team: 'Office of the CEO',
      department: 'Operations',
      location: 'Berlin',
      country: 'DE',
      req: 'OPS-1',
      confidential: true,
    },
  ].map((p, i) => ({
    id: p.id,
    text: p.text,
    state: p.state,
    distributionChannels: p.distributionChannels as string[],
    confidentiality: p.confidential ? 'confidential' : 'non-confidential',
    user: users[0].id,
    owner: users[0].id,
    hiringManager: users[1].id,
    categories: { team: p.team, department: p.department, location: p.location, commitment: p.commitment, allLocations: [p.location] },
    tags: [],
    content: { description: `${p.text} at Acme.`, descriptionHtml: `<p>${p.text} at Acme.</p>`, lists: [], closing: '', closingHtml: '' },
    country: p.country,
    followers: [],
    requisitionCodes: [p.req],
    workplaceType: i === 1 ? 'remote' : 'onsite',
    urls: {
      list: 'https://jobs.lever.co/acme',
      show: `https://jobs.lever.co/acme/${p.id}`,
      apply: `https://jobs.lever.co/acme/${p.id}/apply`,
    },
    createdAt: T0 - 30 * DAY + i * DAY,
    updatedAt: i < 3 ? T0 - 10 * DAY + i * 5 * DAY : T0 - 20 * DAY + i * HOUR,
  }));

  const contacts = new Map<string, Contact>();
  const opportunities = new Map<string, Opportunity>();
  const notes: Note[] = [];
  const files: StoredFile[] = [];
  let seq = 1000;

  const CONTACTS = 34;
  for (let i = 1; i <= CONTACTS; i++) {
    const first = FIRST[i % FIRST.length];
    const last = LAST[i % LAST.length];
    const contact: Contact = {
      id: uuid(0xc0ac, i),
      name: `${first} ${last}${i > 20 ? ` ${i}` : ''}`,
      headline: 'Acme, Initech, TU Berlin',
      emails: [`${first.toLowerCase()}.${last.toLowerCase()}${i}@example.com`],
      phones: [{ type: 'mobile', value: `+49 30 5550${String(i).padStart(3, '0')}` }],
      location: i % 2 ? 'Berlin, Germany' : 'Paris, France',
      links: i % 3 === 0 ? [`https://www.linkedin.com/in/${first.toLowerCase()}${i}`] : [],
    };
    contacts.set(contact.id, contact);
    const createdAt = T0 + i * HOUR;
    const sourced = i % 11 === 0; // a sourced lead without an application to a posting
    const posting = postings[i % 2].id;
    const opp: Opportunity = {
      id: uuid(0x0990, i),
      contact: contact.id,
      stage: sourced ? 'lead-new' : stages[2 + (i % 4)].id,
      // Contact 13's candidacy is confidential: lists return it only with confidentiality=all.
      confidentiality: i === 13 ? 'confidential' : 'non-confidential',
      archived: i % 7 === 0 ? { archivedAt: createdAt + 3 * DAY, reason: archiveReasons[2].id } : null,
      tags: i % 4 === 0 ? ['Referral', 'Senior'] : ['Inbound'],
      sources: [sourced ? 'LinkedIn' : 'Job site'],
      origin: sourced ? 'sourced' : 'applied',
      owner: users[0].id,
      createdAt,
      updatedAt: createdAt + i * HOUR,
      application: sourced ? null : { id: uuid(0xa991, i), type: 'posting', posting, company: i % 2 ? 'Initech' : null, createdAt },
    };
    opportunities.set(opp.id, opp);
    if (i % 6 === 0) {
      // A second candidacy for the same person (an earlier one, for the closed posting).
      const earlier = T0 - 20 * DAY + i * HOUR;
      const second: Opportunity = {
        ...opp,
        id: uuid(0x0990, 100 + i),
        stage: 'offer',
        // Contact 18 is still in process for both; the others were hired (12, 24) or turned down.
        archived: i === 18 ? null : { archivedAt: earlier + 5 * DAY, reason: i % 12 === 0 ? archiveReasons[0].id : archiveReasons[1].id },
        tags: [],
        createdAt: earlier,
        updatedAt: earlier + 5 * DAY,
        application: { id: uuid(0xa991, 100 + i), type: 'user', posting: postings[2].id, company: null, createdAt: earlier },
      };
      opportunities.set(second.id, second);
    }
    if (i % 5 === 1) {
      const data = Buffer.from(`%PDF-1.4 resume of ${contact.name}\n`);
      files.push({
        id: uuid(0x4e50, i),
        opportunityId: opp.id,
        name: `${first}_${last}_resume.pdf`,
        ext: 'pdf',
        data,
        contentType: 'application/pdf',
        uploadedAt: createdAt,
        user: null,
        kind: 'resume',
      });
    }
  }

  // ------------------------------------------------------------------------------------------
  // Cross-cutting behaviour: injected faults, rate limit, auth
  // ------------------------------------------------------------------------------------------
  let failures: { n: number; status: 429 | 500 | 503 } = { n: 0, status: 500 };
  // Lever limits per API key, so each key has its own bucket (and its own observed peak).
  const windows = new Map<string, WindowCounter>();
  const buckets = new Map<string, { tokens: number; at: number }>();

  const tooMany = (): FakeResponse => ({
    status: 429,
    headers: opts.retryAfterSeconds != null ? { 'retry-after': String(opts.retryAfterSeconds) } : {},
    json: { code: 'TooManyRequests', message: 'Rate limit exceeded. Please retry with exponential backoff.' },
  });

  server.before = (req) => {
    const keyName = basicUser(req) ?? '';
    if (!windows.has(keyName)) windows.set(keyName, new WindowCounter(steady, 1000));
    const window = windows.get(keyName)!;
    window.peak = Math.max(window.peak, window.hit().count);
    if (failures.n > 0) {
      failures.n--;
      if (failures.status === 429) return tooMany();
      return err(
        failures.status,
        failures.status === 503 ? 'ServiceUnavailable' : 'InternalServerError',
        'Something went wrong on our end.',
      );
    }
    // Rate Limits: token bucket per API key, steady 10 req/s with bursts up to 20.
    const now = Date.now();
    const prev = buckets.get(keyName) ?? { tokens: burst, at: now };
    const bucket = { tokens: Math.min(burst, prev.tokens + ((now - prev.at) * steady) / 1000), at: now };
    buckets.set(keyName, bucket);
    if (bucket.tokens < 1) return tooMany();
    bucket.tokens -= 1;
    // Authentication: HTTP Basic, API key as user name, empty password.
    const key = basicUser(req);
    if (!key || !KEY_PERMISSIONS[key]) return err(401, 'UnauthorizedError', 'Invalid API key provided.');
    return undefined;
  };

  const permitted = (req: FakeRequest, permission: string): FakeResponse | null => {
    const key = basicUser(req)!;
    return KEY_PERMISSIONS[key].has(permission)
      ? null
      : err(403, 'ForbiddenError', 'This API key does not have permission to access this endpoint.');
  };

  // ------------------------------------------------------------------------------------------
  // Helpers: pagination, serialisation, validation
  // ------------------------------------------------------------------------------------------

  /** Pagination: `limit` 1..100 and `offset`, the opaque token of the previous page's `next`. */
  function page<T>(req: FakeRequest, items: T[]): FakeResponse {
    const limitRaw = req.query.get('limit');
    const limit = limitRaw === null ? 100 : Number(limitRaw);
    if (!Number.isInteger(limit) || limit < 1 || limit > 100)
      return err(400, 'BadRequestError', 'limit must be an integer between 1 and 100.');
    let start = 0;
    const offset = req.query.get('offset');
    if (offset) {
      const m = /^(\d+)\.lvr$/.exec(Buffer.from(offset, 'base64url').toString('utf8'));
      if (!m) return err(400, 'BadRequestError', 'Invalid offset token.');
      start = Number(m[1]);
    }
    const size = Math.min(limit, pageSize);
    const data = items.slice(start, start + size);
    const hasNext = start + size < items.length;
    return { json: { data, ...(hasNext ? { next: Buffer.from(`${start + size}.lvr`).toString('base64url') } : {}), hasNext } };
  }

  const expands = (req: FakeRequest) => new Set(req.query.getAll('expand').flatMap((e) => e.split(',')));

  function serializeOpportunity(o: Opportunity, expand: Set<string>) {
    const c = contacts.get(o.contact)!;
    const app = o.application
      ? {
          id: o.application.id,
          opportunityId: o.id,
          candidateId: o.id,
          createdAt: o.application.createdAt,
          type: o.application.type,
          posting: o.application.posting,
          postingOwner: users[0].id,
          postingHiringManager: users[1].id,
          user: null,
          name: c.name,
          email: c.emails[0],
          phone: c.phones[0] ?? null,
          company: o.application.company,
          links: [],
          comments: null,
          customQuestions: [],
          archived: o.archived,
          requisitionForHire: null,
        }
      : null;
    return {
      id: o.id,
      name: c.name,
      headline: c.headline,
      contact: c.id,
      emails: c.emails,
      phones: c.phones,
      links: c.links,
      location: c.location,
      confidentiality: o.confidentiality,
      stage: expand.has('stage') ? stages.find((s) => s.id === o.stage) : o.stage,
      stageChanges: [
        { toStageId: o.stage, toStageIndex: stages.findIndex((s) => s.id === o.stage), updatedAt: o.createdAt, userId: users[0].id },
      ],
      archived: o.archived,
      tags: o.tags,
      sources: o.sources,
      origin: o.origin,
      sourcedBy: users[0].id,
      owner: o.owner,
      followers: [users[0].id],
      applications: app ? [expand.has('applications') ? app : app.id] : [],
      createdAt: o.createdAt,
      updatedAt: o.updatedAt,
      lastInteractionAt: o.updatedAt,
      lastAdvancedAt: o.createdAt,
      snoozedUntil: null,
      urls: { list: 'https://hire.lever.co/candidates', show: `https://hire.lever.co/candidates/${o.id}` },
      dataProtection: null,
      isAnonymized: false,
    };
  }

  const live = (id: string) => {
    const o = opportunities.get(id);
    return o && !o.deletedAt ? o : undefined;
  };
  const notFound = () => err(404, 'ResourceNotFound', 'Opportunity not found.');

  /** perform_as: optional on most writes; when given it must be a user of the account. */
  function checkPerformAs(req: FakeRequest, required: boolean): { user: string | null } | FakeResponse {
    const u = req.query.get('perform_as');
    if (!u) return required ? err(400, 'BadRequestError', 'Missing required query parameter: perform_as.') : { user: null };
    if (!users.some((x) => x.id === u)) return err(400, 'BadRequestError', `perform_as: no user found with id ${u}.`);
    return { user: u };
  }
  const isResponse = (x: unknown): x is FakeResponse => !!x && typeof x === 'object' && 'status' in x;

  /** `confidentiality`: confidential, non-confidential (the default) or all. */
  function confidentialityOf(req: FakeRequest): string | FakeResponse {
    const v = req.query.get('confidentiality') ?? 'non-confidential';
    if (!['confidential', 'non-confidential', 'all'].includes(v))
      return err(400, 'BadRequestError', 'confidentiality must be confidential, non-confidential or all.');
    if (v !== 'non-confidential' && permitted(req, 'confidential'))
      return err(403, 'ForbiddenError', 'This API key does not have access to confidential data.');
    return v;
  }

  function msParam(req: FakeRequest, name: string): number | undefined | FakeResponse {
    const v = req.query.get(name);
    if (v === null) return undefined;
    if (!/^\d+$/.test(v)) return err(400, 'BadRequestError', `${name} must be a timestamp in milliseconds.`);
    return Number(v);
  }

  // ------------------------------------------------------------------------------------------
  // Routes
  // ------------------------------------------------------------------------------------------

  // Opportunities → List all opportunities (#list-all-opportunities): filters, expand, pagination.
  server.route('GET', '/v1/opportunities', (req) => {
    const denied = permitted(req, 'opportunities:read');
    if (denied) return denied;
    const bounds: Record<string, number | undefined> = {};
    for (const name of ['updated_at_start', 'updated_at_end', 'created_at_start', 'created_at_end']) {
      const v = msParam(req, name);
      if (isResponse(v)) return v;
      bounds[name] = v;
    }
    const contactIds = req.query.getAll('contact_id');
    const postingIds = req.query.getAll('posting_id');
    const email = req.query.get('email');
    const archived = req.query.get('archived');
    const confidentiality = confidentialityOf(req);
    if (isResponse(confidentiality)) return confidentiality;
    const list = [...opportunities.values()]
      .filter((o) => !o.deletedAt)
      .filter((o) => confidentiality === 'all' || o.confidentiality === confidentiality)
      .filter((o) => bounds.updated_at_start === undefined || o.updatedAt >= bounds.updated_at_start)
      .filter((o) => bounds.updated_at_end === undefined || o.updatedAt <= bounds.updated_at_end)
      .filter((o) => bounds.created_at_start === undefined || o.createdAt >= bounds.created_at_start)
      .filter((o) => bounds.created_at_end === undefined || o.createdAt <= bounds.created_at_end)
      .filter((o) => !contactIds.length || contactIds.includes(o.contact))
      .filter((o) => !postingIds.length || (o.application && postingIds.includes(o.application.posting)))
      .filter((o) => !email || contacts.get(o.contact)!.emails.includes(email))
      .filter((o) => archived === null || (archived === 'true') === !!o.archived)
      .sort((a, b) => b.createdAt - a.createdAt || a.id.localeCompare(b.id));
    const exp = expands(req);
    return page(
      req,
      list.map((o) => serializeOpportunity(o, exp)),
    );
  });

  // Opportunities → Update links (#update-contact-links-by-opportunity): POST /opportunities/:id/addLinks.
  // Links belong to the contact, so they appear on every opportunity of the person.
  server.route('POST', '/v1/opportunities/:opportunity/addLinks', (req) => {
    const denied = permitted(req, 'opportunities:write');
    if (denied) return denied;
    const o = live(req.params.opportunity);
    if (!o) return notFound();
    const pa = checkPerformAs(req, false);
    if (isResponse(pa)) return pa;
    const links = req.json?.links;
    if (!Array.isArray(links) || !links.length || links.some((l: unknown) => typeof l !== 'string' || !l.trim())) {
      return err(400, 'BadRequestError', 'links must be a non-empty array of strings.');
    }
    const c = contacts.get(o.contact)!;
    for (const l of links as string[]) if (!c.links.includes(l)) c.links.push(l);
    const now = Date.now();
    for (const x of opportunities.values()) if (x.contact === c.id) x.updatedAt = now;
    return { json: { data: serializeOpportunity(o, new Set()) } };
  });

  // Opportunities → Update tags (#update-opportunity-tags): POST /opportunities/:id/addTags and
  // /removeTags, JSON {tags: [text]}, perform_as optional. Tags are plain text; removing matches
  // the exact text (a different case is another tag), and removing an absent tag changes nothing.
  for (const verb of ['addTags', 'removeTags'] as const) {
    server.route('POST', `/v1/opportunities/:opportunity/${verb}`, (req) => {
      const denied = permitted(req, 'opportunities:write');
      if (denied) return denied;
      const o = live(req.params.opportunity);
      if (!o) return notFound();
      const pa = checkPerformAs(req, false);
      if (isResponse(pa)) return pa;
      const tags = req.json?.tags;
      if (!Array.isArray(tags) || !tags.length || tags.some((t: unknown) => typeof t !== 'string' || !t.trim()))
        return err(400, 'BadRequestError', 'tags must be a non-empty array of strings.');
      if (verb === 'addTags') for (const t of tags as string[]) if (!o.tags.includes(t)) o.tags.push(t);
      if (verb === 'removeTags') o.tags = o.tags.filter((t) => !(tags as string[]).includes(t));
      o.updatedAt = Date.now();
      return { json: { data: serializeOpportunity(o, new Set()) } };
    });
  }

  // Tags → List all tags (#list-all-tags): {text, count} of every tag in use, Lists envelope.
  server.route('GET', '/v1/tags', (req) => {
    const denied = permitted(req, 'tags:read');
    if (denied) return denied;
    const counts = new Map<string, number>();
    for (const o of opportunities.values()) if (!o.deletedAt) for (const t of o.tags) counts.set(t, (counts.get(t) ?? 0) + 1);
    return page(
      req,
      [...counts].map(([text, count]) => ({ text, count })),
    );
  });

  // Notes → Create a note (#create-a-note): JSON {value (required), secret, score 1-4, notifyFollowers, createdAt}.
  server.route('POST', '/v1/opportunities/:opportunity/notes', (req) => {
    const denied = permitted(req, 'notes:write');
    if (denied) return denied;
    const o = live(req.params.opportunity);
    if (!o) return notFound();
    const pa = checkPerformAs(req, false);
    if (isResponse(pa)) return pa;
    const b = req.json;
    if (!b || typeof b !== 'object' || Array.isArray(b)) return err(400, 'BadRequestError', 'Request body must be a JSON object.');
    if (typeof b.value !== 'string' || !b.value.trim()) return err(400, 'BadRequestError', 'Missing required field: value.');
    if (b.secret !== undefined && typeof b.secret !== 'boolean') return err(400, 'BadRequestError', 'secret must be a boolean.');
    if (b.score !== undefined && b.score !== null && !(Number.isInteger(b.score) && b.score >= 1 && b.score <= 4))
      return err(400, 'BadRequestError', 'score must be an integer between 1 and 4.');
    if (b.createdAt !== undefined && (typeof b.createdAt !== 'number' || b.createdAt > Date.now()))
      return err(400, 'BadRequestError', 'createdAt must be a timestamp in the past.');
    const note: Note = {
      id: uuid(0x4073, ++seq),
      opportunityId: o.id,
      value: b.value,
      secret: b.secret ?? false,
      score: b.score ?? null,
      user: pa.user,
      createdAt: b.createdAt ?? Date.now(),
    };
    notes.push(note);
    return { status: 201, json: { data: { noteId: note.id } } };
  });

  /** Moves and archivings as received (perform_as included), for the connector tests. */
  const statusChanges: { opportunityId: string; kind: 'stage' | 'archived'; body: any; user: string | null }[] = [];

  // Opportunities → Update opportunity stage (#update-opportunity-stage): JSON {stage}, a stage id
  // of the account's pipeline; perform_as optional.
  server.route('PUT', '/v1/opportunities/:opportunity/stage', (req) => {
    const denied = permitted(req, 'opportunities:write');
    if (denied) return denied;
    const o = live(req.params.opportunity);
    if (!o) return notFound();
    const pa = checkPerformAs(req, false);
    if (isResponse(pa)) return pa;
    const b = req.json;
    if (!b || typeof b !== 'object' || Array.isArray(b)) return err(400, 'BadRequestError', 'Request body must be a JSON object.');
    if (typeof b.stage !== 'string' || !stages.some((st) => st.id === b.stage))
      return err(400, 'BadRequestError', 'stage: no stage found with that id.');
    o.stage = b.stage;
    o.updatedAt = Date.now();
    statusChanges.push({ opportunityId: o.id, kind: 'stage', body: b, user: pa.user });
    return { json: { data: serializeOpportunity(o, new Set()) } };
  });

  // Opportunities → Update opportunity archived state (#update-opportunity-archived-state): JSON
  // {reason, cleanInterviews?, requisitionId?}; `reason` an archive reason id, null to unarchive.
  server.route('PUT', '/v1/opportunities/:opportunity/archived', (req) => {
    const denied = permitted(req, 'opportunities:write');
    if (denied) return denied;
    const o = live(req.params.opportunity);
    if (!o) return notFound();
    const pa = checkPerformAs(req, false);
    if (isResponse(pa)) return pa;
    const b = req.json;
    if (!b || typeof b !== 'object' || Array.isArray(b)) return err(400, 'BadRequestError', 'Request body must be a JSON object.');
    const extra = Object.keys(b).filter((k) => !['reason', 'cleanInterviews', 'requisitionId'].includes(k));
    if (extra.length) return err(400, 'BadRequestError', `Unknown field: ${extra[0]}.`);
    if (b.reason === null) o.archived = null;
    else if (typeof b.reason !== 'string' || !archiveReasons.some((r) => r.id === b.reason))
      return err(400, 'BadRequestError', 'reason: no archive reason found with that id.');
    else o.archived = { archivedAt: Date.now(), reason: b.reason };
    o.updatedAt = Date.now();
    statusChanges.push({ opportunityId: o.id, kind: 'archived', body: b, user: pa.user });
    return { json: { data: serializeOpportunity(o, new Set()) } };
  });

  // Files → Upload a single file (#upload-a-single-file): multipart `file`, perform_as required, 30MB.
  server.route('POST', '/v1/opportunities/:opportunity/files', async (req) => {
    const denied = permitted(req, 'files:write');
    if (denied) return denied;
    const o = live(req.params.opportunity);
    if (!o) return notFound();
    const pa = checkPerformAs(req, true);
    if (isResponse(pa)) return pa;
    const file = req.form?.get('file');
    if (!file || typeof file === 'string')
      return err(400, 'BadRequestError', 'Request must be multipart/form-data with a file in the "file" field.');
    const data = Buffer.from(await file.arrayBuffer());
    if (data.length > MAX_FILE_BYTES) return err(413, 'PayloadTooLarge', 'The request file size is limited to 30MB.');
    const name = (file as File).name || 'file';
    const ext = (name.includes('.') ? name.split('.').pop()! : '').toLowerCase();
    const stored: StoredFile = {
      id: uuid(0xf11e, ++seq),
      opportunityId: o.id,
      name,
      ext,
      data,
      contentType: file.type || 'application/octet-stream',
      uploadedAt: Date.now(),
      user: pa.user,
      kind: 'file',
    };
    files.push(stored);
    return { json: { data: fileJson(stored) } };
  });

  const fileJson = (f: StoredFile) => ({
    id: f.id,
    downloadUrl: `https://api.lever.co/v1/opportunities/${f.opportunityId}/${f.kind === 'file' ? 'files' : 'resumes'}/${f.id}/download`,
    ext: f.ext,
    name: f.name,
    uploadedAt: f.uploadedAt,
    status: SUPPORTED_EXT.has(f.ext) ? 'processed' : 'unsupported',
    size: f.data.length,
  });

  // Files → List all files (#list-all-files). The section's example is a bare JSON array with
  // `uploadedAt`/`size` as strings and `ext` ".pdf"; the Lists section says every list uses the
  // `{data, next, hasNext}` envelope. Both are plausible: `fake.fileListStyle` picks.
  server.route('GET', '/v1/opportunities/:opportunity/files', (req) => {
    const denied = permitted(req, 'files:read');
    if (denied) return denied;
    if (!live(req.params.opportunity)) return notFound();
    const list = files.filter((f) => f.kind === 'file' && f.opportunityId === req.params.opportunity).map(fileJson);
    if (fake.fileListStyle === 'envelope') return page(req, list);
    return { json: list.map((f) => ({ ...f, ext: `.${f.ext}`, uploadedAt: String(f.uploadedAt), size: String(f.size) })) };
  });

  // Resumes → List all resumes (#list-all-resumes): read-only, created with the opportunity.
  server.route('GET', '/v1/opportunities/:opportunity/resumes', (req) => {
    const denied = permitted(req, 'resumes:read');
    if (denied) return denied;
    if (!live(req.params.opportunity)) return notFound();
    const list = files.filter((f) => f.kind === 'resume' && f.opportunityId === req.params.opportunity);
    return page(
      req,
      list.map((f) => ({
        id: f.id,
        createdAt: f.uploadedAt,
        file: { ...fileJson(f), id: undefined },
        parsedData: { positions: [], schools: [] },
      })),
    );
  });

  // Files → Download a file (#download-a-file) / Resumes → Download a resume file; 422 if unprocessable.
  const download =
    (kind: 'file' | 'resume', permission: string) =>
    (req: FakeRequest): FakeResponse => {
      const denied = permitted(req, permission);
      if (denied) return denied;
      if (!live(req.params.opportunity)) return notFound();
      const f = files.find((x) => x.kind === kind && x.opportunityId === req.params.opportunity && x.id === req.params.file);
      if (!f) return err(404, 'ResourceNotFound', `${kind === 'file' ? 'File' : 'Resume'} not found.`);
      if (!SUPPORTED_EXT.has(f.ext)) return err(422, 'UnprocessableEntity', 'The file could not be processed.');
      return { headers: { 'content-type': f.contentType, 'content-disposition': `attachment; filename="${f.name}"` }, body: f.data };
    };
  server.route('GET', '/v1/opportunities/:opportunity/files/:file/download', download('file', 'files:read'));
  server.route('GET', '/v1/opportunities/:opportunity/resumes/:file/download', download('resume', 'resumes:read'));

  // Postings → List all postings (#list-all-postings). The documented traps: `confidentiality`
  // defaults to non-confidential; published postings that are not on the public job site only come
  // back with `distributionChannel`; `updated_at_start`/`_end` may only be combined with
  // `confidentiality` (any other filter with them is refused here).
  const POSTING_FILTERS = ['state', 'distributionChannel', 'team', 'department', 'location', 'commitment', 'level', 'tag'];
  server.route('GET', '/v1/postings', (req) => {
    const denied = permitted(req, 'postings:read');
    if (denied) return denied;
    const confidentiality = confidentialityOf(req);
    if (isResponse(confidentiality)) return confidentiality;
    const bounds: Record<string, number | undefined> = {};
    for (const name of ['updated_at_start', 'updated_at_end']) {
      const v = msParam(req, name);
      if (isResponse(v)) return v;
      bounds[name] = v;
    }
    const filters = POSTING_FILTERS.filter((f) => req.query.has(f));
    if ((bounds.updated_at_start !== undefined || bounds.updated_at_end !== undefined) && filters.length) {
      return err(
        400,
        'BadRequestError',
        `updated_at_start and updated_at_end can only be combined with confidentiality, not with ${filters.join(', ')}.`,
      );
    }
    const channel = req.query.get('distributionChannel');
    if (channel !== null && channel !== 'public' && channel !== 'internal')
      return err(400, 'BadRequestError', 'distributionChannel must be public or internal.');
    const states = req.query.getAll('state');
    const list = postings
      .filter((p) => confidentiality === 'all' || p.confidentiality === confidentiality)
      .filter((p) => !states.length || states.includes(p.state))
      .filter((p) =>
        channel ? p.distributionChannels.includes(channel) : p.state !== 'published' || p.distributionChannels.includes('public'),
      )
      .filter((p) => bounds.updated_at_start === undefined || p.updatedAt >= bounds.updated_at_start)
      .filter((p) => bounds.updated_at_end === undefined || p.updatedAt <= bounds.updated_at_end);
    return page(req, list);
  });

  // Stages → List all stages (#list-all-stages).
  server.route('GET', '/v1/stages', (req) => permitted(req, 'stages:read') ?? page(req, stages));

  // Users → List all users (#list-all-users): only active users unless includeDeactivated=true;
  // `email`, `accessRole` filters; paginated like every list.
  server.route('GET', '/v1/users', (req) => {
    const denied = permitted(req, 'users:read');
    if (denied) return denied;
    const withDeactivated = req.query.get('includeDeactivated') === 'true';
    const email = req.query.get('email');
    const role = req.query.get('accessRole');
    const rows = users
      .filter((u) => withDeactivated || !u.deactivatedAt)
      .filter((u) => !role || u.accessRole === role)
      .map((u) => ({
        id: u.id,
        name: u.name,
        username: u.name.split(' ')[0].toLowerCase(),
        email: `${u.name.split(' ')[0].toLowerCase()}@acme.example`,
        createdAt: T0 - 90 * DAY,
        deactivatedAt: u.deactivatedAt,
        accessRole: u.accessRole,
        photo: null,
      }))
      .filter((u) => !email || u.email === email);
    return page(req, rows);
  });

  // Profile Form Templates → List all profile form templates (#list-all-profile-form-templates):
  // active templates with their fields; `include` may narrow the attributes.
  const formTemplates = [
    {
      id: uuid(0xf0f0, 1),
      createdAt: String(T0 - 60 * DAY),
      updatedAt: String(T0 - 10 * DAY),
      text: 'Offer information',
      instructions: 'Please complete all fields',
      group: { id: uuid(0x6a0c, 1), name: 'Product' },
      secretByDefault: false,
      fields: [
        { id: uuid(0xf1e1, 1), type: 'date', text: 'Start Date', description: '', required: true },
        { id: uuid(0xf1e1, 2), type: 'currency', text: 'Compensation', description: '', required: true },
      ],
    },
    {
      id: uuid(0xf0f0, 2),
      createdAt: String(T0 - 50 * DAY),
      updatedAt: String(T0 - 5 * DAY),
      text: 'Assessment',
      instructions: '',
      group: null,
      secretByDefault: true,
      fields: [{ id: uuid(0xf1e1, 3), type: 'text', text: 'Acme: Score', description: '', required: false }],
    },
  ];
  server.route('GET', '/v1/form_templates', (req) => permitted(req, 'form_templates:read') ?? page(req, formTemplates));

  // Archive Reasons → List all archive reasons (#list-all-archive-reasons).
  server.route('GET', '/v1/archive_reasons', (req) => permitted(req, 'archive_reasons:read') ?? page(req, archiveReasons));

  // Webhooks (#webhooks, Subscription API): POST /webhooks {event, url} creates one webhook and
  // answers its signature token; DELETE /webhooks/:id removes it. A delivery's body carries
  // token, triggeredAt and signature = hex HMAC-SHA256(token + triggeredAt) under that token.
  const subscriptions = new SubscriptionList();
  const LEVER_EVENTS = new Set([
    'applicationCreated',
    'candidateHired',
    'candidateStageChange',
    'candidateArchiveChange',
    'candidateDeleted',
    'interviewCreated',
    'interviewUpdated',
    'interviewDeleted',
    'contactCreated',
    'contactUpdated',
  ]);
  server.route('POST', '/v1/webhooks', (req) => {
    const denied = permitted(req, 'webhooks:write');
    if (denied) return denied;
    const { event, url } = req.json ?? {};
    if (!LEVER_EVENTS.has(event)) return err(400, 'BadRequestError', 'event must be a supported webhook event.');
    if (typeof url !== 'string' || !/^https?:\/\//.test(url)) return err(400, 'BadRequestError', 'url must be a URL.');
    const s = subscriptions.add({ url, event, secret: randomBytes(16).toString('hex') });
    return { status: 201, json: { data: { id: s.id, event, url, configuration: { signatureToken: s.secret }, createdAt: Date.now() } } };
  });
  server.route('DELETE', '/v1/webhooks/:id', (req) => {
    const denied = permitted(req, 'webhooks:write');
    if (denied) return denied;
    return subscriptions.remove(req.params.id) ? { status: 204 } : err(404, 'ResourceNotFound', 'Webhook not found.');
  });
  const leverDelivery = (url: string, secret: string, event: string, data: Record<string, unknown>) => {
    const token = randomBytes(12).toString('hex');
    const triggeredAt = Date.now();
    const signature = createHmac('sha256', secret).update(`${token}${triggeredAt}`).digest('hex');
    return { url, headers: {}, body: JSON.stringify({ id: randomUUID(), event, triggeredAt, token, signature, data }) };
  };
  const webhooks: FakeVendorWebhooks = {
    registered: () => subscriptions.list(),
    async changeCandidate(contactId, manual) {
      const o = [...opportunities.values()].find((x) => x.contact === contactId && !x.deletedAt);
      if (!o) throw new Error(`no opportunity for contact ${contactId}`);
      const from = o.stage;
      const movable = stages.filter((s) => !s.id.startsWith('lead-'));
      o.stage = movable[(movable.findIndex((s) => s.id === o.stage) + 1) % movable.length].id;
      o.updatedAt = Date.now();
      const data = { opportunityId: o.id, candidateId: o.id, contactId, fromStageId: from, toStageId: o.stage };
      const targets = manual ? [manual] : subscriptions.to('candidateStageChange');
      return subscriptions.send(targets.map((t) => leverDelivery(t.url, t.secret, 'candidateStageChange', data)));
    },
    redeliverLast: () => subscriptions.redeliverLast(),
  };

  const root = await server.start();
  const oppsOf = (contactId: string) => [...opportunities.values()].filter((o) => o.contact === contactId && !o.deletedAt);

  const fake: LeverFake = {
    userRemoteIds: () => users.map((u) => u.id),
    webhooks,
    fileListStyle: 'envelope',
    tool: 'lever',
    server,
    url: `${root}/v1`,
    credentials: { api_key: API_KEY, perform_as: users[0].id },
    badCredentials: { api_key: 'lvr_wrong_key_000000' },
    limitedCredentials: { api_key: LIMITED_KEY, perform_as: users[0].id },
    noUsersCredentials: { api_key: NO_USERS_KEY, perform_as: users[0].id },
    users,
    postingIds: postings.map((p) => p.id),
    stop: () => server.stop(),
    failNext(n, status) {
      failures = { n, status };
    },
    candidateRemoteIds: () => [...contacts.keys()].filter((id) => oppsOf(id).length > 0),
    applicationRemoteIds: () => [...opportunities.values()].filter((o) => !o.deletedAt).map((o) => o.id),
    jobRemoteIds: () => postings.map((p) => p.id),
    deleteCandidate(remoteId) {
      for (const o of oppsOf(remoteId)) o.deletedAt = Date.now();
    },
    resultTextFor(contactId) {
      const c = contacts.get(contactId);
      const ids = new Set(oppsOf(contactId).map((o) => o.id));
      return [...(c?.links ?? []), ...notes.filter((n) => ids.has(n.opportunityId)).map((n) => n.value)].join('\n');
    },
    filesFor(contactId) {
      const ids = new Set(oppsOf(contactId).map((o) => o.id));
      return files.filter((f) => ids.has(f.opportunityId)).map((f) => ({ name: f.name, type: f.kind, data: f.data }));
    },
    peakRate: () => Math.max(0, ...[...windows.values()].map((w) => w.peak)),
    tagsFor: (contactId) => [...new Set(oppsOf(contactId).flatMap((o) => o.tags))],
    contactOf: (opportunityId) => opportunities.get(opportunityId)!.contact,
    statusChanges,
    applicationStatus(opportunityId) {
      const o = live(opportunityId);
      if (!o) return null;
      const reason = o.archived ? archiveReasons.find((r) => r.id === o.archived!.reason) : undefined;
      return { stage: o.stage, rejected: !!o.archived && reason?.type !== 'hired', reason: o.archived?.reason ?? null };
    },
    opportunitiesOf: (contactId) =>
      oppsOf(contactId)
        .sort((a, b) => b.createdAt - a.createdAt)
        .map((o) => o.id),
    linksOf: (contactId) => [...(contacts.get(contactId)?.links ?? [])],
    notesOf: (opportunityId) => notes.filter((n) => n.opportunityId === opportunityId),
    uploadedFilesOf: (opportunityId) => files.filter((f) => f.kind === 'file' && f.opportunityId === opportunityId),
    opportunities: () => [...opportunities.values()].filter((o) => !o.deletedAt).map((o) => structuredClone(o)),
    contacts: () => [...contacts.values()].map((c) => structuredClone(c)),
    touchPosting(id) {
      postings.find((p) => p.id === id)!.updatedAt = Date.now();
    },
    archiveWithNewReason(opportunityId, reason) {
      const id = uuid(0xa4c4, archiveReasons.length + 1);
      archiveReasons.push({ id, text: reason.text, status: 'active', type: reason.type });
      const o = opportunities.get(opportunityId)!;
      o.archived = { archivedAt: Date.now(), reason: id };
      o.updatedAt = Date.now();
      return id;
    },
    addFile(opportunityId, name, data, contentType) {
      const ext = (name.split('.').pop() ?? '').toLowerCase();
      const f: StoredFile = {
        id: uuid(0xf11e, ++seq),
        opportunityId,
        name,
        ext,
        data,
        contentType,
        uploadedAt: Date.now(),
        user: users[0].id,
        kind: 'file',
      };
      files.push(f);
      return f.id;
    },
  };
  return fake;
}
