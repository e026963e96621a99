/**
 * Client-side rate limiting so that we stay under each vendor's documented limit instead of
 * finding it with 429s. A token bucket per key (one key per integration): `requests` tokens
 * refill evenly over `perMs`. In-process; a shared limiter for several processes can implement
 * the same interface.
 */
export interface RateLimitSpec { requests: number; perMs: number }

export interface RateLimiter {
  /** Resolves when one request may be sent. */
  acquire(key: string, spec: RateLimitSpec, signal?: AbortSignal): Promise<void>;
}

interface Bucket { tokens: number; updated: number; queue: Promise<void> }

export class TokenBucketLimiter implements RateLimiter {
  private readonly buckets = new Map<string, Bucket>();

  async acquire(key: string, spec: RateLimitSpec, signal?: AbortSignal): Promise<void> {
    let bucket = this.buckets.get(key);
    if (!bucket) {
      bucket = { tokens: spec.requests, updated: Date.now(), queue: Promise.resolve() };
      this.buckets.set(key, bucket);
    }
    // Waiters queue in order, so a burst is spread out rather than stampeding.
    const b = bucket;
    const turn = b.queue.then(async () => {
      for (;;) {
        const now = Date.now();
        b.tokens = Math.min(spec.requests, b.tokens + ((now - b.updated) * spec.requests) / spec.perMs);
        b.updated = now;
        if (b.tokens >= 1) {
          b.tokens -= 1;
          return;
        }
        const waitMs = Math.ceil(((1 - b.tokens) * spec.perMs) / spec.requests);
        await sleep(waitMs, signal);
      }
    });
    b.queue = turn.catch(() => undefined);
    return turn;
  }
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(t);
      reject(signal!.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
