/**
 * Client-side rate limiting so that we stay under each vendor's documented limit instead of
 * finding it with 429s. A sliding-window log per key (one key per integration): a request may
 * go when fewer than `requests` were sent in the last `perMs`. Unlike a token bucket, this
 * never sends more than `requests` in ANY window of `perMs`, so it also respects vendors that
 * count in fixed intervals (a full bucket after idling would burst into one interval twice).
 *
 * The limiter also listens to the vendor (`observe`): a lower limit the vendor reports replaces
 * the configured one for that key (a higher one never raises it); a hold ("Remaining: 0 until
 * Reset", a 429's Retry-After) stops every request of that key until it ends; and in a FIXED
 * window, "Remaining: R, Reset: T" is a budget: at most R more until T, whatever our own log
 * says, after which the vendor's counter starts again. (In a rolling window the vendor's slots
 * free one by one, as in our own log, so only Remaining 0 matters.) Other traffic on the
 * customer's key (their own scripts, other apps) is invisible to our log; the vendor's headers
 * are the only way to learn about it.
 * In-process; a limiter shared by several processes implements the same interface
 * (rate-limit-pg.ts).
 */
export interface RateLimitSpec {
  requests: number;
  perMs: number;
}

/** What one vendor response said about a key's limit (src/http/rate-limit-headers.ts reads it). */
export interface RateLimitFeedback {
  /** The vendor's limit for this key (X-RateLimit-Limit); used only when lower than ours. */
  limit?: number;
  /** Send nothing more on this key for this long, from now. */
  holdMs?: number;
  /** Fixed windows: the vendor allows `left` more requests in the `forMs` until its window ends. */
  budget?: { left: number; forMs: number };
}

/**
 * Two answers whose window ends lie closer than this describe the same vendor window (resets are
 * rounded to seconds); a later end starts a new budget. Shared with rate-limit-pg.ts.
 */
export const SAME_WINDOW_SLACK_MS = 1000;

export interface RateLimiter {
  /** Resolves when one request may be sent. */
  acquire(key: string, spec: RateLimitSpec, signal?: AbortSignal): Promise<void>;
  /** Learns from a vendor response. Optional: a limiter that cannot adapt simply has none. */
  observe?(key: string, feedback: RateLimitFeedback): Promise<void> | void;
}

interface Window {
  sent: number[];
  queue: Promise<void>;
  /** The vendor's reported limit, when it is lower than the configured one. */
  learnedLimit?: number;
  /** Date.now() before which nothing is admitted. */
  holdUntil: number;
  /** A fixed window's remaining requests, per the vendor, until `until` (Date.now()). */
  budget?: { left: number; until: number };
}

export class SlidingWindowLimiter implements RateLimiter {
  private readonly windows = new Map<string, Window>();

  private window(key: string): Window {
    let w = this.windows.get(key);
    if (!w) this.windows.set(key, (w = { sent: [], queue: Promise.resolve(), holdUntil: 0 }));
    return w;
  }

  async acquire(key: string, spec: RateLimitSpec, signal?: AbortSignal): Promise<void> {
    const win = this.window(key);
    // Waiters queue in order, so a burst is spread out rather than stampeding.
    // Requests admitted a window apart can still arrive closer together (a busy event loop,
    // network jitter), so the window we enforce is a little longer than the vendor's.
    const windowMs = spec.perMs + Math.max(50, Math.round(spec.perMs * 0.05));
    const turn = win.queue.then(async () => {
      for (;;) {
        const now = Date.now();
        if (now < win.holdUntil) {
          await sleep(win.holdUntil - now, signal);
          continue;
        }
        if (win.budget && now >= win.budget.until) win.budget = undefined;
        if (win.budget && win.budget.left <= 0) {
          await sleep(win.budget.until - now, signal);
          continue;
        }
        const limit = Math.min(spec.requests, win.learnedLimit ?? Infinity);
        while (win.sent.length && now - win.sent[0] >= windowMs) win.sent.shift();
        if (win.sent.length < limit) {
          win.sent.push(now);
          if (win.budget) win.budget.left--;
          return;
        }
        // With a learned limit below what the log holds, wait for enough old entries to leave.
        await sleep(windowMs - (now - win.sent[win.sent.length - limit]) + 1, signal);
      }
    });
    win.queue = turn.catch(() => undefined);
    return turn;
  }

  observe(key: string, feedback: RateLimitFeedback): void {
    const win = this.window(key);
    if (feedback.limit !== undefined) win.learnedLimit = feedback.limit > 0 ? feedback.limit : undefined;
    if (feedback.holdMs !== undefined && feedback.holdMs > 0) win.holdUntil = Math.max(win.holdUntil, Date.now() + feedback.holdMs);
    if (feedback.budget) {
      const until = Date.now() + feedback.budget.forMs;
      const current = win.budget && Date.now() < win.budget.until ? win.budget : undefined;
      // Within one vendor window the smallest Remaining is the truest (answers to concurrent
      // requests arrive out of order); a window ending later is a new one.
      if (!current || until > current.until + SAME_WINDOW_SLACK_MS) win.budget = { left: feedback.budget.left, until };
      else current.left = Math.min(current.left, feedback.budget.left);
    }
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
