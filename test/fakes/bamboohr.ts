/**
 * A fake of BambooHR's applicant tracking API, written from BambooHR's own OpenAPI
 * (BambooHR/bhr-api-php specs/public.yaml, kept in part under test/specs/bamboohr and checked on
 * every request and response) and its documentation:
 * - `https://{company}.bamboohr.com/api/v1/applicant_tracking/…`, HTTP Basic with the API key as
 *   user name (any password; BambooHR's SDK sends "x"). The key acts as its user: a user without
 *   access to ATS settings gets 403 "Insufficient user permissions or API access is not turned on".
 * - GET /applications: `page`, `applicationStatus` groups (NEW, ACTIVE, INACTIVE, HIRED, ALL,
 *   ALL_ACTIVE, comma-separated), `jobStatusGroups`, `sortBy`/`sortOrder` enums; the answer is
 *   `{ paginationComplete, nextPageUrl, applications }`. The fake serves 10 per page.
 * - GET /applications/{id}: details with `attachments` (`fileUrl` on a separate file host, which
 *   records whether a credential reached it), `resumeFileId`, `coverLetterFileId`.
 * - POST /applications/{id}/comments `{ type?, comment }` → `{ type, id }`.
 * - GET /jobs?statusGroups=…: an array of job summaries (default: every non-deleted job).
 * - GET /statuses: the company's applicant statuses.
 * - Errors: the message in `X-BambooHR-Error-Message`, the body empty (the spec says so for 400s).
 * - Rate limiting: 429 with Retry-After since 2026-09-16, 503 before ("Planned changes to the
 *   API"); `legacyThrottle` switches the fake to the 503 form. 503 alone means unavailable.
 */
import { randomBytes } from 'node:crypto';
import { FakeServer, WindowCounter, basicUser, type FakeRequest, type FakeResponse } from './server.ts';
import { SpecCheck } from './spec-check.ts';
import type { VendorFake } from './types.ts';

export interface BambooHrFakeOptions {
  candidateCount?: number;
  pageSize?: number;
  rateLimit?: { limit: number; windowMs: number };
  retryAfterSeconds?: number;
  /** Throttle with 503 + Retry-After (BambooHR before 2026-09-16) instead of 429. */
  legacyThrottle?: boolean;
}

export interface BambooHrFake extends VendorFake {
  limitedCredentials: Record<string, unknown>;
  commentsOf(applicationId: string): { id: number; type: string; comment: string }[];
  applicationsOf(applicantId: string): string[];
  /** Requests that reached the file host with an Authorization header (must stay 0). */
  fileRequestsWithCredentials(): number;
  fileHost: FakeServer;
}

const SPEC_FILE = new URL('../specs/bamboohr/applicant-tracking.yaml', import.meta.url).pathname;
const KEYS: Record<string, 'full' | 'no_ats'> = { bhr_key_full_8f2c61d0a9: 'full', bhr_key_employee_3b7e: 'no_ats' };

type Group = 'NEW' | 'ACTIVE' | 'INACTIVE' | 'HIRED';
const STATUSES: { id: number; code: string | null; name: string; group: Group }[] = [
  { id: 1, code: 'NEW', name: 'New', group: 'NEW' },
  { id: 2, code: 'REVIEWED', name: 'Reviewed', group: 'ACTIVE' },
  { id: 3, code: null, name: 'Phone screen', group: 'ACTIVE' },
  { id: 4, code: 'HIRED', name: 'Hired', group: 'HIRED' },
  { id: 5, code: 'NOT_A_FIT', name: 'Not a fit', group: 'INACTIVE' },
  { id: 6, code: 'DECLINED', name: 'Offer declined', group: 'INACTIVE' },
];

