import '../support/fast-retries.ts';
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { connector } from '../../src/connectors/zohorecruit/index.ts';
import { tokenUrl } from '../../src/connectors/zohorecruit/client.ts';
import { outcomeOf, toApplication } from '../../src/connectors/zohorecruit/read.ts';
import { transportBaseUrl } from '../../src/http/transport.ts';
import type { CandidateRef, RemoteApplication } from '../../src/connectors/types.ts';
import { connectorContext, collect } from '../support/connector-context.ts';
import { contextCache, journalMarks, resultLinkInput, attachmentInput, applicationRef as appRef } from '../support/connector-unit.ts';
import { rejectsWithCode as rejectsWith } from '../support/assertions.ts';
import { startZohoRecruitFake, type ZohoRecruitFake } from '../fakes/zohorecruit.ts';
import { connectPage, writeCoverage } from '../support/connector-checks.ts';
import { connectorsTable } from '../../src/docs/connectors-table.ts';

const c = { ...connector, downloadAttachment: connector.downloadAttachment!, listCustomFields: connector.listCustomFields! };
const link = resultLinkInput({
  label: 'Acme assessment',
  url: 'https://acme.example/results/7',
  details: { custom_field_name_prefix: 'Acme:', attributes: [{ key: 'Score', value: '88%' }] },
});
const file = attachmentInput({ content_type: 'application/pdf', type: 'OTHER' });

