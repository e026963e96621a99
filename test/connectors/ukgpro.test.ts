import '../support/fast-retries.ts';
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { connector } from '../../src/connectors/ukgpro/index.ts';
import { tokenUrl } from '../../src/connectors/ukgpro/client.ts';
import { transportBaseUrl } from '../../src/http/transport.ts';
import type { CandidateRef } from '../../src/connectors/types.ts';
import { connectorContext, collect } from '../support/connector-context.ts';
import { contextCache, journalMarks, resultLinkInput, attachmentInput, applicationRef as appRef } from '../support/connector-unit.ts';
import { rejectsWithCode as rejectsWith } from '../support/assertions.ts';
import { startUkgFake, type UkgFake } from '../fakes/ukgpro.ts';
import { FakeServer } from '../fakes/server.ts';
import { formPage } from '../../src/connect/page.ts';
import { connectorsTable } from '../../src/docs/connectors-table.ts';
import { coverage } from '../../src/connectors/coverage.ts';
import { pendingConnectLink } from '../support/connect-link.ts';
import { passthroughUrl } from '../../src/passthrough/target.ts';

const c = { ...connector, downloadAttachment: connector.downloadAttachment! };
const link = resultLinkInput({
  label: 'Acme assessment',
  url: 'https://acme.example/results/7',
  details: { custom_field_name_prefix: 'Acme:', attributes: [{ key: 'Score', value: '88%' }] },
});
const file = attachmentInput({ content_type: 'application/pdf', type: 'OTHER' });

