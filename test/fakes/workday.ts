/**
 * A fake of Workday's Recruiting web service (SOAP 1.1), written from the sources in
 * src/connectors/workday/README.md: Workday's Recruiting WSDL v26.1 (its schema, cut to
 * test/specs/workday/Recruiting.xsd, checks every request the fake receives and every answer it
 * sends: see ./workday-xsd.ts) and the operation descriptions in it, with the traps they state:
 * - One endpoint, POST /ccx/service/{tenant}/Recruiting/{version}; the Body's single element names
 *   the operation (`Get_Candidates_Request` → `Get_Candidates_Response`).
 * - WS-Security UsernameToken in the header, user name `user@tenant`, PasswordText; a wrong one is
 *   HTTP 500 with faultcode `SOAP-ENV:Client.authenticationError`, "invalid username or password".
 * - A user whose security group lacks a domain: HTTP 500, "Processing error occurred. The task
 *   submitted is not authorized." (Processing_Fault).
 * - Bad input: HTTP 500, `SOAP-ENV:Client.validationError`, "Validation error occurred. …" with
 *   Validation_Fault/Validation_Error{Message, Detail_Message, Xpath} (an unknown reference ID, an
 *   attachment without a document category, a job application that is not the candidate's).
 * - Get_ paging: Response_Filter{Page, Count} (Count ≤ 999, default 100) answered with
 *   Response_Results{Total_Results, Total_Pages, Page_Results, Page}; Get_Job_Requisitions honours
 *   Transaction_Log_Criteria_Data/Transaction_Date_Range_Data{Updated_From, Updated_Through}.
 * - Assess_Candidate: assessor (Employee_ID), date and status required; refused with a validation
 *   fault unless the job application is at its assessment step.
 * - Rate limiting: Workday documents no number; the fake answers 429 above `rateLimit` (unconfirmed).
 */
import { XMLBuilder, XMLParser } from 'fast-xml-parser';
import { FakeServer, WindowCounter, type FakeRequest, type FakeResponse } from './server.ts';
import type { VendorFake } from './types.ts';
import { WorkdayXsdCheck } from './workday-xsd.ts';

export interface WorkdayFakeOptions {
  candidateCount?: number;
  rateLimit?: { limit: number; windowMs: number };
}

export interface WorkdayFake extends VendorFake {
  tenant: string;
  /** An Integration System User without the candidate domains (Get_Candidates is not authorized). */
  noCandidateCredentials: Record<string, unknown>;
  /** An Integration System User who may read and attach but not use the Assess Candidate step. */
  noAssessCredentials: Record<string, unknown>;
  /** Operations received, in order (from the Body's element). */
  operations(): string[];
  /** Candidate assessments recorded on a job application (Assess_Candidate). */
  assessmentsOf(applicationId: string): { assessor: string; status: string; date: string; comment: string | null }[];
  /** Job application attachments: file name, content, comment. */
  applicationFiles(applicationId: string): { name: string; data: Buffer; comment: string | null }[];
  touchJob(id: string, at: Date): void;
  /** Validates every SOAP document seen so far against the XSD; returns the violations. */
  xsdViolations(): Promise<string[]>;
}

const TENANT = 'acme';
const SOAP_ENV = 'http://schemas.xmlsoap.org/soap/envelope/';
const WD = 'urn:com.workday/bsvc';
const PASSWORD_TEXT = 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-username-token-profile-1.0#PasswordText';
/**
 * `assess: false`: a security group without the Job Application business process's Assess
 * Candidate action (Workday secures business-process steps by the business process security
 * policy, not by a domain), which Workday refuses as "not authorized".
 */
