/**
 * The dashboard in a real browser (Chromium): writes made through the official SDK — one that
 * succeeds and two that fail — then a person logs in with the API key, reaches the logs with the
 * keyboard only, and opens the failed write to see its outbound calls and error code. The first
 * database kind also refreshes the screenshots in docs/screenshots/.
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { KomboAtsError } from '@kombo-api/sdk/models/errors';
import { databaseKinds } from '../support/databases.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { launchBrowser } from '../support/browser.ts';
import { startGreenhouseFake, type GreenhouseFake } from '../fakes/greenhouse.ts';
import { connectIntegration } from '../../src/integrations/service.ts';
import { SCREENSHOT_DIR } from '../support/screenshots.ts';

const DEMO = 'sandbox:demo';
const SHOTS = SCREENSHOT_DIR;

/** Presses Tab until the focused element matches, as a keyboard user would; fails if it never does. */
async function tabTo(page: Page, matches: (el: { tag: string; text: string; href: string }) => boolean, what: string): Promise<void> {
  for (let i = 0; i < 120; i++) {
    await page.keyboard.press('Tab');
    const el = await page.evaluate(() => {
      const a = document.activeElement as HTMLElement | null;
      return { tag: a?.tagName ?? '', text: (a?.textContent ?? '').trim(), href: a?.getAttribute('href') ?? '' };
    });
    if (matches(el)) return;
  }
  assert.fail(`keyboard focus never reached ${what}`);
}

/** The focus ring is really drawn on the focused element. */
async function focusIsVisible(page: Page): Promise<boolean> {
  return page.evaluate(() => {
    const s = getComputedStyle(document.activeElement as Element);
    return s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2;
  });
}

