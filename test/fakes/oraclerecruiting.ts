/**
 * A fake of Oracle's HCM REST API for Oracle Recruiting Cloud
 * (`https://{host}/hcmRestApi/resources/11.13.18.05`), written from Oracle's "REST API for
 * Oracle Fusion Cloud HCM" pages (farws; the sources are listed in
 * src/connectors/oraclerecruiting/README.md). Oracle publishes its resource descriptions per
 * instance (`/describe`), not as a public file, so there is no spec check. What it models, and the
 * traps a connector must survive:
 * - HTTP Basic with a Fusion user; a wrong user or password → 401 with a WWW-Authenticate and a
 *   plain-text body ([OR-AUTH]). A user without a resource's REST role → 403 on that resource
 *   ([OR-SEC]).
 * - `REST-Framework-Version`: without it (version 1) `q` takes only query-by-example
 *   (`Attr=value;Attr2=value`); comparison expressions (`LastUpdateDate >= '…'`) need version 2+
 *   ([OR-FWV]). Version 4+ errors are JSON (`title`, `o:errorDetails`); older ones plain text.
 * - Collections ([OR-NAV]): `limit` (default 25) and `offset`, answered with `items`, `count`,
 *   `hasMore`, `limit`, `offset`. This fake caps a page at 50 rows whatever `limit` asks, so a
 *   client must page by what it received. `onlyData=true` drops each row's `links`; without it
 *   rows carry a `self` link whose last segment is the hash key (`…UniqID`) clients must not build.
 * - `q` on an attribute a resource cannot filter → 400. Requisitions cannot be filtered by
 *   LastUpdateDate here (Oracle names no delta for them).
 * - Job applications name their candidate by `CandidatePersonId` (no CandidateNumber).
 * - POST …/child/attachments ([OR-ATT], [OR-WWA]): DatatypeCode FILE (FileName and base64
 *   FileContents required), WEB_PAGE (Url required) or TEXT; CategoryName one of Oracle's
 *   recruiting categories; Title at most 80 characters; a JSON media type. File bytes come back
 *   from `…/enclosure/FileContents` as application/octet-stream whatever the file is.
 * - `…/enclosure/FileContents` produces only application/octet-stream (farws "Get a FileContents"):
 *   a request whose Accept admits only JSON gets 406.
 * - Attachment rows name their hash key only in `links` (`self`, and the `FileContents`
 *   enclosure): never the AttachedDocumentId; `onlyData=true` strips it. Rows also carry a
 *   signed `FileUrl` (third-party reports) that a client must not hand out.
 * - Job applications have their own read-only `attachments` child (CVs sent with the application).
 * - The offset cap (third-party report): past offset 10,000 (`offsetCap`) a collection answers no
 *   more rows and `hasMore: false`, without an error. `orderBy=<attr>:asc|desc` on the attributes
 *   each resource allows (others → 400), which is how a client gets past the cap.
 * - Candidates carry CandLastModifiedDate, which moves when a child (an attachment) changes;
 *   LastUpdateDate does not. Applications carry LastModifiedDate, not filterable here.
 * - 429 past the fake's window, without Retry-After (Oracle documents none).
 */
import { randomBytes } from 'node:crypto';
import { FakeServer, WindowCounter, type FakeRequest, type FakeResponse } from './server.ts';
import type { VendorFake } from './types.ts';

export interface OracleFakeOptions {
  candidateCount?: number;
  rateLimit?: { limit: number; windowMs: number };
  /** Refuse `q` on recruitingCandidates' LastUpdateDate (400), so the connector's fallback runs. */
  candidatesRefuseDelta?: boolean;
  /** Refuse ` or ` in `q` (400), as a server without the full expression grammar would. */
  refuseOr?: boolean;
  /** Past this offset a collection answers no rows and `hasMore: false`, silently (Oracle's is 10,000). */
  offsetCap?: number;
}

export interface OracleFake extends VendorFake {
  /** A user without the candidates REST role (403 on recruitingCandidates). */
  noCandidatesCredentials: Record<string, unknown>;
  attachmentsOf(candidateNumber: string): Attachment[];
}

