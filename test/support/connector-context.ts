/**
 * Builds the ConnectorContext a connector gets in production, for connector-level tests:
 * the real shared HttpClient (rate limiter, retries, error mapping), pointed at a fake.
 */
import { HttpClient, type OutboundCall } from '../../src/http/client.ts';
import { SlidingWindowLimiter } from '../../src/http/rate-limit.ts';
import type { AnyConnector, ConnectorContext } from '../../src/connectors/types.ts';

export function connectorContext(connector: AnyConnector, credentials: Record<string, unknown>, baseUrl: string) {
  const calls: OutboundCall[] = [];
  const limiter = new SlidingWindowLimiter();
  const def = connector.definition;
  const ctx: ConnectorContext<any> = {
    integrationId: `${def.id}:test`,
    credentials,
    baseUrl,
    cache: new Map(),
    signedFileUrl: (ref) => `http://atsgate.test/v1/files/${encodeURIComponent(ref)}`,
    http: (opts) =>
      new HttpClient({
        ...opts,
        tool: def.label,
        baseUrl: opts.baseUrl ?? baseUrl,
        rateLimit: def.rateLimit,
        limiterKey: `${def.id}:test`,
        limiter,
        recorder: { record: (c) => calls.push(c) },
        retry: { baseDelayMs: 5, ...opts.retry },
      }),
  };
  return { ctx, calls };
}

/** Drains a page stream into one array. */
export async function collect<T>(pages: AsyncIterable<T[]>): Promise<T[]> {
  const out: T[] = [];
  for await (const p of pages) out.push(...p);
  return out;
}
