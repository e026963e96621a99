import '../support/fast-retries.ts';
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { connector } from '../../src/connectors/bullhorn/index.ts';
import { luceneDate } from '../../src/connectors/bullhorn/read.ts';
import { outcomeOf } from '../../src/connectors/bullhorn/status.ts';
import type { ApplicationRef, CandidateRef } from '../../src/connectors/types.ts';
import { connectorContext, collect } from '../support/connector-context.ts';
import { journalMarks, resultLinkInput, attachmentInput } from '../support/connector-unit.ts';
import { rejectsWithCode as rejectsWith } from '../support/assertions.ts';
import { startBullhornFake, type BullhornFake } from '../fakes/bullhorn.ts';
import { formPage } from '../../src/connect/page.ts';
import { connectorsTable } from '../../src/docs/connectors-table.ts';
import { coverage } from '../../src/connectors/coverage.ts';
import type { ConnectLink } from '../../src/store/connect-links.ts';

const c = { ...connector, downloadAttachment: connector.downloadAttachment!, listCustomFields: connector.listCustomFields! };
const link = resultLinkInput({
  label: 'Acme assessment',
  url: 'https://acme.example/results/7',
  details: { custom_field_name_prefix: 'Acme', attributes: [{ key: 'Score', value: '88%' }] },
});
const file = attachmentInput({ content_type: 'application/pdf', type: 'OTHER' });

