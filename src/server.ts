/**
 * Starting atsgate: open the database (embedded PGlite unless DATABASE_URL), migrate, make
 * sure the bootstrap key and the demo sandbox integration exist, serve, and shut down
 * gracefully: on SIGTERM stop accepting, let in-flight requests finish, then close.
 */
import type { Config } from './config.ts';
import { openDb, type Db } from './store/db.ts';
import { migrate } from './store/migrate.ts';
import { createRuntime, type Runtime } from './runtime.ts';
import { buildApp, type App } from './api/app.ts';
import { ensureBootstrapKey, DEFAULT_ACCOUNT } from './store/keys.ts';
import { getIntegrationById } from './store/integrations.ts';
import { failOrphanedSyncs } from './store/syncs.ts';
import { connectIntegration } from './integrations/service.ts';
import { registerSyncTask } from './jobs/sync-tasks.ts';
import { registerVendorWebhookTasks } from './webhooks/vendor/refresh.ts';
import { registerVendorEventPolling } from './webhooks/vendor/poll.ts';
import { startLeaseReaper } from './sync/lease.ts';
import { registerScheduler } from './sync/scheduler.ts';
import { registerWriteTasks, resumeWriteDelivery } from './writes/outbox.ts';
import { startTempSweeper } from './uploads/temp-files.ts';

export const DEMO_INTEGRATION_ID = 'sandbox:demo';

export interface Started {
  app: App;
  rt: Runtime;
  db: Db;
  url: string;
  close(): Promise<void>;
}

export async function openRuntime(config: Config, opts: { memory?: boolean } = {}): Promise<Runtime> {
  const db = await openDb({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, memory: opts.memory });
  await migrate(db);
  const rt = createRuntime(config, db);
  if (config.apiKey) await ensureBootstrapKey(db, config.apiKey);
  // Syncs left RUNNING by a process that died can never finish; free the integration.
  await failOrphanedSyncs(db, 15 * 60_000);
  return rt;
}

/** The demo integration the README's first example uses (embedded default + ATSGATE_API_KEY). */
export async function ensureDemoIntegration(rt: Runtime): Promise<void> {
  if (await getIntegrationById(rt.db, DEMO_INTEGRATION_ID)) return;
  await connectIntegration(rt, {
    accountId: DEFAULT_ACCOUNT,
    tool: 'sandbox',
    organizationName: 'Demo Company',
    credentials: { api_key: 'sandbox-demo' },
    id: DEMO_INTEGRATION_ID,
    waitForSync: true,
  });
}

export async function startServer(config: Config, opts: { memory?: boolean; logger?: boolean | object } = {}): Promise<Started> {
  const rt = await openRuntime(config, opts);
  if (config.apiKey && config.seedDemo) await ensureDemoIntegration(rt);
  const app = await buildApp(rt, { logger: opts.logger });
  registerSyncTask(rt);
  registerScheduler(rt);
  registerWriteTasks(rt);
  registerVendorWebhookTasks(rt);
  registerVendorEventPolling(rt);
  await rt.jobs.start();
  const stopReaper = startLeaseReaper(rt, config.syncLeaseSeconds * 1000);
  const address = await app.listen({ port: config.port, host: config.host });
  const url = address.replace('://[::1]', '://localhost');
  if (!config.publicUrl) rt.publicUrl = () => url;
  await resumeWriteDelivery(rt); // outbox rows and webhooks a previous process left
  // Attachment files crashed processes left in the temp directory: now, and every ten minutes.
  const stopTempSweeper = startTempSweeper();
  let closing: Promise<void> | null = null;
  return {
    app,
    rt,
    db: rt.db,
    url,
    close: () =>
      (closing ??= (async () => {
        // Stops accepting and waits for in-flight requests. A keep-alive connection whose request
        // finishes during the close would otherwise stay open until fastify's keepAliveTimeout
        // (72 s), holding the stop that long: close connections as soon as they are idle.
        const idle = setInterval(() => app.server.closeIdleConnections(), 100);
        await app.close().finally(() => clearInterval(idle));
        stopReaper();
        stopTempSweeper();
        await rt.readBacks.drain(); // candidates still to be re-read after writes
        await rt.jobs.stop(); // lets running background jobs finish
        await rt.writesInFlight.close();
        await rt.db.close();
      })()),
  };
}
