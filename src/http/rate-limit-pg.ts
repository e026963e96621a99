/**
 * The vendor rate limit for a whole deployment: several atsgate processes calling one
 * customer's ATS share one sliding window, kept in PostgreSQL (table rate_limit_windows, 006).
 *
 * Admission is ONE statement: an upsert on the integration's row that keeps the admission
 * times still inside the window and appends new ones if there is room. A process sends one
 * such statement per key at a time, asking for as many admissions as it has requests waiting
 * (and a few spares when the limit is high), so a burst of requests costs one round trip,
 * not one each, and the row lock is not fought over by a process's own requests. The row lock serialises
 * admissions for one integration across processes for the length of that statement only;
 * different integrations never wait for each other. When there is no room, the statement
 * returns how long until the oldest admission leaves the window, and the caller sleeps with no
 * lock held. Times are the database's clock, the one clock every process shares, read with
 * clock_timestamp() AFTER the row lock is taken (ON CONFLICT evaluates SET and RETURNING then):
 * statement_timestamp() would date an admission to before a wait for the lock, and let the
 * next requests in too early under contention.
 *
 * The vendor's own word (observe) is kept on the same row, so every process obeys it: a limit
 * lower than the configured one caps admissions; while `held_until` is ahead nothing is
 * admitted and the wait returned is until then; while `budget_until` is ahead (a fixed window's
 * remainder) admissions also spend `budget_left`, and at 0 the wait is until the window ends.
 *
 * The window is widened by a small margin: a request admitted at the very end of one window
 * may reach the vendor a little later than one admitted at the start of the next, and the
 * vendor counts arrivals, not admissions.
 */
import { randomUUID } from 'node:crypto';
import type { Db } from '../store/db.ts';
import { admitToWindow, observeWindow, releaseFromWindow, type Admission } from '../store/rate-limit-windows.ts';
import { SAME_WINDOW_SLACK_MS, sleep, type RateLimitFeedback, type RateLimiter, type RateLimitSpec } from './rate-limit.ts';

interface Waiter {
  resolve: () => void;
  reject: (err: unknown) => void;
  signal?: AbortSignal;
  onAbort?: () => void;
}

/** One key's state in this process: who waits, and admissions fetched but not yet handed out. */
interface KeyState {
  waiters: Waiter[];
  spare: number;
  spareUntil: number;
  /** The database's date of the spares, to give back those never used. */
  spareStamp: string | null;
  /** Gives unused spares back when they expire after the last waiter left. */
  dropTimer?: NodeJS.Timeout;
  pumping: boolean;
}

export class PostgresRateLimiter implements RateLimiter {
  private readonly keys = new Map<string, KeyState>();
  /** The vendor limit last written per key, so that an unchanged one costs no statement. */
  private readonly limits = new Map<string, number>();

  constructor(
    private readonly db: Db,
    private readonly opts: { marginMs?: number } = {},
  ) {}

  acquire(key: string, spec: RateLimitSpec, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    let st = this.keys.get(key);
    if (!st) this.keys.set(key, (st = { waiters: [], spare: 0, spareUntil: 0, spareStamp: null, pumping: false }));
    const state = st;
    return new Promise<void>((resolve, reject) => {
      const w: Waiter = { resolve, reject, signal };
      if (signal) {
        w.onAbort = () => {
          const i = state.waiters.indexOf(w);
          if (i >= 0) state.waiters.splice(i, 1);
          reject(signal.reason);
        };
        signal.addEventListener('abort', w.onAbort, { once: true });
      }
      state.waiters.push(w);
      if (!state.pumping) void this.pump(key, spec, state);
    });
  }

