/**
 * The whole embedded flow in a real browser: a host page on its own loopback origin loads the
 * official @kombo-api/connect embed and calls showKomboConnect(link) with a link created
 * through the API; inside the iframe the user picks/enters Greenhouse credentials (against the
 * Greenhouse fake), sees the precise error for wrong ones, connects with the right ones, watches
 * the first sync and finishes; the embed's promise resolves with the activation token, which
 * the SDK exchanges for the integration. Screenshots of each step go to docs/screenshots/.
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { databaseKinds } from '../support/databases.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { launchBrowser } from '../support/browser.ts';
import { startGreenhouseFake, type GreenhouseFake } from '../fakes/greenhouse.ts';
import { connectIntegration } from '../../src/integrations/service.ts';
import { getIntegrationById } from '../../src/store/integrations.ts';
import { SCREENSHOT_DIR } from '../support/screenshots.ts';

const SCREENSHOTS = SCREENSHOT_DIR;
const EMBED = readFileSync(
  join(dirname(createRequire(import.meta.url).resolve('@kombo-api/connect/package.json')), 'dist/index.mjs'),
  'utf8',
);

/** The embedding app: its own origin, the official embed served from node_modules. */
const HOST_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Acme Assessments</title>
<style>body{font:16px system-ui,sans-serif;margin:40px;color:#0f172a}h1{font-size:22px}</style></head>
<body>
<h1>Acme Assessments · Settings</h1>
<p>Connect your applicant tracking system so results appear next to your candidates.</p>
<p id="out" role="status">Not connected yet.</p>
<script type="module">
  import { showKomboConnect } from '/embed.mjs';
  window.openConnect = (link) => {
    window.__result = null;
    showKomboConnect(link).then(
      (token) => { window.__result = { token }; document.getElementById('out').textContent = 'Connected: activation token received.'; },
      (err) => { window.__result = { error: err.name }; document.getElementById('out').textContent = 'Connection cancelled.'; },
    );
  };
  window.__ready = true;
</script>
</body></html>`;

async function hostServer(): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer((req, res) => {
    if (req.url === '/') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(HOST_PAGE);
    } else if (req.url === '/embed.mjs') {
      res.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8' });
      res.end(EMBED);
    } else {
      res.writeHead(404);
      res.end();
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => new Promise((r) => server.close(() => r())) };
}

for (const [i, kind] of databaseKinds().entries()) {
  describe(`connect flow in the browser on ${kind}`, () => {
    let s: TestServer;
    let fake: GreenhouseFake;
    let host: Awaited<ReturnType<typeof hostServer>>;
    let browser: Browser;
    let page: Page;
    // One set of screenshots is enough: from the first database kind.
    const shot = async (name: string) => {
      if (i === 0) await page.screenshot({ path: join(SCREENSHOTS, `connect-${name}.png`) });
    };

    before(async () => {
      mkdirSync(SCREENSHOTS, { recursive: true });
      fake = await startGreenhouseFake();
      s = await startTestServer(kind, { env: { ATSGATE_CONNECT_ALLOW_BASE_URL: 'true' } });
      host = await hostServer();
      browser = await launchBrowser();
      page = await browser.newPage({ viewport: { width: 1366, height: 768 } });
    });
    after(async () => {
      await browser?.close();
      await host?.close();
      await s?.close();
      await fake?.stop();
    });

    async function openEmbed(link: string) {
      await page.goto(host.url);
      await page.waitForFunction(() => (window as any).__ready === true);
      await page.evaluate((l) => (window as any).openConnect(l), link);
      return page.frameLocator('iframe');
    }

    test('picking an ATS inside the embed, and closing the flow, rejects the embed promise as cancelled', async () => {
      const link = (
        await s.sdk().connect.createConnectionLink({
          end_user_email: 'it@acme.example',
          end_user_organization_name: 'Acme Inc.',
          integration_category: 'ATS',
        })
      ).data.link;
      const frame = await openEmbed(link);
      // The embed appended its version parameter; the page does not mind it.
      assert.match((await page.locator('iframe').getAttribute('src')) ?? '', /\?sdkv=1\.3\.0$/);
      const greenhouse = frame.getByRole('link', { name: 'Greenhouse' });
      await greenhouse.waitFor();
      assert.equal(await frame.locator('.tools img[src="/v1/assets/tools/greenhouse.svg"]').count(), 1);
      await shot('1-choose-ats');
      await greenhouse.click();
      await frame.getByLabel('Client ID').waitFor();
      assert.equal(await frame.getByLabel('Client Secret').getAttribute('type'), 'password');
      // Keyboard: the close control is a real button that Enter activates.
      await frame.getByRole('button', { name: 'Close' }).press('Enter');
      await page.waitForFunction(() => (window as any).__result !== null);
      assert.deepEqual(await page.evaluate(() => (window as any).__result), { error: 'KomboConnectCancelledError' });
      assert.equal(await page.locator('iframe').count(), 0, 'the embed removed its iframe');
    });

    test('wrong credentials show the precise error; right ones connect, sync, and resolve the embed with the activation token', async () => {
      const sdk = s.sdk();
      const link = (
        await sdk.connect.createConnectionLink({
          end_user_email: 'it@acme.example',
          end_user_organization_name: 'Acme Inc.',
          end_user_origin_id: 'acme-42',
          integration_category: 'ATS',
          integration_tool: 'greenhouse',
        })
      ).data.link;

      // What the connector itself says about the wrong credentials: the page must show exactly this.
      let expected = '';
      await assert.rejects(
        connectIntegration(s.started.rt, {
          accountId: 'default',
          tool: 'greenhouse',
          organizationName: 'probe',
          credentials: fake.badCredentials,
          baseUrl: fake.url,
          id: 'greenhouse:probe',
        }),
        (e: any) => ((expected = e.message), true),
      );
      assert.match(expected, /Greenhouse/);

      const frame = await openEmbed(link);
      const clientId = frame.getByLabel('Client ID');
      await clientId.waitFor();
      assert.equal(await frame.getByRole('link', { name: 'Back' }).count(), 0, 'a preselected tool offers no way back to the list');
      await shot('2-credentials');

      await clientId.fill(String(fake.badCredentials.client_id));
      await frame.getByLabel('Client Secret').fill(String(fake.badCredentials.client_secret));
      await frame.getByText('Advanced').click();
      await frame.getByLabel('API base URL').fill(fake.url);
      await frame.getByRole('button', { name: 'Connect' }).click();
      const alert = frame.getByRole('alert');
      await alert.waitFor();
      assert.equal((await alert.textContent())?.trim(), expected);
      assert.equal(await alert.evaluate((el) => el === document.activeElement), true, 'focus moves to the error');
      // Nothing the user typed is lost.
      assert.equal(await clientId.inputValue(), String(fake.badCredentials.client_id));
      assert.equal(await frame.getByLabel('API base URL').inputValue(), fake.url);
      await shot('3-wrong-credentials');

      await frame.getByLabel('Client Secret').fill(String(fake.credentials.client_secret));
      await frame.getByRole('button', { name: 'Connect' }).click();
      await frame.getByText('First sync complete.').waitFor();
      const counts = (await frame.locator('#sync-counts').textContent()) ?? '';
      assert.match(counts, new RegExp(`${fake.candidates.length} candidates`));
      await shot('4-first-sync');

      await frame.getByRole('button', { name: 'Done' }).click();
      await page.waitForFunction(() => (window as any).__result !== null);
      const result = await page.evaluate(() => (window as any).__result);
      assert.match(result.token ?? '', /^[A-Za-z0-9_-]{43}$/, JSON.stringify(result));
      assert.equal(await page.locator('iframe').count(), 0);
      await shot('5-done');

      // The app exchanges the token through the SDK, as Kombo's guide says.
      const got = await sdk.connect.getIntegrationByToken({ token: result.token });
      assert.equal(got.data.tool, 'greenhouse');
      assert.equal(got.data.end_user_origin_id, 'acme-42');
      assert.equal(got.data.setup_status, 'COMPLETED');
      const row = await getIntegrationById(s.started.db, got.data.id);
      assert.equal(row?.config.base_url, fake.url);
      const candidates = await s.sdk(got.data.id).ats.getCandidates({});
      assert.equal(candidates.result.data.results.length, fake.candidates.length);
    });
  });
}
