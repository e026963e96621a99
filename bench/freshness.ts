/**
 * Freshness benchmark (issue #13): how long a change in the ATS takes to reach a vendor as
 * Kombo's `data-changed` webhook, with the ATS's own webhooks, against the 3-hour delta-sync
 * polling that was the only path before.
 *
 *   node --import tsx bench/freshness.ts [--integrations 1000] [--rates 20,50,100] [--db postgres|pglite]
 *
 * Set-up: one atsgate server (in this process, PostgreSQL by default), one Ashby fake serving
 * every integration, N integrations connected through the normal path (atsgate registers its
 * webhooks with `webhook.create` on each), and a loopback receiver for atsgate's webhooks.
 * Measured: for each integration once, a candidate's stage is changed in the fake and Ashby's
 * signed `candidateStageChange` is sent to that integration's URL, at each of `--rates` events/s
 * in turn (one change per integration per rate); the latency is from the change to the
 * `data-changed` for that integration at the receiver.
 *
 * Baseline, same run: without vendor webhooks a change waits for the next delta sync (every
 * 180 minutes, Kombo's default and atsgate's): a change at a uniformly random moment waits
 * U(0, 180 min) plus the delta sync and delivery, measured here on the same integrations.
 */
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';
import { startTestServer } from '../test/support/server.ts';
import { postgresReachable } from '../test/support/databases.ts';
import { startAshbyFake } from '../test/fakes/ashby.ts';
import { connectIntegration } from '../src/integrations/service.ts';
import { requestSync } from '../src/jobs/sync-tasks.ts';

