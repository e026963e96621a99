/**
 * Tenancy: an API key belongs to one account and sees only that account's integrations. On
 * every endpoint that names an integration (path or X-Integration-Id), another account's
 * integration answers exactly like one that does not exist — same status, code, title and
 * message (with the id swapped) — so a key cannot even learn that an id exists elsewhere.
 * Revoking a key takes effect on the very next request.
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { databaseKinds } from '../support/databases.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { createApiKey, revokeApiKey } from '../../src/store/keys.ts';
import { connectIntegration } from '../../src/integrations/service.ts';

const DEMO = 'sandbox:demo';
const MISSING = 'sandbox:NoSuchIntegration0000000';

interface Probe {
  name: string;
  method: string;
  path: (id: string) => string;
  header?: boolean;
  body?: unknown;
}

/** The application-level note and file endpoints, on one application id (X-Integration-Id names the integration). */
const applicationProbes = (appl: () => string): Probe[] => [
  {
    name: 'application note',
    method: 'POST',
    path: () => `/v1/ats/applications/${appl()}/notes`,
    header: true,
    body: { content: 'tenancy probe', content_type: 'PLAIN_TEXT' },
  },
  {
    name: 'add application attachment',
    method: 'POST',
    path: () => `/v1/ats/applications/${appl()}/attachments`,
    header: true,
    body: { attachment: { name: 'tenancy.pdf', type: 'OTHER', content_type: 'application/pdf', data: 'QUJD' } },
  },
  { name: 'application attachments', method: 'GET', path: () => `/v1/ats/applications/${appl()}/attachments`, header: true },
  {
    name: 'move to stage',
    method: 'PUT',
    path: () => `/v1/ats/applications/${appl()}/stage`,
    header: true,
    body: { stage_id: 'AnyStage0000000000000000' },
  },
  {
    name: 'reject application',
    method: 'POST',
    path: () => `/v1/ats/applications/${appl()}/reject`,
    header: true,
    body: { rejection_reason_id: 'AnyReason000000000000000' },
  },
];

