#!/usr/bin/env node
// Runs the test files (TypeScript through tsx), prints each file's spec report as it finishes,
// a table of where the time went, and ends with one line "N passed, N failed" (cancelled tests
// count as failed; a file that dies without a report counts as one failure).
//
// How it is fast without changing what is tested:
// - templates first: one migrated PGlite data directory and one migrated PostgreSQL template
//   database per migrations hash (test/support/templates.ts); every test database is a copy.
// - test databases and temporary files on tmpfs where the machine has one (scratchRoot below).
// - files run in separate processes, several at once (TEST_CONCURRENCY; default cores + 2, at
//   most 4: a file keeps about 0.45 of a core busy on average, the rest of its time it waits on
//   sockets, timers and the database), longest first by the durations measured last time (a
//   file with no measurement yet first of all). Each file uses its own databases, ports (0: the
//   system's choice) and temporary directories; nothing is shared between files but the templates.
// - files whose assertions are about real time or that need the whole machine (SERIAL below)
//   run afterwards, a small group at a time, with nothing else running but the quiet files
//   (isQuiet): those spend their time waiting on vendor rate windows in real time and use a few
//   percent of a core (no database, no server), so they take the serial lane's idle core
//   instead of a parallel slot.
//
// Pass file paths to run only those. TEST_CONCURRENCY=1 runs everything one file at a time.
import { spawn, spawnSync } from 'node:child_process';
import {
  readdirSync,
  statSync,
  statfsSync,
  readFileSync,
  writeFileSync,
  mkdtempSync,
  mkdirSync,
  rmSync,
  existsSync,
  accessSync,
  constants,
} from 'node:fs';
import { join, relative, basename } from 'node:path';
import { tmpdir, availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/**
 * Files that run after the others, a group at a time, with nothing else running but the QUIET
 * files. Each needs the machine to itself or asserts about real elapsed time, which a
 * neighbour's CPU use would disturb; the files of one group are light enough to share it. (The
 * page tests run with the others: they wait for what the page shows, with playwright's
 * timeouts, never for a time. So does soak/shutdown.test.ts: its server process is stopped
 * mid-write with SIGTERM, and every assertion is about what happens in what order, none about
 * how long; it passed alone at load average 24 from other sessions on 2 cores, 139 s for 10 s
 * of CPU.)
 */
const SERIAL = [
  // Counts each fake's requests per real-time window against the vendor's limit; a busy CPU
  // delays admitted requests and bunches them (seen: "lever: peak 11 in 1000 ms" at load 17).
  // Three shards of one suite, each a process using about 0.15 of a core: side by side they leave
  // the machine nearly as idle as one did, and each event loop as idle as the unsharded file's.
  // The soak needs a real load in its 6 s: with four files beside it at load average 24 it sent
  // 27 requests (it asserts more than 30) and drew no 429 among its injected faults. Beside the
  // shards (together under half a core) it has a core to itself.
  ['test/connectors/e2e.sdk.1.test.ts', 'test/connectors/e2e.sdk.2.test.ts', 'test/connectors/e2e.sdk.3.test.ts', 'test/soak/soak.test.ts'],
  ['test/scale/three-processes.test.ts'], // three server processes on one database; counts vendor requests per real-time window too
  ['test/scale/rate-limit-pg.test.ts'], // asserts admissions are >= perMs apart in real time
];

/**
 * Quiet files run beside the serial lane, three at a time (more once the serial lane is done).
 * A quiet file starts no server and no database: it tests a connector or the outbound HTTP
 * client against an in-process fake, and spends most of its time waiting for a vendor's rate
 * window to pass. On a full run each used 1-3 s of CPU over 8-48 s (scripts/test.js prints
 * both), under 0.2 of a core, which leaves the serial files their machine. In the parallel lane
 * they held a slot each that a file that computes could have used. The rule is read from the
 * file (QUIET_WHEN_NOT_IMPORTING), so a new connector's test file is quiet without a list to
 * keep. When none of the SERIAL files is run, they run with the others.
 */
const QUIET_DIRS = ['test/connectors/', 'test/http/', 'test/passthrough/'];
const QUIET_WHEN_NOT_IMPORTING = /support\/(server|databases|templates|browser|dashboard|e2e-sdk)\.ts|src\/server\.ts|src\/store\/db\.ts/;
function isQuiet(file) {
  if (!QUIET_DIRS.some((d) => file.startsWith(d)) || SERIAL.flat().includes(file)) return false;
  return !QUIET_WHEN_NOT_IMPORTING.test(readFileSync(join(ROOT, file), 'utf8'));
}

function findTests(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...findTests(p));
    else if (name.endsWith('.test.ts')) out.push(p);
  }
  return out.sort();
}

