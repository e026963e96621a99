/**
 * The one outbound HTTP client every connector uses. It owns the behaviour that must be the
 * same everywhere: auth headers, client-side rate limiting that adapts to the vendor's
 * rate-limit headers, bounded retries (429 per Retry-After; 5xx/timeouts only for idempotent
 * calls), redirects that never carry credentials to another origin, mapping vendor failures to
 * Kombo error codes, and recording each call (redacted) for the interaction log. What differs
 * per vendor comes from the connector's transport (src/http/transport.ts).
 */
import { Agent, FormData, type Dispatcher } from 'undici';
import { AtsgateError } from '../errors.ts';
import { redact, redactUrl } from '../logs/redact.ts';
import { sleep, type RateLimiter, type RateLimitSpec } from './rate-limit.ts';
import { feedbackFrom, retryAfterMs, waitAfterRateLimit, type RateLimitHeaderSpec } from './rate-limit-headers.ts';

/** Header names that carry credentials and must never follow a redirect to another origin. */
export const ALWAYS_CREDENTIAL_HEADERS = ['authorization', 'proxy-authorization', 'cookie'] as const;

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
type QueryValue = string | number | boolean | null | undefined | (string | number)[];

export interface HttpRequest {
  method: HttpMethod;
  /** Relative to the client's base URL, or absolute. */
  path: string;
  query?: Record<string, QueryValue>;
  headers?: Record<string, string>;
  /** Serialised as JSON; sent as application/json unless `contentType` says otherwise. */
  json?: unknown;
  /** Media type of a `json` body, e.g. JSON:API's application/vnd.api+json. */
  contentType?: string;
  /** Raw body; a FormData is sent as multipart/form-data. */
  body?: Buffer | string | FormData;
  /** Safe to repeat after a 5xx or timeout. Defaults to true for GET/PUT/DELETE. */
  idempotent?: boolean;
  /** Names the record a 404 is about: "candidate 123". */
  notFound?: string;
  /** Statuses the caller handles itself; no error is thrown for them. */
  accept?: number[];
  /** Keep the request body out of the interaction log (file uploads). */
  redactBody?: boolean;
  /** 'buffer': return the body as raw bytes (file downloads); default parses JSON or text. */
  responseType?: 'buffer';
  /**
   * Return the vendor's error response instead of throwing (passthrough): after the retries a
   * 429 or 5xx gets, and after a 401's token refresh, the last answer is handed back as it is.
   */
  returnErrorResponse?: boolean;
  /**
   * false: a redirect is returned as it is, not followed (an OAuth authorize step whose
   * Location carries the code and points at the partner's redirect URI).
   */
  followRedirects?: false;
}

export interface HttpResponse<T = any> {
  status: number;
  headers: Record<string, string>;
  /** Parsed JSON when the response is JSON, else the text. */
  data: T;
  url: string;
}

export interface OutboundCall {
  method: string;
  url: string;
  status: number | null;
  duration_ms: number;
  attempt: number;
  error?: string;
  request_body?: unknown;
  response_body?: unknown;
}

export interface CallRecorder {
  record(call: OutboundCall): void;
}

/** Process-wide observers of every outbound attempt (src/metrics); they must not throw. */
export const callObservers = new Set<(call: OutboundCall, tool: string) => void>();

export interface RetryPolicy {
  /** Attempts in all, the first included. */
  maxAttempts: number;
  /** First backoff for 5xx/timeouts; doubles each time, with jitter. */
  baseDelayMs: number;
  /** Longest single wait we accept (Retry-After beyond it fails fast). */
  maxDelayMs: number;
  /** Longest total time spent waiting across retries. */
  budgetMs: number;
}

export interface HttpClientOptions {
  /** Tool label for messages: "Greenhouse". */
  tool: string;
  baseUrl: string;
  /** Auth and vendor headers, computed per request (tokens may refresh). */
  headers?: () => Promise<Record<string, string>> | Record<string, string>;
  /** Called on a 401; return true after refreshing credentials to retry once. */
  onUnauthorized?: () => Promise<boolean>;
  /** Pulls the vendor's human message out of an error body (or, for some vendors, a header). */
  errorMessage?: (status: number, body: any, headers: Record<string, string>) => string | undefined;
  /** Extra wait hint from vendor headers when there is no Retry-After (ms). */
  rateLimitResetMs?: (headers: Record<string, string>) => number | undefined;
  /**
   * The vendor's rate-limit headers: each response teaches the limiter (a lower limit, a hold
   * while nothing remains), and a 429 without Retry-After waits for their reset.
   */
  rateLimitHeaders?: RateLimitHeaderSpec;
  /**
   * Header names (lower case) that carry credentials besides Authorization, Proxy-Authorization
   * and Cookie: dropped when a redirect leads to another origin.
   */
  credentialHeaders?: string[];
  rateLimit?: RateLimitSpec;
  limiterKey?: string;
  limiter?: RateLimiter;
  recorder?: CallRecorder;
  timeoutMs?: number;
  retry?: Partial<RetryPolicy>;
  signal?: AbortSignal;
}