for (const kind of databaseKinds()) {
  describe(`tenancy on ${kind}`, () => {
    let s: TestServer;
    let otherKey: string;
    let cand: string;
    let appl: string;
    let logId: string;

    before(async () => {
      s = await startTestServer(kind);
      otherKey = (await createApiKey(s.started.db, 'other-account', 'other')).key;
      const c = await s.call('GET', '/v1/ats/candidates?page_size=1', { integrationId: DEMO });
      cand = c.body.data.results[0].id;
      appl = c.body.data.results[0].applications[0].id;
      const failed = await s.call('POST', '/v1/ats/candidates/unknown/result-links', {
        integrationId: DEMO,
        body: { label: 'L', url: 'https://x.example' },
      });
      logId = new URL(failed.body.error.log_url).pathname.split('/').pop()!;
    });
    after(() => s?.close());

    const asOther = (method: string, path: string, o: { integrationId?: string; body?: unknown } = {}) =>
      s.call(method, path, { ...o, headers: { authorization: `Bearer ${otherKey}` } });

    test('every integration-scoped endpoint answers for a foreign integration exactly as for a missing one', async () => {
      const probes: Probe[] = [
        { name: 'integration details', method: 'GET', path: (id) => `/v1/integrations/${encodeURIComponent(id)}` },
        { name: 'delete integration', method: 'DELETE', path: (id) => `/v1/integrations/${encodeURIComponent(id)}`, body: {} },
        { name: 'relink', method: 'POST', path: (id) => `/v1/integrations/${encodeURIComponent(id)}/relink`, body: {} },
        { name: 'force-sync', method: 'POST', path: () => '/v1/force-sync', header: true, body: { type: 'FULL' } },
        { name: 'jobs', method: 'GET', path: () => '/v1/ats/jobs', header: true },
        { name: 'candidates', method: 'GET', path: () => '/v1/ats/candidates', header: true },
        { name: 'applications', method: 'GET', path: () => '/v1/ats/applications', header: true },
        { name: 'users', method: 'GET', path: () => '/v1/ats/users', header: true },
        { name: 'rejection reasons', method: 'GET', path: () => '/v1/ats/rejection-reasons', header: true },
        { name: 'candidate attachments', method: 'GET', path: () => `/v1/ats/candidates/${cand}/attachments`, header: true },
        {
          name: 'candidate result link',
          method: 'POST',
          path: () => `/v1/ats/candidates/${cand}/result-links`,
          header: true,
          body: { label: 'L', url: 'https://x.example' },
        },
        {
          name: 'application result link',
          method: 'POST',
          path: () => `/v1/ats/applications/${appl}/result-links`,
          header: true,
          body: { label: 'L', url: 'https://x.example' },
        },
        {
          name: 'add attachment',
          method: 'POST',
          path: () => `/v1/ats/candidates/${cand}/attachments`,
          header: true,
          body: { attachment: { name: 'a.pdf', type: 'CV', content_type: 'application/pdf', data: 'QUJD' } },
        },
        ...applicationProbes(() => appl),
        {
          name: 'disable integration',
          method: 'PUT',
          path: (id) => `/v1/integrations/${encodeURIComponent(id)}/enabled`,
          body: { value: false },
        },
        { name: 'custom fields', method: 'GET', path: (id) => `/v1/integrations/${encodeURIComponent(id)}/custom-fields` },
        { name: 'integration fields', method: 'GET', path: (id) => `/v1/integrations/${encodeURIComponent(id)}/integration-fields` },
        {
          name: 'passthrough',
          method: 'POST',
          path: () => '/v1/passthrough/sandbox/v1',
          header: true,
          body: { method: 'GET', path: '/candidates' },
        },
      ];
      for (const p of probes) {
        const foreign = await asOther(p.method, p.path(DEMO), { integrationId: p.header ? DEMO : undefined, body: p.body });
        const missing = await asOther(p.method, p.path(MISSING), { integrationId: p.header ? MISSING : undefined, body: p.body });
        assert.equal(foreign.status, 404, `${p.name}: ${JSON.stringify(foreign.body)}`);
        assert.equal(foreign.body.error.code, 'PLATFORM.INTEGRATION_NOT_FOUND', p.name);
        assert.equal(foreign.status, missing.status, p.name);
        assert.deepEqual(
          { ...foreign.body, error: { ...foreign.body.error, message: foreign.body.error.message.replaceAll(DEMO, '<id>') } },
          { ...missing.body, error: { ...missing.body.error, message: missing.body.error.message.replaceAll(MISSING, '<id>') } },
          `${p.name}: indistinguishable from a missing integration`,
        );
        // The owner still sees it (the probe really named an existing integration).
      }
      const owner = await s.call('GET', `/v1/integrations/${DEMO}`);
      assert.equal(owner.status, 200);
      assert.equal(owner.body.data.id, DEMO, 'the foreign delete did not delete it');
      assert.equal(owner.body.data.status, 'ACTIVE', 'the foreign disable did not disable it');
    });

    test("another account's application id, under the caller's own integration, is a missing application", async () => {
      const mine = await connectIntegration(s.started.rt, {
        accountId: 'other-account',
        tool: 'sandbox',
        organizationName: 'Other Inc',
        credentials: { api_key: 'sandbox-other' },
        waitForSync: true,
      });
      const missingApp = 'NoSuchApplication0000000000';
      for (const p of applicationProbes(() => appl)) {
        const foreign = await asOther(p.method, p.path(''), { integrationId: mine.id, body: p.body });
        const missing = await asOther(p.method, p.path('').replace(appl, missingApp), { integrationId: mine.id, body: p.body });
        assert.equal(foreign.status, 404, `${p.name}: ${JSON.stringify(foreign.body)}`);
        assert.equal(foreign.body.error.code, 'PLATFORM.INPUT_INVALID', p.name);
        assert.equal(
          foreign.body.error.message.replaceAll(appl, '<id>'),
          missing.body.error.message.replaceAll(missingApp, '<id>'),
          `${p.name}: indistinguishable from a missing application`,
        );
      }
      // Nothing reached the owner's application.
      const files = await s.call('GET', `/v1/ats/applications/${appl}/attachments`, { integrationId: DEMO });
      assert.equal(files.status, 200);
      assert.ok(
        !files.body.data.results.some((f: { file_name: string }) => f.file_name === 'tenancy.pdf'),
        'no foreign file on the application',
      );
      const notes = await s.started.db.query(`SELECT 1 FROM sandbox_objects WHERE kind = 'note' AND data->>'content' = 'tenancy probe'`);
      assert.equal(notes.rows.length, 0, 'no foreign note anywhere');
    });

    test("another account's stage and rejection reason ids, on the caller's own application, are missing ones", async () => {
      const mine = await connectIntegration(s.started.rt, {
        accountId: 'other-account',
        tool: 'sandbox',
        organizationName: 'Other Inc (stages)',
        credentials: { api_key: 'sandbox-other-stages' },
        waitForSync: true,
      });
      // The owner's ids: a stage of the owner's application's job and one of its rejection reasons.
      const ownerApp = (await s.call('GET', `/v1/ats/applications?ids=${appl}`, { integrationId: DEMO })).body.data.results[0];
      const ownerJob = (await s.call('GET', `/v1/ats/jobs?ids=${ownerApp.job_id}`, { integrationId: DEMO })).body.data.results[0];
      const ownerStage = ownerJob.stages[0].id;
      const ownerReason = (await s.call('GET', '/v1/ats/rejection-reasons', { integrationId: DEMO })).body.data.results[0].id;
      // The caller's own pending application, on the same (seeded) sandbox data.
      const myApp = (await asOther('GET', '/v1/ats/applications?outcomes=PENDING&page_size=1', { integrationId: mine.id })).body.data
        .results[0];
      const cases = [
        { method: 'PUT', path: `/v1/ats/applications/${myApp.id}/stage`, body: (id: string) => ({ stage_id: id }), foreign: ownerStage },
        {
          method: 'POST',
          path: `/v1/ats/applications/${myApp.id}/reject`,
          body: (id: string) => ({ rejection_reason_id: id }),
          foreign: ownerReason,
        },
      ];
      const missingId = 'NoSuchThing0000000000000';
      for (const c of cases) {
        const foreign = await asOther(c.method, c.path, { integrationId: mine.id, body: c.body(c.foreign) });
        const missing = await asOther(c.method, c.path, { integrationId: mine.id, body: c.body(missingId) });
        assert.equal(foreign.status, 404, `${c.path}: ${JSON.stringify(foreign.body)}`);
        assert.equal(foreign.body.error.code, 'PLATFORM.INPUT_INVALID');
        assert.equal(foreign.body.error.message.replaceAll(c.foreign, '<id>'), missing.body.error.message.replaceAll(missingId, '<id>'));
      }
      // The owner's rejection reasons are not listed to the caller, nor is the caller's application changed.
      const listed = await asOther('GET', '/v1/ats/rejection-reasons', { integrationId: mine.id });
      assert.ok(!listed.body.data.results.some((r: { id: string }) => r.id === ownerReason), "the owner's reason ids are not the caller's");
      const after = (await asOther('GET', `/v1/ats/applications?ids=${myApp.id}`, { integrationId: mine.id })).body.data.results[0];
      assert.equal(after.outcome, 'PENDING');
      assert.equal(after.current_stage_id, myApp.current_stage_id);
    });

    test("logs and key checks are scoped to the caller's account", async () => {
      const mine = await s.call('GET', `/v1/logs/${logId}`);
      assert.equal(mine.status, 200);
      const foreign = await asOther('GET', `/v1/logs/${logId}`);
      const missing = await asOther('GET', '/v1/logs/NoSuchLog000000000000000');
      assert.equal(foreign.status, 404);
      assert.equal(foreign.status, missing.status);
      assert.equal(foreign.body.error.code, missing.body.error.code);
      assert.equal(
        foreign.body.error.message.replace(logId, '<id>'),
        missing.body.error.message.replace('NoSuchLog000000000000000', '<id>'),
      );
      const list = await asOther('GET', `/v1/logs?integration_id=${encodeURIComponent(DEMO)}`);
      assert.equal(list.status, 200);
      assert.deepEqual(list.body.data.results, [], "no entry of another account's integration");
      const whoami = await asOther('GET', '/v1/check-api-key');
      assert.equal(whoami.body.data.environment_id, 'other-account');
    });

    test('a revoked key fails on the very next request, everywhere', async () => {
      const k = await createApiKey(s.started.db, 'default', 'to-revoke');
      const as = (path: string) => s.call('GET', path, { integrationId: DEMO, headers: { authorization: `Bearer ${k.key}` } });
      assert.equal((await as('/v1/ats/jobs?page_size=1')).status, 200);
      assert.equal((await as('/v1/check-api-key')).status, 200);
      assert.equal(await revokeApiKey(s.started.db, k.id), true);
      for (const path of ['/v1/ats/jobs?page_size=1', '/v1/check-api-key', `/v1/integrations/${DEMO}`, '/v1/logs']) {
        const r = await as(path);
        assert.equal(r.status, 401, path);
        assert.equal(r.body.error.code, 'PLATFORM.AUTHENTICATION_INVALID', path);
        assert.match(r.body.error.message, /invalid or has been revoked/);
      }
    });
  });
}