const files = (process.argv.slice(2).length ? process.argv.slice(2) : findTests('test')).map((f) => relative(ROOT, join(process.cwd(), f)));
// At most 4 by default: each file's PostgreSQL server side holds ~20 connections (pools and the
// job engine), and PostgreSQL's default max_connections is 100.
const concurrency = Math.max(1, Number(process.env.TEST_CONCURRENCY) || Math.min(availableParallelism() + 2, 4));
const runDir = mkdtempSync(join(tmpdir(), 'atsgate-tests-'));
const cacheDir = join(ROOT, 'node_modules', '.cache', 'atsgate-tests');
const durationsFile = join(cacheDir, 'durations.json');

/**
 * Where the test processes keep their databases and temporary files (their TMPDIR): a tmpfs
 * when the machine has one with room (Linux's /dev/shm), else the system's temporary directory.
 * Every PGlite test server copies a 40 MB, 1,100-file template and deletes it at the end; on
 * this machine's ext4 (mounted with `discard`) that cost 1.3 s of CPU per server, on tmpfs
 * 0.4 s. Nothing a test asserts depends on the disk: PGlite writes through the same file calls.
 * TEST_TMPDIR chooses the place.
 */
function scratchRoot() {
  if (process.env.TEST_TMPDIR) return process.env.TEST_TMPDIR;
  try {
    const fs = statfsSync('/dev/shm');
    accessSync('/dev/shm', constants.W_OK);
    const TMPFS_MAGIC = 0x01021994;
    if (fs.type === TMPFS_MAGIC && fs.bavail * fs.bsize > 4 * 2 ** 30) return '/dev/shm';
  } catch {
    /* no tmpfs: the system's temporary directory */
  }
  return tmpdir();
}
const scratchBase = scratchRoot();
/** Scratch directories of earlier runs that were killed before they could remove theirs (tmpfs is memory). */
function sweepScratch() {
  for (const name of readdirSync(scratchBase)) {
    const pid = Number(/^atsgate-scratch-(\d+)-/.exec(name)?.[1]);
    if (!pid) continue;
    try {
      process.kill(pid, 0); // that run is still going
    } catch (e) {
      if (e.code === 'ESRCH') rmSync(join(scratchBase, name), { recursive: true, force: true });
    }
  }
}
sweepScratch();
// This run's own scratch directory, removed at the end whatever happened (a killed file leaves
// its databases here); the templates sit beside it and are kept for the next run.
const scratch = mkdtempSync(join(scratchBase, `atsgate-scratch-${process.pid}-`));
const env = {
  ...process.env,
  TMPDIR: scratch,
  ATSGATE_RETRY_BASE_MS: process.env.ATSGATE_RETRY_BASE_MS ?? '20',
  ATSGATE_TEST_TEMPLATES: process.env.ATSGATE_TEST_TEMPLATES ?? join(scratchBase, 'atsgate-test-templates'),
};

function readJson(path, fallback) {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    return fallback;
  }
}

/**
 * Wall seconds per file, only to start the longest files first: from the last run on this
 * machine (node_modules/.cache), else scripts/test-durations.json (a full run, 2026-12-05 22:22 UTC).
 */
const knownDurations = { ...readJson(join(ROOT, 'scripts', 'test-durations.json'), {}), ...readJson(durationsFile, {}) };

