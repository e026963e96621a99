/**
 * atsgate benchmarks: `npm run bench` (node --import tsx bench/run.ts [flags]).
 * Everything runs on loopback; every figure is compared with a baseline measured in the same
 * run, on the same machine, so the ratios mean something where the absolute numbers do not.
 * Prints ONE table. Bounded in time (a few minutes by default); flags make it longer.
 *
 *   --seconds N        measured seconds per load point (default 5; 1 s warm-up is extra)
 *   --concurrency N    concurrent clients for the write path (default 16)
 *   --dbs LIST         write-path databases: pglite,postgres (default both)
 *   --sync-dbs LIST    sync databases (default postgres; COPY baseline is PostgreSQL only)
 *   --contacts N       largest sync tenant: N candidates, 2N applications (default 100000)
 *   --attach-mb LIST   attachment sizes in MB through Lever (default 1,10,28: Lever accepts at
 *                      most 30,000,000 bytes)
 *   --attach-ashby-mb LIST  sizes in MB through Ashby, which takes up to 50 MiB (default 50)
 *   --only LIST        sections: write,attach,sync (default all)
 *   --cpu-prof         write V8 CPU profiles of the atsgate process to bench/profiles/<label>-<db>-<time>/
 *                      (one file per thread: the largest, thread id 0, is the main thread)
 *
 * Sections:
 *  (1) write path: application result links through atsgate (Lever connector → generated
 *      Lever fake) vs the same vendor calls sent directly, and through a minimal undici proxy;
 *      then the same with the background re-read after each write turned off.
 *  (2) attachments via `data` (base64 in JSON) and `data_url` (downloaded): time, memory growth
 *      relative to the file size, event-loop delay while another client pings /health/live.
 *  (3) sync: full sync records/s and memory vs PostgreSQL COPY of the same rows into the same
 *      tables; memory at 10k/100k/300k records; an incremental sync after 1% changed vs full.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, mkdirSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { Pool } from 'undici';
import { startChild, type Child } from './proc.ts';
import { runLoad, type LoadResult } from './load.ts';
import { startLeverGen, LEVER_KEY, PERFORM_AS, contactId, type LeverGen, type RecordedCall } from './lever-gen.ts';
import { freshPostgres } from '../test/support/databases.ts';
import { startAshbyFake } from '../test/fakes/ashby.ts';

const { values: flags } = parseArgs({
  options: {
    seconds: { type: 'string', default: '5' },
    concurrency: { type: 'string', default: '16' },
    dbs: { type: 'string', default: 'pglite,postgres' },
    'sync-dbs': { type: 'string', default: 'postgres' },
    contacts: { type: 'string', default: '100000' },
    'attach-mb': { type: 'string', default: '1,10,28' },
    'attach-ashby-mb': { type: 'string', default: '50' },
    only: { type: 'string', default: 'write,attach,sync' },
    'cpu-prof': { type: 'boolean', default: false },
  },
});
const SECONDS = Number(flags.seconds);
const CONCURRENCY = Number(flags.concurrency);
const ONLY = new Set(flags.only!.split(','));
const list = (s: string) =>
  s
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean);
type Kind = 'pglite' | 'postgres';

// ------------------------------------------------------------------------------------------------
// The table
// ------------------------------------------------------------------------------------------------

interface Row {
  section: string;
  case: string;
  db: string;
  result: string;
  baseline: string;
  ratio: string;
  target: string;
  met: string;
}
const rows: Row[] = [];
const fmt = (n: number, d = 1) => n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });
const mb = (bytes: number) => `${fmt(bytes / 1048576, 1)} MB`;
const say = (msg: string) => process.stderr.write(`[bench] ${msg}\n`);

function printTable(): void {
  const head: Row = {
    section: 'section',
    case: 'case',
    db: 'db',
    result: 'result',
    baseline: 'baseline (same run)',
    ratio: 'ratio',
    target: 'target',
    met: 'met',
  };
  const cols = Object.keys(head) as (keyof Row)[];
  const width = Object.fromEntries(cols.map((c) => [c, Math.max(...[head, ...rows].map((r) => r[c].length))])) as Record<keyof Row, number>;
  const line = (r: Row) => '| ' + cols.map((c) => r[c].padEnd(width[c])).join(' | ') + ' |';
  console.log(line(head));
  console.log('|' + cols.map((c) => '-'.repeat(width[c] + 2)).join('|') + '|');
  for (const r of rows) console.log(line(r));
}

// ------------------------------------------------------------------------------------------------
// Processes
// ------------------------------------------------------------------------------------------------

const API_KEY = 'bench_' + randomBytes(16).toString('hex');

async function startAtsgate(
  kind: Kind,
  label: string,
  extraEnv: Record<string, string> = {},
): Promise<{ child: Child; databaseUrl: string | null; cleanup(): Promise<void> }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'atsgate-bench-'));
  const pgdb = kind === 'postgres' ? await freshPostgres() : null;
  const env: Record<string, string> = {
    PORT: '0',
    HOST: '127.0.0.1',
    ATSGATE_DATA_DIR: dataDir,
    ATSGATE_API_KEY: API_KEY,
    ATSGATE_SECRET: randomBytes(32).toString('hex'),
    ATSGATE_SEED_DEMO: 'false',
    ATSGATE_SYNC_INTERVAL_MINUTES: '0',
    ATSGATE_ALLOW_PRIVATE_DOWNLOADS: 'true',
    ATSGATE_BODY_LIMIT_BYTES: String(128 * 1024 * 1024),
    ATSGATE_ATTACHMENT_MAX_BYTES: String(64 * 1024 * 1024),
    // Bench only: the generated fake has no rate limit; the limiter still runs (on PostgreSQL,
    // one transaction per vendor call), only its ceiling is raised.
    ATSGATE_RATE_LIMIT_OVERRIDE: '1000000/1000',
    // The inbound per-account/per-integration limits would cap the load runs at their defaults.
    ATSGATE_RATE_LIMIT_PER_ACCOUNT: '0',
    ATSGATE_RATE_LIMIT_PER_INTEGRATION: '0',
    LOG_LEVEL: 'silent',
    ...(pgdb ? { DATABASE_URL: pgdb.url } : {}),
    ...extraEnv,
  };
  // One directory per child and Node's default file names (which carry the thread id): a fixed
  // --cpu-prof-name made tsx's loader thread overwrite the main thread's profile.
  const profDir = join(import.meta.dirname, 'profiles', `${label}-${kind}-${Date.now()}`);
  const execArgv = flags['cpu-prof'] ? ['--cpu-prof', `--cpu-prof-dir=${profDir}`] : [];
  if (flags['cpu-prof']) mkdirSync(profDir, { recursive: true });
  const child = await startChild('./atsgate-child.ts', env, execArgv);
  return {
    child,
    databaseUrl: pgdb?.url ?? null,
    async cleanup() {
      await child.close();
      await pgdb?.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

const credentials = { api_key: LEVER_KEY, perform_as: PERFORM_AS };

async function json(
  pool: Pool,
  method: string,
  path: string,
  body?: unknown,
  integrationId?: string,
): Promise<{ status: number; body: any }> {
  const headers: Record<string, string> = { authorization: `Bearer ${API_KEY}` };
  if (integrationId) headers['x-integration-id'] = integrationId;
  let payload: string | undefined;
  if (body !== undefined) {
    headers['content-type'] = 'application/json';
    payload = typeof body === 'string' ? body : JSON.stringify(body);
  }
  const res = await pool.request({ method: method as any, path, headers, body: payload });
  const text = await res.body.text();
  return { status: res.statusCode, body: text ? JSON.parse(text) : undefined };
}

async function allIds(pool: Pool, path: string, integrationId: string): Promise<{ id: string; remote_id: string }[]> {
  const out: { id: string; remote_id: string }[] = [];
  let cursor: string | null = null;
  do {
    const r = await json(
      pool,
      'GET',
      `${path}?page_size=250${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
      undefined,
      integrationId,
    );
    if (r.status !== 200) throw new Error(`${path}: HTTP ${r.status} ${JSON.stringify(r.body)}`);
    out.push(...r.body.data.results.map((x: any) => ({ id: x.id, remote_id: x.remote_id })));
    cursor = r.body.data.next;
  } while (cursor && out.length < 2000);
  return out;
}

// ------------------------------------------------------------------------------------------------
// (1) Write path
// ------------------------------------------------------------------------------------------------

async function replay(pool: Pool, calls: RecordedCall[]): Promise<void> {
  for (const c of calls) {
    const res = await pool.request({ method: c.method as any, path: c.path, headers: c.headers, body: c.body.length ? c.body : undefined });
    await res.body.dump();
    if (res.statusCode >= 400) throw new Error(`HTTP ${res.statusCode}`);
  }
}

function loadRow(section: string, name: string, db: string, r: LoadResult, base: LoadResult | null, target: string, met: string): void {
  rows.push({
    section,
    case: name,
    db,
    result: `${fmt(r.perSec, 0)} ops/s, p50 ${fmt(r.p50, 2)} ms, p99 ${fmt(r.p99, 2)} ms${r.errors ? `, ${r.errors} errors` : ''}`,
    baseline: base ? `${fmt(base.perSec, 0)} ops/s, p50 ${fmt(base.p50, 2)} ms` : '',
    ratio: base
      ? `${fmt((r.perSec / base.perSec) * 100, 0)}% thr, ${r.p50 - base.p50 >= 0 ? '+' : ''}${fmt(r.p50 - base.p50, 2)} ms p50`
      : '',
    target,
    met,
  });
}

/** An atsgate child with a synced Lever integration and a client writing result links through it. */
async function writingAtsgate(kind: Kind, fake: LeverGen, label: string, extraEnv: Record<string, string> = {}) {
  const a = await startAtsgate(kind, label, extraEnv);
  const integrationId = 'lever:bench-writes';
  await a.child.ask({ cmd: 'integration', id: integrationId, baseUrl: fake.url, credentials });
  await a.child.ask({ cmd: 'sync', id: integrationId, type: 'FULL' });
  const gw = new Pool(a.child.url, { connections: CONCURRENCY * 2 });
  const apps = await allIds(gw, '/v1/ats/applications', integrationId);
  const body = JSON.stringify({
    label: 'Assessment result',
    url: 'https://assess.example.com/results/42',
    details: { custom_field_name_prefix: 'bench', attributes: [{ key: 'score', value: '87' }] },
  });
  const write = async (_w: number, n: number) => {
    const app = apps[n % apps.length];
    const r = await gw.request({
      method: 'POST',
      path: `/v1/ats/applications/${app.id}/result-links`,
      headers: { authorization: `Bearer ${API_KEY}`, 'x-integration-id': integrationId, 'content-type': 'application/json' },
      body,
    });
    const text = await r.body.text();
    if (r.statusCode !== 200) throw new Error(`HTTP ${r.statusCode}: ${text.slice(0, 300)}`);
  };
  /** A load run's throughput counting the re-reads it left queued: ops / (time + time to drain them). */
  const drained = async (r: LoadResult): Promise<LoadResult> => {
    const d = await a.child.ask({ cmd: 'drain' });
    const seconds = r.ops / r.perSec;
    if (d.pending)
      say(`${d.pending} read-backs were still queued after the run; draining took ${fmt(d.ms, 0)} ms, counted in the throughput`);
    return { ...r, perSec: r.ops / (seconds + d.ms / 1000) };
  };
  const opts = { concurrency: CONCURRENCY, seconds: SECONDS };
  return {
    ...a,
    integrationId,
    write,
    drain: () => a.child.ask({ cmd: 'drain' }),
    loadAt: async (concurrency: number) => drained(await runLoad(write, { ...opts, concurrency })),
    async close() {
      await gw.close();
    },
  };
}

