import '../support/fast-retries.ts';
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { connector } from '../../src/connectors/icims/index.ts';
import { searchIds, icimsClient, isoFromIcims, icimsDateTime, rateLimitWaitMs, tokenUrl } from '../../src/connectors/icims/client.ts';
import { assessmentEntry } from '../../src/connectors/icims/write.ts';
import { transportBaseUrl } from '../../src/http/transport.ts';
import type { CandidateRef } from '../../src/connectors/types.ts';
import { connectorContext, collect } from '../support/connector-context.ts';
import { contextCache, journalMarks, resultLinkInput, attachmentInput, applicationRef as appRef } from '../support/connector-unit.ts';
import { rejectsWithCode as rejectsWith } from '../support/assertions.ts';
import { startIcimsFake, type IcimsFake } from '../fakes/icims.ts';
import { formPage } from '../../src/connect/page.ts';
import { connectorsTable } from '../../src/docs/connectors-table.ts';
import { coverage } from '../../src/connectors/coverage.ts';
import { pendingConnectLink } from '../support/connect-link.ts';
import { passthroughUrl } from '../../src/passthrough/target.ts';

const c = { ...connector, downloadAttachment: connector.downloadAttachment! };
const link = resultLinkInput({
  label: 'Acme Cognitive Test',
  url: 'https://acme.example/results/7',
  details: { custom_field_name_prefix: 'Acme:', attributes: [{ key: 'Score', value: '88%' }] },
});
const file = attachmentInput({ content_type: 'application/pdf', type: 'OTHER' });