/** Longest a test file may run (the slowest take about two minutes on an idle 2-core machine). */
const FILE_TIMEOUT_S = Number(process.env.TEST_FILE_TIMEOUT_SECONDS ?? 900);

/** Runs one test file in a process of its own; resolves with its counts, times and output. */
function runFile(file) {
  return new Promise((resolve) => {
    const dir = mkdtempSync(join(runDir, basename(file, '.test.ts') + '-'));
    const tap = join(dir, 'report.tap');
    const spec = join(dir, 'report.txt');
    const usage = join(dir, 'usage.json');
    const started = performance.now();
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        '--import',
        join(ROOT, 'scripts', 'test-usage.js'),
        '--test-reporter=spec',
        `--test-reporter-destination=${spec}`,
        '--test-reporter=tap',
        `--test-reporter-destination=${tap}`,
        file,
      ],
      { cwd: ROOT, env: { ...env, ATSGATE_TEST_USAGE_FILE: usage }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    // A file that hangs (a test waiting forever, a handle that keeps the process alive) becomes
    // one failure after FILE_TIMEOUT_S instead of holding the whole run until CI gives up.
    const watchdog = setTimeout(() => {
      output += `\ntimed out after ${FILE_TIMEOUT_S} s (TEST_FILE_TIMEOUT_SECONDS): killed\n`;
      child.kill('SIGKILL');
    }, FILE_TIMEOUT_S * 1000);
    child.on('close', (code, signal) => {
      clearTimeout(watchdog);
      const wall = (performance.now() - started) / 1000;
      let report = '';
      let passed = 0;
      let failed = 0;
      try {
        report = readFileSync(tap, 'utf8');
        passed = Number(/^# pass (\d+)/m.exec(report)?.[1] ?? 0);
        failed = Number(/^# fail (\d+)/m.exec(report)?.[1] ?? 0) + Number(/^# cancelled (\d+)/m.exec(report)?.[1] ?? 0);
      } catch {
        /* no report: counted below */
      }
      // A process that failed without a failing test (crashed, killed, nothing reported) is one failure.
      if ((code !== 0 || !/^# pass /m.test(report)) && failed === 0) failed = 1;
      const cpu = readJson(usage, null)?.cpuSeconds ?? null;
      const text = existsSync(spec) ? readFileSync(spec, 'utf8') : '';
      if (failed === 0) rmSync(dir, { recursive: true, force: true });
      resolve({ file, passed, failed, wall, cpu, code, signal, text, output, kept: failed ? dir : null });
    });
  });
}

function print(r, lane) {
  const cpu = r.cpu === null ? '?' : r.cpu.toFixed(1);
  console.log(`\n━━ ${r.file}  (${lane}; ${r.passed} passed; ${r.wall.toFixed(1)} s wall, ${cpu} s CPU)`);
  process.stdout.write(r.text.replace(/^ℹ .*\n/gm, ''));
  if (r.output.trim()) process.stdout.write(r.output.replace(/^/gm, '  │ ') + '\n');
  if (r.failed) {
    const how = r.signal ? `killed by ${r.signal}` : `exit code ${r.code}`;
    console.log(`✖ ${r.file}: ${r.failed} failed (${how}); its reports are kept in ${r.kept}`);
  }
}

/**
 * Runs the files `width` at a time, longest first; a file never measured goes first (it may be
 * long, and a long file started last is the whole run's tail). `widen` (optional) resolves when
 * the lane may use `widenTo` processes.
 */
async function lane(name, list, width, widen = null, widenTo = width) {
  const queue = [...list].sort((a, b) => (knownDurations[b] ?? Infinity) - (knownDurations[a] ?? Infinity));
  const results = [];
  const worker = async () => {
    for (let f = queue.shift(); f; f = queue.shift()) {
      const r = await runFile(f);
      print(r, name);
      results.push(r);
    }
  };
  const started = performance.now();
  const workers = Array.from({ length: Math.min(width, list.length) }, worker);
  if (widen) workers.push(widen.then(() => Promise.all(Array.from({ length: Math.max(0, widenTo - width) }, worker))));
  await Promise.all(workers);
  return { name, results, wall: (performance.now() - started) / 1000 };
}

/** The SERIAL groups one after another, each group's files side by side (one at a time with TEST_CONCURRENCY=1). */
async function serialLane(list) {
  const started = performance.now();
  const results = [];
  const groups = SERIAL.map((g) => g.filter((f) => list.includes(f))).filter((g) => g.length);
  for (const group of groups) {
    const l = await lane('serial', group, concurrency > 1 ? group.length : 1);
    results.push(...l.results);
  }
  return { name: 'serial', results, wall: (performance.now() - started) / 1000 };
}

/** Builds the template databases once, before any file needs them, and finds (or installs) Chromium. */
function prepare() {
  const needsBrowser = files.some((f) => readFileSync(join(ROOT, f), 'utf8').includes('support/browser.ts'));
  const r = spawnSync(
    process.execPath,
    ['--import', 'tsx', join(ROOT, 'test', 'support', 'prepare.ts'), ...(needsBrowser ? ['--browser'] : [])],
    { cwd: ROOT, env, stdio: 'inherit' },
  );
  if (r.status !== 0) console.log('Preparing the template databases failed (above); each test file will try again on its own.');
}

const serialFiles = files.filter((f) => SERIAL.flat().includes(f));
// Quiet files keep the serial lane company; with no serial file to accompany, or one file at a
// time asked for (TEST_CONCURRENCY=1), they run with the others.
const quietFiles = serialFiles.length && concurrency > 1 ? files.filter(isQuiet) : [];
const started = performance.now();
prepare();
const parallel = await lane(
  `parallel ×${concurrency}`,
  files.filter((f) => !serialFiles.includes(f) && !quietFiles.includes(f)),
  concurrency,
);
let serialDone;
const serialOver = new Promise((r) => (serialDone = r));
const serial = serialLane(serialFiles).finally(() => serialDone());
const quiet = lane('beside serial', quietFiles, Math.min(3, concurrency), serialOver, concurrency);
const lanes = [parallel, await serial, await quiet];
const wall = (performance.now() - started) / 1000;
const all = lanes.flatMap((l) => l.results);

mkdirSync(cacheDir, { recursive: true });
writeFileSync(
  durationsFile,
  JSON.stringify(
    { ...readJson(durationsFile, {}), ...Object.fromEntries(all.map((r) => [r.file, Math.round(r.wall * 10) / 10])) },
    null,
    1,
  ),
);

console.log(
  '\nWhere the time went (seconds per file; CPU includes the processes a file started and waited for, not the PostgreSQL server):',
);
console.log('    wall     CPU  tests');
for (const r of [...all].sort((a, b) => b.wall - a.wall)) {
  console.log(
    `  ${r.wall.toFixed(1).padStart(6)}  ${(r.cpu === null ? '?' : r.cpu.toFixed(1)).padStart(6)}  ${String(r.passed + r.failed).padStart(5)} ${r.failed ? '✖' : ' '} ${r.file}`,
  );
}
for (const l of lanes) {
  if (!l.results.length) continue;
  const cpu = l.results.reduce((s, r) => s + (r.cpu ?? 0), 0);
  console.log(`  lane ${l.name}: ${l.results.length} files, ${l.wall.toFixed(1)} s wall, ${cpu.toFixed(1)} s CPU`);
}
console.log(`  total: ${wall.toFixed(1)} s wall (templates and browser check included)`);

const passed = all.reduce((s, r) => s + r.passed, 0);
const failed = all.reduce((s, r) => s + r.failed, 0);
if (!all.some((r) => r.failed)) rmSync(runDir, { recursive: true, force: true });
rmSync(scratch, { recursive: true, force: true });
console.log(`\n${passed} passed, ${failed} failed`);
process.exit(failed === 0 && passed > 0 ? 0 : 1);
