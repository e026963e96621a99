/**
 * Run once by scripts/test.js before the test files: builds the template databases (so that
 * concurrent files do not all wait on the first build) and, with --browser, makes sure the
 * page tests have a Chromium. On a fresh Debian/Ubuntu machine where we are root and apt-get
 * exists, it installs Debian's `chromium` (what .ci/run does), saying so; anywhere else it
 * prints what to install and the page tests fail with that same line.
 */
import { spawnSync } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { ADMIN_URL, postgresReachable } from './databases.ts';
import { pgliteTemplateDir, postgresTemplate } from './templates.ts';
import { CHROMIUM_MISSING, locateChromium } from './browser.ts';

function ensureChromium(): void {
  if (locateChromium()) return;
  const named = process.env.CHROME_PATH ?? process.env.CHROMIUM_PATH;
  if (named) {
    console.log(
      `✖ CHROME_PATH names ${named}, which does not exist: page tests will fail until it names a Chromium executable (or is unset).`,
    );
    return;
  }
  const canInstall =
    process.platform === 'linux' && process.getuid?.() === 0 && spawnSync('apt-get', ['--version'], { stdio: 'ignore' }).status === 0;
  if (!canInstall) {
    console.log(`✖ ${CHROMIUM_MISSING}`);
    return;
  }
  console.log(
    "Page tests need Chromium and none was found: installing Debian's chromium (apt-get install -y --no-install-recommends chromium)…",
  );
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  spawnSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
  const r = spawnSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', 'chromium'], { stdio: 'inherit', env });
  if (r.status !== 0 || !locateChromium()) console.log(`✖ Installing chromium failed. ${CHROMIUM_MISSING}`);
}

const started = performance.now();
if (process.argv.includes('--browser')) ensureChromium();
await pgliteTemplateDir();
if (await postgresReachable()) await postgresTemplate(ADMIN_URL);
else
  console.log(
    `PostgreSQL is not reachable at ${ADMIN_URL}: the PostgreSQL half of the suites will fail (TEST_DB=pglite runs only the embedded half).`,
  );
console.log(`Template databases ready (${((performance.now() - started) / 1000).toFixed(1)} s).`);
