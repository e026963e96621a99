/**
 * A fake of Bullhorn's REST API and its OAuth server, on one loopback host, written from
 * Bullhorn's REST reference (github.com/bullhorn/rest-api-docs) and bullhorn.github.io guides
 * (sources listed in src/connectors/bullhorn/README.md; no machine-readable spec exists, so
 * there is no spec check). Layout, mirroring production hosts:
 *   GET  /rest-services/loginInfo?username=      → { oauthUrl: <fake>/oauth, restUrl: <fake>/rest-services, … } [BH-INTRO]
 *   GET  /oauth/authorize?…&action=Login&username&password → 302 Location <redirect_uri>?code=… [TP-HEADLESS];
 *        wrong credentials, or a user who never accepted the terms of service → 200 HTML login page
 *   POST /oauth/token?grant_type=authorization_code|refresh_token&client_id&client_secret → tokens [BH-GS];
 *        codes and refresh tokens are single use [BH-OAUTH]; a used one → 400 invalid_grant
 *   GET  /rest-services/login?version&access_token → { BhRestToken, restUrl: <fake>/rest-services/{corp}/ } [BH-LOGIN]
 *   /rest-services/{corp}/…: the API. No BhRestToken → 412, an unknown or expired one → 401 [BH-AUTHZ].
 * Traps modelled: sessions expire (`expireSessions()`); `count` above 500 is capped at 500 with a
 * message, and `pageCap` caps it lower (the answer's `total` says there is more) [BH-COUNT];
 * search answers ids only without `fields` [BH-SEARCH]; JobSubmission is not searchable (404);
 * unknown `where`/`query` syntax → 400; unknown entity fields → 400 [BH-ENTITY]; Note `action`
 * outside the commentActionList → 400 (the fake's choice: Bullhorn does not say) [BH-NOTE];
 * file uploads need externalID, fileContent, name and fileType "SAMPLE" [BH-FILE]; 429 past the
 * window ("Wait 1 second", no Retry-After) [BH-ERR]; a JobSubmission `status` outside the
 * settings/jobResponseStatusList values → 400 (the fake's choice: the entity reference says the
 * allowable values come from that list) [BH-ENTREF], [BH-SETTINGS]; the `status` field's options
 * in meta [BH-META]; CorporateUser through query, deleted users left out [BH-CORPUSER].
 * Event subscriptions [BH-EV]; [BH-EVS]: PUT/GET/DELETE /event/subscription/{id}; `maxEvents` is
 * required and capped at 100; a GET removes what it returns; at most 15 subscriptions per
 * database (the 16th → 400, the fake's wording); events are queued for changes made through
 * `changeCandidate` and through entity updates.
 */
import { randomBytes } from 'node:crypto';
import { FakeServer, WindowCounter, type FakeRequest, type FakeResponse } from './server.ts';
import type { VendorFake } from './types.ts';

export interface BullhornFakeOptions {
  candidateCount?: number;
  /** Largest `count` honoured below Bullhorn's 500 (to make paging visible in tests). */
  pageCap?: number;
  rateLimit?: { limit: number; windowMs: number };
  /** The account's commentActionList. */
  noteActions?: string[];
  /** Refuse the delta filters (400), as a Bullhorn that wants another literal form would. */
  refuseDateFilters?: boolean;
  /** settings/jobResponseStatusList answers 403 (the API user may not read settings): meta has the statuses. */
  hideStatusSetting?: boolean;
}

export interface BullhornFake extends VendorFake {
  /** Valid client and user, but the user never accepted the terms of service. */
  termsNotAcceptedCredentials: Record<string, unknown>;
  /** A user whose user type may not see JobSubmission (403). */
  limitedCredentials: Record<string, unknown>;
  /** Credentials with only a refresh token. */
  refreshTokenCredentials(): Record<string, unknown>;
  /** Every current BhRestToken stops working, as a timed-out session does. */
  expireSessions(): void;
  notesAbout(candidateId: string): { comments: string; action: string | null; jobOrder: number | null }[];
  fieldsOf(entity: 'Candidate' | 'JobSubmission', id: string): Record<string, string>;
  logins(): number;
  corpToken: string;
  /** Event subscriptions that exist, by id. */
  eventSubscriptions(): string[];
  /** A change in Bullhorn: the candidate's first submission moves to another status (events queued). */
  changeCandidate(candidateId: string): void;
  /** Fills the database's subscriptions up to Bullhorn's limit (15) with others' subscriptions. */
  fillEventSubscriptions(): void;
}