describe('Zoho Recruit connector', () => {
  let fake: ZohoRecruitFake;
  const ctxOf = contextCache(connector as any, () => fake);
  const { since, requestsSince } = journalMarks(() => fake);
  const candRef = (id: string): CandidateRef => ({ remote_id: id, applications: fake.applicationsOf(id).map((a) => appRef(a, id)) });

  before(async () => {
    fake = await startZohoRecruitFake({ candidateCount: 450, rateLimit: { limit: 1000, windowMs: 1000 } });
  });
  after(() => fake.stop());

  describe('auth and credentials', () => {
    test('tokens are minted once from the refresh token and sent as Zoho-oauthtoken', async () => {
      const mark = since();
      const mintedBefore = fake.tokensMinted();
      await connector.checkCredentials(ctxOf());
      await connector.checkCredentials(ctxOf());
      assert.equal(fake.tokensMinted() - mintedBefore, 1, 'the cached token is reused');
      const reqs = requestsSince(mark);
      const token = reqs.find((r) => r.path === '/oauth/v2/token')!;
      assert.equal(token.method, 'POST');
      assert.equal(token.query.get('refresh_token'), null, 'secrets travel in the body, not the URL');
      assert.equal(token.form?.get('grant_type'), 'refresh_token');
      const api = reqs.filter((r) => r.path.startsWith('/recruit/v2/'));
      assert.deepEqual(
        [...new Set(api.map((r) => r.path))],
        ['/recruit/v2/JobOpenings', '/recruit/v2/Candidates', '/recruit/v2/Applications'],
      );
      for (const r of api) assert.match(String(r.headers.authorization), /^Zoho-oauthtoken 1000\./);
    });

    test('each data centre has its own API and Accounts host; an unknown one is refused', () => {
      const def = connector.definition;
      const creds = (data_center: string) => ({ ...fake.credentials, data_center });
      const ctx = (dc: string) => ({ baseUrl: '', credentials: creds(dc) }) as any;
      assert.equal(transportBaseUrl(def, ctx('eu')), 'https://recruit.zoho.eu/recruit/v2');
      assert.equal(tokenUrl(ctx('eu')), 'https://accounts.zoho.eu/oauth/v2/token');
      assert.equal(tokenUrl(ctx('com.au')), 'https://accounts.zoho.com.au/oauth/v2/token');
      assert.equal(tokenUrl({ ...ctx('in'), baseUrl: def.defaultBaseUrl }), 'https://accounts.zoho.in/oauth/v2/token');
      assert.throws(() => tokenUrl(ctx('de')), /data centre/);
    });

    test('a refused refresh token (HTTP 200 with error) is AUTHENTICATION_INVALID naming the data centre', async () => {
      await rejectsWith(
        connector.checkCredentials(ctxOf(fake.badCredentials)),
        'INTEGRATION.AUTHENTICATION_INVALID',
        /invalid_code.*data centre/s,
      );
      await rejectsWith(
        connector.checkCredentials(ctxOf({ ...fake.credentials, client_secret: 'nope' })),
        'INTEGRATION.AUTHENTICATION_INVALID',
        /invalid_client/,
      );
    });

    test('OAUTH_SCOPE_MISMATCH names the missing scope; NO_PERMISSION names the module', async () => {
      await rejectsWith(
        connector.checkCredentials(ctxOf(fake.noApplicationScopeCredentials)),
        'INTEGRATION.PERMISSION_MISSING',
        /ZohoRecruit\.modules\.application\.ALL/,
      );
      await rejectsWith(
        connector.checkCredentials(ctxOf(fake.noPermissionCredentials)),
        'INTEGRATION.PERMISSION_MISSING',
        /Applications.*profile/s,
      );
    });

    test('a write without its scope is PERMISSION_MISSING naming the scope, with no pointless new token', async () => {
      const ctx = ctxOf(fake.noNotesScopeCredentials);
      await connector.checkCredentials(ctx);
      const before = fake.tokensMinted();
      const id = fake.candidateRemoteIds()[9];
      const app = fake.applicationsOf(id)[0];
      await rejectsWith(
        connector.addApplicationNote(ctx, appRef(app, id), { content: 'x', content_type: 'PLAIN_TEXT', remote_fields: {} }),
        'INTEGRATION.PERMISSION_MISSING',
        /ZohoRecruit\.modules\.notes\.ALL/,
      );
      assert.equal(fake.tokensMinted(), before);
      assert.deepEqual(fake.notesOn(id), []);
    });

    test('an expired token (INVALID_TOKEN) is replaced once and the call goes through', async () => {
      const ctx = ctxOf();
      await collect(connector.readJobs(ctx, {}));
      const before = fake.tokensMinted();
      fake.expireTokens();
      const jobs = await collect(connector.readJobs(ctx, {}));
      assert.equal(jobs.length, fake.jobRemoteIds().length);
      assert.equal(fake.tokensMinted() - before, 1);
    });
  });

  describe('reads', () => {
    test('candidates page by 200 while more_records is true', async () => {
      const mark = since();
      const cands = await collect(connector.readCandidates(ctxOf(), {}));
      assert.equal(cands.length, 450);
      const pages = requestsSince(mark).filter((r) => r.path === '/recruit/v2/Candidates');
      assert.deepEqual(
        pages.map((r) => r.query.get('page')),
        ['1', '2', '3'],
      );
      assert.ok(pages.every((r) => r.query.get('per_page') === '200'));
      const first = cands.find((x) => x.remote_id === fake.candidateRemoteIds()[0])!;
      assert.equal(first.first_name, 'Avery');
      assert.deepEqual(first.email_addresses, [{ email_address: 'candidate0@example.com', type: 'PRIMARY' }]);
      assert.deepEqual(first.tags, [{ remote_id: '7001', name: 'Referral' }]);
    });

    test('jobs and applications map lookups, statuses and outcomes', async () => {
      const jobs = await collect(connector.readJobs(ctxOf(), {}));
      assert.deepEqual(
        jobs.map((j) => [j.name, j.status, j.employment_type]),
        [
          ['Customer Success Manager', 'OPEN', 'FULL_TIME'],
          ['Payroll Specialist', 'CLOSED', 'PART_TIME'],
          ['Data Engineer', 'OPEN', 'CONTRACT'],
        ],
      );
      const apps = await collect(connector.readApplications(ctxOf(), {}));
      assert.equal(apps.length, fake.applicationRemoteIds().length);
      const cand = fake.candidateRemoteIds()[0];
      const mine = apps.filter((a) => a.candidate_remote_id === cand);
      assert.equal(mine.length, 2);
      assert.ok(mine.every((a) => fake.jobRemoteIds().includes(a.job_remote_id!)));
      assert.ok(apps.some((a) => a.outcome === 'HIRED') && apps.some((a) => a.outcome === 'DECLINED'));
      assert.equal(outcomeOf('Interview-Scheduled'), 'PENDING');
      assert.equal(outcomeOf('Not Qualified'), 'DECLINED');
      assert.equal(outcomeOf('Junk candidate'), 'DECLINED');
    });

    test('an empty list answered 204 is empty; 429s are waited out; a lasting 503 is REMOTE.SERVICE_UNAVAILABLE', async () => {
      const id = fake.candidateRemoteIds()[11];
      const mark = since();
      assert.deepEqual((await connector.listCandidateAttachments(ctxOf(), candRef(id))).attachments, []);
      assert.equal(requestsSince(mark).at(-1)!.path, `/recruit/v2/Candidates/${id}/Attachments`);
      fake.failNext(2, 429);
      assert.equal((await collect(connector.readJobs(ctxOf(), {}))).length, fake.jobRemoteIds().length);
      fake.failNext(10, 503);
      await rejectsWith(collect(connector.readJobs(ctxOf(), {})), 'REMOTE.SERVICE_UNAVAILABLE');
      fake.failNext(0, 503);
    });

    test('application lookups: $…_Id references first, lookup objects next, a bare title never taken for an id', () => {
      const base = { id: 'a1', Application_Status: 'New' };
      assert.deepEqual(
        [
          toApplication({ ...base, $Candidate_Id: 'c1', $Job_Opening_Id: 'j1', Job_Opening_Name: 'Engineer' }),
          toApplication({ ...base, Candidate_Name: { name: 'Ada', id: 'c2' }, Job_Opening_Name: { name: 'Engineer', id: 'j2' } }),
          toApplication({ ...base, Candidate_Name: { name: 'Ada', id: 'c3' }, Job_Opening_Name: 'Engineer' }),
        ].map((a) => [a?.candidate_remote_id, a?.job_remote_id]),
        [
          ['c1', 'j1'],
          ['c2', 'j2'],
          ['c3', null],
        ],
      );
      assert.equal(toApplication({ ...base, Candidate_Name: 'Ada' }), null, 'no candidate id: skipped');
    });

    test('delta: If-Modified-Since on every page; nothing changed (304) reads as empty', async () => {
      const after = new Date(Date.now() - 1000);
      const mark = since();
      assert.deepEqual(await collect(connector.readCandidates(ctxOf(), { updatedAfter: after })), []);
      const req = requestsSince(mark).find((r) => r.path === '/recruit/v2/Candidates')!;
      assert.match(String(req.headers['if-modified-since']), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00$/);
      const id = fake.candidateRemoteIds()[3];
      fake.touchCandidate(id);
      const changed = await collect(connector.readCandidates(ctxOf(), { updatedAfter: after }));
      assert.deepEqual(
        changed.map((x) => x.remote_id),
        [id],
      );
    });
  });

  describe('writes', () => {
    test('a candidate result link is a note; the attribute goes to the field labelled "<prefix> <key>"', async () => {
      const id = fake.candidateRemoteIds()[1];
      const res = await connector.addCandidateResultLink(
        ctxOf(),
        candRef(id),
        link({
          details: {
            custom_field_name_prefix: 'Acme:',
            attributes: [
              { key: 'Score', value: '88%' },
              { key: 'Strength', value: 'Focus' },
              { key: 'Missing', value: 'x' },
            ],
          },
        }),
      );
      const note = fake.notesOn(id).at(-1)!;
      assert.equal(note.title, 'Acme assessment');
      assert.match(note.content, /https:\/\/acme\.example\/results\/7/);
      assert.match(note.content, /Acme: Missing: x/);
      assert.deepEqual(fake.fieldValues('Candidates', id), { 'Acme: Score': '88%' });
      const text = res.warnings.join('\n');
      assert.match(text, /note on the candidate/);
      assert.match(text, /"Acme: Strength" \(a date field/);
      assert.match(text, /"Acme: Missing" \(no Candidates field/);
    });

    test('an application result link: note on the candidate with a warning, attributes on the application', async () => {
      const id = fake.candidateRemoteIds()[2];
      const app = fake.applicationsOf(id)[0];
      const res = await connector.addApplicationResultLink(ctxOf(), appRef(app, id), link());
      assert.equal(fake.notesOn(id).length, 1);
      assert.deepEqual(fake.fieldValues('Applications', app), { 'Acme: Score': '88%' });
      assert.ok(res.warnings.some((w) => w.includes(app) && /keeps notes on the candidate/.test(w)));
    });

    test('a failed field update never costs the note', async () => {
      const id = fake.candidateRemoteIds()[5];
      fake.failNext(0, 500);
      const mark = since();
      const orig = fake.server.before!;
      fake.server.before = (req) =>
        req.method === 'PUT' ? { status: 403, json: { code: 'NO_PERMISSION', message: 'Permission denied', status: 'error' } } : orig(req);
      try {
        const res = await connector.addCandidateResultLink(ctxOf(), candRef(id), link());
        assert.equal(fake.notesOn(id).length, 1);
        assert.ok(
          res.warnings.some((w) => /Setting the Zoho Recruit Candidates fields "Acme: Score" failed/.test(w)),
          res.warnings.join('\n'),
        );
      } finally {
        fake.server.before = orig;
      }
      assert.ok(requestsSince(mark).some((r) => r.method === 'PUT'));
    });

    test('an application note goes to the candidate with a warning; a note on a missing candidate fails', async () => {
      const id = fake.candidateRemoteIds()[6];
      const app = fake.applicationsOf(id)[0];
      const res = await connector.addApplicationNote(ctxOf(), appRef(app, id), {
        content: 'Strong hire',
        content_type: 'PLAIN_TEXT',
        remote_fields: {},
      });
      assert.equal(fake.notesOn(id).at(-1)!.content, 'Strong hire');
      assert.ok(res.warnings.some((w) => w.includes(app)));
      await rejectsWith(
        connector.addApplicationNote(ctxOf(), appRef(app, '999'), { content: 'x', content_type: 'PLAIN_TEXT', remote_fields: {} }),
        'REMOTE.INPUT_INVALID',
      );
    });

    test('files: upload with category, list, download byte for byte; application files on the application', async () => {
      const id = fake.candidateRemoteIds()[7];
      const cv = Buffer.from('%PDF-1.4 cv %%EOF');
      await connector.addCandidateAttachment(ctxOf(), candRef(id), file('cv.pdf', cv, 'CV'));
      assert.deepEqual(fake.attachmentsOf('Candidates', id), [{ name: 'cv.pdf', category: 'Resume', data: cv }]);
      const app = fake.applicationsOf(id)[0];
      const report = Buffer.from('%PDF-1.4 report %%EOF');
      const res = await connector.addApplicationAttachment(ctxOf(), appRef(app, id), file('report.pdf', report));
      assert.deepEqual(res.warnings, []);
      assert.equal(fake.attachmentsOf('Applications', app)[0].category, 'Others');

      const listed = await connector.listApplicationAttachments(ctxOf(), appRef(app, id));
      assert.deepEqual(
        listed.attachments.map((a) => [a.file_name, a.type, a.application_remote_id]),
        [
          ['report.pdf', 'OTHER', app],
          ['cv.pdf', 'CV', null],
        ],
      );
      assert.ok(listed.warnings.some((w) => w.includes(id)));
      const ref = decodeURIComponent(listed.attachments[1].data_url.split('/files/')[1]);
      const got = await c.downloadAttachment(ctxOf(), ref);
      assert.deepEqual(got.data, cv);
      assert.equal(got.file_name, 'cv.pdf');
      assert.equal(got.content_type, 'application/pdf');
    });

    test('an account whose Applications refuse uploads gets the file on the candidate, with the shared warning', async () => {
      const id = fake.candidateRemoteIds()[12];
      const app = fake.applicationsOf(id)[0];
      const orig = fake.server.before!;
      fake.server.before = (req) =>
        req.method === 'POST' && req.path.startsWith('/recruit/v2/Applications/')
          ? {
              status: 400,
              json: { code: 'INVALID_MODULE', details: {}, message: 'The given module is not supported in API', status: 'error' },
            }
          : orig(req);
      try {
        const res = await connector.addApplicationAttachment(ctxOf(), appRef(app, id), file('late.pdf', Buffer.from('late')));
        assert.ok(
          res.warnings.some((w) => /keeps files on the candidate/.test(w) && w.includes(app)),
          res.warnings.join('\n'),
        );
      } finally {
        fake.server.before = orig;
      }
      assert.deepEqual(
        fake.attachmentsOf('Candidates', id).map((a) => a.name),
        ['late.pdf'],
      );
      assert.deepEqual(fake.attachmentsOf('Applications', app), []);
    });

    test('the 16th upload in 5 minutes is refused by atsgate before Zoho blocks the API', async () => {
      const ctx = connectorContext(connector as any, fake.credentials, fake.url).ctx;
      const id = fake.candidateRemoteIds()[8];
      for (let i = 0; i < 15; i++) await connector.addCandidateAttachment(ctx, candRef(id), file(`f${i}.pdf`, Buffer.from(`f${i}`)));
      await rejectsWith(
        connector.addCandidateAttachment(ctx, candRef(id), file('f15.pdf', Buffer.from('x'))),
        'REMOTE.RATE_LIMIT_EXCEEDED',
        /15 file uploads/,
      );
      assert.equal(fake.attachmentsOf('Candidates', id).length, 15);
    });

    test('custom fields are the Candidates and Applications fields marked custom', async () => {
      const fields = await c.listCustomFields(ctxOf());
      assert.deepEqual(
        fields.map((f) => [f.model, f.name, f.remote_id]),
        [
          ['ats_candidates', 'Acme: Score', 'Acme_Score'],
          ['ats_candidates', 'Acme: Level', 'Acme_Level'],
          ['ats_candidates', 'Acme: Strength', 'Acme_Strength'],
          ['ats_applications', 'Acme: Score', 'Acme_App_Score'],
        ],
      );
    });
  });
  describe('tags and users', () => {
    const tag = (name: string) => ({ name, remote_fields: {} });

    test("a tag is matched to the account's spelling, added once, listed with its id, and removed", async () => {
      const id = fake.candidateRemoteIds()[1];
      assert.deepEqual(fake.tagsFor(id), []);
      const mark = since();
      const added = await connector.addCandidateTag!(ctxOf(), candRef(id), tag('india'));
      assert.deepEqual(added.tag, { remote_id: '7002', name: 'India' }, "the account's tag, not a near-duplicate");
      assert.deepEqual(fake.tagsFor(id), ['India']);
      const call = requestsSince(mark).find((r) => r.path.endsWith('/actions/add_tags'))!;
      assert.equal(call.method, 'POST');
      assert.equal(call.query.get('tag_names'), 'India');

      const mark2 = since();
      await connector.addCandidateTag!(ctxOf(), candRef(id), tag('INDIA'));
      assert.ok(!requestsSince(mark2).some((r) => r.path.endsWith('/add_tags')), 'a tag the candidate holds is not sent again');
      assert.deepEqual(fake.tagsFor(id), ['India']);

      const fresh = await connector.addCandidateTag!(ctxOf(), candRef(id), tag('Acme Assessed'));
      assert.ok(fresh.tag?.remote_id, 'a tag Zoho created comes back with its id');
      const listed = (await collect(connector.readTags!(ctxOf()))).map((t) => [t.remote_id, t.name]);
      assert.ok(
        listed.some(([rid, n]) => rid === fresh.tag!.remote_id && n === 'Acme Assessed'),
        JSON.stringify(listed),
      );
      const synced = (await collect(connector.readCandidates(ctxOf(), {}))).find((c) => c.remote_id === id)!;
      assert.deepEqual(
        synced.tags!.map((t) => t.remote_id),
        ['7002', fresh.tag!.remote_id],
      );

      const removed = await connector.removeCandidateTag!(ctxOf(), candRef(id), tag('acme assessed'));
      assert.deepEqual(removed.warnings, []);
      assert.deepEqual(fake.tagsFor(id), ['India']);
      const again = await connector.removeCandidateTag!(ctxOf(), candRef(id), tag('Acme Assessed'));
      assert.match(again.warnings[0], /nothing was removed/);
    });

    test('a tag name with a comma is refused before Zoho splits it; an unknown candidate is a 404', async () => {
      const id = fake.candidateRemoteIds()[2];
      await rejectsWith(connector.addCandidateTag!(ctxOf(), candRef(id), tag('a,b')), 'PLATFORM.INPUT_INVALID');
      assert.deepEqual(fake.tagsFor(id), []);
      await rejectsWith(connector.addCandidateTag!(ctxOf(), candRef('486812999999999999'), tag('x')), 'PLATFORM.INPUT_INVALID');
      await rejectsWith(connector.removeCandidateTag!(ctxOf(), candRef('486812999999999999'), tag('x')), 'PLATFORM.INPUT_INVALID');
    });

    test('users: all of them, with status and profile/role; a token without the users scope reads none', async () => {
      const users = await collect(connector.readUsers!(ctxOf(), {}));
      assert.deepEqual(
        users.map((u) => [u.remote_id, u.first_name, u.last_name, u.email, u.status]),
        [
          ['2445013000000114007', 'Patricia', 'Boyle', 'p.boyle@example.com', 'ACTIVE'],
          ['2445013000000114019', 'Sam', 'Okafor', 's.okafor@example.com', 'INACTIVE'],
        ],
      );
      assert.deepEqual(
        users[0].system_roles!.map((r) => r.remote_label),
        ['Administrator', 'Recruiter Admin'],
      );
      const call = fake.server.journal.filter((r) => r.path === '/recruit/v2/users').at(-1)!;
      assert.equal(call.query.get('type'), 'AllUsers');
      assert.deepEqual(await collect(connector.readUsers!(ctxOf(fake.noUsersScopeCredentials), {})), []);
    });
  });
  describe('statuses: stages, moves and rejections', () => {
    const STATUSES = ['New', 'Screening', 'Interview-Scheduled', 'Hired', 'Rejected', 'Junk candidate', 'Not qualified'];
    // One read for the block (Zoho's 2 requests a second make every read cost real time); each test takes its own application.
    let apps: Promise<RemoteApplication[]> | null = null;
    const taken = new Set<string>();
    const pending = async () => {
      apps ??= collect(connector.readApplications(ctxOf(), {}));
      const app = (await apps).find((a) => a.current_stage?.name === 'New' && a.job_remote_id && !taken.has(a.remote_id))!;
      taken.add(app.remote_id);
      return app;
    };
    test("every job's stages are the account's Candidate_Status picklist (without -None-)", async () => {
      const mark = since();
      const jobs = await collect(connector.readJobs(ctxOf(), {}));
      const meta = requestsSince(mark).find((r) => r.path === '/recruit/v2/settings/fields')!;
      assert.equal(meta.query.get('module'), 'Candidates');
      for (const j of jobs)
        assert.deepEqual(
          j.stages?.map((x) => [x.remote_id, x.name]),
          STATUSES.map((x) => [x, x]),
        );
    });
    test('a token that may not read the fields metadata syncs jobs without stages; an outage fails the read', async () => {
      const original = fake.server.before!;
      fake.server.before = (req) =>
        req.path === '/recruit/v2/settings/fields'
          ? { status: 403, json: { code: 'NO_PERMISSION', details: {}, message: 'permission denied', status: 'error' } }
          : original(req);
      try {
        const jobs = await collect(connector.readJobs(ctxOf(), {}));
        assert.equal(jobs.length, 3);
        assert.ok(jobs.every((j) => j.stages === undefined));
        fake.failNext(4, 503);
        await rejectsWith(collect(connector.readJobs(ctxOf(), {})), 'REMOTE.SERVICE_UNAVAILABLE');
      } finally {
        fake.server.before = original;
      }
    });
    test('rejection reasons are the rejecting statuses', async () => {
      const reasons = await collect(connector.readRejectionReasons!(ctxOf(), {}));
      assert.deepEqual(
        reasons.map((r) => [r.remote_id, r.name]),
        [
          ['Rejected', 'Rejected'],
          ['Junk candidate', 'Junk candidate'],
          ['Not qualified', 'Not qualified'],
        ],
      );
    });
    test('a move is Change Status for the candidate with respect to the job opening', async () => {
      const app = await pending();
      const mark = since();
      const res = await connector.moveApplicationToStage(
        ctxOf(),
        { ...appRef(app.remote_id, app.candidate_remote_id), job_remote_id: app.job_remote_id! },
        { stage: { remote_id: 'Screening', name: 'Screening' }, remote_fields: {} },
      );
      assert.deepEqual(res.warnings, []);
      const [put] = requestsSince(mark).filter((r) => r.path !== '/oauth/v2/token');
      assert.equal(`${put.method} ${put.path}`, 'PUT /recruit/v2/Candidates/status');
      assert.deepEqual(put.json, {
        data: [{ ids: [app.candidate_remote_id], jobids: [app.job_remote_id], Candidate_Status: 'Screening' }],
      });
      assert.deepEqual(fake.applicationStatus(app.remote_id), { stage: 'Screening', rejected: false, reason: null });
    });
    test('a rejection is the change to the rejecting status, the note its comment; a refused status is REMOTE.INPUT_INVALID', async () => {
      const app = await pending();
      const ref = { ...appRef(app.remote_id, app.candidate_remote_id), job_remote_id: app.job_remote_id! };
      const mark = since();
      await connector.rejectApplication(ctxOf(), ref, {
        reason: { remote_id: 'Not qualified', name: 'Not qualified' },
        note: 'Below the bar.',
        remote_fields: {},
      });
      const put = requestsSince(mark).find((r) => r.method === 'PUT')!;
      assert.deepEqual(put.json.data[0], {
        ids: [app.candidate_remote_id],
        jobids: [app.job_remote_id],
        Candidate_Status: 'Not qualified',
        comments: 'Below the bar.',
      });
      assert.deepEqual(fake.applicationStatus(app.remote_id), { stage: 'Not qualified', rejected: true, reason: 'Not qualified' });
      assert.ok(fake.resultTextFor(app.candidate_remote_id).includes('Below the bar.'));
      await rejectsWith(
        connector.moveApplicationToStage(ctxOf(), ref, { stage: { remote_id: 'Teleported', name: null }, remote_fields: {} }),
        'REMOTE.INPUT_INVALID',
        'refused the status "Teleported"',
      );
      await rejectsWith(
        connector.moveApplicationToStage(
          ctxOf(),
          { ...ref, job_remote_id: null },
          { stage: { remote_id: 'New', name: null }, remote_fields: {} },
        ),
        'PLATFORM.INPUT_INVALID',
        'no job opening',
      );
    });
  });

  describe('what atsgate says about Zoho Recruit', () => {
    test('connect page: data centre, client id, secret and refresh token with the scopes to grant', () => {
      const html = connectPage(connector.definition);
      assert.match(html, /<label for="f-data_center">Data centre<\/label>/);
      assert.match(html, /id="f-client_secret" name="cred_client_secret"[^>]*type="password"/);
      assert.match(html, /id="f-refresh_token" name="cred_refresh_token"[^>]*type="password"/);
      assert.match(html, /ZohoRecruit\.modules\.notes\.ALL/);
      assert.match(html, /accounts\.zoho\.&lt;ending&gt;|accounts\.zoho\.<ending>/);
    });

    test('coverage and the README row: notes with field updates, files on applications, tags, status changes', () => {
      const cov = writeCoverage(connector.definition);
      assert.deepEqual(cov, {
        ats_add_candidate_result_link: 'SUPPORTED',
        ats_add_application_result_link: 'SUPPORTED',
        ats_add_candidate_attachment: 'SUPPORTED',
        ats_get_candidate_attachments: 'SUPPORTED',
        ats_add_note_to_application: 'SUPPORTED',
        ats_add_application_attachment: 'SUPPORTED',
        ats_get_application_attachments: 'SUPPORTED',
        ats_add_candidate_tag: 'SUPPORTED',
        ats_remove_candidate_tag: 'SUPPORTED',
        ats_move_application_to_stage: 'SUPPORTED',
        ats_reject_application: 'SUPPORTED',
      });
      const row = connectorsTable()
        .split('\n')
        .find((r) => r.startsWith('| Zoho Recruit |'))!;
      assert.match(
        row,
        /^\| Zoho Recruit \| note \/ note \| custom fields \| A note on the candidate .* \| multipart, ≤ 20 MiB; CV→`Resume`.* \| candidate \/ application \| Zoho Recruit's candidate tags .* \| A move or rejection is Zoho's Change Status .* \| yes \|$/,
      );
    });
  });
});