export const DEFAULT_RETRY: RetryPolicy = {
  maxAttempts: Number(process.env.ATSGATE_RETRY_MAX_ATTEMPTS ?? 4),
  baseDelayMs: Number(process.env.ATSGATE_RETRY_BASE_MS ?? 300),
  maxDelayMs: Number(process.env.ATSGATE_RETRY_MAX_DELAY_MS ?? 30_000),
  budgetMs: Number(process.env.ATSGATE_RETRY_BUDGET_MS ?? 60_000),
};

/**
 * Outbound connections: keep-alive pool shared by all clients. undici's request() rather than
 * its fetch(): the same connections for a fraction of the per-call work (no WHATWG Request,
 * Response and stream objects), which showed up in the write path's CPU profile. Redirects are
 * followed here (followRedirects), not by undici's redirect interceptor: that one drops only
 * Authorization, Cookie and Proxy-Authorization on a change of origin, so a vendor key sent as
 * X-SmartToken or X-Api-Key would reach whatever host a redirect names.
 */
const agent: Dispatcher = new Agent({ keepAliveTimeout: 10_000, connections: 64 });
const MAX_REDIRECTS = 5;
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

class RetryableFailure extends Error {
  constructor(
    readonly final: AtsgateError,
    readonly waitMs: number | null,
    readonly res?: HttpResponse,
  ) {
    super(final.message);
  }
}

export class HttpClient {
  private readonly retry: RetryPolicy;

  constructor(private readonly opts: HttpClientOptions) {
    this.retry = { ...DEFAULT_RETRY, ...opts.retry };
  }

  get baseUrl(): string {
    return this.opts.baseUrl;
  }

  private credentialHeaders(): Set<string> {
    return new Set([...ALWAYS_CREDENTIAL_HEADERS, ...(this.opts.credentialHeaders ?? []).map((h) => h.toLowerCase())]);
  }

  async request<T = any>(req: HttpRequest): Promise<HttpResponse<T>> {
    const url = this.buildUrl(req);
    const idempotent = req.idempotent ?? (req.method === 'GET' || req.method === 'PUT' || req.method === 'DELETE');
    let waited = 0;
    let refreshedAuth = false;
    for (let attempt = 1; ; attempt++) {
      if (this.opts.rateLimit && this.opts.limiter) {
        await this.opts.limiter.acquire(this.opts.limiterKey ?? this.opts.baseUrl, this.opts.rateLimit, this.opts.signal);
      }
      try {
        const res = await this.send<T>(req, url, attempt, idempotent);
        await this.learn(res);
        if (res.status === 401 && !refreshedAuth && this.opts.onUnauthorized && !req.accept?.includes(401)) {
          refreshedAuth = true;
          if (await this.opts.onUnauthorized()) continue;
        }
        if (res.status < 400 || req.accept?.includes(res.status)) return res;
        const failure = this.classify(res, req, idempotent);
        if (req.returnErrorResponse && !(failure instanceof RetryableFailure)) return res;
        throw failure;
      } catch (err) {
        if (!(err instanceof RetryableFailure)) throw err;
        const wait = err.waitMs ?? backoff(this.retry.baseDelayMs, attempt);
        const outOfAttempts = attempt >= this.retry.maxAttempts;
        if (outOfAttempts || wait > this.retry.maxDelayMs || waited + wait > this.retry.budgetMs) {
          if (req.returnErrorResponse && err.res) return err.res;
          throw err.final;
        }
        waited += wait;
        await sleep(wait, this.opts.signal);
      }
    }
  }

  /**
   * Tells the limiter what the vendor said: its limit, "nothing remains until the reset", or a
   * 429's wait, which then holds every request of the integration, not only the one refused.
   */
  private async learn(res: HttpResponse): Promise<void> {
    const limiter = this.opts.limiter;
    if (!limiter?.observe || !this.opts.rateLimit) return;
    const key = this.opts.limiterKey ?? this.opts.baseUrl;
    const spec = this.opts.rateLimitHeaders;
    const feedback = (spec && feedbackFrom(res.headers, spec)) || {};
    if (res.status === 429) {
      const wait = this.rateLimitWait(res.headers);
      if (wait !== undefined && wait > 0) feedback.holdMs = Math.max(feedback.holdMs ?? 0, wait);
    }
    // A remainder of at least our own per-window limit does not bind yet (the vendor's answers
    // report it again, lower, before it could): passing on only smaller ones spares the shared
    // limiter a database write on most responses.
    if (feedback.budget && feedback.budget.left >= this.opts.rateLimit.requests) delete feedback.budget;
    // A wait longer than we would ever retry after fails the call instead (classify); holding
    // the whole integration that long would only stall its other calls.
    if (feedback.holdMs !== undefined) feedback.holdMs = Math.min(feedback.holdMs, this.retry.maxDelayMs);
    if (feedback.limit === undefined && feedback.holdMs === undefined && feedback.budget === undefined) return;
    try {
      await limiter.observe(key, feedback);
    } catch {
      // Learning is an optimisation: a failed write to a shared limiter must not fail the call.
    }
  }

