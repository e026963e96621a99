import '../support/fast-retries.ts';
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { connector } from '../../src/connectors/pinpoint/index.ts';
import { transportBaseUrl } from '../../src/http/transport.ts';
import type { CandidateRef } from '../../src/connectors/types.ts';
import { connectorContext, collect } from '../support/connector-context.ts';
import { contextCache, journalMarks, resultLinkInput, attachmentInput, applicationRef as appRef } from '../support/connector-unit.ts';
import { rejectsWithCode as rejectsWith } from '../support/assertions.ts';
import { startPinpointFake, type PinpointFake } from '../fakes/pinpoint.ts';
import { connectPage, writeCoverage } from '../support/connector-checks.ts';
import { connectorsTable } from '../../src/docs/connectors-table.ts';

const c = { ...connector, downloadAttachment: connector.downloadAttachment!, listCustomFields: connector.listCustomFields! };
const link = resultLinkInput({
  label: 'Acme assessment',
  url: 'https://acme.example/results/7',
  details: { custom_field_name_prefix: 'Acme:', attributes: [{ key: 'Score', value: '88%' }] },
});
const file = attachmentInput({ content_type: 'application/pdf', type: 'OTHER' });

describe('Pinpoint connector', () => {
  let fake: PinpointFake;
  const ctxOf = contextCache(connector as any, () => fake);
  const { since, requestsSince } = journalMarks(() => fake);
  const candRef = (id: string): CandidateRef => ({ remote_id: id, applications: fake.applicationsOf(id).map((a) => appRef(a, id)) });

  before(async () => {
    fake = await startPinpointFake({ candidateCount: 130, rateLimit: { limit: 1000, windowMs: 1000 } });
  });
  after(() => fake.stop());

  describe('auth and credentials', () => {
    test('X-API-KEY and the JSON:API Accept header on the account host; a pasted host is cut to the subdomain', async () => {
      const mark = since();
      await connector.checkCredentials(ctxOf());
      const reqs = requestsSince(mark);
      assert.deepEqual(
        reqs.map((r) => r.path),
        ['/api/v1/jobs', '/api/v1/candidates', '/api/v1/applications'],
      );
      for (const r of reqs) {
        assert.equal(r.headers['x-api-key'], fake.credentials.api_key);
        assert.equal(r.headers.accept, 'application/vnd.api+json');
        assert.equal(r.headers.authorization, undefined);
      }
      const def = connector.definition;
      const url = (subdomain: string) => transportBaseUrl(def, { baseUrl: def.defaultBaseUrl, credentials: { subdomain, api_key: 'k' } });
      assert.equal(url('Acme.pinpointhq.com'), 'https://acme.pinpointhq.com/api/v1');
      assert.throws(() => url('acme.evil.com/x'), /Pinpoint subdomain/);
    });
    test('a wrong key is INTEGRATION.AUTHENTICATION_INVALID, without the key in the message', async () => {
      const err = await rejectsWith(
        connector.checkCredentials(ctxOf(fake.badCredentials)),
        'INTEGRATION.AUTHENTICATION_INVALID',
        'Pinpoint rejected the API key',
      );
      assert.ok(!err.message.includes(String(fake.badCredentials.api_key)));
      assert.match(err.message, /No API key provided or API key invalid/);
    });
    test('an integration that is not enabled is INTEGRATION.PERMISSION_MISSING saying to switch the API on', async () => {
      await rejectsWith(
        connector.checkCredentials(ctxOf(fake.disabledCredentials)),
        'INTEGRATION.PERMISSION_MISSING',
        'Integration not enabled',
      );
    });
    test('a key without one area is INTEGRATION.PERMISSION_MISSING naming that area', async () => {
      await rejectsWith(
        connector.checkCredentials(ctxOf(fake.jobsOnlyCredentials)),
        'INTEGRATION.PERMISSION_MISSING',
        'Candidate (Read and Write)',
      );
    });
  });

  describe('reads', () => {
    test('applications: every page by page[number], candidate/job/stage included, outcome from the stage group', async () => {
      const mark = since();
      const apps = await collect(connector.readApplications(ctxOf(), {}));
      assert.deepEqual(apps.map((a) => a.remote_id).sort(), [...fake.applicationRemoteIds()].sort());
      const calls = requestsSince(mark);
      assert.ok(calls.length >= 2, `${calls.length} pages`);
      assert.deepEqual(
        calls.map((r) => r.query.get('page[number]')),
        calls.map((_, i) => String(i + 1)),
      );
      assert.ok(calls.every((r) => r.query.get('include') === 'candidate,job,stage' && r.query.get('page[size]') === '100'));
      assert.ok(calls.every((r) => r.query.get('extra_fields[applications]') === 'tags'));
      const declined = apps.filter((a) => a.outcome === 'DECLINED');
      assert.ok(declined.length > 0 && declined.every((a) => a.rejection_reason_name), 'rejected applications carry their rejection tag');
      for (const a of apps) {
        assert.ok(a.candidate_remote_id && a.job_remote_id && a.current_stage?.name, `${a.remote_id} is linked`);
        const expected = a.current_stage!.name === 'Hired' ? 'HIRED' : a.current_stage!.name === 'Rejected' ? 'DECLINED' : 'PENDING';
        assert.equal(a.outcome, expected, `${a.remote_id} in ${a.current_stage!.name}`);
      }
      assert.ok(
        apps.every((a) => a.job_remote_id !== '13'),
        "the confidential job's applications are not listed without filter[job_visibility]",
      );
    });
    test('JSON:API links.next is followed when Pinpoint sends it, and the walk ends where it is null', async () => {
      const linked = await startPinpointFake({ candidateCount: 250, links: true, rateLimit: { limit: 1000, windowMs: 1000 } });
      try {
        const ctx = connectorContext(connector as any, linked.credentials, linked.url).ctx;
        const mark = linked.server.journal.length;
        const candidates = await collect(connector.readCandidates(ctx, {}));
        assert.equal(candidates.length, 250);
        const calls = linked.server.journal.slice(mark);
        assert.deepEqual(
          calls.map((r) => r.query.get('page[number]')),
          ['1', '2', '3'],
        );
        assert.equal(calls.length, 3, 'no request after the page whose links.next is null');
        assert.deepEqual(
          calls.map((r) => r.query.get('sort')),
          [null, 'id', 'id'],
          'pages 2 and 3 are the URLs Pinpoint handed out',
        );
      } finally {
        await linked.stop();
      }
    });
    test('candidates and jobs, mapped from their attributes', async () => {
      const candidates = await collect(connector.readCandidates(ctxOf(), {}));
      assert.deepEqual(candidates.map((x) => x.remote_id).sort(), [...fake.candidateRemoteIds()].sort());
      const first = candidates.find((x) => x.remote_id === '3001')!;
      assert.equal(first.first_name, 'Blake');
      assert.deepEqual(first.email_addresses, [{ email_address: 'candidate1@example.com', type: null }]);
      assert.equal(first.phone_numbers?.length, 1);
      const mark0 = since();
      const jobs = await collect(connector.readJobs(ctxOf(), {}));
      assert.deepEqual(
        jobs.map((j) => [j.remote_id, j.name, j.status, j.visibility, j.employment_type]),
        [
          ['11', 'Customer Success Manager', 'OPEN', 'PUBLIC', 'FULL_TIME'],
          ['12', 'Payroll Specialist', 'CLOSED', 'INTERNAL', 'PART_TIME'],
          ['13', 'Head of People', 'OPEN', 'CONFIDENTIAL', 'FULL_TIME'],
        ],
      );
      assert.equal(jobs[2].confidential, true);
      assert.equal(requestsSince(mark0)[0].query.get('include'), 'stages');
      assert.deepEqual(
        jobs[0].stages?.map((st) => [st.remote_id, st.name]),
        [
          ['111', 'Applied'],
          ['112', 'Hiring Manager Review'],
          ['113', 'First Interview'],
          ['114', 'Hired'],
          ['115', 'Rejected'],
        ],
        "each job's own workflow, in position order",
      );
    });
    test('a delta read sends filter[updated_at][gte]; a refused filter falls back to filtering by updated_at', async () => {
      const after = new Date(Date.UTC(2026, 8, 6));
      const mark = since();
      const delta = await collect(connector.readCandidates(ctxOf(), { updatedAfter: after }));
      assert.equal(requestsSince(mark)[0].query.get('filter[updated_at][gte]'), after.toISOString());
      assert.ok(delta.length > 0 && delta.length < fake.candidateRemoteIds().length);
      assert.ok(delta.every((x) => Date.parse(String(x.remote_updated_at)) >= after.getTime()));

      const original = fake.server.before!;
      fake.server.before = (req) =>
        req.query.has('filter[updated_at][gte]')
          ? { status: 400, json: { errors: [{ status: '400', title: 'Bad Request', detail: 'Invalid filter: updated_at' }] } }
          : original(req);
      try {
        const fallback = await collect(connector.readCandidates(ctxOf(), { updatedAfter: after }));
        assert.deepEqual(fallback.map((x) => x.remote_id).sort(), delta.map((x) => x.remote_id).sort());
      } finally {
        fake.server.before = original;
      }
    });
  });

  describe('result links and notes', () => {
    test('an application link: a custom attribute on the application field, then the comment; a second link updates the value', async () => {
      const app = fake.applicationsOf('3001')[0];
      const mark = since();
      const res = await connector.addApplicationResultLink(ctxOf(), appRef(app, '3001'), link());
      assert.deepEqual(fake.customValues('applications', app), { 'Acme: Score': '88%' });
      assert.deepEqual(fake.commentsOn(app), ['Acme assessment: https://acme.example/results/7\nAcme: Score: 88%']);
      const post = requestsSince(mark).find((r) => r.method === 'POST' && r.path === '/api/v1/comments')!;
      assert.equal(post.headers['content-type'], 'application/vnd.api+json');
      assert.deepEqual(post.json.data.relationships.commentable.data, { type: 'applications', id: app });
      assert.match(res.warnings[0], /note on the application/);
      assert.ok(res.warnings.some((w) => /custom fields: "Acme: Score"/.test(w)));

      const again = since();
      await connector.addApplicationResultLink(
        ctxOf(),
        appRef(app, '3001'),
        link({ details: { custom_field_name_prefix: 'Acme:', attributes: [{ key: 'Score', value: '91%' }] } }),
      );
      assert.deepEqual(fake.customValues('applications', app), { 'Acme: Score': '91%' });
      const put = requestsSince(again).find((r) => r.method === 'PUT')!;
      assert.equal(put.path, `/api/v1/applications/${app}`);
      assert.equal(put.json.data.relationships.custom_attributes.data[0].method, 'update');
    });
    test('a candidate link: comments on each current application, attributes on the candidate fields, unfit fields left in the comment', async () => {
      const cand = candRef('3004');
      assert.equal(cand.applications.length, 2);
      const res = await connector.addCandidateResultLink(
        ctxOf(),
        cand,
        link({
          details: {
            custom_field_name_prefix: 'Acme:',
            attributes: [
              { key: 'Score', value: '93%' },
              { key: 'Level', value: 'Senior' },
              { key: 'Strength', value: 'window-functions' },
              { key: 'Missing', value: 'x' },
            ],
          },
        }),
      );
      for (const a of cand.applications) assert.equal(fake.commentsOn(a.remote_id).length, 1);
      assert.deepEqual(fake.customValues('candidates', '3004'), { 'Acme: Score': '93%', 'Acme: Level': 'Senior' });
      assert.ok(res.warnings.some((w) => /2 current applications/.test(w)));
      const skipped = res.warnings.find((w) => /Not written to custom fields/.test(w))!;
      assert.match(skipped, /"Acme: Strength" \(a date field/);
      assert.match(skipped, /"Acme: Missing" \(no candidate custom field/);
      await rejectsWith(
        connector.addCandidateResultLink(ctxOf(), { remote_id: '1', applications: [] }, link()),
        'PLATFORM.INPUT_INVALID',
        'no application',
      );
    });
    test('a refused custom attribute is a warning; the comment is still written', async () => {
      const app = fake.applicationsOf('3002')[0];
      const original = fake.server.before!;
      fake.server.before = (req) =>
        req.method === 'POST' && req.path === '/api/v1/custom_attributes'
          ? { status: 403, json: { errors: [{ status: '403', title: 'Forbidden', detail: 'No permission for custom_attributes' }] } }
          : original(req);
      try {
        const res = await connector.addApplicationResultLink(ctxOf(), appRef(app, '3002'), link());
        assert.equal(fake.commentsOn(app).length, 1);
        assert.ok(res.warnings.some((w) => /Setting the Pinpoint custom field "Acme: Score" failed: .*No permission/.test(w)));
      } finally {
        fake.server.before = original;
      }
    });
    test('an application note is a comment; an unknown application is PLATFORM.INPUT_INVALID', async () => {
      const app = fake.applicationsOf('3003')[0];
      await connector.addApplicationNote(ctxOf(), appRef(app), {
        content: 'Called the candidate.',
        content_type: 'PLAIN_TEXT',
        remote_fields: {},
      });
      assert.deepEqual(fake.commentsOn(app), ['Called the candidate.']);
      await rejectsWith(
        connector.addApplicationNote(ctxOf(), appRef('999999'), { content: 'x', content_type: 'PLAIN_TEXT', remote_fields: {} }),
        'PLATFORM.INPUT_INVALID',
        'application 999999',
      );
    });
    test('custom field definitions: candidate and application fields only', async () => {
      const fields = await c.listCustomFields(ctxOf());
      assert.deepEqual(
        fields.map((f) => [f.name, f.model]),
        [
          ['Acme: Score', 'ats_candidates'],
          ['Acme: Level', 'ats_candidates'],
          ['Acme: Score', 'ats_applications'],
          ['Acme: Strength', 'ats_candidates'],
        ],
      );
    });
  });

  describe('attachments', () => {
    test('a file becomes a candidate document byte for byte, is listed with the applications files, and downloads without the key', async () => {
      const bytes = Buffer.concat([Buffer.from('%PDF-1.4 '), Buffer.from([0, 1, 254, 255]), Buffer.from(' %%EOF')]);
      const res = await connector.addCandidateAttachment(ctxOf(), candRef('3006'), file('cv-3006.pdf', bytes, 'CV'));
      assert.ok(res.warnings.some((w) => /no document type/.test(w)));
      const put = fake.server.calls('PUT', '/api/v1/candidates/3006').at(-1)!;
      assert.deepEqual(Object.keys(put.json.data.attributes.documents_base64[0]).sort(), ['data', 'filename']);
      assert.deepEqual(fake.filesFor('3006'), [{ name: 'cv-3006.pdf', type: 'document', data: bytes }]);

      const { attachments } = await connector.listCandidateAttachments(ctxOf(), candRef('3006'));
      assert.deepEqual(attachments.map((a) => [a.file_name, a.type, a.application_remote_id !== null]).sort(), [
        ['cv-3006.pdf', 'OTHER', false],
        ['cv-6.pdf', 'CV', true],
      ]);
      const mine = attachments.find((a) => a.file_name === 'cv-3006.pdf')!;
      const got = await c.downloadAttachment(ctxOf(), decodeURIComponent(mine.data_url.split('/files/')[1]));
      assert.deepEqual(got.data, bytes);
      assert.equal(fake.fileRequestsWithKey(), 0);
    });
    test("an application's files: its own plus its candidate's documents, with a warning saying so", async () => {
      const app = fake.applicationsOf('3006')[0];
      const { attachments, warnings } = await connector.listApplicationAttachments(ctxOf(), appRef(app, '3006'));
      assert.deepEqual(attachments.map((a) => [a.file_name, a.application_remote_id]).sort(), [
        ['cv-3006.pdf', null],
        ['cv-6.pdf', app],
      ]);
      assert.ok(warnings.some((w) => w.includes('documents of candidate 3006') && w.includes(`application ${app}`)));
      const bare = fake.applicationsOf('3003')[0];
      assert.deepEqual((await connector.listApplicationAttachments(ctxOf(), appRef(bare, '3003'))).warnings, []);
    });
    test('a document Pinpoint silently drops is an error, not a success', async () => {
      const original = fake.server.before!;
      fake.server.before = (req) =>
        req.method === 'PUT' && req.path === '/api/v1/candidates/3007'
          ? {
              status: 200,
              headers: { 'content-type': 'application/vnd.api+json' },
              json: { data: { id: '3007', type: 'candidates', attributes: {} } },
            }
          : original(req);
      try {
        await rejectsWith(
          connector.addCandidateAttachment(ctxOf(), candRef('3007'), file('lost.pdf', Buffer.from('%PDF'))),
          'REMOTE.INPUT_INVALID',
          'did not save it',
        );
      } finally {
        fake.server.before = original;
      }
    });
    test("an application's file goes to its candidate, with a warning naming the application", async () => {
      const app = fake.applicationsOf('3008')[0];
      const res = await connector.addApplicationAttachment(ctxOf(), appRef(app, '3008'), file('report.pdf', Buffer.from('%PDF report')));
      assert.ok(res.warnings.some((w) => w.includes(`application ${app}`)));
      assert.deepEqual(
        fake.filesFor('3008').map((f) => f.name),
        ['report.pdf'],
      );
    });
  });

  describe('throttling and errors', () => {
    test('a 429 (no Retry-After) is waited out and the comment POST written once', async () => {
      const app = fake.applicationsOf('3009')[0];
      fake.failNext(1, 429);
      await connector.addApplicationResultLink(ctxOf(), appRef(app), link({ details: null }));
      assert.equal(fake.commentsOn(app).length, 1, 'written once');
    });
    test('a 503 on the comment POST is not retried; a 503 storm on reads fails clearly', async () => {
      const app = fake.applicationsOf('3010')[0];
      const mark = since();
      fake.failNext(1, 503);
      await rejectsWith(
        connector.addApplicationNote(ctxOf(), appRef(app), { content: 'x', content_type: 'PLAIN_TEXT', remote_fields: {} }),
        'REMOTE.SERVICE_UNAVAILABLE',
      );
      assert.equal(requestsSince(mark).length, 1);
      fake.failNext(10, 503);
      await rejectsWith(collect(connector.readJobs(ctxOf(), {})), 'REMOTE.SERVICE_UNAVAILABLE');
      fake.failNext(0, 503);
    });
  });

  describe('what atsgate says about Pinpoint', () => {
    test('connect page: subdomain and secret API key, with the permission areas to grant', () => {
      const html = connectPage(connector.definition);
      assert.match(html, /<label for="f-subdomain">Pinpoint subdomain<\/label>/);
      assert.match(html, /id="f-api_key" name="cred_api_key"[^>]*type="password"/);
      assert.match(html, /Settings → API &amp; Webhooks/);
      assert.match(html, /Comment \(Write\)/);
      assert.match(html, /User \(Read\) \(for the user list\)/);
    });
    test('coverage and the README row: comments with custom attributes, candidate documents', () => {
      const cov = writeCoverage(connector.definition);
      assert.deepEqual(cov, {
        ats_add_candidate_result_link: 'SUPPORTED',
        ats_add_application_result_link: 'SUPPORTED',
        ats_add_candidate_attachment: 'SUPPORTED',
        ats_get_candidate_attachments: 'SUPPORTED',
        ats_add_note_to_application: 'SUPPORTED',
        ats_add_application_attachment: 'SUPPORTED',
        ats_get_application_attachments: 'SUPPORTED',
        ats_add_candidate_tag: 'UNSUPPORTED',
        ats_remove_candidate_tag: 'UNSUPPORTED',
        ats_move_application_to_stage: 'SUPPORTED',
        ats_reject_application: 'SUPPORTED',
      });
      const row = connectorsTable()
        .split('\n')
        .find((r) => r.startsWith('| Pinpoint |'))!;
      assert.match(
        row,
        /^\| Pinpoint \| note \/ note \| custom fields \| A comment on the application .* \| json_base64, ≤ 10 MiB; CV→`document`.* \| application \/ candidate \| Not written \(INTEGRATION\.ACTION_NOT_AVAILABLE\).* \| Moves set the application's stage .* \| yes \|$/,
      );
    });
  });

  describe('stages, rejections and users', () => {
    const pendingApp = async () => {
      const apps = await collect(connector.readApplications(ctxOf(), {}));
      return apps.find((a) => a.outcome === 'PENDING' && a.current_stage?.name === 'Applied')!;
    };
    test('a move is PUT /applications/{id} with only relationships.stage; Pinpoint then holds the stage', async () => {
      const app = await pendingApp();
      const target = String(Number(app.job_remote_id) * 10 + 3);
      const mark = since();
      const res = await connector.moveApplicationToStage(
        ctxOf(),
        { ...appRef(app.remote_id, app.candidate_remote_id), job_remote_id: app.job_remote_id! },
        {
          stage: { remote_id: target, name: 'First Interview' },
          remote_fields: {},
        },
      );
      assert.deepEqual(res.warnings, []);
      const [put] = requestsSince(mark);
      assert.equal(put.method, 'PUT');
      assert.equal(put.path, `/api/v1/applications/${app.remote_id}`);
      assert.equal(put.headers['content-type'], 'application/vnd.api+json');
      assert.deepEqual(put.json, {
        data: { id: app.remote_id, type: 'applications', relationships: { stage: { data: { type: 'stages', id: target } } } },
      });
      assert.deepEqual(fake.applicationStatus(app.remote_id), { stage: target, rejected: false, reason: null });
    });
    test("a stage of another job is Pinpoint's 422, surfaced as a refusal", async () => {
      const app = await pendingApp();
      const other = app.job_remote_id === '11' ? '123' : '113';
      await rejectsWith(
        connector.moveApplicationToStage(ctxOf(), appRef(app.remote_id, app.candidate_remote_id), {
          stage: { remote_id: other, name: null },
          remote_fields: {},
        }),
        'REMOTE.INPUT_INVALID',
        'hiring workflow',
      );
    });
    test('rejection reasons: the distinct rejection tags of rejected applications', async () => {
      const mark = since();
      const reasons = await collect(connector.readRejectionReasons!(ctxOf(), {}));
      assert.deepEqual(reasons.map((r) => r.name).sort(), ['Candidate withdrew', 'Position filled', 'Under-qualified for this role']);
      assert.ok(reasons.every((r) => r.remote_id === r.name));
      const calls = requestsSince(mark);
      assert.ok(
        calls.every((r) => r.query.get('filter[stage_basic_type]') === 'rejected' && r.query.get('extra_fields[applications]') === 'tags'),
      );
    });
    test("a rejection moves to the job's Rejected stage, then tags the reason and comments the note", async () => {
      const app = await pendingApp();
      const mark = since();
      const res = await connector.rejectApplication(
        ctxOf(),
        { ...appRef(app.remote_id, app.candidate_remote_id), job_remote_id: app.job_remote_id! },
        {
          reason: { remote_id: 'Position filled', name: 'Position filled' },
          note: 'Assessment below the bar.',
          remote_fields: {},
        },
      );
      assert.deepEqual(res.warnings, []);
      const calls = requestsSince(mark);
      assert.deepEqual(
        calls.map((r) => `${r.method} ${r.path}`),
        [
          `GET /api/v1/jobs/${app.job_remote_id}`,
          `PUT /api/v1/applications/${app.remote_id}`,
          `PUT /api/v1/applications/${app.remote_id}`,
          'POST /api/v1/comments',
        ],
      );
      assert.equal(calls[0].query.get('include'), 'stages');
      assert.deepEqual(calls[2].json.data.attributes, { add_tags_with_context: [{ tag: 'Position filled', context: 'rejection' }] });
      const rejectedStage = String(Number(app.job_remote_id) * 10 + 5);
      assert.deepEqual(fake.applicationStatus(app.remote_id), { stage: rejectedStage, rejected: true, reason: 'Position filled' });
      assert.deepEqual(fake.commentsOn(app.remote_id).slice(-1), ['Assessment below the bar.']);
    });
    test('a refused reason tag is a warning: the rejection stands', async () => {
      const app = await pendingApp();
      const original = fake.server.before!;
      fake.server.before = (req) =>
        req.method === 'PUT' && req.json?.data?.attributes?.add_tags_with_context
          ? { status: 400, json: { errors: [{ status: '400', title: 'Bad Request', detail: 'Unknown attribute add_tags_with_context' }] } }
          : original(req);
      try {
        const res = await connector.rejectApplication(ctxOf(), appRef(app.remote_id, app.candidate_remote_id), {
          reason: { remote_id: 'Position filled', name: 'Position filled' },
          note: null,
          remote_fields: {},
        });
        assert.equal(res.warnings.length, 1);
        assert.match(res.warnings[0], /rejection reason "Position filled".*Unknown attribute.*without a reason/);
        assert.equal(fake.applicationStatus(app.remote_id)?.rejected, true);
      } finally {
        fake.server.before = original;
      }
    });
    test('users: GET /users mapped; a key without the user area reads none (PERMISSION_MISSING)', async () => {
      const users = await collect(connector.readUsers!(ctxOf(), {}));
      assert.deepEqual(
        users.map((u) => [u.remote_id, u.first_name, u.last_name, u.email]),
        [
          ['1000337', 'Joe', 'Bloggs', 'joe.bloggs@acme.example'],
          ['1000338', 'Priya', 'Shah', 'priya.shah@acme.example'],
        ],
      );
      await rejectsWith(collect(connector.readUsers!(ctxOf(fake.jobsOnlyCredentials), {})), 'INTEGRATION.PERMISSION_MISSING', 'HTTP 403');
    });
  });
});