const CLIENT_ID = 'bh-client-7f3a2c';
const CLIENT_SECRET = 'bh-secret-91c2e8d4';
const CORP = 'x7b2q';
const REDIRECT_URI = 'https://partner.example/bullhorn/callback';
const USERS: Record<string, { password: string; termsAccepted: boolean; hidden?: string[] }> = {
  'api.acme': { password: 'Pa55-word!', termsAccepted: true },
  'api.fresh': { password: 'Fresh-pass1', termsAccepted: false },
  // A user type without access to submissions: Bullhorn answers 403 "hidden" [BH-ERR].
  'api.limited': { password: 'Limited-pass1', termsAccepted: true, hidden: ['JobSubmission'] },
};
const DEFAULT_ACTIONS = ['Other', 'Interview', 'Assessment result'];

interface Candidate {
  id: number;
  firstName: string;
  lastName: string;
  email: string;
  mobile: string | null;
  dateAdded: number;
  dateLastModified: number;
  isDeleted: boolean;
  custom: Record<string, string>;
  files: { id: number; name: string; type: string; contentType: string; data: Buffer; dateAdded: number }[];
}
interface Submission {
  id: number;
  candidate: number;
  jobOrder: number;
  status: string;
  dateAdded: number;
  dateLastModified: number;
  custom: Record<string, string>;
}
interface Note {
  id: number;
  personReference: number;
  comments: string;
  action: string | null;
  jobOrder: number | null;
}

const FIRST = ['Avery', 'Blake', 'Casey', 'Devon', 'Emerson', 'Finley', 'Gray', 'Harper'];
const LAST = ['Adams', 'Brooks', 'Carter', 'Diaz', 'Ellis'];
const STATUSES = ['Submitted', 'Interview Scheduled', 'Client Rejected', 'Placed'];
/** The corporation's jobResponseStatusList (Bullhorn's defaults are of this kind; each customer edits them). */
const STATUS_LIST = [
  'New Lead',
  'Submitted',
  'Client Submission',
  'Interview Scheduled',
  'Offer Extended',
  'Placed',
  'Client Rejected',
  'Candidate Not Interested',
];
/** CorporateUser rows: the API user, a recruiter, a disabled user and a deleted one. */
const CORPORATE_USERS = [
  { id: 31, firstName: 'Api', lastName: 'User', email: 'api.acme@example.com', enabled: true, isDeleted: false },
  { id: 32, firstName: 'Rita', lastName: 'Recruiter', email: 'rita@example.com', enabled: true, isDeleted: false },
  { id: 33, firstName: 'Olaf', lastName: 'Former', email: 'olaf@example.com', enabled: false, isDeleted: false },
  { id: 34, firstName: 'Dee', lastName: 'Leted', email: 'dee@example.com', enabled: true, isDeleted: true },
];

/** Labels the fake's customer gave some customText fields (others are unlabelled). */
const LABELS: Record<'Candidate' | 'JobSubmission', Record<string, string>> = {
  Candidate: { customText3: 'Acme Score', customTextBlock2: 'Acme Report' },
  JobSubmission: { customText5: 'Acme Score', customText6: 'Acme Level' },
};
const FIELD_RANGES: Record<'Candidate' | 'JobSubmission', { text: number; block: number }> = {
  Candidate: { text: 40, block: 10 },
  JobSubmission: { text: 25, block: 5 },
};

const err = (status: number, message: string, extra: Record<string, unknown> = {}): FakeResponse => ({
  status,
  json: { errorMessage: message, errorCode: status, ...extra },
});

