import '../support/fast-retries.ts';
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { connector } from '../../src/connectors/successfactors/index.ts';
import { isoFromOData, normalisePem, odataPages, samlAssertion, sfClient, tokenUrl } from '../../src/connectors/successfactors/client.ts';
import { reportBody } from '../../src/connectors/successfactors/write.ts';
import { transportBaseUrl } from '../../src/http/transport.ts';
import type { CandidateRef } from '../../src/connectors/types.ts';
import { connectorContext, collect } from '../support/connector-context.ts';
import { contextCache, journalMarks, resultLinkInput, attachmentInput, applicationRef as appRef } from '../support/connector-unit.ts';
import { rejectsWithCode as rejectsWith } from '../support/assertions.ts';
import { startSuccessFactorsFake, type SuccessFactorsFake } from '../fakes/successfactors.ts';
import { KEY_A, CERT_A } from '../fakes/successfactors-keys.ts';
import { formPage } from '../../src/connect/page.ts';
import { connectorsTable } from '../../src/docs/connectors-table.ts';
import { coverage } from '../../src/connectors/coverage.ts';
import { pendingConnectLink } from '../support/connect-link.ts';
import { passthroughUrl } from '../../src/passthrough/target.ts';

const c = { ...connector, downloadAttachment: connector.downloadAttachment! };
const link = resultLinkInput({
  label: 'Acme Cognitive Test',
  url: 'https://acme.example/results/7',
  details: { custom_field_name_prefix: 'Acme:', attributes: [{ key: 'Score', value: '88' }] },
});
const file = attachmentInput({ content_type: 'application/pdf', type: 'OTHER' });

