/**
 * Starts a real atsgate server on loopback for end-to-end tests, on PGlite (in memory) or a
 * fresh PostgreSQL database, and hands out the official SDK pointed at it.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kombo } from '@kombo-api/sdk';
import { loadConfig } from '../../src/config.ts';
import { startServer, type Started } from '../../src/server.ts';
import { freshPostgres, type DbKind } from './databases.ts';
import { seedPgliteDataDir } from './templates.ts';

export interface TestServer {
  kind: DbKind;
  url: string;
  apiKey: string;
  started: Started;
  /** The official SDK, configured exactly as a customer would, but for our server. */
  sdk(integrationId?: string): Kombo;
  /** fetch against the server with the API key (and X-Integration-Id if given). */
  call(
    method: string,
    path: string,
    opts?: { body?: unknown; integrationId?: string; headers?: Record<string, string> },
  ): Promise<{ status: number; body: any; headers: Headers }>;
  /** Stops the server; `keepData` leaves the database for a restart test. */
  close(opts?: { keepData?: boolean }): Promise<void>;
  /** Environment to start another server on the same data. */
  env: Record<string, string>;
}

export async function startTestServer(kind: DbKind, opts: { env?: Record<string, string>; reuse?: TestServer } = {}): Promise<TestServer> {
  const dataDir = opts.reuse?.env.ATSGATE_DATA_DIR ?? mkdtempSync(join(tmpdir(), 'atsgate-test-'));
  let pgdb: { url: string; drop(): Promise<void> } | null = null;
  let databaseUrl = opts.reuse?.env.DATABASE_URL;
  if (kind === 'postgres' && !databaseUrl) {
    pgdb = await freshPostgres();
    databaseUrl = pgdb.url;
  }
  // A new embedded database starts as a copy of the migrated template, not a fresh initdb.
  if (kind === 'pglite' && !opts.reuse) await seedPgliteDataDir(dataDir);
  const env: Record<string, string> = {
    PORT: '0',
    HOST: '127.0.0.1',
    ATSGATE_DATA_DIR: dataDir,
    ATSGATE_API_KEY: opts.reuse?.apiKey ?? 'test_' + randomBytes(16).toString('hex'),
    ATSGATE_SECRET: opts.reuse?.env.ATSGATE_SECRET ?? randomBytes(32).toString('hex'),
    ATSGATE_ALLOW_PRIVATE_DOWNLOADS: 'true',
    // The inbound limits are tested on their own (test/security/inbound-limits.test.ts); the
    // fuzz and load suites send more than a minute's default allowance.
    ATSGATE_RATE_LIMIT_PER_ACCOUNT: '0',
    ATSGATE_RATE_LIMIT_PER_INTEGRATION: '0',
    LOG_LEVEL: 'silent',
    ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
    ...opts.reuse?.env,
    ...opts.env,
  };
  const config = loadConfig(env);
  const started = await startServer(config, { logger: false });
  const url = started.url;
  const apiKey = env.ATSGATE_API_KEY;
  const reused = opts.reuse as (TestServer & { _drop?: () => Promise<void> }) | undefined;
  const drop = pgdb ? pgdb.drop : reused?._drop;
  const server: TestServer & { _drop?: () => Promise<void> } = {
    kind,
    url,
    apiKey,
    started,
    env,
    _drop: drop,
    sdk: (integrationId) => new Kombo({ api_key: apiKey, server_url: `${url}/v1`, integration_id: integrationId }),
    async call(method, path, o = {}) {
      const headers: Record<string, string> = { authorization: `Bearer ${apiKey}`, ...o.headers };
      if (o.integrationId) headers['x-integration-id'] = o.integrationId;
      let body: string | undefined;
      if (o.body !== undefined) {
        headers['content-type'] ??= 'application/json';
        body = typeof o.body === 'string' ? o.body : JSON.stringify(o.body);
      }
      const res = await fetch(url + path, { method, headers, body });
      const text = await res.text();
      let parsed: any = text;
      try {
        parsed = JSON.parse(text);
      } catch {
        /* not JSON */
      }
      return { status: res.status, body: parsed, headers: res.headers };
    },
    async close(o = {}) {
      await started.close();
      if (!o.keepData) {
        await drop?.();
        rmSync(dataDir, { recursive: true, force: true });
      }
    },
  };
  return server;
}
