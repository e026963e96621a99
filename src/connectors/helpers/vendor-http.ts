/**
 * What ctx.http() does, in one place for the runtime (src/runtime.ts) and the connector test
 * context: the connector's transport (its definition) plus what the connector passed, plus the
 * integration's shared limiter, recorder and signal, make one HttpClient.
 */
import { HttpClient, type HttpClientOptions } from '../../http/client.ts';
import { transportClientOptions } from '../../http/transport.ts';
import type { ConnectorDefinition, VendorHttpOptions } from '../types.ts';

export type SharedClientOptions = Pick<HttpClientOptions, 'rateLimit' | 'limiterKey' | 'limiter' | 'recorder' | 'signal' | 'retry'>;

export function vendorHttpClient(
  def: ConnectorDefinition,
  integration: { credentials: Record<string, unknown>; baseUrl: string },
  opts: VendorHttpOptions,
  shared: SharedClientOptions,
): HttpClient {
  const { token, transport: useTransport, baseUrl: explicitBase, headers: extraHeaders, retry, ...rest } = opts;
  const fromTransport =
    useTransport === false
      ? { baseUrl: integration.baseUrl }
      : transportClientOptions(def.transport, {
          label: def.label,
          credentials: integration.credentials,
          baseUrl: integration.baseUrl,
          defaultBaseUrl: def.defaultBaseUrl,
          token,
        });
  const baseUrl = explicitBase ?? fromTransport.baseUrl;
  // The vendor's rate-limit headers are read only from its API's own origin: a token endpoint on
  // another host (Greenhouse's auth.greenhouse.io) counts in a window of its own.
  const sameApi = !explicitBase || new URL(explicitBase).origin === new URL(fromTransport.baseUrl).origin;
  const transportHeaders = fromTransport.headers;
  return new HttpClient({
    ...fromTransport,
    rateLimitHeaders: sameApi ? fromTransport.rateLimitHeaders : undefined,
    ...rest,
    headers:
      transportHeaders && extraHeaders
        ? async () => ({ ...(await transportHeaders()), ...(await extraHeaders()) })
        : (extraHeaders ?? transportHeaders),
    errorMessage: rest.errorMessage ?? fromTransport.errorMessage,
    tool: def.label,
    baseUrl,
    ...shared,
    retry: { ...shared.retry, ...retry },
  });
}
