/**
 * The process-wide services, built once at start and handed to routes, the sync and the CLI:
 * configuration, database, encryption, rate limiter, and how to build a connector's context
 * for one integration.
 */
import type { Config } from './config.ts';
import type { Db } from './store/db.ts';
import { SecretBox } from './crypto/secretbox.ts';
import { UrlSigner } from './crypto/signed-url.ts';
import { SlidingWindowLimiter, type RateLimiter, type RateLimitSpec } from './http/rate-limit.ts';
import type { CallRecorder } from './http/client.ts';
import { vendorHttpClient } from './connectors/helpers/vendor-http.ts';
import { getConnector } from './connectors/registry.ts';
import type { AnyConnector, ConnectorContext } from './connectors/types.ts';
import { openCredentials, type IntegrationWithSecrets } from './store/integrations.ts';
import { AtsgateError } from './errors.ts';
import { randomId } from './ids.ts';
import { insertPublishedFile } from './store/published-files.ts';
import { InProcessQueue, type JobQueue } from './jobs/queue.ts';
import { GraphileQueue } from './jobs/graphile.ts';
import { PostgresRateLimiter } from './http/rate-limit-pg.ts';
import { ReadBackQueue } from './writes/read-back.ts';
import { DatabaseWindows, InMemoryWindows, InboundRateLimiter } from './limits/inbound.ts';
import { DatabaseWriteSlots, InProcessWriteSlots, type WriteSlots } from './writes/in-flight.ts';

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
  /** Candidates re-read after writes, in the background (src/writes/read-back.ts). */
  readBacks: ReadBackQueue;
  /** Inbound per-account and per-integration request limits (src/limits/inbound.ts). */
  inboundLimiter: InboundRateLimiter;
  /** Actions (writes, asynchronous deliveries) in flight per integration, and their cap, for the deployment (src/writes/in-flight.ts). */
  writesInFlight: WriteSlots;
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
    // On PostgreSQL several processes may serve one deployment: the vendor limits and the job
    // queue are shared through the database. The embedded database is one process only.
    limiter: db.kind === 'postgres' ? new PostgresRateLimiter(db) : new SlidingWindowLimiter(),
    caches: new Map(),
    jobs:
      db.kind === 'postgres' && config.databaseUrl
        ? new GraphileQueue({
            connectionString: config.databaseUrl,
            concurrency: config.jobConcurrency,
            log:
              config.logLevel === 'silent' ? undefined : (level, msg) => console.error(JSON.stringify({ level, component: 'jobs', msg })),
          })
        : new InProcessQueue(),
    readBacks: new ReadBackQueue(),
    inboundLimiter: new InboundRateLimiter(
      {
        perAccount: config.rateLimitPerAccount,
        perIntegration: config.rateLimitPerIntegration,
        windowSeconds: config.rateLimitWindowSeconds,
      },
      db.kind === 'postgres' ? new DatabaseWindows(db.relaxed) : new InMemoryWindows(),
    ),
    writesInFlight: db.kind === 'postgres' ? new DatabaseWriteSlots(db.relaxed, config.writeSlotLeaseSeconds) : new InProcessWriteSlots(),
    publicUrl: opts.publicUrl ?? (() => config.publicUrl ?? `http://${config.host}:${config.port}`),
  };
}

export const FILE_URL_TTL_MS = 60 * 60 * 1000;
/** Signed-file refs for files atsgate itself publishes (ctx.publishFile), not the connector's. */
export const PUBLISHED_REF = 'published:';

/**
 * BENCHMARKS ONLY (bench/run.ts): ATSGATE_RATE_LIMIT_OVERRIDE="<requests>/<ms>" replaces every
 * connector's vendor rate limit, so the write path can be measured against a fake ATS that has
 * none. Never set it in production: vendors would answer 429 or suspend the customer's key.
 */
const RATE_LIMIT_OVERRIDE = ((raw) => {
  const m = raw ? /^(\d+)\/(\d+)$/.exec(raw.trim()) : null;
  return m ? { requests: Number(m[1]), perMs: Number(m[2]) } : null;
})(process.env.ATSGATE_RATE_LIMIT_OVERRIDE);

function rateLimitFor(spec: RateLimitSpec | undefined): RateLimitSpec | undefined {
  return RATE_LIMIT_OVERRIDE ?? spec;
}

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
    credentials: opts.credentials ?? cachedCredentials(rt, cache, integration),
    baseUrl,
    cache,
    localStore: rt.db,
    signal: opts.signal,
    signedFileUrl: (ref) =>
      `${rt.publicUrl()}/v1/files/${rt.signer.sign({ integrationId: integration.id, ref, expiresAt: Date.now() + FILE_URL_TTL_MS })}`,
    async publishFile(file, ttlMs) {
      const id = randomId();
      const expiresAt = new Date(Date.now() + ttlMs);
      await insertPublishedFile(rt.db, {
        id,
        integrationId: integration.id,
        sealed: rt.box.sealBytes(file.data),
        contentType: file.content_type,
        fileName: file.file_name,
        expiresAt,
      });
      return `${rt.publicUrl()}/v1/files/${rt.signer.sign({ integrationId: integration.id, ref: `${PUBLISHED_REF}${id}`, expiresAt: expiresAt.getTime() })}`;
    },
    http: (o) =>
      vendorHttpClient(def, { credentials: ctx.credentials, baseUrl }, o, {
        rateLimit: rateLimitFor(def.rateLimit),
        limiterKey: integration.id,
        limiter: rt.limiter,
        recorder: opts.recorder,
        signal: opts.signal,
      }),
  };
  return { connector, ctx };
}

/**
 * The integration's credentials, decrypted once per sealed value and kept (frozen) in the
 * integration's cache: every write and read builds a context, and AES-GCM plus JSON parsing
 * on each showed in the write path's profile. Relinking seals new credentials, a new value.
 */
function cachedCredentials(rt: Runtime, cache: Map<string, unknown>, integration: IntegrationWithSecrets): Record<string, unknown> {
  const hit = cache.get(CREDENTIALS) as { sealed: string; credentials: Record<string, unknown> } | undefined;
  if (hit?.sealed === integration.credentials_sealed) return hit.credentials;
  const credentials = Object.freeze(openCredentials(rt.box, integration));
  cache.set(CREDENTIALS, { sealed: integration.credentials_sealed, credentials });
  return credentials;
}
const CREDENTIALS = '\u0000atsgate:credentials';
