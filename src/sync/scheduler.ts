/**
 * Periodic syncs. Once a minute the job engine runs `schedule-syncs` — once per deployment, not
 * once per process: on PostgreSQL it is a graphile-worker cron item, in the single embedded
 * process a timer. The task queues a `sync-integration` job (job key = integration id) for
 * every integration that is due:
 * - a full sync when the last successful full sync is older than the full interval (it also
 *   finds records deleted upstream), or when the connector has no delta filter;
 * - otherwise a delta sync (the vendor's updated-since filter) when the last sync of any kind
 *   started longer ago than the sync interval. A failing integration is therefore retried
 *   once per interval, not every minute.
 * Integrations whose credentials were rejected (status INVALID) wait for a new connection;
 * disabled ones (PUT /v1/integrations/:id/enabled) wait until they are enabled again.
 */
import type { Runtime } from '../runtime.ts';
import { connectorFor } from '../runtime.ts';
import { getConnector } from '../connectors/registry.ts';
import { requestSync } from '../jobs/sync-tasks.ts';
import { syncHistories, type SyncType } from '../store/syncs.ts';

export const SCHEDULE_TASK = 'schedule-syncs';

export interface DueSync {
  integrationId: string;
  type: SyncType;
}

/** Which integrations need a sync now, and of which type. */
export async function dueSyncs(rt: Runtime, now = new Date()): Promise<DueSync[]> {
  const { syncIntervalMinutes: every, fullSyncIntervalMinutes: fullEvery } = rt.config;
  if (every <= 0) return [];
  const rows = await syncHistories(rt.db);
  const minute = 60_000;
  const due: DueSync[] = [];
  for (const r of rows) {
    const connector = getConnector(r.tool);
    if (!connector) continue; // a connector removed from this build cannot sync
    const lastAny = r.last_any ? new Date(r.last_any).getTime() : null;
    const lastFull = r.last_full ? new Date(r.last_full).getTime() : null;
    const fullDue = lastFull !== null && now.getTime() - lastFull >= fullEvery * minute;
    const deltaDue = lastAny === null || now.getTime() - lastAny >= every * minute;
    if (!fullDue && !deltaDue) continue;
    const canDelta = connectorFor(r.tool).definition.capabilities.deltaSync && lastFull !== null;
    due.push({ integrationId: r.id, type: fullDue || !canDelta ? 'FULL' : 'DELTA' });
  }
  return due;
}

/** Registers the scheduling task and its once-a-minute trigger. Call before rt.jobs.start(). */
export function registerScheduler(rt: Runtime): void {
  rt.jobs.register(SCHEDULE_TASK, async () => {
    for (const d of await dueSyncs(rt)) {
      // preserve_run_at: a sync already queued (a force-sync) keeps its place in the queue.
      await requestSync(rt, d.integrationId, d.type, { jobKeyMode: 'preserve_run_at' });
    }
  });
  if (rt.config.syncIntervalMinutes > 0) rt.jobs.repeat?.(SCHEDULE_TASK, 1);
}
