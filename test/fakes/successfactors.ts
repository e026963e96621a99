/**
 * A fake of SAP SuccessFactors' OData v2 API (Recruiting), written from the sources in
 * src/connectors/successfactors/README.md (SAP's OData API Developer and Reference Guides, SAP
 * KBAs 3462403, 2735876, 2675265, 2541688, 3082141, 2866011) and checked against the entity
 * model in test/specs/successfactors/ (SAP Cloud SDK classes generated from a SuccessFactors
 * tenant's $metadata): every property the connector selects, filters on, expands, inserts or
 * upserts, and every property the fake answers, must be declared there with a JSON value of its
 * EDM type (OData v2 JSON). Anything else is a spec violation and fails the test at stop().
 * The documented traps it models:
 * - Token: `POST /oauth/token`, form-encoded `client_id`, `company_id`, `grant_type` (SAML 2.0
 *   bearer) and `assertion` (base64 SAML assertion). The assertion's signature is checked with
 *   the certificate registered for the client (never the one in KeyInfo); the subject must be a
 *   user of the company, the `api_key` attribute the client, the audience www.successfactors.com,
 *   and the assertion unexpired. Basic authentication on the API is refused (retired by SAP).
 * - Server-side paging: at most `pageSize` entities a page and `d.__next` for the rest; `$top`
 *   returns one page without `__next`.
 * - Errors in the OData envelope `{ error: { code, message: { lang, value } } }`; an entity the
 *   user's role does not permit is 403; a property not in the metadata is 400.
 * - Assessment Integration: orders exist only for some applications; with
 *   `assessmentIntegration: false` the entity is not in the tenant's metadata (404).
 * - Upsert answers per entity (`d[]`: key, status, editStatus, message, httpCode). A request
 *   whose every record failed is answered HTTP 500 with that body (SAP KBA 3069375: a failed
 *   upsert "returns 'HTTP response code: 500'"); integration vendors describe 200 with the failed
 *   records in the body (Workato's SuccessFactors connector notes), so `upsertFailureStatus: 200`
 *   serves that reading too.
 * - Throttling: 429 with Retry-After.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { SignedXml } from 'xml-crypto';
import { FakeServer, WindowCounter, bearer, type FakeRequest, type FakeResponse } from './server.ts';
import type { VendorFake } from './types.ts';
import { SubscriptionList, type FakeVendorWebhooks } from './webhook-sender.ts';
import { CERT_A, KEY_A, KEY_B } from './successfactors-keys.ts';

export interface SuccessFactorsFakeOptions {
  candidateCount?: number;
  /** Entities per page (server-side paging); SuccessFactors' own is 1,000. */
  pageSize?: number;
  rateLimit?: { limit: number; windowMs: number };
  retryAfterSeconds?: number;
  tokenLifetimeS?: number;
  /** false: JobApplicationAssessmentOrder/Report are not in the tenant's metadata. */
  assessmentIntegration?: boolean;
  /** The HTTP status of an upsert whose every record failed: 500 (SAP KBA 3069375, default) or 200. */
  upsertFailureStatus?: 200 | 500;
  /** false: the tenant's candidate profile has no `attachment1` multi-attachment field. */
  candidateAttachment1?: boolean;
}

export interface SuccessFactorsFake extends VendorFake {
  companyId: string;
  /** A user whose role may not read job applications (403 on JobApplication). */
  noApplicationCredentials: Record<string, unknown>;
  /** Credentials whose assertion is signed with a key other than the registered one. */
  wrongKeyCredentials: Record<string, unknown>;
  commentsOf(applicationId: string): { commentator: string; content: string }[];
  reportsOf(applicationId: string): Record<string, unknown>[];
  ordersOf(applicationId: string): string[];
  applicationsOf(candidateId: string): string[];
  touchApplication(id: string, at: Date): void;
  tokensIssued(): number;
  expireTokens(): void;
  /** Spec violations seen so far (also thrown by stop()). */
  specViolations: string[];
}

type Edm = { type: string; nullable: boolean };
interface EntitySpec {
  key: string[];
  /** From the generator's request builders, i.e. the metadata's sap:creatable/updatable/deletable. */
  operations: string[];
  properties: Record<string, Edm>;
  navigation: Record<string, { target: string; many: boolean }>;
}
const SPEC: { entities: Record<string, EntitySpec> } = JSON.parse(
  readFileSync(new URL('../specs/successfactors/sfodata-recruiting.json', import.meta.url), 'utf8'),
);

const COMPANY = 'ACMECORP01';
const CLIENT_ID = 'YmFkYmFkYmFkLWF0c2dhdGUtdGVzdA';
const AUDIENCE = 'www.successfactors.com';
const USERS: Record<string, { name: string; deny: string[] }> = {
  sfapi: { name: 'API User', deny: [] },
  sfnoapp: { name: 'Limited User', deny: ['JobApplication'] },
};
/** The application status set of every requisition (JobApplicationStatus / labels). */
const STATUSES = [
  { id: '101', name: 'Default', status: 'Open' },
  { id: '102', name: 'Phone Screen', status: 'Open' },
  { id: '103', name: 'Hired', status: 'Closed' },
  { id: '104', name: 'Rejected', status: 'Disqualified' },
];
/** A system status of the set: no application may be moved into it (KBA 3151226). */
const SYSTEM_STATUS = { id: '105', name: 'Forwarded', status: 'Open' };
const STATUS_SET = '100';
const PACKAGE = 'ACME-COG';
const FIRST = ['Ada', 'Bruno', 'Chloe', 'Dmitri', 'Elena', 'Farah', 'Gus', 'Hana', 'Ivo', 'Jun', 'Kira', 'Luis'];
const LAST = ['Abbott', 'Baker', 'Chen', 'Dubois', 'Engel', 'Fox', 'Grant', 'Hale'];

