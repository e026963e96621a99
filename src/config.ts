/**
 * Configuration from the environment, validated once at start with one clear message per
 * wrong value (a server that starts with a typo in its config fails later and worse).
 */
import { resolve } from 'node:path';

export interface Config {
  port: number;
  host: string;
  dataDir: string;
  databaseUrl: string | null;
  apiKey: string | null;
  secret: string | null;
  /** Public base URL used in log_url and signed file URLs; defaults to http://HOST:PORT. */
  publicUrl: string | null;
  bodyLimitBytes: number;
  attachmentMaxBytes: number;
  downloadTimeoutMs: number;
  /** Allow data_url downloads from loopback/private addresses (tests, on-prem file servers). */
  allowPrivateDownloads: boolean;
  /**
   * Re-read the candidate from the ATS after each write so readers see the change before the
   * next sync (in the background; coalesced per candidate). Off saves the vendor calls that
   * read costs (Lever: 3 per write, against a 10/s budget); changes then show at the next sync.
   */
  readBackAfterWrite: boolean;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** Seed the demo sandbox integration on first start (embedded default with ATSGATE_API_KEY). */
  seedDemo: boolean;
  /** The connect page offers an "API base URL" field (tests, proxies). Off: end users cannot aim the server at arbitrary hosts. */
  connectAllowBaseUrl: boolean;
  /** Minutes between periodic syncs of each integration (delta where the ATS supports it); 0 turns them off. */
  syncIntervalMinutes: number;
  /** Minutes between periodic full syncs (they also catch upstream deletions). */
  fullSyncIntervalMinutes: number;
  /** A running sync that has not shown a heartbeat for this long is taken as dead and re-run. */
  syncLeaseSeconds: number;
  /** Background jobs (syncs) one process runs at once, on the PostgreSQL job engine. */
  jobConcurrency: number;
  /** Bearer token that may read GET /metrics besides API keys (for a Prometheus scraper). */
  metricsToken: string | null;
  /** How long an Idempotency-Key's stored response is replayed (hours). */
  idempotencyTtlHours: number;
  /** How long a process holds a claimed write (idempotency key, outbox row) without renewing it. */
  writeLeaseSeconds: number;
  /** PostgreSQL: how long a slot of the in-flight cap outlives its process (renewed every third of it). */
  writeSlotLeaseSeconds: number;
  /** Where signed webhook notifications of asynchronous writes go (with webhookSecret), or null. */
  webhookUrl: string | null;
  webhookSecret: string | null;
  /** Inbound requests per window an account may make (all its integrations together); 0: no limit. */
  rateLimitPerAccount: number;
  /** Inbound requests per window naming one integration (X-Integration-Id); 0: no limit. */
  rateLimitPerIntegration: number;
  /** Length of the inbound rate-limit windows (fixed, aligned to the epoch), in seconds. */
  rateLimitWindowSeconds: number;
  /**
   * The operator's own OAuth clients per tool (ATSGATE_OAUTH_<TOOL>_CLIENT_ID / _SECRET): the
   * connect page's sign-in then asks the customer for no client of their own.
   */
  oauthClients: Record<string, { clientId: string; clientSecret: string }>;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super('Invalid configuration:\n' + problems.map((p) => `  - ${p}`).join('\n'));
  }
}

type Env = Record<string, string | undefined>;

