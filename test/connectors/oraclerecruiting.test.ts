import '../support/fast-retries.ts';
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { connector } from '../../src/connectors/oraclerecruiting/index.ts';
import { transportBaseUrl } from '../../src/http/transport.ts';
import type { AttachmentInput, CandidateRef } from '../../src/connectors/types.ts';
import { contextCache, journalMarks, resultLinkInput, attachmentInput, applicationRef } from '../support/connector-unit.ts';
import { connectorContext, collect } from '../support/connector-context.ts';
import { WALK_LIMITS } from '../../src/connectors/oraclerecruiting/client.ts';
import { DESCRIPTION_MAX } from '../../src/connectors/oraclerecruiting/write.ts';
import { rejectsWithCode as rejectsWith } from '../support/assertions.ts';
import { startOracleFake, ORACLE_PATH, type OracleFake } from '../fakes/oraclerecruiting.ts';
import { connectPage, writeCoverage } from '../support/connector-checks.ts';

const link = resultLinkInput({
  label: 'Acme assessment',
  url: 'https://acme.example/results/7',
  details: { custom_field_name_prefix: 'Acme:', attributes: [{ key: 'Score', value: '88%' }] },
});
const pdf = attachmentInput({ content_type: 'application/pdf', type: 'OTHER' });
const file = (name: string, bytes: Buffer, type: AttachmentInput['type'] = 'OTHER', remote_fields = {}): AttachmentInput => ({
  ...pdf(name, bytes, type),
  remote_fields,
});