async function writeSection(kind: Kind, fake: LeverGen): Promise<{ child: Child; integrationId: string; cleanup(): Promise<void> }> {
  say(`write path on ${kind}`);
  const g = await writingAtsgate(kind, fake, 'write');

  // One write, recorded at the fake: the exact vendor calls the baselines replay. A result link
  // on a Lever application is two POSTs; the GETs after it are atsgate re-reading the candidate
  // in the background (src/writes/read-back.ts), atsgate's own work, not forwarding, so the
  // baselines do not replay them but atsgate's figures include them (see drained()).
  fake.recording = [];
  await g.write(0, 0);
  await g.drain();
  const recorded = fake.recording;
  fake.recording = null;
  const calls = recorded.filter((c) => c.method !== 'GET');
  const show = (cs: RecordedCall[]) =>
    cs.map((c) => `${c.method} ${c.path.split('?')[0].replace(/\/v1\/opportunities\/[^/]+/, '/opportunities/:id')}`).join(', ');
  say(
    `one result-link write = ${calls.length} vendor calls: ${show(calls)}; then, in the background, ${recorded.length - calls.length} more: ${show(recorded.filter((c) => c.method === 'GET'))}`,
  );

  const proxy = await startChild('./proxy.ts', { PROXY_UPSTREAM: fake.url });
  const origin = new URL(fake.url).origin;
  const directPool = new Pool(origin, { connections: CONCURRENCY * 2 });
  const proxyPool = new Pool(proxy.url, { connections: CONCURRENCY * 2 });
  const opts = { concurrency: CONCURRENCY, seconds: SECONDS };
  const direct = await runLoad(() => replay(directPool, calls), opts);
  const viaProxy = await runLoad(() => replay(proxyPool, calls), opts);
  const gate = await g.loadAt(CONCURRENCY);
  const direct1 = await runLoad(() => replay(directPool, calls), { ...opts, concurrency: 1 });
  const gate1 = await g.loadAt(1);
  if (process.env.BENCH_COUNT_QUERIES) {
    const { top } = await g.child.ask({ cmd: 'queries' });
    for (const q of top) say(`${String(q.n).padStart(7)} ${q.ms.toFixed(0).padStart(7)} ms  ${q.sql}`);
  }
  await g.close();
  // The same writes with the re-read after each write turned off (ATSGATE_READ_BACK_AFTER_WRITE=false):
  // what that read costs, measured rather than guessed.
  const off = await writingAtsgate(kind, fake, 'write-no-readback', { ATSGATE_READ_BACK_AFTER_WRITE: 'false' });
  const gateOff = await off.loadAt(CONCURRENCY);
  const gateOff1 = await off.loadAt(1);
  await off.close();
  await off.cleanup();
  await proxy.close();
  await Promise.all([directPool.close(), proxyPool.close()]);

  const c = `c=${CONCURRENCY}`;
  const sec = '1 write path';
  loadRow(sec, `direct to fake (${calls.length} vendor calls/op), ${c}`, kind, direct, null, '', '');
  loadRow(sec, `undici proxy, ${c}`, kind, viaProxy, direct, '', '');
  loadRow(
    sec,
    `atsgate result link, ${c}`,
    kind,
    gate,
    viaProxy,
    '≥ 50% of proxy thr',
    gate.perSec >= 0.5 * viaProxy.perSec ? 'yes' : 'NO',
  );
  loadRow(sec, `atsgate result link, ${c} vs direct`, kind, gate, direct, '≤ +2 ms p50', gate.p50 - direct.p50 <= 2 ? 'yes' : 'NO');
  loadRow(sec, 'atsgate result link, c=1 vs direct c=1', kind, gate1, direct1, '≤ +2 ms p50', gate1.p50 - direct1.p50 <= 2 ? 'yes' : 'NO');
  loadRow(
    sec,
    `  same, read-back off, ${c}`,
    kind,
    gateOff,
    viaProxy,
    '(≥ 50% of proxy thr)',
    gateOff.perSec >= 0.5 * viaProxy.perSec ? 'yes' : 'NO',
  );
  loadRow(
    sec,
    '  same, read-back off, c=1 vs direct c=1',
    kind,
    gateOff1,
    direct1,
    '(≤ +2 ms p50)',
    gateOff1.p50 - direct1.p50 <= 2 ? 'yes' : 'NO',
  );
  return { child: g.child, integrationId: g.integrationId, cleanup: g.cleanup };
}

