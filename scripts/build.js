#!/usr/bin/env node
// npm run build (and `npm install`, through "prepare"): compiles src/ to dist/ with tsc
// (tsconfig.build.json: .ts import specifiers become .js, source maps beside each file), then
// copies the files the server reads at run time next to the code that reads them
// (SQL migrations, the connect page's CSS and JS), and stamps the build for bin/atsgate.js.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, extname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const src = join(root, 'src');
const dist = join(root, 'dist');

let tsc;
try {
  tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
} catch {
  // An install without dev dependencies (npm install --omit=dev) cannot compile; a dist/ that
  // came with the package is then what runs.
  if (existsSync(join(dist, 'cli/main.js'))) process.exit(0);
  console.error('atsgate: cannot build: TypeScript is a dev dependency; run `npm install` without --omit=dev.');
  process.exit(1);
}

rmSync(dist, { recursive: true, force: true });
const run = spawnSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json')], { stdio: 'inherit' });
if (run.status !== 0) process.exit(run.status ?? 1);

/** Not code, and not documentation: what src/ reads through import.meta.url. */
const isAsset = (name) => !['.ts', '.md'].includes(extname(name));
function copyAssets(dir) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) copyAssets(path);
    else if (isAsset(name)) cpSync(path, join(dist, relative(src, path)));
  }
}
copyAssets(src);
writeFileSync(join(dist, '.build-stamp'), `${new Date().toISOString()}\n`);
