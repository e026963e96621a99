/**
 * Syncs as jobs. Every sync that is not run inline by the CLI goes through the job queue as
 * the task `sync-integration` with the integration id as job key, so a deployment holds at
 * most one queued sync per integration and runs it on one process at a time (the syncs
 * table's one-RUNNING-row index guards the rare overlap, e.g. a CLI sync). A process that
 * dies mid-sync loses its lease (src/sync/lease.ts) and the job runs again elsewhere.
 */
import type { Runtime } from '../runtime.ts';
import { runningSync, syncExists, type SyncType } from '../store/syncs.ts';
import { getIntegrationById } from '../store/integrations.ts';
import { startSync } from '../sync/run.ts';
import { randomId } from '../ids.ts';

export const SYNC_TASK = 'sync-integration';
/** Attempts for one queued sync (a vendor outage is retried with the engine's backoff). */
const SYNC_MAX_ATTEMPTS = 3;

export interface SyncJobPayload {
  integrationId: string;
  type: SyncType;
  /** The id announced to the caller (force-sync's sync_id); a retry after a failed run takes a new one. */
  syncId?: string;
}

export function registerSyncTask(rt: Runtime): void {
  rt.jobs.register(SYNC_TASK, async (payload: SyncJobPayload, helpers) => {
    // The integration may have been deleted, or disabled, since the job was queued: nothing to do.
    const integration = await getIntegrationById(rt.db, payload.integrationId);
    if (!integration || !integration.enabled) return;
    const announced = payload.syncId && !(await syncExists(rt.db, payload.syncId)) ? payload.syncId : undefined;
    const s = await startSync(rt, payload.integrationId, payload.type === 'DELTA' ? 'DELTA' : 'FULL', undefined, {
      signal: helpers.signal,
      workerId: helpers.workerId,
      syncId: announced,
    });
    // A sync already running covers this request.
    if (!s.alreadyRunning) await s.done;
  });
}

/**
 * Queues a sync of one integration (force-sync, new integrations, the scheduler). When a sync
 * of it is already running, that one answers the request (`alreadyQueued`, its id); otherwise
 * the queued job will run under the returned `syncId`.
 */
export async function requestSync(
  rt: Runtime,
  integrationId: string,
  type: SyncType,
  opts: { jobKeyMode?: 'replace' | 'preserve_run_at'; runAt?: Date } = {},
): Promise<{ alreadyQueued: boolean; syncId: string; type: SyncType }> {
  const running = await runningSync(rt.db, integrationId);
  if (running) return { alreadyQueued: true, syncId: running.id, type: running.type };
  const syncId = randomId();
  await rt.jobs.add(SYNC_TASK, { integrationId, type, syncId } satisfies SyncJobPayload as unknown as Record<string, unknown>, {
    jobKey: integrationId,
    jobKeyMode: opts.jobKeyMode ?? 'replace',
    runAt: opts.runAt,
    maxAttempts: SYNC_MAX_ATTEMPTS,
  });
  return { alreadyQueued: false, syncId, type };
}