export async function startBullhornFake(opts: BullhornFakeOptions = {}): Promise<BullhornFake> {
  const server = new FakeServer({ provenance: 'bullhorn' });
  const rate = opts.rateLimit ?? { limit: 20, windowMs: 1000 };
  const actions = opts.noteActions ?? DEFAULT_ACTIONS;
  const now = Date.now();
  let nextId = 900_000;

  const jobs = [
    { id: 501, title: 'Forklift Operator', isOpen: true, isPublic: 1, employmentType: 'Contract', dateAdded: now - 90 * 864e5 },
    { id: 502, title: 'Payroll Specialist', isOpen: false, isPublic: 0, employmentType: 'Direct Hire', dateAdded: now - 60 * 864e5 },
  ];
  const candidates = new Map<number, Candidate>();
  const submissions = new Map<number, Submission>();
  const notes: Note[] = [];
  const count = opts.candidateCount ?? 6;
  for (let i = 0; i < count; i++) {
    const id = 10_100 + i;
    const t = now - (count - i) * 3_600_000;
    candidates.set(id, {
      id,
      firstName: FIRST[i % FIRST.length],
      lastName: LAST[i % LAST.length],
      email: `cand${i}@example.com`,
      mobile: i % 2 ? `+1 617 555 01${String(10 + i)}` : null,
      dateAdded: t,
      dateLastModified: t,
      isDeleted: false,
      custom: {},
      files:
        i % 3 === 0
          ? [
              {
                id: nextId++,
                name: `resume-${i}.pdf`,
                type: 'Resume',
                contentType: 'application/pdf',
                data: Buffer.from(`%PDF resume ${i}`),
                dateAdded: t,
              },
            ]
          : [],
    });
    const sid = 70_000 + i;
    submissions.set(sid, {
      id: sid,
      candidate: id,
      jobOrder: jobs[i % 2].id,
      status: STATUSES[i % STATUSES.length],
      dateAdded: t,
      dateLastModified: t,
      custom: {},
    });
  }

  // ------------------------------------------------------------------------------------------
  // OAuth and sessions
  // ------------------------------------------------------------------------------------------
  const codes = new Map<string, string>(); // code → username
  const accessTokens = new Map<string, { user: string; expires: number }>();
  const refreshTokens = new Map<string, { user: string; used: boolean }>();
  const sessions = new Map<string, string>(); // BhRestToken → username
  let loginCount = 0;
  const mint = (prefix: string) => `${prefix}${randomBytes(9).toString('hex')}`;

  const issueTokens = (user: string) => {
    const access = mint('at_');
    const refresh = mint('rt_');
    accessTokens.set(access, { user, expires: Date.now() + 600_000 });
    refreshTokens.set(refresh, { user, used: false });
    return { access_token: access, token_type: 'Bearer', expires_in: 600, refresh_token: refresh };
  };

  server.route('GET', '/rest-services/loginInfo', (req) => {
    const username = req.query.get('username') ?? '';
    if (!USERS[username]) return err(400, `Invalid username: ${username}`);
    return {
      json: {
        atsUrl: 'https://cls99.bullhornstaffing.com',
        oauthUrl: `${server.url}/oauth`,
        restUrl: `${server.url}/rest-services`,
        samlUrl: 'https://auth-west.bullhornstaffing.com/samlsp',
        dataCenterId: 99,
        superClusterId: 9,
      },
    };
  });

  const loginPage: FakeResponse = {
    status: 200,
    headers: { 'content-type': 'text/html' },
    text: '<html><body><form id="login">Bullhorn Login</form></body></html>',
  };
  server.route('GET', '/oauth/authorize', (req) => {
    const q = req.query;
    if (q.get('client_id') !== CLIENT_ID) return { status: 400, json: { error: 'invalid_client', error_description: 'Invalid client id' } };
    if (q.get('response_type') !== 'code') return { status: 400, json: { error: 'unsupported_response_type' } };
    const user = USERS[q.get('username') ?? ''];
    if (q.get('action') !== 'Login' || !user || user.password !== q.get('password') || !user.termsAccepted) return loginPage;
    const code = mint('code_');
    codes.set(code, q.get('username')!);
    return { status: 302, headers: { location: `${REDIRECT_URI}?code=${encodeURIComponent(code)}&client_id=${CLIENT_ID}` }, text: '' };
  });

  server.route('POST', '/oauth/token', (req) => {
    const p = (k: string) => req.query.get(k) ?? (req.form?.get(k) as string | null) ?? null;
    if (p('client_id') !== CLIENT_ID || p('client_secret') !== CLIENT_SECRET)
      return { status: 401, json: { error: 'invalid_client', error_description: 'Bad client credentials' } };
    if (p('grant_type') === 'authorization_code') {
      const user = codes.get(p('code') ?? '');
      if (!user) return { status: 400, json: { error: 'invalid_grant', error_description: 'Invalid authorization code' } };
      codes.delete(p('code')!);
      return { json: issueTokens(user) };
    }
    if (p('grant_type') === 'refresh_token') {
      const r = refreshTokens.get(p('refresh_token') ?? '');
      if (!r || r.used) return { status: 400, json: { error: 'invalid_grant', error_description: 'Invalid refresh token' } };
      r.used = true;
      return { json: issueTokens(r.user) };
    }
    return { status: 400, json: { error: 'unsupported_grant_type' } };
  });

  const restLogin = (req: FakeRequest): FakeResponse => {
    const t = accessTokens.get(req.query.get('access_token') ?? '');
    if (!req.query.get('version')) return err(400, 'Missing required parameter: version');
    if (!t || t.expires < Date.now()) return err(401, 'Invalid or expired OAuth access token.');
    loginCount++;
    const token = mint('');
    sessions.set(token, t.user);
    return { json: { BhRestToken: token, restUrl: `${server.url}/rest-services/${CORP}/` } };
  };
  server.route('GET', '/rest-services/login', restLogin);
  server.route('POST', '/rest-services/login', restLogin);

  // ------------------------------------------------------------------------------------------
  // The API: session, throttling, faults
  // ------------------------------------------------------------------------------------------
  const windows = new Map<string, WindowCounter>();
  let failures: { n: number; status: 429 | 500 | 503 } | null = null;
  const apiPrefix = `/rest-services/${CORP}/`;

  server.before = (req) => {
    // Faults, throttling and the session check are the API's; the login chain is left alone.
    if (!req.path.startsWith('/rest-services/') || req.path === '/rest-services/loginInfo' || req.path === '/rest-services/login') {
      return undefined;
    }
    if (failures && failures.n > 0) {
      failures.n--;
      if (failures.status === 429) return err(429, 'Rate Limited -- Wait 1 second then retry request.');
      return err(failures.status, failures.status === 503 ? 'Service Unavailable' : 'Internal Server Error');
    }
    if (!req.path.startsWith(apiPrefix)) return err(404, 'Unknown corporation');
    const cookie = /BhRestToken=([^;]+)/.exec(String(req.headers.cookie ?? ''))?.[1];
    const token = String(req.headers.bhresttoken ?? req.query.get('BhRestToken') ?? cookie ?? '');
    if (!token) return err(412, 'Missing BhRestToken');
    const user = sessions.get(token);
    if (!user) return err(401, "Bad 'BhRestToken' or timed-out.");
    const entity = /\/(?:search|query|entity|meta)\/([A-Za-z]+)/.exec(req.path)?.[1];
    if (entity && USERS[user].hidden?.includes(entity)) return err(403, `The entity ${entity} is hidden for this user`);
    let w = windows.get(CORP);
    if (!w) windows.set(CORP, (w = new WindowCounter(rate.limit, rate.windowMs)));
    if (w.hit().over) return err(429, 'Rate Limited -- Wait 1 second then retry request.');
    // Subscriptions are created with query parameters only [BH-EV].
    if (
      ['PUT', 'POST'].includes(req.method) &&
      !req.path.includes('/event/subscription/') &&
      (req.json === undefined || typeof req.json !== 'object')
    )
      return err(400, 'Malformed JSON body');
    return undefined;
  };

  const pageOf = <T>(req: FakeRequest, rows: T[], render: (r: T) => Record<string, unknown>): FakeResponse => {
    const start = Math.max(0, Number(req.query.get('start') ?? 0) || 0);
    const asked = Number(req.query.get('count') ?? 20) || 20;
    const cap = Math.min(500, opts.pageCap ?? 500);
    const n = Math.min(asked, cap);
    const slice = rows.slice(start, start + n);
    const fields = req.query.get('fields');
    const data = fields ? slice.map((r) => pick(render(r), fields)) : slice.map((r) => render(r).id);
    return {
      json: {
        total: rows.length,
        start,
        count: data.length,
        data,
        ...(asked > 500 ? { message: 'You specified too many items; the maximum count is 500.' } : {}),
      },
    };
  };
  const pick = (row: Record<string, unknown>, fields: string): Record<string, unknown> => {
    if (fields === '*') return row;
    const out: Record<string, unknown> = { id: row.id };
    for (const f of fields.split(',').map((x) => x.trim())) if (f in row) out[f] = row[f];
    return out;
  };

  /** `isDeleted:0` with an optional `AND dateLastModified:[yyyyMMddHHmmss TO *]`. */
  const luceneFilter = (q: string | null): ((modified: number) => boolean) | null => {
    const m = /^isDeleted:0(?: AND dateLastModified:\[(\d{14}) TO \*\])?$/.exec(q ?? '');
    if (!m) return null;
    if (m[1] && opts.refuseDateFilters) return null;
    if (!m[1]) return () => true;
    const d = m[1];
    const since = Date.UTC(+d.slice(0, 4), +d.slice(4, 6) - 1, +d.slice(6, 8), +d.slice(8, 10), +d.slice(10, 12), +d.slice(12, 14));
    return (t) => t >= since;
  };

  const renderJob = (j: (typeof jobs)[number]) => ({ ...j, dateLastModified: j.dateAdded, _score: 1 });
  const renderCandidate = (c: Candidate) => ({
    id: c.id,
    firstName: c.firstName,
    lastName: c.lastName,
    name: `${c.firstName} ${c.lastName}`,
    email: c.email,
    mobile: c.mobile,
    phone: null,
    address: { address1: null, address2: null, city: 'Boston', state: 'MA', zip: null, countryID: 1 },
    dateAdded: c.dateAdded,
    dateLastModified: c.dateLastModified,
    _score: 1,
    ...c.custom,
  });

  server.route('GET', `${apiPrefix}search/JobOrder`, (req) => {
    if (!luceneFilter(req.query.get('query'))) return err(400, 'Invalid query');
    return pageOf(req, jobs, renderJob);
  });
  server.route('GET', `${apiPrefix}search/Candidate`, (req) => {
    const f = luceneFilter(req.query.get('query'));
    if (!f) return err(400, `Invalid query: ${req.query.get('query')}`);
    const rows = [...candidates.values()].filter((c) => !c.isDeleted && f(c.dateLastModified)).sort((a, b) => a.id - b.id);
    return pageOf(req, rows, renderCandidate);
  });
  server.route('GET', `${apiPrefix}search/JobSubmission`, () => err(404, 'JobSubmission is not a searchable entity'));
  server.route('GET', `${apiPrefix}query/JobSubmission`, (req) => {
    const m = /^isDeleted=false(?: AND dateLastModified>=(\d+))?$/.exec(req.query.get('where') ?? '');
    if (!m || (m[1] && opts.refuseDateFilters)) return err(400, `Invalid where clause: ${req.query.get('where')}`);
    const since = m[1] ? Number(m[1]) : 0;
    const rows = [...submissions.values()]
      .filter((s) => !candidates.get(s.candidate)?.isDeleted && s.dateLastModified >= since)
      .sort((a, b) => a.id - b.id);
    return pageOf(req, rows, (s) => ({
      id: s.id,
      candidate: { id: s.candidate, firstName: candidates.get(s.candidate)!.firstName, lastName: candidates.get(s.candidate)!.lastName },
      jobOrder: { id: s.jobOrder, title: jobs.find((j) => j.id === s.jobOrder)!.title },
      status: s.status,
      dateAdded: s.dateAdded,
      dateLastModified: s.dateLastModified,
      ...s.custom,
    }));
  });

  const customFieldNames = (entity: 'Candidate' | 'JobSubmission') => {
    const r = FIELD_RANGES[entity];
    return [
      ...Array.from({ length: r.text }, (_, i) => `customText${i + 1}`),
      ...Array.from({ length: r.block }, (_, i) => `customTextBlock${i + 1}`),
    ];
  };
  server.route('GET', `${apiPrefix}settings/:names`, (req) => {
    const names = req.params.names.split(',');
    if (names.includes('jobResponseStatusList') && opts.hideStatusSetting)
      return err(403, 'Access to setting jobResponseStatusList denied');
    const known: Record<string, unknown> = { jobResponseStatusList: STATUS_LIST, commentActionList: actions };
    const unknown = names.filter((n) => !(n in known));
    if (unknown.length) return err(400, `Unknown setting: ${unknown.join(', ')}`);
    return { json: Object.fromEntries(names.map((n) => [n, known[n]])) };
  });

  server.route('GET', `${apiPrefix}query/CorporateUser`, (req) => {
    if (req.query.get('where') !== 'isDeleted=false') return err(400, `Invalid where clause: ${req.query.get('where')}`);
    if (!req.query.get('fields')) return err(400, 'fields is required');
    const rows = CORPORATE_USERS.filter((u) => !u.isDeleted);
    return pageOf(req, rows, (u) => ({ ...u, dateLastModified: now - 864e5 }));
  });

  server.route('GET', `${apiPrefix}meta/:entity`, (req) => {
    const entity = req.params.entity as 'Candidate' | 'JobSubmission';
    if (!FIELD_RANGES[entity]) return err(404, `Unknown entity ${entity}`);
    if (!req.query.get('fields')) return err(400, 'fields is required');
    if (entity === 'JobSubmission' && req.query.get('fields') === 'status')
      return {
        json: {
          entity,
          label: entity,
          fields: [
            {
              name: 'status',
              type: 'SCALAR',
              dataType: 'String',
              maxLength: 30,
              label: 'Status',
              options: STATUS_LIST.map((v) => ({ value: v, label: v })),
            },
          ],
        },
      };
    const fields = [
      { name: 'id', type: 'ID', dataType: 'Integer' },
      ...customFieldNames(entity).map((name) => ({
        name,
        type: 'SCALAR',
        dataType: 'String',
        ...(name.startsWith('customTextBlock') ? {} : { maxLength: 100 }),
        label: LABELS[entity][name] ?? name,
      })),
    ];
    return { json: { entity, entityMetaUrl: `${server.url}${apiPrefix}meta/${entity}?fields=*`, label: entity, fields } };
  });

  server.route('PUT', `${apiPrefix}entity/Note`, (req) => {
    const b = req.json ?? {};
    const allowed = new Set(['personReference', 'comments', 'action', 'jobOrder', 'commentingPerson', 'isDeleted']);
    const unknown = Object.keys(b).filter((k) => !allowed.has(k));
    if (unknown.length) return err(400, `Unknown fields: ${unknown.join(', ')}`);
    const person = Number(b.personReference?.id);
    if (!candidates.has(person) || candidates.get(person)!.isDeleted) return err(400, 'Invalid personReference');
    if (typeof b.comments !== 'string' || !b.comments) return err(400, 'comments is required');
    if (b.action !== undefined && !actions.includes(b.action))
      return err(400, 'error persisting an entity of type: Note', {
        errors: [{ propertyName: 'action', detailMessage: 'Invalid value', type: 'INVALID_VALUE' }],
      });
    if (b.jobOrder !== undefined && !jobs.some((j) => j.id === Number(b.jobOrder?.id))) return err(400, 'Invalid jobOrder');
    const note: Note = {
      id: nextId++,
      personReference: person,
      comments: b.comments,
      action: b.action ?? null,
      jobOrder: b.jobOrder ? Number(b.jobOrder.id) : null,
    };
    notes.push(note);
    return { json: { changedEntityType: 'Note', changedEntityId: note.id, changeType: 'INSERT', data: b } };
  });

  server.route('POST', `${apiPrefix}entity/:entity/:id`, (req) => {
    const entity = req.params.entity as 'Candidate' | 'JobSubmission';
    if (!FIELD_RANGES[entity]) return err(405, `Updates of ${entity} are not modelled by this fake`);
    const id = Number(req.params.id);
    const row = entity === 'Candidate' ? candidates.get(id) : submissions.get(id);
    if (!row || (entity === 'Candidate' && (row as Candidate).isDeleted)) return err(404, `${entity} ${id} not found`);
    const names = new Set(customFieldNames(entity));
    const unknown = Object.keys(req.json).filter((k) => !names.has(k) && !(entity === 'JobSubmission' && k === 'status'));
    if (unknown.length) return err(400, `Unknown fields: ${unknown.join(', ')}`);
    if ('status' in req.json) {
      const status = req.json.status;
      if (typeof status !== 'string' || !STATUS_LIST.includes(status))
        return err(400, 'error persisting an entity of type: JobSubmission', {
          errors: [{ propertyName: 'status', detailMessage: `Invalid value: ${String(status)}`, type: 'INVALID_VALUE' }],
        });
      (row as Submission).status = status;
    }
    for (const [k, v] of Object.entries(req.json)) {
      if (k === 'status') continue;
      if (typeof v !== 'string') return err(400, `${k} must be a string`);
      if (!k.startsWith('customTextBlock') && v.length > 100) return err(400, `${k} is longer than 100 characters`);
      row.custom[k] = v;
    }
    row.dateLastModified = Date.now();
    emit(entity, id, 'UPDATED', Object.keys(req.json));
    return { json: { changedEntityType: entity, changedEntityId: id, changeType: 'UPDATE', data: req.json } };
  });

  server.route('PUT', `${apiPrefix}file/Candidate/:id`, (req) => {
    const c = candidates.get(Number(req.params.id));
    if (!c || c.isDeleted) return err(404, `Candidate ${req.params.id} not found`);
    const b = req.json ?? {};
    for (const k of ['externalID', 'fileContent', 'fileType', 'name']) if (!b[k]) return err(400, `${k} is required`);
    if (b.fileType !== 'SAMPLE') return err(400, 'fileType must be SAMPLE');
    const f = {
      id: nextId++,
      name: String(b.name),
      type: String(b.type ?? ''),
      contentType: String(b.contentType ?? 'application/octet-stream'),
      data: Buffer.from(String(b.fileContent), 'base64'),
      dateAdded: Date.now(),
    };
    c.files.push(f);
    return { json: { fileId: f.id } };
  });
  server.route('GET', `${apiPrefix}entityFiles/Candidate/:id`, (req) => {
    const c = candidates.get(Number(req.params.id));
    if (!c || c.isDeleted) return err(404, `Candidate ${req.params.id} not found`);
    return {
      json: {
        EntityFiles: c.files.map((f) => {
          const [type, sub] = f.contentType.split('/');
          return { id: f.id, type: f.type || null, name: f.name, description: null, contentType: type, contentSubType: sub ?? null };
        }),
      },
    };
  });
  server.route('GET', `${apiPrefix}file/Candidate/:id/:fileId`, (req) => {
    const c = candidates.get(Number(req.params.id));
    const f = c?.files.find((x) => String(x.id) === req.params.fileId);
    if (!c || c.isDeleted || !f) return err(404, 'File not found');
    return { json: { File: { contentType: f.contentType, fileContent: f.data.toString('base64'), name: f.name } } };
  });

  // Event subscriptions [BH-EV]: a queue of entity events per subscription, emptied by GETs.
  const MAX_SUBSCRIPTIONS = 15;
  let eventSeq = 0;
  let requestSeq = 0;
  const subscriptions = new Map<string, { names: string[]; eventTypes: string[]; queue: Record<string, unknown>[] }>();
  const emit = (entityName: string, entityId: number, entityEventType: 'INSERTED' | 'UPDATED' | 'DELETED', updatedProperties: string[]) => {
    for (const sub of subscriptions.values()) {
      if (!sub.names.includes(entityName) || !sub.eventTypes.includes(entityEventType)) continue;
      sub.queue.push({
        eventId: `ID:JBM-${40_000_000 + ++eventSeq}`,
        eventType: 'ENTITY',
        eventTimestamp: Date.now(),
        eventMetadata: { PERSON_ID: '1314', TRANSACTION_ID: randomBytes(8).toString('hex') },
        entityName,
        entityId,
        entityEventType,
        ...(entityEventType === 'UPDATED' ? { updatedProperties } : {}),
      });
    }
  };
  server.route('PUT', `${apiPrefix}event/subscription/:id`, (req) => {
    const id = req.params.id;
    if (req.query.get('type') !== 'entity') return err(400, 'type must be entity, fieldMapChange or jobMatchSearch');
    const names = (req.query.get('names') ?? '').split(',').filter(Boolean);
    const eventTypes = (req.query.get('eventTypes') ?? '').split(',').filter(Boolean);
    if (!names.length || !eventTypes.length) return err(400, 'names and eventTypes are required with type entity');
    if (eventTypes.some((t) => !['INSERTED', 'UPDATED', 'DELETED'].includes(t))) return err(400, 'Unknown event type');
    if (!subscriptions.has(id) && subscriptions.size >= MAX_SUBSCRIPTIONS) return err(400, 'Maximum number of subscriptions reached');
    subscriptions.set(id, { names, eventTypes, queue: subscriptions.get(id)?.queue ?? [] });
    return {
      json: {
        lastRequestId: 0,
        subscriptionId: id,
        createdOn: Date.now(),
        jmsSelector: `JMSType='ENTITY' AND BhCorpId=44 AND BhEntityName IN (${names.map((n) => `'${n}'`).join(',')})`,
      },
    };
  });
  server.route('GET', `${apiPrefix}event/subscription/:id`, (req) => {
    const sub = subscriptions.get(req.params.id);
    if (!sub) return err(404, `No subscription ${req.params.id}`);
    const max = Number(req.query.get('maxEvents'));
    if (!Number.isInteger(max) || max < 1) return err(400, 'maxEvents is required');
    const events = sub.queue.splice(0, Math.min(max, 100));
    // With nothing queued the answer has no body (the fake's choice: Bullhorn's reference shows only a full answer).
    if (!events.length) return { text: '' };
    return { json: { requestId: ++requestSeq, events } };
  });
  server.route('DELETE', `${apiPrefix}event/subscription/:id`, (req) => {
    if (!subscriptions.delete(req.params.id)) return err(404, `No subscription ${req.params.id}`);
    return { json: { result: true } };
  });

  await server.start();
  const live = () => [...candidates.values()].filter((c) => !c.isDeleted);
  const good = { client_id: CLIENT_ID, client_secret: CLIENT_SECRET, username: 'api.acme', password: USERS['api.acme'].password };

  return {
    tool: 'bullhorn',
    userRemoteIds: () => CORPORATE_USERS.filter((u) => !u.isDeleted).map((u) => String(u.id)),
    tagsFor: () => [],
    applicationStatus: (id: string) => {
      const s = submissions.get(Number(id));
      // A JobSubmission's stage is its status text; a rejection status is its own reason.
      const rejected = /reject|not interested/i.test(s?.status ?? '');
      return s ? { stage: s.status, rejected, reason: rejected ? s.status : null } : null;
    },
    server,
    url: `${server.url}/rest-services`,
    corpToken: CORP,
    credentials: good,
    badCredentials: { ...good, password: `wrong-${randomBytes(3).toString('hex')}` },
    termsNotAcceptedCredentials: { ...good, username: 'api.fresh', password: USERS['api.fresh'].password },
    limitedCredentials: { ...good, username: 'api.limited', password: USERS['api.limited'].password },
    refreshTokenCredentials() {
      const { refresh_token } = issueTokens('api.acme');
      return { client_id: CLIENT_ID, client_secret: CLIENT_SECRET, username: 'api.acme', refresh_token };
    },
    async stop() {
      await server.stop();
    },
    failNext(n, status) {
      failures = { n, status };
    },
    expireSessions: () => sessions.clear(),
    candidateRemoteIds: () => live().map((c) => String(c.id)),
    applicationRemoteIds: () => [...submissions.values()].filter((s) => !candidates.get(s.candidate)?.isDeleted).map((s) => String(s.id)),
    jobRemoteIds: () => jobs.map((j) => String(j.id)),
    deleteCandidate(remoteId) {
      const c = candidates.get(Number(remoteId));
      if (c) c.isDeleted = true;
    },
    resultTextFor(candidateId) {
      const id = Number(candidateId);
      const texts = notes.filter((n) => n.personReference === id).map((n) => n.comments);
      const values = Object.values(candidates.get(id)?.custom ?? {});
      const subValues = [...submissions.values()].filter((s) => s.candidate === id).flatMap((s) => Object.values(s.custom));
      return [...texts, ...values, ...subValues].join('\n');
    },
    filesFor: (candidateId) =>
      (candidates.get(Number(candidateId))?.files ?? []).map((f) => ({ name: f.name, type: f.type, data: f.data })),
    peakRate: () => Math.max(0, ...[...windows.values()].map((w) => w.peak)),
    notesAbout: (candidateId) =>
      notes
        .filter((n) => n.personReference === Number(candidateId))
        .map((n) => ({ comments: n.comments, action: n.action, jobOrder: n.jobOrder })),
    fieldsOf(entity, id) {
      const row = entity === 'Candidate' ? candidates.get(Number(id)) : submissions.get(Number(id));
      return { ...(row?.custom ?? {}) };
    },
    logins: () => loginCount,
    eventSubscriptions: () => [...subscriptions.keys()],
    changeCandidate(candidateId) {
      const id = Number(candidateId);
      const sub = [...submissions.values()].find((x) => x.candidate === id);
      if (sub) {
        sub.status = sub.status === 'Interview Scheduled' ? 'Offer Extended' : 'Interview Scheduled';
        sub.dateLastModified = Date.now();
        emit('JobSubmission', sub.id, 'UPDATED', ['status']);
      }
      const c = candidates.get(id);
      if (c) {
        c.dateLastModified = Date.now();
        emit('Candidate', id, 'UPDATED', ['status']);
      }
    },
    fillEventSubscriptions() {
      for (let i = 0; subscriptions.size < MAX_SUBSCRIPTIONS; i++)
        subscriptions.set(`other${i}`, { names: ['Placement'], eventTypes: ['INSERTED'], queue: [] });
    },
  };
}