const USERS: Record<string, { password: string; candidates: boolean; assess?: boolean }> = {
  [`isu_atsgate@${TENANT}`]: { password: 'Wd-s3cret!', candidates: true },
  [`isu_jobsonly@${TENANT}`]: { password: 'Wd-jobs!', candidates: false },
  [`isu_noassess@${TENANT}`]: { password: 'Wd-files!', candidates: true, assess: false },
};
/** The tenant's document categories (Document_Category_ID). */
const CATEGORIES = new Set(['Assessment_Reports', 'Candidate_Documents']);
const STAGES = [
  { wid: 'a1b2c3d4e5f60001', id: 'Review', name: 'Review' },
  { wid: 'a1b2c3d4e5f60002', id: 'Screen', name: 'Screen' },
  { wid: 'a1b2c3d4e5f60005', id: 'Assessment', name: 'Assessment' },
  { wid: 'a1b2c3d4e5f60003', id: 'Interview', name: 'Interview' },
  { wid: 'a1b2c3d4e5f60004', id: 'Hired', name: 'Hired' },
];
/** Workers who may be recorded as assessors (Employee_ID) and the tenant's Assessment_Status_IDs. */
const WORKERS = new Set(['21001']);
const ASSESSMENT_STATUSES = new Set(['Completed', 'Passed', 'Failed']);
const DISPOSITION = { wid: 'd15p05171011', id: 'Not_Qualified', name: 'Not Qualified' };
const FIRST = ['Ada', 'Bruno', 'Chloe', 'Dmitri', 'Elena', 'Farah', 'Gus', 'Hana'];
const LAST = ['Abbott', 'Baker', 'Chen', 'Dubois', 'Engel', 'Fox'];

interface File {
  wid: string;
  name: string;
  data: Buffer;
  comment: string | null;
  category: string | null;
}
interface Job {
  wid: string;
  id: string;
  title: string;
  status: string;
  updated: number;
}
interface Application {
  wid: string;
  id: string;
  candidate: string;
  job: string;
  applied: string;
  stage: (typeof STAGES)[number];
  disposition: boolean;
  files: File[];
  assessments: { wid: string; assessor: string; status: string; date: string; comment: string | null }[];
}
interface Candidate {
  wid: string;
  id: string;
  first: string;
  last: string;
  email: string;
  phone: string | null;
  files: File[];
  deleted?: boolean;
}

const hex = (n: number, width = 32) => n.toString(16).padStart(width, '0');

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  removeNSPrefix: true,
  parseTagValue: false,
  trimValues: true,
  isArray: (name) => ['ID', 'Job_Application_Attachment_Data', 'Candidate_Reference'].includes(name),
});
const builder = new XMLBuilder({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  suppressEmptyNode: true,
  suppressBooleanAttributes: false,
});

/** `{ a: { b: 1 } }` → wd:-prefixed elements and attributes, as Workday writes them. */
function wd(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(wd);
  if (v === null || typeof v !== 'object') return v;
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) {
    if (x === undefined || x === null) continue;
    out[k === '#text' ? k : k.startsWith('@_') ? `@_wd:${k.slice(2)}` : `wd:${k}`] = wd(x);
  }
  return out;
}

function soap(body: Record<string, unknown>): string {
  return builder.build({
    '?xml': { '@_version': '1.0', '@_encoding': 'UTF-8' },
    'env:Envelope': { '@_xmlns:env': SOAP_ENV, 'env:Body': body },
  }) as string;
}

const reference = (ids: [string, string][], descriptor?: string) => ({
  '@_Descriptor': descriptor,
  ID: ids.map(([type, value]) => ({ '@_type': type, '#text': value })),
});

function idOf(ref: any, type = 'WID'): string | null {
  const ids: any[] = Array.isArray(ref) ? (ref[0]?.ID ?? []) : (ref?.ID ?? []);
  const id = ids.find((i) => i?.['@_type'] === type);
  return id ? String(id['#text']) : null;
}