describe('iCIMS connector', () => {
  let fake: IcimsFake;
  const ctxOf = contextCache(connector as any, () => fake);
  const { since, requestsSince } = journalMarks(() => fake);
  const candRef = (id: string): CandidateRef => ({ remote_id: id, applications: fake.workflowsOf(id).map((a) => appRef(a, id)) });
  const api = () => `/customers/${fake.customerId}`;

  before(async () => {
    fake = await startIcimsFake({ candidateCount: 30, extraPeople: 1005, rateLimit: { limit: 5000, windowMs: 1000 } });
  });
  after(() => fake.stop());

  describe('auth and credentials', () => {
    test('a client-credentials token with the API audience, sent as Bearer and reused; probes search each profile type', async () => {
      const issued = fake.tokensIssued();
      const mark = since();
      await connector.checkCredentials(ctxOf());
      const calls = requestsSince(mark);
      assert.equal(calls[0].path, '/oauth/token');
      assert.match(String(calls[0].headers['content-type']), /application\/x-www-form-urlencoded/);
      assert.equal(calls[0].form?.get('grant_type'), 'client_credentials');
      assert.equal(calls[0].form?.get('audience'), 'https://api.icims.com/v1/');
      assert.deepEqual(
        calls.slice(1).map((r) => `${r.method} ${r.path}`),
        ['jobs', 'people', 'applicantworkflows'].map((t) => `POST ${api()}/search/${t}`),
      );
      assert.ok(calls.slice(1).every((r) => /^Bearer icims_/.test(String(r.headers.authorization))));
      await collect(connector.readJobs(ctxOf(), {}));
      assert.equal(fake.tokensIssued(), issued + 1, 'the token is cached');
    });

    test('a wrong secret is AUTHENTICATION_INVALID; a user outside the Integration User group is PERMISSION_MISSING naming it', async () => {
      await rejectsWith(connector.checkCredentials(ctxOf(fake.badCredentials)), 'INTEGRATION.AUTHENTICATION_INVALID');
      const err = await connector.checkCredentials(ctxOf(fake.noSearchCredentials)).catch((e) => e);
      assert.equal(err.code, 'INTEGRATION.PERMISSION_MISSING');
      assert.match(err.message, /Integration User group/);
      assert.match(err.message, /User is not part of the Integration User group/, "iCIMS's X-Error text is passed on");
    });

    test('an expired token is minted again once, and the call succeeds', async () => {
      const issued = fake.tokensIssued();
      fake.expireTokens();
      const jobs = (await collect(connector.readJobs(ctxOf(), {}))).flat();
      assert.equal(jobs.length, 3);
      assert.equal(fake.tokensIssued(), issued + 1);
    });

    test('the production URLs: US by default, EU by region, customer id checked; token host only for production', () => {
      const def = connector.definition;
      const prod = (creds: Record<string, unknown>) => transportBaseUrl(def, { baseUrl: def.defaultBaseUrl, credentials: creds });
      assert.equal(prod({ customer_id: '1234' }), 'https://api.icims.com/customers/1234');
      assert.equal(prod({ customer_id: '1234', region: 'eu' }), 'https://api-eu.icims.com/customers/1234');
      assert.throws(() => prod({ customer_id: '12/../34' }), /customer ID/);
      const ctx = connectorContext(connector as any, { customer_id: '1234', client_id: 'a', client_secret: 'b' }, def.defaultBaseUrl).ctx;
      assert.equal(tokenUrl(ctx), 'https://login.icims.com/oauth/token');
      assert.equal(tokenUrl(ctxOf()), `${fake.url}/oauth/token`);
    });
  });

  describe('reads', () => {
    test('the Search API cap: more than 1,000 people are paged with the id filter', async () => {
      const mark = since();
      const pages = await collect(searchIds(icimsClient(ctxOf()), 'people'));
      const ids = pages.flat();
      assert.equal(ids.length, 30 + 1005);
      assert.equal(new Set(ids).size, ids.length);
      const searches = requestsSince(mark).filter((r) => r.path.endsWith('/search/people'));
      assert.equal(searches.length, 2);
      assert.deepEqual(searches[1].json.filters[0], { name: 'person.id', value: [ids[999]], operator: '>' });
    });

    test('jobs, candidates and Recruiting Workflows map from their profiles, read with fields=', async () => {
      const mark = since();
      const jobs = (await collect(connector.readJobs(ctxOf(), {}))).flat();
      assert.deepEqual(
        jobs.map((j) => [j.name, j.status, j.job_code, j.department]),
        [
          ['Warehouse Associate', 'OPEN', '2026-1001', 'Logistics'],
          ['Payroll Analyst', 'CLOSED', '2026-1002', 'Finance'],
          ['Store Manager', 'DRAFT', '2026-1003', 'Retail'],
        ],
      );
      assert.equal(jobs[0].remote_updated_at, '2026-09-01T12:00:00.000Z');
      assert.equal(jobs[0].location?.raw, 'Holmdel, NJ', 'the Location profile link (ADDRESSLINK `location`)');
      const get = requestsSince(mark).find((r) => r.method === 'GET');
      assert.match(get!.query.get('fields') ?? '', /jobtitle/);
      const apps = (await collect(connector.readApplications(ctxOf(), {}))).flat();
      assert.equal(apps.length, fake.applicationRemoteIds().length);
      assert.deepEqual(new Set(apps.map((a) => a.outcome)), new Set(['PENDING', 'HIRED', 'DECLINED']));
      const rejected = apps.find((a) => a.outcome === 'DECLINED')!;
      assert.equal(rejected.rejection_reason_name, 'Candidate: Rejected');
      assert.ok(apps.every((a) => a.job_remote_id && a.candidate_remote_id));
    });

    test('delta: the searches filter on updateddate (iCIMS date format), and fall back to a full read if refused', async () => {
      const [wf] = fake.applicationRemoteIds();
      fake.touchWorkflow(wf, new Date('2026-11-20T15:30:00Z'));
      const mark = since();
      const apps = (await collect(connector.readApplications(ctxOf(), { updatedAfter: new Date('2026-11-01T00:00:00Z') }))).flat();
      assert.deepEqual(
        apps.map((a) => a.remote_id),
        [wf],
      );
      const search = requestsSince(mark).find((r) => r.path.endsWith('/search/applicantworkflows'))!;
      assert.deepEqual(search.json.filters[1], { name: 'applicantworkflow.updateddate', value: ['2026-10-31 11:40 PM'], operator: '>' });

      const strict = await startIcimsFake({ candidateCount: 4, updatedFilterRejected: true, rateLimit: { limit: 5000, windowMs: 1000 } });
      try {
        const ctx = connectorContext(connector as any, strict.credentials, strict.url).ctx;
        const all = (await collect(connector.readApplications(ctx, { updatedAfter: new Date('2026-11-01T00:00:00Z') }))).flat();
        assert.equal(all.length, strict.applicationRemoteIds().length);
      } finally {
        await strict.stop();
      }
    });

    test('iCIMS dates convert both ways', () => {
      assert.equal(icimsDateTime(new Date('2026-03-04T00:05:00Z')), '2026-03-04 12:05 AM');
      assert.equal(icimsDateTime(new Date('2026-03-04T13:05:00Z')), '2026-03-04 01:05 PM');
      assert.equal(isoFromIcims('2015-09-30 02:07 PM'), '2015-09-30T14:07:00.000Z');
      assert.equal(isoFromIcims('2015-09-30 12:07 AM'), '2015-09-30T00:07:00.000Z');
      assert.equal(isoFromIcims('2015-09-30'), '2015-09-30T00:00:00.000Z');
    });

    test('a 429 waits Retry-After, else X-RateLimit-Reset, else a second', () => {
      assert.equal(rateLimitWaitMs({ 'retry-after': '3' }), 3000);
      assert.equal(rateLimitWaitMs({ 'x-ratelimit-reset': '5' }), 5000);
      assert.equal(rateLimitWaitMs({}), 1000);
    });
  });

  describe('writes', () => {
    test('an application result link becomes an Assessment Results entry with name, URL, score, notes and date', async () => {
      const [wf] = fake.applicationRemoteIds();
      const out = await connector.addApplicationResultLink(ctxOf(), appRef(wf), link());
      assert.deepEqual(out.warnings, []);
      const [entry] = fake.assessmentsOf(wf).slice(-1);
      assert.deepEqual((entry as any).assessmentname, { value: 'Acme Cognitive Test' });
      assert.equal((entry as any).assessmentresult, 'https://acme.example/results/7');
      assert.equal((entry as any).assessmentscore, 88);
      assert.equal((entry as any).assessmentnotes, 'Acme: Score: 88%');
      assert.match(String((entry as any).assessmentdate), /^\d{4}-\d{2}-\d{2} \d{2}:\d{2} (AM|PM)$/);
    });

    test("a name outside the customer's Assessment Name list is saved without it, the label in the notes, with a warning", async () => {
      const [, wf] = fake.applicationRemoteIds();
      const out = await connector.addApplicationResultLink(ctxOf(), appRef(wf), link({ label: 'Other vendor test' }));
      assert.match(out.warnings.join(' '), /Assessment Name list/);
      const [entry] = fake.assessmentsOf(wf).slice(-1);
      assert.equal((entry as any).assessmentname, undefined);
      assert.match(String((entry as any).assessmentnotes), /^Other vendor test; Acme: Score: 88%/);
    });

    test('remote_fields.icims.assessment_package_id names the Assessment Name node; an unknown one falls back with a warning', async () => {
      const [, , wf] = fake.applicationRemoteIds();
      const ok = await connector.addApplicationResultLink(
        ctxOf(),
        appRef(wf),
        link({ label: 'Unlisted label', remote_fields: { icims: { assessment_package_id: 'C31337', other: 1 } } }),
      );
      assert.deepEqual((fake.assessmentsOf(wf).slice(-1)[0] as any).assessmentname, { id: 'C31337' });
      assert.match(ok.warnings.join(' '), /remote_fields\.icims\.other/);
      const bad = await connector.addApplicationResultLink(
        ctxOf(),
        appRef(wf),
        link({ remote_fields: { icims: { assessment_package_id: 'C404' } } }),
      );
      assert.match(bad.warnings[0], /package C404/);
      assert.equal((fake.assessmentsOf(wf).slice(-1)[0] as any).assessmentname, undefined);
    });

    test('long URLs and notes are fitted to the 128 and 192 character limits, with warnings', () => {
      const long = link({
        url: `https://acme.example/${'r'.repeat(140)}`,
        details: { custom_field_name_prefix: 'Acme:', attributes: [{ key: 'Summary', value: 'x'.repeat(300) }] },
      });
      const { entry, warnings } = assessmentEntry(long, true);
      assert.equal(entry.assessmentresult, undefined);
      assert.equal(String(entry.assessmentnotes).length, 192);
      assert.ok(String(entry.assessmentnotes).startsWith(long.url));
      assert.equal(warnings.length, 2);
    });

    test('a candidate-level link goes to each current Recruiting Workflow with a warning; none is INPUT_INVALID', async () => {
      const cand = fake.candidateRemoteIds().find((id) => fake.workflowsOf(id).length === 2)!;
      const out = await connector.addCandidateResultLink(ctxOf(), candRef(cand), link());
      assert.match(out.warnings[0], /2 current applications/);
      for (const wf of fake.workflowsOf(cand)) assert.ok(fake.assessmentsOf(wf).length >= 1);
      await rejectsWith(connector.addCandidateResultLink(ctxOf(), { remote_id: cand, applications: [] }, link()), 'PLATFORM.INPUT_INVALID');
    });

    test('an unknown workflow is a not-found error, not a 500', async () => {
      const err = await connector.addApplicationResultLink(ctxOf(), appRef('999999'), link()).catch((e) => e);
      assert.ok(err.code);
      assert.notEqual(err.status, 500);
    });

    test('notes are not available', async () => {
      await rejectsWith(
        connector.addApplicationNote(ctxOf(), appRef('5000'), { content: 'hi', content_type: 'PLAIN_TEXT', remote_fields: {} }),
        'INTEGRATION.ACTION_NOT_AVAILABLE',
      );
    });

    test('a CV goes to resume and another file to the file field, both listed and downloaded byte for byte', async () => {
      const cand = fake.candidateRemoteIds()[1];
      const cv = Buffer.from([37, 80, 68, 70, 0, 1, 2, 255]);
      const r1 = await connector.addCandidateAttachment(ctxOf(), candRef(cand), file('cv.pdf', cv, 'CV'));
      assert.match(r1.warnings[0], /one resume/);
      await connector.addCandidateAttachment(ctxOf(), candRef(cand), file('report.pdf', 'report bytes'));
      assert.deepEqual(fake.fileOf(cand, 'resume')?.data, cv);
      assert.equal(fake.fileOf(cand, 'field3456')?.name, 'report.pdf');
      const { attachments } = await connector.listCandidateAttachments(ctxOf(), candRef(cand));
      assert.deepEqual(
        attachments.map((a) => [a.file_name, a.type]),
        [
          ['cv.pdf', 'CV'],
          ['report.pdf', 'OTHER'],
        ],
      );
      // Further files take the next empty file field; when all are taken the first is replaced, with a warning.
      const r3 = await connector.addCandidateAttachment(ctxOf(), candRef(cand), file('r2.pdf', 'two'));
      const r4 = await connector.addCandidateAttachment(ctxOf(), candRef(cand), file('r3.pdf', 'three'));
      assert.deepEqual([r3.warnings, r4.warnings], [[], []]);
      assert.deepEqual(
        ['field3456', 'field3457', 'field3458'].map((f) => fake.fileOf(cand, f)?.name),
        ['report.pdf', 'r2.pdf', 'r3.pdf'],
      );
      const r5 = await connector.addCandidateAttachment(ctxOf(), candRef(cand), file('r4.pdf', 'four'));
      assert.match(r5.warnings[0], /replaced the one in field field3456/);
      assert.equal(fake.fileOf(cand, 'field3456')?.name, 'r4.pdf');
      const dl = await c.downloadAttachment(ctxOf(), `${cand}:resume`);
      assert.deepEqual(dl.data, cv);
      assert.equal(dl.file_name, 'cv.pdf');
      await rejectsWith(c.downloadAttachment(ctxOf(), `${cand}:../x`), 'PLATFORM.INPUT_INVALID');
    });

    test('without a file field only CVs can be attached; an application file goes to its person with a warning', async () => {
      const cand = fake.candidateRemoteIds()[2];
      const mark = since();
      await rejectsWith(
        connector.addCandidateAttachment(ctxOf(fake.resumeOnlyCredentials), candRef(cand), file('report.pdf', 'r')),
        'INTEGRATION.ACTION_NOT_AVAILABLE',
      );
      assert.equal(requestsSince(mark).length, 0, 'nothing reached iCIMS');
      const [wf] = fake.workflowsOf(cand);
      const out = await connector.addApplicationAttachment(ctxOf(), appRef(wf, cand), file('cv2.pdf', 'cv2', 'CV'));
      assert.match(out.warnings[0], /keeps files on the candidate/);
      assert.equal(fake.fileOf(cand, 'resume')?.name, 'cv2.pdf');
    });
  });

  describe('errors, rate limits and passthrough', () => {
    test("iCIMS's X-Error text reaches the caller; a 429 is waited out and the write goes through once", async () => {
      const err = await collect(
        connector.readJobs(connectorContext(connector as any, { ...fake.credentials, customer_id: '9999' }, fake.url).ctx, {}),
      ).catch((e) => e);
      assert.match(String(err.message), /Customer not found/);
      const [wf] = fake.applicationRemoteIds();
      const before = fake.assessmentsOf(wf).length;
      fake.failNext(1, 429);
      await connector.addApplicationResultLink(ctxOf(), appRef(wf), link());
      assert.equal(fake.assessmentsOf(wf).length, before + 1);
      fake.failNext(10, 503);
      await rejectsWith(collect(connector.readJobs(ctxOf(), {})), 'REMOTE.SERVICE_UNAVAILABLE');
      fake.failNext(0, 503);
    });

    test("the `recruit` passthrough reaches the customer's API with the minted token, and only its paths", async () => {
      const api = connector.definition.passthrough!.recruit;
      const client = await connector.passthroughClient!(ctxOf());
      const url = passthroughUrl(client.baseUrl, api, '/jobs/11?fields=jobtitle');
      assert.equal(url.pathname, `/customers/${fake.customerId}/jobs/11`);
      const res = await client.request<any>({ method: 'GET', path: url.toString() });
      assert.deepEqual(res.data, { jobtitle: 'Warehouse Associate' });
      assert.throws(() => passthroughUrl(client.baseUrl, api, '/users/1'), /outside the paths this API allows/);
    });
  });

  describe('what atsgate says about iCIMS', () => {
    test('connect page: customer id, client, secret, region and file fields, each with where to find it', () => {
      const l = pendingConnectLink('icims');
      const html = formPage(l, 'tok', connector.definition, { allowBaseUrl: false, picked: true });
      assert.match(html, /<label for="f-customer_id">Customer ID<\/label>/);
      assert.match(html, /id="f-client_secret" name="cred_client_secret"[^>]*type="password"/);
      assert.match(html, /Integration User group/);
      assert.match(html, /api-eu\.icims\.com/);
      assert.match(html, /field12345/);
    });
    test('stage moves, rejections and tags refuse with what iCIMS lacks, before any call', async () => {
      const ctx = ctxOf();
      const mark = since();
      const app = appRef(fake.applicationRemoteIds()[0]);
      await rejectsWith(
        connector.moveApplicationToStage(ctx, app, { stage: { remote_id: 'D10100', name: 'Recently Applied' }, remote_fields: {} }),
        'INTEGRATION.ACTION_NOT_AVAILABLE',
        /no public call lists a customer's workflow statuses/,
      );
      await rejectsWith(
        connector.rejectApplication(ctx, app, { reason: { remote_id: 'x', name: null }, note: null, remote_fields: {} }),
        'INTEGRATION.ACTION_NOT_AVAILABLE',
        /no rejection-reason field/,
      );
      await rejectsWith(
        connector.addCandidateTag(ctx, candRef(fake.candidateRemoteIds()[0]), { name: 'x', remote_fields: {} }),
        'INTEGRATION.ACTION_NOT_AVAILABLE',
        /no candidate tags/,
      );
      assert.deepEqual(requestsSince(mark), [], 'nothing reached iCIMS');
      const caps = connector.definition.capabilities;
      assert.deepEqual(
        [caps.applicationStatus.stageMove, caps.applicationStatus.reject, caps.applicationStatus.rejectionReasons],
        [false, false, false],
      );
      assert.equal(caps.users.read, false);
      assert.match(caps.users.summary, /^Not read yet: .*no call that lists platform users.*; GET \/v1\/ats\/users is empty\.$/);
    });
    test('coverage and the README row: native assessment results, files on the person, no notes', () => {
      const cov = Object.fromEntries(coverage(connector.definition).write_actions.map((w) => [w.id, w.coverage_status]));
      assert.equal(cov.ats_add_candidate_result_link, 'SUPPORTED');
      assert.equal(cov.ats_add_application_result_link, 'SUPPORTED');
      assert.equal(cov.ats_add_candidate_attachment, 'SUPPORTED');
      assert.equal(cov.ats_add_note_to_application, 'UNSUPPORTED');
      const row = connectorsTable()
        .split('\n')
        .find((x) => x.startsWith('| iCIMS |'))!;
      assert.match(
        row,
        /^\| iCIMS \| native \/ native \| native \| An entry in the Recruiting Workflow's Assessment Results .* \| — \/ candidate \| Not written yet .* \| Not yet .* \| yes \|$/,
      );
    });
  });
});
