/**
 * The core API end to end, through the official @kombo-api/sdk against a real atsgate server
 * and the built-in sandbox ATS, on PGlite and on PostgreSQL.
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Kombo } from '@kombo-api/sdk';
import { KomboAtsError, KomboGeneralError } from '@kombo-api/sdk/models/errors';
import { databaseKinds } from '../support/databases.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { createApiKey, revokeApiKey } from '../../src/store/keys.ts';
import { SandboxClient } from '../../src/connectors/sandbox/client.ts';

const DEMO = 'sandbox:demo';

/** A loopback file server for data_url tests. */
async function fileServer(): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer((req, res) => {
    if (req.url === '/cv.pdf') {
      res.writeHead(200, { 'content-type': 'application/pdf' });
      res.end(Buffer.from('%PDF-1.4 downloaded cv'));
    } else if (req.url === '/big.bin') {
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      res.end(Buffer.alloc(3 * 1024 * 1024, 1));
    } else if (req.url === '/redirect') {
      res.writeHead(302, { location: '/cv.pdf' });
      res.end();
    } else {
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('nope');
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url, close: () => new Promise((r) => server.close(() => r())) };
}

async function allCandidates(kombo: Kombo, req: Record<string, unknown> = {}) {
  const out: any[] = [];
  const pages = await kombo.ats.getCandidates(req as any);
  for await (const page of pages) out.push(...page.result.data.results);
  return out;
}

async function rejects<T extends Error>(p: Promise<unknown>, cls: new (...a: any[]) => T, check: (e: any) => void) {
  await assert.rejects(p, (e: any) => {
    assert.ok(e instanceof cls, `expected ${cls.name}, got ${e?.constructor?.name}: ${e?.message}`);
    check(e);
    return true;
  });
}

for (const kind of databaseKinds()) {
  describe(`core API on ${kind}`, () => {
    let s: TestServer;
    let kombo: Kombo;
    let files: Awaited<ReturnType<typeof fileServer>>;

    before(async () => {
      s = await startTestServer(kind, {
        env: { ATSGATE_ATTACHMENT_MAX_BYTES: String(2 * 1024 * 1024), ATSGATE_BODY_LIMIT_BYTES: String(4 * 1024 * 1024) },
      });
      kombo = s.sdk(DEMO);
      files = await fileServer();
    });
    after(async () => {
      await files?.close();
      await s?.close();
    });

    test('checkApiKey succeeds with the key and fails without a valid one', async () => {
      const res = await kombo.general.checkApiKey();
      assert.equal(res.status, 'success');
      assert.equal(res.data.environment_id, 'default');
      const wrong = new Kombo({ api_key: 'not-a-key', server_url: `${s.url}/v1` });
      await rejects(wrong.general.checkApiKey(), KomboGeneralError, (e) => {
        assert.equal(e.statusCode, 401);
        assert.equal(e.error.code, 'PLATFORM.AUTHENTICATION_INVALID');
      });
      const none = await s.call('GET', '/v1/check-api-key', { headers: { authorization: '' } });
      assert.equal(none.status, 401);
      assert.equal(none.body.error.code, 'PLATFORM.AUTHENTICATION_INVALID');
    });

    test('the sandbox has its seed: 4 jobs, 50 candidates, 80 applications', async () => {
      const jobs = (await kombo.ats.getJobs({ page_size: 250 })).result.data.results;
      assert.equal(jobs.length, 4);
      assert.ok(jobs.every((j) => j.stages.length === 5));
      const candidates = await allCandidates(kombo, { page_size: 250 });
      assert.equal(candidates.length, 50);
      const apps: any[] = [];
      for await (const p of await kombo.ats.getApplications({ page_size: 30 })) apps.push(...p.result.data.results);
      assert.equal(apps.length, 80);
      const a = apps[0];
      assert.ok(a.candidate && a.job && a.current_stage, 'nested candidate, job and stage');
      assert.equal(a.candidate.id, a.candidate_id);
    });

    test('pagination walks every candidate once, with no gaps, whatever the page size', async () => {
      for (const size of [1, 7, 50]) {
        const all = await allCandidates(kombo, { page_size: size });
        assert.equal(all.length, 50, `page_size ${size}`);
        assert.equal(new Set(all.map((c) => c.id)).size, 50);
        assert.deepEqual(
          all.map((c) => c.remote_id),
          [...all.map((c) => c.remote_id)].sort(),
        );
      }
      const tooBig = await s.call('GET', '/v1/ats/candidates?page_size=251', { integrationId: DEMO });
      assert.equal(tooBig.status, 400);
      assert.match(tooBig.body.error.message, /page_size/);
      const badCursor = await s.call('GET', '/v1/ats/candidates?cursor=garbage', { integrationId: DEMO });
      assert.equal(badCursor.body.error.code, 'PLATFORM.INPUT_INVALID');
    });

    test('filters: ids, remote_ids, email, job_ids, names, outcomes', async () => {
      const all = await allCandidates(kombo, { page_size: 250 });
      const [c1, c2] = all;
      assert.deepEqual((await allCandidates(kombo, { ids: [c1.id, c2.id] })).map((c) => c.id).sort(), [c1.id, c2.id].sort());
      assert.deepEqual(
        (await allCandidates(kombo, { remote_ids: [c2.remote_id] })).map((c) => c.id),
        [c2.id],
      );
      const email = c1.email_addresses[0].email_address.toUpperCase();
      assert.deepEqual(
        (await allCandidates(kombo, { email })).map((c) => c.id),
        [c1.id],
      );
      assert.deepEqual(
        (await allCandidates(kombo, { first_name: c1.first_name.toLowerCase(), last_name: c1.last_name })).map((c) => c.id).includes(c1.id),
        true,
      );
      const jobId = c1.applications[0].job.id;
      const byJob = await allCandidates(kombo, { job_ids: [jobId] });
      assert.ok(byJob.length > 0 && byJob.every((c) => c.applications.some((a: any) => a.job?.id === jobId)));
      const partTime = (await kombo.ats.getJobs({ employment_types: ['PART_TIME'] })).result.data.results;
      assert.deepEqual(
        partTime.map((j) => j.name),
        ['Data Analyst'],
      );
      assert.equal((await kombo.ats.getJobs({ statuses: ['CLOSED'], visibilities: ['PUBLIC'] })).result.data.results.length, 1);
      assert.equal((await kombo.ats.getJobs({ visibilities: ['INTERNAL'] })).result.data.results.length, 0);
      const declined = (await kombo.ats.getApplications({ outcomes: ['DECLINED'], page_size: 250 })).result.data.results;
      assert.ok(declined.length > 0 && declined.every((a) => a.outcome === 'DECLINED'));
    });

    test('a result link on a candidate: native, attributes become "<prefix> <key>" custom fields, visible on read', async () => {
      const [c] = await allCandidates(kombo, { page_size: 1 });
      const res = await kombo.ats.addCandidateResultLink({
        candidate_id: c.id,
        body: {
          label: 'Coding test',
          url: 'https://assess.example.com/r/1',
          details: {
            custom_field_name_prefix: 'Acme:',
            attributes: [
              { key: 'Score', value: '93%' },
              { key: 'Level', value: 'Senior' },
            ],
          },
        },
      });
      assert.equal(res.status, 'success');
      assert.deepEqual(res.warnings, []);
      const [after] = await allCandidates(kombo, { ids: [c.id] });
      assert.equal(after.custom_fields['Acme: Score'], '93%');
      assert.equal(after.custom_fields['Acme: Level'], 'Senior');
      assert.ok(new Date(after.changed_at) > new Date(c.changed_at), 'changed_at moved');
    });

    test('a result link on an application lands on the application', async () => {
      const [app] = (await kombo.ats.getApplications({ page_size: 1 })).result.data.results;
      const res = await kombo.ats.addApplicationResultLink({
        application_id: app.id,
        body: {
          label: 'Personality test',
          url: 'https://assess.example.com/r/2',
          details: { custom_field_name_prefix: 'Acme', attributes: [{ key: 'Fit', value: 'high' }] },
        },
      });
      assert.deepEqual(res.warnings, []);
      const [after] = (await kombo.ats.getApplications({ ids: [app.id] })).result.data.results;
      assert.equal(after.custom_fields?.['Acme Fit'], 'high');
      const raw = await s.call('GET', `/v1/ats/applications?ids=${app.id}`, { integrationId: DEMO });
      const links = Object.values(raw.body.data.results[0].remote_data as Record<string, any>)[0].result_links;
      assert.deepEqual(
        links.map((l: any) => [l.label, l.url]),
        [['Personality test', 'https://assess.example.com/r/2']],
      );
    });

    test('updated_after returns what changed since, including candidates whose applications changed', async () => {
      const mark = new Date();
      await new Promise((r) => setTimeout(r, 20));
      const candidates = await allCandidates(kombo, { page_size: 250 });
      const target = candidates[10];
      await kombo.ats.addApplicationResultLink({
        application_id: target.applications[0].id,
        body: { label: 'L', url: 'https://x.example/1' },
      });
      const changed = await allCandidates(kombo, { updated_after: mark });
      assert.deepEqual(
        changed.map((c) => c.id),
        [target.id],
      );
      const apps = (await kombo.ats.getApplications({ updated_after: mark })).result.data.results;
      assert.ok(apps.some((a) => a.id === target.applications[0].id));
    });

    test('attachments: by data and by data_url, listed with a working signed data_url', async () => {
      const [c] = await allCandidates(kombo, { remote_ids: ['cand-002'] });
      const pdf = Buffer.from('%PDF-1.4 hello atsgate');
      const r1 = await kombo.ats.addCandidateAttachment({
        candidate_id: c.id,
        body: { attachment: { name: 'CV.pdf', type: 'CV', content_type: 'application/pdf', data: pdf.toString('base64') } },
      });
      assert.deepEqual(r1.warnings, []);
      await kombo.ats.addCandidateAttachment({
        candidate_id: c.id,
        body: { attachment: { name: 'Cover.pdf', type: 'COVER_LETTER', data_url: `${files.url}/redirect` } },
      });
      const list = await kombo.ats.getCandidateAttachments({ candidate_id: c.id });
      assert.equal(list.data.results.length, 2);
      const cv = list.data.results.find((a) => a.type === 'CV')!;
      assert.equal(cv.file_name, 'CV.pdf');
      assert.equal(cv.content_type, 'application/pdf');
      const dl = await fetch(cv.data_url);
      assert.equal(dl.status, 200);
      assert.deepEqual(Buffer.from(await dl.arrayBuffer()), pdf);
      const cover = list.data.results.find((a) => a.type === 'COVER_LETTER')!;
      assert.equal(cover.content_type, 'application/pdf', 'content type taken from the download');
      assert.equal(Buffer.from(await (await fetch(cover.data_url)).arrayBuffer()).toString(), '%PDF-1.4 downloaded cv');
      const forged = await fetch(cv.data_url.replace(/.$/, (ch) => (ch === 'A' ? 'B' : 'A')));
      assert.equal(forged.status, 401);
    });

    test('attachment errors name the problem', async () => {
      const [c] = await allCandidates(kombo, { page_size: 1 });
      const post = (attachment: unknown) =>
        s.call('POST', `/v1/ats/candidates/${c.id}/attachments`, { integrationId: DEMO, body: { attachment } });
      const cases: [unknown, number, RegExp][] = [
        [{ name: 'a.pdf', type: 'CV', content_type: 'application/pdf', data: '!!!not base64!!!' }, 400, /base64/],
        [{ name: 'a.pdf', type: 'CV', content_type: 'application/pdf', data: 'QUJD', data_url: `${files.url}/cv.pdf` }, 400, /exactly one/],
        [{ name: 'a.pdf', type: 'CV', content_type: 'application/pdf' }, 400, /exactly one/],
        [{ name: 'a.pdf', type: 'CV', data: 'QUJD' }, 400, /content_type/],
        [
          { name: 'a.pdf', type: 'RESUME', content_type: 'application/pdf', data: 'QUJD' },
          400,
          /attachment\.type.*CV, COVER_LETTER, OTHER/,
        ],
        [{ name: '../../etc/passwd', type: 'CV', content_type: 'application/pdf', data: 'QUJD' }, 400, /attachment\.name/],
        [{ name: 'a.pdf', type: 'CV', data_url: `${files.url}/missing.pdf` }, 400, /HTTP 404/],
        [{ name: 'a.pdf', type: 'CV', data_url: 'ftp://example.com/a.pdf' }, 400, /http/],
        [{ name: 'big.bin', type: 'OTHER', data_url: `${files.url}/big.bin` }, 413, /larger than/],
        [
          { name: 'big.bin', type: 'OTHER', content_type: 'application/pdf', data: Buffer.alloc(3 * 1024 * 1024).toString('base64') },
          413,
          /larger than/,
        ],
      ];
      for (const [attachment, status, message] of cases) {
        const r = await post(attachment);
        assert.equal(r.status, status, JSON.stringify(r.body));
        assert.equal(r.body.status, 'error');
        assert.equal(r.body.error.code, 'PLATFORM.INPUT_INVALID');
        assert.match(r.body.error.message, message);
      }
      // Through the SDK, the error is the typed ATS error.
      await rejects(
        kombo.ats.addCandidateAttachment({
          candidate_id: c.id,
          body: { attachment: { name: 'a.pdf', type: 'CV', content_type: 'application/pdf', data: '***' } },
        }),
        KomboAtsError,
        (e) => assert.equal(e.error.code, 'PLATFORM.INPUT_INVALID'),
      );
    });

    test('result-link input errors, unknown records, integration header', async () => {
      const [c] = await allCandidates(kombo, { page_size: 1 });
      const bad = await s.call('POST', `/v1/ats/candidates/${c.id}/result-links`, {
        integrationId: DEMO,
        body: { label: 'x', url: 'not a url' },
      });
      assert.equal(bad.status, 400);
      assert.match(bad.body.error.message, /"url" must be an absolute http\(s\) URL/);
      const noLabel = await s.call('POST', `/v1/ats/candidates/${c.id}/result-links`, {
        integrationId: DEMO,
        body: { url: 'https://x.example' },
      });
      assert.match(noLabel.body.error.message, /"label" is required/);
      const notJson = await s.call('POST', `/v1/ats/candidates/${c.id}/result-links`, { integrationId: DEMO, body: '{"label": ' });
      assert.equal(notJson.status, 400);
      assert.match(notJson.body.error.message, /not valid JSON/);
      await rejects(
        kombo.ats.addCandidateResultLink({ candidate_id: 'NoSuchCandidate123456789', body: { label: 'L', url: 'https://x.example' } }),
        KomboAtsError,
        (e) => {
          assert.equal(e.statusCode, 404);
          assert.equal(e.error.code, 'PLATFORM.INPUT_INVALID');
          assert.match(e.error.message, /candidate_id "NoSuchCandidate123456789"/);
          assert.match(e.error.log_url, /\/v1\/logs\//);
        },
      );
      await rejects(
        kombo.ats.addApplicationResultLink({ application_id: 'nope', body: { label: 'L', url: 'https://x.example' } }),
        KomboAtsError,
        (e) => assert.match(e.error.message, /application_id "nope"/),
      );
      await rejects(s.sdk().ats.getCandidates({}), KomboAtsError, (e) => {
        assert.equal(e.error.code, 'PLATFORM.INPUT_INVALID');
        assert.match(e.error.message, /X-Integration-Id/);
      });
      await rejects(s.sdk('sandbox:doesnotexist').ats.getJobs({}), KomboAtsError, (e) => {
        assert.equal(e.statusCode, 404);
        assert.equal(e.error.code, 'PLATFORM.INTEGRATION_NOT_FOUND');
      });
    });

    test('an oversized body gets 413 in the envelope', async () => {
      const [c] = await allCandidates(kombo, { page_size: 1 });
      const r = await s.call('POST', `/v1/ats/candidates/${c.id}/result-links`, {
        integrationId: DEMO,
        body: { label: 'x'.repeat(5 * 1024 * 1024), url: 'https://x.example' },
      });
      assert.equal(r.status, 413);
      assert.equal(r.body.error.code, 'PLATFORM.INPUT_INVALID');
      assert.equal(r.body.error.title !== undefined && r.body.error.log_url !== undefined, true);
    });

    test('log_url points at a log entry with the request (file contents redacted) and outcome', async () => {
      const [c] = await allCandidates(kombo, { page_size: 1 });
      const secretData = Buffer.from('TOP-SECRET-FILE-CONTENTS '.repeat(200)).toString('base64');
      await kombo.ats.addCandidateAttachment({
        candidate_id: c.id,
        body: { attachment: { name: 'x.txt', type: 'OTHER', content_type: 'text/plain', data: secretData } },
      });
      const logs = await s.call('GET', '/v1/logs?integration_id=sandbox:demo&limit=5');
      const entry = logs.body.data.results.find((l: any) => l.action === 'ats_add_candidate_attachment' && l.outcome === 'SUCCESS');
      assert.ok(entry);
      assert.ok(!JSON.stringify(entry).includes(secretData.slice(0, 50)), 'no file contents in the log');
      assert.match(entry.request.attachment.data, /redacted/);
      const err = await s.call('POST', '/v1/ats/candidates/unknown-candidate-id/result-links', {
        integrationId: DEMO,
        body: { label: 'L', url: 'https://x.example' },
      });
      const log = await s.call('GET', new URL(err.body.error.log_url).pathname);
      assert.equal(log.status, 200);
      assert.equal(log.body.data.outcome, 'ERROR');
      assert.equal(log.body.data.error.code, 'PLATFORM.INPUT_INVALID');
      assert.equal(log.body.data.request.label, 'L');
      // A person opening the same log_url in a browser is sent to the dashboard's page for it.
      const human = await fetch(err.body.error.log_url, { headers: { accept: 'text/html' }, redirect: 'manual' });
      assert.equal(human.status, 303);
      assert.equal(human.headers.get('location'), `/dashboard/logs/${log.body.data.id}`);
    });

    test('integration details, tools, force-sync and upstream deletions', async () => {
      const d = await kombo.general.getIntegrationDetails({ integration_id: DEMO });
      assert.equal(d.data.id, DEMO);
      assert.equal(d.data.tool.id, 'sandbox');
      assert.equal(d.data.setup_status, 'COMPLETED');
      const tools = await kombo.general.getTools({ category: 'ats' });
      assert.ok(tools.data.tools.some((t) => t.id === 'sandbox'));

      const [gone] = await allCandidates(kombo, { remote_ids: ['cand-050'] });
      await new SandboxClient(s.started.rt.db, DEMO).deleteCandidate('cand-050');
      const sync = await kombo.general.triggerSync({ type: 'FULL' });
      assert.equal(sync.data.already_queued, false);
      for (let i = 0; i < 100 && (await allCandidates(kombo, { page_size: 250 })).length !== 49; i++)
        await new Promise((r) => setTimeout(r, 50));
      assert.equal((await allCandidates(kombo, { page_size: 250 })).length, 49);
      const withDeleted = await allCandidates(kombo, { include_deleted: true, remote_ids: ['cand-050'] });
      assert.equal(withDeleted[0].id, gone.id, 'the id is stable');
      assert.ok(withDeleted[0].remote_deleted_at);
      await rejects(
        kombo.ats.addCandidateResultLink({ candidate_id: gone.id, body: { label: 'L', url: 'https://x.example' } }),
        KomboAtsError,
        (e) => assert.equal(e.statusCode, 404),
      );
    });

    test('a revoked key stops working at once; keys of another account see nothing', async () => {
      const k = await createApiKey(s.started.rt.db, 'default', 'temp');
      const client = new Kombo({ api_key: k.key, server_url: `${s.url}/v1`, integration_id: DEMO });
      assert.equal((await client.general.checkApiKey()).status, 'success');
      await revokeApiKey(s.started.rt.db, k.id);
      await rejects(client.general.checkApiKey(), KomboGeneralError, (e) => assert.equal(e.error.code, 'PLATFORM.AUTHENTICATION_INVALID'));
      const other = await createApiKey(s.started.rt.db, 'other-account', 'other');
      const otherClient = new Kombo({ api_key: other.key, server_url: `${s.url}/v1`, integration_id: DEMO });
      await rejects(otherClient.ats.getCandidates({}), KomboAtsError, (e) => assert.equal(e.error.code, 'PLATFORM.INTEGRATION_NOT_FOUND'));
      await rejects(otherClient.general.getIntegrationDetails({ integration_id: DEMO }), KomboGeneralError, (e) =>
        assert.equal(e.error.code, 'PLATFORM.INTEGRATION_NOT_FOUND'),
      );
    });

    test('a restarted server still has its data; deleting an integration removes it', async () => {
      const before = await allCandidates(kombo, { page_size: 250 });
      await s.close({ keepData: true });
      s = await startTestServer(kind, { reuse: s });
      kombo = s.sdk(DEMO);
      const after = await allCandidates(kombo, { page_size: 250 });
      assert.deepEqual(
        after.map((c) => c.id),
        before.map((c) => c.id),
      );
      assert.equal(after.find((c) => c.custom_fields?.['Acme: Score'])?.custom_fields['Acme: Score'], '93%');

      await kombo.general.deleteIntegration({ integration_id: DEMO, body: {} });
      await rejects(kombo.ats.getJobs({}), KomboAtsError, (e) => assert.equal(e.error.code, 'PLATFORM.INTEGRATION_NOT_FOUND'));
    });
  });
}
