/**
 * Reading what a vendor's response says about its rate limit, from the header names and units a
 * connector's transport declares (src/http/transport.ts). Vendors disagree on the unit of the
 * reset header: Greenhouse sends an epoch in seconds, Teamtailor and Recruitee's limiter the
 * seconds left in the window, Workable "the timestamp of the next interval" without a unit.
 */
import type { RateLimitFeedback } from './rate-limit.ts';

/** How a reset header counts. `auto` tells them apart by size: see resetDelayMs. */
export type ResetUnit = 'epoch-seconds' | 'epoch-ms' | 'seconds-until' | 'http-date' | 'auto';

export interface RateLimitHeaderSpec {
  /** Header names, any case. */
  limit?: string;
  remaining?: string;
  reset?: string;
  /** How `reset` counts; default `auto`. */
  resetUnit?: ResetUnit;
  /**
   * `fixed`: the vendor counts in intervals and `reset` is when the next one starts (the whole
   * quota returns then). `rolling`: requests age out one by one; `reset`, if sent, is when the
   * next slot frees. Either way "Remaining: 0" holds the integration until `reset`.
   */
  window: 'fixed' | 'rolling';
  /**
   * The vendor's window, where documented. A 429 that carries the vendor's rate-limit headers but
   * neither Retry-After nor a reset waits this long (for a fixed window, the longest it can take).
   */
  windowMs?: number;
  /** More headers whose presence marks an answer of the vendor's limiter (SmartRecruiters' concurrency ones). */
  alsoSignals?: string[];
}

/** Milliseconds from `now` until the instant (or after the delay) a reset header names. */
export function resetDelayMs(raw: string | undefined, unit: ResetUnit = 'auto', now = Date.now()): number | undefined {
  const v = raw?.trim();
  if (!v) return undefined;
  const numeric = /^\d+(\.\d+)?$/.test(v) ? Number(v) : undefined;
  switch (unit) {
    case 'epoch-seconds':
      return numeric && numeric > 0 ? Math.max(0, Math.ceil(numeric * 1000 - now)) : undefined;
    case 'epoch-ms':
      return numeric && numeric > 0 ? Math.max(0, Math.ceil(numeric - now)) : undefined;
    case 'seconds-until':
      return numeric !== undefined ? Math.round(numeric * 1000) : undefined;
    case 'http-date':
      return dateDelay(v, now);
    case 'auto':
      // No delay is a billion seconds long, and no epoch in seconds reaches 1e12 before the year 33658.
      if (numeric === undefined) return dateDelay(v, now);
      if (numeric > 1e12) return Math.max(0, Math.ceil(numeric - now));
      if (numeric > 1e9) return Math.max(0, Math.ceil(numeric * 1000 - now));
      return Math.ceil(numeric * 1000);
  }
}

function dateDelay(v: string, now: number): number | undefined {
  const at = Date.parse(v);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** Retry-After as seconds or an HTTP date (RFC 9110 §10.2.3). */
export function retryAfterMs(headers: Record<string, string>, now = Date.now()): number | undefined {
  const v = headers['retry-after']?.trim();
  if (!v) return undefined;
  if (/^\d+(\.\d+)?$/.test(v)) return Math.round(Number(v) * 1000);
  return dateDelay(v, now);
}

const get = (headers: Record<string, string>, name: string | undefined) => (name ? headers[name.toLowerCase()] : undefined);

/**
 * How long a 429 says to wait when it has no Retry-After: the reset header, else, when the answer
 * carries any of the vendor's rate-limit headers, the documented window.
 */
export function waitAfterRateLimit(headers: Record<string, string>, spec: RateLimitHeaderSpec): number | undefined {
  const reset = resetDelayMs(get(headers, spec.reset), spec.resetUnit);
  if (reset !== undefined) return reset;
  const signalled = [spec.limit, spec.remaining, spec.reset, ...(spec.alsoSignals ?? [])].some((h) => get(headers, h) !== undefined);
  return signalled ? spec.windowMs : undefined;
}

/**
 * What a non-429 response teaches the limiter: the vendor's limit; a hold until the reset when
 * nothing remains; in a fixed window, the remainder as a budget until the reset. Without a reset
 * header there is neither: when the vendor does not say how long, our own window (which the
 * configured limit keeps under the vendor's) decides.
 */
export function feedbackFrom(headers: Record<string, string>, spec: RateLimitHeaderSpec): RateLimitFeedback | null {
  const out: RateLimitFeedback = {};
  const limit = wholeNumber(get(headers, spec.limit));
  if (limit !== undefined && limit > 0) out.limit = limit;
  const remaining = wholeNumber(get(headers, spec.remaining));
  const reset = remaining === undefined ? undefined : resetDelayMs(get(headers, spec.reset), spec.resetUnit);
  if (remaining === 0 && reset !== undefined && reset > 0) out.holdMs = reset;
  // In a fixed window the remainder is the vendor's exact count until the reset.
  if (remaining !== undefined && remaining > 0 && reset !== undefined && reset > 0 && spec.window === 'fixed')
    out.budget = { left: remaining, forMs: reset };
  return out.limit !== undefined || out.holdMs !== undefined || out.budget !== undefined ? out : null;
}

function wholeNumber(v: string | undefined): number | undefined {
  return v !== undefined && /^\s*\d+\s*$/.test(v) ? Number(v) : undefined;
}