describe('UKG Pro Recruiting connector', () => {
  let fake: UkgFake;
  const ctxOf = contextCache(connector as any, () => fake);
  const { since, requestsSince } = journalMarks(() => fake);
  const candRef = (id: string): CandidateRef => ({ remote_id: id, applications: fake.applicationsOf(id).map((a) => appRef(a, id)) });
  const api = () => `/talent/recruiting/v2/${fake.tenant}/api`;

  before(async () => {
    fake = await startUkgFake({ candidateCount: 150, rateLimit: { limit: 1000, windowMs: 1000 } });
  });
  after(() => fake.stop());

  describe('auth and credentials', () => {
    test('a client-credentials token from the tenant token endpoint, sent as Bearer and reused', async () => {
      const before = fake.tokensIssued();
      const mark = since();
      await connector.checkCredentials(ctxOf());
      const calls = requestsSince(mark);
      const [token] = calls;
      assert.equal(token.method, 'POST');
      assert.equal(token.path, `/signin/oauth2/t/${fake.tenant}/access_token`);
      assert.match(String(token.headers['content-type']), /application\/x-www-form-urlencoded/);
      assert.equal(token.form?.get('grant_type'), 'client_credentials');
      assert.equal(token.form?.get('client_id'), fake.credentials.client_id);
      assert.equal(token.form?.get('scope'), null, 'no scope is asked for');
      assert.deepEqual(
        calls.slice(1).map((r) => r.path),
        [`${api()}/opportunities`, `${api()}/candidates`, `${api()}/applications`],
      );
      assert.ok(calls.slice(1).every((r) => /^Bearer ukg_/.test(String(r.headers.authorization))));
      await collect(connector.readJobs(ctxOf(), {}));
      assert.equal(fake.tokensIssued(), before + 1, 'the token is cached');
    });
    test('the production URLs come from the credentials, and bad values are refused', () => {
      const def = connector.definition;
      const creds = { hostname: 'Service2.UltiPro.com', tenant_alias: 'USG1008IT124S', client_id: 'x', client_secret: 'y' };
      assert.equal(
        transportBaseUrl(def, { baseUrl: def.defaultBaseUrl, credentials: creds }),
        'https://service2.ultipro.com/talent/recruiting/v2/USG1008IT124S/api',
      );
      const ctx = { ...ctxOf(), baseUrl: def.defaultBaseUrl, credentials: creds };
      assert.equal(tokenUrl(ctx), 'https://signin.ultipro.com/signin/oauth2/t/USG1008IT124S/access_token');
      assert.equal(
        tokenUrl({ ...ctx, credentials: { ...creds, identity_host: 'https://signin.ukg.net/' } }),
        'https://signin.ukg.net/signin/oauth2/t/USG1008IT124S/access_token',
      );
      assert.throws(
        () => transportBaseUrl(def, { baseUrl: def.defaultBaseUrl, credentials: { ...creds, hostname: 'https://evil.example/x' } }),
        /Recruiting API host/,
      );
      assert.throws(
        () => transportBaseUrl(def, { baseUrl: def.defaultBaseUrl, credentials: { ...creds, tenant_alias: '../admin' } }),
        /tenant alias/,
      );
      // Hosts come from the connect page: only UKG's domains are called.
      assert.equal(
        transportBaseUrl(def, { baseUrl: def.defaultBaseUrl, credentials: { ...creds, hostname: 'service3.ultipro.ca' } }),
        'https://service3.ultipro.ca/talent/recruiting/v2/USG1008IT124S/api',
      );
      for (const hostname of ['127.0.0.1', 'metadata.internal', 'ultipro.com.evil.example', 'intranet.corp']) {
        assert.throws(
          () => transportBaseUrl(def, { baseUrl: def.defaultBaseUrl, credentials: { ...creds, hostname } }),
          /Recruiting API host/,
          hostname,
        );
      }
      assert.throws(() => tokenUrl({ ...ctx, credentials: { ...creds, identity_host: '10.0.0.5' } }), /identity server/);
    });
    test('a wrong secret is INTEGRATION.AUTHENTICATION_INVALID, without the secret in the message', async () => {
      const err = await rejectsWith(
        connector.checkCredentials(ctxOf(fake.badCredentials)),
        'INTEGRATION.AUTHENTICATION_INVALID',
        "UKG's identity server refused",
      );
      assert.ok(!err.message.includes(String(fake.badCredentials.client_secret)));
      assert.match(err.message, /invalid_client|Client authentication failed/);
    });
    test('a token listing no write scopes is INTEGRATION.PERMISSION_MISSING naming them', async () => {
      const mark = since();
      const err = await rejectsWith(connector.checkCredentials(ctxOf(fake.readOnlyCredentials)), 'INTEGRATION.PERMISSION_MISSING');
      assert.match(err.message, /recruiting\.domain\.candidates\.write, recruiting\.domain\.applications\.write/);
      assert.match(err.message, /Ask UKG support/);
      assert.equal(requestsSince(mark).length, 1, 'decided from the token alone');
    });
    test('a token that lists no scopes: a 403 on a read names that read scope', async () => {
      await rejectsWith(
        connector.checkCredentials(ctxOf(fake.noCandidatesCredentials)),
        'INTEGRATION.PERMISSION_MISSING',
        'recruiting.domain.candidates.read',
      );
    });
    test('a token refused by the API is minted again once', async () => {
      const ctx = connectorContext(connector as any, fake.credentials, fake.url).ctx;
      await collect(connector.readJobs(ctx, {}));
      for (const v of ctx.cache.values()) {
        const t = await (v as Promise<any>);
        t.accessToken = 'ukg_revoked';
      }
      const before = fake.tokensIssued();
      assert.equal((await collect(connector.readJobs(ctx, {}))).length, 3);
      assert.equal(fake.tokensIssued(), before + 1);
    });
  });

  describe('reads', () => {
    test('jobs: opportunities by page, from `data`, with status, requisition number and org unit', async () => {
      const jobs = await collect(connector.readJobs(ctxOf(), {}));
      assert.deepEqual(
        jobs.map((j) => [j.name, j.job_code, j.status, j.department]),
        [
          ['Warehouse Associate', 'REQ-1001', 'OPEN', 'Logistics'],
          ['Payroll Analyst', 'REQ-1002', 'CLOSED', 'Finance'],
          ['Store Manager', 'REQ-1003', 'DRAFT', 'Retail'],
        ],
      );
    });
    test('applications: the Link header cursor is followed on our own origin until it ends', async () => {
      const mark = since();
      const apps = await collect(connector.readApplications(ctxOf(), {}));
      assert.deepEqual(apps.map((a) => a.remote_id).sort(), [...fake.applicationRemoteIds()].sort());
      const calls = requestsSince(mark);
      assert.ok(calls.length >= 2, `${calls.length} pages`);
      assert.equal(calls[0].query.get('page'), '1');
      assert.equal(calls[0].query.get('per_page'), '100');
      assert.ok(
        calls.slice(1).every((r) => r.query.get('after')),
        'later pages by cursor',
      );
      const byStatus = (s: string) => apps.find((a) => (a.remote_data as any)[`/applications/${a.remote_id}`].status === s)!;
      assert.equal(byStatus('Hired').outcome, 'HIRED');
      assert.equal(byStatus('Dispositioned').outcome, 'DECLINED');
      assert.equal(byStatus('Dispositioned').rejection_reason_name, 'Not qualified');
      assert.equal(byStatus('Active').outcome, 'PENDING');
      assert.equal(byStatus('Active').current_stage?.name, 'Review');
      assert.ok(apps.every((a) => a.candidate_remote_id && a.job_remote_id));
    });
    test('candidates: every one, with name, email, phone, address and LinkedIn', async () => {
      const cands = await collect(connector.readCandidates(ctxOf(), {}));
      assert.deepEqual(cands.map((x) => x.remote_id).sort(), [...fake.candidateRemoteIds()].sort());
      const one = cands.find((x) => x.phone_numbers!.length)!;
      assert.ok(one.first_name && one.last_name);
      assert.match(one.email_addresses![0].email_address, /@example\.com$/);
      assert.equal(one.location?.city, 'Weston');
      assert.equal(one.location?.state, 'FL');
      assert.equal(one.social_media?.[0].type, 'LINKEDIN');
    });
    test('a delta asks with updated_after (a second early) and gets only what changed', async () => {
      const [id] = fake.applicationRemoteIds();
      fake.touchApplication(id, '2026-11-30T10:00:05.000Z');
      const mark = since();
      const apps = await collect(connector.readApplications(ctxOf(), { updatedAfter: new Date('2026-11-30T10:00:00.000Z') }));
      assert.deepEqual(
        apps.map((a) => a.remote_id),
        [id],
      );
      assert.equal(requestsSince(mark)[0].query.get('updated_after'), '2026-11-30T09:59:59.000Z');
    });
    test('candidates that refuse updated_after (400) are read in full instead', async () => {
      const strict = await startUkgFake({ candidateCount: 5, candidateFilterRejected: true });
      try {
        const ctx = connectorContext(connector as any, strict.credentials, strict.url).ctx;
        const cands = await collect(connector.readCandidates(ctx, { updatedAfter: new Date('2026-11-30T00:00:00Z') }));
        assert.equal(cands.length, 5);
        const lists = strict.server.calls('GET', /\/candidates$/);
        assert.equal(lists[0].query.get('updated_after') !== null, true);
        assert.equal(lists.at(-1)!.query.get('updated_after'), null);
      } finally {
        await strict.stop();
      }
    });
  });

  describe('writes', () => {
    test('a candidate result link is a comment on the candidate, with warnings saying so', async () => {
      const [cand] = fake.candidateRemoteIds();
      const res = await connector.addCandidateResultLink(ctxOf(), candRef(cand), link());
      assert.deepEqual(fake.commentsOfCandidate(cand), ['Acme assessment: https://acme.example/results/7\nAcme: Score: 88%']);
      assert.match(res.warnings.join('\n'), /assessments are reserved for assessment partners/);
      assert.match(res.warnings.join('\n'), /attributes were written into a note/);
    });
    test('if UKG refuses the candidate comment (403), the link goes to the current applications, with warnings', async () => {
      const strict = await startUkgFake({ candidateCount: 6, candidateCommentScope: 'recruiting.domain.candidates.comments.write' });
      try {
        const ctx = connectorContext(connector as any, strict.credentials, strict.url).ctx;
        const cand = strict.candidateRemoteIds()[0];
        const ref: CandidateRef = { remote_id: cand, applications: strict.applicationsOf(cand).map((a) => appRef(a, cand)) };
        const res = await connector.addCandidateResultLink(ctx, ref, link());
        assert.deepEqual(strict.commentsOfCandidate(cand), []);
        for (const a of ref.applications) assert.match(strict.commentsOfApplication(a.remote_id).join(), /Acme assessment/);
        assert.match(res.warnings[0], /refused a comment on the candidate .*current applications instead/);
        assert.ok(res.warnings.some((w) => /added to 2 current applications/.test(w)));
        await rejectsWith(
          connector.addCandidateResultLink(ctx, { remote_id: cand, applications: [] }, link()),
          'INTEGRATION.PERMISSION_MISSING',
        );
      } finally {
        await strict.stop();
      }
    });
    test('an application result link and a note are comments on the application', async () => {
      const [app] = fake.applicationRemoteIds();
      const r = await connector.addApplicationResultLink(
        ctxOf(),
        appRef(app),
        link({ details: null, remote_fields: { lever: { perform_as: 'x' } } }),
      );
      await connector.addApplicationNote(ctxOf(), appRef(app), {
        content: 'Strong candidate.',
        content_type: 'PLAIN_TEXT',
        remote_fields: {},
      });
      assert.deepEqual(fake.commentsOfApplication(app), ['Acme assessment: https://acme.example/results/7', 'Strong candidate.']);
      assert.match(r.warnings.join('\n'), /remote_fields\.lever does not apply/);
    });
    test('a comment over 4000 characters or blank is refused before any call', async () => {
      const [app] = fake.applicationRemoteIds();
      const mark = since();
      await rejectsWith(
        connector.addApplicationNote(ctxOf(), appRef(app), { content: 'x'.repeat(4001), content_type: 'PLAIN_TEXT', remote_fields: {} }),
        'PLATFORM.INPUT_INVALID',
        'at most 4000 characters',
      );
      await rejectsWith(
        connector.addApplicationNote(ctxOf(), appRef(app), { content: '   ', content_type: 'PLAIN_TEXT', remote_fields: {} }),
        'PLATFORM.INPUT_INVALID',
      );
      assert.equal(requestsSince(mark).length, 0);
    });
    test('a missing application is PLATFORM.INPUT_INVALID (404)', async () => {
      await rejectsWith(connector.addApplicationResultLink(ctxOf(), appRef('00000000-dead'), link()), 'PLATFORM.INPUT_INVALID');
    });
    test('an application file is a multipart document with file and metadata; it is listed and downloads', async () => {
      const app = fake.applicationRemoteIds()[3];
      const bytes = Buffer.concat([Buffer.from('%PDF-1.4 '), Buffer.from([0, 255, 1]), Buffer.from(' %%EOF')]);
      const mark = since();
      await connector.addApplicationAttachment(ctxOf(), appRef(app), file('report.pdf', bytes, 'CV'));
      const [req] = requestsSince(mark).filter((r) => r.method === 'POST');
      assert.match(String(req.headers['content-type']), /^multipart\/form-data/);
      assert.deepEqual(JSON.parse(String(req.form!.get('metadata'))), { file_name: 'report.pdf', document_type: 'Resume' });
      assert.deepEqual(fake.documentsOfApplication(app).at(-1), { name: 'report.pdf', type: 'Resume', data: bytes });
      const listed = await connector.listApplicationAttachments(ctxOf(), appRef(app));
      const doc = listed.attachments.find((a) => a.file_name === 'report.pdf')!;
      assert.equal(doc.type, 'CV');
      assert.equal(doc.application_remote_id, app);
      const ref = decodeURIComponent(doc.data_url.split('/files/')[1]);
      const mark2 = since();
      const dl = await c.downloadAttachment(ctxOf(), ref);
      assert.deepEqual(dl.data, bytes);
      assert.equal(dl.content_type, 'application/pdf');
      const get = requestsSince(mark2).find((r) => r.path.endsWith('/download'))!;
      assert.equal(
        get.path,
        `/${fake.tenant}/api/applications/${app}/documents/${doc.remote_id}/download`,
        'the document link, on our origin',
      );
    });
    test('a download link on another host is fetched without the token', async () => {
      const storage = new FakeServer();
      const seen: (string | undefined)[] = [];
      storage.route('GET', '/:tenant/api/applications/:id/documents/:doc/download', (req) => {
        seen.push(req.headers.authorization);
        return { headers: { 'content-type': 'application/pdf' }, body: Buffer.from('%PDF stored elsewhere') };
      });
      const storageUrl = await storage.start();
      const elsewhere = await startUkgFake({ candidateCount: 3, downloadOrigin: storageUrl });
      try {
        const ctx = connectorContext(connector as any, elsewhere.credentials, elsewhere.url).ctx;
        const app = elsewhere.applicationRemoteIds()[0];
        const [doc] = (await connector.listApplicationAttachments(ctx, appRef(app))).attachments;
        const dl = await c.downloadAttachment(ctx, `${app}:${doc.remote_id}`);
        assert.equal(dl.data.toString(), '%PDF stored elsewhere');
        assert.deepEqual(seen, [undefined], 'no Authorization header left the API host');
      } finally {
        await elsewhere.stop();
        await storage.stop();
      }
    });
    test('a candidate file goes to its current application, with a warning; one without applications gets it on itself', async () => {
      const cand = fake.candidateRemoteIds()[7];
      const [target] = candRef(cand).applications;
      const res = await connector.addCandidateAttachment(ctxOf(), candRef(cand), file('cover.docx', 'hello', 'COVER_LETTER'));
      assert.match(res.warnings[0], new RegExp(`attached to application ${target.remote_id}`));
      assert.equal(fake.documentsOfApplication(target.remote_id).at(-1)?.type, 'Cover Letter');
      const listed = await connector.listCandidateAttachments(ctxOf(), candRef(cand));
      assert.ok(listed.attachments.some((a) => a.file_name === 'cover.docx' && a.type === 'COVER_LETTER'));
      const lonely = fake.candidateRemoteIds()[8];
      const res2 = await connector.addCandidateAttachment(ctxOf(), { remote_id: lonely, applications: [] }, file('cv.pdf', '%PDF', 'CV'));
      assert.equal(fake.documentsOfCandidate(lonely).at(-1)?.name, 'cv.pdf');
      assert.match(res2.warnings[0], /will not appear in atsgate's attachment list/);
    });
    test("UKG's document rules are checked before any byte is sent", async () => {
      const [app] = fake.applicationRemoteIds();
      const mark = since();
      await rejectsWith(connector.addApplicationAttachment(ctxOf(), appRef(app), file('notes.txt', 'x')), 'PLATFORM.INPUT_INVALID', '.pdf');
      await rejectsWith(
        connector.addApplicationAttachment(ctxOf(), appRef(app), file('big.pdf', Buffer.alloc(6 * 1024 * 1024 + 1))),
        'PLATFORM.INPUT_INVALID',
        '6 MB',
      );
      await rejectsWith(connector.addApplicationAttachment(ctxOf(), appRef(app), file('a:b.pdf', 'x')), 'PLATFORM.INPUT_INVALID');
      assert.equal(requestsSince(mark).length, 0);
    });
    test('the eleventh document on an application is refused by UKG and says why', async () => {
      const app = fake.applicationRemoteIds()[5];
      for (let i = fake.documentsOfApplication(app).length; i < 10; i++)
        await connector.addApplicationAttachment(ctxOf(), appRef(app), file(`f${i}.pdf`, `%PDF ${i}`));
      await assert.rejects(connector.addApplicationAttachment(ctxOf(), appRef(app), file('f11.pdf', '%PDF')), /up to 10 documents/);
    });
    test('a 429 without Retry-After is waited out and retried; a 503 storm on reads fails clearly', async () => {
      const [app] = fake.applicationRemoteIds();
      fake.failNext(1, 429);
      await connector.addApplicationNote(ctxOf(), appRef(app), { content: 'after a 429', content_type: 'PLAIN_TEXT', remote_fields: {} });
      assert.ok(fake.commentsOfApplication(app).includes('after a 429'));
      fake.failNext(10, 503);
      await rejectsWith(collect(connector.readJobs(ctxOf(), {})), 'REMOTE.SERVICE_UNAVAILABLE');
      fake.failNext(0, 503);
    });
  });

  describe('passthrough', () => {
    test("Kombo's `recruting` API reaches the Recruiting resources under the tenant's base URL, with the minted token", async () => {
      const api = connector.definition.passthrough!.recruting;
      const client = await connector.passthroughClient!(ctxOf());
      const url = passthroughUrl(client.baseUrl, api, '/opportunities?per_page=2');
      assert.equal(url.pathname, `/talent/recruiting/v2/${fake.tenant}/api/opportunities`);
      const res = await client.request<any>({ method: 'GET', path: url.toString() });
      assert.equal(res.data.data.length, 2);
      assert.throws(() => passthroughUrl(client.baseUrl, api, '/payroll/v1/earnings'), /outside the paths this API allows/);
    });
  });

  describe('what atsgate says about UKG Pro Recruiting', () => {
    test('connect page: host, tenant alias, client and optional identity server, each with where to find it', () => {
      const l = pendingConnectLink('ukgpro');
      const html = formPage(l, 'tok', connector.definition, { allowBaseUrl: false, picked: true });
      assert.match(html, /<label for="f-hostname">Recruiting API host<\/label>/);
      assert.match(html, /<label for="f-tenant_alias">Tenant alias<\/label>/);
      assert.match(html, /id="f-client_secret" name="cred_client_secret"[^>]*type="password"/);
      assert.match(html, /recruiting\.domain\.applications\.write/);
      assert.match(html, /signin\.ultipro\.com/);
    });
    test('coverage and the README row: comments for result links and notes, documents on applications', () => {
      const cov = Object.fromEntries(coverage(connector.definition).write_actions.map((w) => [w.id, w.coverage_status]));
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
        ats_move_application_to_stage: 'UNSUPPORTED',
        ats_reject_application: 'UNSUPPORTED',
      });
      const row = connectorsTable()
        .split('\n')
        .find((x) => x.startsWith('| UKG Pro Recruiting |'))!;
      assert.match(row, /^\| UKG Pro Recruiting \| note \/ note \| note \| A comment on the candidate or the application .* \| yes \|$/);
    });
    test('stage moves, rejections and tags refuse with the precise reason, and nothing reaches UKG', async () => {
      const ref = { remote_id: 'app-1', candidate_remote_id: 'cand-1', job_remote_id: null, outcome: 'PENDING' as const };
      const mark = since();
      const move = await rejectsWith(
        connector.moveApplicationToStage(ctxOf(), ref, { stage: { remote_id: 'step-1', name: null }, remote_fields: {} }),
        'INTEGRATION.ACTION_NOT_AVAILABLE',
      );
      assert.match(move.message, /disposition-events/);
      assert.match(move.message, /request body is not published/);
      const reject = await rejectsWith(
        connector.rejectApplication(ctxOf(), ref, { reason: { remote_id: 'r', name: 'r' }, note: null, remote_fields: {} }),
        'INTEGRATION.ACTION_NOT_AVAILABLE',
      );
      assert.equal(reject.message, move.message);
      const tag = await rejectsWith(
        connector.addCandidateTag(ctxOf(), { remote_id: 'cand-1', applications: [] }, { name: 'x', remote_fields: {} }),
        'INTEGRATION.ACTION_NOT_AVAILABLE',
      );
      assert.match(tag.message, /no operation that adds or removes a tag/);
      assert.deepEqual(requestsSince(mark), [], 'no call reached UKG');
      assert.equal(connector.definition.capabilities.users.read, false);
    });
  });
});