describe('Oracle Recruiting Cloud connector', () => {
  let fake: OracleFake;
  let refusing: OracleFake;
  const ctxOf = contextCache(connector as any, () => fake);
  // The fallback fake's tests count calls, not time: its context sends faster than Oracle's 5/s budget.
  const refusingCtxOf = contextCache(connector as any, () => refusing, { rateLimit: { requests: 100, perMs: 1000 } });
  const { since, requestsSince } = journalMarks(() => fake);
  const candRef = (id: string): CandidateRef => ({ remote_id: id, applications: [] });
  const P = (rest: string) => `${ORACLE_PATH}/${rest}`;

  before(async () => {
    fake = await startOracleFake({ candidateCount: 130, rateLimit: { limit: 1000, windowMs: 1000 } });
    refusing = await startOracleFake({
      candidateCount: 20,
      rateLimit: { limit: 1000, windowMs: 1000 },
      candidatesRefuseDelta: true,
      refuseOr: true,
    });
  });
  after(async () => {
    await fake.stop();
    await refusing.stop();
  });

  describe('auth and credentials', () => {
    test('Basic auth, REST-Framework-Version 4 and JSON on the customer host; one row of each resource', async () => {
      const mark = since();
      await connector.checkCredentials(ctxOf());
      const reqs = requestsSince(mark);
      assert.deepEqual(
        reqs.map((r) => r.path),
        [P('recruitingJobRequisitions'), P('recruitingCandidates'), P('recruitingJobApplications')],
      );
      const basic = `Basic ${Buffer.from(`${fake.credentials.username}:${fake.credentials.password}`).toString('base64')}`;
      for (const r of reqs) {
        assert.equal(r.headers.authorization, basic);
        assert.equal(r.headers['rest-framework-version'], '4');
        assert.equal(r.headers.accept, 'application/json');
        assert.equal(r.query.get('limit'), '1');
        assert.equal(r.query.get('onlyData'), 'true');
      }
      const def = connector.definition;
      const url = (host: string) =>
        transportBaseUrl(def, { baseUrl: def.defaultBaseUrl, credentials: { host, username: 'u', password: 'p' } });
      assert.equal(url('Acme.FA.us2.oraclecloud.com'), 'https://acme.fa.us2.oraclecloud.com/hcmRestApi/resources/11.13.18.05');
      assert.throws(() => url('https://acme.fa.us2.oraclecloud.com'), /Oracle Cloud host/);
      assert.throws(() => url('acme.evil.com/x'), /Oracle Cloud host/);
    });
    test('a wrong password is INTEGRATION.AUTHENTICATION_INVALID, without the password in the message', async () => {
      const err = await rejectsWith(
        connector.checkCredentials(ctxOf(fake.badCredentials)),
        'INTEGRATION.AUTHENTICATION_INVALID',
        'Oracle refused',
      );
      assert.ok(!err.message.includes(String(fake.badCredentials.password)));
    });
    test('a user without the candidates REST role is INTEGRATION.PERMISSION_MISSING naming that role', async () => {
      await rejectsWith(
        connector.checkCredentials(ctxOf(fake.noCandidatesCredentials)),
        'INTEGRATION.PERMISSION_MISSING',
        'ORA_IRC_REST_SERVICE_ACCESS_CANDIDATES',
      );
    });
  });

  describe('reads', () => {
    test('candidates: every page by offset plus rows received (the server caps pages at 50), onlyData', async () => {
      const mark = since();
      const cands = await collect(connector.readCandidates(ctxOf(), {}));
      assert.deepEqual(cands.map((c) => c.remote_id).sort(), [...fake.candidateRemoteIds()].sort());
      const calls = requestsSince(mark);
      assert.deepEqual(
        calls.map((r) => r.query.get('offset')),
        ['0', '50', '100'],
      );
      assert.ok(calls.every((r) => r.query.get('limit') === '100' && r.query.get('onlyData') === 'true'));
      assert.ok(calls.every((r) => r.query.get('orderBy') === 'CandLastModifiedDate:asc' && r.query.get('q') === null));
      const c = cands.find((x) => x.remote_id === '1003')!;
      assert.equal(c.first_name, 'Devon');
      assert.deepEqual(c.email_addresses, [{ email_address: 'candidate3@example.com', type: null }]);
    });
    test('applications: the candidate resolved from CandidatePersonId (one lookup per person), job by RequisitionNumber, phase/state stage and outcome', async () => {
      const mark = since();
      const apps = await collect(connector.readApplications(ctxOf(), {}));
      assert.deepEqual(apps.map((a) => a.remote_id).sort(), [...fake.applicationRemoteIds()].sort());
      const lookups = requestsSince(mark).filter((r) => r.path === P('recruitingCandidates'));
      // 130 persons on 4 application pages of ≤ 50 rows: ≤ 25 persons a lookup, each person once.
      const asked = lookups.flatMap((r) => (r.query.get('q') ?? '').split(' or '));
      assert.equal(asked.length, 130, 'each person once');
      assert.ok(
        asked.every((q) => /^PersonId = \d+$/.test(q)),
        asked[0],
      );
      assert.ok(lookups.length <= 8, `${lookups.length} lookups`);
      const byId = new Map(apps.map((a) => [a.remote_id, a]));
      const first = byId.get('300000090000')!;
      assert.equal(first.candidate_remote_id, '1000');
      assert.equal(first.job_remote_id, '2026-0101');
      assert.deepEqual(first.current_stage, { remote_id: '1:11', name: 'New - To Be Reviewed' });
      assert.equal(first.outcome, 'PENDING');
      const rejected = apps.find((a) => a.current_stage?.name === 'Review - Rejected by Employer')!;
      assert.equal(rejected.outcome, 'DECLINED');
      assert.equal(rejected.rejection_reason_name, 'Rejected by Employer');
      assert.equal(apps.find((a) => a.current_stage?.name === 'Hired - Hired')!.outcome, 'HIRED');
    });
    test('past the offset cap (hasMore false without an error) the walk continues in a new window from the latest date seen', async () => {
      const capped = await startOracleFake({ candidateCount: 130, rateLimit: { limit: 1000, windowMs: 1000 }, offsetCap: 60 });
      const saved = WALK_LIMITS.offsetCap;
      WALK_LIMITS.offsetCap = 60;
      try {
        const ctx = connectorContext(connector as any, capped.credentials, capped.url, { rateLimit: { requests: 100, perMs: 1000 } }).ctx;
        const cands = await collect(connector.readCandidates(ctx, {}));
        assert.deepEqual(cands.map((c) => c.remote_id).sort(), [...capped.candidateRemoteIds()].sort(), 'every candidate, once');
        const calls = capped.server.journal.filter((r) => r.path === P('recruitingCandidates'));
        assert.ok(
          calls.some((r) => (r.query.get('q') ?? '').startsWith("CandLastModifiedDate >= '")),
          'a second window',
        );
        const apps = await collect(connector.readApplications(ctx, {}));
        assert.deepEqual(apps.map((a) => a.remote_id).sort(), [...capped.applicationRemoteIds()].sort(), 'every application, once');
        const appCalls = capped.server.journal.filter((r) => r.path === P('recruitingJobApplications'));
        assert.equal(appCalls[0].query.get('orderBy'), 'LastModifiedDate:asc');
        assert.equal(appCalls[1].query.get('orderBy'), 'LastUpdateDate:asc', 'LastModifiedDate refused, LastUpdateDate used');
      } finally {
        WALK_LIMITS.offsetCap = saved;
        await capped.stop();
      }
    });
    test("a server that refuses the combined person lookup (400) gets one read of every candidate's number and person id", async () => {
      const mark = refusing.server.journal.length;
      const apps = await collect(connector.readApplications(refusingCtxOf(), {}));
      assert.deepEqual(apps.map((a) => a.remote_id).sort(), [...refusing.applicationRemoteIds()].sort());
      assert.ok(apps.every((a) => /^10\d\d$/.test(a.candidate_remote_id)));
      const lookups = refusing.server.journal.slice(mark).filter((r) => r.path === P('recruitingCandidates'));
      assert.match(lookups[0].query.get('q') ?? '', / or /, 'the combined lookup was refused');
      assert.ok(lookups.length <= 5, `then one walk of all candidates (${lookups.length} calls)`);
    });
    test("the passthrough client is rooted at the host, as Kombo's oraclerecruiting/rest is", () => {
      const client = connector.passthroughClient!(ctxOf()) as { baseUrl: string };
      assert.equal(client.baseUrl.replace(/\/$/, ''), fake.server.url);
    });
    test('jobs: requisitions by RequisitionNumber with a status from the current phase and state', async () => {
      const jobs = await collect(connector.readJobs(ctxOf(), {}));
      assert.deepEqual(
        jobs.map((j) => [j.remote_id, j.name, j.status]),
        [
          ['2026-0101', 'Customer Success Manager', 'OPEN'],
          ['2026-0102', 'Payroll Specialist', 'CLOSED'],
          ['2026-0103', 'Warehouse Associate', 'DRAFT'],
        ],
      );
    });
    test("delta: q=CandLastModifiedDate >= '…' in expression syntax", async () => {
      const after = new Date(Date.UTC(2026, 8, 1) + 100 * 3_600_000);
      const mark = since();
      const cands = await collect(connector.readCandidates(ctxOf(), { updatedAfter: after }));
      assert.deepEqual(cands.map((c) => c.remote_id).sort(), Array.from({ length: 30 }, (_, i) => String(1100 + i)).sort());
      const calls = requestsSince(mark);
      // Oracle's own timestamp form ("Navigate a Collection": 1998-03-17T14:53:51+00:00), not `.000Z`.
      const literal = after.toISOString().replace('.000Z', '+00:00');
      assert.ok(
        calls.every((r) => r.query.get('q') === `CandLastModifiedDate >= '${literal}'`),
        calls[0]?.query.get('q') ?? '',
      );
    });
    test('a resource that refuses the delta filter (400) is read in full and filtered by LastUpdateDate', async () => {
      const after = new Date(Date.UTC(2026, 8, 1) + 10 * 3_600_000);
      const mark = refusing.server.journal.length;
      const cands = await collect(connector.readCandidates(refusingCtxOf(), { updatedAfter: after }));
      assert.deepEqual(cands.map((c) => c.remote_id).sort(), Array.from({ length: 10 }, (_, i) => String(1010 + i)).sort());
      const calls = refusing.server.journal.slice(mark);
      assert.deepEqual(
        calls.slice(0, 2).map((r) => r.query.get('q')?.split(' ')[0]),
        ['CandLastModifiedDate', 'LastUpdateDate'],
        'each date attribute was tried',
      );
      assert.ok(
        calls.slice(2).every((r) => r.query.get('q') === null && r.query.get('orderBy') === null),
        'then a plain walk',
      );
    });
  });

  describe('writes', () => {
    test('a file: FILE with base64 contents and the category of its type; listed and served byte for byte', async () => {
      const bytes = Buffer.from('%PDF-1.4 report');
      const res = await connector.addCandidateAttachment(ctxOf(), candRef('1001'), file('cv.pdf', bytes, 'CV'));
      assert.deepEqual(res.warnings, []);
      const post = fake.server.calls('POST', P('recruitingCandidates/1001/child/attachments')).at(-1)!;
      assert.equal(post.json.DatatypeCode, 'FILE');
      assert.equal(post.json.CategoryName, 'IRC_CANDIDATE_RESUME');
      assert.equal(post.json.FileContents, bytes.toString('base64'));
      const { attachments } = await connector.listCandidateAttachments(ctxOf(), candRef('1001'));
      const listed = attachments.find((a) => a.file_name === 'cv.pdf')!;
      assert.equal(listed.type, 'CV');
      assert.ok(listed.data_url);
      const key = fake.attachmentsOf('1001').find((a) => a.FileName === 'cv.pdf')!.key;
      const mark = since();
      const got = await connector.downloadAttachment!(ctxOf(), `c:1001:${key}`);
      assert.deepEqual(got.data, bytes);
      // farws "Get a FileContents" produces application/octet-stream only: the enclosure GET must
      // not ask for JSON alone (the fake answers that with 406, as a negotiating server would).
      const enclosure = requestsSince(mark).find((r) => r.path.endsWith('/enclosure/FileContents'))!;
      assert.match(String(enclosure.headers.accept), /application\/octet-stream/);
      assert.equal(got.file_name, 'cv.pdf');
      assert.equal(got.content_type, 'application/pdf', "the row's content type, not the enclosure's octet-stream");
    });
    test("a candidate's files include those sent with its applications, keyed by the hash in links (not AttachedDocumentId)", async () => {
      const apps = (await collect(connector.readApplications(ctxOf(), {}))).filter((a) => a.candidate_remote_id === '1003');
      const cand: CandidateRef = { remote_id: '1003', applications: apps.map((a) => applicationRef(a.remote_id, '1003')) };
      const mark = since();
      const { attachments, warnings } = await connector.listCandidateAttachments(ctxOf(), cand);
      assert.deepEqual(warnings, []);
      const listing = requestsSince(mark);
      assert.ok(
        listing.every((r) => r.query.get('onlyData') === null),
        'listings keep the links',
      );
      assert.ok(listing.some((r) => r.path === P(`recruitingJobApplications/${apps[0].remote_id}/child/attachments`)));
      const fromApp = attachments.find((a) => a.application_remote_id === apps[0].remote_id)!;
      assert.equal(fromApp.file_name, 'application-cv-3.pdf');
      assert.equal(fromApp.type, 'CV');
      const ref = decodeURIComponent(String(fromApp.data_url)).match(/a:\d+:[0-9A-F]+/)?.[0];
      const got = await connector.downloadAttachment!(ctxOf(), ref ?? `a:${apps[0].remote_id}:x`);
      assert.match(got.data.toString(), /CV sent with application/);
      // A made-up key (the AttachedDocumentId) is not a file.
      await rejectsWith(connector.downloadAttachment!(ctxOf(), `a:${apps[0].remote_id}:300000100001`), 'PLATFORM.INPUT_INVALID');
    });
    test('remote_fields.oracle.override_document_category wins; multi_post is reported as not applied', async () => {
      const res = await connector.addCandidateAttachment(
        ctxOf(),
        candRef('1002'),
        file('x.pdf', Buffer.from('x'), 'OTHER', {
          oracle: { override_document_category: 'IRC_INTERNAL', multi_post_to_all_current_applications: true },
        }),
      );
      assert.equal(fake.attachmentsOf('1002').at(-1)!.CategoryName, 'IRC_INTERNAL');
      assert.ok(res.warnings.some((w) => /multi_post_to_all_current_applications/.test(w)));
    });
    test('a result link: a WEB_PAGE attachment with the URL, label as title, attributes in the description', async () => {
      const res = await connector.addCandidateResultLink(ctxOf(), candRef('1004'), link());
      const a = fake.attachmentsOf('1004').at(-1)!;
      assert.equal(a.DatatypeCode, 'WEB_PAGE');
      assert.equal(a.Url, 'https://acme.example/results/7');
      assert.equal(a.Title, 'Acme assessment');
      assert.equal(a.CategoryName, 'MISC');
      assert.equal(a.Description, 'Acme: Score: 88%');
      assert.ok(res.warnings.some((w) => /description/.test(w)));
    });
    test('a result link whose attributes exceed the 255-character Description is shortened with a warning, not refused', async () => {
      const attributes = Array.from({ length: 20 }, (_, i) => ({ key: `Dimension ${i}`, value: 'x'.repeat(20) }));
      const res = await connector.addCandidateResultLink(
        ctxOf(),
        candRef('1008'),
        link({ details: { custom_field_name_prefix: '', attributes } }),
      );
      const a = fake.attachmentsOf('1008').at(-1)!;
      assert.equal(a.DatatypeCode, 'WEB_PAGE');
      assert.equal(a.Description!.length, DESCRIPTION_MAX);
      assert.ok(a.Description!.startsWith('Dimension 0: '));
      assert.ok(res.warnings.some((w) => /shortened to 255/.test(w)));
    });
    test('an enclosure request that accepts only JSON is refused by the fake (406), as farws documents octet-stream only', async () => {
      const key = fake.attachmentsOf('1000')[0].key;
      const res = await fetch(`${fake.url}/recruitingCandidates/1000/child/attachments/${key}/enclosure/FileContents`, {
        headers: {
          authorization: `Basic ${Buffer.from(`${fake.credentials.username}:${fake.credentials.password}`).toString('base64')}`,
          accept: 'application/json',
          'rest-framework-version': '4',
        },
      });
      assert.equal(res.status, 406);
    });
    test("an application's result link, file and note land on its candidate, with warnings naming the application", async () => {
      const app = applicationRef('300000090050', '1005');
      const r1 = await connector.addApplicationResultLink(ctxOf(), app, link({ label: 'x'.repeat(100), details: null }));
      assert.ok(r1.warnings.some((w) => w.includes('application 300000090050')));
      assert.ok(r1.warnings.some((w) => /shortened to 80/.test(w)));
      assert.equal(fake.attachmentsOf('1005').at(-1)!.Title!.length, 80);
      const r2 = await connector.addApplicationNote(ctxOf(), app, {
        content: 'Strong candidate',
        content_type: 'PLAIN_TEXT',
        remote_fields: {},
      });
      assert.ok(r2.warnings.some((w) => w.includes('application 300000090050') && /IRC_INTERNAL/.test(w)));
      const note = fake.attachmentsOf('1005').at(-1)!;
      assert.equal(note.CategoryName, 'IRC_INTERNAL');
      assert.equal(note.data!.toString('utf8'), 'Strong candidate');
      assert.ok(fake.resultTextFor('1005').includes('Strong candidate'));
    });
    test('an unknown candidate is PLATFORM.INPUT_INVALID (404)', async () => {
      await rejectsWith(
        connector.addCandidateAttachment(ctxOf(), candRef('99999'), file('x.pdf', Buffer.from('x'))),
        'PLATFORM.INPUT_INVALID',
        'candidate 99999',
      );
    });
    test('tags and stage moves are INTEGRATION.ACTION_NOT_AVAILABLE without a call', async () => {
      const mark = since();
      await rejectsWith(
        connector.addCandidateTag(ctxOf(), candRef('1001'), { name: 't', remote_fields: {} }),
        'INTEGRATION.ACTION_NOT_AVAILABLE',
      );
      await rejectsWith(
        connector.moveApplicationToStage(ctxOf(), applicationRef('300000090000', '1000'), {
          stage: { remote_id: '2:21', name: null },
          remote_fields: {},
        }),
        'INTEGRATION.ACTION_NOT_AVAILABLE',
        'for Oracle internal use',
      );
      assert.equal(requestsSince(mark).length, 0);
    });
  });

  describe('throttling and errors', () => {
    test('a 429 is waited out and the POST written once', async () => {
      fake.failNext(1, 429);
      const before = fake.attachmentsOf('1006').length;
      await connector.addCandidateResultLink(ctxOf(), candRef('1006'), link({ details: null }));
      assert.equal(fake.attachmentsOf('1006').length, before + 1, 'written once');
    });
    test("Oracle's 400 (framework version 4 JSON) reaches the caller with its detail; a bad category override falls back to the default", async () => {
      await rejectsWith(
        connector.addCandidateResultLink(ctxOf(), candRef('1006'), link({ url: 'ftp://files.example/r', details: null })),
        'REMOTE.INPUT_INVALID',
        'Url is required',
      );
      const res = await connector.addCandidateAttachment(
        ctxOf(),
        candRef('1006'),
        file('y.pdf', Buffer.from('y'), 'COVER_LETTER', { oracle: { override_document_category: 'BOGUS' } }),
      );
      assert.ok(res.warnings.some((w) => /BOGUS/.test(w)));
      assert.equal(fake.attachmentsOf('1006').at(-1)!.CategoryName, 'IRC_CANDIDATE_COVERLETTER');
    });
    test('a 503 on the attachment POST is not retried; a 503 storm on reads fails clearly', async () => {
      const mark = since();
      fake.failNext(1, 503);
      await rejectsWith(
        connector.addCandidateAttachment(ctxOf(), candRef('1007'), file('z.pdf', Buffer.from('z'))),
        'REMOTE.SERVICE_UNAVAILABLE',
      );
      assert.equal(requestsSince(mark).length, 1);
      fake.failNext(10, 503);
      await rejectsWith(collect(connector.readJobs(ctxOf(), {})), 'REMOTE.SERVICE_UNAVAILABLE');
      fake.failNext(0, 503);
    });
  });

  describe('what atsgate says about Oracle Recruiting', () => {
    test('connect page: host, user and secret password, with the REST roles to grant', () => {
      const html = connectPage(connector.definition);
      assert.match(html, /<label for="f-host">Oracle Cloud host<\/label>/);
      assert.match(html, /id="f-password" name="cred_password"[^>]*type="password"/);
      assert.match(html, /ORA_IRC_REST_SERVICE_ACCESS_CANDIDATES/);
    });
    test('coverage: result links, files, notes supported; tags and status changes not', () => {
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
        ats_move_application_to_stage: 'UNSUPPORTED',
        ats_reject_application: 'UNSUPPORTED',
      });
    });
  });
});
