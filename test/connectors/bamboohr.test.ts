import '../support/fast-retries.ts';
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { connector } from '../../src/connectors/bamboohr/index.ts';
import { ATTACHMENTS_UNAVAILABLE } from '../../src/connectors/bamboohr/definition.ts';
import { transportBaseUrl } from '../../src/http/transport.ts';
import type { CandidateRef } from '../../src/connectors/types.ts';
import { connectorContext, collect } from '../support/connector-context.ts';
import { contextCache, journalMarks, resultLinkInput, applicationRef as appRef } from '../support/connector-unit.ts';
import { rejectsWithCode as rejectsWith } from '../support/assertions.ts';
import { startBambooHrFake, type BambooHrFake } from '../fakes/bamboohr.ts';
import { connectPage, writeCoverage } from '../support/connector-checks.ts';
import { connectorsTable } from '../../src/docs/connectors-table.ts';

const c = { ...connector, downloadAttachment: connector.downloadAttachment! };
const link = resultLinkInput({
  label: 'Acme assessment',
  url: 'https://acme.example/results/7',
  details: { custom_field_name_prefix: 'Acme:', attributes: [{ key: 'Score', value: '88%' }] },
});

describe('BambooHR connector', () => {
  let fake: BambooHrFake;
  const ctxOf = contextCache(connector as any, () => fake);
  const { since, requestsSince } = journalMarks(() => fake);

  before(async () => {
    fake = await startBambooHrFake({ candidateCount: 45, rateLimit: { limit: 1000, windowMs: 1000 } });
  });
  after(() => fake.stop());

  describe('auth and credentials', () => {
    test('Basic auth with the API key as user name and "x" as password, on the company host', async () => {
      const mark = since();
      await connector.checkCredentials(ctxOf());
      const [req] = requestsSince(mark);
      assert.equal(req.path, '/api/v1/applicant_tracking/statuses');
      assert.equal(
        Buffer.from(String(req.headers.authorization).replace('Basic ', ''), 'base64').toString(),
        `${fake.credentials.api_key}:x`,
      );
      const def = connector.definition;
      assert.equal(
        transportBaseUrl(def, { baseUrl: def.defaultBaseUrl, credentials: { company_domain: 'Acme.bamboohr.com', api_key: 'k' } }),
        'https://acme.bamboohr.com',
      );
      assert.throws(
        () => transportBaseUrl(def, { baseUrl: def.defaultBaseUrl, credentials: { company_domain: 'acme.evil.com/x', api_key: 'k' } }),
        /company subdomain/,
      );
    });
    test('a wrong key is INTEGRATION.AUTHENTICATION_INVALID, without the key in the message', async () => {
      const err = await rejectsWith(
        connector.checkCredentials(ctxOf(fake.badCredentials)),
        'INTEGRATION.AUTHENTICATION_INVALID',
        'BambooHR rejected the API key',
      );
      assert.ok(!err.message.includes(String(fake.badCredentials.api_key)));
    });
    test('a key whose user has no ATS access is INTEGRATION.PERMISSION_MISSING saying what to grant', async () => {
      await rejectsWith(
        connector.checkCredentials(ctxOf(fake.limitedCredentials)),
        'INTEGRATION.PERMISSION_MISSING',
        'access to Hiring (ATS settings)',
      );
    });
  });

  describe('reads', () => {
    test('applications: every page of every status group, outcome from the group, nextPageUrl followed', async () => {
      const mark = since();
      const apps = await collect(connector.readApplications(ctxOf(), {}));
      assert.deepEqual(apps.map((a) => a.remote_id).sort(), [...fake.applicationRemoteIds()].sort());
      const calls = requestsSince(mark);
      const groups = calls.map((r) => r.query.get('applicationStatus'));
      assert.deepEqual([...new Set(groups)], ['NEW,ACTIVE', 'HIRED', 'INACTIVE']);
      assert.ok(
        calls.every((r) => r.query.get('jobStatusGroups') === 'ALL'),
        'applications of filled and closed jobs too',
      );
      const pending = calls.filter((r) => r.query.get('applicationStatus') === 'NEW,ACTIVE');
      assert.ok(pending.length >= 3, `${pending.length} pages`);
      assert.deepEqual(
        pending.map((r) => r.query.get('page')),
        pending.map((_, i) => String(i + 1)),
      );
      // Status ids 4 = Hired, 5/6 = inactive statuses in the fake's company.
      for (const a of apps) {
        const status = Number(a.current_stage!.remote_id);
        assert.equal(a.outcome, status === 4 ? 'HIRED' : status >= 5 ? 'DECLINED' : 'PENDING', `${a.remote_id}`);
      }
      const declined = apps.find((a) => a.outcome === 'DECLINED')!;
      assert.ok(['Not a fit', 'Offer declined'].includes(declined.rejection_reason_name!));
    });
    test('candidates are the applicants, each once; jobs of every state with their status', async () => {
      const candidates = await collect(connector.readCandidates(ctxOf(), {}));
      assert.deepEqual(candidates.map((x) => x.remote_id).sort(), [...fake.candidateRemoteIds()].sort());
      const first = candidates.find((x) => x.remote_id === '3000')!;
      assert.equal(first.first_name, 'Avery');
      assert.deepEqual(first.email_addresses, [{ email_address: 'applicant0@example.com', type: null }]);
      assert.equal(first.source, 'Company website');
      const mark = since();
      const jobs = await collect(connector.readJobs(ctxOf(), {}));
      assert.equal(requestsSince(mark)[0].query.get('statusGroups'), 'ALL');
      assert.deepEqual(
        jobs.map((j) => [j.remote_id, j.status, j.department]),
        [
          ['11', 'OPEN', 'Customer Success'],
          ['12', 'CLOSED', 'Finance'],
          ['13', 'CLOSED', 'Engineering'],
        ],
      );
      assert.equal(jobs[0].post_url, 'https://acme.bamboohr.com/careers/11');
      assert.equal(jobs[0].location?.city, 'Lindon');
    });
  });

  describe('result links', () => {
    test('an application link is a comment with label, URL and attributes, with warnings', async () => {
      const app = fake.applicationsOf('3001')[0];
      const res = await connector.addApplicationResultLink(ctxOf(), appRef(app), link());
      const [comment] = fake.commentsOf(app);
      assert.equal(comment.type, 'comment');
      assert.equal(comment.comment, 'Acme assessment: https://acme.example/results/7\nAcme: Score: 88%');
      assert.equal(res.warnings.length, 2);
      assert.match(res.warnings[0], /note on the application/);
    });
    test('a candidate link goes to each current application', async () => {
      const apps = fake.applicationsOf('3004');
      assert.equal(apps.length, 2);
      const cand: CandidateRef = { remote_id: '3004', applications: apps.map((id) => ({ ...appRef(id), candidate_remote_id: '3004' })) };
      const res = await connector.addCandidateResultLink(ctxOf(), cand, link({ details: null }));
      for (const id of apps) assert.equal(fake.commentsOf(id).length, 1);
      assert.ok(res.warnings.some((w) => /2 current applications/.test(w)));
      await rejectsWith(
        connector.addCandidateResultLink(ctxOf(), { remote_id: '1', applications: [] }, link()),
        'PLATFORM.INPUT_INVALID',
        'no application',
      );
    });
    test("an unknown application is PLATFORM.INPUT_INVALID with BambooHR's header message", async () => {
      await rejectsWith(connector.addApplicationResultLink(ctxOf(), appRef('999999'), link()), 'PLATFORM.INPUT_INVALID', 'Bad request url');
    });
  });

  describe('attachments', () => {
    test('adding a file is INTEGRATION.ACTION_NOT_AVAILABLE, saying files travel only with a new candidate', async () => {
      const mark = since();
      const file = { name: 'cv.pdf', type: 'CV' as const, content_type: 'application/pdf', file: new Blob(['%PDF']), remote_fields: {} };
      await rejectsWith(
        connector.addCandidateAttachment(ctxOf(), { remote_id: '3000', applications: [] }, file),
        'INTEGRATION.ACTION_NOT_AVAILABLE',
        ATTACHMENTS_UNAVAILABLE,
      );
      assert.equal(requestsSince(mark).length, 0);
      assert.equal(connector.definition.capabilities.attachments.unavailable, ATTACHMENTS_UNAVAILABLE);
    });
    test("a candidate's files are listed from its applications and download through atsgate, the key never sent to the file host", async () => {
      const apps = fake.applicationsOf('3000');
      const cand: CandidateRef = { remote_id: '3000', applications: apps.map((id) => ({ ...appRef(id), candidate_remote_id: '3000' })) };
      const { attachments } = await connector.listCandidateAttachments(ctxOf(), cand);
      assert.deepEqual(attachments.map((a) => [a.file_name, a.type]).sort(), [
        ['portfolio-0.txt', 'OTHER'],
        ['portfolio-0.txt', 'OTHER'],
        ['resume-0.pdf', 'CV'],
        ['resume-0.pdf', 'CV'],
      ]);
      const cv = attachments.find((a) => a.type === 'CV')!;
      const ref = decodeURIComponent(cv.data_url.split('/files/')[1]);
      const file = await c.downloadAttachment(ctxOf(), ref);
      assert.equal(file.data.toString(), '%PDF-1.4 resume of applicant 0 %%EOF');
      assert.equal(file.content_type, 'application/pdf');
      assert.equal(fake.fileRequestsWithCredentials(), 0);
    });
  });

  describe('throttling and errors', () => {
    test('a 429 with Retry-After is waited out, even for the comment POST', async () => {
      const app = fake.applicationsOf('3002')[0];
      fake.failNext(1, 429);
      const started = Date.now();
      await connector.addApplicationResultLink(ctxOf(), appRef(app), link({ details: null }));
      assert.ok(Date.now() - started >= 900, 'waited for Retry-After');
      assert.equal(fake.commentsOf(app).length, 1, 'written once');
    });
    test('the older throttle, 503 with Retry-After, is retried on reads', async () => {
      const legacy = await startBambooHrFake({ candidateCount: 3, legacyThrottle: true });
      try {
        const ctx = connectorContext(connector as any, legacy.credentials, legacy.url).ctx;
        legacy.failNext(1, 429); // the fake's throttle answer, in its 503 form
        assert.equal((await collect(connector.readJobs(ctx, {}))).length, 3);
      } finally {
        await legacy.stop();
      }
    });
    test('a 503 on the comment POST is not retried (it may have been processed); a 503 storm on reads fails clearly', async () => {
      const app = fake.applicationsOf('3003')[0];
      const mark = since();
      fake.failNext(1, 503);
      await rejectsWith(
        connector.addApplicationResultLink(ctxOf(), appRef(app), link()),
        'REMOTE.SERVICE_UNAVAILABLE',
        'Service Unavailable',
      );
      assert.equal(requestsSince(mark).length, 1);
      fake.failNext(10, 503);
      await rejectsWith(collect(connector.readJobs(ctxOf(), {})), 'REMOTE.SERVICE_UNAVAILABLE');
      fake.failNext(0, 503);
    });
  });

  describe('what atsgate says about BambooHR', () => {
    test('connect page: subdomain and secret API key, each with where to find it', () => {
      const html = connectPage(connector.definition);
      assert.match(html, /<label for="f-company_domain">Company subdomain<\/label>/);
      assert.match(html, /id="f-api_key" name="cred_api_key"[^>]*type="password"/);
      assert.match(html, /API Keys → Add New Key/);
      assert.match(html, /access to Hiring \(ATS settings\)/);
    });
    test('coverage and the README row: comments for result links and notes, no file uploads, files listed', () => {
      const cov = writeCoverage(connector.definition);
      assert.deepEqual(cov, {
        ats_add_candidate_result_link: 'SUPPORTED',
        ats_add_application_result_link: 'SUPPORTED',
        ats_add_candidate_attachment: 'UNSUPPORTED',
        ats_get_candidate_attachments: 'SUPPORTED',
        ats_add_note_to_application: 'SUPPORTED',
        ats_add_application_attachment: 'UNSUPPORTED',
        ats_get_application_attachments: 'SUPPORTED',
        ats_add_candidate_tag: 'UNSUPPORTED',
        ats_remove_candidate_tag: 'UNSUPPORTED',
        ats_move_application_to_stage: 'SUPPORTED',
        ats_reject_application: 'UNSUPPORTED',
      });
      const row = connectorsTable()
        .split('\n')
        .find((l) => l.startsWith('| BambooHR |'))!;
      assert.match(
        row,
        /^\| BambooHR \| note \/ note \| note \| A comment on the application .* \| — \| application \/ — \| Not possible: BambooHR has no candidate tags .* \| Stage: the applicant status .* \| no \|$/,
      );
    });
  });
});
