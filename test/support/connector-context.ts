/**
 * Builds the ConnectorContext a connector gets in production, for connector-level tests:
 * the real shared HttpClient (rate limiter, retries, error mapping), pointed at a fake.
 */
import { randomUUID } from 'node:crypto';
import type { OutboundCall } from '../../src/http/client.ts';
import { vendorHttpClient } from '../../src/connectors/helpers/vendor-http.ts';
import { SlidingWindowLimiter } from '../../src/http/rate-limit.ts';
import type { AnyConnector, ConnectorContext } from '../../src/connectors/types.ts';

/**
 * `rateLimit` replaces the definition's ceiling, for tests whose fake compresses the vendor's
 * window (a 30 s window served as 1 s): the client must count in the same window as the fake.
 */
export function connectorContext(
  connector: AnyConnector,
  credentials: Record<string, unknown>,
  baseUrl: string,
  overrides: { rateLimit?: { requests: number; perMs: number } } = {},
) {
  const calls: OutboundCall[] = [];
  /** What ctx.publishFile stored, by ref, so a test can serve it the way atsgate's file route does. */
  const published = new Map<string, { data: Buffer; content_type: string; file_name: string }>();
  const limiter = new SlidingWindowLimiter();
  const def = connector.definition;
  const ctx: ConnectorContext<any> = {
    integrationId: `${def.id}:test`,
    credentials,
    baseUrl,
    cache: new Map(),
    signedFileUrl: (ref) => `http://atsgate.test/v1/files/${encodeURIComponent(ref)}`,
    async publishFile(file) {
      const ref = `published:${randomUUID()}`;
      published.set(ref, file);
      return ctx.signedFileUrl(ref);
    },
    http: (opts) =>
      vendorHttpClient(def, { credentials: ctx.credentials, baseUrl: ctx.baseUrl }, opts, {
        rateLimit: overrides.rateLimit ?? def.rateLimit,
        limiterKey: `${def.id}:test`,
        limiter,
        recorder: { record: (c) => calls.push(c) },
        retry: { baseDelayMs: 5 },
      }),
  };
  return { ctx, calls, published };
}

/** Drains a page stream into one array. */
export async function collect<T>(pages: AsyncIterable<T[]>): Promise<T[]> {
  const out: T[] = [];
  for await (const p of pages) out.push(...p);
  return out;
}
