/**
 * Sync leases. A running sync moves `syncs.heartbeat_at` every lease/4. A process that dies
 * mid-sync (kill -9) stops moving it; after the lease any other process reaps the row (FAILED,
 * "abandoned"), which frees the integration, and hands the dead worker's job back to the job
 * engine, which runs it again on a live process. A sync that finds its own row reaped (its
 * process stalled longer than the lease) stops before deleting anything, so two syncs of one
 * integration never both mark "unseen" records as deleted.
 */
import type { Runtime } from '../runtime.ts';
import type { Queryable } from '../store/db.ts';
import { heartbeatSync, reapExpiredSyncs } from '../store/syncs.ts';

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
      if (!(await heartbeatSync(db, syncId, workerId ?? null))) state.lost = true;
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
  const rows = await reapExpiredSyncs(rt.db, leaseMs);
  const workers = [...new Set(rows.map((r) => r.worker_id).filter((w): w is string => !!w))];
  if (workers.length && rt.jobs.releaseWorkers) await rt.jobs.releaseWorkers(workers);
  return rows.map((r) => r.integration_id);
}

/** Runs the reaper every half lease in this process (every process runs one; the UPDATE is atomic). */
export function startLeaseReaper(rt: Runtime, leaseMs: number, onError?: (err: unknown) => void): () => void {
  const timer = setInterval(
    () => void reapAbandonedSyncs(rt, leaseMs).catch((err) => onError?.(err)),
    Math.max(500, Math.floor(leaseMs / 2)),
  );
  timer.unref?.();
  return () => clearInterval(timer);
}
