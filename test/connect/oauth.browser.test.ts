/**
 * "Sign in with Zoho" inside the official embed in a real browser: the vendor's login page
 * cannot be framed, so the sign-in opens a popup; the vendor (the Zoho fake) redirects it to
 * atsgate's callback, the popup hands the activation token to the iframe and closes, and the
 * embed's promise resolves with it, as after the form. PGlite only (the SQL is tested elsewhere).
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { startTestServer, type TestServer } from '../support/server.ts';
import { launchBrowser } from '../support/browser.ts';
import { startZohoRecruitFake, type ZohoRecruitFake } from '../fakes/zohorecruit.ts';

const EMBED = readFileSync(
  join(dirname(createRequire(import.meta.url).resolve('@kombo-api/connect/package.json')), 'dist/index.mjs'),
  'utf8',
);
const HOST_PAGE = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>App</title></head><body>
<script type="module">
  import { showKomboConnect } from '/embed.mjs';
  window.openConnect = (link) => {
    window.__result = null;
    showKomboConnect(link).then((token) => { window.__result = { token }; }, (err) => { window.__result = { error: err.name }; });
  };
  window.__ready = true;
</script></body></html>`;

async function hostServer(): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer((req, res) => {
    const body = req.url === '/' ? HOST_PAGE : req.url === '/embed.mjs' ? EMBED : null;
    if (body === null) return void res.writeHead(404).end();
    res.writeHead(200, { 'content-type': req.url === '/' ? 'text/html; charset=utf-8' : 'text/javascript; charset=utf-8' });
    res.end(body);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => new Promise((r) => server.close(() => r())) };
}

describe('OAuth sign-in inside the embed, in the browser', () => {
  let s: TestServer;
  let fake: ZohoRecruitFake;
  let host: Awaited<ReturnType<typeof hostServer>>;
  let browser: Browser;
  let page: Page;

  before(async () => {
    fake = await startZohoRecruitFake({ candidateCount: 2 });
    s = await startTestServer('pglite', { env: { ATSGATE_CONNECT_ALLOW_BASE_URL: 'true' } });
    fake.registerRedirectUri(`${s.url}/connect/oauth/callback`);
    host = await hostServer();
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 1200, height: 800 } });
  });
  after(async () => {
    await browser?.close();
    await host?.close();
    await s?.close();
    await fake?.stop();
  });

  test('the popup signs in, closes, and the embed resolves with the activation token', async () => {
    const sdk = s.sdk();
    const link = (
      await sdk.connect.createConnectionLink({
        end_user_email: 'it@acme.example',
        end_user_organization_name: 'Acme Inc.',
        integration_category: 'ATS',
        integration_tool: 'zohorecruit',
      })
    ).data.link;
    await page.goto(host.url);
    await page.waitForFunction(() => (window as any).__ready === true);
    await page.evaluate((l) => (window as any).openConnect(l), link);
    const frame = page.frameLocator('iframe');
    await frame.locator('#of-data_center').waitFor();
    await frame.locator('#of-data_center').fill('com');
    await frame.locator('#of-client_id').fill(fake.oauthClient.id);
    await frame.locator('#of-client_secret').fill(fake.oauthClient.secret);
    await frame.locator('#oauth-form summary').click();
    await frame.locator('#of-base_url').fill(fake.url);
    const popupOpened = page.waitForEvent('popup');
    await frame.getByRole('button', { name: 'Sign in with Zoho' }).click();
    const popup = await popupOpened;
    await popup.waitForEvent('close', { timeout: 15_000 });

    await frame.getByText('First sync complete.').waitFor({ timeout: 20_000 });
    await frame.getByRole('button', { name: 'Done' }).click();
    await page.waitForFunction(() => (window as any).__result !== null);
    const result = await page.evaluate(() => (window as any).__result);
    assert.match(result.token ?? '', /^[A-Za-z0-9_-]{43}$/, JSON.stringify(result));
    const got = await sdk.connect.getIntegrationByToken({ token: result.token });
    assert.equal(got.data.tool, 'zohorecruit');
  });
});
