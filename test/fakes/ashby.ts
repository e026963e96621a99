/**
 * A fake Ashby API (https://developers.ashbyhq.com), built from Ashby's own OpenAPI document: every
 * request body and JSON response is validated against the operations atsgate calls, kept under
 * test/specs/ashby/ (PROVENANCE.md there; strictPaths on), and every call must have a row in the
 * connector's provenance table. What the spec does not say comes from the pages cited inline:
 * RPC-style `POST /<resource>.<action>`; Basic auth with the API key as user name (missing key →
 * 401, wrong key → 403, missing permission → 403 missing_endpoint_permission, per the
 * Authentication page); `{success:true, results, moreDataAvailable, nextCursor, syncToken}`
 * envelopes; errors as HTTP 200 `{success:false, errors:[code], errorInfo:{code, message}}`;
 * cursor pagination with a capped page size and syncToken incremental sync, with every
 * documented pagination trap (see listPage); presigned uploads to an S3-like storage endpoint;
 * 429 + Retry-After when over the rate limit.
 */
import { randomUUID, createHash, createHmac } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { FakeServer, WindowCounter, basicUser, type FakeRequest, type FakeResponse } from './server.ts';
import { SpecCheck } from './spec-check.ts';
import type { VendorFake } from './types.ts';
import { SubscriptionList, type FakeVendorWebhooks } from './webhook-sender.ts';

export interface AshbyFakeOptions {
  /** Ashby caps `limit` itself ("automatically capped by the API"); small here so reads need pages. */
  pageSize?: number;
  /** Requests per window per key before 429s. Ashby publishes no general number. */
  rateLimit?: { limit: number; windowMs: number };
  retryAfterSeconds?: number;
}

type Json = Record<string, any>;

interface Stage {
  id: string;
  title: string;
  type: string;
  orderInInterviewPlan: number;
  interviewPlanId: string;
}
interface Job {
  id: string;
  title: string;
  status: 'Open' | 'Closed' | 'Archived' | 'Draft';
  employmentType: string;
  confidential: boolean;
  customRequisitionId: string;
  defaultInterviewPlanId: string;
  createdAt: string;
  updatedAt: string;
  openedAt: string | null;
  closedAt: string | null;
  location: {
    id: string;
    name: string;
    address: { postalAddress: { addressCountry: string; addressRegion: string; addressLocality: string } };
  };
}
interface Contact {
  value: string;
  type: string;
  isPrimary: boolean;
}
interface Candidate {
  id: string;
  name: string;
  createdAt: string;
  updatedAt: string;
  emailAddresses: Contact[];
  phoneNumbers: Contact[];
  socialLinks: { type: string; url: string }[];
  tags: { id: string; title: string; isArchived: boolean }[];
  position: string | null;
  company: string | null;
  source: { id: string; title: string; isArchived: boolean } | null;
  location: Json | null;
  resumeFileId: string | null;
  fileIds: string[];
}
interface Application {
  id: string;
  candidateId: string;
  jobId: string;
  status: 'Active' | 'Hired' | 'Archived' | 'Lead';
  stageId: string;
  createdAt: string;
  updatedAt: string;
  archivedAt: string | null;
  archiveReason: { id: string; text: string; reasonType: string; isArchived: boolean } | null;
}
interface FieldDef {
  id: string;
  title: string;
  objectType: 'Candidate' | 'Application' | 'Job';
  fieldType: string;
  isArchived: boolean;
  isPrivate: boolean;
  isRequired: boolean;
  selectableValues?: { label: string; value: string; isArchived: boolean }[];
}
export interface StoredFile {
  id: string;
  name: string;
  contentType: string;
  data: Buffer;
  candidateId: string;
  kind: 'resume' | 'file';
}
export interface StoredNote {
  id: string;
  candidateId: string;
  createdAt: string;
  content: string;
  type: string;
  isPrivate: boolean;
  sendNotifications: boolean;
}
export interface StoredAssessment {
  candidateId: string;
  partnerId: string;
  assessment: Json;
  timestamp: number;
}
interface Upload {
  id: string;
  context: 'CandidateResume' | 'CandidateFiles' | 'ApplicationForm';
  filename: string;
  contentType: string;
  contentLength: number;
  key: string;
  signature: string;
  expiresAt: number;
  data?: Buffer;
  used: boolean;
}

