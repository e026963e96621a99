/**
 * Client-side rate limiting so that we stay under each vendor's documented limit instead of
 * finding it with 429s. A sliding-window log per key (one key per integration): a request may
 * go when fewer than `requests` were sent in the last `perMs`. Unlike a token bucket, this
 * never sends more than `requests` in ANY window of `perMs`, so it also respects vendors that
 * count in fixed intervals (a full bucket after idling would burst into one interval twice).
 * In-process; a limiter shared by several processes can implement the same interface.
 */
export interface RateLimitSpec { requests: number; perMs: number }

export interface RateLimiter {
  /** Resolves when one request may be sent. */
  acquire(key: string, spec: RateLimitSpec, signal?: AbortSignal): Promise<void>;
}

interface Window { sent: number[]; queue: Promise<void> }

export class SlidingWindowLimiter implements RateLimiter {
  private readonly windows = new Map<string, Window>();

  async acquire(key: string, spec: RateLimitSpec, signal?: AbortSignal): Promise<void> {
    let w = this.windows.get(key);
    if (!w) this.windows.set(key, (w = { sent: [], queue: Promise.resolve() }));
    const win = w;
    // Waiters queue in order, so a burst is spread out rather than stampeding.
    // Requests admitted a window apart can still arrive closer together (a busy event loop,
    // network jitter), so the window we enforce is a little longer than the vendor's.
    const windowMs = spec.perMs + Math.max(50, Math.round(spec.perMs * 0.05));
    const turn = win.queue.then(async () => {
      for (;;) {
        const now = Date.now();
        while (win.sent.length && now - win.sent[0] >= windowMs) win.sent.shift();
        if (win.sent.length < spec.requests) {
          win.sent.push(now);
          return;
        }
        await sleep(windowMs - (now - win.sent[0]) + 1, signal);
      }
    });
    win.queue = turn.catch(() => undefined);
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
