/**
 * "Sign in with <ATS>" on the connect page (src/connect/oauth.ts): the authorization-code flow
 * through the page's HTTP routes, the vendor's consent page (the fake answers its 302 at once)
 * and atsgate's callback, followed like a browser would. PGlite only: the flow's SQL is two
 * statements, the rest is the form path's, tested on both databases in api.test.ts.
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from '../support/server.ts';
import { startZohoRecruitFake, type ZohoRecruitFake } from '../fakes/zohorecruit.ts';
import { getIntegrationById, openCredentials } from '../../src/store/integrations.ts';
import { callbackServer } from '../../src/connect/oauth.ts';
import { ConfigError, loadConfig } from '../../src/config.ts';
import { connector as zoho } from '../../src/connectors/zohorecruit/index.ts';
import { randomBytes } from 'node:crypto';
import { SecretBox } from '../../src/crypto/secretbox.ts';
import { rotateCredentials, sealedKeyId } from '../../src/crypto/rotate.ts';

describe('connect page: OAuth sign-in', () => {
  let s: TestServer;
  let fake: ZohoRecruitFake;
  /** Every page and redirect the "browser" saw, to look for secrets in. */
  const seen: string[] = [];

  before(async () => {
    fake = await startZohoRecruitFake({ candidateCount: 3 });
    s = await startTestServer('pglite', { env: { ATSGATE_CONNECT_ALLOW_BASE_URL: 'true' } });
    fake.registerRedirectUri(`${s.url}/connect/oauth/callback`);
  });
  after(async () => {
    await s?.close();
    await fake?.stop();
  });

  async function zohoLink(): Promise<string> {
    const res = await s.call('POST', '/v1/connect/create-link', {
      body: {
        end_user_email: 'it@acme.example',
        end_user_organization_name: 'Acme',
        integration_category: 'ATS',
        integration_tool: 'zohorecruit',
      },
    });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    return new URL(res.body.data.link).pathname.split('/').pop()!;
  }

  /** One browser step: no automatic redirects, so each hop is checked. */
  async function go(url: string, init: RequestInit = {}) {
    const res = await fetch(url, { ...init, redirect: 'manual' });
    const body = await res.text();
    seen.push(body, res.headers.get('location') ?? '');
    // The sign-in's answer is a page that sends the browser on (meta refresh and a link).
    const refresh = /<meta http-equiv="refresh" content="0;url=([^"]+)">/.exec(body)?.[1].replace(/&amp;/g, '&');
    return { status: res.status, body, location: res.headers.get('location') ?? refresh ?? null };
  }

  const signIn = (token: string, extra: Record<string, string> = {}) =>
    go(`${s.url}/connect/${token}/oauth`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        tool: 'zohorecruit',
        cred_data_center: 'com',
        cred_client_id: fake.oauthClient.id,
        cred_client_secret: fake.oauthClient.secret,
        base_url: fake.url,
        ...extra,
      }),
    });

  /** Sign-in up to the vendor's redirect back to atsgate: returns the callback URL. */
  async function toCallback(token: string): Promise<URL> {
    const start = await signIn(token);
    assert.equal(start.status, 200, start.body);
    const consent = await go(start.location!);
    assert.equal(consent.status, 302, consent.body);
    return new URL(consent.location!);
  }

  test('Zoho Recruit: the page offers the sign-in, the callback connects and the first sync runs', async () => {
    const token = await zohoLink();
    const page = await go(`${s.url}/connect/${token}`);
    assert.match(page.body, /<form id="oauth-form"[^>]*action="\/connect\/[^"]+\/oauth"/);
    assert.match(page.body, />Sign in with Zoho</);
    assert.ok(page.body.includes(`the redirect URL <code>${s.url}/connect/oauth/callback</code>`), 'the URL to register in the client');
    const oauthForm = page.body.slice(page.body.indexOf('id="oauth-form"'), page.body.indexOf('</form>'));
    assert.doesNotMatch(oauthForm, /cred_refresh_token/, 'the refresh token comes from the sign-in');
    assert.match(oauthForm, /name="cred_client_id"/);
    assert.match(page.body, /id="f-refresh_token"/, 'pasting a refresh token still works');

    const start = await signIn(token);
    assert.equal(start.status, 200);
    assert.match(start.body, /<a id="oauth-continue"[^>]*>Continue to Zoho</);
    const authorize = new URL(start.location!);
    assert.equal(`${authorize.origin}${authorize.pathname}`, `${new URL(fake.url).origin}/oauth/v2/auth`);
    const q = authorize.searchParams;
    assert.equal(q.get('client_id'), fake.oauthClient.id);
    assert.equal(q.get('response_type'), 'code');
    assert.equal(q.get('access_type'), 'offline');
    assert.equal(q.get('prompt'), 'consent');
    assert.equal(q.get('redirect_uri'), `${s.url}/connect/oauth/callback`);
    assert.deepEqual(q.get('scope')!.split(','), Object.values(zoho.definition.oauth!.scopes));
    assert.match(q.get('state')!, /^[A-Za-z0-9_-]{43}$/);
    assert.equal(q.get('client_secret'), null, 'the secret never goes through the browser');
    const { rows } = await s.started.db.query<{ state_hash: string }>('SELECT state_hash FROM oauth_states');
    assert.ok(!rows.some((r) => r.state_hash === q.get('state')), 'only the hash of the state is stored');

    const consent = await go(start.location!);
    assert.equal(consent.status, 302);
    const callback = new URL(consent.location!);
    assert.equal(callback.searchParams.get('state'), q.get('state'));
    const done = await go(callback.toString());
    assert.equal(done.status, 303, done.body);
    assert.match(done.location!, new RegExp(`^/connect/${token}#activation_token=[A-Za-z0-9_-]+$`));
    // The embedding app exchanges it as after the form (Kombo's integration-by-token).
    const activation = done.location!.split('#activation_token=')[1];
    const byToken = await s.call('GET', `/v1/connect/integration-by-token/${activation}`);
    assert.equal(byToken.status, 200, JSON.stringify(byToken.body));
    assert.equal(byToken.body.data.tool, 'zohorecruit');

    // The link's page now shows the connected state the embed's script follows.
    const connected = await go(`${s.url}/connect/${token}`);
    assert.match(connected.body, /<section id="progress" data-status-url="\/connect\/[^"]+\/status">/);
    assert.match(connected.body, /Zoho Recruit is connected/);
    let status: any;
    for (let i = 0; i < 200; i++) {
      status = await (await fetch(`${s.url}/connect/${token}/status`)).json();
      if (status.data.sync?.state === 'SUCCEEDED' || status.data.sync?.state === 'FAILED') break;
      await new Promise((r) => setTimeout(r, 25));
    }
    assert.equal(status.data.state, 'CONNECTED');
    assert.equal(status.data.sync.state, 'SUCCEEDED', JSON.stringify(status.data));
    assert.equal(status.data.records.candidates, 3);

    const link = await s.started.db.query<{ integration_id: string }>(
      'SELECT integration_id FROM connect_links WHERE integration_id IS NOT NULL',
    );
    const row = await getIntegrationById(s.started.db, link.rows[0].integration_id);
    const creds = openCredentials(s.started.rt.box, row!) as Record<string, string>;
    assert.equal(creds.client_id, fake.oauthClient.id);
    assert.equal(creds.client_secret, fake.oauthClient.secret);
    assert.equal(creds.data_center, 'com');
    assert.match(creds.refresh_token, /^1000\.[0-9a-f]{32}\.[0-9a-f]{32}$/, 'the refresh token Zoho minted for the sign-in');
    for (const text of seen) {
      assert.ok(!text.includes(fake.oauthClient.secret), 'the client secret is never on a page or in a redirect');
      assert.ok(!text.includes(creds.refresh_token), 'the refresh token is never on a page or in a redirect');
    }
    const logs = await s.started.db.query<{ t: string }>('SELECT row_to_json(l)::text AS t FROM interaction_logs l');
    for (const { t } of logs.rows) {
      assert.ok(!t.includes(fake.oauthClient.secret), 'no client secret in the logs');
      assert.ok(!t.includes(creds.refresh_token), 'no refresh token in the logs');
    }

    // The state worked once: the same redirect again is refused with a page, not a 500.
    const again = await go(callback.toString());
    assert.equal(again.status, 400);
    assert.match(again.body, /unknown, has expired or was already used/);
  });

  test('a key rotation during a sign-in re-seals what the callback needs with the new key', async () => {
    const token = await zohoLink();
    const callback = await toCallback(token);
    const pending = async () =>
      (
        await s.started.db.query<{ sealed: string }>(
          'SELECT sealed FROM oauth_states WHERE used_at IS NULL AND link_id = (SELECT id FROM connect_links ORDER BY created_at DESC LIMIT 1)',
        )
      ).rows;
    const [before] = await pending();
    const oldBox = s.started.rt.box;
    const newBox = new SecretBox(randomBytes(32));
    await rotateCredentials(s.started.db, oldBox, newBox);
    const [after] = await pending();
    assert.equal(sealedKeyId(before.sealed), oldBox.keyId);
    assert.equal(sealedKeyId(after.sealed), newBox.keyId, 'the pending sign-in is sealed with the new key');
    assert.equal(newBox.open(after.sealed), oldBox.open(before.sealed), 'and holds the same fields');
    // Back to the server's key, so that the rest of the file runs as before.
    await rotateCredentials(s.started.db, newBox, oldBox);
    const done = await go(callback.toString());
    assert.equal(done.status, 303, done.body);
  });

  test('unknown, missing and expired states: a clear page, nothing connected', async () => {
    const unknown = await go(`${s.url}/connect/oauth/callback?code=abc&state=${'x'.repeat(43)}`);
    assert.equal(unknown.status, 400);
    assert.match(unknown.body, /unknown, has expired or was already used/);
    assert.match(unknown.body, /<!doctype html>/);
    const missing = await go(`${s.url}/connect/oauth/callback?code=abc`);
    assert.equal(missing.status, 400);

    const token = await zohoLink();
    const callback = await toCallback(token);
    await s.started.db.query(`UPDATE oauth_states SET expires_at = now() - interval '1 second' WHERE used_at IS NULL`);
    const expired = await go(callback.toString());
    assert.equal(expired.status, 400);
    assert.match(expired.body, /unknown, has expired or was already used/);
    const link = await go(`${s.url}/connect/${token}`);
    assert.match(link.body, /id="oauth-form"/, 'the link can still be used');

    // Long-expired states are pruned when the next sign-in starts.
    await s.started.db.query(`UPDATE oauth_states SET expires_at = now() - interval '2 days'`);
    await signIn(token);
    const left = await s.started.db.query<{ n: number; old: number }>(
      `SELECT count(*)::int AS n, count(*) FILTER (WHERE expires_at < now())::int AS old FROM oauth_states`,
    );
    assert.deepEqual(left.rows[0], { n: 1, old: 0 });
  });

  test('the vendor refuses the code or the user declines: the page says so, nothing is stored', async () => {
    const count = async () => (await s.started.db.query<{ n: number }>('SELECT count(*)::int AS n FROM integrations')).rows[0].n;
    const before = await count();
    const token = await zohoLink();
    const callback = await toCallback(token);
    callback.searchParams.set('code', '1000.not-a-code');
    const refused = await go(callback.toString());
    assert.equal(refused.status, 400);
    assert.match(refused.body, /Zoho Recruit refused to finish the sign-in \(invalid_code\)/);
    assert.match(refused.body, new RegExp(`href="/connect/${token}"`), 'a way back to try again');
    assert.equal(await count(), before);

    // The user clicks Reject on Zoho's consent page ([ZR-AUTH]: error=access_denied).
    fake.denyNextConsent('access_denied');
    const declined = await go((await toCallback(token)).toString());
    assert.equal(declined.status, 400);
    assert.match(declined.body, /did not grant access \(access_denied\)/);
    assert.equal(await count(), before);

    // A client Zoho does not know never gets back to atsgate: Zoho answers with its own page.
    const wrong = await signIn(token, { cred_client_id: 'someone-else' });
    const consent = await go(wrong.location!);
    assert.equal(consent.status, 400, 'Zoho shows its own error page for an unknown client');

    // Typing errors before leaving: the form again, with the message.
    const empty = await signIn(token, { cred_client_id: '' });
    assert.equal(empty.status, 400);
    assert.match(empty.body, /&quot;Client ID&quot; is required/);
  });

  test("the operator's OAuth client (ATSGATE_OAUTH_ZOHORECRUIT_CLIENT_ID/SECRET): the customer only signs in", async () => {
    const op = await startTestServer('pglite', {
      env: {
        ATSGATE_CONNECT_ALLOW_BASE_URL: 'true',
        ATSGATE_OAUTH_ZOHORECRUIT_CLIENT_ID: fake.oauthClient.id,
        ATSGATE_OAUTH_ZOHORECRUIT_CLIENT_SECRET: fake.oauthClient.secret,
      },
    });
    try {
      fake.registerRedirectUri(`${op.url}/connect/oauth/callback`);
      const res = await op.call('POST', '/v1/connect/create-link', {
        body: {
          end_user_email: 'it@acme.example',
          end_user_organization_name: 'Acme',
          integration_category: 'ATS',
          integration_tool: 'zohorecruit',
        },
      });
      const token = new URL(res.body.data.link).pathname.split('/').pop()!;
      const page = await go(`${op.url}/connect/${token}`);
      const oauthForm = page.body.slice(page.body.indexOf('id="oauth-form"'), page.body.indexOf('</form>'));
      assert.doesNotMatch(oauthForm, /cred_client_id|cred_client_secret/);
      assert.match(oauthForm, /name="cred_data_center"/);
      const start = await go(`${op.url}/connect/${token}/oauth`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        // A client typed anyway is not the one used.
        body: new URLSearchParams({ tool: 'zohorecruit', cred_data_center: 'com', cred_client_id: 'typed', base_url: fake.url }),
      });
      assert.equal(start.status, 200, start.body);
      assert.equal(new URL(start.location!).searchParams.get('client_id'), fake.oauthClient.id);
      const consent = await go(start.location!);
      const done = await go(consent.location!);
      assert.equal(done.status, 303, done.body);
      const { rows } = await op.started.db.query<{ id: string }>("SELECT id FROM integrations WHERE tool = 'zohorecruit'");
      const creds = openCredentials(op.started.rt.box, (await getIntegrationById(op.started.db, rows[0].id))!) as Record<string, string>;
      assert.equal(creds.client_id, fake.oauthClient.id, "the operator's client refreshes the token later");
    } finally {
      await op.close();
    }
    assert.throws(
      () => loadConfig({ ATSGATE_OAUTH_ZOHORECRUIT_CLIENT_ID: 'x' }),
      (e: unknown) => e instanceof ConfigError && /ATSGATE_OAUTH_ZOHORECRUIT_CLIENT_SECRET is required/.test(e.problems.join(' ')),
    );
  });

  test("Zoho's accounts-server is trusted only for Zoho's own hosts (the client secret is sent there)", () => {
    const def = zoho.definition;
    assert.deepEqual(callbackServer(def, { baseUrl: null }, 'https://accounts.zoho.eu'), {
      tokenUrl: 'https://accounts.zoho.eu/oauth/v2/token',
      credential: 'data_center',
      value: 'eu',
    });
    assert.equal(callbackServer(def, { baseUrl: null }, 'https://accounts.zoho.eu.evil.example'), null);
    assert.equal(callbackServer(def, { baseUrl: null }, 'http://accounts.zoho.com'), null);
    assert.equal(callbackServer(def, { baseUrl: 'http://proxy.example' }, 'https://accounts.zoho.com'), null);
  });
});