// ------------------------------------------------------------------------------------------------
// (2) Attachments
// ------------------------------------------------------------------------------------------------

async function attachSection(kind: Kind, child: Child, integrationId: string): Promise<void> {
  say(`attachments on ${kind}`);
  const gw = new Pool(child.url, { connections: 4 });
  // Contact 0 has exactly one current opportunity (its other one is archived): one upload per write.
  const candidate = (await allIds(gw, '/v1/ats/candidates', integrationId)).find((c) => c.remote_id === contactId(0));
  if (!candidate) throw new Error('candidate of contact 0 not synced');
  const targets = [{ tool: 'Lever', integrationId, candidateId: candidate.id, sizes: list(flags['attach-mb']!).map(Number) }];
  // 50 MB, the issue's largest size, exceeds Lever's limit: Ashby (its test fake, which follows
  // Ashby's documented upload flow and 50 MiB cap) takes it, in the same atsgate process.
  const ashbySizes = list(flags['attach-ashby-mb']!).map(Number);
  const ashby = ashbySizes.length ? await startAshbyFake({ rateLimit: { limit: 1000, windowMs: 1000 } }) : null;
  if (ashby) {
    const id = 'ashby:bench-files';
    await child.ask({ cmd: 'integration', tool: 'ashby', id, baseUrl: ashby.url, credentials: ashby.credentials });
    await child.ask({ cmd: 'sync', id, type: 'FULL' });
    const first = (await allIds(gw, '/v1/ats/candidates', id))[0];
    if (!first) throw new Error('no Ashby candidate synced');
    targets.push({ tool: 'Ashby', integrationId: id, candidateId: first.id, sizes: ashbySizes });
  }
  let file = Buffer.alloc(0);
  const files = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/pdf', 'content-length': file.length });
    res.end(file);
  });
  await new Promise<void>((r) => files.listen(0, '127.0.0.1', r));
  const fileUrl = `http://127.0.0.1:${(files.address() as AddressInfo).port}/result.pdf`;

  for (const t of targets)
    for (const sizeMb of t.sizes) {
      file = randomBytes(Math.round(sizeMb * 1048576));
      for (const mode of ['data_url', 'data'] as const) {
        const attachment = {
          name: 'result.pdf',
          type: 'OTHER',
          content_type: 'application/pdf',
          ...(mode === 'data' ? { data: file.toString('base64') } : { data_url: fileUrl }),
        };
        const body = JSON.stringify({ attachment });
        // Another client pings liveness throughout: how long does the upload stall the server?
        const ping = new Pool(child.url, { connections: 1 });
        let pinging = true;
        let pingMax = 0;
        let pings = 0;
        const pinger = (async () => {
          while (pinging) {
            const t0 = performance.now();
            const r = await ping.request({ method: 'GET', path: '/health/live' });
            await r.body.dump();
            pingMax = Math.max(pingMax, performance.now() - t0);
            pings++;
            await new Promise((res) => setTimeout(res, 5));
          }
        })();
        await child.ask({ cmd: 'watch' });
        const t0 = performance.now();
        const r = await json(gw, 'POST', `/v1/ats/candidates/${t.candidateId}/attachments`, body, t.integrationId);
        const ms = performance.now() - t0;
        const w = await child.ask({ cmd: 'unwatch' });
        pinging = false;
        await pinger;
        await ping.close();
        if (r.status !== 200)
          throw new Error(`attachment ${sizeMb} MB via ${mode}: HTTP ${r.status} ${JSON.stringify(r.body).slice(0, 300)}`);
        const growth = Math.max(w.rssGrowth, w.heapGrowth);
        const limit = mode === 'data_url' ? 1 : 3;
        rows.push({
          section: '2 attachments',
          case: `${sizeMb} MB via ${mode} (${t.tool})`,
          db: kind,
          result: `${fmt(ms, 0)} ms; +${mb(w.rssGrowth)} RSS, +${mb(w.heapGrowth)} heap+ext; loop delay max ${fmt(w.eldMaxMs, 0)} ms, ping max ${fmt(pingMax, 0)} ms (${pings} pings)`,
          baseline: `file ${mb(file.length)}`,
          ratio: `${fmt(growth / file.length, 2)}× file`,
          target: `≤ ${limit}× file`,
          met: growth <= limit * file.length ? 'yes' : 'NO',
        });
      }
    }
  files.closeAllConnections();
  files.close();
  await gw.close();
  await ashby?.stop();
}