for (const [n, kind] of databaseKinds().entries()) {
  describe(`dashboard in a browser on ${kind}`, () => {
    let s: TestServer;
    let browser: Browser;
    let fake: GreenhouseFake;
    let greenhouseId = '';
    const shoot = n === 0;

    before(async () => {
      s = await startTestServer(kind);
      fake = await startGreenhouseFake({ rateLimit: 1000 });
      const gh = await connectIntegration(s.started.rt, {
        accountId: 'default',
        tool: 'greenhouse',
        organizationName: 'Acme Hiring',
        credentials: fake.credentials,
        baseUrl: fake.url,
        waitForSync: true,
      });
      greenhouseId = gh.id;
      browser = await launchBrowser();
      if (shoot) mkdirSync(SHOTS, { recursive: true });
    });
    after(async () => {
      await browser?.close();
      await fake?.stop();
      await s?.close();
    });

    test('log in with the key, reach a failed write by keyboard, see its calls and error', async () => {
      // Writes through the official SDK: one success, two failures.
      const demo = s.sdk(DEMO);
      const [candidate] = (await demo.ats.getCandidates({ page_size: 1 })).result.data.results;
      const okRes = await demo.ats.addCandidateResultLink({
        candidate_id: candidate.id,
        body: { label: 'Acme coding test', url: 'https://assess.example.com/r/1' },
      });
      assert.equal(okRes.status, 'success');
      const unknown = await demo.ats
        .addCandidateResultLink({
          candidate_id: 'NoSuchCandidate123456789',
          body: { label: 'Acme coding test', url: 'https://assess.example.com/r/2' },
        })
        .catch((e) => e);
      assert.ok(unknown instanceof KomboAtsError, String(unknown));
      // The candidate disappears in Greenhouse after the sync: the ATS itself refuses the write.
      const ghKombo = s.sdk(greenhouseId);
      const ghCandidate = (await ghKombo.ats.getCandidates({ page_size: 1 })).result.data.results[0];
      fake.deleteCandidate(ghCandidate.remote_id!);
      const upstream = await ghKombo.ats
        .addCandidateResultLink({
          candidate_id: ghCandidate.id,
          body: { label: 'Acme coding test', url: 'https://assess.example.com/r/3' },
        })
        .catch((e) => e);
      assert.ok(upstream instanceof KomboAtsError, String(upstream));
      const upstreamLogId = new URL(upstream.error.log_url!).pathname.split('/').pop()!;
      const unknownLogId = new URL(unknown.error.log_url!).pathname.split('/').pop()!;

      const context = await browser.newContext({ viewport: { width: 1366, height: 768 } });
      const page = await context.newPage();
      try {
        // Not logged in: the dashboard sends the browser to the login form.
        await page.goto(`${s.url}/dashboard`);
        assert.match(page.url(), /\/dashboard\/login\?next=%2Fdashboard$/);
        if (shoot) await page.screenshot({ path: `${SHOTS}/dashboard-login.png` });
        // A wrong key first: the error is shown and announced.
        await page.keyboard.type('wrong-key');
        await page.keyboard.press('Enter');
        await page.waitForSelector('#login-error');
        assert.match((await page.textContent('#login-error')) ?? '', /not valid or has been revoked/);
        // The key field is focused on load (autofocus); type the key and submit with Enter.
        await page.fill('#api_key', '');
        await page.focus('#api_key');
        await page.keyboard.type(s.apiKey);
        await page.keyboard.press('Enter');
        await page.waitForURL(`${s.url}/dashboard`);
        assert.equal(await page.textContent('h1'), 'Integrations');
        assert.ok(await page.isVisible('text=Demo Company'));
        assert.ok(await page.isVisible('text=Acme Hiring'));
        const logos = await page.$$eval('td img', (imgs) => imgs.map((i) => (i as HTMLImageElement).naturalWidth > 0));
        assert.ok(logos.length >= 2 && logos.every(Boolean), 'tool logos load');
        if (shoot) await page.screenshot({ path: `${SHOTS}/dashboard-integrations.png` });

        // Keyboard only: the skip link comes first, then the navigation.
        await page.keyboard.press('Tab');
        assert.equal(await page.evaluate(() => document.activeElement?.textContent), 'Skip to content');
        await tabTo(page, (el) => el.tag === 'A' && el.text === 'Logs', 'the Logs link');
        assert.ok(await focusIsVisible(page), 'focus ring on the Logs link');
        await page.keyboard.press('Enter');
        await page.waitForURL(`${s.url}/dashboard/logs`);
        assert.equal(await page.getAttribute('nav[aria-label="Dashboard"] a[aria-current="page"]', 'href'), '/dashboard/logs');
        assert.match((await page.textContent('#log-count')) ?? '', /^3 entries match/);
        if (shoot) await page.screenshot({ path: `${SHOTS}/dashboard-logs.png` });

        // Filter to errors with the keyboard: choose in the outcome select, Tab to the button, Enter.
        await tabTo(page, (el) => el.tag === 'SELECT' && el.text.startsWith('Any outcome'), 'the outcome filter');
        await page.selectOption('#f-outcome', 'ERROR');
        await tabTo(page, (el) => el.tag === 'BUTTON' && el.text === 'Apply filters', 'the Apply button');
        await page.keyboard.press('Enter');
        await page.waitForURL(/outcome=ERROR/);
        assert.match((await page.textContent('#log-count')) ?? '', /^2 entries match/);

        await tabTo(page, (el) => el.href === `/dashboard/logs/${upstreamLogId}`, 'the failed Greenhouse write');
        await page.keyboard.press('Enter');
        await page.waitForURL(`${s.url}/dashboard/logs/${upstreamLogId}`);
        const calls = await page.textContent('#calls-h');
        const callCount = Number(/\((\d+)\)/.exec(calls ?? '')?.[1]);
        assert.ok(callCount >= 1, `outbound calls listed: ${calls}`);
        const callText = await page.textContent('section.call');
        assert.match(callText ?? '', new RegExp(`POST ${fake.url.replace(/[.:/]/g, '\\$&')}`));
        assert.match(callText ?? '', /Status404/);
        assert.equal(await page.textContent('.error-box code'), upstream.error.code);
        if (shoot) await page.screenshot({ path: `${SHOTS}/dashboard-log-detail.png`, fullPage: true });

        // The human side of an error's log_url: the same id under /dashboard/logs/.
        await page.goto(`${s.url}/dashboard/logs/${unknownLogId}`);
        assert.equal(await page.textContent('.error-box code'), 'PLATFORM.INPUT_INVALID');
        assert.match((await page.textContent('.error-box')) ?? '', /NoSuchCandidate123456789/);
        assert.match((await page.textContent('#calls-h')) ?? '', /Outbound calls \(0\)/);

        // The integration page, and "sync now" from the keyboard.
        await page.goto(`${s.url}/dashboard/integrations/${encodeURIComponent(DEMO)}`);
        assert.match((await page.textContent('h1')) ?? '', /Demo Company/);
        await page.focus('button[value="DELTA"]');
        assert.ok(await focusIsVisible(page), 'focus ring on the button');
        await page.keyboard.press('Enter');
        await page.waitForURL(/\?sync=(started|running)$/);
        assert.ok(await page.isVisible('[role="status"]'));
        if (shoot) await page.screenshot({ path: `${SHOTS}/dashboard-integration.png`, fullPage: true });

        // Logging out ends access from this browser.
        await page.click('text=Log out');
        await page.waitForURL(/\/dashboard\/login$/);
        await page.goto(`${s.url}/dashboard/logs`);
        assert.match(page.url(), /\/dashboard\/login\?next=/);
      } finally {
        await context.close();
      }
    });
  });
}