/** OData v2 JSON dates: `/Date(ms)/` (DateTime) or `/Date(ms+0000)/` (DateTimeOffset). */
const dto = (ms: number) => `/Date(${ms}+0000)/`;

function odataError(status: number, code: string, message: string, headers: Record<string, string> = {}): FakeResponse {
  return { status, headers, json: { error: { code, message: { lang: 'en-US', value: message } } } };
}

/** Whether a JSON value has the shape OData v2 JSON gives its EDM type. */
function valueFits(t: string, v: unknown): boolean {
  if (v === null) return true;
  switch (t) {
    case 'Edm.String':
      return typeof v === 'string';
    case 'Edm.Int64':
    case 'Edm.Decimal':
      return typeof v === 'string' && /^-?\d+(\.\d+)?$/.test(v);
    case 'Edm.Int32':
    case 'Edm.Int16':
    case 'Edm.Byte':
    case 'Edm.Double':
    case 'Edm.Single':
      return typeof v === 'number';
    case 'Edm.Boolean':
      return typeof v === 'boolean';
    case 'Edm.DateTime':
    case 'Edm.DateTimeOffset':
      return typeof v === 'string' && /^\/Date\(-?\d+([+-]\d{4})?\)\/$/.test(v);
    case 'Edm.Binary':
      return typeof v === 'string' && /^[A-Za-z0-9+/]*={0,2}$/.test(v);
    default:
      return false;
  }
}