// ------------------------------------------------------------------------------------------------
// (3) Sync
// ------------------------------------------------------------------------------------------------

const recordsOf = (stats: any) => stats.read.jobs + stats.read.candidates + stats.read.applications;

async function copyBaseline(databaseUrl: string, integrationId: string): Promise<{ rows: number; ms: number }> {
  const c = new pg.Client({ connectionString: databaseUrl });
  await c.connect();
  try {
    const id = integrationId.replace(/'/g, "''");
    const tables = ['jobs', 'candidates', 'applications'];
    const file = (t: string) => `/tmp/atsgate-bench-${process.pid}-${t}.copy`;
    // The rows the sync wrote, exported server-side, then loaded again into the same tables with
    // the same indexes: the fastest PostgreSQL can take these rows in.
    for (const t of tables) await c.query(`COPY (SELECT * FROM ${t} WHERE integration_id = '${id}') TO '${file(t)}'`);
    for (const t of [...tables].reverse()) await c.query(`DELETE FROM ${t} WHERE integration_id = '${id}'`);
    await c.query('VACUUM ANALYZE jobs, candidates, applications');
    let n = 0;
    const t0 = performance.now();
    for (const t of tables) n += (await c.query(`COPY ${t} FROM '${file(t)}'`)).rowCount ?? 0;
    const ms = performance.now() - t0;
    for (const t of tables) await c.query(`COPY (SELECT 1) TO PROGRAM 'rm -f ${file(t)}'`).catch(() => undefined);
    return { rows: n, ms };
  } finally {
    await c.end();
  }
}

async function syncSection(kind: Kind): Promise<void> {
  say(`sync on ${kind}`);
  const a = await startAtsgate(kind, 'sync');
  try {
    const largest = Number(flags.contacts);
    const sizes = [...new Set([Math.ceil(10_000 / 3), Math.ceil(100_000 / 3), largest].filter((n) => n <= largest))];
    const mem: { records: number; rss: number; heap: number }[] = [];
    let last: { id: string; fake: LeverGen; full: any } | null = null;
    for (const contacts of sizes) {
      const fake = await startLeverGen({ contacts });
      const id = `lever:bench-sync-${contacts}`;
      await a.child.ask({ cmd: 'integration', id, baseUrl: fake.url, credentials });
      const full = await a.child.ask({ cmd: 'sync', id, type: 'FULL' });
      const records = recordsOf(full.stats);
      say(`full sync ${fmt(records, 0)} records in ${fmt(full.ms / 1000, 1)} s, +${mb(full.rssGrowth)} RSS, +${mb(full.heapGrowth)} heap`);
      mem.push({ records, rss: full.rssGrowth, heap: full.heapGrowth });
      if (last) await last.fake.stop();
      last = { id, fake, full };
    }
    const { id, fake, full } = last!;
    const fullRecords = recordsOf(full.stats);
    const rate = fullRecords / (full.ms / 1000);
    const sec = '3 sync';
    if (a.databaseUrl) {
      // Bytes on disk per synced record (tables + indexes + TOAST), for the sizing arithmetic.
      const c = new pg.Client({ connectionString: a.databaseUrl });
      await c.connect();
      const size = await c.query<{ bytes: string; n: string }>(
        `SELECT (SELECT sum(pg_total_relation_size(t))::bigint FROM unnest(array['jobs','candidates','applications']::regclass[]) t) AS bytes,
                (SELECT count(*) FROM candidates) + (SELECT count(*) FROM applications) + (SELECT count(*) FROM jobs) AS n`,
      );
      await c.end();
      const bytes = Number(size.rows[0].bytes);
      const n = Number(size.rows[0].n);
      rows.push({
        section: sec,
        case: `database size after syncs (${fmt(n, 0)} records)`,
        db: kind,
        result: `${mb(bytes)}, ${fmt(bytes / n, 0)} bytes/record`,
        baseline: '',
        ratio: '',
        target: '',
        met: '',
      });
      const copy = await copyBaseline(a.databaseUrl, id);
      const copyRate = copy.rows / (copy.ms / 1000);
      rows.push({
        section: sec,
        case: `full sync, ${fmt(full.stats.read.candidates, 0)} cand + ${fmt(full.stats.read.applications, 0)} apps`,
        db: kind,
        result: `${fmt(rate, 0)} records/s (${fmt(full.ms / 1000, 1)} s)`,
        baseline: `COPY ${fmt(copyRate, 0)} rows/s (${fmt(copy.ms / 1000, 1)} s)`,
        ratio: `${fmt((rate / copyRate) * 100, 1)}% of COPY`,
        target: '≥ 25% of COPY',
        met: rate >= 0.25 * copyRate ? 'yes' : 'NO',
      });
    } else {
      rows.push({
        section: sec,
        case: `full sync, ${fmt(fullRecords, 0)} records`,
        db: kind,
        result: `${fmt(rate, 0)} records/s (${fmt(full.ms / 1000, 1)} s)`,
        baseline: '(COPY: PostgreSQL only)',
        ratio: '',
        target: '',
        met: '',
      });
    }
    const first = mem[0];
    for (const m of mem) {
      const growth = Math.max(m.rss, m.heap);
      const base = Math.max(first.rss, first.heap);
      rows.push({
        section: sec,
        case: `memory, full sync of ${fmt(m.records, 0)} records`,
        db: kind,
        result: `+${mb(m.rss)} RSS, +${mb(m.heap)} heap+ext`,
        baseline: m === first ? '' : `${fmt(first.records, 0)} records: +${mb(base)}`,
        ratio: m === first ? '' : `${fmt(growth / base, 2)}×`,
        target: m === first ? '' : 'flat (≤ 2×)',
        met: m === first ? '' : growth <= 2 * base ? 'yes' : 'NO',
      });
    }
    // The COPY baseline reloaded the same rows; the incremental sync reads from the last full sync's start.
    fake.touch(0.01);
    const inc = await a.child.ask({ cmd: 'sync', id, type: 'DELTA' });
    await fake.stop();
    rows.push({
      section: sec,
      case: `incremental (${inc.type}) after 1% changed`,
      db: kind,
      result: `${fmt(inc.ms / 1000, 2)} s, ${fmt(recordsOf(inc.stats), 0)} records read`,
      baseline: `full ${fmt(full.ms / 1000, 1)} s`,
      ratio: `${fmt((inc.ms / full.ms) * 100, 1)}% of full`,
      target: '≤ 5% of full',
      met: inc.ms <= 0.05 * full.ms ? 'yes' : 'NO',
    });
  } finally {
    await a.cleanup();
  }
}

// ------------------------------------------------------------------------------------------------

const t0 = Date.now();
try {
  if (ONLY.has('write') || ONLY.has('attach')) {
    const fake = await startLeverGen({ contacts: 1000 });
    const dbs = list(flags.dbs!) as Kind[];
    for (const kind of dbs) {
      const w = ONLY.has('write')
        ? await writeSection(kind, fake)
        : await (async () => {
            const a = await startAtsgate(kind, 'attach');
            const integrationId = 'lever:bench-writes';
            await a.child.ask({ cmd: 'integration', id: integrationId, baseUrl: fake.url, credentials });
            await a.child.ask({ cmd: 'sync', id: integrationId, type: 'FULL' });
            return { child: a.child, integrationId, cleanup: a.cleanup };
          })();
      // Attachments once, on the last write-path database (the scale-out one by default).
      if (ONLY.has('attach') && kind === dbs[dbs.length - 1]) await attachSection(kind, w.child, w.integrationId);
      await w.cleanup();
    }
    await fake.stop();
  }
  if (ONLY.has('sync')) for (const kind of list(flags['sync-dbs']!) as Kind[]) await syncSection(kind);
} finally {
  printTable();
  say(`done in ${fmt((Date.now() - t0) / 1000, 0)} s`);
}
