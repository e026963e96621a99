/**
 * POST /v1/passthrough/:tool/:api end to end, through two vendor fakes with different auth
 * schemes (Lever: Basic with the key as user; SmartRecruiters: the X-SmartToken header):
 * - the call goes out with the integration's credentials, the caller's query and headers, and
 *   Kombo's answer `{url, status, headers, data}` + `warnings` comes back, the vendor's error
 *   statuses included; the shared client's retry rules apply (a 503 on a GET is retried);
 * - caller-supplied credentials (Authorization, the vendor's own header, Cookie, Host) never
 *   reach the vendor;
 * - every traversal / SSRF attempt is refused with PLATFORM.INPUT_INVALID before any request
 *   leaves atsgate (the fakes' journals and a canary server stay untouched);
 * - the interaction log has the call, without the vendor's credentials;
 * - `:tool` must be the integration's tool; the sandbox has no passthrough; another account's
 *   integration is a missing one.
 * Responses are checked against the fields of Kombo's Python SDK model
 * (kombo/models/postpassthroughtoolapipositiveresponse.py) and atsgate's own OpenAPI schema.
 */
import '../support/fast-retries.ts';
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Value } from '@sinclair/typebox/value';
import { databaseKinds } from '../support/databases.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { connectIntegration } from '../../src/integrations/service.ts';
import { createApiKey } from '../../src/store/keys.ts';
import { startLeverFake, type LeverFake } from '../fakes/lever.ts';
import { startSmartRecruitersFake } from '../fakes/smartrecruiters.ts';
import { FakeServer } from '../fakes/server.ts';
import * as R from '../../src/api/responses.ts';

type SrFake = Awaited<ReturnType<typeof startSmartRecruitersFake>>;

/**
 * Kombo's Python SDK, PostPassthroughToolAPIPositiveResponse: status "success", data {url: str,
 * status: int, headers: Dict[str, str | List[str]], data?: Any}, warnings [{message: str}].
 */
function assertKomboPassthroughShape(body: any): void {
  assert.equal(body.status, 'success');
  assert.deepEqual(Object.keys(body).sort(), ['data', 'status', 'warnings']);
  assert.equal(typeof body.data.url, 'string');
  assert.ok(Number.isInteger(body.data.status));
  for (const [k, v] of Object.entries(body.data.headers))
    assert.ok(typeof v === 'string' || (Array.isArray(v) && v.every((x) => typeof x === 'string')), `header ${k}`);
  assert.ok(Array.isArray(body.warnings) && body.warnings.every((w: any) => typeof w.message === 'string'));
  assert.deepEqual(
    [...Value.Errors(R.PassthroughResponse, body)].map((e) => `${e.path} ${e.message}`),
    [],
  );
}