const { values: flags } = parseArgs({
  options: {
    integrations: { type: 'string', default: '1000' },
    rates: { type: 'string', default: '20,50,100' },
    db: { type: 'string', default: 'postgres' },
    'connect-concurrency': { type: 'string', default: '8' },
    'baseline-samples': { type: 'string', default: '50' },
  },
});
const N = Number(flags.integrations);
const RATES = flags.rates!.split(',').map(Number);
const POLL_MINUTES = 180;

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))];
};
const fmt = (ms: number) =>
  ms >= 60_000 ? `${(ms / 60_000).toFixed(1)} min` : ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(0)} ms`;

async function main() {
  const kind = flags.db === 'pglite' || !(await postgresReachable()) ? 'pglite' : 'postgres';
  // data-changed arrivals, by integration id, in arrival order.
  const arrivals = new Map<string, number[]>();
  const receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const at = performance.now();
      try {
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
        if (body.type === 'data-changed') {
          const list = arrivals.get(body.data.integration_id) ?? [];
          list.push(at);
          arrivals.set(body.data.integration_id, list);
        }
      } catch {}
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  const receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks`;

  const fake = await startAshbyFake({ rateLimit: { limit: 1_000_000, windowMs: 1000 } });
  const s = await startTestServer(kind, {
    env: {
      ATSGATE_WEBHOOK_URL: receiverUrl,
      ATSGATE_WEBHOOK_SECRET: 'whsec_' + randomBytes(12).toString('hex'),
      ATSGATE_JOB_CONCURRENCY: '16',
    },
  });
  const rt = s.started.rt;
  console.error(`freshness bench: ${N} integrations on ${kind}, events at ${RATES.join(', ')}/s`);

  // --- connect N integrations (first sync + webhook registration each) --------------------------
  const t0 = performance.now();
  const ids: string[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: Number(flags['connect-concurrency']) }, async () => {
      while (next < N) {
        next++;
        const i = await connectIntegration(rt, {
          accountId: 'default',
          tool: 'ashby',
          organizationName: `Tenant ${ids.length}`,
          credentials: fake.credentials,
          baseUrl: fake.url,
          waitForSync: true,
        });
        ids.push(i.id);
      }
    }),
  );
  const connectMs = performance.now() - t0;
  const subs = new Map(
    fake
      .webhooks!.registered()
      .filter((x) => x.event === 'candidateStageChange')
      .map((x) => [x.url, x]),
  );
  const { rows } = await rt.db.query<{ integration_id: string; setup: string }>(
    'SELECT integration_id, setup FROM vendor_webhook_endpoints',
  );
  const registered = rows.filter((r) => r.setup === 'registered').length;
  console.error(`connected ${ids.length} in ${fmt(connectMs)}; ${registered} registered their webhooks with the fake`);
  // Let the first syncs' own data-changed events drain before measuring.
  const settle = async () => {
    for (;;) {
      const { rows: p } = await rt.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM webhook_deliveries WHERE state = 'PENDING'`);
      if (p[0].n === 0) return;
      await new Promise((r) => setTimeout(r, 200));
    }
  };
  await settle();
  arrivals.clear();

  // --- vendor webhooks: one change per integration, at RATE/s -----------------------------------
  const urls = await Promise.all(
    ids.map(async (id) => {
      const res = await s.call('GET', `/v1/integrations/${id}/vendor-webhook`);
      return res.body.data.url as string;
    }),
  );
  const candidates = fake.candidateRemoteIds();
  const table: string[] = [];
  let worstP99 = 0;
  let hookP50 = 0;
  let hookP99 = 0;
  const notes: string[] = [];
  for (const RATE of RATES) {
    await settle();
    arrivals.clear();
    await rt.db.query('DELETE FROM vendor_webhook_events');
    const changedAt = new Map<string, number>();
    const sendStart = performance.now();
    const sends: Promise<unknown>[] = [];
    for (let k = 0; k < ids.length; k++) {
      const due = sendStart + (k * 1000) / RATE;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      const sub = subs.get(urls[k]);
      if (!sub) throw new Error(`integration ${ids[k]} has no registered webhook`);
      changedAt.set(ids[k], performance.now());
      sends.push(fake.webhooks!.changeCandidate(candidates[k % candidates.length], { url: sub.url, secret: sub.secret }));
    }
    const statuses = (await Promise.all(sends)).flat() as number[];
    const deadline = performance.now() + 10 * 60_000;
    while ([...changedAt.keys()].some((id) => !arrivals.get(id)?.length) && performance.now() < deadline)
      await new Promise((r) => setTimeout(r, 100));
    const latencies = [...changedAt].flatMap(([id, at]) => {
      const got = arrivals.get(id)?.find((t) => t >= at);
      return got === undefined ? [] : [got - at];
    });
    const missing = ids.length - latencies.length;
    const extra = [...arrivals.values()].reduce((n, l) => n + Math.max(0, l.length - 1), 0);
    // Where the time went, from the database's own clock: event taken → re-read done (data-changed
    // recorded) → delivered to the receiver.
    const { rows: split } = await rt.db.query<{ reread: number; deliver: number }>(
      `SELECT extract(epoch FROM w.created_at - e.received_at) * 1000 AS reread, extract(epoch FROM w.sent_at - w.created_at) * 1000 AS deliver
         FROM vendor_webhook_events e JOIN webhook_deliveries w
           ON w.event_type = 'data-changed' AND w.body::jsonb -> 'data' ->> 'integration_id' = e.integration_id AND w.created_at >= e.received_at`,
    );
    const rereadMs = split.map((r) => Number(r.reread));
    const deliverMs = split.filter((r) => r.deliver !== null).map((r) => Number(r.deliver));
    const hook = { p50: pct(latencies, 50), p99: pct(latencies, 99), max: Math.max(...latencies) };
    worstP99 = Math.max(worstP99, hook.p99);
    if (RATE === RATES[0]) {
      hookP50 = hook.p50;
      hookP99 = hook.p99;
    }
    table.push(
      `| vendor webhook → data-changed, ${RATE} events/s (${latencies.length}/${ids.length}) | ${fmt(hook.p50)} | ${fmt(hook.p99)} | ${fmt(hook.max)} |`,
      `| … of which event taken → re-read done | ${fmt(pct(rereadMs, 50))} | ${fmt(pct(rereadMs, 99))} | ${fmt(Math.max(...rereadMs))} |`,
      `| … of which re-read done → delivered | ${fmt(pct(deliverMs, 50))} | ${fmt(pct(deliverMs, 99))} | ${fmt(Math.max(...deliverMs))} |`,
    );
    notes.push(
      `${RATE}/s: answers ${statuses.filter((x) => x === 200).length}/${statuses.length} HTTP 200, data-changed missing ${missing}, extra ${extra}, p99 < 60 s ${hook.p99 < 60_000 ? 'met' : 'MISSED'}`,
    );
  }

  // --- baseline: a delta sync after the same kind of change, on some of the same integrations ---
  await settle();
  const sample = ids.slice(0, Number(flags['baseline-samples']));
  arrivals.clear();
  const syncMs: number[] = [];
  for (const id of sample) {
    const sub = subs.get(urls[ids.indexOf(id)])!;
    // The change only (no webhook reaches atsgate: the receiver URL is replaced by a dead end).
    await fake.webhooks!.changeCandidate(candidates[0], { url: `${s.url}/v1/vendor-webhooks/${'x'.repeat(43)}`, secret: sub.secret });
    const at = performance.now();
    await requestSync(rt, id, 'DELTA');
    while (!arrivals.get(id)?.length && performance.now() - at < 120_000) await new Promise((r) => setTimeout(r, 20));
    const got = arrivals.get(id)?.[0];
    if (got !== undefined) syncMs.push(got - at);
  }
  const pollWait = (p: number) => (p / 100) * POLL_MINUTES * 60_000;
  const base = { p50: pollWait(50) + pct(syncMs, 50), p99: pollWait(99) + pct(syncMs, 99) };
  const out = [
    `| | p50 | p99 | max |`,
    `|---|---|---|---|`,
    ...table,
    `| delta sync → data-changed alone (${syncMs.length} samples) | ${fmt(pct(syncMs, 50))} | ${fmt(pct(syncMs, 99))} | ${fmt(Math.max(...syncMs))} |`,
    `| polling baseline: U(0, ${POLL_MINUTES} min) wait + delta sync | ${fmt(base.p50)} | ${fmt(base.p99)} | ${fmt(pollWait(100) + Math.max(...syncMs))} |`,
    `| ratio baseline / webhook at ${RATES[0]} events/s | ${(base.p50 / hookP50).toFixed(0)}× | ${(base.p99 / hookP99).toFixed(0)}× | |`,
    `| ratio baseline / webhook, worst rate (p99) | | ${(base.p99 / worstP99).toFixed(0)}× | |`,
  ];
  console.log(out.join('\n'));
  console.log(`\n${kind}; connected ${ids.length} integrations in ${fmt(connectMs)} (${registered} registered their webhooks)`);
  for (const n of notes) console.log(`- ${n}`);
  await s.close();
  await fake.stop().catch((err) => console.error(String(err)));
  receiver.close();
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
