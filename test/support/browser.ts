/**
 * A real browser for page tests: a Chromium already on the machine, driven by playwright-core
 * (which never downloads one). Looked for, in order: CHROME_PATH (or CHROMIUM_PATH), `chromium`,
 * `chromium-browser`, `google-chrome`, `google-chrome-stable` on PATH, then a browser
 * playwright installed in its cache. scripts/test.js installs Debian's `chromium` when none is
 * found and it may (root with apt-get, see test/support/prepare.ts); otherwise the page tests
 * fail with the line CHROMIUM_MISSING, never skip.
 */
import { chromium, type Browser } from 'playwright-core';
import { existsSync, readdirSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { homedir } from 'node:os';

export const CHROMIUM_MISSING =
  "Page tests need Chromium and none was found (CHROME_PATH, chromium, chromium-browser, google-chrome, playwright's cache). Install it (Debian/Ubuntu: sudo apt-get install --no-install-recommends chromium) or set CHROME_PATH to its executable.";

const NAMES = ['chromium', 'chromium-browser', 'google-chrome', 'google-chrome-stable'];

function onPath(name: string): string | null {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    const p = join(dir, name);
    if (dir && existsSync(p)) return p;
  }
  return null;
}

/** A Chromium playwright downloaded earlier (`npx playwright install chromium`), newest first. */
function inPlaywrightCache(): string | null {
  const cache = process.env.PLAYWRIGHT_BROWSERS_PATH ?? join(homedir(), '.cache', 'ms-playwright');
  let dirs: string[];
  try {
    dirs = readdirSync(cache)
      .filter((d) => /^chromium/.test(d))
      .sort()
      .reverse();
  } catch {
    return null;
  }
  for (const d of dirs) {
    for (const exe of [
      'chrome-linux64/chrome',
      'chrome-linux/chrome',
      'chrome-linux/headless_shell',
      'chrome-headless-shell-linux64/chrome-headless-shell',
    ]) {
      const p = join(cache, d, exe);
      if (existsSync(p)) return p;
    }
  }
  return null;
}

/** The Chromium executable to use, or null when there is none. */
export function locateChromium(): string | null {
  const named = process.env.CHROME_PATH ?? process.env.CHROMIUM_PATH;
  if (named) return existsSync(named) ? named : null;
  for (const n of NAMES) {
    const p = onPath(n);
    if (p) return p;
  }
  return inPlaywrightCache();
}

export async function launchBrowser(): Promise<Browser> {
  const executablePath = locateChromium();
  if (!executablePath) throw new Error(CHROMIUM_MISSING);
  return chromium.launch({
    executablePath,
    headless: true,
    // The machine's network is closed: without these, Chromium retries outbound services at start.
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-dev-shm-usage',
    ],
  });
}