export async function startSuccessFactorsFake(opts: SuccessFactorsFakeOptions = {}): Promise<SuccessFactorsFake> {
  const server = new FakeServer({ provenance: 'successfactors' });
  const violations: string[] = [];
  const pageSize = opts.pageSize ?? 10;
  const rate = opts.rateLimit ?? { limit: 20, windowMs: 1000 };
  const assessments = opts.assessmentIntegration ?? true;
  const attachment1 = opts.candidateAttachment1 ?? true;
  const api = '/odata/v2';

  // ------------------------------------------------------------------------------------------
  // Data (property names and types from the spec)
  // ------------------------------------------------------------------------------------------
  const base = Date.UTC(2026, 9, 1);
  type Row = Record<string, unknown>;
  const jobs: Row[] = [
    ['2001', 'WH-1', 'Warehouse Associate', 'Approved', false, null],
    ['2002', 'FIN-7', 'Payroll Analyst', 'Closed', false, dto(base + 86_400_000)],
    ['2003', 'RET-3', 'Store Manager', 'Pre-Approved', true, null],
  ].map(([id, code, title, internalStatus, isDraft, closed], i) => ({
    jobReqId: id,
    jobCode: code,
    internalStatus,
    isDraft,
    deleted: 'false',
    closedDateTime: closed,
    createdDateTime: dto(base - 86_400_000 * (10 - i)),
    lastModifiedDateTime: dto(base),
    department_obj_code: ['LOG', 'FIN', 'RET'][i],
    location_obj_code: ['BER', 'MUC', 'HAM'][i],
    country: 'DEU',
    defaultLanguage: 'en_US',
    statusSetId: STATUS_SET,
    jobReqLocale: [
      { jobReqLocalId: String(9000 + i * 2), jobReqId: id, locale: 'de_DE', jobTitle: `${title} (DE)`, jobDescription: '<p>Stelle</p>' },
      { jobReqLocalId: String(9001 + i * 2), jobReqId: id, locale: 'en_US', jobTitle: title, jobDescription: `<p>${title}</p>` },
    ],
  }));
  const candidates = new Map<string, Row & { deleted?: boolean }>();
  const applications = new Map<string, Row & { deleted?: boolean }>();
  const orders = new Map<string, Row>();
  const reports: Row[] = [];
  const comments: Row[] = [];
  const attachments = new Map<string, Row>();
  const links = new Map<string, { resume: string | null; coverLetter: string | null; attachment1: string[] }>();
  let seq = 50_000;

  const n = opts.candidateCount ?? 24;
  for (let i = 0; i < n; i++) {
    const id = String(300 + i);
    const created = base + i * 3_600_000;
    candidates.set(id, {
      candidateId: id,
      firstName: FIRST[i % FIRST.length],
      lastName: LAST[i % LAST.length],
      primaryEmail: `cand${i}@example.com`,
      contactEmail: i % 4 === 0 ? `cand${i}.alt@example.com` : null,
      cellPhone: i % 2 ? `+49 30 5550${String(i).padStart(3, '0')}` : null,
      homePhone: null,
      address: 'Unter den Linden 1',
      city: 'Berlin',
      zip: '10117',
      country: 'DEU',
      creationDateTime: dto(created),
      lastModifiedDateTime: dto(created),
    });
    const resumeId = i % 3 === 0 ? String(++seq) : null;
    if (resumeId)
      attachments.set(resumeId, {
        attachmentId: resumeId,
        fileName: `resume-${i}.pdf`,
        mimeType: 'application/pdf',
        fileContent: Buffer.from(`%PDF-1.4 resume ${i} %%EOF`).toString('base64'),
        module: 'RECRUITING',
        createdDate: dto(created),
        lastModifiedDateTime: dto(created),
      });
    links.set(id, { resume: resumeId, coverLetter: null, attachment1: [] });
    const count = i % 5 === 0 ? 2 : 1;
    for (let k = 0; k < count; k++) {
      const appId = String(7000 + i * 10 + k);
      const st = STATUSES[(i + k) % STATUSES.length];
      applications.set(appId, {
        applicationId: appId,
        candidateId: id,
        jobReqId: jobs[(i + k) % jobs.length].jobReqId,
        status: st.status,
        appStatusSetItemId: st.id,
        applicationDate: dto(created),
        lastModifiedDateTime: dto(created),
        jobAppStatus: { appStatusSetId: STATUS_SET, appStatusId: st.id, appStatusName: st.name },
      });
      if (i % 2 === 0) {
        const orderId = String(80_000 + i * 10 + k);
        orders.set(orderId, {
          id: orderId,
          applicationId: appId,
          packageCode: PACKAGE,
          vendorCode: 'ACME',
          assessmentUrl: `https://acme.example/take/${orderId}`,
          lastModifiedBy: 'sfadmin',
          lastModifiedDateTime: dto(created),
        });
      }
    }
  }

  // ------------------------------------------------------------------------------------------
  // Spec checks
  // ------------------------------------------------------------------------------------------
  const entitySpec = (name: string) => SPEC.entities[name];
  /** A `$select` path (`prop` or `nav/prop`) on an entity; a violation when the spec lacks it. */
  function checkPath(entity: string, path: string, where: string): boolean {
    const parts = path.split('/');
    let spec = entitySpec(entity);
    for (let i = 0; i < parts.length; i++) {
      const p = parts[i];
      if (i < parts.length - 1 || spec.navigation[p]) {
        const nav = spec.navigation[p];
        if (!nav) return (violations.push(`${where}: ${entity} has no navigation ${p}`), false);
        if (i === parts.length - 1) return true;
        spec = entitySpec(nav.target);
        if (!spec) return (violations.push(`${where}: navigation ${p} leads to ${nav.target}, not in the spec`), false);
      } else if (!spec.properties[p]) return (violations.push(`${where}: ${entity} has no property ${p}`), false);
    }
    return true;
  }
  /** A body or an answer: every property declared, every value of its EDM type, navigations recursively. */
  function checkEntity(entity: string, row: Row, where: string): void {
    const spec = entitySpec(entity);
    if (!spec) return void violations.push(`${where}: entity ${entity} is not in the spec`);
    for (const [k, v] of Object.entries(row)) {
      if (k === '__metadata') continue;
      const prop = spec.properties[k];
      if (prop) {
        if (!valueFits(prop.type, v)) violations.push(`${where}: ${entity}.${k} = ${JSON.stringify(v)} is not an ${prop.type}`);
        continue;
      }
      const nav = spec.navigation[k];
      if (!nav) {
        violations.push(`${where}: ${entity} has no property or navigation ${k}`);
        continue;
      }
      const items = Array.isArray(v)
        ? v
        : v && typeof v === 'object' && Array.isArray((v as Row).results)
          ? ((v as Row).results as Row[])
          : v
            ? [v]
            : [];
      if (Array.isArray(v) || (v && typeof v === 'object' && 'results' in (v as Row))) {
        if (!nav.many) violations.push(`${where}: ${entity}.${k} is a to-one navigation, answered as a list`);
      }
      for (const item of items as Row[]) checkEntity(nav.target, item, `${where} → ${k}`);
    }
  }

  // ------------------------------------------------------------------------------------------
  // Auth, throttling, faults
  // ------------------------------------------------------------------------------------------
  const tokens = new Map<string, { user: string; expires: number }>();
  let issued = 0;
  const windows = new Map<string, WindowCounter>();
  let failures: { n: number; status: 429 | 500 | 503 } | null = null;
  // SAP recommends waiting 300 s on a 429 (KBA 3159263); tests compress it to 1 s by default.
  const retryAfter = String(opts.retryAfterSeconds ?? 1);

  server.before = (req) => {
    if (failures && failures.n > 0 && req.path !== '/oauth/token') {
      failures.n--;
      if (failures.status === 429)
        return odataError(429, 'COE_REQUEST_THROTTLED', 'Too many requests, please retry later.', { 'retry-after': retryAfter });
      return odataError(
        failures.status,
        'COE_GENERAL_SERVER_FAILURE',
        failures.status === 503 ? 'Service Unavailable' : 'Internal Server Error',
      );
    }
    if (req.path === '/oauth/token') return undefined;
    if (/^Basic /i.test(String(req.headers.authorization ?? '')))
      return odataError(401, 'COE_AUTHENTICATION_FAILED', 'Basic authentication is not supported; use OAuth 2.0.');
    const token = bearer(req);
    const t = token ? tokens.get(token) : undefined;
    if (!t || t.expires <= Date.now()) return odataError(401, 'COE_AUTHENTICATION_FAILED', 'Invalid or expired access token.');
    let w = windows.get(t.user);
    if (!w) windows.set(t.user, (w = new WindowCounter(rate.limit, rate.windowMs)));
    if (w.hit().over)
      return odataError(429, 'COE_REQUEST_THROTTLED', 'Too many requests, please retry later.', { 'retry-after': retryAfter });
    (req as FakeRequest & { user?: string }).user = t.user;
    return undefined;
  };
  const userOf = (req: FakeRequest) => (req as FakeRequest & { user?: string }).user!;

  /** The claims of a verified assertion, or why it is refused. */
  function verifyAssertion(b64: string): { user: string; apiKey: string } | string {
    const xml = Buffer.from(b64, 'base64').toString('utf8');
    const sigXml = /<(?:\w+:)?Signature\b[\s\S]*<\/(?:\w+:)?Signature>/.exec(xml)?.[0];
    if (!sigXml) return 'the assertion is not signed';
    const check = new SignedXml({ publicCert: CERT_A });
    try {
      check.loadSignature(sigXml);
      if (!check.checkSignature(xml)) return 'the assertion signature is invalid';
    } catch {
      return 'the assertion signature is invalid';
    }
    // Claims are read from what was signed, not from the document around it.
    const signed = check.getSignedReferences().find((r) => /Assertion\b/.test(r));
    if (!signed) return 'the signature does not cover the assertion';
    const text = (re: RegExp) => re.exec(signed)?.[1] ?? null;
    const user = text(/<(?:\w+:)?NameID\b[^>]*>([^<]+)</);
    const apiKey = text(/<(?:\w+:)?Attribute Name="api_key"[^>]*>\s*<(?:\w+:)?AttributeValue[^>]*>([^<]+)</);
    const audience = text(/<(?:\w+:)?Audience>([^<]+)</);
    const notAfter = text(/<(?:\w+:)?Conditions\b[^>]*NotOnOrAfter="([^"]+)"/);
    if (audience !== AUDIENCE) return `the audience must be ${AUDIENCE}`;
    if (!notAfter || Date.parse(notAfter) <= Date.now()) return 'the assertion has expired';
    if (!user || !USERS[user]) return `user ${user ?? '(none)'} does not exist`;
    if (!apiKey) return 'the assertion has no api_key attribute';
    return { user, apiKey };
  }

  /**
   * The token endpoint's refusals, in the shape SAP's KBAs quote: `{ errorHttpCode, errorMessage }`
   * (KBA 2668018: "Unable to authenticate the client (Login failed - invalid user)"; KBA 3336571:
   * "Unable to verify the signature of the SAML assertion…"). Texts the KBAs do not quote (a wrong
   * company or API key, an expired assertion) are this fake's own.
   */
  const tokenError = (status: number, message: string): FakeResponse => ({
    status,
    json: { errorHttpCode: String(status), errorMessage: message },
  });
  const SIGNATURE_ERROR =
    'Unable to verify the signature of the SAML assertion. Please ensure that the assertion has a signature and the key pairs match the client ID';

  server.route('POST', '/oauth/token', (req) => {
    const f = req.form;
    if (!f || !String(req.headers['content-type']).includes('application/x-www-form-urlencoded'))
      return tokenError(400, 'form-encoded body expected');
    if (f.get('grant_type') !== 'urn:ietf:params:oauth:grant-type:saml2-bearer') return tokenError(400, 'Unsupported grant type.');
    if (f.get('company_id') !== COMPANY) return tokenError(401, 'Invalid company ID.');
    if (f.get('client_id') !== CLIENT_ID) return tokenError(401, 'Invalid client ID (API key).');
    const claims = verifyAssertion(String(f.get('assertion') ?? ''));
    if (typeof claims === 'string') {
      if (/signature/.test(claims)) return tokenError(401, `${SIGNATURE_ERROR} (${claims})`);
      if (/does not exist/.test(claims)) return tokenError(401, 'Unable to authenticate the client (Login failed - invalid user)');
      return tokenError(401, `Invalid SAML assertion: ${claims}.`);
    }
    if (claims.apiKey !== CLIENT_ID) return tokenError(401, SIGNATURE_ERROR);
    const token = `sf_${randomBytes(16).toString('hex')}`;
    const lifetime = opts.tokenLifetimeS ?? 86_399;
    tokens.set(token, { user: claims.user, expires: Date.now() + lifetime * 1000 });
    issued++;
    return { json: { access_token: token, token_type: 'Bearer', expires_in: lifetime } };
  });

  // ------------------------------------------------------------------------------------------
  // Queries
  // ------------------------------------------------------------------------------------------
  const liveCandidates = () => [...candidates.values()].filter((c) => !c.deleted);
  const liveApps = () => [...applications.values()].filter((a) => !a.deleted);
  const ENTITY_SETS: Record<string, () => Row[]> = {
    JobRequisition: () => jobs,
    Candidate: () => liveCandidates().map(candidateWithFiles),
    JobApplication: liveApps,
    JobApplicationAssessmentOrder: () => [...orders.values()],
    JobApplicationStatus: () =>
      [...STATUSES, SYSTEM_STATUS].map((st) => ({ appStatusSetId: STATUS_SET, appStatusId: st.id, appStatusName: st.name })),
    User: () =>
      Object.entries(USERS).map(([userId, u]) => ({
        userId,
        firstName: u.name.split(' ')[0],
        lastName: u.name.split(' ')[1],
        email: `${userId}@acme.example`,
        status: 't',
        lastModifiedDateTime: dto(base),
      })),
  };
  function candidateWithFiles(c: Row): Row {
    const l = links.get(String(c.candidateId))!;
    const file = (id: string | null) => (id ? (attachments.get(id) ?? null) : null);
    return {
      ...c,
      resume: file(l.resume),
      coverLetter: file(l.coverLetter),
      attachment1: l.attachment1.map((id) => attachments.get(id)!).filter(Boolean),
    };
  }

  /** `$filter`: `<prop> gt datetimeoffset'…'` or `<prop> eq <int64>L`, joined by `and`. */
  function applyFilter(entity: string, rows: Row[], filter: string, where: string): Row[] | FakeResponse {
    for (const clause of filter.split(/\s+and\s+/)) {
      const m = /^(\w+) (gt|ge|eq) (?:datetimeoffset'([^']+)'|(\d+)L?|'([^']*)')$/.exec(clause.trim());
      if (!m) return odataError(400, 'COE_BAD_REQUEST', `Unsupported filter: ${clause}`);
      const [, prop, op, date, num, str] = m;
      if (!checkPath(entity, prop, where))
        return odataError(400, 'COE_PROPERTY_NOT_FOUND', `[COE0021]Invalid property names: ${entity}/${prop}.`);
      const type = entitySpec(entity).properties[prop].type;
      if (date !== undefined) {
        if (type !== 'Edm.DateTimeOffset') return odataError(400, 'COE_BAD_REQUEST', `${prop} is not an Edm.DateTimeOffset.`);
        const t = Date.parse(date);
        if (!Number.isFinite(t)) return odataError(400, 'COE_BAD_REQUEST', `Invalid datetimeoffset literal ${date}.`);
        const ms = (v: unknown) => Number(/\((-?\d+)/.exec(String(v))?.[1] ?? 0);
        rows = rows.filter((r) => (op === 'gt' ? ms(r[prop]) > t : ms(r[prop]) >= t));
      } else {
        const want = num ?? str;
        rows = rows.filter((r) => String(r[prop]) === want);
      }
    }
    return rows;
  }

  /** The row as answered: `$select`ed properties (all when none), `$expand`ed navigations, `__metadata`. */
  function shape(entity: string, row: Row, select: string[], expand: string[], host: string): Row {
    const spec = entitySpec(entity);
    const out: Row = { __metadata: { uri: `https://${host}${api}/${entity}(${row[spec.key[0]]}L)`, type: `SFOData.${entity}` } };
    const top = select.length ? select.filter((s) => !s.includes('/')) : Object.keys(spec.properties);
    for (const p of top) if (spec.properties[p] && p in row) out[p] = row[p];
    for (const nav of expand) {
      const target = spec.navigation[nav].target;
      const sub = select.filter((s) => s.startsWith(`${nav}/`)).map((s) => s.slice(nav.length + 1));
      const v = row[nav];
      if (spec.navigation[nav].many) out[nav] = { results: ((v as Row[]) ?? []).map((x) => shape(target, x, sub, [], host)) };
      else out[nav] = v ? shape(target, v as Row, sub, [], host) : null;
    }
    return out;
  }

  /** Page tokens name the query they continue (its entity, filter, select, expand) and the offset. */
  const pageQueries = new Map<string, { q: URLSearchParams; offset: number }>();

  /**
   * The tenant's `$metadata` (EDMX, OData v2): the entity model with this tenant's switches applied
   * (no assessment entities without Assessment Integration, no `attachment1` without that field).
   */
  function metadataDocument(): FakeResponse {
    const x = (v: string) => v.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
    const types: string[] = [];
    const sets: string[] = [];
    for (const [name, e] of Object.entries(SPEC.entities)) {
      if (!assessments && /^JobApplicationAssessment/.test(name)) continue;
      const props = Object.entries(e.properties).map(([p, t]) => `<Property Name="${x(p)}" Type="${t.type}" Nullable="${t.nullable}"/>`);
      const navs = Object.entries(e.navigation)
        .filter(([n]) => attachment1 || name !== 'Candidate' || n !== 'attachment1')
        .map(
          ([n, t]) =>
            `<NavigationProperty Name="${x(n)}" Relationship="SFOData.${x(name)}_${x(n)}" FromRole="${x(name)}" ToRole="${x(t.target)}${t.many ? '_many' : ''}"/>`,
        );
      types.push(
        `<EntityType Name="${x(name)}"><Key>${e.key.map((k) => `<PropertyRef Name="${x(k)}"/>`).join('')}</Key>${props.join('')}${navs.join('')}</EntityType>`,
      );
      const op = (o: string) => String(e.operations.includes(o));
      sets.push(
        `<EntitySet Name="${x(name)}" EntityType="SFOData.${x(name)}" sap:creatable="${op('create')}" sap:updatable="${op('update')}" sap:deletable="${op('delete')}"/>`,
      );
    }
    const text =
      '<?xml version="1.0" encoding="utf-8"?><edmx:Edmx Version="1.0" xmlns:edmx="http://schemas.microsoft.com/ado/2007/06/edmx">' +
      '<edmx:DataServices m:DataServiceVersion="2.0" xmlns:m="http://schemas.microsoft.com/ado/2007/08/dataservices/metadata">' +
      '<Schema Namespace="SFOData" xmlns="http://schemas.microsoft.com/ado/2008/09/edm" xmlns:sap="http://www.sap.com/Protocols/SAPData">' +
      types.join('') +
      `<EntityContainer Name="EntityContainer" m:IsDefaultEntityContainer="true">${sets.join('')}</EntityContainer>` +
      '</Schema></edmx:DataServices></edmx:Edmx>';
    return { headers: { 'content-type': 'application/xml;charset=utf-8' }, text };
  }

  server.route('GET', `${api}/:entity`, (req) => {
    if (req.params.entity === '$metadata') return metadataDocument();
    let entity = req.params.entity;
    const keyed = /^(\w+)\((\d+)L?\)$/.exec(entity);
    if (keyed) entity = keyed[1];
    if (!entitySpec(entity) || (!assessments && /^JobApplicationAssessment/.test(entity)))
      return odataError(404, 'COE_ENTITY_NOT_FOUND', `[COE0018]Entity ${entity} is not found. Check the spelling or use the $metadata.`);
    if (USERS[userOf(req)].deny.includes(entity))
      return odataError(
        403,
        'COE_GENERAL_FORBIDDEN',
        `[COE0022]You do not have permission to read ${entity}; check the role's OData API permissions.`,
      );
    const host = String(req.headers.host);
    let q = req.query;
    let offset = 0;
    const skiptoken = q.get('$skiptoken');
    if (skiptoken) {
      const page = pageQueries.get(skiptoken);
      if (!page) return odataError(400, 'COE_BAD_REQUEST', 'Invalid $skiptoken.');
      ({ q, offset } = page);
    }
    const where = `GET ${entity}`;
    if (!attachment1 && entity === 'Candidate' && /(^|[,/])attachment1\b/.test(`${q.get('$expand') ?? ''},${q.get('$select') ?? ''}`))
      return odataError(400, 'COE_PROPERTY_NOT_FOUND', '[COE0021]Invalid property names: Candidate/attachment1.');
    const select = (q.get('$select') ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    const expand = (q.get('$expand') ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    for (const s of select)
      if (!checkPath(entity, s, where))
        return odataError(400, 'COE_PROPERTY_NOT_FOUND', `[COE0021]Invalid property names: ${entity}/${s}.`);
    for (const e of expand) {
      if (!entitySpec(entity).navigation[e]) {
        violations.push(`${where}: ${entity} has no navigation ${e} to expand`);
        return odataError(400, 'COE_PROPERTY_NOT_FOUND', `[COE0021]Invalid navigation: ${entity}/${e}.`);
      }
    }
    for (const s of select.filter((x) => x.includes('/'))) {
      if (!expand.includes(s.split('/')[0]))
        return odataError(400, 'COE_BAD_REQUEST', `${s} selects through a navigation that is not expanded.`);
    }
    if (keyed) {
      const all = entity === 'Attachment' ? [...attachments.values()] : (ENTITY_SETS[entity]?.() ?? []);
      const row = all.find((r) => String(r[entitySpec(entity).key[0]]) === keyed[2]);
      if (!row) return odataError(404, 'COE_ENTITY_NOT_FOUND', `[COE0018]${entity}(${keyed[2]}L) not found.`);
      const d = shape(entity, row, select, expand, host);
      checkEntity(entity, d, `answer of ${where}`);
      return { json: { d } };
    }
    const set = ENTITY_SETS[entity];
    if (!set) return odataError(405, 'COE_BAD_REQUEST', `${entity} cannot be listed in this fake.`);
    let rows = set();
    const filter = q.get('$filter');
    if (filter) {
      const r = applyFilter(entity, rows, filter, where);
      if (!Array.isArray(r)) return r;
      rows = r;
    }
    const keyProp = entitySpec(entity).key[0];
    rows = [...rows].sort((a, b) => (a[keyProp] === b[keyProp] ? 0 : String(a[keyProp]) < String(b[keyProp]) ? -1 : 1));
    const top = q.get('$top');
    const size = top ? Math.min(Number(top), 1000) : pageSize;
    const page = rows.slice(offset, offset + size).map((r) => shape(entity, r, select, expand, host));
    for (const d of page) checkEntity(entity, d, `answer of ${where}`);
    const more = !top && offset + size < rows.length;
    let next: string | undefined;
    if (more) {
      const token = randomBytes(8).toString('hex');
      pageQueries.set(token, { q, offset: offset + size });
      next = `http://${host}${api}/${entity}?$skiptoken=${token}`;
    }
    return { json: { d: { results: page, ...(next ? { __next: next } : {}) } } };
  });

  // ------------------------------------------------------------------------------------------
  // Writes
  // ------------------------------------------------------------------------------------------
  server.route('POST', `${api}/JobApplicationComments`, (req) => {
    const body = req.json as Row | undefined;
    if (!body || typeof body !== 'object') return odataError(400, 'COE_BAD_REQUEST', 'A JSON entity is required.');
    checkEntity('JobApplicationComments', body, 'insert JobApplicationComments');
    if (!entitySpec('JobApplicationComments').operations.includes('create'))
      violations.push('insert JobApplicationComments: not creatable');
    const app = applications.get(String(body.applicationId));
    if (!app || app.deleted)
      return odataError(404, 'COE_ENTITY_NOT_FOUND', `[COE0018]JobApplication(${String(body.applicationId)}L) not found.`);
    if (typeof body.content !== 'string' || !body.content) return odataError(400, 'COE_BAD_REQUEST', 'content is required.');
    if (!USERS[String(body.commentator)]) return odataError(400, 'COE_BAD_REQUEST', `Invalid commentator ${String(body.commentator)}.`);
    const row = {
      commentId: String(++seq),
      applicationId: String(body.applicationId),
      commentator: String(body.commentator),
      content: body.content,
    };
    comments.push(row);
    app.lastModifiedDateTime = dto(Date.now());
    return { status: 201, json: { d: { __metadata: { type: 'SFOData.JobApplicationComments' }, ...row } } };
  });

  type UpsertResult = {
    key: string | null;
    status: 'OK' | 'ERROR';
    editStatus: string | null;
    message: string | null;
    index: number;
    httpCode: number;
    inlineResults: null;
  };
  function upsertOne(e: Row, index: number): UpsertResult {
    const fail = (httpCode: number, message: string): UpsertResult => ({
      key: null,
      status: 'ERROR',
      editStatus: null,
      message,
      index,
      httpCode,
      inlineResults: null,
    });
    const ok = (key: string, editStatus: 'INSERTED' | 'UPDATED', httpCode: number): UpsertResult => ({
      key,
      status: 'OK',
      editStatus,
      message: null,
      index,
      httpCode,
      inlineResults: null,
    });
    const meta = (e.__metadata ?? {}) as { uri?: string; type?: string };
    const m = /^(?:.*\/)?(\w+)(?:\((\d+)L?\))?$/.exec(String(meta.uri ?? meta.type?.replace(/^SFOData\./, '') ?? ''));
    if (!m) return fail(400, '__metadata.uri is required.');
    const [, entity, key] = m;
    if (!entitySpec(entity)) return fail(400, `Entity ${entity} is not found.`);
    checkEntity(entity, e, `upsert ${entity}`);
    const op = key ? 'update' : 'create';
    if (!entitySpec(entity).operations.includes(op)) {
      violations.push(`upsert ${entity}: the entity is not ${op === 'create' ? 'creatable' : 'updatable'}`);
      return fail(400, `${entity} does not support ${op}.`);
    }
    if (entity === 'Attachment' && !key) {
      if (typeof e.fileName !== 'string' || typeof e.fileContent !== 'string' || !e.fileContent)
        return fail(400, 'fileName and fileContent are required.');
      if (typeof e.module !== 'string') return fail(400, 'module is required.');
      if (e.module !== 'RECRUITING') violations.push(`upsert Attachment: module ${String(e.module)} for a Recruiting file`);
      const id = String(++seq);
      attachments.set(id, {
        attachmentId: id,
        fileName: e.fileName,
        mimeType: e.fileName.endsWith('.pdf') ? 'application/pdf' : 'application/octet-stream',
        fileContent: e.fileContent,
        module: e.module,
        moduleCategory: e.moduleCategory ?? null,
        createdDate: dto(Date.now()),
        lastModifiedDateTime: dto(Date.now()),
      });
      return ok(`Attachment/attachmentId=${id}`, 'INSERTED', 201);
    }
    if (entity === 'JobApplicationAssessmentReport' && !key) {
      if (!assessments) return fail(404, 'Entity JobApplicationAssessmentReport is not found.');
      const order = orders.get(String(e.orderId));
      if (!order) return fail(404, `JobApplicationAssessmentOrder(${String(e.orderId)}L) not found.`);
      const id = String(++seq);
      const details = Array.isArray(e.assessmentReportDetail) ? (e.assessmentReportDetail as Row[]) : [];
      reports.push({
        id,
        orderId: String(e.orderId),
        applicationId: order.applicationId,
        reportURL: e.reportURL,
        statusDetails: e.statusDetails,
        statusDate: e.statusDate,
        details: details.map((d) => ({ scoreComponent: d.scoreComponent, scoreValue: d.scoreValue })),
      });
      const app = applications.get(String(order.applicationId));
      if (app) app.lastModifiedDateTime = dto(Date.now());
      return ok(`JobApplicationAssessmentReport/id=${id}`, 'INSERTED', 201);
    }
    if (entity === 'Candidate' && key) {
      const c = candidates.get(key);
      if (!c || c.deleted) return fail(404, `Candidate(${key}L) not found.`);
      const l = links.get(key)!;
      const refId = (v: unknown): string | null =>
        /Attachment\((\d+)L?\)$/.exec(String(((v ?? {}) as Row).__metadata ? (((v as Row).__metadata as Row).uri ?? '') : ''))?.[1] ?? null;
      for (const nav of ['resume', 'coverLetter'] as const) {
        if (!(nav in e)) continue;
        const id = refId(e[nav]);
        if (!id || !attachments.has(id)) return fail(400, `${nav}: unknown attachment.`);
        l[nav] = id;
      }
      if ('attachment1' in e) {
        if (!attachment1) return fail(400, 'Candidate has no property attachment1.');
        const list = Array.isArray(e.attachment1) ? e.attachment1.map(refId) : [];
        if (list.some((id) => !id || !attachments.has(id))) return fail(400, 'attachment1: unknown attachment.');
        l.attachment1 = list as string[];
      }
      c.lastModifiedDateTime = dto(Date.now());
      return ok(`Candidate/candidateId=${key}`, 'UPDATED', 204);
    }
    if (entity === 'JobApplication' && key) {
      const app = applications.get(key);
      if (!app || app.deleted) return fail(404, `JobApplication(${key}L) not found.`);
      const target = [...STATUSES, SYSTEM_STATUS].find((st) => st.id === String(e.appStatusSetItemId));
      // A status of another set is what KBA 2883239 warns about; this fake has one set, so any other id is foreign.
      if (!target) return fail(400, `appStatusSetItemId ${String(e.appStatusSetItemId)} is not in the application's status set.`);
      if (target === SYSTEM_STATUS) return fail(400, 'You are not allowed to change the candidate application status.');
      app.appStatusSetItemId = target.id;
      app.status = target.status;
      app.jobAppStatus = { appStatusSetId: STATUS_SET, appStatusId: target.id, appStatusName: target.name };
      app.lastModifiedDateTime = dto(Date.now());
      return ok(`JobApplication/applicationId=${key}`, 'UPDATED', 204);
    }
    return fail(400, `This fake does not upsert ${meta.uri ?? entity}.`);
  }

  server.route('POST', `${api}/upsert`, (req) => {
    const body = req.json as Row | Row[] | undefined;
    if (!body || typeof body !== 'object') return odataError(400, 'COE_BAD_REQUEST', 'A JSON entity is required.');
    const results = (Array.isArray(body) ? body : [body]).map((e, i) => upsertOne(e, i));
    const allFailed = results.every((r) => r.status === 'ERROR');
    return { status: allFailed ? (opts.upsertFailureStatus ?? 500) : 200, json: { d: results } };
  });

  await server.start();
  const appsOf = (candidateId: string) => liveApps().filter((a) => a.candidateId === candidateId);
  const base64Files = (candidateId: string) => {
    const l = links.get(candidateId);
    if (!l) return [];
    const out: { name: string; type: string; data: Buffer }[] = [];
    const add = (id: string | null, type: string) => {
      const a = id ? attachments.get(id) : undefined;
      if (a) out.push({ name: String(a.fileName), type, data: Buffer.from(String(a.fileContent), 'base64') });
    };
    add(l.resume, 'resume');
    add(l.coverLetter, 'coverLetter');
    for (const id of l.attachment1) add(id, 'attachment1');
    return out;
  };
  /**
   * Intelligent Services through an Integration Center REST integration (SAP's "Create a New
   * Integration" guide, SAP-docs/btp-neo-environment): a status change of one of the candidate's
   * applications fires "Update of Job Application Status"; the integration POSTs the JSON the
   * admin configured (here the fields atsgate's instructions name, nested as in Cronofy's guide)
   * with the Basic credentials entered under Destination Settings.
   */
  const sent = new SubscriptionList();
  const webhooks: FakeVendorWebhooks = {
    registered: () => [],
    async changeCandidate(candidateId, manual) {
      const app = appsOf(candidateId).find((a) => a.status === 'Open');
      if (!app) throw new Error(`no open application for candidate ${candidateId}`);
      const next = STATUSES.find((st) => st.status === 'Open' && st.id !== String(app.appStatusSetItemId))!;
      const now = Date.now();
      Object.assign(app, {
        appStatusSetItemId: next.id,
        jobAppStatus: { appStatusSetId: STATUS_SET, appStatusId: next.id, appStatusName: next.name },
        lastModifiedDateTime: dto(now),
      });
      if (!manual) return [];
      const body = JSON.stringify({
        jobApplication: {
          applicationId: Number(app.applicationId),
          candidateId: Number(app.candidateId),
          lastModifiedDateTime: new Date(now).toISOString(),
        },
      });
      const authorization = `Basic ${Buffer.from(`atsgate:${manual.secret}`).toString('base64')}`;
      return sent.send([{ url: manual.url, body, headers: { authorization } }]);
    },
    redeliverLast: () => sent.redeliverLast(),
  };
  const creds = { api_server: 'unused.example', company_id: COMPANY, client_id: CLIENT_ID, private_key: KEY_A, certificate: CERT_A };
  return {
    tool: 'successfactors',
    server,
    webhooks,
    url: server.url,
    companyId: COMPANY,
    credentials: { ...creds, user_id: 'sfapi' },
    badCredentials: { ...creds, client_id: 'not-the-api-key', user_id: 'sfapi' },
    noApplicationCredentials: { ...creds, user_id: 'sfnoapp' },
    wrongKeyCredentials: { ...creds, private_key: KEY_B, user_id: 'sfapi' },
    specViolations: violations,
    async stop() {
      await server.stop();
      if (violations.length)
        throw new Error(
          `SuccessFactors fake: requests or answers outside the OData model:\n  ${[...new Set(violations)].slice(0, 20).join('\n  ')}`,
        );
    },
    failNext(count, status) {
      failures = { n: count, status };
    },
    candidateRemoteIds: () => liveCandidates().map((c) => String(c.candidateId)),
    applicationRemoteIds: () => liveApps().map((a) => String(a.applicationId)),
    jobRemoteIds: () => jobs.map((j) => String(j.jobReqId)),
    userRemoteIds: () => Object.keys(USERS),
    tagsFor: () => [],
    deleteCandidate(remoteId) {
      const c = candidates.get(remoteId);
      if (c) c.deleted = true;
      for (const a of applications.values()) if (a.candidateId === remoteId) a.deleted = true;
    },
    applicationStatus: (id) => {
      const a = applications.get(id);
      if (!a || a.deleted) return null;
      const rejected = a.status === 'Disqualified';
      return { stage: String(a.appStatusSetItemId), rejected, reason: rejected ? String(a.appStatusSetItemId) : null };
    },
    resultTextFor: (candidateId) => {
      const ids = new Set(appsOf(candidateId).map((a) => String(a.applicationId)));
      return [
        ...comments.filter((c) => ids.has(String(c.applicationId))).map((c) => String(c.content)),
        ...reports.filter((r) => ids.has(String(r.applicationId))).map((r) => JSON.stringify(r)),
      ].join('\n');
    },
    filesFor: base64Files,
    peakRate: () => Math.max(0, ...[...windows.values()].map((w) => w.peak)),
    commentsOf: (id) =>
      comments.filter((c) => c.applicationId === id).map((c) => ({ commentator: String(c.commentator), content: String(c.content) })),
    reportsOf: (id) => reports.filter((r) => r.applicationId === id),
    ordersOf: (id) => [...orders.values()].filter((o) => o.applicationId === id).map((o) => String(o.id)),
    applicationsOf: (candidateId) => appsOf(candidateId).map((a) => String(a.applicationId)),
    touchApplication(id, at) {
      const a = applications.get(id);
      if (a) a.lastModifiedDateTime = dto(at.getTime());
    },
    tokensIssued: () => issued,
    expireTokens() {
      for (const t of tokens.values()) t.expires = 0;
    },
  };
}
