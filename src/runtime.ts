/**
 * The process-wide services, built once at start and handed to routes, the sync and the CLI:
 * configuration, database, encryption, rate limiter, and how to build a connector's context
 * for one integration.
 */
import type { Config } from './config.ts';
import type { Db } from './store/db.ts';
import { SecretBox } from './crypto/secretbox.ts';
import { UrlSigner } from './crypto/signed-url.ts';
import { SlidingWindowLimiter, type RateLimiter } from './http/rate-limit.ts';
import { HttpClient, type CallRecorder } from './http/client.ts';
import { getConnector } from './connectors/registry.ts';
import type { AnyConnector, ConnectorContext } from './connectors/types.ts';
import { openCredentials, type IntegrationWithSecrets } from './store/integrations.ts';
import { AtsgateError } from './errors.ts';
import { InProcessQueue, type JobQueue } from './jobs/queue.ts';

export interface Runtime {
  config: Config;
  db: Db;
  box: SecretBox;
  signer: UrlSigner;
  limiter: RateLimiter;
  /** Per-integration connector caches (OAuth tokens). */
  caches: Map<string, Map<string, unknown>>;
  /** Background work (outbox deliveries, webhooks, syncs). */
  jobs: JobQueue;
  /** Where this server is reachable, for log_url and signed file URLs. */
  publicUrl(): string;
}

export function createRuntime(config: Config, db: Db, opts: { publicUrl?: () => string } = {}): Runtime {
  const box = config.secret ? SecretBox.fromString(config.secret) : SecretBox.fromDataDir(config.dataDir);
  return {
    config,
    db,
    box,
    signer: new UrlSigner(box.deriveKey('file-urls')),
    limiter: new SlidingWindowLimiter(),
    caches: new Map(),
    jobs: new InProcessQueue(),
    publicUrl: opts.publicUrl ?? (() => config.publicUrl ?? `http://${config.host}:${config.port}`),
  };
}

export const FILE_URL_TTL_MS = 60 * 60 * 1000;

export function connectorFor(tool: string): AnyConnector {
  const c = getConnector(tool);
  if (!c) throw new AtsgateError('PLATFORM.UNKNOWN_ERROR', `No connector is installed for the tool "${tool}".`);
  return c;
}

/** The context a connector operation runs with, for one integration. */
export function contextFor(
  rt: Runtime,
  integration: IntegrationWithSecrets,
  opts: { recorder?: CallRecorder; credentials?: Record<string, unknown>; signal?: AbortSignal } = {},
): { connector: AnyConnector; ctx: ConnectorContext<any> } {
  const connector = connectorFor(integration.tool);
  const def = connector.definition;
  let cache = rt.caches.get(integration.id);
  if (!cache) rt.caches.set(integration.id, (cache = new Map()));
  const baseUrl = (integration.config.base_url as string | undefined) ?? def.defaultBaseUrl;
  const ctx: ConnectorContext<any> = {
    integrationId: integration.id,
    credentials: opts.credentials ?? openCredentials(rt.box, integration),
    baseUrl,
    cache,
    localStore: rt.db,
    signal: opts.signal,
    signedFileUrl: (ref) =>
      `${rt.publicUrl()}/v1/files/${rt.signer.sign({ integrationId: integration.id, ref, expiresAt: Date.now() + FILE_URL_TTL_MS })}`,
    http: (o) =>
      new HttpClient({
        ...o,
        tool: def.label,
        baseUrl: o.baseUrl ?? baseUrl,
        rateLimit: def.rateLimit,
        limiterKey: integration.id,
        limiter: rt.limiter,
        recorder: opts.recorder,
        signal: opts.signal,
      }),
  };
  return { connector, ctx };
}