  async observe(key: string, feedback: RateLimitFeedback): Promise<void> {
    const hold = feedback.holdMs !== undefined && feedback.holdMs > 0 ? Math.ceil(feedback.holdMs) : null;
    let limit = feedback.limit !== undefined && feedback.limit > 0 ? Math.floor(feedback.limit) : null;
    // Most responses repeat the same limit: write it only when it changes, not once per call.
    if (limit !== null && this.limits.get(key) === limit) limit = null;
    const budget = feedback.budget && feedback.budget.forMs > 0 ? feedback.budget : null;
    if (hold === null && limit === null && budget === null) return;
    // Admissions this process fetched ahead must not outlive a hold or a smaller budget.
    const st = this.keys.get(key);
    if (st && (hold !== null || budget !== null)) this.dropSpares(key, st);
    await observeWindow(this.db.relaxed, {
      key,
      limit,
      holdMs: hold,
      budgetLeft: budget ? Math.max(0, Math.floor(budget.left)) : null,
      budgetForMs: budget ? Math.ceil(budget.forMs) : null,
      sameWindowSlackMs: SAME_WINDOW_SLACK_MS,
    });
    if (limit !== null) this.limits.set(key, limit);
  }

  /**
   * Serves one key's waiters in order, one database statement at a time per process: each
   * statement asks for as many admissions as there are waiters (they go out at once), plus,
   * when the vendor's limit is high, a few spare ones for the requests about to follow. Spares
   * are used within half the margin or dropped unused (which only leaves capacity idle): a
   * request sent up to that long after its admission still falls inside the widened window.
   */
  private async pump(key: string, spec: RateLimitSpec, st: KeyState): Promise<void> {
    st.pumping = true;
    const marginMs = this.opts.marginMs ?? 250;
    const windowMs = spec.perMs + marginMs;
    const spareTtlMs = marginMs / 2;
    const extra = spareTtlMs > 0 ? Math.min(MAX_SPARE, Math.floor(spec.requests / 50)) : 0;
    try {
      while (st.waiters.length) {
        if (st.spare > 0 && Date.now() < st.spareUntil) {
          st.spare--;
          admit(st.waiters.shift()!);
          continue;
        }
        this.dropSpares(key, st);
        const need = Math.min(spec.requests, st.waiters.length);
        const want = Math.min(spec.requests, need + extra);
        let row: Admission;
        try {
          row = await admitToWindow(this.db.relaxed, { key, windowMs, limit: spec.requests, token: randomUUID(), want, need });
        } catch (err) {
          for (const w of st.waiters.splice(0)) fail(w, err);
          return;
        }
        if (!row.admitted || row.granted <= 0) {
          await sleep(Math.max(5, Number(row.wait_ms ?? 5) + 1));
          continue;
        }
        let n = row.granted;
        while (n > 0 && st.waiters.length) {
          admit(st.waiters.shift()!);
          n--;
        }
        st.spare = n;
        st.spareUntil = Date.now() + spareTtlMs;
        st.spareStamp = row.stamp;
      }
    } finally {
      st.pumping = false;
      if (!st.waiters.length) {
        if (st.spare === 0) this.keys.delete(key);
        else this.dropWhenExpired(key, st);
      }
    }
  }

  /**
   * Spares nobody used are given back to the shared window rather than left to count against
   * the vendor's limit until they age out: with a low limit (100 a minute) and requests spaced
   * wider than a spare lives, every statement would otherwise spend its spares on nothing.
   */
  private dropSpares(key: string, st: KeyState): void {
    const count = st.spare;
    const stamp = st.spareStamp;
    st.spare = 0;
    st.spareStamp = null;
    if (count > 0 && stamp) releaseFromWindow(this.db.relaxed, { key, stamp, count }).catch(() => undefined);
  }

  private dropWhenExpired(key: string, st: KeyState): void {
    clearTimeout(st.dropTimer);
    st.dropTimer = setTimeout(
      () => {
        st.dropTimer = undefined;
        if (st.pumping || st.waiters.length) return; // a new request came and uses (or dropped) them
        this.dropSpares(key, st);
        if (this.keys.get(key) === st) this.keys.delete(key);
      },
      Math.max(0, st.spareUntil - Date.now()),
    );
    st.dropTimer.unref();
  }
}

/** Most spare admissions one statement fetches for requests that have not arrived yet. */
const MAX_SPARE = 32;

function admit(w: Waiter): void {
  if (w.onAbort) w.signal!.removeEventListener('abort', w.onAbort);
  w.resolve();
}

function fail(w: Waiter, err: unknown): void {
  if (w.onAbort) w.signal!.removeEventListener('abort', w.onAbort);
  w.reject(err);
}
