/**
 * Start-up and idle memory of `atsgate serve` on the embedded default (PGlite) with the demo
 * data: `npm run bench:startup [-- --runs N --settle S --baseline-ref REF]`.
 *
 * Each variant is started N times, the variants interleaved so that a busy machine slows them
 * alike. A run is two starts on one fresh data directory:
 *   first   a new directory: create the database, migrate, seed the demo integration (a sync)
 *   again   the same directory, as after a restart
 * For each start: time from spawn to the first `/health/ready` 200, resident memory (RSS) after
 * S seconds idle (default 30: V8 shrinks its heap some 10-20 s into an idle spell, so RSS read at
 * 10 s is ~15 MB higher than what an idle server holds), and the peak RSS (VmHWM) until then. The table shows medians and each
 * variant's ratio to the first one.
 *
 * Variants:
 *   src       the TypeScript sources through tsx (how `npm start` ran before the build)
 *   dist      the compiled server, as `npm start` runs it now
 *   baseline  with --baseline-ref REF: that commit's own `node bin/atsgate.js serve` in a
 *             temporary git worktree sharing this node_modules (e.g. the commit before the build
 *             and the PGlite memory settings)
 * Linux only (reads /proc/<pid>/status). Sends traffic to 127.0.0.1 only.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync, unlinkSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

const ROOT = join(import.meta.dirname, '..');
const { values: flags } = parseArgs({
  options: {
    runs: { type: 'string', default: '3' },
    settle: { type: 'string', default: '30' },
    'baseline-ref': { type: 'string' },
  },
});
const RUNS = Number(flags.runs);
const SETTLE_MS = Number(flags.settle) * 1000;
const READY_TIMEOUT_MS = 180_000;

interface Variant {
  name: string;
  args: string[];
  cwd: string;
}

/** `atsgate serve` through a given build of the CLI (what bin/atsgate.js does, minus its choice). */
function serve(mainModule: string): string[] {
  const code = `const { main } = await import(${JSON.stringify(pathToFileURL(mainModule).href)}); const c = await main(['serve']); if (c >= 0) process.exit(c);`;
  return ['--input-type=module', '--eval', code];
}

function variants(): { list: Variant[]; cleanup: () => void } {
  if (!existsSync(join(ROOT, 'dist/.build-stamp'))) throw new Error('dist/ is not built: npm run build');
  const list: Variant[] = [
    { name: 'src (tsx)', args: ['--import', 'tsx', ...serve(join(ROOT, 'src/cli/main.ts'))], cwd: ROOT },
    { name: 'dist', args: ['--enable-source-maps', ...serve(join(ROOT, 'dist/cli/main.js'))], cwd: ROOT },
  ];
  let cleanup = () => undefined;
  const ref = flags['baseline-ref'];
  if (ref) {
    const dir = mkdtempSync(join(tmpdir(), 'atsgate-baseline-'));
    execFileSync('git', ['-C', ROOT, 'worktree', 'add', '--detach', dir, ref], { stdio: 'ignore' });
    symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'));
    list.unshift({ name: `baseline ${ref}`, args: [join(dir, 'bin/atsgate.js'), 'serve'], cwd: dir });
    cleanup = () => {
      unlinkSync(join(dir, 'node_modules')); // the link only, before git removes the tree
      execFileSync('git', ['-C', ROOT, 'worktree', 'remove', '--force', dir], { stdio: 'ignore' });
    };
  }
  return { list, cleanup };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer().listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

/** VmRSS and VmHWM (peak) of a process, in bytes. */
function memoryOf(pid: number): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN) * 1024;
  return { rss: kb('VmRSS'), peak: kb('VmHWM') };
}

async function waitReady(url: string, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode} before it was ready`);
    try {
      const res = await fetch(`${url}/health/ready`);
      if (res.status === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`not ready after ${READY_TIMEOUT_MS} ms`);
}

interface Sample {
  readyMs: number;
  idleRss: number;
  peakRss: number;
}

async function startOnce(v: Variant, dataDir: string): Promise<Sample> {
  const port = await freePort();
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ATSGATE_DATA_DIR: dataDir,
    PORT: String(port),
    HOST: '127.0.0.1',
    ATSGATE_API_KEY: 'demo_key_0123456789',
    LOG_LEVEL: 'silent',
  };
  delete env.DATABASE_URL;
  const t0 = performance.now();
  const child = spawn(process.execPath, v.args, { cwd: v.cwd, env, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr = (stderr + d).slice(-4000)));
  try {
    await waitReady(`http://127.0.0.1:${port}`, child);
    const readyMs = performance.now() - t0;
    await new Promise((r) => setTimeout(r, SETTLE_MS));
    const m = memoryOf(child.pid!);
    return { readyMs, idleRss: m.rss, peakRss: m.peak };
  } catch (err) {
    throw new Error(`${v.name}: ${(err as Error).message}\n${stderr}`);
  } finally {
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await Promise.race([exited, new Promise((r) => setTimeout(r, 20_000))]);
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const MB = (b: number) => `${(b / 1048576).toFixed(0)} MB`;
const S = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

const { list, cleanup } = variants();
const results = new Map<string, { first: Sample[]; again: Sample[] }>(list.map((v) => [v.name, { first: [], again: [] }]));
try {
  for (let run = 1; run <= RUNS; run++) {
    for (const v of list) {
      const dir = mkdtempSync(join(tmpdir(), 'atsgate-startup-'));
      try {
        const first = await startOnce(v, dir);
        const again = await startOnce(v, dir);
        results.get(v.name)!.first.push(first);
        results.get(v.name)!.again.push(again);
        process.stderr.write(
          `[startup] run ${run}/${RUNS} ${v.name}: first ${S(first.readyMs)} ${MB(first.idleRss)} (peak ${MB(first.peakRss)}); again ${S(again.readyMs)} ${MB(again.idleRss)} (peak ${MB(again.peakRss)})\n`,
        );
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }
  }
} finally {
  cleanup();
}

const head = ['variant', 'start', 'ready (median)', 'idle RSS', 'peak RSS', 'ready ratio', 'idle ratio', 'peak ratio'];
const rows: string[][] = [];
const ref = results.get(list[0].name)!;
for (const start of ['first', 'again'] as const) {
  const base = {
    ready: median(ref[start].map((s) => s.readyMs)),
    idle: median(ref[start].map((s) => s.idleRss)),
    peak: median(ref[start].map((s) => s.peakRss)),
  };
  for (const v of list) {
    const xs = results.get(v.name)![start];
    const ready = median(xs.map((s) => s.readyMs));
    const idle = median(xs.map((s) => s.idleRss));
    const peak = median(xs.map((s) => s.peakRss));
    rows.push([
      v.name,
      start,
      S(ready),
      MB(idle),
      MB(peak),
      (ready / base.ready).toFixed(2),
      (idle / base.idle).toFixed(2),
      (peak / base.peak).toFixed(2),
    ]);
  }
}
const width = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
const line = (r: string[]) => `| ${r.map((c, i) => c.padEnd(width[i])).join(' | ')} |`;
console.log(`${RUNS} runs per variant, ${SETTLE_MS / 1000} s idle before reading RSS; ratios against "${list[0].name}"`);
console.log(line(head));
console.log(`|${width.map((w) => '-'.repeat(w + 2)).join('|')}|`);
for (const r of rows) console.log(line(r));