interface Job {
  id: number;
  title: string;
  status: 'Open' | 'Filled' | 'Draft' | 'Deleted' | 'On Hold' | 'Canceled';
  department: string;
  location: string;
  posted: string;
}
interface Applicant {
  id: number;
  firstName: string;
  lastName: string;
  email: string;
  phoneNumber: string | null;
  source: string;
}
interface Application {
  id: number;
  applicant: number;
  job: number;
  status: number;
  applied: string;
  deleted?: boolean;
  files: { id: number; name: string; data: Buffer; kind: 'resume' | 'cover' | 'other' }[];
}

const FIRST = ['Avery', 'Blake', 'Casey', 'Devon', 'Emerson', 'Finley', 'Gray', 'Harper', 'Indy', 'Jordan', 'Kai', 'Logan'];
const LAST = ['Adams', 'Brooks', 'Carter', 'Diaz', 'Ellis', 'Foster', 'Garcia', 'Hughes'];

export async function startBambooHrFake(opts: BambooHrFakeOptions = {}): Promise<BambooHrFake> {
  const spec = SpecCheck.fromFile(SPEC_FILE, { label: 'BambooHR OpenAPI', basePath: '', strictPaths: true });
  const server = new FakeServer({ provenance: 'bamboohr', spec });
  const fileHost = new FakeServer();
  const pageSize = opts.pageSize ?? 10;
  const rate = opts.rateLimit ?? { limit: 20, windowMs: 1000 };
  const retryAfter = opts.retryAfterSeconds ?? 1;

  const jobs: Job[] = [
    {
      id: 11,
      title: 'Customer Success Manager',
      status: 'Open',
      department: 'Customer Success',
      location: 'Lindon, Utah',
      posted: '2026-08-01T15:00:00+00:00',
    },
    {
      id: 12,
      title: 'Payroll Specialist',
      status: 'Filled',
      department: 'Finance',
      location: 'Remote',
      posted: '2026-07-15T09:30:00+00:00',
    },
    {
      id: 13,
      title: 'QA Engineer',
      status: 'On Hold',
      department: 'Engineering',
      location: 'Lindon, Utah',
      posted: '2026-06-20T12:00:00+00:00',
    },
  ];
  const applicants = new Map<number, Applicant>();
  const applications = new Map<number, Application>();
  const comments = new Map<number, { id: number; type: string; comment: string }[]>();
  let nextId = 70_000;
  const n = opts.candidateCount ?? 24;
  for (let i = 0; i < n; i++) {
    const id = 3_000 + i;
    applicants.set(id, {
      id,
      firstName: FIRST[i % FIRST.length],
      lastName: LAST[i % LAST.length],
      email: `applicant${i}@example.com`,
      phoneNumber: i % 2 ? `801-555-01${String(i).padStart(2, '0')}` : null,
      source: i % 3 ? 'LinkedIn' : 'Company website',
    });
    const count = i % 4 === 0 ? 2 : 1;
    for (let k = 0; k < count; k++) {
      const aid = 50_000 + i * 10 + k;
      const files: Application['files'] = [];
      if (i % 2 === 0)
        files.push({
          id: 8_000 + i * 10 + k,
          name: `resume-${i}.pdf`,
          data: Buffer.from(`%PDF-1.4 resume of applicant ${i} %%EOF`),
          kind: 'resume',
        });
      if (i % 6 === 0)
        files.push({ id: 9_000 + i * 10 + k, name: `portfolio-${i}.txt`, data: Buffer.from(`portfolio ${i}`), kind: 'other' });
      applications.set(aid, {
        id: aid,
        applicant: id,
        job: jobs[(i + k) % jobs.length].id,
        status: STATUSES[(i + k) % STATUSES.length].id,
        applied: new Date(Date.UTC(2026, 8, 1) + i * 3_600_000 + k * 60_000).toISOString().replace('.000Z', '+00:00'),
        files,
      });
    }
  }

  // ------------------------------------------------------------------------------------------
  // Auth, throttling, faults
  // ------------------------------------------------------------------------------------------
  const windows = new Map<string, WindowCounter>();
  let failures: { n: number; status: 429 | 500 | 503 } | null = null;
  const errorHeader = (status: number, message: string, extra: Record<string, string> = {}): FakeResponse => ({
    status,
    headers: { 'x-bamboohr-error-message': message, ...extra },
    text: '',
  });
  const throttled = (): FakeResponse =>
    opts.legacyThrottle
      ? errorHeader(503, 'Service temporarily unavailable: rate limit exceeded.', { 'retry-after': String(retryAfter) })
      : errorHeader(429, 'Too many requests.', { 'retry-after': String(retryAfter) });

  server.before = (req) => {
    if (failures && failures.n > 0) {
      failures.n--;
      if (failures.status === 429) return throttled();
      return errorHeader(failures.status, failures.status === 503 ? 'Service Unavailable' : 'Internal Server Error');
    }
    const key = basicUser(req);
    const who = key ? KEYS[key] : undefined;
    if (!who) return { status: 401, json: {} };
    let w = windows.get(key!);
    if (!w) windows.set(key!, (w = new WindowCounter(rate.limit, rate.windowMs)));
    if (w.hit().over) return throttled();
    if (who === 'no_ats') return { status: 403, json: {} };
    return undefined;
  };

  const groupOf = (statusId: number) => STATUSES.find((s) => s.id === statusId)!.group;
  function groupsFrom(param: string | null): Set<Group> | null {
    const all: Group[] = ['NEW', 'ACTIVE', 'INACTIVE', 'HIRED'];
    if (!param) return new Set<Group>(['NEW', 'ACTIVE']); // undocumented default; the connector always sends one
    const out = new Set<Group>();
    for (const raw of param.split(',').map((s) => s.trim())) {
      if (raw === 'ALL') all.forEach((g) => out.add(g));
      else if (raw === 'ALL_ACTIVE') (['NEW', 'ACTIVE'] as Group[]).forEach((g) => out.add(g));
      else if ((all as string[]).includes(raw)) out.add(raw as Group);
      else return null;
    }
    return out;
  }
  const jobGroups = (param: string | null): Set<string> | null => {
    const all = ['Open', 'Filled', 'Draft', 'Deleted', 'On Hold', 'Canceled'];
    if (!param) return new Set(all.filter((s) => s !== 'Deleted'));
    const out = new Set<string>();
    for (const raw of param.split(',').map((s) => s.trim())) {
      if (raw === 'ALL') all.forEach((s) => out.add(s));
      else if (raw === 'DRAFT_AND_OPEN') ['Draft', 'Open'].forEach((s) => out.add(s));
      else if (all.includes(raw)) out.add(raw);
      else return null;
    }
    return out;
  };

  const summary = (a: Application) => {
    const p = applicants.get(a.applicant)!;
    const j = jobs.find((x) => x.id === a.job)!;
    const s = STATUSES.find((x) => x.id === a.status)!;
    return {
      id: a.id,
      appliedDate: a.applied,
      status: { id: s.id, label: s.name },
      rating: null,
      applicant: { id: p.id, firstName: p.firstName, lastName: p.lastName, avatar: null, email: p.email, source: p.source },
      job: { id: j.id, title: { id: null, label: j.title } },
    };
  };

  server.route('GET', '/api/v1/applicant_tracking/applications', (req) => {
    const q = req.query;
    const groups = groupsFrom(q.get('applicationStatus'));
    const jg = jobGroups(q.get('jobStatusGroups'));
    if (!groups || !jg) return errorHeader(400, 'Invalid status group.');
    const sortBy = q.get('sortBy');
    if (sortBy && !['first_name', 'job_title', 'rating', 'phone', 'status', 'last_updated', 'created_date'].includes(sortBy))
      return errorHeader(400, `Invalid sortBy: ${sortBy}`);
    const page = Number(q.get('page') ?? '1');
    if (!Number.isInteger(page) || page < 1) return errorHeader(400, 'Invalid page.');
    const rows = [...applications.values()]
      .filter((a) => !a.deleted && groups.has(groupOf(a.status)) && jg.has(jobs.find((j) => j.id === a.job)!.status))
      .sort(
        (a, b) => (q.get('sortOrder') === 'DESC' ? b.applied.localeCompare(a.applied) : a.applied.localeCompare(b.applied)) || a.id - b.id,
      );
    const slice = rows.slice((page - 1) * pageSize, page * pageSize);
    const complete = page * pageSize >= rows.length;
    let nextPageUrl: string | null = null;
    if (!complete) {
      const next = new URLSearchParams(q);
      next.set('page', String(page + 1));
      nextPageUrl = `${server.url}${req.path}?${next.toString()}`;
    }
    return { json: { paginationComplete: complete, nextPageUrl, applications: slice.map(summary) } };
  });

  server.route('GET', '/api/v1/applicant_tracking/applications/:id', (req) => {
    const a = applications.get(Number(req.params.id));
    if (!a || a.deleted) return errorHeader(404, 'Application not found.');
    const p = applicants.get(a.applicant)!;
    const s = summary(a);
    const resume = a.files.find((f) => f.kind === 'resume');
    return {
      json: {
        ...s,
        status: { id: s.status.id, label: s.status.label, dateChanged: a.applied, changedByUser: null },
        resumeFileId: resume?.id ?? null,
        coverLetterFileId: null,
        attachmentCount: a.files.length,
        attachments: a.files.length ? a.files.map((f) => ({ id: f.id, name: f.name, fileUrl: `${fileHost.url}/files/${f.id}` })) : null,
        movedTo: null,
        movedFrom: null,
        alsoConsideredForCount: 0,
        duplicateApplicationCount: 0,
        referredBy: null,
        desiredSalary: null,
        commentCount: (comments.get(a.id) ?? []).length,
        emailCount: 0,
        eventCount: 0,
        questionsAndAnswers: [],
        applicationReferences: null,
        applicant: {
          id: p.id,
          firstName: p.firstName,
          lastName: p.lastName,
          email: p.email,
          phoneNumber: p.phoneNumber,
          avatar: null,
          source: p.source,
          twitterUsername: null,
          address: null,
          linkedinUrl: null,
          websiteUrl: null,
          availableStartDate: null,
          education: null,
        },
        job: { id: s.job.id, title: s.job.title, hiringLead: null },
      },
    };
  });

  server.route('POST', '/api/v1/applicant_tracking/applications/:id/comments', (req) => {
    const a = applications.get(Number(req.params.id));
    if (!a || a.deleted) return errorHeader(404, 'Bad request url.');
    const body = req.json;
    if (!body || typeof body.comment !== 'string' || !body.comment.trim()) return errorHeader(400, 'A comment is required.');
    const c = { id: nextId++, type: typeof body.type === 'string' ? body.type : 'comment', comment: body.comment };
    comments.set(a.id, [...(comments.get(a.id) ?? []), c]);
    return { json: { type: c.type, id: c.id } };
  });

  // update-applicant-status: {status: <integer id>}; an unknown status is a 400 with the reason in
  // x-bamboohr-error-message and an empty body, as the spec documents.
  server.route('POST', '/api/v1/applicant_tracking/applications/:id/status', (req) => {
    const a = applications.get(Number(req.params.id));
    if (!a || a.deleted) return errorHeader(404, 'Bad request url.');
    const status = STATUSES.find((st) => st.id === req.json?.status);
    if (!status) return errorHeader(400, 'Invalid status');
    a.status = status.id;
    const id = nextId++;
    return { json: { type: 'positionApplicantStatus', id } };
  });

  server.route('GET', '/api/v1/applicant_tracking/jobs', (req) => {
    const jg = jobGroups(req.query.get('statusGroups'));
    if (!jg) return errorHeader(400, 'Invalid status group.');
    return {
      json: jobs
        .filter((j) => jg.has(j.status))
        .map((j) => ({
          id: j.id,
          title: { id: null, label: j.title },
          postedDate: j.posted,
          location: {
            id: j.id * 10,
            label: j.location,
            address: { city: j.location.split(',')[0], state: j.location.split(',')[1]?.trim() ?? null },
          },
          department: { id: j.id * 100, label: j.department },
          status: { id: j.id, label: j.status },
          hiringLead: null,
          newApplicantsCount: 0,
          activeApplicantsCount: 0,
          totalApplicantsCount: 0,
          postingUrl: j.status === 'Open' ? `https://acme.bamboohr.com/careers/${j.id}` : null,
        })),
    };
  });

  server.route('GET', '/api/v1/applicant_tracking/statuses', () => ({
    json: STATUSES.map((s) => ({
      id: String(s.id),
      code: s.code,
      name: s.name,
      translatedName: s.name,
      description: null,
      enabled: true,
      manageable: s.code === null,
    })),
  }));

  // The file host: where `fileUrl` points (another origin than the API).
  let credentialedFileRequests = 0;
  fileHost.route('GET', '/files/:id', (req: FakeRequest) => {
    if (req.headers.authorization) credentialedFileRequests++;
    for (const a of applications.values()) {
      const f = a.files.find((x) => String(x.id) === req.params.id);
      if (f) return { headers: { 'content-type': f.name.endsWith('.pdf') ? 'application/pdf' : 'text/plain' }, body: f.data };
    }
    return { status: 404, text: 'not found' };
  });

  await server.start();
  await fileHost.start();
  const liveApps = () => [...applications.values()].filter((a) => !a.deleted);

  return {
    // The connector reads no users (capabilities.users).
    userRemoteIds: () => [],
    tool: 'bamboohr',
    server,
    fileHost,
    url: server.url,
    credentials: { company_domain: 'acme', api_key: 'bhr_key_full_8f2c61d0a9' },
    badCredentials: { company_domain: 'acme', api_key: `bhr_key_wrong_${randomBytes(4).toString('hex')}` },
    limitedCredentials: { company_domain: 'acme', api_key: 'bhr_key_employee_3b7e' },
    async stop() {
      await fileHost.stop();
      await server.stop();
    },
    failNext(count, status) {
      failures = { n: count, status };
    },
    candidateRemoteIds: () => [...new Set(liveApps().map((a) => String(a.applicant)))],
    applicationRemoteIds: () => liveApps().map((a) => String(a.id)),
    jobRemoteIds: () => jobs.map((j) => String(j.id)),
    deleteCandidate(remoteId) {
      for (const a of applications.values()) if (String(a.applicant) === remoteId) a.deleted = true;
    },
    applicationStatus(id) {
      const a = applications.get(Number(id));
      if (!a || a.deleted) return null;
      const status = STATUSES.find((st) => st.id === a.status)!;
      return { stage: String(a.status), rejected: status.group === 'INACTIVE', reason: null };
    },
    resultTextFor: (applicantId) =>
      liveApps()
        .filter((a) => String(a.applicant) === applicantId)
        .flatMap((a) => (comments.get(a.id) ?? []).map((c) => c.comment))
        .join('\n'),
    // BambooHR takes no files on existing applications, so nothing atsgate sends is stored.
    filesFor: () => [],
    // BambooHR's applicant tracking has no candidate tags.
    tagsFor: () => [],
    peakRate: () => Math.max(0, ...[...windows.values()].map((w) => w.peak)),
    commentsOf: (applicationId) => [...(comments.get(Number(applicationId)) ?? [])],
    applicationsOf: (applicantId) =>
      liveApps()
        .filter((a) => String(a.applicant) === applicantId)
        .map((a) => String(a.id)),
    fileRequestsWithCredentials: () => credentialedFileRequests,
  };
}