export async function startWorkdayFake(opts: WorkdayFakeOptions = {}): Promise<WorkdayFake> {
  const server = new FakeServer({ provenance: 'workday' });
  const xsd = new WorkdayXsdCheck();
  const rate = new WindowCounter(opts.rateLimit?.limit ?? 10, opts.rateLimit?.windowMs ?? 1000);
  const ops: string[] = [];
  let failures = { n: 0, status: 500 as number };
  let seq = 1;
  const newWid = () => hex(0xf11e0000 + seq++);

  const base = Date.UTC(2026, 9, 1);
  const jobs: Job[] = [
    { wid: hex(0x10b1), id: 'R-00101', title: 'Warehouse Associate', status: 'Open', updated: base },
    { wid: hex(0x10b2), id: 'R-00102', title: 'Payroll Analyst', status: 'Filled', updated: base },
    { wid: hex(0x10b3), id: 'R-00103', title: 'Store Manager', status: 'Open', updated: base },
  ];
  const candidates = new Map<string, Candidate>();
  const applications = new Map<string, Application>();
  const n = opts.candidateCount ?? 24;
  for (let i = 0; i < n; i++) {
    const c: Candidate = {
      wid: hex(0xca000 + i),
      id: `C${String(1000 + i)}`,
      first: FIRST[i % FIRST.length],
      last: LAST[i % LAST.length],
      email: `candidate${i}@example.com`,
      phone: i % 2 ? `+1 415 555 01${String(i % 100).padStart(2, '0')}` : null,
      files: [],
    };
    candidates.set(c.wid, c);
    const count = i % 5 === 0 ? 2 : 1;
    for (let k = 0; k < count; k++) {
      const a: Application = {
        wid: hex(0xa9900 + i * 10 + k),
        id: `JOB_APPLICATION-${i}-${k}`,
        candidate: c.wid,
        job: jobs[(i + k) % jobs.length].wid,
        applied: new Date(base + i * 3_600_000).toISOString(),
        stage: STAGES[(i + k) % STAGES.length],
        disposition: (i + k) % 7 === 6,
        files: [],
        assessments: [],
      };
      applications.set(a.wid, a);
    }
  }
  const live = () => [...candidates.values()].filter((c) => !c.deleted);
  const appsOf = (cand: string) => [...applications.values()].filter((a) => a.candidate === cand && !candidates.get(cand)?.deleted);

  // ------------------------------------------------------------------------------------------
  // Faults
  // ------------------------------------------------------------------------------------------
  const answer = (label: string, body: Record<string, unknown>, status = 200): FakeResponse => {
    const xml = soap(body);
    xsd.add(label, xml);
    return { status, headers: { 'content-type': 'text/xml; charset=utf-8' }, text: xml };
  };
  const fault = (label: string, code: string, message: string, detail?: Record<string, unknown>) =>
    answer(
      label,
      {
        'SOAP-ENV:Fault': {
          '@_xmlns:SOAP-ENV': SOAP_ENV,
          '@_xmlns:wd': WD,
          faultcode: `SOAP-ENV:${code}`,
          faultstring: message,
          detail: detail ? wd(detail) : undefined,
        },
      },
      500,
    );
  const validation = (op: string, message: string, xpath: string) =>
    fault(`${op} fault`, 'Client.validationError', `Validation error occurred. ${message}`, {
      Validation_Fault: { Validation_Error: { Message: message, Xpath: xpath } },
    });
  const unknownId = (op: string, type: string, value: string, xpath: string) =>
    validation(op, `Invalid ID value.  '${value}' is not a valid ID value for type = '${type}'`, xpath);

  server.before = (req) => {
    if (rate.hit().over) {
      // Workday documents no throttling answer for SOAP; 429 is what HTTP clients are told to wait out.
      return { status: 429, headers: { 'retry-after': '1', 'content-type': 'text/plain' }, text: 'Too Many Requests' };
    }
    if (failures.n > 0) {
      failures.n--;
      if (failures.status === 429)
        return { status: 429, headers: { 'retry-after': '1', 'content-type': 'text/plain' }, text: 'Too Many Requests' };
      if (failures.status === 503)
        return { status: 503, headers: { 'content-type': 'text/html' }, text: '<html><body>Service Unavailable</body></html>' };
      return fault('failNext', 'Server', 'An unexpected error occurred.');
    }
    void req;
    return undefined;
  };

  // ------------------------------------------------------------------------------------------
  // Records as Workday writes them (element order: the XSD's sequences)
  // ------------------------------------------------------------------------------------------
  const jobXml = (j: Job) => ({
    Job_Requisition_Reference: reference([
      ['WID', j.wid],
      ['Job_Requisition_ID', j.id],
    ]),
    Job_Requisition_Data: {
      Job_Requisition_Status_Reference: reference([['Job_Requisition_Status_ID', j.status]], j.status),
      Job_Requisition_Detail_Data: { Job_Posting_Title: j.title, Job_Description: `<p>${j.title} at Acme</p>` },
      Supervisory_Organization_Reference: reference([['Organization_Reference_ID', 'SUP_OPS']], 'Operations'),
    },
  });
  const appXml = (a: Application) => ({
    Job_Applied_To_Data: {
      Job_Application_Reference: reference([
        ['WID', a.wid],
        ['Job_Application_ID', a.id],
      ]),
      Job_Requisition_Reference: reference([
        ['WID', a.job],
        ['Job_Requisition_ID', jobs.find((j) => j.wid === a.job)!.id],
      ]),
      Job_Application_Date: a.applied,
      Stage_Reference: reference(
        [
          ['WID', a.stage.wid],
          ['Recruiting_Stage_ID', a.stage.id],
        ],
        a.stage.name,
      ),
      Disposition_Reference: a.disposition
        ? reference(
            [
              ['WID', DISPOSITION.wid],
              ['Recruiting_Disposition_ID', DISPOSITION.id],
            ],
            DISPOSITION.name,
          )
        : undefined,
      Status_Timestamp: a.applied,
      Source_Reference: reference([['Applicant_Source_ID', 'Career_Site']], 'Career Site'),
    },
  });
  const candidateXml = (c: Candidate) => ({
    Candidate_Reference: reference([
      ['WID', c.wid],
      ['Candidate_ID', c.id],
    ]),
    Candidate_Data: {
      Candidate_ID: c.id,
      Name_Data: { First_Name: c.first, Last_Name: c.last },
      Contact_Data: { Phone_Number: c.phone ?? undefined, Email_Address: c.email },
      Status_Data: { Do_Not_Hire: false, Withdrawn: false },
      // Workday returns the application's resume inline (Resume_Attachment_Data/File_Content).
      Job_Application_Data: appsOf(c.wid).map((a, k) => ({
        ...appXml(a),
        Resume_Attachment_Data:
          k === 0 ? { Filename: `resume-${c.id}.pdf`, File_Content: Buffer.from(`%PDF-1.4 ${c.id}`).toString('base64') } : undefined,
      })),
    },
  });

  /** Response_Filter paging over `all`; Count above 999 cannot pass the XSD (3 digits). */
  function page<T>(req: any, all: T[]) {
    const p = Math.max(1, Number(req.Response_Filter?.Page ?? 1) || 1);
    const count = Math.max(1, Number(req.Response_Filter?.Count ?? 100) || 100);
    const slice = all.slice((p - 1) * count, p * count);
    return {
      slice,
      results: { Total_Results: all.length, Total_Pages: Math.max(1, Math.ceil(all.length / count)), Page_Results: slice.length, Page: p },
      filter: req.Response_Filter ? { ...req.Response_Filter, Page: p, Count: count } : undefined,
    };
  }

  // ------------------------------------------------------------------------------------------
  // Operations
  // ------------------------------------------------------------------------------------------
  type Op = (req: any, user: { candidates: boolean; assess?: boolean }) => FakeResponse;
  const notAuthorized = (op: string) =>
    fault(`${op} fault`, 'Client.processingFault', 'Processing error occurred. The task submitted is not authorized.', {
      Processing_Fault: { Detail_Message: 'The task submitted is not authorized.' },
    });
  const response = (op: string, body: Record<string, unknown>) =>
    answer(`${op}_Response`, { [`wd:${op}_Response`]: { '@_xmlns:wd': WD, ...(wd(body) as object), '@_wd:version': 'v26.1' } });

  const OPS: Record<string, Op> = {
    Get_Job_Requisitions(req) {
      let all = jobs;
      const range = req.Request_Criteria?.Transaction_Log_Criteria_Data?.Transaction_Date_Range_Data;
      if (range?.Updated_From) {
        const from = Date.parse(range.Updated_From);
        const through = range.Updated_Through ? Date.parse(range.Updated_Through) : Infinity;
        all = jobs.filter((j) => j.updated >= from && j.updated <= through);
      }
      const pg = page(req, all);
      return response('Get_Job_Requisitions', {
        Response_Filter: pg.filter,
        Response_Results: pg.results,
        Response_Data: pg.slice.length ? { Job_Requisition: pg.slice.map(jobXml) } : undefined,
      });
    },
    Get_Candidates(req, user) {
      if (!user.candidates) return notAuthorized('Get_Candidates');
      let all = live();
      const refs = req.Request_References?.Candidate_Reference;
      if (refs) {
        const wanted = (refs as any[]).map((r) => idOf(r));
        const missing = wanted.filter((w) => !w || !candidates.has(w) || candidates.get(w)!.deleted);
        if (missing.length && req.Request_References['@_Skip_Non_Existing_Instances'] !== 'true') {
          return unknownId('Get_Candidates', 'WID', String(missing[0]), 'Request_References/Candidate_Reference');
        }
        all = all.filter((c) => wanted.includes(c.wid));
      }
      const pg = page(req, all);
      return response('Get_Candidates', {
        Response_Filter: pg.filter,
        Response_Results: pg.results,
        Response_Data: pg.slice.length ? { Candidate: pg.slice.map(candidateXml) } : undefined,
      });
    },
    Get_Candidate_Attachments(req, user) {
      if (!user.candidates) return notAuthorized('Get_Candidate_Attachments');
      // "returns attachments for a Candidate and/or a Candidate's Job Application" (WSDL): the job
      // applications' files come back too, as Candidate_Attachment entries (the type names no application).
      let all: { c: Candidate; f: File }[] = live().flatMap((c) =>
        [...c.files, ...appsOf(c.wid).flatMap((a) => a.files)].map((f) => ({ c, f })),
      );
      const byCandidate = req.Request_Criteria?.Candidate_Reference;
      if (byCandidate) {
        const wanted = (byCandidate as any[]).map((r) => idOf(r));
        for (const w of wanted)
          if (!w || !candidates.has(w))
            return unknownId('Get_Candidate_Attachments', 'WID', String(w), 'Request_Criteria/Candidate_Reference');
        all = all.filter((x) => wanted.includes(x.c.wid));
      }
      const byRef = req.Request_References?.Candidate_Attachment_Reference;
      if (byRef) {
        const w = idOf(byRef);
        all = all.filter((x) => x.f.wid === w);
      }
      const pg = page(req, all);
      return response('Get_Candidate_Attachments', {
        Response_Filter: pg.filter,
        Response_Results: pg.results,
        Response_Data: pg.slice.length
          ? {
              Candidate_Attachment: pg.slice.map(({ c, f }) => ({
                Candidate_Reference: reference([['WID', c.wid]]),
                Candidate_Attachment_Data: {
                  Candidate_Attachment_Reference: reference([['WID', f.wid]]),
                  Attachment_Data: { Filename: f.name, File_Content: f.data.toString('base64'), Comment: f.comment ?? undefined },
                  Document_Category_Reference: reference([['Document_Category_ID', f.category ?? 'Candidate_Documents']]),
                },
              })),
            }
          : undefined,
      });
    },
    Put_Candidate_Attachment(req, user) {
      const op = 'Put_Candidate_Attachment';
      if (!user.candidates) return notAuthorized(op);
      const cw = idOf(req.Candidate_Reference);
      const c = cw ? candidates.get(cw) : undefined;
      if (!c || c.deleted) return unknownId(op, 'WID', String(cw), 'Candidate_Reference');
      const file = (d: any, category: string | null): File | string => {
        if (!d?.Filename || d.File_Content === undefined) return 'Enter the Filename and File Content for the document you want to attach.';
        return {
          wid: newWid(),
          name: String(d.Filename),
          data: Buffer.from(String(d.File_Content), 'base64'),
          comment: d.Comment ?? null,
          category,
        };
      };
      const out: Record<string, unknown> = {
        Candidate_Reference: reference([
          ['WID', c.wid],
          ['Candidate_ID', c.id],
        ]),
      };
      if (req.Candidate_Attachment_Data) {
        const cat = idOf(req.Candidate_Attachment_Data.Document_Category_Reference, 'Document_Category_ID');
        if (!cat || !CATEGORIES.has(cat))
          return unknownId(op, 'Document_Category_ID', String(cat), 'Candidate_Attachment_Data/Document_Category_Reference');
        const f = file(req.Candidate_Attachment_Data.Attachment_Data, cat);
        if (typeof f === 'string') return validation(op, f, 'Candidate_Attachment_Data/Attachment_Data');
        c.files.push(f);
        out.Attachment_Reference = [reference([['WID', f.wid]])];
      }
      const jobFiles: unknown[] = [];
      for (const d of (req.Job_Application_Attachment_Data ?? []) as any[]) {
        const aw = idOf(d.Job_Application_Reference);
        const a = aw ? applications.get(aw) : undefined;
        if (!a || a.candidate !== c.wid)
          return unknownId(op, 'WID', String(aw), 'Job_Application_Attachment_Data/Job_Application_Reference');
        const f = file(d.Attachment_Data, null);
        if (typeof f === 'string') return validation(op, f, 'Job_Application_Attachment_Data/Attachment_Data');
        a.files.push(f);
        jobFiles.push({
          Job_Application_Reference: reference([['WID', a.wid]]),
          Job_Application_Attachment_Reference: reference([['WID', f.wid]]),
        });
      }
      if (jobFiles.length) out.Job_Application_Attachment_Data = jobFiles;
      return response(op, out);
    },
    /**
     * "Create or modify a Candidate Assessment. The Job Application business process relevant to the
     * candidate must be in the Assess Candidate state" (WSDL); assessor, date and status are required.
     */
    Assess_Candidate(req, user) {
      const op = 'Assess_Candidate';
      if (!user.candidates || user.assess === false) return notAuthorized(op);
      const d = req.Assess_Candidate_Data ?? {};
      const aw = idOf(d.Job_Application_Reference);
      const a = aw ? applications.get(aw) : undefined;
      if (!a || candidates.get(a.candidate)?.deleted)
        return unknownId(op, 'WID', String(aw), 'Assess_Candidate_Data/Job_Application_Reference');
      const data = d.Candidate_Assessment_Data ?? {};
      const assessor = idOf(data.Assessed_By_Reference, 'Employee_ID');
      if (!assessor || !WORKERS.has(assessor))
        return unknownId(op, 'Employee_ID', String(assessor), 'Candidate_Assessment_Data/Assessed_By_Reference');
      const status = idOf(data.Assessment_Status_Reference, 'Assessment_Status_ID');
      if (!status || !ASSESSMENT_STATUSES.has(status)) {
        return unknownId(op, 'Assessment_Status_ID', String(status), 'Candidate_Assessment_Data/Assessment_Status_Reference');
      }
      if (a.stage.id !== 'Assessment') {
        return validation(
          op,
          'The Candidate was never in the Assessment Business Process to add or update a Candidate Assessment.',
          'Assess_Candidate_Data',
        );
      }
      const entry = {
        wid: newWid(),
        assessor,
        status,
        date: String(data.Assessed_On_Date ?? ''),
        comment: data.Overall_Assessment_Comment ?? null,
      };
      a.assessments.push(entry);
      return response(op, {
        Candidate_Assessment_Event_Reference: reference([['WID', newWid()]]),
        Candidate_Assessment_Reference: reference([['WID', entry.wid]]),
      });
    },
  };

  server.route('POST', '/ccx/service/:tenant/Recruiting/:version', (req: FakeRequest) => {
    const xml = req.raw.toString('utf8');
    let doc: any;
    try {
      doc = parser.parse(xml);
    } catch {
      return fault('parse', 'Client', 'Unable to parse the request.');
    }
    const body = doc?.Envelope?.Body;
    const opElement = body && Object.keys(body).find((k) => k.endsWith('_Request'));
    const op = opElement?.replace(/_Request$/, '') ?? 'unknown';
    ops.push(op);
    xsd.add(`${op}_Request`, xml);
    // SOAP 1.1 over HTTP: text/xml and a SOAPAction header (SOAP 1.1 §6.1.1; Workday's binding declares no action).
    if (!/^text\/xml/.test(String(req.headers['content-type'] ?? ''))) return fault(op, 'Client', 'SOAP 1.1 requests are text/xml.');
    if (req.headers.soapaction === undefined) return fault(op, 'Client', 'SOAP 1.1 requests carry a SOAPAction header.');
    const token = doc?.Envelope?.Header?.Security?.UsernameToken;
    const name = String(token?.Username ?? '');
    const pw = token?.Password;
    const user = USERS[name];
    const okType = pw?.['@_Type'] === PASSWORD_TEXT;
    if (req.params.tenant !== TENANT || !user || !okType || String(pw?.['#text'] ?? '') !== user.password) {
      return fault(`${op} auth fault`, 'Client.authenticationError', 'invalid username or password');
    }
    const handler = OPS[op];
    if (!handler) return fault(`${op} fault`, 'Client', `Operation ${op} is not handled by this fake.`);
    return handler(body[opElement!] ?? {}, user);
  });

  await server.start();
  const allFiles = (cand: string) => [...(candidates.get(cand)?.files ?? []), ...appsOf(cand).flatMap((a) => a.files)];
  return {
    tool: 'workday',
    tenant: TENANT,
    server,
    url: server.url,
    credentials: {
      host: 'wd2-impl-services1.workday.com',
      tenant: TENANT,
      username: 'isu_atsgate',
      password: 'Wd-s3cret!',
      document_category: 'Assessment_Reports',
      assessor_employee_id: '21001',
      assessment_status_id: 'Completed',
    },
    badCredentials: {
      host: 'wd2-impl-services1.workday.com',
      tenant: TENANT,
      username: 'isu_atsgate',
      password: 'wrong',
      document_category: 'Assessment_Reports',
    },
    noCandidateCredentials: {
      host: 'wd2-impl-services1.workday.com',
      tenant: TENANT,
      username: `isu_jobsonly@${TENANT}`,
      password: 'Wd-jobs!',
      document_category: 'Assessment_Reports',
    },
    noAssessCredentials: {
      host: 'wd2-impl-services1.workday.com',
      tenant: TENANT,
      username: `isu_noassess@${TENANT}`,
      password: 'Wd-files!',
      document_category: 'Assessment_Reports',
      assessor_employee_id: '21001',
      assessment_status_id: 'Completed',
    },
    async stop() {
      await server.stop();
      const v = await xsd.flush();
      if (v.length) throw new Error(`SOAP documents that break Workday's Recruiting XSD:\n  ${[...new Set(v)].slice(0, 20).join('\n  ')}`);
    },
    failNext(count, status) {
      failures = { n: count, status };
    },
    operations: () => [...ops],
    candidateRemoteIds: () => live().map((c) => c.wid),
    applicationRemoteIds: () => live().flatMap((c) => appsOf(c.wid).map((a) => a.wid)),
    jobRemoteIds: () => jobs.map((j) => j.wid),
    userRemoteIds: () => [],
    tagsFor: () => [],
    deleteCandidate(remoteId) {
      const c = candidates.get(remoteId);
      if (c) c.deleted = true;
    },
    resultTextFor: (cand) =>
      [
        ...allFiles(cand).map((f) => `${f.comment ?? ''}\n${f.data.toString('utf8')}`),
        ...appsOf(cand).flatMap((a) => a.assessments.map((x) => x.comment ?? '')),
      ].join('\n'),
    assessmentsOf: (id) => (applications.get(id)?.assessments ?? []).map(({ wid: _wid, ...rest }) => rest),
    filesFor: (cand) => allFiles(cand).map((f) => ({ name: f.name, type: 'candidate attachment', data: f.data })),
    applicationFiles: (id) => (applications.get(id)?.files ?? []).map((f) => ({ name: f.name, data: f.data, comment: f.comment })),
    applicationStatus: (id) => {
      const a = applications.get(id);
      if (!a || candidates.get(a.candidate)?.deleted) return null;
      return { stage: a.stage.wid, rejected: a.disposition, reason: a.disposition ? DISPOSITION.wid : null };
    },
    touchJob(id, at) {
      const j = jobs.find((x) => x.wid === id);
      if (j) j.updated = at.getTime();
    },
    peakRate: () => rate.peak,
    xsdViolations: () => xsd.flush(),
  };
}