export interface Attachment {
  id: number;
  key: string;
  DatatypeCode: 'FILE' | 'WEB_PAGE' | 'TEXT';
  CategoryName: string;
  Title: string | null;
  FileName: string | null;
  Url: string | null;
  Description: string | null;
  UploadedText: string | null;
  contentType: string | null;
  data: Buffer | null;
  created: string;
}
interface Requisition {
  RequisitionId: number;
  RequisitionNumber: string;
  Title: string;
  PhaseName: string;
  StateName: string;
  FullTimeOrPartTime: string;
  CreationDate: string;
  LastUpdateDate: string;
  RequisitionLastModifiedDate: string;
}
interface Candidate {
  CandidateNumber: string;
  PersonId: number;
  FirstName: string;
  LastName: string;
  Email: string;
  CreationDate: string;
  LastUpdateDate: string;
  /** Moves with the candidate's children too (attachments here), unlike LastUpdateDate. */
  CandLastModifiedDate: string;
  attachments: Attachment[];
  deleted?: boolean;
}
interface Application {
  JobApplicationId: number;
  CandidatePersonId: number;
  RequisitionId: number;
  RequisitionNumber: string;
  PhaseId: number;
  PhaseName: string;
  StateId: number;
  StateName: string;
  JobApplicationDate: string;
  CreationDate: string;
  LastUpdateDate: string;
  LastModifiedDate: string;
  /** Files sent with the application (its own `attachments` child, read-only here). */
  attachments: Attachment[];
}

export const ORACLE_PATH = '/hcmRestApi/resources/11.13.18.05';
const CATEGORIES = ['IRC_CANDIDATE_RESUME', 'IRC_CANDIDATE_COVERLETTER', 'MISC', 'IRC_INTERNAL'];
const USERS: Record<string, { password: string; roles: string[] }> = {
  'ATSGATE.INTEGRATION': { password: 'Fusion#2026', roles: ['requisitions', 'candidates', 'applications'] },
  'NO.CANDIDATES': { password: 'Fusion#2026', roles: ['requisitions', 'applications'] },
};
const STATES = [
  { PhaseId: 1, PhaseName: 'New', StateId: 11, StateName: 'To Be Reviewed' },
  { PhaseId: 2, PhaseName: 'Review', StateId: 21, StateName: 'Under Review' },
  { PhaseId: 3, PhaseName: 'Interview and Selection', StateId: 31, StateName: 'Interview Scheduled' },
  { PhaseId: 2, PhaseName: 'Review', StateId: 29, StateName: 'Rejected by Employer' },
  { PhaseId: 6, PhaseName: 'Hired', StateId: 61, StateName: 'Hired' },
];
const FIRST = ['Avery', 'Blake', 'Casey', 'Devon', 'Emerson', 'Finley', 'Gray', 'Harper', 'Indy', 'Jordan', 'Kai', 'Logan'];
const LAST = ['Adams', 'Brooks', 'Carter', 'Diaz', 'Ellis', 'Foster', 'Garcia', 'Hughes'];
const iso = (ms: number) => new Date(ms).toISOString().replace('.000Z', '+00:00');
/** Oracle-looking hash keys (hex of a serialized key); never derivable by a client from the id. */
const hashKey = (id: number) =>
  `00020000000EACED0005770800011${id.toString(16).toUpperCase().padStart(12, '0')}${randomBytes(4).toString('hex').toUpperCase()}`;
const PAGE_CAP = 50;
/** An Accept header that admits application/octet-stream (absent, `*\/*`, `application/*` or the type itself). */
const acceptsOctetStream = (req: FakeRequest) => {
  const accept = String(req.headers.accept ?? '');
  if (!accept.trim()) return true;
  return accept.split(',').some((part) => {
    const [type, ...params] = part.trim().toLowerCase().split(';');
    const q = params.map((x) => x.trim()).find((x) => x.startsWith('q='));
    if (q && Number(q.slice(2)) === 0) return false;
    return ['*/*', 'application/*', 'application/octet-stream'].includes(type.trim());
  });
};

