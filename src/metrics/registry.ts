/**
 * The Prometheus metrics of one server (src/api/routes/metrics.ts makes one per app, and
 * disposes of it when the app closes). Each gets its own prom-client Registry (not
 * the library's global default) so that several servers in one process (tests, the bench)
 * never collide on metric names.
 *
 * What is counted where:
 *  - inbound HTTP requests: a fastify onResponse hook (src/metrics/plugin.ts), labelled by the
 *    route PATTERN (`/v1/ats/candidates/:candidate_id/result-links`), never the raw URL, so the
 *    label set stays bounded and no id or token in a URL reaches the scrape;
 *  - outbound calls to the ATSs: the process-wide observer in src/http/client.ts;
 *  - sync durations: the observer in src/metrics/observers.ts, called by src/sync/run.ts;
 *  - sync lag and queue depth: computed when scraped (from the database / the job engine), so
 *    they are right even when another process ran the sync; re-reads pending after writes:
 *    this process's own queue, read when scraped; actions in flight: the deployment's count
 *    (one total, no integration label), read when scraped.
 */
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Runtime } from '../runtime.ts';
import { callObservers, type OutboundCall } from '../http/client.ts';
import { syncObservers, type SyncEnded } from './observers.ts';
import type { LimitScope } from '../limits/inbound.ts';
import { syncLags } from '../store/integrations.ts';

/** Request and vendor-call latencies: 2.5 ms (loopback) to 30 s (a vendor's timeout). */
const LATENCY_BUCKETS = [0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
/** Syncs: a second (a small tenant's delta) to two hours (a very large full sync). */
const SYNC_BUCKETS = [1, 5, 15, 30, 60, 120, 300, 600, 1800, 3600, 7200];

export class Metrics {
  readonly registry = new Registry();
  private readonly httpRequests: Counter<'method' | 'route' | 'status'>;
  private readonly httpDuration: Histogram<'method' | 'route'>;
  private readonly outboundCalls: Counter<'tool' | 'status'>;
  private readonly outboundDuration: Histogram<'tool'>;
  private readonly vendorRateLimited: Counter<'tool'>;
  private readonly syncDuration: Histogram<'tool' | 'type' | 'state'>;
  private readonly inboundLimited: Counter<'scope'>;
  private readonly onInboundLimited = (scope: LimitScope) => this.inboundLimited.inc({ scope });
  private readonly onCall = (call: OutboundCall, tool: string) => this.observeCall(call, tool);
  private readonly onSync = (e: SyncEnded) => this.observeSync(e);

  constructor(private readonly rt: Runtime) {
    const registers = [this.registry];
    this.httpRequests = new Counter({
      name: 'atsgate_http_requests_total',
      help: 'HTTP requests served, by route pattern and status.',
      labelNames: ['method', 'route', 'status'],
      registers,
    });
    this.httpDuration = new Histogram({
      name: 'atsgate_http_request_duration_seconds',
      help: 'Time to answer an HTTP request.',
      labelNames: ['method', 'route'],
      buckets: LATENCY_BUCKETS,
      registers,
    });
    this.outboundCalls = new Counter({
      name: 'atsgate_ats_calls_total',
      help: 'Calls (attempts, retries included) to ATS APIs, by tool and HTTP status ("error" when no response came).',
      labelNames: ['tool', 'status'],
      registers,
    });
    this.outboundDuration = new Histogram({
      name: 'atsgate_ats_call_duration_seconds',
      help: 'Duration of one call to an ATS API.',
      labelNames: ['tool'],
      buckets: LATENCY_BUCKETS,
      registers,
    });
    this.vendorRateLimited = new Counter({
      name: 'atsgate_ats_rate_limited_total',
      help: 'HTTP 429 answers from ATS APIs (the client-side limiter should keep this near zero).',
      labelNames: ['tool'],
      registers,
    });
    this.inboundLimited = new Counter({
      name: 'atsgate_inbound_rate_limited_total',
      help: 'API requests refused with PLATFORM.RATE_LIMIT_EXCEEDED, by the limit that refused them (account or integration).',
      labelNames: ['scope'],
      registers,
    });
    this.syncDuration = new Histogram({
      name: 'atsgate_sync_duration_seconds',
      help: 'Duration of syncs run by this process, by tool, type and final state.',
      labelNames: ['tool', 'type', 'state'],
      buckets: SYNC_BUCKETS,
      registers,
    });

    new Gauge({
      name: 'atsgate_sync_lag_seconds',
      help: 'Seconds since the last successful sync of each integration ended (absent before its first).',
      labelNames: ['integration_id', 'tool'],
      registers,
      async collect() {
        this.reset();
        for (const r of await syncLags(rt.db)) this.set({ integration_id: r.id, tool: r.tool }, Math.max(0, Number(r.lag)));
      },
    });
    new Gauge({
      name: 'atsgate_job_queue_depth',
      help: 'Background jobs (syncs, deliveries) due and not yet running.',
      registers,
      async collect() {
        const depth = await rt.jobs.depth?.();
        if (depth !== undefined) this.set(depth);
      },
    });
    new Gauge({
      name: 'atsgate_read_backs_pending',
      help: 'Candidates of this process waiting to be, or being, re-read after a write (src/writes/read-back.ts).',
      registers,
      collect() {
        this.set(rt.readBacks.size);
      },
    });
    new Gauge({
      name: 'atsgate_writes_in_flight',
      help: 'Actions (writes, asynchronous deliveries) in flight in the whole deployment, against the cap per integration (src/writes/in-flight.ts).',
      registers,
      async collect() {
        let n = 0;
        for (const count of (await rt.writesInFlight.inFlight()).values()) n += count;
        this.set(n);
      },
    });
    callObservers.add(this.onCall);
    syncObservers.add(this.onSync);
    rt.inboundLimiter.refusals.add(this.onInboundLimited);
  }

  observeRequest(method: string, route: string, status: number, seconds: number): void {
    this.httpRequests.inc({ method, route, status: String(status) });
    this.httpDuration.observe({ method, route }, seconds);
  }

  private observeCall(call: OutboundCall, rawTool: string): void {
    // Called from the HTTP client's finally block: counting must never break a vendor call.
    try {
      const tool = rawTool || 'unknown';
      const status = call.status === null ? 'error' : String(call.status);
      this.outboundCalls.inc({ tool, status });
      this.outboundDuration.observe({ tool }, call.duration_ms / 1000);
      if (call.status === 429) this.vendorRateLimited.inc({ tool });
    } catch {
      /* a metric lost is better than a call failed */
    }
  }

  private observeSync(e: SyncEnded): void {
    try {
      this.syncDuration.observe({ tool: e.tool, type: e.type, state: e.state }, e.durationMs / 1000);
    } catch {
      /* never fail a sync over a metric */
    }
  }

  /** The scrape, in Prometheus text format. */
  async scrape(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }

  /** Stops listening to the process-wide observers (the server is closing). */
  dispose(): void {
    callObservers.delete(this.onCall);
    syncObservers.delete(this.onSync);
    this.rt.inboundLimiter.refusals.delete(this.onInboundLimited);
  }
}
