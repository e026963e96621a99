/**
 * Inbound rate limits: one noisy customer must not take the deployment's worker pool or a
 * vendor's shared budget from the others. Every authenticated API request counts against its
 * account and, when it names one (X-Integration-Id), its integration, in fixed windows
 * (ATSGATE_RATE_LIMIT_WINDOW_SECONDS, a minute by default). Over a limit the answer is Kombo's
 * `PLATFORM.RATE_LIMIT_EXCEEDED` (429) with `Retry-After` (seconds to the next window); every
 * answer carries `RateLimit-Limit`,
 * `RateLimit-Remaining` and `RateLimit-Reset` for the tighter of the two limits.
 *
 * On PostgreSQL the windows live in the database (src/store/inbound-limits.ts), so the limits
 * hold for the whole deployment however many processes serve it; the embedded database is one
 * process, so counting in memory is the same thing there. A limit of 0 turns that limit off.
 */
import { AtsgateError } from '../errors.ts';
import type { Queryable } from '../store/db.ts';
import { countInboundRequest, currentInboundCounts, type WindowCount } from '../store/inbound-limits.ts';

export interface InboundLimits {
  /** Requests per window per account; 0: no limit. */
  perAccount: number;
  /** Requests per window per integration; 0: no limit. */
  perIntegration: number;
  /** Length of the fixed windows, in seconds. */
  windowSeconds: number;
}

export type LimitScope = 'account' | 'integration';

interface Counter {
  count(keys: string[], windowSeconds: number): Promise<WindowCount[]>;
  /** The current window's counts, without counting anything. */
  peek(keys: string[], windowSeconds: number): Promise<WindowCount[]>;
}

/** One process's windows, for the embedded database (and tests of the policy itself). */
export class InMemoryWindows implements Counter {
  private readonly windows = new Map<string, { start: number; count: number }>();
  constructor(private readonly now: () => number = Date.now) {}

  async count(keys: string[], windowSeconds: number): Promise<WindowCount[]> {
    const now = this.now();
    const length = windowSeconds * 1000;
    const start = Math.floor(now / length) * length;
    if (this.windows.size > 10_000) for (const [k, w] of this.windows) if (w.start < start) this.windows.delete(k);
    return keys.map((key) => {
      const w = this.windows.get(key);
      const next = w && w.start === start ? { start, count: w.count + 1 } : { start, count: 1 };
      this.windows.set(key, next);
      return { key, count: next.count, resetSeconds: Math.max(1, Math.ceil((start + length - now) / 1000)) };
    });
  }

  async peek(keys: string[], windowSeconds: number): Promise<WindowCount[]> {
    const now = this.now();
    const length = windowSeconds * 1000;
    const start = Math.floor(now / length) * length;
    return keys.flatMap((key) => {
      const w = this.windows.get(key);
      return w && w.start === start ? [{ key, count: w.count, resetSeconds: Math.max(1, Math.ceil((start + length - now) / 1000)) }] : [];
    });
  }
}

export class DatabaseWindows implements Counter {
  constructor(private readonly db: Queryable) {}
  count(keys: string[], windowSeconds: number): Promise<WindowCount[]> {
    return countInboundRequest(this.db, keys, windowSeconds);
  }
  peek(keys: string[], windowSeconds: number): Promise<WindowCount[]> {
    return currentInboundCounts(this.db, keys, windowSeconds);
  }
}

/** What the dashboard shows: the limits, and how much of the current window is used. */
export interface InboundUsage {
  windowSeconds: number;
  account: { limit: number; used: number } | null;
  integrations: Record<string, { limit: number; used: number }>;
}

export interface Admitted {
  headers: Record<string, string>;
}

export class InboundRateLimiter {
  /** Told of each refused request (src/metrics); they must not throw. */
  readonly refusals = new Set<(scope: LimitScope) => void>();

  constructor(
    private readonly limits: InboundLimits,
    private readonly windows: Counter,
  ) {}

  get enabled(): boolean {
    return this.limits.perAccount > 0 || this.limits.perIntegration > 0;
  }

  /** The account's and its integrations' use of the current window (limits of 0 are left out). */
  async usage(accountId: string, integrationIds: string[]): Promise<InboundUsage> {
    const { perAccount, perIntegration, windowSeconds } = this.limits;
    const keys = [
      ...(perAccount > 0 ? [`account:${accountId}`] : []),
      ...(perIntegration > 0 ? integrationIds.map((id) => `integration:${id}`) : []),
    ];
    const counts = new Map((keys.length ? await this.windows.peek(keys, windowSeconds) : []).map((c) => [c.key, c.count]));
    const integrations: InboundUsage['integrations'] = {};
    if (perIntegration > 0)
      for (const id of integrationIds) integrations[id] = { limit: perIntegration, used: counts.get(`integration:${id}`) ?? 0 };
    return {
      windowSeconds,
      account: perAccount > 0 ? { limit: perAccount, used: counts.get(`account:${accountId}`) ?? 0 } : null,
      integrations,
    };
  }

  /** Counts one request; throws PLATFORM.RATE_LIMIT_EXCEEDED over a limit, else returns the headers to send. */
  async admit(accountId: string, integrationId: string | null): Promise<Admitted> {
    const wanted: { key: string; scope: LimitScope; limit: number }[] = [];
    if (this.limits.perAccount > 0) wanted.push({ key: `account:${accountId}`, scope: 'account', limit: this.limits.perAccount });
    if (this.limits.perIntegration > 0 && integrationId)
      wanted.push({ key: `integration:${integrationId}`, scope: 'integration', limit: this.limits.perIntegration });
    if (!wanted.length) return { headers: {} };
    const counts = new Map(
      (
        await this.windows.count(
          wanted.map((w) => w.key),
          this.limits.windowSeconds,
        )
      ).map((c) => [c.key, c]),
    );
    let tightest: { limit: number; remaining: number; reset: number } | null = null;
    for (const w of wanted) {
      const c = counts.get(w.key);
      if (!c) continue;
      if (c.count > w.limit) {
        for (const observe of this.refusals) observe(w.scope);
        const what = w.scope === 'account' ? 'this account' : `integration ${integrationId}`;
        throw new AtsgateError(
          'PLATFORM.RATE_LIMIT_EXCEEDED',
          `Too many requests: ${what} may make ${w.limit} requests per ${this.limits.windowSeconds === 60 ? 'minute' : `${this.limits.windowSeconds} s`} on this deployment. Retry after ${c.resetSeconds} s.`,
          { headers: { 'retry-after': String(c.resetSeconds), ...headers(w.limit, 0, c.resetSeconds) } },
        );
      }
      const remaining = w.limit - c.count;
      if (!tightest || remaining < tightest.remaining) tightest = { limit: w.limit, remaining, reset: c.resetSeconds };
    }
    return { headers: tightest ? headers(tightest.limit, tightest.remaining, tightest.reset) : {} };
  }
}

function headers(limit: number, remaining: number, reset: number): Record<string, string> {
  return { 'ratelimit-limit': String(limit), 'ratelimit-remaining': String(remaining), 'ratelimit-reset': String(reset) };
}