for (const kind of databaseKinds()) {
  describe(`passthrough on ${kind}`, () => {
    let s: TestServer;
    let lever: LeverFake;
    let sr: SrFake;
    let canary: FakeServer;
    let leverId: string;
    let srId: string;

    before(async () => {
      s = await startTestServer(kind);
      lever = await startLeverFake();
      sr = await startSmartRecruitersFake();
      canary = new FakeServer();
      canary.route('GET', '/.*', () => ({ json: { reached: true } }));
      await canary.start();
      const rt = s.started.rt;
      leverId = (
        await connectIntegration(rt, {
          accountId: 'default',
          tool: 'lever',
          organizationName: 'Lever Inc',
          credentials: lever.credentials,
          baseUrl: lever.url,
          waitForSync: true,
        })
      ).id;
      srId = (
        await connectIntegration(rt, {
          accountId: 'default',
          tool: 'smartrecruiters',
          organizationName: 'SR Inc',
          credentials: sr.credentials,
          baseUrl: sr.url,
          waitForSync: true,
        })
      ).id;
    });
    after(async () => {
      await s?.close();
      await lever?.stop();
      await sr?.stop();
      await canary?.stop();
    });

    const call = (integrationId: string, tool: string, api: string, body: unknown, headers?: Record<string, string>) =>
      s.call('POST', `/v1/passthrough/${tool}/${api}`, { integrationId, body, headers });

    test("Lever (Basic auth): GET with query params, the integration's credentials, caller headers minus credentials", async () => {
      const before = lever.server.journal.length;
      const res = await call(leverId, 'lever', 'v1', {
        method: 'GET',
        path: '/postings?state=published',
        params: { limit: '2' },
        headers: {
          Authorization: 'Basic ZXZpbDo=',
          Cookie: 'session=stolen',
          Host: 'evil.example',
          'Proxy-Authorization': 'Basic eA==',
          'X-Request-Source': 'vendor-app',
        },
      });
      assert.equal(res.status, 200, JSON.stringify(res.body));
      assertKomboPassthroughShape(res.body);
      assert.equal(res.body.data.status, 200);
      assert.equal(res.body.data.url, `${lever.url}/postings?state=published&limit=2`);
      assert.ok(Array.isArray(res.body.data.data.data), "Lever's own envelope comes back as it is");
      assert.match(res.body.data.headers['content-type'], /json/);
      assert.match(
        res.body.warnings.map((w: any) => w.message).join(' '),
        /Not forwarded.*Authorization, Cookie, Host, Proxy-Authorization/,
      );

      const sent = lever.server.journal.slice(before);
      assert.equal(sent.length, 1, 'one request');
      assert.equal(sent[0].path, '/v1/postings');
      assert.equal(sent[0].query.get('state'), 'published');
      assert.equal(sent[0].query.get('limit'), '2');
      assert.equal(
        sent[0].headers.authorization,
        `Basic ${Buffer.from(`${lever.credentials.api_key}:`).toString('base64')}`,
        "the integration's key, not the caller's",
      );
      assert.equal(sent[0].headers.cookie, undefined);
      assert.equal(sent[0].headers['proxy-authorization'], undefined);
      assert.match(String(sent[0].headers.host), /^127\.0\.0\.1:/);
      assert.equal(sent[0].headers['x-request-source'], 'vendor-app');
    });

    test("Lever: a POST with a JSON body reaches the vendor; the vendor's error statuses come back as data", async () => {
      const opp = lever.opportunities()[0];
      const note = await call(leverId, 'lever', 'v1', {
        method: 'POST',
        path: `/opportunities/${opp.id}/notes`,
        params: { perform_as: lever.users[0].id },
        data: { value: 'Written through the passthrough' },
      });
      assert.equal(note.status, 200, JSON.stringify(note.body));
      assertKomboPassthroughShape(note.body);
      assert.ok(note.body.data.status < 300, JSON.stringify(note.body.data));
      assert.ok(
        lever.notesOf(opp.id).some((n: any) => JSON.stringify(n).includes('Written through the passthrough')),
        'the note exists in Lever',
      );

      const missing = await call(leverId, 'lever', 'v1', { method: 'GET', path: '/opportunities/no-such-opportunity/resumes' });
      assert.equal(missing.status, 200, 'the vendor answered; its status is the data');
      assertKomboPassthroughShape(missing.body);
      assert.ok(missing.body.data.status >= 400 && missing.body.data.status < 500, String(missing.body.data.status));
    });

    test("SmartRecruiters (X-SmartToken): the header the caller sends is replaced by the integration's", async () => {
      const before = sr.server.journal.length;
      const res = await call(srId, 'smartrecruiters', 'default', {
        method: 'GET',
        path: '/configuration/candidate-properties',
        headers: { 'X-SmartToken': 'stolen-token', 'x-smarttoken': 'stolen-too' },
      });
      assert.equal(res.status, 200, JSON.stringify(res.body));
      assertKomboPassthroughShape(res.body);
      assert.equal(res.body.data.status, 200);
      assert.ok(res.body.data.data.content, 'the properties list');
      const sent = sr.server.journal.slice(before);
      assert.equal(sent.length, 1);
      assert.equal(sent[0].headers['x-smarttoken'], sr.credentials.api_key);
      assert.match(res.body.warnings.map((w: any) => w.message).join(' '), /X-SmartToken/);
      assert.ok(!JSON.stringify(res.body).includes(String(sr.credentials.api_key)), 'the key is not in the answer');
    });

    test("the shared client's retry rules apply: a 503 on a GET is retried, the answer is the vendor's final one", async () => {
      const before = sr.server.journal.length;
      sr.failNext(1, 503);
      const res = await call(srId, 'smartrecruiters', 'default', { method: 'GET', path: '/jobs', params: { limit: '1' } });
      assert.equal(res.status, 200, JSON.stringify(res.body));
      assert.equal(res.body.data.status, 200);
      assert.equal(sr.server.journal.length - before, 2, 'one retry');

      sr.failNext(10, 503);
      const down = await call(srId, 'smartrecruiters', 'default', { method: 'GET', path: '/jobs' });
      assert.equal(down.status, 200, "after the retries, the vendor's 503 is handed back");
      assert.equal(down.body.data.status, 503);
      sr.failNext(0, 503);
    });

    test('every traversal, absolute URL, other host or path outside the allowed prefixes is refused with no outbound request', async () => {
      const port = new URL(canary.url).port;
      const attempts = [
        canary.url + '/x',
        `http://127.0.0.1:${port}/postings`,
        'https://api.lever.co/v1/postings',
        `//127.0.0.1:${port}/postings`,
        `/@127.0.0.1:${port}/postings`,
        'postings',
        '',
        '/',
        '/users',
        '/postingsX',
        '/postings/../../admin',
        '/postings/../users',
        '/../v2/postings',
        '/./postings',
        '/postings/./x',
        '/postings/%2e%2e/%2e%2e/admin',
        '/postings/%2E%2E/users',
        '/postings/..%2fusers',
        '/postings%2f..%2f..%2fadmin',
        '/postings/%252e%252e/users',
        '/postings/%5c..%5cusers',
        '/postings\\..\\users',
        '/postings/..\\users',
        '/postings//users',
        '/postings#fragment',
        '/postings/ ../x',
        '/postings\r\nHost: evil.example',
        '/postings/%00',
        '/postings/%zz',
        ' /postings',
        'javascript:alert(1)',
        'file:///etc/passwd',
      ];
      const beforeLever = lever.server.journal.length;
      for (const path of attempts) {
        const res = await call(leverId, 'lever', 'v1', { method: 'GET', path });
        assert.equal(res.status, 400, `${JSON.stringify(path)}: ${JSON.stringify(res.body)}`);
        assert.equal(res.body.error.code, 'PLATFORM.INPUT_INVALID', JSON.stringify(path));
      }
      // Header injection through a header value, and an invalid header name.
      for (const headers of [{ 'X-A': 'ok\r\nAuthorization: Basic eA==' }, { 'Bad Header': 'x' }]) {
        const res = await call(leverId, 'lever', 'v1', { method: 'GET', path: '/postings', headers });
        assert.equal(res.status, 400, JSON.stringify(headers));
      }
      // The same on another connector (no base path: the prefixes alone keep it in bounds).
      const beforeSr = sr.server.journal.length;
      for (const path of [
        '/configuration/other',
        '/configuration/candidate-properties/../../users',
        '/candidatesX',
        `//127.0.0.1:${port}/candidates`,
        '/users',
      ]) {
        const res = await call(srId, 'smartrecruiters', 'default', { method: 'GET', path });
        assert.equal(res.status, 400, `${path}: ${JSON.stringify(res.body)}`);
      }
      assert.equal(lever.server.journal.length, beforeLever, 'Lever received nothing');
      assert.equal(sr.server.journal.length, beforeSr, 'SmartRecruiters received nothing');
      assert.equal(canary.journal.length, 0, 'no other host was reached');
    });

    test("the tool must be the integration's; unknown APIs, the sandbox and unsupported options are clear errors", async () => {
      const before = lever.server.journal.length;
      const wrongTool = await call(leverId, 'greenhouse', 'harvest-v3', { method: 'GET', path: '/candidates' });
      assert.equal(wrongTool.status, 400);
      assert.match(wrongTool.body.error.message, /Lever integration/);
      const wrongApi = await call(leverId, 'lever', 'v2', { method: 'GET', path: '/postings' });
      assert.equal(wrongApi.status, 400);
      assert.match(wrongApi.body.error.message, /available: v1/);
      const proto = await call(leverId, 'lever', '__proto__', { method: 'GET', path: '/postings' });
      assert.equal(proto.status, 400);
      const multipart = await call(leverId, 'lever', 'v1', {
        method: 'POST',
        path: '/postings',
        multipart_form_data: [{ name: 'a', value: 'b' }],
      });
      assert.equal(multipart.status, 400);
      assert.match(multipart.body.error.message, /multipart_form_data/);
      const badMethod = await call(leverId, 'lever', 'v1', { method: 'TRACE', path: '/postings' });
      assert.equal(badMethod.status, 400);
      const sandbox = await call('sandbox:demo', 'sandbox', 'v1', { method: 'GET', path: '/candidates' });
      assert.equal(sandbox.status, 400);
      assert.match(sandbox.body.error.message, /sandbox/i);
      const noHeader = await s.call('POST', '/v1/passthrough/lever/v1', { body: { method: 'GET', path: '/postings' } });
      assert.equal(noHeader.status, 400);
      assert.equal(lever.server.journal.length, before, 'nothing was sent');
    });

    test("another account's integration is a missing one, and nothing is sent", async () => {
      const other = (await createApiKey(s.started.db, 'passthrough-other', 'other')).key;
      const before = lever.server.journal.length;
      const foreign = await s.call('POST', '/v1/passthrough/lever/v1', {
        integrationId: leverId,
        body: { method: 'GET', path: '/postings' },
        headers: { authorization: `Bearer ${other}` },
      });
      const missing = await s.call('POST', '/v1/passthrough/lever/v1', {
        integrationId: 'lever:NoSuchIntegration',
        body: { method: 'GET', path: '/postings' },
        headers: { authorization: `Bearer ${other}` },
      });
      assert.equal(foreign.status, 404);
      assert.equal(foreign.body.error.code, 'PLATFORM.INTEGRATION_NOT_FOUND');
      assert.equal(
        foreign.body.error.message.replace(leverId, '<id>'),
        missing.body.error.message.replace('lever:NoSuchIntegration', '<id>'),
      );
      assert.equal(lever.server.journal.length, before);
    });

    test("custom fields: SmartRecruiters' candidate properties, in Kombo's shape and pages; integration fields: the empty page", async () => {
      const all = await s.call('GET', `/v1/integrations/${srId}/custom-fields`);
      assert.equal(all.status, 200, JSON.stringify(all.body));
      assert.deepEqual(
        [...Value.Errors(R.CustomFieldsResponse, all.body)].map((e) => `${e.path} ${e.message}`),
        [],
      );
      // Python SDK GetIntegrationsIntegrationIDCustomFieldsPositiveResponseResult: id, key, integration_field{id,key,type,label}|null, model, label, description.
      const score = all.body.data.results.find((f: any) => f.key === 'Acme: Score');
      assert.deepEqual(score, {
        id: 'ats_candidates:prop-acme-score',
        key: 'Acme: Score',
        integration_field: { id: 'ats_candidates:prop-acme-score', key: 'prop-acme-score', type: 'CUSTOM', label: 'Acme: Score' },
        model: 'ats_candidates',
        label: 'Acme: Score',
        description: null,
      });
      assert.equal(all.body.data.results.length, 4);
      assert.equal(all.body.data.next, null);
      const first = await s.call('GET', `/v1/integrations/${srId}/custom-fields?page_size=3`);
      assert.equal(first.body.data.results.length, 3);
      assert.equal(first.body.data.next, '3');
      assert.equal(first.body.data.next_cursor, '3');
      const second = await s.call('GET', `/v1/integrations/${srId}/custom-fields?page_size=3&cursor=${first.body.data.next}`);
      assert.deepEqual(
        [...first.body.data.results, ...second.body.data.results].map((f: any) => f.id),
        all.body.data.results.map((f: any) => f.id),
      );
      assert.equal(second.body.data.next, null);
      assert.equal((await s.call('GET', `/v1/integrations/${srId}/custom-fields?cursor=abc`)).status, 400);
      // Lever: its profile form templates' fields, named "<template>: <field>", on applications.
      const lever = (await s.call('GET', `/v1/integrations/${leverId}/custom-fields`)).body.data.results as {
        label: string;
        model: string;
      }[];
      assert.ok(lever.length > 0, 'Lever lists its form template fields');
      for (const f of lever) {
        assert.match(f.label, /^.+: .+$/);
        assert.equal(f.model, 'ats_applications');
      }
      const fields = await s.call('GET', `/v1/integrations/${srId}/integration-fields`);
      assert.deepEqual(fields.body, { status: 'success', data: { results: [], next_cursor: null, next: null } });
    });

    test('a disabled integration takes no passthrough calls until it is enabled again', async () => {
      const before = lever.server.journal.length;
      assert.equal((await s.call('PUT', `/v1/integrations/${leverId}/enabled`, { body: { value: false } })).status, 200);
      const refused = await call(leverId, 'lever', 'v1', { method: 'GET', path: '/stages' });
      assert.equal(refused.status, 409, JSON.stringify(refused.body));
      assert.equal(refused.body.error.code, 'PLATFORM.INPUT_INVALID', 'general endpoints answer PLATFORM.* codes only');
      assert.match(refused.body.error.message, /disabled/);
      assert.equal(lever.server.journal.length, before, 'nothing was sent');
      assert.equal((await s.call('PUT', `/v1/integrations/${leverId}/enabled`, { body: { value: true } })).status, 200);
      assert.equal((await call(leverId, 'lever', 'v1', { method: 'GET', path: '/stages' })).body.data.status, 200);
    });

    test("the interaction log records the call, without the vendor's credentials or the caller's", async () => {
      const res = await s.call('GET', `/v1/logs?integration_id=${encodeURIComponent(leverId)}&limit=50`);
      assert.equal(res.status, 200);
      const logs = res.body.data.results.filter((l: any) => l.action === 'passthrough');
      assert.ok(logs.length >= 3, `${logs.length} passthrough logs`);
      const srLogs = (await s.call('GET', `/v1/logs?integration_id=${encodeURIComponent(srId)}&limit=50`)).body.data.results.filter(
        (l: any) => l.action === 'passthrough',
      );
      const text = JSON.stringify([logs, srLogs]);
      const leverBasic = Buffer.from(`${lever.credentials.api_key}:`).toString('base64');
      for (const secret of [
        String(lever.credentials.api_key),
        leverBasic,
        String(sr.credentials.api_key),
        'ZXZpbDo=',
        'session=stolen',
        'stolen-token',
      ]) {
        assert.ok(!text.includes(secret), `the log does not contain ${secret.slice(0, 6)}…`);
      }
      const one = (await s.call('GET', `/v1/logs/${logs.find((l: any) => l.request?.path?.startsWith('/postings')).id}`)).body.data;
      assert.ok(one.calls.length >= 1 && one.calls[0].url.includes('/v1/postings'), JSON.stringify(one.calls));
      assert.ok(Array.isArray(one.request.headers), 'header names only');
    });
  });
}