export async function startOracleFake(opts: OracleFakeOptions = {}): Promise<OracleFake> {
  const server = new FakeServer({ provenance: 'oraclerecruiting' });
  const rate = opts.rateLimit ?? { limit: 10, windowMs: 1000 };
  const t0 = Date.UTC(2026, 8, 1);
  let nextId = 300_000_100_000;

  const requisitions: Requisition[] = [
    ['2026-0101', 'Customer Success Manager', 'Open', 'Posted'],
    ['2026-0102', 'Payroll Specialist', 'Closed', 'Filled'],
    ['2026-0103', 'Warehouse Associate', 'Draft', 'In Preparation'],
  ].map(([n, title, phase, state], i) => ({
    RequisitionId: 300_000_001_000 + i,
    RequisitionNumber: n,
    Title: title,
    PhaseName: phase,
    StateName: state,
    FullTimeOrPartTime: i === 1 ? 'PART_TIME' : 'FULL_TIME',
    CreationDate: iso(t0 - 86_400_000 * (10 - i)),
    LastUpdateDate: iso(t0 - 86_400_000 * (10 - i)),
    RequisitionLastModifiedDate: iso(t0 - 86_400_000 * (10 - i)),
  }));
  const candidates = new Map<string, Candidate>();
  const applications = new Map<number, Application>();
  const n = opts.candidateCount ?? 24;
  for (let i = 0; i < n; i++) {
    const created = iso(t0 + i * 3_600_000);
    const c: Candidate = {
      CandidateNumber: String(1000 + i),
      PersonId: 300_000_050_000 + i,
      FirstName: FIRST[i % FIRST.length],
      LastName: LAST[i % LAST.length],
      Email: `candidate${i}@example.com`,
      CreationDate: created,
      LastUpdateDate: created,
      CandLastModifiedDate: created,
      attachments: [],
    };
    if (i % 3 === 0) {
      const id = nextId++;
      c.attachments.push({
        id,
        key: hashKey(id),
        DatatypeCode: 'FILE',
        CategoryName: 'IRC_CANDIDATE_RESUME',
        Title: `cv-${i}.pdf`,
        FileName: `cv-${i}.pdf`,
        Url: null,
        Description: null,
        UploadedText: null,
        contentType: 'application/pdf',
        data: Buffer.from(`%PDF-1.4 CV of candidate ${i} %%EOF`),
        created,
      });
    }
    candidates.set(c.CandidateNumber, c);
    const count = i % 4 === 0 ? 2 : 1;
    for (let k = 0; k < count; k++) {
      const req = requisitions[(i + k) % 2];
      const st = STATES[(i + k) % STATES.length];
      const id = 300_000_090_000 + i * 10 + k;
      applications.set(id, {
        JobApplicationId: id,
        CandidatePersonId: c.PersonId,
        RequisitionId: req.RequisitionId,
        RequisitionNumber: req.RequisitionNumber,
        ...st,
        JobApplicationDate: created,
        CreationDate: created,
        LastUpdateDate: created,
        LastModifiedDate: created,
        attachments: [],
      });
      // Every other application came with a CV, kept on the application.
      if (i % 2 === 1 && k === 0) {
        const fid = nextId++;
        applications.get(id)!.attachments.push({
          id: fid,
          key: hashKey(fid),
          DatatypeCode: 'FILE',
          CategoryName: 'IRC_CANDIDATE_RESUME',
          Title: `application-cv-${i}.pdf`,
          FileName: `application-cv-${i}.pdf`,
          Url: null,
          Description: null,
          UploadedText: null,
          contentType: 'application/pdf',
          data: Buffer.from(`%PDF-1.4 CV sent with application ${id} %%EOF`),
          created,
        });
      }
    }
  }

  // ------------------------------------------------------------------------------------------
  // Auth, framework version, throttling, faults
  // ------------------------------------------------------------------------------------------
  const windows = new Map<string, WindowCounter>();
  let failures: { n: number; status: 429 | 500 | 503 } | null = null;
  const version = (req: FakeRequest) => Number(req.headers['rest-framework-version'] ?? '1') || 1;

  /** [OR-FWV]: version 4+ errors are JSON with `o:errorDetails`; older ones are plain text. */
  const error = (req: FakeRequest, status: number, title: string, detail: string, code = 'ORA-00000'): FakeResponse =>
    version(req) >= 4
      ? {
          status,
          headers: { 'content-type': 'application/vnd.oracle.adf.error+json' },
          json: { title, status: String(status), 'o:errorDetails': [{ detail, 'o:errorCode': code }] },
        }
      : { status, text: detail };

  const roleOf = (path: string): string | null => {
    const m = /^\/hcmRestApi\/resources\/11\.13\.18\.05\/recruiting(JobRequisitions|Candidates|JobApplications)/.exec(path);
    return m ? { JobRequisitions: 'requisitions', Candidates: 'candidates', JobApplications: 'applications' }[m[1]]! : null;
  };

  server.before = (req) => {
    if (failures && failures.n > 0) {
      failures.n--;
      if (failures.status === 429) return error(req, 429, 'Too Many Requests', 'Too many requests.');
      return { status: failures.status, text: failures.status === 503 ? 'Service Unavailable' : 'Internal Server Error' };
    }
    const h = String(req.headers.authorization ?? '');
    const [user, ...rest] = h.startsWith('Basic ') ? Buffer.from(h.slice(6), 'base64').toString('utf8').split(':') : [''];
    const who = USERS[user];
    if (!who || who.password !== rest.join(':'))
      return { status: 401, headers: { 'www-authenticate': 'Basic realm="ORDS"' }, text: 'Authentication failed.' };
    let w = windows.get(user);
    if (!w) windows.set(user, (w = new WindowCounter(rate.limit, rate.windowMs)));
    if (w.hit().over) return error(req, 429, 'Too Many Requests', 'Too many requests.');
    const role = roleOf(req.path);
    if (role && !who.roles.includes(role)) return { status: 403, text: 'Forbidden' };
    if (req.method === 'POST') {
      const ct = String(req.headers['content-type'] ?? '');
      if (!/^application\/(json|vnd\.oracle\.adf\.resourceitem\+json)/.test(ct))
        return error(req, 415, 'Unsupported Media Type', `The media type ${ct || '(none)'} is not supported.`);
      if (!req.json || typeof req.json !== 'object') return error(req, 400, 'Bad Request', 'The request body is not valid JSON.');
    }
    return undefined;
  };

  // ------------------------------------------------------------------------------------------
  // Collections: paging, onlyData, q
  // ------------------------------------------------------------------------------------------
  type Filter = (row: Record<string, any>) => boolean;
  /**
   * `q`: version 1 query-by-example (`A=v;B=w`), version 2+ expressions (`A >= 'v'`, `A = v`,
   * joined by ` and `). Only the attributes in `allowed` can be filtered.
   */
  function parseQ(req: FakeRequest, allowed: string[]): Filter | FakeResponse {
    const q = req.query.get('q');
    if (q === null) return () => true;
    const tests: Filter[] = [];
    if (version(req) < 2) {
      for (const part of q.split(';')) {
        const m = /^(\w+)=(.*)$/.exec(part.trim());
        if (!m) return error(req, 400, 'Bad Request', `The query "${q}" is not a valid query-by-example expression.`);
        if (!allowed.includes(m[1])) return error(req, 400, 'Bad Request', `The attribute ${m[1]} cannot be queried.`);
        tests.push((r) => String(r[m[1]]) === m[2]);
      }
    } else {
      // ` or ` between alternatives, ` and ` within one (no parentheses, as the connector sends them).
      const alternatives = q.split(/\s+or\s+/i);
      if (alternatives.length > 1 && opts.refuseOr) return error(req, 400, 'Bad Request', `The query "${q}" is not supported.`);
      if (alternatives.length > 1) {
        const each: Filter[] = [];
        for (const alt of alternatives) {
          const one = parseQ({ ...req, query: new URLSearchParams({ q: alt }) } as FakeRequest, allowed);
          if (typeof one !== 'function') return one;
          each.push(one);
        }
        return (r) => each.some((t) => t(r));
      }
      for (const part of q.split(/\s+and\s+/i)) {
        const m = /^(\w+)\s*(>=|<=|=|>|<)\s*(?:'([^']*)'|(\S+))$/.exec(part.trim());
        if (!m) return error(req, 400, 'Bad Request', `The query "${q}" is not a valid expression.`);
        const [, attr, op, quoted, bare] = m;
        if (!allowed.includes(attr)) return error(req, 400, 'Bad Request', `The attribute ${attr} cannot be queried.`);
        const value = quoted ?? bare;
        if (/Date$/.test(attr)) {
          const t = Date.parse(value);
          if (Number.isNaN(t)) return error(req, 400, 'Bad Request', `The value ${value} is not a valid date for ${attr}.`);
          tests.push((r) => {
            const v = Date.parse(r[attr]);
            return op === '>=' ? v >= t : op === '>' ? v > t : op === '<=' ? v <= t : op === '<' ? v < t : v === t;
          });
        } else {
          if (op !== '=') return error(req, 400, 'Bad Request', `The operator ${op} is not supported for ${attr}.`);
          tests.push((r) => String(r[attr]) === value);
        }
      }
    }
    return (r) => tests.every((t) => t(r));
  }

  function collection(
    req: FakeRequest,
    rows: Record<string, any>[],
    linksOf: (r: Record<string, any>) => string | Record<string, string>[],
    sortable: string[] = [],
  ): FakeResponse {
    const limitRaw = req.query.get('limit');
    const offsetRaw = req.query.get('offset');
    const limit = limitRaw === null ? 25 : Number(limitRaw);
    const offset = offsetRaw === null ? 0 : Number(offsetRaw);
    if (!Number.isInteger(limit) || limit < 1 || !Number.isInteger(offset) || offset < 0)
      return error(req, 400, 'Bad Request', 'The limit and offset must be non-negative integers.');
    const orderBy = req.query.get('orderBy');
    if (orderBy !== null) {
      const m = /^(\w+)(?::(asc|desc))?$/.exec(orderBy);
      if (!m || !sortable.includes(m[1])) return error(req, 400, 'Bad Request', `The attribute ${orderBy} cannot be used to order.`);
      const dir = m[2] === 'desc' ? -1 : 1;
      rows = [...rows].sort((x, y) => (String(x[m[1]]) < String(y[m[1]]) ? -dir : String(x[m[1]]) > String(y[m[1]]) ? dir : 0));
    }
    // The offset cap: nothing past it, and hasMore false at it, without an error.
    const cap = opts.offsetCap ?? 10_000;
    const size = Math.max(0, Math.min(limit, PAGE_CAP, cap - offset));
    const page = rows.slice(offset, offset + size);
    const onlyData = req.query.get('onlyData') === 'true';
    const fields = req.query.get('fields')?.split(',');
    const items = page.map((r) => {
      const data = fields ? Object.fromEntries(fields.map((f) => [f, r[f] ?? null])) : r;
      const links = linksOf(r);
      return onlyData
        ? data
        : { ...data, links: typeof links === 'string' ? [{ rel: 'self', href: links, name: 'self', kind: 'item' }] : links };
    });
    return {
      json: {
        items,
        count: items.length,
        hasMore: offset + page.length < rows.length && offset + page.length < cap,
        limit: size,
        offset,
        ...(onlyData ? {} : { links: [{ rel: 'self', href: `${server.url}${req.path}`, name: 'self', kind: 'collection' }] }),
      },
    };
  }

  const base = () => `${server.url}${ORACLE_PATH}`;
  const candidateRow = (c: Candidate) => ({
    CandidateNumber: c.CandidateNumber,
    PersonId: c.PersonId,
    FirstName: c.FirstName,
    LastName: c.LastName,
    Email: c.Email,
    CreationDate: c.CreationDate,
    LastUpdateDate: c.LastUpdateDate,
    CandLastModifiedDate: c.CandLastModifiedDate,
  });
  const attachmentRow = (a: Attachment) => ({
    AttachedDocumentId: a.id,
    DatatypeCode: a.DatatypeCode,
    CategoryName: a.CategoryName,
    Title: a.Title,
    FileName: a.FileName,
    Url: a.Url,
    Description: a.Description,
    UploadedText: a.UploadedText,
    UploadedFileContentType: a.contentType,
    UploadedFileLength: a.data?.length ?? null,
    // A signed download URL that needs no credential (third-party reports): not for clients to forward.
    FileUrl: a.data ? `${server.url}/cs/idcplg?IdcService=GET_FILE&dID=${a.id}&signature=${randomBytes(6).toString('hex')}` : null,
    CreationDate: a.created,
    LastUpdateDate: a.created,
  });
  /** The row's links ([OR-ATT]): `self` and, for files, the FileContents enclosure; both hold the hash key. */
  const attachmentLinks = (ownerPath: string, a: Attachment) => [
    { rel: 'self', href: `${base()}/${ownerPath}/child/attachments/${a.key}`, name: 'attachments', kind: 'item' },
    ...(a.data
      ? [
          {
            rel: 'enclosure',
            href: `${base()}/${ownerPath}/child/attachments/${a.key}/enclosure/FileContents`,
            name: 'FileContents',
            kind: 'other',
          },
        ]
      : []),
  ];
  const liveCandidates = () => [...candidates.values()].filter((c) => !c.deleted);
  const liveApps = () => {
    const persons = new Set(liveCandidates().map((c) => c.PersonId));
    return [...applications.values()].filter((a) => persons.has(a.CandidatePersonId));
  };
  const candidateOr404 = (req: FakeRequest) => {
    const c = candidates.get(req.params.number);
    return c && !c.deleted ? c : error(req, 404, 'Not Found', `The requested resource ${req.params.number} was not found.`);
  };

  // ------------------------------------------------------------------------------------------
  // Routes
  // ------------------------------------------------------------------------------------------
  server.route('GET', `${ORACLE_PATH}/recruitingJobRequisitions`, (req) => {
    const f = parseQ(req, ['RequisitionNumber', 'RequisitionId', 'RequisitionLastModifiedDate']);
    if (typeof f !== 'function') return f;
    return collection(
      req,
      requisitions.filter((r) => f(r)),
      (r) => `${base()}/recruitingJobRequisitions/${hashKey(r.RequisitionId)}`,
      ['RequisitionNumber', 'RequisitionLastModifiedDate'],
    );
  });

  server.route('GET', `${ORACLE_PATH}/recruitingCandidates`, (req) => {
    // With candidatesRefuseDelta, neither date attribute can be filtered or ordered on.
    const dates = opts.candidatesRefuseDelta ? [] : ['CandLastModifiedDate', 'LastUpdateDate'];
    const f = parseQ(req, ['CandidateNumber', 'PersonId', 'Email', ...dates]);
    if (typeof f !== 'function') return f;
    return collection(
      req,
      liveCandidates()
        .map(candidateRow)
        .filter((r) => f(r)),
      (r) => `${base()}/recruitingCandidates/${r.CandidateNumber}`,
      ['CandidateNumber', ...dates],
    );
  });

  server.route('GET', `${ORACLE_PATH}/recruitingJobApplications`, (req) => {
    // LastModifiedDate is on the rows but (here) neither filterable nor sortable: the connector must fall back to LastUpdateDate.
    const f = parseQ(req, ['JobApplicationId', 'RequisitionNumber', 'CandidatePersonId', 'LastUpdateDate']);
    if (typeof f !== 'function') return f;
    return collection(
      req,
      liveApps()
        .map(({ attachments: _files, ...a }) => ({ ...a }))
        .filter((r) => f(r)),
      (r) => `${base()}/recruitingJobApplications/${r.JobApplicationId}`,
      ['JobApplicationId', 'LastUpdateDate'],
    );
  });

  /** The attachments of a candidate (`recruitingCandidates/{n}`) or of a job application (`recruitingJobApplications/{id}`). */
  type Owner = { path: string; files: Attachment[] };
  const candidateOwner = (req: FakeRequest): Owner | FakeResponse => {
    const c = candidateOr404(req);
    return 'attachments' in c ? { path: `recruitingCandidates/${c.CandidateNumber}`, files: c.attachments } : c;
  };
  const applicationOwner = (req: FakeRequest): Owner | FakeResponse => {
    const a = applications.get(Number(req.params.id));
    if (!a || !liveApps().includes(a)) return error(req, 404, 'Not Found', `The requested resource ${req.params.id} was not found.`);
    return { path: `recruitingJobApplications/${a.JobApplicationId}`, files: a.attachments };
  };
  for (const [prefix, ownerOf] of [
    [`${ORACLE_PATH}/recruitingCandidates/:number`, candidateOwner],
    [`${ORACLE_PATH}/recruitingJobApplications/:id`, applicationOwner],
  ] as const) {
    const fileOf = (req: FakeRequest): { owner: Owner; file: Attachment } | FakeResponse => {
      const owner = ownerOf(req);
      if (!('files' in owner)) return owner;
      const file = owner.files.find((x) => x.key === req.params.key);
      return file ? { owner, file } : error(req, 404, 'Not Found', `The requested resource ${req.params.key} was not found.`);
    };
    server.route('GET', `${prefix}/child/attachments`, (req) => {
      const owner = ownerOf(req);
      if (!('files' in owner)) return owner;
      const rows = owner.files.map((a) => ({ ...attachmentRow(a), _file: a }));
      const res = collection(req, rows, (r) => attachmentLinks(owner.path, r._file));
      for (const item of (res.json as any).items) delete item._file;
      return res;
    });
    server.route('GET', `${prefix}/child/attachments/:key`, (req) => {
      const got = fileOf(req);
      if (!('file' in got)) return got;
      const row = attachmentRow(got.file);
      return { json: req.query.get('onlyData') === 'true' ? row : { ...row, links: attachmentLinks(got.owner.path, got.file) } };
    });
    server.route('GET', `${prefix}/child/attachments/:key/enclosure/FileContents`, (req) => {
      const got = fileOf(req);
      if (!('file' in got)) return got;
      if (!got.file.data) return error(req, 404, 'Not Found', 'The attachment has no file contents.');
      // farws "Get a FileContents": the only response media type is application/octet-stream, so
      // a request that accepts only JSON is not acceptable (406), as content negotiation answers.
      if (!acceptsOctetStream(req)) return error(req, 406, 'Not Acceptable', 'The resource cannot produce the requested media type.');
      // Every enclosure is served as application/octet-stream, whatever the file is.
      return { headers: { 'content-type': 'application/octet-stream' }, body: got.file.data };
    });
  }

  server.route('POST', `${ORACLE_PATH}/recruitingCandidates/:number/child/attachments`, (req) => {
    const c = candidateOr404(req);
    if (!('attachments' in c)) return c;
    const b = req.json as Record<string, any>;
    const bad = (detail: string) => error(req, 400, 'Bad Request', detail, 'FND-2500');
    const type = b.DatatypeCode ?? 'FILE';
    if (!['FILE', 'WEB_PAGE', 'TEXT'].includes(type)) return bad(`The value ${type} for DatatypeCode is not valid.`);
    if (b.CategoryName !== undefined && !CATEGORIES.includes(b.CategoryName))
      return bad(`The value ${b.CategoryName} for CategoryName is not valid.`);
    if (typeof b.Title === 'string' && b.Title.length > 80) return bad('The value for Title exceeds the maximum length of 80.');
    // Fusion's shared attachment resource limits Description to 255 characters; the recruiting
    // page we hold is cut before its lengths, so this is the strictest plausible answer (README audit).
    if (typeof b.Description === 'string' && b.Description.length > 255)
      return bad('The value for Description exceeds the maximum length of 255.');
    let data: Buffer | null = null;
    if (type === 'FILE') {
      if (typeof b.FileName !== 'string' || !b.FileName) return bad('FileName is required for a file attachment.');
      if (typeof b.FileContents !== 'string' || !/^[A-Za-z0-9+/=\r\n]*$/.test(b.FileContents))
        return bad('FileContents must be base64-encoded.');
      data = Buffer.from(b.FileContents, 'base64');
    }
    if (type === 'WEB_PAGE' && (typeof b.Url !== 'string' || !/^https?:\/\//.test(b.Url)))
      return bad('Url is required for a web page attachment.');
    if (type === 'TEXT' && typeof b.UploadedText !== 'string') return bad('UploadedText is required for a text attachment.');
    const id = nextId++;
    const a: Attachment = {
      id,
      key: hashKey(id),
      DatatypeCode: type,
      CategoryName: b.CategoryName ?? 'MISC',
      Title: b.Title ?? b.FileName ?? null,
      FileName: type === 'FILE' ? b.FileName : null,
      Url: type === 'WEB_PAGE' ? b.Url : null,
      Description: typeof b.Description === 'string' ? b.Description : null,
      UploadedText: type === 'TEXT' ? b.UploadedText : null,
      contentType: typeof b.UploadedFileContentType === 'string' ? b.UploadedFileContentType : null,
      data,
      created: iso(Date.now()),
    };
    c.attachments.push(a);
    c.CandLastModifiedDate = iso(Date.now());
    return {
      status: 201,
      json: {
        ...attachmentRow(a),
        links: attachmentLinks(`recruitingCandidates/${c.CandidateNumber}`, a),
      },
    };
  });

  await server.start();

  const textOf = (a: Attachment) =>
    [a.Title, a.Url, a.Description, a.UploadedText, a.contentType === 'text/plain' && a.data ? a.data.toString('utf8') : null]
      .filter(Boolean)
      .join('\n');

  return {
    tool: 'oraclerecruiting',
    server,
    url: `${server.url}${ORACLE_PATH}`,
    credentials: { host: 'acme.fa.us2.oraclecloud.com', username: 'ATSGATE.INTEGRATION', password: 'Fusion#2026' },
    badCredentials: {
      host: 'acme.fa.us2.oraclecloud.com',
      username: 'ATSGATE.INTEGRATION',
      password: `wrong-${randomBytes(4).toString('hex')}`,
    },
    noCandidatesCredentials: { host: 'acme.fa.us2.oraclecloud.com', username: 'NO.CANDIDATES', password: 'Fusion#2026' },
    stop: () => server.stop(),
    failNext(count, status) {
      failures = { n: count, status };
    },
    candidateRemoteIds: () => liveCandidates().map((c) => c.CandidateNumber),
    applicationRemoteIds: () => liveApps().map((a) => String(a.JobApplicationId)),
    jobRemoteIds: () => requisitions.map((r) => r.RequisitionNumber),
    userRemoteIds: () => [],
    tagsFor: () => [],
    deleteCandidate(remoteId) {
      const c = candidates.get(remoteId);
      if (c) c.deleted = true;
    },
    resultTextFor: (candidateNumber) => (candidates.get(candidateNumber)?.attachments ?? []).map(textOf).join('\n'),
    filesFor: (candidateNumber) =>
      [
        ...(candidates.get(candidateNumber)?.attachments ?? []),
        ...[...applications.values()]
          .filter((a) => a.CandidatePersonId === candidates.get(candidateNumber)?.PersonId)
          .flatMap((a) => a.attachments),
      ]
        .filter((a) => a.DatatypeCode === 'FILE' && a.data)
        .map((a) => ({ name: a.FileName ?? '', type: a.CategoryName, data: a.data! })),
    applicationStatus(id) {
      const a = applications.get(Number(id));
      if (!a || !liveApps().includes(a)) return null;
      return { stage: `${a.PhaseId}:${a.StateId}`, rejected: /reject/i.test(a.StateName), reason: null };
    },
    peakRate: () => Math.max(0, ...[...windows.values()].map((w) => w.peak)),
    attachmentsOf: (candidateNumber) => candidates.get(candidateNumber)?.attachments ?? [],
  };
}
