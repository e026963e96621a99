#!/usr/bin/env node
// The atsgate command. Runs the compiled server in dist/ (`npm run build`; `npm install`
// builds it), with source maps so that stack traces name the TypeScript lines.
// In a checkout whose src/ changed after the last build, it runs the sources through tsx (a
// dev dependency) instead, so that a developer, and a test that starts this command, never
// run a stale build.
import { existsSync, readdirSync, statSync } from 'node:fs';

const root = new URL('../', import.meta.url);
const stamp = new URL('dist/.build-stamp', root);

function newestMtime(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = `${dir}/${entry.name}`;
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

const srcDir = new URL('src', root).pathname;
const built = existsSync(stamp) && (!existsSync(srcDir) || newestMtime(srcDir) <= statSync(stamp).mtimeMs);
let main;
if (built) {
  process.setSourceMapsEnabled(true);
  ({ main } = await import('../dist/cli/main.js'));
} else {
  let register;
  try {
    ({ register } = await import('tsx/esm/api'));
  } catch {
    console.error('atsgate: dist/ is missing or older than src/; run `npm run build` (or `npm install`).');
    process.exit(1);
  }
  register();
  ({ main } = await import('../src/cli/main.ts'));
}
const code = await main(process.argv.slice(2));
if (code >= 0) process.exit(code);
