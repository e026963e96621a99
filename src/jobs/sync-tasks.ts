/**
 * Syncs as jobs. Every sync that is not run inline by the CLI goes through the job queue as
 * the task `sync-integration` with the integration id as job key, so a deployment holds at
 * most one queued sync per integration and runs it on one process at a time (the syncs
 * table's one-RUNNING-row index guards the rare overlap, e.g. a CLI sync).
 *
 * Leases: a running sync moves `syncs.heartbeat_at` every lease/4. A process that dies mid-sync
 * (kill -9) stops moving it; after the lease any other process reaps the row (FAILED,
 * "abandoned"), which frees the integration, and hands the dead worker's job back to the
 * engine, which runs it again on a live process. A sync that finds its own row reaped (its
 * process stalled longer than the lease) stops before deleting anything, so two syncs of one
 * integration never both mark "unseen" records as deleted.
 */
import type { Runtime } from '../runtime.ts';
import type { Queryable } from '../store/db.ts';
import type { SyncType } from '../store/syncs.ts';
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
    const announced = payload.syncId && !(await rt.db.query('SELECT 1 FROM syncs WHERE id = $1', [payload.syncId])).rows.length ? payload.syncId : undefined;
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
  const running = await rt.db.query<{ id: string; type: SyncType }>(`SELECT id, type FROM syncs WHERE integration_id = $1 AND state = 'RUNNING'`, [integrationId]);
  if (running.rows[0]) return { alreadyQueued: true, syncId: running.rows[0].id, type: running.rows[0].type };
  const syncId = randomId();
  await rt.jobs.add(SYNC_TASK, { integrationId, type, syncId } satisfies SyncJobPayload as unknown as Record<string, unknown>, {
    jobKey: integrationId,
    jobKeyMode: opts.jobKeyMode ?? 'replace',
    runAt: opts.runAt,
    maxAttempts: SYNC_MAX_ATTEMPTS,
  });
  return { alreadyQueued: false, syncId, type };
}

export interface SyncLease {
  /** True once another process reaped this sync (our heartbeat found the row no longer RUNNING). */
  readonly lost: boolean;
  stop(): void;
}

/** Keeps a running sync's lease alive until stop(). */
export function holdSyncLease(db: Queryable, syncId: string, leaseMs: number, workerId?: string): SyncLease {
  const state = { lost: false };
  const beat = async () => {
    try {
      const r = await db.query(`UPDATE syncs SET heartbeat_at = now(), worker_id = coalesce($2, worker_id) WHERE id = $1 AND state = 'RUNNING'`, [syncId, workerId ?? null]);
      if (r.rowCount === 0) state.lost = true;
    } catch {
      /* a missed beat is fine; the lease allows for several */
    }
  };
  void beat();
  const timer = setInterval(beat, Math.max(250, Math.floor(leaseMs / 4)));
  timer.unref?.();
  return {
    get lost() {
      return state.lost;
    },
    stop: () => clearInterval(timer),
  };
}

/**
 * Marks syncs whose lease ran out as FAILED and hands their jobs back to the engine.
 * Returns the integrations freed.
 */
export async function reapAbandonedSyncs(rt: Runtime, leaseMs: number): Promise<string[]> {
  const { rows } = await rt.db.query<{ integration_id: string; worker_id: string | null }>(
    `UPDATE syncs SET state = 'FAILED', ended_at = now(), error = 'abandoned: the process running it stopped'
     WHERE state = 'RUNNING' AND coalesce(heartbeat_at, started_at) < now() - ($1::int * interval '1 millisecond')
     RETURNING integration_id, worker_id`,
    [leaseMs],
  );
  const workers = [...new Set(rows.map((r) => r.worker_id).filter((w): w is string => !!w))];
  if (workers.length && rt.jobs.releaseWorkers) await rt.jobs.releaseWorkers(workers);
  return rows.map((r) => r.integration_id);
}

/** Runs the reaper every half lease in this process (every process runs one; the UPDATE is atomic). */
export function startLeaseReaper(rt: Runtime, leaseMs: number, onError?: (err: unknown) => void): () => void {
  const timer = setInterval(() => void reapAbandonedSyncs(rt, leaseMs).catch((err) => onError?.(err)), Math.max(500, Math.floor(leaseMs / 2)));
  timer.unref?.();
  return () => clearInterval(timer);
}