  /** A 429's wait: Retry-After, else what the connector or its rate-limit headers say. */
  private rateLimitWait(headers: Record<string, string>): number | undefined {
    return (
      retryAfterMs(headers) ??
      this.opts.rateLimitResetMs?.(headers) ??
      (this.opts.rateLimitHeaders ? waitAfterRateLimit(headers, this.opts.rateLimitHeaders) : undefined)
    );
  }

  private buildUrl(req: HttpRequest): string {
    const base = this.opts.baseUrl.endsWith('/') ? this.opts.baseUrl : this.opts.baseUrl + '/';
    const url = /^https?:\/\//.test(req.path) ? new URL(req.path) : new URL(req.path.replace(/^\//, ''), base);
    for (const [k, v] of Object.entries(req.query ?? {})) {
      if (v === undefined || v === null) continue;
      url.searchParams.set(k, Array.isArray(v) ? v.join(',') : String(v));
    }
    return url.toString();
  }

  private async send<T>(req: HttpRequest, url: string, attempt: number, idempotent: boolean): Promise<HttpResponse<T>> {
    const headers: Record<string, string> = { accept: 'application/json', ...(await this.opts.headers?.()), ...req.headers };
    let body: string | Buffer | FormData | undefined;
    if (req.json !== undefined) {
      headers['content-type'] = req.contentType ?? 'application/json';
      body = JSON.stringify(req.json);
    } else if (req.body !== undefined) {
      body = req.body;
    }
    const started = performance.now();
    const call: OutboundCall = { method: req.method, url: redactUrl(url), status: null, duration_ms: 0, attempt };
    if (req.json !== undefined) call.request_body = req.redactBody ? '[redacted]' : redact(req.json);
    else if (req.body !== undefined)
      call.request_body = `[${req.body instanceof FormData ? 'multipart form' : 'raw body'}${req.redactBody ? ', redacted' : ''}]`;
    const timeout = AbortSignal.timeout(this.opts.timeoutMs ?? 30_000);
    const signal = this.opts.signal ? AbortSignal.any([timeout, this.opts.signal]) : timeout;
    try {
      const res = await followRedirects(
        { url, method: req.method, headers, body, signal, maxRedirects: req.followRedirects === false ? 0 : MAX_REDIRECTS },
        this.credentialHeaders(),
      );
      const status = res.statusCode;
      const resHeaders: Record<string, string> = {};
      for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) resHeaders[k] = Array.isArray(v) ? v.join(', ') : v;
      if (req.responseType === 'buffer' && status < 400) {
        call.status = status;
        return { status, headers: resHeaders, data: Buffer.from(await res.body.arrayBuffer()) as any, url };
      }
      const text = await res.body.text();
      const isJson = /json/i.test(resHeaders['content-type'] ?? '');
      let data: any = text;
      if (isJson && text.length > 0) {
        try {
          data = JSON.parse(text);
        } catch {
          data = text;
        }
      }
      call.status = status;
      if (status >= 400) call.response_body = redact(data);
      return { status, headers: resHeaders, data, url };
    } catch (err) {
      call.error = describeNetworkError(err);
      if (this.opts.signal?.aborted) throw err;
      // A refused connection never reached the vendor, so even a POST may be retried.
      const neverSent = /ECONNREFUSED|ENOTFOUND|EAI_AGAIN/.test(call.error);
      const final = new AtsgateError('REMOTE.SERVICE_UNAVAILABLE', `${this.opts.tool} could not be reached: ${call.error}.`, {
        cause: err,
      });
      if (idempotent || neverSent) throw new RetryableFailure(final, null);
      throw final;
    } finally {
      call.duration_ms = Math.round(performance.now() - started);
      this.opts.recorder?.record(call);
      for (const observe of callObservers) observe(call, this.opts.tool);
    }
  }

  /** Turns a vendor error response into the Kombo error (wrapped when a retry may help). */
  private classify(res: HttpResponse, req: HttpRequest, idempotent: boolean): Error {
    const vendorMsg = this.opts.errorMessage?.(res.status, res.data, res.headers) ?? genericMessage(res.data);
    const detail = vendorMsg ? `: ${vendorMsg}` : '.';
    const tool = this.opts.tool;
    switch (true) {
      case res.status === 401:
        return new AtsgateError('INTEGRATION.AUTHENTICATION_INVALID', `${tool} rejected the integration's credentials (HTTP 401)${detail}`);
      case res.status === 403:
        return new AtsgateError('INTEGRATION.PERMISSION_MISSING', `${tool} refused the request for lack of permission (HTTP 403)${detail}`);
      case res.status === 404 && !!req.notFound:
        return new AtsgateError('PLATFORM.INPUT_INVALID', `${req.notFound} was not found in ${tool}${detail}`, { status: 404 });
      case res.status === 429: {
        const wait = this.rateLimitWait(res.headers) ?? null;
        const final = new AtsgateError(
          'REMOTE.RATE_LIMIT_EXCEEDED',
          `${tool}'s rate limit was exceeded and retrying did not help${detail}`,
          {
            headers: wait !== null ? { 'retry-after': String(Math.ceil(wait / 1000)) } : {},
          },
        );
        // A 429 means the request was not processed, so it is safe to repeat even for a POST.
        return new RetryableFailure(final, wait, res);
      }
      case res.status === 400 || res.status === 409 || res.status === 422 || res.status === 404 || res.status === 413 || res.status === 415:
        return new AtsgateError('REMOTE.INPUT_INVALID', `${tool} rejected the request (HTTP ${res.status})${detail}`);
      case res.status >= 500: {
        const final = new AtsgateError('REMOTE.SERVICE_UNAVAILABLE', `${tool} failed with HTTP ${res.status}${detail}`);
        return idempotent ? new RetryableFailure(final, retryAfterMs(res.headers) ?? null, res) : final;
      }
      default:
        return new AtsgateError('REMOTE.UNKNOWN_HTTP_ERROR', `${tool} answered HTTP ${res.status}${detail}`);
    }
  }
}

