import '../support/fast-retries.ts';
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { connector } from '../../src/connectors/workday/index.ts';
import { envelope, serviceUrl } from '../../src/connectors/workday/client.ts';
import type { CandidateRef, RemoteCandidate } from '../../src/connectors/types.ts';
import { collect } from '../support/connector-context.ts';
import { contextCache, journalMarks, resultLinkInput, attachmentInput, applicationRef as appRef } from '../support/connector-unit.ts';
import { rejectsWithCode as rejectsWith } from '../support/assertions.ts';
import { startWorkdayFake, type WorkdayFake } from '../fakes/workday.ts';
import { formPage } from '../../src/connect/page.ts';
import { coverage } from '../../src/connectors/coverage.ts';
import { pendingConnectLink } from '../support/connect-link.ts';

const link = resultLinkInput({
  label: 'Acme Cognitive Test',
  url: 'https://acme.example/results/7?a=1&b=<2>',
  details: { custom_field_name_prefix: 'Acme:', attributes: [{ key: 'Score', value: '88%' }] },
});
const file = attachmentInput({ content_type: 'application/pdf', type: 'OTHER' });

describe('Workday connector', () => {
  let fake: WorkdayFake;
  const ctxOf = contextCache(connector as any, () => fake);
  const { since, requestsSince } = journalMarks(() => fake);
  const bodiesSince = (mark: number) => requestsSince(mark).map((r) => r.raw.toString('utf8'));

  before(async () => {
    fake = await startWorkdayFake({ candidateCount: 230, rateLimit: { limit: 5000, windowMs: 1000 } });
  });
  after(() => fake.stop());

  describe('auth and credentials', () => {
    test("WS-Security UsernameToken (user@tenant, PasswordText) on the tenant's Recruiting endpoint; the probe reads jobs and candidates", async () => {
      const mark = since();
      await connector.checkCredentials(ctxOf());
      const calls = fake.server.journal.slice(mark);
      assert.deepEqual(
        calls.map((r) => r.path),
        ['/ccx/service/acme/Recruiting/v26.1', '/ccx/service/acme/Recruiting/v26.1'],
      );
      assert.deepEqual(fake.operations().slice(-2), ['Get_Job_Requisitions', 'Get_Candidates']);
      const xml = calls[0].raw.toString('utf8');
      assert.match(xml, /<wsse:Username>isu_atsgate@acme<\/wsse:Username>/);
      assert.match(xml, /#PasswordText">Wd-s3cret!<\/wsse:Password>/);
      assert.match(xml, /wd:version="v26.1"/);
      assert.match(String(calls[0].headers['content-type']), /^text\/xml/);
    });

    test('a wrong password is AUTHENTICATION_INVALID; a user without the candidate domain is PERMISSION_MISSING naming it', async () => {
      await rejectsWith(connector.checkCredentials(ctxOf(fake.badCredentials)), 'INTEGRATION.AUTHENTICATION_INVALID');
      const err = await connector.checkCredentials(ctxOf(fake.noCandidateCredentials)).catch((e) => e);
      assert.equal(err.code, 'INTEGRATION.PERMISSION_MISSING');
      assert.match(err.message, /Get_Candidates/);
      assert.match(err.message, /Candidate Data/);
      assert.match(err.message, /not authorized/);
    });

    test('the production URL comes from host, tenant and version; text is escaped by the XML builder', () => {
      const def = connector.definition;
      const creds = { host: 'WD5-services1.myworkday.com', tenant: 'acme', username: 'u', password: 'p', document_category: 'X' };
      assert.equal(
        serviceUrl({ baseUrl: def.defaultBaseUrl, credentials: creds }),
        'https://wd5-services1.myworkday.com/ccx/service/acme/Recruiting/v26.1',
      );
      assert.equal(
        serviceUrl({ baseUrl: def.defaultBaseUrl, credentials: { ...creds, api_version: '44.0' } }),
        'https://wd5-services1.myworkday.com/ccx/service/acme/Recruiting/v44.0',
      );
      assert.throws(
        () => serviceUrl({ baseUrl: def.defaultBaseUrl, credentials: { ...creds, host: 'https://evil/x' } }),
        /web services host/,
      );
      assert.throws(() => serviceUrl({ baseUrl: def.defaultBaseUrl, credentials: { ...creds, tenant: '../x' } }), /tenant/);
      const xml = envelope({ ...creds, password: 'a<b&c' }, 'Get_Candidates', { Request_Criteria: { Last_Name: '<x>&' } });
      assert.match(xml, /a&lt;b&amp;c/);
      assert.match(xml, /<wd:Last_Name>&lt;x&gt;&amp;<\/wd:Last_Name>/);
    });
  });

  describe('reads', () => {
    test('candidates are paged with Response_Filter until Total_Pages, on one As_Of_Entry_DateTime', async () => {
      const mark = since();
      const pages: RemoteCandidate[][] = [];
      for await (const p of connector.readCandidates(ctxOf(), {})) pages.push(p);
      assert.equal(pages.length, 3);
      const ids = pages.flat().map((c) => c.remote_id);
      assert.equal(ids.length, 230);
      assert.deepEqual(new Set(ids), new Set(fake.candidateRemoteIds()));
      const bodies = bodiesSince(mark);
      assert.equal(bodies.length, 3);
      const asOf = bodies.map((b) => /<wd:As_Of_Entry_DateTime>([^<]+)</.exec(b)?.[1]);
      assert.ok(asOf[0] && asOf.every((x) => x === asOf[0]));
      assert.deepEqual(
        bodies.map((b) => /<wd:Page>(\d+)</.exec(b)?.[1]),
        ['1', '2', '3'],
      );
      const c = pages[0][0];
      assert.equal(c.first_name, 'Ada');
      assert.deepEqual(c.email_addresses, [{ email_address: 'candidate0@example.com', type: null }]);
      const raw = JSON.stringify(c.remote_data);
      assert.match(raw, /resume-C1000\.pdf/);
      assert.doesNotMatch(raw, /File_Content/, 'inline file content is not kept');
    });

    test('jobs map from requisitions; a delta sends Transaction_Log_Criteria_Data and gets only what changed', async () => {
      const jobs = (await collect(connector.readJobs(ctxOf(), {}))).flat();
      assert.deepEqual(
        jobs.map((j) => [j.name, j.status, j.job_code, j.department]),
        [
          ['Warehouse Associate', 'OPEN', 'R-00101', 'Operations'],
          ['Payroll Analyst', 'CLOSED', 'R-00102', 'Operations'],
          ['Store Manager', 'OPEN', 'R-00103', 'Operations'],
        ],
      );
      fake.touchJob(jobs[1].remote_id, new Date(Date.now() - 1000));
      const mark = since();
      const delta = (await collect(connector.readJobs(ctxOf(), { updatedAfter: new Date(Date.now() - 60_000) }))).flat();
      assert.deepEqual(
        delta.map((j) => j.remote_id),
        [jobs[1].remote_id],
      );
      assert.match(bodiesSince(mark)[0], /<wd:Transaction_Log_Criteria_Data><wd:Transaction_Date_Range_Data><wd:Updated_From>/);
    });

    test('applications: stage, disposition → DECLINED with its reason, Hired stage → HIRED', async () => {
      const apps = (await collect(connector.readApplications(ctxOf(), {}))).flat();
      assert.equal(apps.length, fake.applicationRemoteIds().length);
      const declined = apps.find((a) => a.outcome === 'DECLINED')!;
      assert.equal(declined.rejection_reason_name, 'Not Qualified');
      assert.ok(fake.applicationStatus(declined.remote_id)!.rejected);
      const hired = apps.find((a) => a.outcome === 'HIRED')!;
      assert.equal(hired.current_stage?.name, 'Hired');
      assert.equal(apps.find((a) => a.outcome === 'PENDING')!.current_stage?.remote_id.length, 16);
      const one = await connector.readCandidate!(ctxOf(), declined.candidate_remote_id);
      assert.equal(one?.candidate.remote_id, declined.candidate_remote_id);
      assert.ok(one?.applications.some((a) => a.remote_id === declined.remote_id));
    });
  });

  describe('writes', () => {
    test('a candidate file: Put_Candidate_Attachment with the document category; listed and downloaded', async () => {
      const cand = fake.candidateRemoteIds()[3];
      const ref: CandidateRef = { remote_id: cand, applications: [] };
      const res = await connector.addCandidateAttachment(ctxOf(), ref, file('report.pdf', '%PDF-1.4 report'));
      assert.deepEqual(res.warnings, []);
      assert.deepEqual(
        fake.filesFor(cand).map((f) => [f.name, f.data.toString()]),
        [['report.pdf', '%PDF-1.4 report']],
      );
      const listed = await connector.listCandidateAttachments(ctxOf(), ref);
      assert.equal(listed.attachments.length, 1);
      assert.equal(listed.attachments[0].file_name, 'report.pdf');
      assert.equal(listed.attachments[0].content_type, 'application/pdf');
      const got = await connector.downloadAttachment!(ctxOf(), listed.attachments[0].remote_id);
      assert.equal(got.data.toString(), '%PDF-1.4 report');
    });

    test('an unknown document category is refused by Workday: REMOTE.INPUT_INVALID with its validation message', async () => {
      const cand = fake.candidateRemoteIds()[4];
      const err = await connector
        .addCandidateAttachment(
          ctxOf({ ...fake.credentials, document_category: 'Nope' }),
          { remote_id: cand, applications: [] },
          file('a.pdf', 'x'),
        )
        .catch((e) => e);
      assert.equal(err.code, 'REMOTE.INPUT_INVALID');
      assert.match(err.message, /Nope.*Document_Category_ID/);
    });

    test('an application file, a note and a result link land on the job application; notes and links warn', async () => {
      const cand = fake.candidateRemoteIds()[5];
      const mine = (await connector.readCandidate!(ctxOf(), cand))!.applications[0].remote_id;
      await connector.addApplicationAttachment(ctxOf(), appRef(mine, cand), file('cv.pdf', '%PDF cv'));
      const note = await connector.addApplicationNote(ctxOf(), appRef(mine, cand), {
        content: 'Strong <candidate> & fit',
        content_type: 'PLAIN_TEXT',
        remote_fields: {},
      });
      assert.match(note.warnings.join(' '), /no note or comment operation/);
      const res = await connector.addApplicationResultLink(ctxOf(), appRef(mine, cand), link());
      assert.match(res.warnings.join(' '), /text attachment/);
      const files = fake.applicationFiles(mine);
      assert.equal(files.length, 3);
      assert.equal(files[0].data.toString(), '%PDF cv');
      assert.equal(files[1].comment, 'Strong <candidate> & fit');
      assert.equal(files[2].comment, 'Acme Cognitive Test: https://acme.example/results/7?a=1&b=<2>');
      assert.match(files[2].data.toString(), /Acme: Score: 88%/);
    });

    test('a result link is a candidate assessment (Assess_Candidate) where configured and the application is at its assessment step', async () => {
      const cand = fake.candidateRemoteIds()[2]; // its application is at the Assessment stage
      const app = (await connector.readCandidate!(ctxOf(), cand))!.applications[0];
      assert.equal(app.current_stage?.name, 'Assessment');
      const res = await connector.addApplicationResultLink(ctxOf(), appRef(app.remote_id, cand), link());
      assert.deepEqual(res.warnings, []);
      const [a] = fake.assessmentsOf(app.remote_id);
      assert.equal(a.assessor, '21001');
      assert.equal(a.status, 'Completed');
      assert.match(a.date, /^\d{4}-\d{2}-\d{2}$/);
      assert.equal(a.comment, 'Acme Cognitive Test: https://acme.example/results/7?a=1&b=<2>\nAcme: Score: 88%');
      assert.equal(fake.applicationFiles(app.remote_id).length, 0, 'no fallback file');

      // An unknown status is refused by Workday: the text file instead, with Workday's message.
      const other = await connector.addApplicationResultLink(
        ctxOf({ ...fake.credentials, assessment_status_id: 'Nope' }),
        appRef(app.remote_id, cand),
        link(),
      );
      assert.match(other.warnings.join(' '), /did not take a candidate assessment .*Nope/);
      assert.equal(fake.applicationFiles(app.remote_id).length, 1);
      // Not configured: the text file, and the warning says what to set.
      const { assessor_employee_id: _a, assessment_status_id: _s, ...plain } = fake.credentials;
      const bare = await connector.addApplicationResultLink(ctxOf(plain), appRef(app.remote_id, cand), link());
      assert.match(bare.warnings.join(' '), /assessor and an assessment status/);
      assert.equal(fake.assessmentsOf(app.remote_id).length, 1);
    });

    test('an application not at its assessment step: Workday refuses the assessment, the link becomes a text file', async () => {
      const cand = fake.candidateRemoteIds()[6];
      const app = (await connector.readCandidate!(ctxOf(), cand))!.applications[0];
      assert.notEqual(app.current_stage?.name, 'Assessment');
      const res = await connector.addApplicationResultLink(ctxOf(), appRef(app.remote_id, cand), link());
      assert.match(res.warnings.join(' '), /never in the Assessment Business Process/);
      assert.equal(fake.assessmentsOf(app.remote_id).length, 0);
      assert.match(fake.applicationFiles(app.remote_id)[0].data.toString(), /Acme: Score: 88%/);
    });

    test('a user without the Assess Candidate permission: the refusal ("not authorized") also leaves the link as a text file', async () => {
      const cand = fake.candidateRemoteIds()[2]; // at the Assessment stage
      const app = (await connector.readCandidate!(ctxOf(), cand))!.applications[0];
      const files = fake.applicationFiles(app.remote_id).length;
      const assessed = fake.assessmentsOf(app.remote_id).length;
      const res = await connector.addApplicationResultLink(ctxOf(fake.noAssessCredentials), appRef(app.remote_id, cand), link());
      assert.match(res.warnings.join(' '), /did not take a candidate assessment .*not authorized/);
      assert.equal(fake.assessmentsOf(app.remote_id).length, assessed);
      assert.equal(fake.applicationFiles(app.remote_id).length, files + 1, 'the link was kept as a file');
    });

    test('a candidate-level result link fans out to the current job applications', async () => {
      const cand = fake.candidateRemoteIds()[10]; // i % 5 === 0: two applications
      const apps = (await connector.readCandidate!(ctxOf(), cand))!.applications;
      assert.equal(apps.length, 2);
      const res = await connector.addCandidateResultLink(
        ctxOf(),
        { remote_id: cand, applications: apps.map((a) => appRef(a.remote_id, cand)) },
        link(),
      );
      assert.match(res.warnings.join(' '), /2 current job applications/);
      for (const a of apps) assert.equal(fake.applicationFiles(a.remote_id).length, 1);
      assert.ok(fake.resultTextFor(cand).includes('https://acme.example/results/7'));
    });

    test('tags, stage moves and rejections are not available, with the reason', async () => {
      const ref = appRef(fake.applicationRemoteIds()[0], fake.candidateRemoteIds()[0]);
      const err = await connector
        .moveApplicationToStage(ctxOf(), ref, { stage: { remote_id: 'x', name: 'x' }, remote_fields: {} })
        .catch((e) => e);
      assert.equal(err.code, 'INTEGRATION.ACTION_NOT_AVAILABLE');
      assert.match(err.message, /Move_Candidate/);
      await rejectsWith(
        connector.addCandidateTag(ctxOf(), { remote_id: 'x', applications: [] }, { name: 't', remote_fields: {} }),
        'INTEGRATION.ACTION_NOT_AVAILABLE',
      );
    });
  });

  describe('faults and what atsgate says about Workday', () => {
    test("a 429 is waited out and retried; a Server fault is REMOTE.UNKNOWN_HTTP_ERROR carrying Workday's text", async () => {
      fake.failNext(1, 429);
      const jobs = (await collect(connector.readJobs(ctxOf(), {}))).flat();
      assert.equal(jobs.length, 3);
      fake.failNext(1, 500);
      const err = await collect(connector.readJobs(ctxOf(), {})).catch((e) => e);
      assert.equal(err.code, 'REMOTE.UNKNOWN_HTTP_ERROR');
      assert.match(err.message, /An unexpected error occurred/);
    });

    test('connect page: host, tenant, Integration System User, password, version and document category, each with where to find it', () => {
      const html = formPage(pendingConnectLink('workday'), 'tok', connector.definition, { allowBaseUrl: false, picked: true });
      assert.match(html, /<label for="f-host">Web services host<\/label>/);
      assert.match(html, /id="f-password" name="cred_password"[^>]*type="password"/);
      assert.match(html, /Integration System Security Group/);
      assert.match(html, /Document_Category_ID/);
    });

    test('coverage: result links, files and notes supported (as files), tags and status changes not', () => {
      const cov = Object.fromEntries(coverage(connector.definition).write_actions.map((w) => [w.id, w.coverage_status]));
      assert.equal(cov.ats_add_candidate_result_link, 'SUPPORTED');
      assert.equal(cov.ats_add_note_to_application, 'SUPPORTED');
      assert.equal(cov.ats_move_application_to_stage, 'UNSUPPORTED');
      assert.equal(cov.ats_reject_application, 'UNSUPPORTED');
    });
  });

  test("every SOAP document so far is valid against Workday's Recruiting XSD", async () => {
    assert.deepEqual(await fake.xsdViolations(), []);
  });
});