export function loadConfig(env: Env = process.env): Config {
  const problems: string[] = [];
  const int = (name: string, def: number, min: number, max: number): number => {
    const raw = env[name];
    if (raw === undefined || raw === '') return def;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < min || n > max) {
      problems.push(`${name}="${raw}" must be a whole number from ${min} to ${max}.`);
      return def;
    }
    return n;
  };
  const bool = (name: string, def: boolean): boolean => {
    const raw = env[name];
    if (raw === undefined || raw === '') return def;
    if (/^(1|true|yes|on)$/i.test(raw)) return true;
    if (/^(0|false|no|off)$/i.test(raw)) return false;
    problems.push(`${name}="${raw}" must be true or false.`);
    return def;
  };

  const databaseUrl = env.DATABASE_URL || null;
  if (databaseUrl && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    problems.push('DATABASE_URL must be a postgres:// or postgresql:// URL (leave it unset for the embedded database).');
  }
  const apiKey = env.ATSGATE_API_KEY || null;
  if (apiKey !== null && apiKey.length < 16) problems.push('ATSGATE_API_KEY must be at least 16 characters long.');
  const secret = env.ATSGATE_SECRET || null;
  if (secret !== null && !/^[0-9a-fA-F]{64}$/.test(secret) && Buffer.from(secret, 'base64').length !== 32) {
    problems.push('ATSGATE_SECRET must be 32 bytes, as 64 hex characters or base64 (generate one with: openssl rand -hex 32).');
  }
  const publicUrl = env.ATSGATE_PUBLIC_URL || null;
  if (publicUrl && !/^https?:\/\/[^/]+/.test(publicUrl)) problems.push('ATSGATE_PUBLIC_URL must be an http(s) URL.');
  const logLevel = (env.LOG_LEVEL || 'info') as Config['logLevel'];
  if (!['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].includes(logLevel)) {
    problems.push(`LOG_LEVEL="${env.LOG_LEVEL}" must be one of fatal, error, warn, info, debug, trace, silent.`);
  }

  const metricsToken = env.ATSGATE_METRICS_TOKEN || null;
  if (metricsToken !== null && metricsToken.length < 16) problems.push('ATSGATE_METRICS_TOKEN must be at least 16 characters long.');

  const webhookUrl = env.ATSGATE_WEBHOOK_URL || null;
  const webhookSecret = env.ATSGATE_WEBHOOK_SECRET || null;
  if (webhookUrl && !/^https?:\/\/[^/]+/.test(webhookUrl)) problems.push('ATSGATE_WEBHOOK_URL must be an http(s) URL.');
  if (webhookUrl && !webhookSecret)
    problems.push('ATSGATE_WEBHOOK_SECRET is required with ATSGATE_WEBHOOK_URL (webhooks are always signed).');
  if (webhookSecret !== null && webhookSecret.length < 16) problems.push('ATSGATE_WEBHOOK_SECRET must be at least 16 characters long.');

  const oauthClients: Config['oauthClients'] = {};
  for (const [key, id] of Object.entries(env)) {
    const m = /^ATSGATE_OAUTH_([A-Z0-9]+)_CLIENT_ID$/.exec(key);
    if (!m || !id) continue;
    const secret = env[`ATSGATE_OAUTH_${m[1]}_CLIENT_SECRET`];
    if (!secret) problems.push(`ATSGATE_OAUTH_${m[1]}_CLIENT_SECRET is required with ${key}.`);
    else oauthClients[m[1].toLowerCase()] = { clientId: id, clientSecret: secret };
  }

  const config: Config = {
    port: int('PORT', 3000, 0, 65535),
    host: env.HOST || '127.0.0.1',
    dataDir: resolve(env.ATSGATE_DATA_DIR || './data'),
    databaseUrl,
    apiKey,
    secret,
    publicUrl: publicUrl ? publicUrl.replace(/\/+$/, '') : null,
    bodyLimitBytes: int('ATSGATE_BODY_LIMIT_BYTES', 40 * 1024 * 1024, 1024, 1024 * 1024 * 1024),
    attachmentMaxBytes: int('ATSGATE_ATTACHMENT_MAX_BYTES', 25 * 1024 * 1024, 1, 1024 * 1024 * 1024),
    downloadTimeoutMs: int('ATSGATE_DOWNLOAD_TIMEOUT_MS', 30_000, 100, 600_000),
    allowPrivateDownloads: bool('ATSGATE_ALLOW_PRIVATE_DOWNLOADS', false),
    readBackAfterWrite: bool('ATSGATE_READ_BACK_AFTER_WRITE', true),
    logLevel,
    seedDemo: bool('ATSGATE_SEED_DEMO', true),
    connectAllowBaseUrl: bool('ATSGATE_CONNECT_ALLOW_BASE_URL', false),
    // Kombo's defaults: a delta sync every 3 hours, a full one every 10.
    syncIntervalMinutes: int('ATSGATE_SYNC_INTERVAL_MINUTES', 180, 0, 7 * 24 * 60),
    fullSyncIntervalMinutes: int('ATSGATE_FULL_SYNC_INTERVAL_MINUTES', 600, 1, 30 * 24 * 60),
    syncLeaseSeconds: int('ATSGATE_SYNC_LEASE_SECONDS', 60, 2, 3600),
    jobConcurrency: int('ATSGATE_JOB_CONCURRENCY', 4, 1, 100),
    metricsToken,
    idempotencyTtlHours: int('ATSGATE_IDEMPOTENCY_TTL_HOURS', 24, 1, 24 * 365),
    writeLeaseSeconds: int('ATSGATE_WRITE_LEASE_SECONDS', 60, 2, 3600),
    writeSlotLeaseSeconds: int('ATSGATE_WRITE_SLOT_LEASE_SECONDS', 30, 2, 3600),
    webhookUrl,
    webhookSecret,
    // Generous by default: they stop a runaway client, not normal use (a sync-heavy customer
    // reads a few thousand pages a minute at most). Kombo publishes no numbers of its own.
    rateLimitPerAccount: int('ATSGATE_RATE_LIMIT_PER_ACCOUNT', 6000, 0, 10_000_000),
    rateLimitPerIntegration: int('ATSGATE_RATE_LIMIT_PER_INTEGRATION', 3000, 0, 10_000_000),
    rateLimitWindowSeconds: int('ATSGATE_RATE_LIMIT_WINDOW_SECONDS', 60, 1, 86_400),
    oauthClients,
  };
  if (problems.length) throw new ConfigError(problems);
  return config;
}
