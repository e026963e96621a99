#!/usr/bin/env node
// Runs every test file with node's test runner (TypeScript through tsx), prints the spec
// report, and ends with one line "N passed, N failed". Data-layer suites run on both PGlite
// and PostgreSQL (see test/support/databases.ts). Pass file paths to run only those.
import { spawn } from 'node:child_process';
import { readdirSync, statSync, readFileSync, mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';

function findTests(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...findTests(p));
    else if (name.endsWith('.test.ts')) out.push(p);
  }
  return out.sort();
}

const files = process.argv.slice(2).length ? process.argv.slice(2) : findTests('test');
const tap = join(mkdtempSync(join(tmpdir(), 'atsgate-tests-')), 'report.tap');
const child = spawn(
  process.execPath,
  ['--import', 'tsx', '--test', '--test-reporter=spec', '--test-reporter-destination=stdout', '--test-reporter=tap', `--test-reporter-destination=${tap}`, ...files],
  { stdio: 'inherit', env: { ...process.env, ATSGATE_RETRY_BASE_MS: process.env.ATSGATE_RETRY_BASE_MS ?? '20' } },
);
child.on('exit', (code) => {
  let passed = 0;
  let failed = 0;
  try {
    const report = readFileSync(tap, 'utf8');
    passed = Number(/^# pass (\d+)/m.exec(report)?.[1] ?? 0);
    failed = Number(/^# fail (\d+)/m.exec(report)?.[1] ?? 0) + Number(/^# cancelled (\d+)/m.exec(report)?.[1] ?? 0);
  } catch {
    failed = 1;
  }
  console.log(`\n${passed} passed, ${failed} failed`);
  process.exit(code === 0 && failed === 0 && passed > 0 ? 0 : 1);
});
