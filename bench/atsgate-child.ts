/**
 * One atsgate server for the benchmarks, in a process of its own so that its memory and
 * event loop are measured without the load generator's. Configured by the environment (as
 * `atsgate serve` is); driven by the parent over IPC:
 *   {cmd:'integration', id, baseUrl, credentials}  create a Lever integration (no sync)
 *   {cmd:'sync', id, type}                           run one sync inline; stats + peak memory
 *   {cmd:'watch'} / {cmd:'unwatch'}                  start / stop sampling memory and
 *                                                    event-loop delay (around an upload)
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { loadConfig } from '../src/config.ts';
import { startServer } from '../src/server.ts';
import { createIntegration } from '../src/store/integrations.ts';
import { ensureAccount } from '../src/store/keys.ts';
import { startSync } from '../src/sync/run.ts';

const started = await startServer(loadConfig(process.env), { logger: false });
const rt = started.rt;

/** --queries: count and time the database statements per kind (where a write's time goes). */
const queryStats = new Map<string, { n: number; ms: number }>();
if (process.env.BENCH_COUNT_QUERIES) {
  const db = rt.db as any;
  const wrap = (target: any, name: string) => {
    const orig = target[name].bind(target);
    target[name] = async (sql: string, ...rest: unknown[]) => {
      const t0 = performance.now();
      try {
        return await orig(sql, ...rest);
      } finally {
        const key = String(sql).replace(/\s+/g, ' ').trim().slice(0, 70);
        const s = queryStats.get(key) ?? { n: 0, ms: 0 };
        s.n++;
        s.ms += performance.now() - t0;
        queryStats.set(key, s);
      }
    };
  };
  wrap(db, 'query');
  const origTx = db.tx.bind(db);
  db.tx = (fn: any) => origTx((q: any) => (wrap(q, 'query'), fn(q)));
}

const gc = (globalThis as { gc?: () => void }).gc ?? (() => undefined);
const mem = () => {
  const m = process.memoryUsage();
  return { rss: m.rss, heap: m.heapUsed + m.external };
};

const ELD_RESOLUTION_MS = 1;

/** Peak RSS and heap(+external, where Buffers live) above the level when watching began. */
class Watch {
  private readonly base: { rss: number; heap: number };
  private peak: { rss: number; heap: number };
  private readonly timer: NodeJS.Timeout;
  // The histogram records the time between its timer's ticks, so every value includes the
  // resolution itself: at 10 ms an idle loop already read ~10 ms. 1 ms, subtracted below.
  private readonly eld = monitorEventLoopDelay({ resolution: ELD_RESOLUTION_MS });
  constructor() {
    gc();
    this.base = mem();
    this.peak = { ...this.base };
    this.timer = setInterval(() => this.sample(), 10);
    this.eld.enable();
  }
  private sample() {
    const m = mem();
    this.peak.rss = Math.max(this.peak.rss, m.rss);
    this.peak.heap = Math.max(this.peak.heap, m.heap);
  }
  stop() {
    this.sample();
    clearInterval(this.timer);
    this.eld.disable();
    return {
      rssGrowth: this.peak.rss - this.base.rss,
      heapGrowth: this.peak.heap - this.base.heap,
      peakRss: this.peak.rss,
      eldMaxMs: Math.max(0, this.eld.max / 1e6 - ELD_RESOLUTION_MS),
      eldP99Ms: Math.max(0, this.eld.percentile(99) / 1e6 - ELD_RESOLUTION_MS),
    };
  }
}

let watch: Watch | null = null;

process.on('message', async (msg: any) => {
  const reply = (body: unknown) => process.send!({ ...(body as object), _rid: msg._rid });
  try {
    switch (msg.cmd) {
      case 'integration': {
        await ensureAccount(rt.db, 'default');
        await createIntegration(rt.db, rt.box, {
          accountId: 'default',
          tool: msg.tool ?? 'lever',
          organizationName: msg.id,
          credentials: msg.credentials,
          config: { base_url: msg.baseUrl },
          id: msg.id,
        });
        return reply({ ok: true });
      }
      case 'sync': {
        const w = new Watch();
        const t0 = performance.now();
        const s = await startSync(rt, msg.id, msg.type);
        const stats = await s.done;
        const ms = performance.now() - t0;
        return reply({ ok: true, type: s.type, stats, ms, ...w.stop() });
      }
      case 'watch':
        watch = new Watch();
        return reply({ ok: true });
      case 'unwatch': {
        const r = watch?.stop();
        watch = null;
        return reply({ ok: true, ...r });
      }
      case 'drain': {
        // Candidates still to be re-read after writes (src/writes/read-back.ts): work the
        // writes caused that has not happened yet, so the write-path figures must include it.
        const t0 = performance.now();
        const pending = rt.readBacks.size;
        await rt.readBacks.drain();
        return reply({ ok: true, pending, ms: performance.now() - t0 });
      }
      case 'queries': {
        const top = [...queryStats]
          .sort((x, y) => y[1].ms - x[1].ms)
          .slice(0, 25)
          .map(([sql, v]) => ({ sql, ...v }));
        queryStats.clear();
        return reply({ ok: true, top });
      }
      case 'close':
        await started.close();
        reply({ ok: true });
        return process.exit(0);
    }
  } catch (err) {
    reply({ ok: false, error: err instanceof Error ? err.message : String(err) });
  }
});

process.send!({ ready: true, url: started.url });
// The bench process went away (finished or crashed): do not outlive it.
process.on('disconnect', () => process.exit(0));
