/**
 * Where browser tests put screenshots: docs/screenshots when refreshing the docs
 * (`SCREENSHOTS=1 npm test`), else a temporary folder, so a test run leaves the tree clean.
 */
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const SCREENSHOT_DIR = process.env.SCREENSHOTS === '1' ? 'docs/screenshots' : mkdtempSync(join(tmpdir(), 'atsgate-shots-'));
mkdirSync(SCREENSHOT_DIR, { recursive: true });