describe('SAP SuccessFactors connector', () => {
  let fake: SuccessFactorsFake;
  const ctxOf = contextCache(connector as any, () => fake);
  const { since, requestsSince } = journalMarks(() => fake);
  const candRef = (id: string): CandidateRef => ({ remote_id: id, applications: fake.applicationsOf(id).map((a) => appRef(a, id)) });
  /** An application with (or without) an assessment order. */
  const appWithOrder = (has: boolean) => fake.applicationRemoteIds().find((a) => fake.ordersOf(a).length > 0 === has)!;

  before(async () => {
    fake = await startSuccessFactorsFake({ candidateCount: 25, pageSize: 10, rateLimit: { limit: 5000, windowMs: 1000 } });
  });
  after(() => fake.stop());

  describe('auth and credentials', () => {
    test('a signed SAML bearer assertion is exchanged for a token at /oauth/token, sent as Bearer and reused; probes read each entity', async () => {
      const issued = fake.tokensIssued();
      const mark = since();
      await connector.checkCredentials(ctxOf());
      const calls = requestsSince(mark);
      assert.equal(calls[0].path, '/oauth/token');
      assert.match(String(calls[0].headers['content-type']), /application\/x-www-form-urlencoded/);
      const f = calls[0].form!;
      assert.equal(f.get('grant_type'), 'urn:ietf:params:oauth:grant-type:saml2-bearer');
      assert.equal(f.get('company_id'), fake.companyId);
      assert.equal(f.get('client_id'), fake.credentials.client_id);
      const xml = Buffer.from(String(f.get('assertion')), 'base64').toString();
      assert.match(xml, /<saml2:NameID [^>]*>sfapi<\/saml2:NameID>/);
      assert.match(xml, /<saml2:Audience>www\.successfactors\.com<\/saml2:Audience>/);
      assert.match(xml, /<saml2:Issuer>[^<]+<\/saml2:Issuer><ds:Signature/, 'the signature follows the Issuer');
      assert.deepEqual(
        calls.slice(1).map((r) => `${r.method} ${r.path} ${r.query.get('$top')}`),
        ['JobRequisition', 'Candidate', 'JobApplication'].map((e) => `GET /odata/v2/${e} 1`),
      );
      assert.ok(calls.slice(1).every((r) => /^Bearer sf_/.test(String(r.headers.authorization))));
      await collect(connector.readJobs(ctxOf(), {}));
      assert.equal(fake.tokensIssued(), issued + 1, 'the token is cached');
    });

    test("a wrong API key or a key other than the registered certificate is AUTHENTICATION_INVALID with SAP's words; a role without JobApplication is PERMISSION_MISSING", async () => {
      const bad = await connector.checkCredentials(ctxOf(fake.badCredentials)).catch((e) => e);
      assert.equal(bad.code, 'INTEGRATION.AUTHENTICATION_INVALID');
      assert.match(bad.message, /Invalid client ID/);
      const wrongKey = await connector.checkCredentials(ctxOf(fake.wrongKeyCredentials)).catch((e) => e);
      assert.equal(wrongKey.code, 'INTEGRATION.AUTHENTICATION_INVALID');
      assert.match(wrongKey.message, /Unable to verify the signature of the SAML assertion/, "SAP's errorMessage (KBA 3336571)");
      const noUser = await connector.checkCredentials(ctxOf({ ...fake.credentials, user_id: 'nobody' })).catch((e) => e);
      assert.equal(noUser.code, 'INTEGRATION.AUTHENTICATION_INVALID');
      assert.match(noUser.message, /Login failed - invalid user/, "SAP's errorMessage (KBA 2668018)");
      const err = await connector.checkCredentials(ctxOf(fake.noApplicationCredentials)).catch((e) => e);
      assert.equal(err.code, 'INTEGRATION.PERMISSION_MISSING');
      assert.match(err.message, /may not read JobApplication/);
      assert.match(err.message, /COE0022/, "SAP's error text is passed on");
      const garbage = await connector.checkCredentials(ctxOf({ ...fake.credentials, private_key: 'not a key' })).catch((e) => e);
      assert.equal(garbage.code, 'INTEGRATION.AUTHENTICATION_INVALID');
      assert.match(garbage.message, /could not sign/);
    });

    test('a key pasted on one line (input fields drop line breaks) still signs', async () => {
      const oneLine = KEY_A.replace(/\n/g, ' ');
      assert.equal(normalisePem(oneLine), KEY_A.trim() + '\n');
      await connector.checkCredentials(ctxOf({ ...fake.credentials, private_key: oneLine, certificate: CERT_A.replace(/\n/g, '') }));
      const a = Buffer.from(samlAssertion(fake.credentials as any, 'https://x/oauth/token'), 'base64').toString();
      assert.match(a, /<saml2:Attribute Name="api_key"><saml2:AttributeValue>[^<]+<\/saml2:AttributeValue>/);
    });

    test('an expired token is minted again once, and the call succeeds', async () => {
      const issued = fake.tokensIssued();
      fake.expireTokens();
      const jobs = (await collect(connector.readJobs(ctxOf(), {}))).flat();
      assert.equal(jobs.length, 3);
      assert.equal(fake.tokensIssued(), issued + 1);
    });

    test('the production URLs: https://{api server}/odata/v2 and /oauth/token on the same host; a bad host is refused', () => {
      const def = connector.definition;
      const prod = (creds: Record<string, unknown>) => transportBaseUrl(def, { baseUrl: def.defaultBaseUrl, credentials: creds });
      assert.equal(prod({ api_server: 'API4.successfactors.com' }), 'https://api4.successfactors.com/odata/v2');
      assert.throws(() => prod({ api_server: 'evil.example/x?' }), /API server/);
      const ctx = connectorContext(connector as any, { ...fake.credentials, api_server: 'api55.sapsf.eu' }, def.defaultBaseUrl).ctx;
      assert.equal(tokenUrl(ctx), 'https://api55.sapsf.eu/oauth/token');
      assert.equal(tokenUrl(ctxOf()), `${fake.url}/oauth/token`);
    });
  });

  describe('reads', () => {
    test('server-side paging: __next is followed until the last page, no $top/$skip', async () => {
      const mark = since();
      const ids = (await collect(odataPages<{ candidateId: string }>(sfClient(ctxOf()), 'Candidate', { $select: 'candidateId' }))).flat();
      assert.equal(new Set(ids.map((c) => c.candidateId)).size, 25);
      const calls = requestsSince(mark).filter((r) => r.path === '/odata/v2/Candidate');
      assert.equal(calls.length, 3);
      assert.ok(calls.every((r) => !r.query.has('$top') && !r.query.has('$skip')));
      assert.ok(calls.slice(1).every((r) => r.query.has('$skiptoken')));
    });

    test('jobs, candidates and applications map from JobRequisition (+ locale), Candidate and JobApplication (+ status)', async () => {
      const jobs = (await collect(connector.readJobs(ctxOf(), {}))).flat();
      assert.deepEqual(
        jobs.map((j) => [j.remote_id, j.name, j.status]),
        [
          ['2001', 'Warehouse Associate', 'OPEN'],
          ['2002', 'Payroll Analyst', 'CLOSED'],
          ['2003', 'Store Manager', 'DRAFT'],
        ],
      );
      assert.equal(jobs[0].description, '<p>Warehouse Associate</p>');
      const cands = (await collect(connector.readCandidates(ctxOf(), {}))).flat();
      assert.equal(cands.length, 25);
      const c0 = cands.find((x) => x.remote_id === '300')!;
      assert.equal(c0.first_name, 'Ada');
      assert.deepEqual(
        c0.email_addresses!.map((e) => e.email_address),
        ['cand0@example.com', 'cand0.alt@example.com'],
      );
      assert.equal(c0.remote_created_at, '2026-10-01T00:00:00.000Z');
      const apps = (await collect(connector.readApplications(ctxOf(), {}))).flat();
      assert.equal(apps.length, fake.applicationRemoteIds().length);
      const byStage = Object.fromEntries(apps.map((a) => [a.current_stage?.name, a.outcome]));
      assert.deepEqual(byStage, { Default: 'PENDING', 'Phone Screen': 'PENDING', Hired: 'HIRED', Rejected: 'DECLINED' });
      assert.equal(apps.find((a) => a.outcome === 'DECLINED')!.rejection_reason_name, 'Rejected');
    });

    test('delta: $filter=lastModifiedDateTime gt datetimeoffset on every list', async () => {
      const [app] = fake.applicationRemoteIds();
      const since = new Date(Date.UTC(2026, 10, 1));
      fake.touchApplication(app, new Date(Date.UTC(2026, 10, 2)));
      const mark = requestsSince(0).length;
      const apps = (await collect(connector.readApplications(ctxOf(), { updatedAfter: since }))).flat();
      assert.deepEqual(
        apps.map((a) => a.remote_id),
        [app],
      );
      const call = requestsSince(mark).find((r) => r.path === '/odata/v2/JobApplication')!;
      assert.equal(call.query.get('$filter'), "lastModifiedDateTime gt datetimeoffset'2026-11-01T00:00:00Z'");
    });

    test('OData v2 dates convert', () => {
      assert.equal(isoFromOData('/Date(1492098664000)/'), '2017-04-13T15:51:04.000Z');
      assert.equal(isoFromOData('/Date(1492098664000+0000)/'), '2017-04-13T15:51:04.000Z');
      assert.equal(isoFromOData(null), null);
    });
  });

  describe('writes', () => {
    test('an application result link becomes an assessment report on its order, attributes as report details', async () => {
      const app = appWithOrder(true);
      const out = await connector.addApplicationResultLink(ctxOf(), appRef(app), link());
      assert.deepEqual(out.warnings, []);
      const [r] = fake.reportsOf(app);
      assert.equal(r.reportURL, 'https://acme.example/results/7');
      assert.equal(r.statusDetails, 'Acme Cognitive Test');
      assert.deepEqual(r.details, [{ scoreComponent: 'Acme: Score', scoreValue: '88' }]);
      assert.deepEqual(fake.commentsOf(app), []);
    });

    test('without an assessment order, or with Assessment Integration off, the link is a comment with a warning', async () => {
      const app = appWithOrder(false);
      const out = await connector.addApplicationResultLink(ctxOf(), appRef(app), link());
      assert.match(out.warnings[0], /no assessment order for application/);
      assert.match(fake.commentsOf(app)[0].content, /^Acme Cognitive Test: https:\/\/acme\.example\/results\/7\nAcme: Score: 88$/);
      const off = await startSuccessFactorsFake({ candidateCount: 3, assessmentIntegration: false });
      try {
        const ctx = connectorContext(connector as any, off.credentials, off.url).ctx;
        const [a] = off.applicationRemoteIds();
        const r = await connector.addApplicationResultLink(ctx, appRef(a), link());
        assert.match(r.warnings[0], /Assessment Integration is not available .*HTTP 404.*COE0018/);
        assert.equal(off.commentsOf(a).length, 1);
      } finally {
        await off.stop();
      }
    });

    test('remote_fields.successfactors.assessment_package_id picks the order; other keys are ignored with a warning', async () => {
      const app = appWithOrder(true);
      const out = await connector.addApplicationResultLink(
        ctxOf(),
        appRef(app),
        link({ remote_fields: { successfactors: { assessment_package_id: 'NOPE', other: 1 } } }),
      );
      assert.match(out.warnings.join('\n'), /No assessment order of the application has package code NOPE/);
      assert.match(out.warnings.join('\n'), /remote_fields\.successfactors\.other/);
      assert.equal(fake.reportsOf(app).length, 2);
      const body = reportBody('1', link(), new Date(5));
      assert.equal(body.statusDate, '/Date(5+0000)/', 'Edm.DateTimeOffset as SuccessFactors writes it');
    });

    test('a candidate-level link goes to each current application with a warning; none is INPUT_INVALID', async () => {
      const cand = fake.candidateRemoteIds()[0];
      const out = await connector.addCandidateResultLink(ctxOf(), candRef(cand), link());
      assert.match(out.warnings[0], /current application/);
      assert.ok(fake.resultTextFor(cand).includes('https://acme.example/results/7'));
      await rejectsWith(connector.addCandidateResultLink(ctxOf(), { remote_id: cand, applications: [] }, link()), 'PLATFORM.INPUT_INVALID');
    });

    test('a note is a JobApplicationComments entry by the API user; an unknown application is a not-found error', async () => {
      const [app] = fake.applicationRemoteIds();
      await connector.addApplicationNote(ctxOf(), appRef(app), { content: 'Hello\nthere', content_type: 'PLAIN_TEXT', remote_fields: {} });
      assert.deepEqual(fake.commentsOf(app).at(-1), { commentator: 'sfapi', content: 'Hello\nthere' });
      const err = await connector
        .addApplicationNote(ctxOf(), appRef('999999'), { content: 'x', content_type: 'PLAIN_TEXT', remote_fields: {} })
        .catch((e) => e);
      assert.equal(err.code, 'PLATFORM.INPUT_INVALID');
      assert.equal(err.status, 404);
      await rejectsWith(
        connector.addApplicationNote(ctxOf(), appRef('1 or 1'), { content: 'x', content_type: 'PLAIN_TEXT', remote_fields: {} }),
        'PLATFORM.INPUT_INVALID',
      );
    });

    test('files: Attachment upsert linked as resume / coverLetter / attachment1, listed and downloaded byte for byte', async () => {
      const cand = fake.candidateRemoteIds()[1];
      const cv = Buffer.from([37, 80, 68, 70, 0, 1, 2, 255]);
      await connector.addCandidateAttachment(ctxOf(), candRef(cand), file('cv.pdf', cv, 'CV'));
      await connector.addCandidateAttachment(ctxOf(), candRef(cand), file('report.pdf', 'report bytes'));
      await connector.addCandidateAttachment(ctxOf(), candRef(cand), file('more.pdf', 'more bytes'));
      const again = await connector.addCandidateAttachment(ctxOf(), candRef(cand), file('cv2.pdf', 'cv two', 'CV'));
      assert.match(again.warnings[0], /one resume per candidate/);
      assert.deepEqual(
        fake.filesFor(cand).map((f) => [f.name, f.type]),
        [
          ['cv2.pdf', 'resume'],
          ['report.pdf', 'attachment1'],
          ['more.pdf', 'attachment1'],
        ],
      );
      const { attachments } = await connector.listCandidateAttachments(ctxOf(), candRef(cand));
      assert.deepEqual(
        attachments.map((a) => [a.file_name, a.type]),
        [
          ['cv2.pdf', 'CV'],
          ['report.pdf', 'OTHER'],
          ['more.pdf', 'OTHER'],
        ],
      );
      assert.match(String(attachments[0].remote_created_at), /^\d{4}-\d{2}-\d{2}T/, 'OData dates become ISO-8601');
      const dl = await c.downloadAttachment(ctxOf(), attachments[1].remote_id);
      assert.deepEqual(dl.data, Buffer.from('report bytes'));
      assert.equal(dl.file_name, 'report.pdf');
      await rejectsWith(c.downloadAttachment(ctxOf(), '../x'), 'PLATFORM.INPUT_INVALID');
      const [app] = fake.applicationsOf(cand);
      const out = await connector.addApplicationAttachment(ctxOf(), appRef(app, cand), file('cl.pdf', 'cl', 'COVER_LETTER'));
      assert.match(out.warnings[0], /keeps files on the candidate/);
      assert.ok(fake.filesFor(cand).some((f) => f.name === 'cl.pdf' && f.type === 'coverLetter'));
    });

    test('files carry module RECRUITING and their category; a tenant without attachment1 takes CVs and cover letters only', async () => {
      const cand = fake.candidateRemoteIds()[4];
      const mark = since();
      await connector.addCandidateAttachment(ctxOf(), candRef(cand), file('cv.pdf', 'cv', 'CV'));
      const stored = requestsSince(mark).find((r) => r.path === '/odata/v2/upsert' && r.json?.__metadata?.type === 'SFOData.Attachment')!;
      assert.deepEqual(
        [stored.json.module, stored.json.moduleCategory, stored.json.fileName, stored.json.userId],
        ['RECRUITING', 'RESUME', 'cv.pdf', 'sfapi'],
      );
      const bare = await startSuccessFactorsFake({ candidateCount: 3, candidateAttachment1: false });
      try {
        const ctx = connectorContext(connector as any, bare.credentials, bare.url).ctx;
        const [id] = bare.candidateRemoteIds();
        const ref = { remote_id: id, applications: [] };
        const before = bare.server.journal.length;
        await rejectsWith(connector.addCandidateAttachment(ctx, ref, file('other.pdf', 'x')), 'INTEGRATION.ACTION_NOT_AVAILABLE');
        assert.ok(!bare.server.journal.slice(before).some((r) => r.path === '/odata/v2/upsert'), 'nothing was stored');
        await connector.addCandidateAttachment(ctx, ref, file('cl.pdf', 'cl', 'COVER_LETTER'));
        const { attachments } = await connector.listCandidateAttachments(ctx, ref);
        assert.ok(attachments.some((a) => a.file_name === 'cl.pdf' && a.type === 'COVER_LETTER'));
      } finally {
        await bare.stop();
      }
    });

    test("jobs list their status set's statuses as stages; a move upserts appStatusSetItemId after checking the set", async () => {
      const jobs = (await collect(connector.readJobs(ctxOf(), {}))).flat();
      assert.deepEqual(
        jobs[0].stages!.map((st) => [st.remote_id, st.name]),
        [
          ['101', 'Default'],
          ['102', 'Phone Screen'],
          ['103', 'Hired'],
          ['104', 'Rejected'],
          ['105', 'Forwarded'],
        ],
      );
      const app = fake.applicationRemoteIds().find((a) => fake.applicationStatus(a)!.stage === '101')!;
      const mark = since();
      const out = await connector.moveApplicationToStage(ctxOf(), appRef(app), {
        stage: { remote_id: '102', name: 'Phone Screen' },
        remote_fields: {},
      });
      assert.deepEqual(out.warnings, []);
      assert.equal(fake.applicationStatus(app)!.stage, '102');
      const upsert = requestsSince(mark).find((r) => r.path === '/odata/v2/upsert')!;
      assert.deepEqual(upsert.json, {
        __metadata: { uri: `JobApplication(${app}L)`, type: 'SFOData.JobApplication' },
        appStatusSetItemId: '102',
      });
      const before = requestsSince(0).length;
      await rejectsWith(
        connector.moveApplicationToStage(ctxOf(), appRef(app), { stage: { remote_id: '999', name: 'Elsewhere' }, remote_fields: {} }),
        'PLATFORM.INPUT_INVALID',
      );
      assert.ok(!requestsSince(before).some((r) => r.path === '/odata/v2/upsert'), 'a status of another set is never sent');
      const sys = await connector
        .moveApplicationToStage(ctxOf(), appRef(app), { stage: { remote_id: '105', name: 'Forwarded' }, remote_fields: {} })
        .catch((e) => e);
      assert.equal(sys.code, 'REMOTE.INPUT_INVALID');
      assert.match(sys.message, /not allowed to change the candidate application status/);
    });

    test("a refused upsert reads SAP's per-record message whether the answer is HTTP 500 (KBA 3069375) or 200", async () => {
      const app = fake.applicationRemoteIds().find((a) => !fake.applicationStatus(a)!.rejected)!;
      const at500 = await connector
        .moveApplicationToStage(ctxOf(), appRef(app), { stage: { remote_id: '105', name: 'Forwarded' }, remote_fields: {} })
        .catch((e) => e);
      assert.equal(at500.code, 'REMOTE.INPUT_INVALID');
      assert.match(at500.message, /upsert ERROR\): You are not allowed to change the candidate application status/);
      const ok200 = await startSuccessFactorsFake({ candidateCount: 2, upsertFailureStatus: 200 });
      try {
        const ctx = connectorContext(connector as any, ok200.credentials, ok200.url).ctx;
        const other = ok200.applicationRemoteIds()[0];
        const at200 = await connector
          .moveApplicationToStage(ctx, appRef(other), { stage: { remote_id: '105', name: 'Forwarded' }, remote_fields: {} })
          .catch((e) => e);
        assert.equal(at200.code, 'REMOTE.INPUT_INVALID');
        assert.match(at200.message, /You are not allowed to change the candidate application status/);
      } finally {
        await ok200.stop();
      }
    });

    test('rejection reasons are the disqualifying statuses; a rejection moves there and the note becomes a comment', async () => {
      const reasons = (await collect(connector.readRejectionReasons!(ctxOf(), {}))).flat();
      assert.deepEqual(
        reasons.map((r) => [r.remote_id, r.name]),
        [['104', 'Rejected']],
      );
      const app = fake.applicationRemoteIds().find((a) => !fake.applicationStatus(a)!.rejected)!;
      const out = await connector.rejectApplication(ctxOf(), appRef(app), {
        reason: reasons[0],
        note: 'Below the bar.',
        remote_fields: {},
      });
      assert.match(out.warnings[0], /rejection note was added as a comment/);
      assert.deepEqual(fake.applicationStatus(app), { stage: '104', rejected: true, reason: '104' });
      assert.equal(fake.commentsOf(app).at(-1)!.content, 'Below the bar.');
      const [synced] = (await collect(connector.readApplications(ctxOf(), {}))).flat().filter((a) => a.remote_id === app);
      assert.equal(synced.outcome, 'DECLINED');
      assert.equal(synced.rejection_reason_name, 'Rejected');
      await rejectsWith(
        connector.rejectApplication(ctxOf(), appRef(app), {
          reason: { remote_id: '999', name: 'Other set' },
          note: null,
          remote_fields: {},
        }),
        'PLATFORM.INPUT_INVALID',
      );
    });

    test('users come from User; tags are not available and call nothing', async () => {
      const users = (await collect(connector.readUsers!(ctxOf(), {}))).flat();
      assert.deepEqual(
        users.map((u) => [u.remote_id, u.email, u.status]),
        [
          ['sfapi', 'sfapi@acme.example', 'ACTIVE'],
          ['sfnoapp', 'sfnoapp@acme.example', 'ACTIVE'],
        ],
      );
      const mark = since();
      await rejectsWith(
        connector.addCandidateTag(ctxOf(), candRef(fake.candidateRemoteIds()[0]), { name: 'x', remote_fields: {} }),
        'INTEGRATION.ACTION_NOT_AVAILABLE',
      );
      assert.equal(requestsSince(mark).length, 0);
    });
  });

  describe('errors, rate limits and passthrough', () => {
    test('the OData error text reaches the caller; a 429 is waited out (Retry-After) and the write goes through once; 503 on reads gives up', async () => {
      const app = appWithOrder(false);
      const before = fake.commentsOf(app).length;
      fake.failNext(1, 429);
      await connector.addApplicationNote(ctxOf(), appRef(app), { content: 'after 429', content_type: 'PLAIN_TEXT', remote_fields: {} });
      assert.equal(fake.commentsOf(app).length, before + 1);
      fake.failNext(10, 503);
      await rejectsWith(collect(connector.readJobs(ctxOf(), {})), 'REMOTE.SERVICE_UNAVAILABLE');
      fake.failNext(0, 503);
    });

    test("the `odata` passthrough reaches the customer's API with the minted token, and only its paths", async () => {
      const api = connector.definition.passthrough!.odata;
      const client = await connector.passthroughClient!(ctxOf());
      const url = passthroughUrl(client.baseUrl, api, '/JobRequisition?$select=jobReqId&$top=1');
      assert.equal(url.pathname, '/odata/v2/JobRequisition');
      const res = await client.request<any>({ method: 'GET', path: url.toString() });
      assert.equal(res.data.d.results[0].jobReqId, '2001');
      assert.throws(() => passthroughUrl(client.baseUrl, api, '/EmpJob'), /outside the paths this API allows/);
      const meta = await client.request<any>({
        method: 'GET',
        path: passthroughUrl(client.baseUrl, api, '/$metadata').toString(),
        headers: { accept: 'application/xml' },
      });
      assert.match(
        String(meta.data),
        /<EntitySet Name="JobApplicationAssessmentReport" EntityType="SFOData.JobApplicationAssessmentReport" sap:creatable="true"/,
      );
    });
  });

  describe('what atsgate says about SuccessFactors', () => {
    test('connect page: API server, company, API key, private key (secret), certificate and user, each with where to find it', () => {
      const l = pendingConnectLink('successfactors');
      const html = formPage(l, 'tok', connector.definition, { allowBaseUrl: false, picked: true });
      assert.match(html, /<label for="f-api_server">API server<\/label>/);
      assert.match(html, /id="f-private_key" name="cred_private_key"[^>]*type="password"/);
      assert.match(html, /Manage OAuth2 Client Applications/);
      assert.match(html, /Show version information/);
    });
    test('coverage and the README row: native assessment reports, notes on the application, files on the candidate', () => {
      const cov = Object.fromEntries(coverage(connector.definition).write_actions.map((w) => [w.id, w.coverage_status]));
      assert.equal(cov.ats_add_application_result_link, 'SUPPORTED');
      assert.equal(cov.ats_add_candidate_attachment, 'SUPPORTED');
      assert.equal(cov.ats_add_note_to_application, 'SUPPORTED');
      const row = connectorsTable()
        .split('\n')
        .find((x) => x.startsWith('| SAP SuccessFactors |'))!;
      assert.match(row, /^\| SAP SuccessFactors \| native \/ native \| native \| An assessment report .* \| application \/ candidate \|/);
    });
  });
});