describe('Bullhorn connector', () => {
  let fake: BullhornFake;
  const ctxFor = (creds: Record<string, unknown> = fake.credentials, url = fake.url) => connectorContext(connector as any, creds, url).ctx;
  const { since, requestsSince } = journalMarks(() => fake);
  const appRef = (id: string, candidate: string, job: string | null = '501'): ApplicationRef => ({
    remote_id: id,
    candidate_remote_id: candidate,
    job_remote_id: job,
    outcome: 'PENDING',
  });
  const candRef = (id: string): CandidateRef => ({ remote_id: id, applications: [] });

  before(async () => {
    fake = await startBullhornFake({ candidateCount: 12, pageCap: 5, rateLimit: { limit: 1000, windowMs: 1000 } });
  });
  after(() => fake.stop());

  describe('auth and session', () => {
    test('loginInfo → headless authorize → token → REST login, then BhRestToken on the corporation URL; one login per context', async () => {
      const ctx = ctxFor();
      const mark = since();
      await connector.checkCredentials(ctx);
      await collect(connector.readJobs(ctx, {}));
      const reqs = requestsSince(mark);
      assert.deepEqual(
        reqs.slice(0, 4).map((r) => `${r.method} ${r.path}`),
        ['GET /rest-services/loginInfo', 'GET /oauth/authorize', 'POST /oauth/token', 'GET /rest-services/login'],
      );
      assert.equal(reqs[0].query.get('username'), 'api.acme');
      assert.equal(reqs[1].query.get('action'), 'Login');
      assert.equal(reqs[2].query.get('grant_type'), 'authorization_code');
      assert.equal(reqs[3].query.get('version'), '2.0');
      const api = reqs.slice(4);
      assert.ok(api.length >= 4);
      for (const r of api) {
        assert.ok(r.path.startsWith(`/rest-services/${fake.corpToken}/`), r.path);
        assert.ok(r.headers.bhresttoken, 'BhRestToken header');
        assert.equal(r.query.get('BhRestToken'), null, 'never in the URL');
      }
      assert.equal(reqs.filter((r) => r.path === '/rest-services/login').length, 1);
    });

    test('an expired session (401) logs in again once, with the newest refresh token, and the call succeeds', async () => {
      const ctx = ctxFor();
      await collect(connector.readJobs(ctx, {}));
      fake.expireSessions();
      const mark = since();
      const jobs = await collect(connector.readJobs(ctx, {}));
      assert.equal(jobs.length, 2);
      const paths = requestsSince(mark).map((r) => `${r.method} ${r.path}`);
      // The sync's first call (the submission statuses) meets the expired session.
      assert.deepEqual(paths.slice(0, 4), [
        `GET /rest-services/${fake.corpToken}/settings/jobResponseStatusList`,
        'POST /oauth/token',
        'GET /rest-services/login',
        `GET /rest-services/${fake.corpToken}/settings/jobResponseStatusList`,
      ]);
      const token = requestsSince(mark).find((r) => r.path === '/oauth/token')!;
      assert.equal(token.query.get('grant_type'), 'refresh_token', 'the refresh token from the first login, not the password');
    });

    test('concurrent first calls share one login', async () => {
      const ctx = ctxFor();
      const before = fake.logins();
      await Promise.all([
        collect(connector.readJobs(ctx, {})),
        collect(connector.readJobs(ctx, {})),
        collect(connector.readCandidates(ctx, {})),
      ]);
      assert.equal(fake.logins() - before, 1);
    });

    test('a refused refresh token falls back to the password login', async () => {
      const ctx = ctxFor({ ...fake.credentials, refresh_token: 'rt_spent_elsewhere' });
      const mark = since();
      await connector.checkCredentials(ctx);
      const grants = requestsSince(mark)
        .filter((r) => r.path === '/oauth/token')
        .map((r) => r.query.get('grant_type'));
      assert.deepEqual(grants, ['refresh_token', 'authorization_code']);
    });

    test('a refresh token alone works, and is rotated: the second login uses the token the first returned', async () => {
      const creds = fake.refreshTokenCredentials();
      const ctx = ctxFor(creds);
      await connector.checkCredentials(ctx);
      fake.expireSessions();
      await collect(connector.readJobs(ctx, {}));
      const refreshes = fake.server.calls('POST', '/oauth/token').slice(-2);
      assert.equal(refreshes[0].query.get('refresh_token'), creds.refresh_token);
      assert.notEqual(refreshes[1].query.get('refresh_token'), creds.refresh_token);
      // A new context (a restarted process) with the spent token cannot log in without a password.
      await rejectsWith(connector.checkCredentials(ctxFor(creds)), 'INTEGRATION.AUTHENTICATION_INVALID', 'refresh tokens work once');
    });

    test('wrong password, terms not accepted, wrong secret, unknown user, nothing to log in with: clear errors, no secrets', async () => {
      const bad = await rejectsWith(
        connector.checkCredentials(ctxFor(fake.badCredentials)),
        'INTEGRATION.AUTHENTICATION_INVALID',
        'did not authorise the API user',
      );
      assert.ok(!bad.message.includes(String(fake.badCredentials.password)));
      await rejectsWith(
        connector.checkCredentials(ctxFor(fake.termsNotAcceptedCredentials)),
        'INTEGRATION.AUTHENTICATION_INVALID',
        'accepted the terms of service',
      );
      const secret = await rejectsWith(
        connector.checkCredentials(ctxFor({ ...fake.credentials, client_secret: 'nope' })),
        'INTEGRATION.AUTHENTICATION_INVALID',
        'Check the client ID and client secret',
      );
      assert.ok(!secret.message.includes(String(fake.credentials.client_secret)));
      await rejectsWith(
        connector.checkCredentials(ctxFor({ ...fake.credentials, username: 'nobody' })),
        'INTEGRATION.AUTHENTICATION_INVALID',
        'no data centre for the API username "nobody"',
      );
      const { password: _p, ...noPassword } = fake.credentials;
      await rejectsWith(connector.checkCredentials(ctxFor(noPassword)), 'INTEGRATION.AUTHENTICATION_INVALID', 'password');
    });

    test('an API user whose user type hides submissions: PERMISSION_MISSING naming JobSubmission', async () => {
      await rejectsWith(
        connector.checkCredentials(ctxFor(fake.limitedCredentials)),
        'INTEGRATION.PERMISSION_MISSING',
        'may not read submissions (JobSubmission)',
      );
    });

    test('the password never appears unredacted in a recorded call', async () => {
      const { ctx, calls } = connectorContext(connector as any, fake.credentials, fake.url);
      await connector.checkCredentials(ctx);
      assert.ok(calls.some((x) => x.url.includes('/oauth/authorize')));
      const text = JSON.stringify(calls);
      assert.ok(!text.includes(String(fake.credentials.password)));
      assert.ok(!text.includes(String(fake.credentials.client_secret)));
    });

    test('a loginInfo answer naming a foreign host is refused before any credential leaves', async () => {
      const { FakeServer } = await import('../fakes/server.ts');
      const evil = new FakeServer();
      evil.route('GET', '/rest-services/loginInfo', () => ({
        json: { oauthUrl: 'https://evil.example/oauth', restUrl: 'https://evil.example/rest' },
      }));
      const url = await evil.start();
      try {
        await rejectsWith(
          connector.checkCredentials(ctxFor(fake.credentials, `${url}/rest-services`)),
          'REMOTE.UNKNOWN_HTTP_ERROR',
          'not a Bullhorn host',
        );
      } finally {
        await evil.stop();
      }
    });
  });

  describe('reads', () => {
    test('jobs, candidates and submissions, paged past a count cap by `total`', async () => {
      const ctx = ctxFor();
      const mark = since();
      const jobs = await collect(connector.readJobs(ctx, {}));
      assert.deepEqual(
        jobs.map((j) => [j.remote_id, j.name, j.status, j.visibility, j.employment_type]),
        [
          ['501', 'Forklift Operator', 'OPEN', 'PUBLIC', 'CONTRACT'],
          ['502', 'Payroll Specialist', 'CLOSED', 'INTERNAL', 'FULL_TIME'],
        ],
      );
      const candidates = await collect(connector.readCandidates(ctx, {}));
      assert.deepEqual(candidates.map((x) => x.remote_id).sort(), fake.candidateRemoteIds().sort());
      const pages = requestsSince(mark).filter((r) => r.path.endsWith('/search/Candidate'));
      assert.equal(pages.length, 3, '12 candidates, 5 per page');
      assert.ok(pages.every((p) => p.query.get('count') === '500' && p.query.get('fields')));
      const first = candidates.find((x) => x.remote_id === '10101')!;
      assert.equal(first.first_name, 'Blake');
      assert.deepEqual(first.email_addresses, [{ email_address: 'cand1@example.com', type: null }]);
      assert.equal(first.phone_numbers![0].type, 'MOBILE');
      const apps = await collect(connector.readApplications(ctx, {}));
      assert.deepEqual(apps.map((a) => a.remote_id).sort(), fake.applicationRemoteIds().sort());
      const placed = apps.find((a) => a.remote_id === '70003')!;
      assert.equal(placed.outcome, 'HIRED');
      assert.equal(placed.candidate_remote_id, '10103');
      assert.equal(placed.job_remote_id, '502');
      assert.equal(apps.find((a) => a.remote_id === '70002')!.outcome, 'DECLINED');
      assert.equal(typeof placed.remote_created_at, 'string');
    });

    test('delta: dateLastModified filters in Lucene (candidates) and JPQL (submissions)', async () => {
      const ctx = ctxFor();
      const after = new Date(Date.now() - 3.5 * 3_600_000);
      const mark = since();
      const recent = await collect(connector.readCandidates(ctx, { updatedAfter: after }));
      assert.equal(recent.length, 3);
      const q = requestsSince(mark)
        .find((r) => r.path.endsWith('/search/Candidate'))!
        .query.get('query');
      assert.equal(q, `isDeleted:0 AND dateLastModified:[${luceneDate(after)} TO *]`);
      const apps = await collect(connector.readApplications(ctx, { updatedAfter: after }));
      assert.equal(apps.length, 3);
    });

    test('a Bullhorn that refuses the delta filter (400) is read in full and filtered by dateLastModified here', async () => {
      const strict = await startBullhornFake({ candidateCount: 8, refuseDateFilters: true });
      try {
        const ctx = connectorContext(connector as any, strict.credentials, strict.url).ctx;
        const after = new Date(Date.now() - 2.5 * 3_600_000);
        assert.equal((await collect(connector.readCandidates(ctx, { updatedAfter: after }))).length, 2);
        assert.equal((await collect(connector.readApplications(ctx, { updatedAfter: after }))).length, 2);
      } finally {
        await strict.stop();
      }
    });

    test('status words map to outcomes', () => {
      assert.equal(outcomeOf('Placed'), 'HIRED');
      assert.equal(outcomeOf('Candidate Rejected'), 'DECLINED');
      assert.equal(outcomeOf('Not Interested'), 'DECLINED');
      assert.equal(outcomeOf('Interview Scheduled'), 'PENDING');
      assert.equal(outcomeOf(null), 'PENDING');
    });
  });

  describe('stages, rejections and users', () => {
    // One session and no per-second cap: these tests are about what is sent, not about pacing.
    let shared: ReturnType<typeof ctxFor> | undefined;
    const fast = () =>
      (shared ??= connectorContext(connector as any, fake.credentials, fake.url, { rateLimit: { requests: 1000, perMs: 1000 } }).ctx);
    test('every job lists the non-rejection statuses of settings/jobResponseStatusList as stages, in order', async () => {
      const ctx = fast();
      const mark = since();
      const jobs = await collect(connector.readJobs(ctx, {}));
      const settings = requestsSince(mark).filter((r) => r.path.includes('/settings/'));
      assert.deepEqual(
        settings.map((r) => r.path),
        [`/rest-services/${fake.corpToken}/settings/jobResponseStatusList`],
        'read once per sync',
      );
      const expected = ['New Lead', 'Submitted', 'Client Submission', 'Interview Scheduled', 'Offer Extended', 'Placed'];
      for (const j of jobs) {
        assert.deepEqual(
          j.stages!.map((st) => st.remote_id),
          expected,
          j.remote_id,
        );
        assert.deepEqual(
          j.stages!.map((st) => st.index),
          expected.map((_, i) => i),
        );
      }
    });

    test('the rejection reasons are the rejection statuses', async () => {
      const reasons = await collect(connector.readRejectionReasons!(fast(), {}));
      assert.deepEqual(
        reasons.map((r) => [r.remote_id, r.name]),
        [
          ['Client Rejected', 'Client Rejected'],
          ['Candidate Not Interested', 'Candidate Not Interested'],
        ],
      );
    });

    test('an API user who may not read the setting (403) gets the statuses from meta/JobSubmission?fields=status', async () => {
      const hidden = await startBullhornFake({ candidateCount: 2, hideStatusSetting: true });
      try {
        const ctx = connectorContext(connector as any, hidden.credentials, hidden.url, { rateLimit: { requests: 1000, perMs: 1000 } }).ctx;
        const [job] = await collect(connector.readJobs(ctx, {}));
        assert.equal(job.stages!.length, 6);
        assert.ok(hidden.server.journal.some((r) => r.path.endsWith('/meta/JobSubmission') && r.query.get('fields') === 'status'));
        assert.equal((await collect(connector.readRejectionReasons!(ctx, {}))).length, 2);
      } finally {
        await hidden.stop();
      }
    });

    test('a move POSTs the status to entity/JobSubmission/{id}; Bullhorn refusing a status not in the list is an error', async () => {
      const ctx = fast();
      const id = fake.applicationRemoteIds()[4];
      assert.equal(fake.applicationStatus(id)!.stage, 'Submitted');
      const mark = since();
      const out = await connector.moveApplicationToStage(ctx, appRef(id, '10104'), {
        stage: { remote_id: 'Client Submission', name: 'Client Submission' },
        remote_fields: {},
      });
      assert.deepEqual(out.warnings, []);
      const [post] = requestsSince(mark).filter((r) => r.method === 'POST' && r.path.includes('/entity/'));
      assert.equal(post.path, `/rest-services/${fake.corpToken}/entity/JobSubmission/${id}`);
      assert.deepEqual(post.json, { status: 'Client Submission' });
      assert.equal(fake.applicationStatus(id)!.stage, 'Client Submission');
      await assert.rejects(
        connector.moveApplicationToStage(ctx, appRef(id, '10104'), {
          stage: { remote_id: 'No Such Status', name: null },
          remote_fields: {},
        }),
        /Invalid value: No Such Status/,
      );
      await rejectsWith(
        connector.moveApplicationToStage(ctx, appRef('123456789', '10100'), {
          stage: { remote_id: 'Submitted', name: null },
          remote_fields: {},
        }),
        'PLATFORM.INPUT_INVALID',
        'application 123456789',
      );
    });

    test('a rejection sets the rejection status; the note becomes a Note tied to the JobOrder, with a warning', async () => {
      const ctx = fast();
      const id = fake.applicationRemoteIds()[10];
      const out = await connector.rejectApplication(ctx, appRef(id, '10110', '501'), {
        reason: { remote_id: 'Candidate Not Interested', name: 'Candidate Not Interested' },
        note: 'Chose another offer.',
        remote_fields: {},
      });
      assert.deepEqual(fake.applicationStatus(id), {
        stage: 'Candidate Not Interested',
        rejected: true,
        reason: 'Candidate Not Interested',
      });
      const note = fake.notesAbout('10110').find((n) => n.comments === 'Chose another offer.');
      assert.ok(note, 'the note reached Bullhorn');
      assert.equal(note.jobOrder, 501);
      assert.equal(out.warnings.length, 1);
      assert.match(out.warnings[0], /takes no note; the rejection note was added as a Note about the candidate, tied to job 501/);
    });

    test('a rejection whose note Bullhorn refuses still stands, with a warning', async () => {
      const ctx = fast();
      const id = fake.applicationRemoteIds()[11];
      // The candidate of this submission is not the one named: the Note is refused (Invalid personReference).
      const out = await connector.rejectApplication(ctx, appRef(id, '999999', '501'), {
        reason: { remote_id: 'Client Rejected', name: 'Client Rejected' },
        note: 'Not a fit.',
        remote_fields: {},
      });
      assert.equal(fake.applicationStatus(id)!.rejected, true);
      assert.equal(out.warnings.length, 1);
      assert.match(out.warnings[0], /^Adding the rejection note as a Bullhorn Note failed: /);
    });

    test('users: CorporateUser through query, deleted ones left out; enabled → ACTIVE', async () => {
      const mark = since();
      const users = await collect(connector.readUsers!(fast(), {}));
      assert.deepEqual(
        users.map((u) => [u.remote_id, u.first_name, u.email, u.status]),
        [
          ['31', 'Api', 'api.acme@example.com', 'ACTIVE'],
          ['32', 'Rita', 'rita@example.com', 'ACTIVE'],
          ['33', 'Olaf', 'olaf@example.com', 'INACTIVE'],
        ],
      );
      const q = requestsSince(mark).find((r) => r.path.endsWith('/query/CorporateUser'))!;
      assert.equal(q.query.get('where'), 'isDeleted=false');
    });

    test('tags refuse with the reason: Bullhorn has no tag entity', async () => {
      await rejectsWith(
        connector.addCandidateTag(fast(), candRef('10100'), { name: 'x', remote_fields: {} }),
        'INTEGRATION.ACTION_NOT_AVAILABLE',
        'no tag entity',
      );
      assert.match(connector.definition.capabilities.tags.unavailable!, /no tag entity/);
    });
  });

  describe('writes', () => {
    test('candidate result link: a Note with action "Assessment result"; the labelled customText field gets the score', async () => {
      const ctx = ctxFor();
      const out = await connector.addCandidateResultLink(ctx, candRef('10104'), link());
      const notes = fake.notesAbout('10104');
      assert.equal(notes.length, 1);
      assert.match(notes[0].comments, /Acme assessment: https:\/\/acme\.example\/results\/7/);
      assert.match(notes[0].comments, /Acme Score: 88%/);
      assert.equal(notes[0].action, 'Assessment result');
      assert.equal(notes[0].jobOrder, null);
      assert.deepEqual(fake.fieldsOf('Candidate', '10104'), { customText3: '88%' });
      assert.ok(out.warnings.some((w) => /custom fields: "Acme Score"/.test(w)));
    });

    test('application result link: Note tied to the JobOrder; attributes on the JobSubmission; unknown labels warned', async () => {
      const ctx = ctxFor();
      const l = link({
        details: {
          custom_field_name_prefix: 'Acme',
          attributes: [
            { key: 'Level', value: 'Senior' },
            { key: 'Unknown', value: 'x' },
          ],
        },
      });
      const out = await connector.addApplicationResultLink(ctx, appRef('70005', '10105', '502'), l);
      const note = fake.notesAbout('10105').at(-1)!;
      assert.equal(note.jobOrder, 502);
      assert.deepEqual(fake.fieldsOf('JobSubmission', '70005'), { customText6: 'Senior' });
      assert.ok(out.warnings.some((w) => /"Acme Unknown" \(no JobSubmission custom text field/.test(w)));
    });

    test('a note action the account does not list is retried without the action, with a warning', async () => {
      const ctx = ctxFor();
      const out = await connector.addCandidateResultLink(
        ctx,
        candRef('10106'),
        link({ remote_fields: { bullhorn: { note_action: 'Quiz' } } }),
      );
      const notes = fake.notesAbout('10106');
      assert.equal(notes.length, 1);
      assert.equal(notes[0].action, null);
      assert.ok(out.warnings.some((w) => /refused the note action "Quiz"/.test(w)));
    });

    test('a failing custom field step never loses the note', async () => {
      const ctx = ctxFor();
      const long = 'x'.repeat(150);
      const out = await connector.addCandidateResultLink(
        ctx,
        candRef('10107'),
        link({ details: { custom_field_name_prefix: 'Acme', attributes: [{ key: 'Score', value: long }] } }),
      );
      assert.equal(fake.notesAbout('10107').length, 1);
      assert.deepEqual(fake.fieldsOf('Candidate', '10107'), {});
      assert.ok(out.warnings.some((w) => /longer than the 100 characters/.test(w)));
    });

    test('application note: on the candidate, tied to the job, with a warning saying so', async () => {
      const ctx = ctxFor();
      const out = await connector.addApplicationNote(ctx, appRef('70008', '10108', '501'), {
        content: 'Called the candidate.',
        content_type: 'PLAIN_TEXT',
        remote_fields: {},
      });
      const note = fake.notesAbout('10108').at(-1)!;
      assert.deepEqual(note, { comments: 'Called the candidate.', action: null, jobOrder: 501 });
      assert.match(out.warnings[0], /keeps notes on the candidate.*tied to job 501/);
    });

    test('attachments: PUT file/Candidate (SAMPLE, base64), listed from entityFiles and downloaded byte for byte', async () => {
      const ctx = ctxFor();
      const bytes = Buffer.from('%PDF-1.4 assessment report %%EOF');
      await connector.addCandidateAttachment(ctx, candRef('10109'), file('report.pdf', bytes, 'CV'));
      const put = fake.server.calls('PUT', '/file/Candidate/10109').at(-1)!;
      assert.equal(put.json.fileType, 'SAMPLE');
      assert.equal(put.json.type, 'Resume');
      assert.equal(put.json.externalID, 'atsgate');
      const { attachments } = await connector.listCandidateAttachments(ctx, candRef('10109'));
      const listed = attachments.find((a) => a.file_name === 'report.pdf')!;
      assert.equal(listed.type, 'CV');
      assert.equal(listed.content_type, 'application/pdf');
      const ref = decodeURIComponent(listed.data_url.split('/v1/files/')[1]);
      assert.match(ref, /^10109:\d+$/);
      const got = await c.downloadAttachment(ctx, ref);
      assert.deepEqual(got.data, bytes);
      const app = await connector.addApplicationAttachment(ctx, appRef('70009', '10109'), file('cover.pdf', bytes, 'COVER_LETTER'));
      assert.match(app.warnings[0], /keeps files on the candidate/);
      assert.equal(fake.filesFor('10109').length, 3, 'the seeded resume and the two uploads');
    });

    test('listCustomFields: labelled customText fields of Candidate and JobSubmission', async () => {
      const fields = await c.listCustomFields(ctxFor());
      assert.deepEqual(
        fields.map((f) => [f.remote_id, f.name, f.model]),
        [
          ['Candidate.customText3', 'Acme Score', 'ats_candidates'],
          ['Candidate.customTextBlock2', 'Acme Report', 'ats_candidates'],
          ['JobSubmission.customText5', 'Acme Score', 'ats_applications'],
          ['JobSubmission.customText6', 'Acme Level', 'ats_applications'],
        ],
      );
    });

    test('429 waits and retries; an unknown candidate is a 404-type error', async () => {
      const ctx = ctxFor();
      fake.failNext(1, 429);
      assert.equal((await collect(connector.readJobs(ctx, {}))).length, 2);
      await assert.rejects(connector.addCandidateResultLink(ctx, candRef('999999'), link({ details: null })));
    });
  });

  describe('passthrough', () => {
    test('the passthrough client is the session client on the corporation URL, and logs in again on an expired session', async () => {
      const ctx = ctxFor();
      const client = await connector.passthroughClient!(ctx);
      assert.equal(client.baseUrl, `${fake.url}/${fake.corpToken}/`);
      fake.expireSessions();
      const res = await client.request({ method: 'GET', path: 'meta/Candidate', query: { fields: '*' } });
      assert.equal(res.status, 200);
      assert.ok(Array.isArray(res.data.fields));
    });
  });

  describe('connect page and docs', () => {
    test('the connect page asks for client ID/secret, username and password (secrets as password fields)', () => {
      const l = { tool: 'bullhorn', end_user_origin_id: 'x', end_user_organization_name: 'Acme' } as unknown as ConnectLink;
      const html = formPage(l, 'tok', connector.definition, { allowBaseUrl: false, picked: true });
      assert.match(html, /id="f-client_secret" name="cred_client_secret"[^>]*type="password"/);
      assert.match(html, /id="f-password" name="cred_password"[^>]*type="password"/);
      assert.match(html, /accept the terms of service/);
    });
    test('coverage and the README row', () => {
      const cov = Object.fromEntries(coverage(connector.definition).write_actions.map((w) => [w.id, w.coverage_status]));
      // Result links, files, notes, stage moves and rejections; tags are not (Bullhorn has none, and says so).
      for (const [id, status] of Object.entries(cov)) assert.equal(status, /candidate_tag/.test(id) ? 'UNSUPPORTED' : 'SUPPORTED', id);
      const row = connectorsTable()
        .split('\n')
        .find((r) => r.startsWith('| Bullhorn |'))!;
      assert.match(
        row,
        /^\| Bullhorn \| note \/ note \| custom fields \| A Note on the candidate .* \| candidate \/ candidate \| Not written yet .* \| A JobSubmission's status .* \| yes \|$/,
      );
    });
  });
});
