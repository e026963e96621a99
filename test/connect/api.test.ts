/**
 * The connect flow's API through the official SDK (create-link, integration-by-token,
 * reconnection links) and the hosted page's submission endpoint, against the built-in sandbox
 * ATS, on PGlite and on PostgreSQL.
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Kombo } from '@kombo-api/sdk';
import { KomboGeneralError } from '@kombo-api/sdk/models/errors';
import { databaseKinds } from '../support/databases.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { createApiKey } from '../../src/store/keys.ts';
import { getIntegrationById, openCredentials } from '../../src/store/integrations.ts';

async function rejectsGeneral(p: Promise<unknown>, status: number, code: string, message?: RegExp) {
  await assert.rejects(p, (e: any) => {
    assert.ok(e instanceof KomboGeneralError, `expected KomboGeneralError, got ${e?.constructor?.name}: ${e?.message}`);
    assert.equal(e.statusCode, status);
    assert.equal(e.error.code, code);
    if (message) assert.match(e.error.message, message);
    return true;
  });
}

const tokenOf = (link: string) => new URL(link).pathname.split('/').pop()!;

for (const kind of databaseKinds()) {
  describe(`connect API on ${kind}`, () => {
    let s: TestServer;
    let kombo: Kombo;

    /** POSTs the page's form as the page's script does (urlencoded, JSON answer). */
    async function submit(link: string, fields: Record<string, string>, accept = 'application/json') {
      const res = await fetch(link, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', accept },
        body: new URLSearchParams(fields),
        redirect: 'manual',
      });
      const text = await res.text();
      let body: any = text;
      try {
        body = JSON.parse(text);
      } catch {
        /* HTML */
      }
      return { status: res.status, body, headers: res.headers };
    }

    async function status(link: string) {
      const res = await fetch(`${link}/status`);
      return { status: res.status, body: (await res.json()) as any };
    }

    async function sandboxLink(extra: Record<string, unknown> = {}) {
      const res = await kombo.connect.createConnectionLink({
        end_user_email: 'it@acme.example',
        end_user_organization_name: 'Acme Inc.',
        end_user_origin_id: 'acme-1',
        integration_category: 'ATS',
        integration_tool: 'sandbox',
        ...extra,
      });
      return res.data.link;
    }

    before(async () => {
      s = await startTestServer(kind);
      kombo = s.sdk();
    });
    after(async () => {
      await s?.close();
    });

    test('create-link returns a link to the hosted page; the page lists every connector with its logo', async () => {
      const res = await kombo.connect.createConnectionLink({
        end_user_email: 'a@b.example',
        end_user_organization_name: 'Acme',
        integration_category: 'ATS',
      });
      assert.equal(res.status, 'success');
      assert.match(res.data.link, new RegExp(`^${s.url}/connect/[A-Za-z0-9_-]{43}$`));
      const page = await fetch(res.data.link + '?sdkv=1.3.0');
      assert.equal(page.status, 200);
      assert.match(page.headers.get('content-type') ?? '', /text\/html/);
      assert.equal(page.headers.get('referrer-policy'), 'no-referrer');
      assert.equal(page.headers.get('cache-control'), 'no-store');
      const html = await page.text();
      for (const tool of ['greenhouse', 'lever', 'ashby', 'workable', 'smartrecruiters', 'teamtailor', 'recruitee', 'sandbox']) {
        assert.ok(html.includes(`href="?tool=${tool}"`), `picker offers ${tool}`);
        assert.ok(html.includes(`src="/v1/assets/tools/${tool}.svg"`), `picker shows the ${tool} logo`);
      }
      // Picking a tool shows exactly that tool's credential fields, secrets as password inputs.
      const form = await (await fetch(`${res.data.link}?tool=greenhouse`)).text();
      assert.match(form, /<label for="f-client_id">Client ID<\/label>/);
      assert.match(form, /id="f-client_secret" name="cred_client_secret"[^>]*type="password"/);
      assert.match(form, /id="f-client_id" name="cred_client_id"[^>]*required[^>]*type="text"/);
      assert.match(form, /Dev Center &gt; API Credentials/);
      assert.doesNotMatch(form, /name="base_url"/, 'no base URL field unless ATSGATE_CONNECT_ALLOW_BASE_URL');
      assert.doesNotMatch(form, /cred_api_token/);
      // A credential with a fixed set of values (Teamtailor's data region) is a select.
      const tt = await (await fetch(`${res.data.link}?tool=teamtailor`)).text();
      assert.match(
        tt,
        /<select id="f-region" name="cred_region"[^>]*><option value="">\(default\)<\/option><option>eu<\/option><option>na<\/option><\/select>/,
      );
    });

    test('link types: EMBEDDED lives 1 hour, MAGIC_LINK 1 year', async () => {
      const embedded = tokenOf(await sandboxLink());
      const magic = tokenOf(await sandboxLink({ link_type: 'MAGIC_LINK' }));
      const { rows } = await s.started.db.query<{ link_type: string; hours: number }>(
        `SELECT link_type, extract(epoch FROM expires_at - created_at) / 3600 AS hours FROM connect_links ORDER BY created_at DESC LIMIT 2`,
      );
      const byType = Object.fromEntries(rows.map((r) => [r.link_type, Number(r.hours)]));
      assert.ok(Math.abs(byType.EMBEDDED - 1) < 0.01, `EMBEDDED: ${byType.EMBEDDED} h`);
      assert.ok(Math.abs(byType.MAGIC_LINK - 365 * 24) < 1, `MAGIC_LINK: ${byType.MAGIC_LINK} h`);
      // Only hashes are stored.
      const stored = await s.started.db.query(`SELECT 1 FROM connect_links WHERE token_hash IN ($1, $2)`, [embedded, magic]);
      assert.equal(stored.rows.length, 0);
    });

    test('create-link refuses categories and tools atsgate does not serve, and malformed input', async () => {
      // The SDK fills in Kombo's default category HRIS when it is left out.
      await rejectsGeneral(
        kombo.connect.createConnectionLink({ end_user_email: 'a@b.example', end_user_organization_name: 'Acme' }),
        400,
        'PLATFORM.INPUT_INVALID',
        /"integration_category" must be "ATS"/,
      );
      await rejectsGeneral(
        kombo.connect.createConnectionLink({
          end_user_email: 'a@b.example',
          end_user_organization_name: 'Acme',
          integration_category: 'LMS',
        }),
        400,
        'PLATFORM.INPUT_INVALID',
        /got "LMS"/,
      );
      await rejectsGeneral(
        kombo.connect.createConnectionLink({
          end_user_email: 'a@b.example',
          end_user_organization_name: 'Acme',
          integration_category: 'ATS',
          integration_tool: 'jobvite',
        }),
        400,
        'PLATFORM.INPUT_INVALID',
        /"jobvite" is not a tool atsgate connects; use one of greenhouse, .*sandbox/,
      );
      await rejectsGeneral(
        kombo.connect.createConnectionLink({
          end_user_email: 'not-an-email',
          end_user_organization_name: 'Acme',
          integration_category: 'ATS',
        }),
        400,
        'PLATFORM.INPUT_INVALID',
        /"end_user_email" must be an email address/,
      );
      await rejectsGeneral(
        kombo.connect.createConnectionLink({
          end_user_email: 'a@b.example',
          end_user_organization_name: 'Acme',
          integration_category: 'ATS',
          remote_environment: 'staging',
        }),
        400,
        'PLATFORM.INPUT_INVALID',
        /"remote_environment" can only be used together with "integration_tool"/,
      );
      const missing = await s.call('POST', '/v1/connect/create-link', {
        body: { end_user_email: 'a@b.example', integration_category: 'ATS' },
      });
      assert.equal(missing.status, 400);
      assert.match(missing.body.error.message, /"end_user_organization_name" is required/);
      const badType = await s.call('POST', '/v1/connect/create-link', {
        body: { end_user_email: 'a@b.example', end_user_organization_name: 'A', integration_category: 'ATS', link_type: 'FOREVER' },
      });
      assert.equal(badType.status, 400);
      assert.equal(badType.body.error.code, 'PLATFORM.INPUT_INVALID');
      const noKey = await fetch(`${s.url}/v1/connect/create-link`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{}',
      });
      assert.equal(noKey.status, 401);
    });

    test('wrong credentials: the ATS message comes back and the link stays usable; right ones: activation token → integration', async () => {
      const link = await sandboxLink({ language: 'de' });
      assert.equal((await status(link)).body.data.state, 'PENDING');

      const wrong = await submit(link, { tool: 'sandbox', cred_api_key: 'wrong-key' });
      assert.equal(wrong.status, 400);
      assert.equal(wrong.body.error.code, 'INTEGRATION.AUTHENTICATION_INVALID');
      assert.equal(
        wrong.body.error.message,
        'The Sandbox ATS rejected the API key: sandbox keys start with "sandbox" (try "sandbox-demo").',
      );
      const empty = await submit(link, { tool: 'sandbox', cred_api_key: '  ' });
      assert.equal(empty.status, 400);
      assert.equal(empty.body.error.message, '"Sandbox API key" is required.');
      const otherTool = await submit(link, { tool: 'lever', cred_api_key: 'x' });
      assert.equal(otherTool.status, 400);
      assert.match(otherTool.body.error.message, /for Sandbox ATS only/);
      const baseUrl = await submit(link, { tool: 'sandbox', cred_api_key: 'sandbox-x', base_url: 'http://127.0.0.1:1/' });
      assert.equal(baseUrl.status, 400);
      assert.match(baseUrl.body.error.message, /does not accept a custom API base URL/);

      const right = await submit(link, { tool: 'sandbox', cred_api_key: 'sandbox-acme' });
      assert.equal(right.status, 200, JSON.stringify(right.body));
      const activation = right.body.data.activation_token as string;
      assert.match(activation, /^[A-Za-z0-9_-]{43}$/);

      const got = await kombo.connect.getIntegrationByToken({ token: activation });
      assert.equal(got.status, 'success');
      assert.match(got.data.id, /^sandbox:/);
      assert.equal(got.data.tool, 'sandbox');
      assert.equal(got.data.end_user_email, 'it@acme.example');
      assert.equal(got.data.end_user_organization_name, 'Acme Inc.');
      assert.equal(got.data.end_user_origin_id, 'acme-1');
      assert.ok(['FINAL_SYNC_PENDING', 'COMPLETED'].includes(got.data.setup_status));
      assert.deepEqual(Object.keys(got.data).sort(), [
        'end_user_email',
        'end_user_organization_name',
        'end_user_origin_id',
        'id',
        'setup_status',
        'tool',
      ]);

      // The first sync runs in the background; the page's status endpoint reports it.
      let st = (await status(link)).body.data;
      while (st.sync?.state === 'RUNNING' || st.sync === null) {
        await new Promise((r) => setTimeout(r, 50));
        st = (await status(link)).body.data;
      }
      assert.equal(st.state, 'CONNECTED');
      assert.equal(st.sync.state, 'SUCCEEDED');
      assert.equal(st.setup_status, 'COMPLETED');
      assert.ok(st.records.candidates > 0 && st.records.jobs > 0, JSON.stringify(st.records));
      const details = await kombo.general.getIntegrationDetails({ integration_id: got.data.id });
      assert.equal(details.data.setup_status, 'COMPLETED');

      // A used link cannot create a second integration.
      const again = await submit(link, { tool: 'sandbox', cred_api_key: 'sandbox-acme' });
      assert.equal(again.status, 409);
      assert.match(again.body.error.message, /already been used/);
      // Reloading the page shows the finished state, not the form.
      const reloaded = await (await fetch(link)).text();
      assert.match(reloaded, /id="progress" data-status-url/);
      assert.doesNotMatch(reloaded, /connect-form/);
    });

    test('without JavaScript: the form re-renders with the error and the non-secret values; success redirects', async () => {
      const link = (
        await kombo.connect.createConnectionLink({
          end_user_email: 'a@b.example',
          end_user_organization_name: 'Acme',
          integration_category: 'ATS',
        })
      ).data.link;
      const res = await submit(
        link,
        { tool: 'greenhouse', cred_client_id: 'my-client', cred_client_secret: 's3cret-value', cred_user_id: 'abc' },
        'text/html',
      );
      assert.equal(res.status, 400);
      assert.match(res.headers.get('content-type') ?? '', /text\/html/);
      assert.match(res.body, /role="alert"[^>]*>&quot;Act as user ID \(optional\)&quot; is not valid/);
      assert.match(res.body, /name="cred_client_id"[^>]*value="my-client"/);
      assert.ok(!res.body.includes('s3cret-value'), 'secret values are never echoed into the page');
      const sandbox = await sandboxLink();
      const ok = await submit(sandbox, { tool: 'sandbox', cred_api_key: 'sandbox-nojs' }, 'text/html');
      assert.equal(ok.status, 303);
      assert.equal(ok.headers.get('location'), new URL(sandbox).pathname);
    });

    test('unknown and expired links and activation tokens are refused', async () => {
      const unknown = await fetch(`${s.url}/connect/${'A'.repeat(43)}`);
      assert.equal(unknown.status, 404);
      assert.match(await unknown.text(), /invalid or has expired/);
      assert.equal((await status(`${s.url}/connect/nope`)).status, 404);
      await rejectsGeneral(
        kombo.connect.getIntegrationByToken({ token: 'B'.repeat(43) }),
        404,
        'PLATFORM.INPUT_INVALID',
        /unknown or has expired/,
      );
      await rejectsGeneral(kombo.connect.getIntegrationByToken({ token: 'short' }), 404, 'PLATFORM.INPUT_INVALID');

      const link = await sandboxLink();
      await s.started.db.query(
        `UPDATE connect_links SET expires_at = now() - interval '1 second' WHERE token_hash = encode(sha256(convert_to($1, 'UTF8')), 'hex')`,
        [tokenOf(link)],
      );
      assert.equal((await fetch(link)).status, 404);
      const late = await submit(link, { tool: 'sandbox', cred_api_key: 'sandbox-late' });
      assert.equal(late.status, 404);
      assert.equal(late.body.error.code, 'PLATFORM.INPUT_INVALID');

      const fresh = await sandboxLink();
      const activation = (await submit(fresh, { tool: 'sandbox', cred_api_key: 'sandbox-exp' })).body.data.activation_token;
      assert.equal((await kombo.connect.getIntegrationByToken({ token: activation })).status, 'success');
      await s.started.db.query(
        `UPDATE connect_links SET activation_expires_at = now() - interval '1 second' WHERE token_hash = encode(sha256(convert_to($1, 'UTF8')), 'hex')`,
        [tokenOf(fresh)],
      );
      await rejectsGeneral(kombo.connect.getIntegrationByToken({ token: activation }), 404, 'PLATFORM.INPUT_INVALID');
    });

    test("another account's key sees neither the activation token nor the integration, and cannot relink it", async () => {
      const other = await createApiKey(s.started.db, `other-${kind}`, 'other');
      const otherSdk = new Kombo({ api_key: other.key, server_url: `${s.url}/v1` });
      const link = await sandboxLink();
      const activation = (await submit(link, { tool: 'sandbox', cred_api_key: 'sandbox-iso' })).body.data.activation_token;
      await rejectsGeneral(otherSdk.connect.getIntegrationByToken({ token: activation }), 404, 'PLATFORM.INPUT_INVALID');
      const mine = await kombo.connect.getIntegrationByToken({ token: activation });
      await rejectsGeneral(
        otherSdk.general.createReconnectionLink({ integration_id: mine.data.id, body: {} }),
        404,
        'PLATFORM.INTEGRATION_NOT_FOUND',
      );

      // And the other way round: the other account's flow is invisible to the default key.
      const theirs = (
        await otherSdk.connect.createConnectionLink({
          end_user_email: 'x@y.example',
          end_user_organization_name: 'Other',
          integration_category: 'ATS',
          integration_tool: 'sandbox',
        })
      ).data.link;
      const theirActivation = (await submit(theirs, { tool: 'sandbox', cred_api_key: 'sandbox-other' })).body.data.activation_token;
      await rejectsGeneral(kombo.connect.getIntegrationByToken({ token: theirActivation }), 404, 'PLATFORM.INPUT_INVALID');
      const theirIntegration = await otherSdk.connect.getIntegrationByToken({ token: theirActivation });
      const row = await getIntegrationById(s.started.db, theirIntegration.data.id);
      assert.equal(row?.account_id, `other-${kind}`);
    });

    test('a reconnection link updates the existing integration instead of creating one', async () => {
      const link = await sandboxLink();
      const first = await submit(link, { tool: 'sandbox', cred_api_key: 'sandbox-old' });
      const integration = (await kombo.connect.getIntegrationByToken({ token: first.body.data.activation_token })).data;
      const count = async () => (await s.started.db.query<{ n: number }>('SELECT count(*)::int AS n FROM integrations')).rows[0].n;
      const before = await count();

      const relink = await kombo.general.createReconnectionLink({ integration_id: integration.id, body: { link_type: 'EMBEDDED' } });
      assert.match(relink.data.link, new RegExp(`^${s.url}/connect/[A-Za-z0-9_-]{43}$`));
      const page = await (await fetch(relink.data.link)).text();
      assert.match(page, /Reconnect Sandbox ATS/);
      assert.doesNotMatch(page, /href="\?tool=/, 'no tool choice when reconnecting');

      const wrong = await submit(relink.data.link, { tool: 'sandbox', cred_api_key: 'nope' });
      assert.equal(wrong.status, 400);
      assert.equal(wrong.body.error.code, 'INTEGRATION.AUTHENTICATION_INVALID');
      let row = await getIntegrationById(s.started.db, integration.id);
      assert.deepEqual(openCredentials(s.started.rt.box, row!), { api_key: 'sandbox-old' }, 'refused credentials change nothing');

      // The catch-up sync after a relink is queued like every other (retries; a graceful stop
      // waits for it). The first sync ends first, so that this one is not answered by it.
      for (;;) {
        const { rows } = await s.started.db.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM syncs WHERE integration_id = $1 AND state = 'RUNNING'`,
          [integration.id],
        );
        if (rows[0].n === 0 && (await getIntegrationById(s.started.db, integration.id))!.setup_status === 'COMPLETED') break;
        await new Promise((res) => setTimeout(res, 50));
      }
      const jobs = s.started.rt.jobs;
      const add = jobs.add;
      const queued: unknown[][] = [];
      jobs.add = (task, payload, opts) => (queued.push([task, payload.integrationId, payload.type]), add.call(jobs, task, payload, opts));
      let ok: Awaited<ReturnType<typeof submit>>;
      try {
        ok = await submit(relink.data.link, { tool: 'sandbox', cred_api_key: 'sandbox-new' });
      } finally {
        jobs.add = add;
      }
      assert.equal(ok.status, 200, JSON.stringify(ok.body));
      assert.deepEqual(queued, [['sync-integration', integration.id, 'DELTA']]);
      const again = await kombo.connect.getIntegrationByToken({ token: ok.body.data.activation_token });
      assert.equal(again.data.id, integration.id);
      assert.equal(await count(), before);
      row = await getIntegrationById(s.started.db, integration.id);
      assert.deepEqual(openCredentials(s.started.rt.box, row!), { api_key: 'sandbox-new' });
      assert.equal(row!.status, 'ACTIVE');

      await rejectsGeneral(
        kombo.general.createReconnectionLink({ integration_id: 'sandbox:doesnotexist', body: {} }),
        404,
        'PLATFORM.INTEGRATION_NOT_FOUND',
      );
    });
  });
}