export interface AshbyFake extends VendorFake {
  apiKey: string;
  /** The key's permission scopes as apiKey.info spells them (`candidates:write`); tests remove some. */
  scopes: Set<string>;
  /** Partner ids Ashby has issued (assessment partners only). */
  partnerIds: Set<string>;
  notes: StoredNote[];
  assessments: StoredAssessment[];
  files: Map<string, StoredFile>;
  /** Custom field values written, as `{ "<Type>:<objectId>": { "<field title>": value } }`. */
  fieldValuesOf(objectType: 'Candidate' | 'Application', objectId: string): Record<string, unknown>;
  /** A change made in Ashby's UI: bumps the candidate's updatedAt to now. */
  touchCandidate(id: string): void;
  /** Invalidates every syncToken handed out so far (Ashby then answers sync_token_expired). */
  expireSyncTokens(): void;
  /** Invalidates every cursor handed out so far (Ashby then answers next_cursor_expired). */
  expireCursors(): void;
  /** While set, every cursor is refused with this code (a walk that can never get past page one). */
  breakCursors: 'next_cursor_expired' | 'invalid_next_cursor' | null;
  /** Pages an incremental (syncToken) walk may read before incremental_sync_too_large; null: no limit. */
  incrementalPageLimit: number | null;
  /** HTTP status of the pagination/sync-token errors (Ashby keeps it unpublished): 200 (success:false) or a 4xx. */
  paginationErrorStatus: number;
  /**
   * How a missing record is reported. Ashby documents no not-found code for the calls atsgate
   * makes, so tests run every plausible answer: `<record>_not_found` (the form its spec uses for
   * application.changeStage), `invalid_input` naming the id, or an HTTP 404.
   */
  notFoundAnswer: 'record_not_found' | 'invalid_input' | 'http_404';
  /** Drops failures queued by failNext that were not consumed. */
  clearFailures(): void;
  rawCandidate(id: string): Candidate | undefined;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Deterministic ids: one prefix digit per kind keeps them unique across kinds. */
const uid = (kind: number, n: number) => `${kind.toString(16)}0000000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;

class AshbyError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status = 200,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

const errorBody = (code: string, message: string) => ({
  success: false,
  errors: [code],
  errorInfo: { code, message, requestId: randomUUID().replace(/-/g, '').slice(0, 26).toUpperCase() },
});

export async function startAshbyFake(opts: AshbyFakeOptions = {}): Promise<AshbyFake> {
  const pageSize = opts.pageSize ?? 10;
  const retryAfter = opts.retryAfterSeconds ?? 1;
  // Roomier than atsgate's 10/s budget: a token bucket may send its burst plus a window's refill.
  const limiter = new WindowCounter(opts.rateLimit?.limit ?? 25, opts.rateLimit?.windowMs ?? 1_000);
  const apiKey = 'ashby-test-key-7f3c';
  const server = new FakeServer({
    provenance: 'ashby',
    // Ashby's own OpenAPI, cut to the operations atsgate calls (test/specs/ashby/PROVENANCE.md).
    spec: SpecCheck.fromFile(fileURLToPath(new URL('../specs/ashby/ashby-openapi.cut.json', import.meta.url)), {
      label: 'Ashby OpenAPI',
      strictPaths: true,
      // Presigned storage (another host in production) is not part of Ashby's API.
      ignorePaths: [/^\/_storage\//],
    }),
  });
  const signingSecret = randomUUID();

  // --- seed ---------------------------------------------------------------------------------
  const iso = (ms: number) => new Date(ms).toISOString();
  const T0 = Date.parse('2026-01-05T09:00:00.000Z');
  const HOUR = 3_600_000;

  const plans: Record<string, Stage[]> = {};
  const planStages = (planN: number, titles: [string, string][]) => {
    const planId = uid(7, planN);
    plans[planId] = titles.map(([title, type], i) => ({
      id: uid(8, planN * 100 + i),
      title,
      type,
      orderInInterviewPlan: i,
      interviewPlanId: planId,
    }));
    return planId;
  };
  const planA = planStages(1, [
    ['Lead', 'Lead'],
    ['Application Review', 'PreInterviewScreen'],
    ['Phone Screen', 'Active'],
    ['Onsite', 'Active'],
    ['Offer', 'Offer'],
    ['Hired', 'Hired'],
    ['Archived', 'Archived'],
  ]);
  const planB = planStages(2, [
    ['Application Review', 'PreInterviewScreen'],
    ['Portfolio Review', 'Active'],
    ['Hired', 'Hired'],
    ['Archived', 'Archived'],
  ]);
  const loc = (n: number, name: string, city: string, region: string, country: string) => ({
    id: uid(6, n),
    name,
    address: { postalAddress: { addressCountry: country, addressRegion: region, addressLocality: city } },
  });
  const jobs: Job[] = [
    {
      id: uid(1, 1),
      title: 'Backend Engineer',
      status: 'Open',
      employmentType: 'FullTime',
      confidential: false,
      customRequisitionId: uid(10, 1),
      defaultInterviewPlanId: planA,
      createdAt: iso(T0 - 30 * 24 * HOUR),
      updatedAt: iso(T0 - 20 * 24 * HOUR),
      openedAt: iso(T0 - 29 * 24 * HOUR),
      closedAt: null,
      location: loc(1, 'Berlin', 'Berlin', 'Berlin', 'Germany'),
    },
    {
      id: uid(1, 2),
      title: 'Product Designer',
      status: 'Open',
      employmentType: 'PartTime',
      confidential: false,
      customRequisitionId: uid(10, 2),
      defaultInterviewPlanId: planB,
      createdAt: iso(T0 - 25 * 24 * HOUR),
      updatedAt: iso(T0 - 10 * 24 * HOUR),
      openedAt: iso(T0 - 24 * 24 * HOUR),
      closedAt: null,
      location: loc(2, 'Remote (EU)', 'Lisbon', 'Lisbon', 'Portugal'),
    },
    {
      id: uid(1, 3),
      title: 'Data Analyst',
      status: 'Closed',
      employmentType: 'Contract',
      confidential: true,
      customRequisitionId: uid(10, 3),
      defaultInterviewPlanId: planA,
      createdAt: iso(T0 - 60 * 24 * HOUR),
      updatedAt: iso(T0 - 5 * 24 * HOUR),
      openedAt: iso(T0 - 59 * 24 * HOUR),
      closedAt: iso(T0 - 5 * 24 * HOUR),
      location: loc(3, 'London', 'London', 'England', 'United Kingdom'),
    },
    {
      id: uid(1, 4),
      title: 'Draft: Support Lead',
      status: 'Draft',
      employmentType: 'FullTime',
      confidential: false,
      customRequisitionId: uid(10, 4),
      defaultInterviewPlanId: planB,
      createdAt: iso(T0),
      updatedAt: iso(T0),
      openedAt: null,
      closedAt: null,
      location: loc(1, 'Berlin', 'Berlin', 'Berlin', 'Germany'),
    },
  ];
  const stageOf = (planId: string, title: string) => plans[planId].find((s) => s.title === title)!;

  const FIRST = ['Ada', 'Grace', 'Alan', 'Edsger', 'Barbara', 'Donald', 'Margaret', 'Ken', 'Radia', 'Tim', 'Frances', 'John'];
  const LAST = [
    'Lovelace',
    'Hopper',
    'Turing',
    'Dijkstra',
    'Liskov',
    'Knuth',
    'Hamilton',
    'Thompson',
    'Perlman',
    'Berners-Lee',
    'Allen',
    'McCarthy',
  ];
  const candidates: Candidate[] = [];
  const applications: Application[] = [];
  const archiveReason = { id: uid(9, 1), text: 'Not a fit for the role', reasonType: 'RejectedByOrg', isArchived: false };
  /** archiveReason.list: the seeded reason, one the candidate gave, and an archived one (listed only with includeArchived). */
  const archiveReasons = [
    archiveReason,
    { id: uid(9, 2), text: 'Candidate withdrew', reasonType: 'RejectedByCandidate', isArchived: false },
    { id: uid(9, 3), text: 'Old reason', reasonType: 'Other', isArchived: true },
  ];
  for (let i = 0; i < 32; i++) {
    const id = uid(2, i + 1);
    const created = T0 + i * HOUR;
    const name = i === 31 ? 'Cher' : `${FIRST[i % 12]} ${LAST[(i * 5) % 12]}${i >= 12 ? ` ${i}` : ''}`;
    const slug = name.toLowerCase().replace(/[^a-z0-9]+/g, '.');
    candidates.push({
      id,
      name,
      createdAt: iso(created),
      updatedAt: iso(created + 24 * HOUR),
      emailAddresses: [
        { value: `${slug}@example.com`, type: 'Personal', isPrimary: true },
        ...(i % 3 === 0 ? [{ value: `${slug}@work.example.org`, type: 'Work', isPrimary: false }] : []),
      ],
      phoneNumbers: i % 2 === 0 ? [{ value: `+49 30 5550${String(i).padStart(3, '0')}`, type: 'Personal', isPrimary: true }] : [],
      socialLinks: i % 4 === 0 ? [{ type: 'LinkedIn', url: `https://linkedin.com/in/${slug}` }] : [],
      tags: i % 5 === 0 ? [{ id: uid(5, 1), title: 'Referral', isArchived: false }] : [],
      position: i % 2 === 0 ? 'Software Engineer' : null,
      company: i % 2 === 0 ? 'Analytical Engines Ltd' : null,
      source: { id: uid(5, 9), title: i % 2 ? 'LinkedIn' : 'Careers page', isArchived: false },
      location:
        i % 3 === 0
          ? {
              id: uid(6, 50 + i),
              locationSummary: 'Germany, Berlin, Berlin',
              locationComponents: [
                { type: 'Country', name: 'Germany' },
                { type: 'Region', name: 'Berlin' },
                { type: 'City', name: 'Berlin' },
              ],
            }
          : null,
      resumeFileId: null,
      fileIds: [],
    });
    const job = i % 2 === 0 ? jobs[0] : jobs[1];
    const status: Application['status'] = i % 7 === 3 ? 'Hired' : i % 4 === 1 ? 'Archived' : i % 9 === 8 ? 'Lead' : 'Active';
    const stageTitle =
      status === 'Hired'
        ? 'Hired'
        : status === 'Archived'
          ? 'Archived'
          : job === jobs[0]
            ? status === 'Lead'
              ? 'Lead'
              : 'Phone Screen'
            : 'Portfolio Review';
    applications.push({
      id: uid(3, i + 1),
      candidateId: id,
      jobId: job.id,
      status,
      stageId: stageOf(job.defaultInterviewPlanId, stageTitle).id,
      createdAt: iso(created + HOUR),
      updatedAt: iso(created + 2 * HOUR),
      archivedAt: status === 'Archived' ? iso(created + 48 * HOUR) : null,
      archiveReason: status === 'Archived' ? archiveReason : null,
    });
    if (i % 5 === 0) {
      // A few candidates also applied to the (now closed) analyst job and were archived there.
      applications.push({
        id: uid(3, 100 + i),
        candidateId: id,
        jobId: jobs[2].id,
        status: 'Archived',
        stageId: stageOf(planA, 'Archived').id,
        createdAt: iso(created - 40 * 24 * HOUR),
        updatedAt: iso(created - 30 * 24 * HOUR),
        archivedAt: iso(created - 30 * 24 * HOUR),
        archiveReason,
      });
    }
  }

  const fieldDefs: FieldDef[] = [
    {
      id: uid(4, 1),
      title: 'Acme: Score',
      objectType: 'Candidate',
      fieldType: 'String',
      isArchived: false,
      isPrivate: false,
      isRequired: false,
    },
    {
      id: uid(4, 2),
      title: 'Acme: Score',
      objectType: 'Application',
      fieldType: 'String',
      isArchived: false,
      isPrivate: false,
      isRequired: false,
    },
    {
      id: uid(4, 3),
      title: 'Acme: Report',
      objectType: 'Application',
      fieldType: 'String',
      isArchived: false,
      isPrivate: false,
      isRequired: false,
    },
    {
      id: uid(4, 4),
      title: 'Acme: Passed',
      objectType: 'Candidate',
      fieldType: 'Boolean',
      isArchived: false,
      isPrivate: false,
      isRequired: false,
    },
    {
      id: uid(4, 5),
      title: 'Acme: Seniority',
      objectType: 'Candidate',
      fieldType: 'ValueSelect',
      isArchived: false,
      isPrivate: false,
      isRequired: false,
      selectableValues: [
        { label: 'Junior', value: 'junior', isArchived: false },
        { label: 'Senior', value: 'senior', isArchived: false },
      ],
    },
    {
      id: uid(4, 6),
      title: 'Expected salary',
      objectType: 'Candidate',
      fieldType: 'Currency',
      isArchived: false,
      isPrivate: false,
      isRequired: false,
    },
    {
      id: uid(4, 7),
      title: 'Acme: Level',
      objectType: 'Candidate',
      fieldType: 'String',
      isArchived: true,
      isPrivate: false,
      isRequired: false,
    },
    { id: uid(4, 8), title: 'Headcount', objectType: 'Job', fieldType: 'Number', isArchived: false, isPrivate: false, isRequired: false },
    {
      id: uid(4, 9),
      title: 'Acme: Attempts',
      objectType: 'Application',
      fieldType: 'Number',
      isArchived: false,
      isPrivate: false,
      isRequired: false,
    },
    {
      id: uid(4, 10),
      title: 'Referrer notes',
      objectType: 'Application',
      fieldType: 'LongText',
      isArchived: false,
      isPrivate: false,
      isRequired: false,
    },
    {
      id: uid(4, 11),
      title: 'Visa needed',
      objectType: 'Candidate',
      fieldType: 'Boolean',
      isArchived: false,
      isPrivate: false,
      isRequired: false,
    },
    {
      id: uid(4, 12),
      title: 'Start date',
      objectType: 'Application',
      fieldType: 'Date',
      isArchived: false,
      isPrivate: false,
      isRequired: false,
    },
  ];
  const fieldValues = new Map<string, Map<string, unknown>>(); // "<Type>:<id>" → fieldId → value
  fieldValues.set(`Candidate:${candidates[2].id}`, new Map([[uid(4, 11), true]]));
  fieldValues.set(`Job:${jobs[0].id}`, new Map([[uid(4, 8), 3]]));

  const files = new Map<string, StoredFile>();
  const seedFile = (cand: Candidate, name: string, contentType: string, data: Buffer, kind: 'resume' | 'file') => {
    const f: StoredFile = { id: randomUUID(), name, contentType, data, candidateId: cand.id, kind };
    files.set(f.id, f);
    // Ashby lists the resume among the candidate's files as well as in resumeFileHandle.
    cand.fileIds.push(f.id);
    if (kind === 'resume') cand.resumeFileId = f.id;
    return f;
  };
  seedFile(candidates[0], 'ada-resume.pdf', 'application/pdf', Buffer.from('%PDF-1.4 seeded resume of candidate 0'), 'resume');

  const notes: StoredNote[] = [];
  const assessments: StoredAssessment[] = [];
  const uploads = new Map<string, Upload>();
  const partnerIds = new Set<string>(['a55e55ed-0000-4000-8000-00000000beef']);
  const scopes = new Set<string>([
    'apiKeys:read',
    'candidates:read',
    'candidates:write',
    'jobs:read',
    'interviews:read',
    'hiringProcessMetadata:read',
    'organization:read',
    'hiringProcessMetadata:write',
    'apiKeys:write',
  ]);
  // user.list / user.info results [AS-OAS]: globalRole is one of four values; isEnabled false = deactivated.
  const users = [
    {
      id: 'a5b70000-0000-4000-8000-000000000001',
      firstName: 'Olivia',
      lastName: 'Owner',
      email: 'olivia@acme.test',
      globalRole: 'Organization Admin',
      isEnabled: true,
    },
    {
      id: 'a5b70000-0000-4000-8000-000000000002',
      firstName: 'Rex',
      lastName: 'Recruiter',
      email: 'rex@acme.test',
      globalRole: 'Elevated Access',
      isEnabled: true,
    },
    {
      id: 'a5b70000-0000-4000-8000-000000000003',
      firstName: 'Dora',
      lastName: 'Gone',
      email: 'dora@acme.test',
      globalRole: 'Limited Access',
      isEnabled: false,
    },
  ];
  // candidateTag.list: the account's tags; the seeded candidates' "Referral" is one of them.
  const tagCatalog: { id: string; title: string; isArchived: boolean; updatedAt: string }[] = [
    { id: uid(5, 1), title: 'Referral', isArchived: false, updatedAt: iso(T0) },
    { id: uid(5, 2), title: 'Strong Candidate', isArchived: false, updatedAt: iso(T0) },
    { id: uid(5, 3), title: 'Old Campaign', isArchived: true, updatedAt: iso(T0) },
  ];
  let syncGeneration = 1;
  let cursorGeneration = 1;
  const failures: { status: 429 | 500 | 503 }[] = [];

  // --- helpers ------------------------------------------------------------------------------
  const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const unb64 = (s: unknown): any => {
    if (typeof s !== 'string') return null;
    try {
      return JSON.parse(Buffer.from(s, 'base64url').toString('utf8'));
    } catch {
      return null;
    }
  };
  const sign = (s: string) =>
    createHash('sha256')
      .update(signingSecret + s)
      .digest('hex');
  /** File handles look like Ashby's: base64 of `{handle:{type,fileId,ownerId},signature,version}`. */
  const fileHandleOf = (f: StoredFile) => {
    const handle = { type: 'CandidateFile', fileId: f.id, ownerId: f.candidateId };
    return b64({ handle, signature: sign(JSON.stringify(handle)), version: '1' });
  };
  const readHandle = (s: unknown): { type: string; fileId?: string; uploadId?: string } | null => {
    const h = unb64(s);
    if (!h?.handle || h.signature !== sign(JSON.stringify(h.handle))) return null;
    return h.handle;
  };
  const invalid = (message: string) => new AshbyError('invalid_input', message);
  const str = (body: Json, key: string, required = true): string | undefined => {
    const v = body[key];
    if (v === undefined || v === null) {
      if (required) throw invalid(`Missing required field: ${key}`);
      return undefined;
    }
    if (typeof v !== 'string' || !v.trim()) throw invalid(`${key} must be a non-empty string`);
    return v;
  };
  const uuidOf = (body: Json, key: string) => {
    const v = str(body, key)!;
    if (!UUID.test(v)) throw invalid(`${key} must be a valid UUID`);
    return v;
  };
  const notFound = (record: string, label: string, id: string) => {
    if (fake.notFoundAnswer === 'invalid_input') return invalid(`${label} with id ${id} not found`);
    if (fake.notFoundAnswer === 'http_404') return new AshbyError('not_found', `${label} not found`, 404);
    return new AshbyError(`${record}_not_found`, `${label} with id ${id} not found`);
  };
  const findCandidate = (id: string) => {
    const c = candidates.find((x) => x.id === id);
    if (!c) throw notFound('candidate', 'Candidate', id);
    return c;
  };
  const findApplication = (id: string) => {
    const a = applications.find((x) => x.id === id);
    if (!a) throw notFound('application', 'Application', id);
    return a;
  };
  const valuesOf = (type: string, id: string) => {
    const m = fieldValues.get(`${type}:${id}`);
    if (!m) return [];
    return [...m.entries()].map(([fieldId, value]) => {
      const def = fieldDefs.find((d) => d.id === fieldId)!;
      return { id: def.id, title: def.title, value, isPrivate: def.isPrivate };
    });
  };
  const handleJson = (f: StoredFile) => ({ id: f.id, name: f.name, handle: fileHandleOf(f) });

  /**
   * Ashby's spec declares these fields as plain strings/objects, never null: a value the record
   * does not have is left out of the response, not sent as null.
   */
  const present = <T extends Json>(o: T): T => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== null && v !== undefined)) as T;

  // Response shapes, per candidate.info / application.list / job.list in Ashby's OpenAPI.
  const candidateJson = (c: Candidate) =>
    present({
      id: c.id,
      createdAt: c.createdAt,
      updatedAt: c.updatedAt,
      name: c.name,
      primaryEmailAddress: c.emailAddresses.find((e) => e.isPrimary) ?? null,
      emailAddresses: c.emailAddresses,
      primaryPhoneNumber: c.phoneNumbers.find((p) => p.isPrimary) ?? null,
      phoneNumbers: c.phoneNumbers,
      socialLinks: c.socialLinks,
      tags: c.tags,
      position: c.position,
      company: c.company,
      school: null,
      applicationIds: applications.filter((a) => a.candidateId === c.id).map((a) => a.id),
      resumeFileHandle: c.resumeFileId ? handleJson(files.get(c.resumeFileId)!) : null,
      fileHandles: c.fileIds.map((id) => handleJson(files.get(id)!)),
      customFields: valuesOf('Candidate', c.id),
      profileUrl: `https://app.ashbyhq.com/candidates/${c.id}`,
      source: c.source,
      creditedToUser: null,
      timezone: 'Europe/Berlin',
      location: c.location,
      fraudStatus: null,
    });
  const applicationJson = (a: Application) => {
    const c = candidates.find((x) => x.id === a.candidateId)!;
    const job = jobs.find((j) => j.id === a.jobId)!;
    const stage = Object.values(plans)
      .flat()
      .find((s) => s.id === a.stageId)!;
    return present({
      id: a.id,
      createdAt: a.createdAt,
      updatedAt: a.updatedAt,
      status: a.status,
      customFields: valuesOf('Application', a.id),
      candidate: present({ id: c.id, name: c.name, primaryEmailAddress: c.emailAddresses[0], primaryPhoneNumber: c.phoneNumbers[0] }),
      currentInterviewStage: {
        id: stage.id,
        title: stage.title,
        type: stage.type,
        orderInInterviewPlan: stage.orderInInterviewPlan,
        interviewPlanId: stage.interviewPlanId,
      },
      source: c.source,
      archiveReason: a.archiveReason ? { ...a.archiveReason, customFields: [] } : null,
      archivedAt: a.archivedAt,
      job: { id: job.id, title: job.title, locationId: job.location.id, departmentId: uid(6, 99) },
      creditedToUser: null,
      hiringTeam: [],
      appliedViaJobPostingId: null,
    });
  };
  const jobJson = (j: Job, expandLocation: boolean) =>
    present({
      id: j.id,
      title: j.title,
      confidential: j.confidential,
      status: j.status,
      employmentType: j.employmentType,
      locationId: j.location.id,
      departmentId: uid(6, 99),
      defaultInterviewPlanId: j.defaultInterviewPlanId,
      interviewPlanIds: [j.defaultInterviewPlanId],
      customFields: valuesOf('Job', j.id),
      jobPostingIds: [],
      customRequisitionId: j.customRequisitionId,
      hiringTeam: [],
      createdAt: j.createdAt,
      updatedAt: j.updatedAt,
      openedAt: j.openedAt,
      closedAt: j.closedAt,
      ...(expandLocation ? { location: { ...j.location, isArchived: false, isRemote: j.location.name.startsWith('Remote') } } : {}),
    });

  /**
   * Cursor pagination + incremental sync (docs/pagination-and-incremental-sync): `limit` ≤ 100,
   * results capped by the API, `nextCursor` while `moreDataAvailable`, a `syncToken` on the last
   * page; a later call with that token returns only what changed since. The token may be sent
   * with the cursor on later pages (the spec's list examples send both); the cursor remembers the
   * walk it belongs to, so a cursor with another walk's token is invalid.
   *
   * The documented traps, each with Ashby's code: an undecodable token `sync_token_invalid` and
   * an expired one `sync_token_expired` (changelog 2026-08-04); an incremental walk deeper than
   * Ashby's page limit `incremental_sync_too_large` (changelog 2026-05-14: "discard their current
   * syncToken and perform a full sync"); an undecodable cursor `invalid_next_cursor` and an
   * expired one `next_cursor_expired` (changelog 2026-08-04). Their HTTP status is not published
   * ("unchanged"); `fake.paginationErrorStatus` picks it (200 with success:false by default, as
   * the spec declares only 200).
   */
  const paginationError = (code: string, message: string) => new AshbyError(code, message, fake.paginationErrorStatus);
  const listPage = <T extends { updatedAt: string }>(endpoint: string, body: Json, all: T[], toJson: (t: T) => unknown) => {
    if (body.limit !== undefined && (!Number.isInteger(body.limit) || body.limit < 1 || body.limit > 100)) {
      throw invalid('limit must be an integer between 1 and 100');
    }
    let since: number | null = null;
    if (body.syncToken !== undefined) {
      const t = unb64(body.syncToken);
      if (!t || typeof t.t !== 'number' || t.e !== endpoint)
        throw paginationError(
          'sync_token_invalid',
          'The syncToken could not be decoded. Discard it and perform a full sync without a syncToken.',
        );
      if (t.g !== syncGeneration)
        throw paginationError('sync_token_expired', 'The syncToken has expired. Discard it and perform a full sync without a syncToken.');
      since = t.t;
    }
    let offset = 0;
    if (body.cursor !== undefined) {
      const c = unb64(body.cursor);
      if (!c || c.e !== endpoint || typeof c.o !== 'number' || c.s !== since)
        throw paginationError('invalid_next_cursor', 'The cursor could not be decoded. Restart pagination from the first page.');
      if (fake.breakCursors === 'invalid_next_cursor')
        throw paginationError('invalid_next_cursor', 'The cursor could not be decoded. Restart pagination from the first page.');
      if (c.g !== cursorGeneration || fake.breakCursors === 'next_cursor_expired')
        throw paginationError('next_cursor_expired', 'The cursor has expired. Restart pagination from the first page.');
      offset = c.o;
    }
    const size = Math.min(body.limit ?? 100, pageSize);
    if (since !== null && fake.incrementalPageLimit !== null && offset / size >= fake.incrementalPageLimit) {
      throw paginationError(
        'incremental_sync_too_large',
        'Too many changes since this syncToken to sync incrementally. Discard the syncToken and perform a full sync.',
      );
    }
    const matching = since === null ? all : all.filter((r) => Date.parse(r.updatedAt) >= since!);
    const results = matching.slice(offset, offset + size).map(toJson);
    const more = offset + size < matching.length;
    return {
      success: true,
      results,
      moreDataAvailable: more,
      ...(more
        ? { nextCursor: b64({ e: endpoint, o: offset + size, s: since, g: cursorGeneration }) }
        : { syncToken: b64({ e: endpoint, t: Date.now(), g: syncGeneration }) }),
    };
  };

  // --- request plumbing ---------------------------------------------------------------------
  server.before = (req) => {
    const fail = failures.shift();
    if (fail) {
      if (fail.status === 429) return rateLimited();
      return { status: fail.status, json: errorBody('internal_server_error', 'Something went wrong on our end. Please try again later.') };
    }
    if (req.path.startsWith('/_storage/')) return undefined; // S3, not Ashby's API
    const hit = limiter.hit();
    limiter.peak = Math.max(limiter.peak, hit.count);
    if (hit.over) return rateLimited();
    return undefined;
  };
  const rateLimited = (): FakeResponse => ({
    status: 429,
    headers: { 'retry-after': String(retryAfter) },
    json: errorBody('rate_limit_exceeded', `Rate limit exceeded. Try again in ${retryAfter} seconds.`),
  });

  /** One RPC endpoint: auth, permission, JSON body, then the handler's results (or an Ashby error). */
  const rpc = (endpoint: string, scope: string, handler: (body: Json, req: FakeRequest) => unknown) => {
    server.route('POST', `/${endpoint}`, (req) => {
      const user = basicUser(req);
      if (!user)
        return {
          status: 401,
          json: errorBody('unauthenticated', 'No API key was provided. Send your API key as the Basic auth user name.'),
        };
      if (user !== apiKey)
        return { status: 403, json: errorBody('invalid_api_key', 'The API key provided is invalid or has been deactivated.') };
      if (!scopes.has(scope)) {
        const permission = scope.replace(/:(read|write)$/, (_, rw: string) => rw[0].toUpperCase() + rw.slice(1));
        return {
          status: 403,
          json: errorBody(
            'missing_endpoint_permission',
            `The API key is missing the ${permission} permission required to call ${endpoint}.`,
          ),
        };
      }
      if (req.json === Symbol.for('invalid')) return { status: 400, json: errorBody('invalid_input', 'Request payload is malformed') };
      const body: Json = req.json && typeof req.json === 'object' && !Array.isArray(req.json) ? req.json : {};
      try {
        const out = handler(body, req);
        return { json: out && typeof out === 'object' && 'success' in (out as Json) ? out : { success: true, results: out } };
      } catch (err) {
        if (err instanceof AshbyError) return { status: err.status, headers: err.headers, json: errorBody(err.code, err.message) };
        throw err;
      }
    });
  };

  // --- routes -------------------------------------------------------------------------------
  // https://developers.ashbyhq.com/reference/api-key (apiKey.info, apiKeysRead)
  rpc('apiKey.info', 'apiKeys:read', () => ({ title: 'atsgate', createdAt: iso(T0 - 90 * 24 * HOUR), scopes: [...scopes] }));

  // https://developers.ashbyhq.com/reference/candidatelist (candidatesRead; pagination guide)
  rpc('candidate.list', 'candidates:read', (body) => {
    const createdAfter = typeof body.createdAfter === 'number' ? body.createdAfter : null;
    const all = createdAfter === null ? candidates : candidates.filter((c) => Date.parse(c.createdAt) > createdAfter);
    return listPage('candidate.list', body, all, candidateJson);
  });

  // https://developers.ashbyhq.com/reference/candidateinfo
  rpc('candidate.info', 'candidates:read', (body) => candidateJson(findCandidate(uuidOf(body, 'id'))));

  // https://developers.ashbyhq.com/reference/applicationlist
  rpc('application.list', 'candidates:read', (body) => {
    if (body.status !== undefined && !['Hired', 'Archived', 'Active', 'Lead'].includes(body.status))
      throw invalid('status must be one of Hired, Archived, Active, Lead');
    const all = applications.filter((a) => (!body.status || a.status === body.status) && (!body.jobId || a.jobId === body.jobId));
    return listPage('application.list', body, all, applicationJson);
  });

  // https://developers.ashbyhq.com/reference/applicationinfo
  rpc('application.info', 'candidates:read', (body) => applicationJson(findApplication(uuidOf(body, 'applicationId'))));

  // https://developers.ashbyhq.com/reference/joblist ("To include draft jobs, Draft must be specified in status")
  rpc('job.list', 'jobs:read', (body) => {
    const statuses: string[] = Array.isArray(body.status) ? body.status : ['Open', 'Closed', 'Archived'];
    if (statuses.some((s) => !['Draft', 'Open', 'Closed', 'Archived'].includes(s)))
      throw invalid('status must contain Draft, Open, Closed or Archived');
    const expandLocation = Array.isArray(body.expand) && body.expand.includes('location');
    return listPage(
      'job.list',
      body,
      jobs.filter((j) => statuses.includes(j.status)),
      (j) => jobJson(j, expandLocation),
    );
  });

  // https://developers.ashbyhq.com/reference/interviewstagelist (interviewsRead)
  rpc('interviewStage.list', 'interviews:read', (body) => {
    const planId = uuidOf(body, 'interviewPlanId');
    if (!plans[planId]) throw new AshbyError('interview_plan_not_found', `Interview plan ${planId} not found`);
    return { success: true, results: plans[planId], moreDataAvailable: false };
  });

  // https://developers.ashbyhq.com/reference/userlist (organizationRead): deactivated users only with includeDeactivated.
  rpc('user.list', 'organization:read', (body) => {
    const rows = users.filter((u) => u.isEnabled || body.includeDeactivated === true).map((u) => ({ ...u, updatedAt: iso(T0) }));
    return listPage('user.list', body, rows, (u) => u);
  });

  // https://developers.ashbyhq.com/reference/candidatetaglist (hiringProcessMetadataRead; pagination guide; archived only on request)
  rpc('candidateTag.list', 'hiringProcessMetadata:read', (body) =>
    listPage(
      'candidateTag.list',
      body,
      tagCatalog.filter((t) => body.includeArchived === true || !t.isArchived),
      ({ updatedAt: _u, ...t }) => t,
    ),
  );

  // https://developers.ashbyhq.com/reference/candidatetagcreate (hiringProcessMetadataWrite): "If a tag
  // already exists with that title, the existing tag will be returned" (the same title, exactly).
  rpc('candidateTag.create', 'hiringProcessMetadata:write', (body) => {
    const title = str(body, 'title');
    if (!title || !title.trim()) throw invalid('title must be a non-empty string');
    const same = tagCatalog.find((t) => t.title === title);
    if (same) return { id: same.id, title: same.title, isArchived: same.isArchived };
    const t = { id: uid(5, 100 + tagCatalog.length), title, isArchived: false, updatedAt: iso(Date.now()) };
    tagCatalog.push(t);
    return { id: t.id, title: t.title, isArchived: t.isArchived };
  });

  // https://developers.ashbyhq.com/reference/candidateaddtag and candidateremovetag (candidatesWrite);
  // both answer the updated candidate; removing a tag the candidate lacks succeeds unchanged
  // (changelog 2026-02-27); an unknown tag id is an error.
  for (const op of ['candidate.addTag', 'candidate.removeTag'] as const) {
    rpc(op, 'candidates:write', (body) => {
      const c = findCandidate(uuidOf(body, 'candidateId'));
      const tagId = uuidOf(body, 'tagId');
      const t = tagCatalog.find((x) => x.id === tagId);
      if (!t) throw new AshbyError('candidate_tag_not_found', `Candidate tag ${tagId} not found`);
      const had = c.tags.some((x) => x.id === tagId);
      if (op === 'candidate.addTag' && !had) c.tags.push({ id: t.id, title: t.title, isArchived: t.isArchived });
      if (op === 'candidate.removeTag' && had) c.tags = c.tags.filter((x) => x.id !== tagId);
      if (op === 'candidate.addTag' ? !had : had) c.updatedAt = iso(Date.now());
      return candidateJson(c);
    });
  }

  // https://developers.ashbyhq.com/reference/customfieldlist (hiringProcessMetadataRead)
  rpc('customField.list', 'hiringProcessMetadata:read', (body) => {
    const all = fieldDefs.filter((d) => body.includeArchived === true || !d.isArchived).map((d) => ({ ...d, updatedAt: iso(T0) }));
    return listPage('customField.list', body, all, ({ updatedAt: _u, ...d }) => d);
  });

  // https://developers.ashbyhq.com/reference/customfieldsetvalues (candidatesWrite; values by field type)
  rpc('customField.setValues', 'candidates:write', (body) => {
    const objectId = uuidOf(body, 'objectId');
    const objectType = str(body, 'objectType')!;
    if (!['Application', 'Candidate', 'Job', 'Opening'].includes(objectType))
      throw invalid('objectType must be one of Application, Candidate, Job, Opening');
    if (!Array.isArray(body.values) || body.values.length === 0) throw invalid('values must be a non-empty array');
    if (objectType === 'Candidate') findCandidate(objectId);
    else if (objectType === 'Application') findApplication(objectId);
    else if (objectType === 'Job' && !jobs.some((j) => j.id === objectId))
      throw new AshbyError('job_not_found', `Job with id ${objectId} not found`);
    const staged: [FieldDef, unknown][] = [];
    for (const v of body.values as Json[]) {
      if (!v || typeof v !== 'object' || typeof v.fieldId !== 'string' || !('fieldValue' in v))
        throw invalid('Each value needs fieldId and fieldValue');
      const def = fieldDefs.find((d) => d.id === v.fieldId);
      if (!def) throw new AshbyError('custom_field_not_found', `Custom field ${v.fieldId} not found`);
      if (def.objectType !== objectType) throw invalid(`Custom field "${def.title}" does not apply to ${objectType} objects`);
      if (def.isArchived) throw invalid(`Custom field "${def.title}" is archived`);
      checkFieldValue(def, v.fieldValue);
      staged.push([def, v.fieldValue]);
    }
    const key = `${objectType}:${objectId}`;
    const m = fieldValues.get(key) ?? new Map<string, unknown>();
    for (const [def, value] of staged) m.set(def.id, value);
    fieldValues.set(key, m);
    bump(objectType, objectId);
    return staged.map(([def, value]) => ({ id: def.id, title: def.title, value, isPrivate: def.isPrivate }));
  });

  const checkFieldValue = (def: FieldDef, value: unknown) => {
    const bad = (expected: string) => invalid(`Invalid value for custom field "${def.title}" (${def.fieldType}): expected ${expected}`);
    switch (def.fieldType) {
      case 'String':
      case 'LongText':
      case 'Email':
      case 'Phone':
        if (typeof value !== 'string') throw bad('a string');
        return;
      case 'Url':
        if (typeof value !== 'string' || !/^https?:\/\/\S+$/i.test(value)) throw bad('a valid http or https URL');
        return;
      case 'Number':
        if (typeof value !== 'number' || !Number.isFinite(value)) throw bad('a number');
        return;
      case 'Boolean':
        if (typeof value !== 'boolean') throw bad('a boolean');
        return;
      case 'Date':
        if (typeof value !== 'string' || Number.isNaN(Date.parse(value))) throw bad('an ISO date string');
        return;
      case 'ValueSelect':
        if (typeof value !== 'string' || !def.selectableValues?.some((o) => o.value === value && !o.isArchived))
          throw bad("one of the field's option values");
        return;
      case 'Currency':
        if (
          !value ||
          typeof value !== 'object' ||
          typeof (value as Json).value !== 'number' ||
          typeof (value as Json).currencyCode !== 'string'
        )
          throw bad('{ value, currencyCode }');
        return;
      default:
        throw bad('a supported value');
    }
  };
  const bump = (objectType: string, id: string) => {
    const now = iso(Date.now());
    if (objectType === 'Candidate') findCandidate(id).updatedAt = now;
    if (objectType === 'Application') findApplication(id).updatedAt = now;
  };

  // https://developers.ashbyhq.com/reference/applicationchangestage (candidatesWrite). Error codes as
  // the spec's table lists them: a stage outside the application's interview plan
  // `interview_stage_not_found`; "Archive reason ID is required for archive stages" and "Archive
  // fields are not allowed for non-archive stages" (`invalid_input`); `archive_reason_not_found`.
  // A Hired stage that needs an opening is refused with invalid_input (changelog 2026-11-09).
  rpc('application.changeStage', 'candidates:write', (body) => {
    const a = findApplication(uuidOf(body, 'applicationId'));
    const stageId = uuidOf(body, 'interviewStageId');
    const current = Object.values(plans)
      .flat()
      .find((st) => st.id === a.stageId)!;
    const target = plans[current.interviewPlanId].find((st) => st.id === stageId);
    if (!target)
      throw new AshbyError('interview_stage_not_found', `Interview stage ${stageId} not found in the application's interview plan`);
    if (body.archiveEmail !== undefined) throw invalid('archiveEmail is not modelled by this fake');
    const reasonId = str(body, 'archiveReasonId', false);
    if (target.type !== 'Archived' && reasonId) throw invalid('Archive fields are not allowed for non-archive stages');
    if (target.type === 'Hired') throw invalid('Moving the application to a Hired stage requires filling an opening');
    if (target.type === 'Archived') {
      if (!reasonId) throw invalid('Archive reason ID is required for archive stages');
      const reason = archiveReasons.find((r) => r.id === reasonId && !r.isArchived);
      if (!reason) throw new AshbyError('archive_reason_not_found', `Archive reason ${reasonId} not found`);
      a.status = 'Archived';
      a.archiveReason = reason;
      a.archivedAt = iso(Date.now());
    } else {
      a.status = target.type === 'Lead' ? 'Lead' : 'Active';
      a.archiveReason = null;
      a.archivedAt = null;
    }
    a.stageId = target.id;
    a.updatedAt = iso(Date.now());
    return applicationJson(a);
  });

  // https://developers.ashbyhq.com/reference/archivereasonlist (hiringProcessMetadataRead)
  rpc('archiveReason.list', 'hiringProcessMetadata:read', (body) =>
    archiveReasons.filter((r) => body.includeArchived === true || !r.isArchived),
  );

  // https://developers.ashbyhq.com/reference/candidatecreatenote (HTML limited to b,i,u,a,ul,ol,li,code,pre)
  rpc('candidate.createNote', 'candidates:write', (body) => {
    const candidateId = uuidOf(body, 'candidateId');
    let content: string;
    let type = 'text/plain';
    if (typeof body.note === 'string' && body.note.trim()) content = body.note;
    else if (body.note && typeof body.note === 'object') {
      if (!['text/plain', 'text/html'].includes(body.note.type)) throw invalid('note.type must be one of text/plain, text/html');
      if (typeof body.note.value !== 'string' || !body.note.value.trim()) throw invalid('note.value must be a non-empty string');
      type = body.note.type;
      content = type === 'text/html' ? sanitizeNoteHtml(body.note.value) : body.note.value;
    } else throw invalid('Missing required field: note');
    for (const flag of ['sendNotifications', 'isPrivate'])
      if (body[flag] !== undefined && typeof body[flag] !== 'boolean') throw invalid(`${flag} must be a boolean`);
    findCandidate(candidateId);
    const note: StoredNote = {
      id: randomUUID(),
      candidateId,
      createdAt: iso(Date.now()),
      content,
      type,
      isPrivate: body.isPrivate === true,
      sendNotifications: body.sendNotifications === true,
    };
    notes.push(note);
    bump('Candidate', candidateId);
    return {
      id: note.id,
      createdAt: note.createdAt,
      isPrivate: note.isPrivate,
      content: note.content,
      author: { id: uid(5, 77), firstName: 'API', lastName: 'Key', email: 'api@example.com' },
    };
  });

  // https://developers.ashbyhq.com/reference/assessment (assessment.addCompletedToCandidate, candidatesWrite)
  rpc('assessment.addCompletedToCandidate', 'candidates:write', (body) => {
    const candidateId = uuidOf(body, 'candidateId');
    const partnerId = uuidOf(body, 'partnerId');
    const a = body.assessment;
    if (!a || typeof a !== 'object') throw invalid('Missing required field: assessment');
    for (const k of ['assessmentTypeId', 'assessmentId'])
      if (typeof a[k] !== 'string' || !UUID.test(a[k])) throw invalid(`assessment.${k} must be a valid UUID`);
    if (typeof a.assessmentName !== 'string' || !a.assessmentName) throw invalid('Missing required field: assessment.assessmentName');
    checkAssessmentValue(a.result, 'assessment.result');
    if (!Array.isArray(a.metadata)) throw invalid('Missing required field: assessment.metadata');
    a.metadata.forEach((m: unknown, i: number) => checkAssessmentValue(m, `assessment.metadata[${i}]`));
    if (!Number.isInteger(body.timestamp)) throw invalid('timestamp must be an integer (milliseconds since the epoch)');
    if (!partnerIds.has(partnerId)) throw new AshbyError('partner_not_found', `No assessment partner with id ${partnerId}`);
    findCandidate(candidateId);
    assessments.push({ candidateId, partnerId, assessment: a, timestamp: body.timestamp });
    bump('Candidate', candidateId);
    return {
      candidateId,
      assessmentId: a.assessmentId,
      assessmentTypeId: a.assessmentTypeId,
      assessmentName: a.assessmentName,
      result: a.result,
      metadata: a.metadata,
    };
  });
  const checkAssessmentValue = (v: any, where: string) => {
    if (!v || typeof v !== 'object') throw invalid(`Missing required field: ${where}`);
    for (const k of ['identifier', 'label'])
      if (typeof v[k] !== 'string' || !v[k]) throw invalid(`${where}.${k} must be a non-empty string`);
    if (!['numeric_score', 'numeric_duration_minutes', 'url', 'string', 'boolean_success'].includes(v.type)) {
      throw invalid(`${where}.type must be one of numeric_score, numeric_duration_minutes, url, string, boolean_success`);
    }
    if (!['string', 'number', 'boolean'].includes(typeof v.value)) throw invalid(`${where}.value must be a string, number or boolean`);
  };

  // https://developers.ashbyhq.com/reference/filecreatefileuploadhandle (presigned URL valid 10 minutes)
  rpc('file.createFileUploadHandle', 'candidates:write', (body) => {
    const context = str(body, 'fileUploadContext')!;
    if (!['CandidateResume', 'CandidateFiles', 'ApplicationForm'].includes(context))
      throw invalid('fileUploadContext must be one of CandidateResume, CandidateFiles, ApplicationForm');
    const filename = str(body, 'filename')!;
    const contentType = str(body, 'contentType')!;
    if (!/^[\w.+-]+\/[\w.+-]+$/.test(contentType)) throw invalid('contentType must be a MIME type');
    if (!Number.isInteger(body.contentLength) || body.contentLength < 0) throw invalid('contentLength must be a non-negative integer');
    if (body.contentLength > 50 * 1024 * 1024) throw invalid('File is too large. The maximum size is 50MB.');
    const id = randomUUID();
    const key = `uploads/${id}/${filename}`;
    const up: Upload = {
      id,
      context: context as Upload['context'],
      filename,
      contentType,
      contentLength: body.contentLength,
      key,
      signature: sign(key),
      expiresAt: Date.now() + 10 * 60_000,
      used: false,
    };
    uploads.set(id, up);
    const handle = { type: 'Upload', uploadId: id };
    return {
      handle: b64({ handle, signature: sign(JSON.stringify(handle)), version: '1' }),
      url: `${server.url}/_storage/ashby-uploads`,
      fields: {
        key,
        'Content-Type': contentType,
        'x-amz-algorithm': 'AWS4-HMAC-SHA256',
        'x-amz-credential': 'AKIAFAKE/20261129/us-east-1/s3/aws4_request',
        'x-amz-date': '20261129T000000Z',
        policy: b64({ key, len: body.contentLength }),
        'x-amz-signature': up.signature,
      },
    };
  });

  // The presigned storage endpoint (S3 POST Object semantics: form fields first, `file` last, 204 on success).
  server.route('POST', '/_storage/ashby-uploads', (req) => {
    const s3Error = (status: number, code: string, message: string): FakeResponse => ({
      status,
      headers: { 'content-type': 'application/xml' },
      text: `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>${message}</Message></Error>`,
    });
    if (req.headers.authorization)
      return s3Error(
        400,
        'InvalidArgument',
        'Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter, Signature query string parameter or the Authorization header should be specified',
      );
    if (!req.form) return s3Error(412, 'PreconditionFailed', 'Bucket POST must be of the enclosure-type multipart/form-data');
    const entries: [string, FormDataEntryValue][] = [];
    req.form.forEach((value, name) => entries.push([name, value]));
    const key = req.form.get('key');
    const up = [...uploads.values()].find((u) => u.key === key);
    if (!up || req.form.get('x-amz-signature') !== up.signature || req.form.get('policy') !== b64({ key, len: up.contentLength })) {
      return s3Error(403, 'AccessDenied', 'Invalid according to Policy: Policy Condition failed');
    }
    if (Date.now() > up.expiresAt) return s3Error(403, 'AccessDenied', 'Invalid according to Policy: Policy expired.');
    const last = entries[entries.length - 1];
    if (!last || last[0] !== 'file' || typeof last[1] === 'string')
      return s3Error(400, 'InvalidArgument', 'POST requires exactly one file upload per request, as the last field.');
    return (last[1] as File).arrayBuffer().then((ab) => {
      const data = Buffer.from(ab);
      if (data.length > up.contentLength) return s3Error(400, 'EntityTooLarge', 'Your proposed upload exceeds the maximum allowed size');
      if (data.length < up.contentLength)
        return s3Error(400, 'EntityTooSmall', 'Your proposed upload is smaller than the minimum allowed size');
      up.data = data;
      return { status: 204 };
    });
  });

  /** candidate.uploadFile / uploadResume with a handle: the upload must exist, be done and match the context. */
  const attachUpload = (candidateId: string, handleStr: unknown, context: Upload['context'], kind: 'resume' | 'file') => {
    const h = readHandle(handleStr);
    const up = h?.type === 'Upload' && h.uploadId ? uploads.get(h.uploadId) : undefined;
    if (!up) throw invalid('Invalid file handle');
    if (up.context !== context) throw invalid(`File handle was created for ${up.context}, not ${context}`);
    if (!up.data) throw invalid('No file was uploaded for this handle');
    if (up.used) throw invalid('File handle has already been used');
    const c = findCandidate(candidateId);
    up.used = true;
    seedFile(c, up.filename, up.contentType, up.data, kind);
    bump('Candidate', c.id);
    return candidateJson(c);
  };
  // https://developers.ashbyhq.com/reference/candidateuploadfile (JSON {candidateId, fileHandle}; multipart deprecated)
  rpc('candidate.uploadFile', 'candidates:write', (body) =>
    attachUpload(uuidOf(body, 'candidateId'), str(body, 'fileHandle'), 'CandidateFiles', 'file'),
  );
  // https://developers.ashbyhq.com/reference/candidateuploadresume (JSON {candidateId, resumeHandle})
  rpc('candidate.uploadResume', 'candidates:write', (body) =>
    attachUpload(uuidOf(body, 'candidateId'), str(body, 'resumeHandle'), 'CandidateResume', 'resume'),
  );

  // https://developers.ashbyhq.com/reference/fileinfo: a presigned storage URL for a file handle.
  rpc('file.info', 'candidates:read', (body) => {
    const h = readHandle(str(body, 'fileHandle'));
    const f = h?.type === 'CandidateFile' && h.fileId ? files.get(h.fileId) : undefined;
    if (!f) throw new AshbyError('file_not_found', 'File not found');
    const expires = Date.now() + 5 * 60_000;
    return {
      url: `${server.url}/_storage/ashby-files/${f.id}?X-Amz-Expires=300&X-Amz-Date=${expires}&X-Amz-Signature=${sign(f.id + expires)}`,
    };
  });
  server.route('GET', '/_storage/ashby-files/:id', (req): FakeResponse => {
    const f = files.get(req.params.id);
    const expires = Number(req.query.get('X-Amz-Date'));
    if (!f || req.query.get('X-Amz-Signature') !== sign(f.id + expires))
      return {
        status: 403,
        headers: { 'content-type': 'application/xml' },
        text: '<Error><Code>AccessDenied</Code><Message>Access Denied</Message></Error>',
      };
    if (Date.now() > expires)
      return {
        status: 403,
        headers: { 'content-type': 'application/xml' },
        text: '<Error><Code>AccessDenied</Code><Message>Request has expired</Message></Error>',
      };
    return { headers: { 'content-type': f.contentType, 'content-disposition': `attachment; filename="${f.name}"` }, body: f.data };
  });

  // --- webhooks ---------------------------------------------------------------------------------
  // https://developers.ashbyhq.com/reference/webhookcreate and webhookdelete (apiKeysWrite):
  // one webhook setting per type; requests are signed `Ashby-Signature: sha256=<hex HMAC of the
  // raw body>` with its secretToken (https://developers.ashbyhq.com/docs/authenticating-webhooks).
  const subscriptions = new SubscriptionList();
  rpc('webhook.create', 'apiKeys:write', (body) => {
    const s = subscriptions.add({ url: String(body.requestUrl), event: String(body.webhookType), secret: String(body.secretToken) });
    return { id: s.id, enabled: true, requestUrl: s.url, secretToken: s.secret, webhookType: s.event };
  });
  rpc('webhook.delete', 'apiKeys:write', (body) => {
    const id = uuidOf(body, 'webhookId');
    if (!subscriptions.remove(id)) throw new AshbyError('webhook_not_found', `Webhook ${id} was not found.`);
    return { webhookId: id };
  });
  const webhookRequest = (url: string, secret: string, payload: Json) => {
    const body = JSON.stringify(payload);
    return { url, body, headers: { 'ashby-signature': `sha256=${createHmac('sha256', secret).update(body).digest('hex')}` } };
  };
  const webhooks: FakeVendorWebhooks = {
    registered: () => subscriptions.list(),
    async changeCandidate(candidateId, manual) {
      const app = applications.find((a) => a.candidateId === candidateId);
      if (!app) throw new Error(`no application for candidate ${candidateId}`);
      const stages = plans[jobs.find((j) => j.id === app.jobId)!.defaultInterviewPlanId];
      const i = stages.findIndex((s) => s.id === app.stageId);
      app.stageId = stages[(i + 1) % stages.length].id;
      app.updatedAt = iso(Date.now());
      const payload = { action: 'candidateStageChange', data: { application: applicationJson(app) } };
      const targets = manual ? [manual] : subscriptions.to('candidateStageChange');
      return subscriptions.send(targets.map((t) => webhookRequest(t.url, t.secret, payload)));
    },
    redeliverLast: () => subscriptions.redeliverLast(),
  };

  await server.start();

  const fake: AshbyFake = {
    userRemoteIds: () => users.map((u) => u.id),
    tool: 'ashby',
    webhooks,
    server,
    url: server.url,
    apiKey,
    credentials: { api_key: apiKey },
    badCredentials: { api_key: 'ashby-wrong-key' },
    scopes,
    partnerIds,
    notes,
    assessments,
    files,
    stop: () => server.stop(),
    tagsFor: (id) => (candidates.find((c) => c.id === id)?.tags ?? []).map((t) => t.title),
    failNext(n, status) {
      for (let i = 0; i < n; i++) failures.push({ status });
    },
    candidateRemoteIds: () => candidates.map((c) => c.id),
    applicationRemoteIds: () => applications.map((a) => a.id),
    jobRemoteIds: () => jobs.map((j) => j.id),
    deleteCandidate(id) {
      const i = candidates.findIndex((c) => c.id === id);
      if (i >= 0) candidates.splice(i, 1);
      for (let j = applications.length - 1; j >= 0; j--) if (applications[j].candidateId === id) applications.splice(j, 1);
    },
    applicationStatus(applicationId) {
      const a = applications.find((x) => x.id === applicationId);
      if (!a) return null;
      return { stage: a.stageId, rejected: a.status === 'Archived', reason: a.archiveReason?.id ?? null };
    },
    resultTextFor(candidateId) {
      const parts: string[] = [];
      for (const n of notes) if (n.candidateId === candidateId) parts.push(n.content);
      for (const a of assessments) {
        if (a.candidateId !== candidateId) continue;
        parts.push(a.assessment.assessmentName);
        for (const v of [a.assessment.result, ...a.assessment.metadata]) parts.push(`${v.label}: ${v.value}`);
      }
      const objects = [
        `Candidate:${candidateId}`,
        ...applications.filter((x) => x.candidateId === candidateId).map((x) => `Application:${x.id}`),
      ];
      for (const key of objects) {
        for (const [fieldId, value] of fieldValues.get(key) ?? [])
          parts.push(`${fieldDefs.find((d) => d.id === fieldId)!.title}: ${String(value)}`);
      }
      return parts.join('\n');
    },
    filesFor(candidateId) {
      return [...files.values()].filter((f) => f.candidateId === candidateId).map((f) => ({ name: f.name, type: f.kind, data: f.data }));
    },
    peakRate: () => limiter.peak,
    fieldValuesOf(objectType, objectId) {
      const out: Record<string, unknown> = {};
      for (const [fieldId, value] of fieldValues.get(`${objectType}:${objectId}`) ?? [])
        out[fieldDefs.find((d) => d.id === fieldId)!.title] = value;
      return out;
    },
    touchCandidate(id) {
      findCandidate(id).updatedAt = iso(Date.now());
    },
    expireSyncTokens() {
      syncGeneration++;
    },
    expireCursors() {
      cursorGeneration++;
    },
    incrementalPageLimit: null,
    breakCursors: null,
    paginationErrorStatus: 200,
    notFoundAnswer: 'record_not_found',
    clearFailures() {
      failures.length = 0;
    },
    rawCandidate: (id) => candidates.find((c) => c.id === id),
  };
  return fake;
}

/** Ashby keeps b, i, u, a, ul, ol, li, code and pre in HTML notes; other tags are stripped (their text kept). */
function sanitizeNoteHtml(html: string): string {
  return html.replace(/<\/?([a-z0-9]+)(\s[^>]*)?>/gi, (tag, name: string) => (/^(b|i|u|a|ul|ol|li|code|pre)$/i.test(name) ? tag : ''));
}