interface Outgoing {
  url: string;
  method: string;
  headers: Record<string, string>;
  body: string | Buffer | FormData | undefined;
  signal: AbortSignal;
  maxRedirects: number;
}

/**
 * Sends a request and follows up to MAX_REDIRECTS redirects the way fetch does (303, and 301/302
 * after a POST, become a GET without body), except that a hop to another origin (scheme, host or
 * port) loses every credential header: Authorization, Proxy-Authorization, Cookie and the ones
 * the connector's transport declares. A same-origin hop keeps them.
 */
async function followRedirects(first: Outgoing, credentialHeaders: Set<string>): Promise<Dispatcher.ResponseData> {
  let { url, method, headers, body } = first;
  const origin = new URL(url).origin;
  for (let hop = 0; ; hop++) {
    const target = new URL(url);
    const res = await agent.request({
      origin: target.origin,
      path: target.pathname + target.search,
      method,
      headers,
      body,
      signal: first.signal,
    });
    const location = res.headers.location;
    if (!REDIRECT_STATUSES.has(res.statusCode) || typeof location !== 'string' || hop >= first.maxRedirects) return res;
    await res.body.dump();
    const next = new URL(location, url);
    if (next.protocol !== 'http:' && next.protocol !== 'https:') return res;
    if (res.statusCode === 303 || ((res.statusCode === 301 || res.statusCode === 302) && method === 'POST')) {
      method = 'GET';
      body = undefined;
      headers = withoutHeaders(headers, (h) => h === 'content-type' || h === 'content-length');
    }
    // Compared with the first request's origin: a detour through another host does not earn the
    // credentials back on the way home.
    if (next.origin !== origin) headers = withoutHeaders(headers, (h) => credentialHeaders.has(h));
    url = next.toString();
  }
}

function withoutHeaders(headers: Record<string, string>, drop: (lowerName: string) => boolean): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).filter(([k]) => !drop(k.toLowerCase())));
}

function backoff(baseMs: number, attempt: number): number {
  const exp = baseMs * 2 ** (attempt - 1);
  return Math.round(exp / 2 + Math.random() * (exp / 2));
}

function genericMessage(body: any): string | undefined {
  if (typeof body === 'string') return body.trim().slice(0, 300) || undefined;
  if (!body || typeof body !== 'object') return undefined;
  const m =
    body.message ?? body.error_description ?? body.error?.message ?? body.error ?? body.errors?.[0]?.detail ?? body.errors?.[0]?.message;
  return typeof m === 'string' ? m.slice(0, 500) : m ? JSON.stringify(m).slice(0, 500) : undefined;
}

function describeNetworkError(err: unknown): string {
  const e = err as { name?: string; code?: string; message?: string; cause?: { code?: string; message?: string } };
  if (e?.name === 'TimeoutError') return 'timed out';
  return e?.cause?.code ?? e?.code ?? e?.cause?.message ?? e?.message ?? String(err);
}

export { FormData };
