/** Sync runs: at most one RUNNING per integration (a partial unique index enforces it). */
import type { Queryable } from './db.ts';
import { randomId } from '../ids.ts';

export type SyncType = 'FULL' | 'DELTA';

export interface SyncRow {
  id: string;
  integration_id: string;
  type: SyncType;
  state: 'RUNNING' | 'SUCCEEDED' | 'FAILED';
  started_at: Date;
  ended_at: Date | null;
  error: string | null;
  stats: Record<string, unknown>;
}

/** Starts a sync row, or returns the running one (`created: false`). */
export async function beginSync(
  db: Queryable,
  integrationId: string,
  type: SyncType,
  id: string = randomId(),
): Promise<{ sync: SyncRow; created: boolean }> {
  const ins = await db.query<SyncRow>(
    `INSERT INTO syncs (id, integration_id, type, state) VALUES ($1, $2, $3, 'RUNNING')
     ON CONFLICT (integration_id) WHERE state = 'RUNNING' DO NOTHING RETURNING *`,
    [id, integrationId, type],
  );
  if (ins.rows[0]) {
    await db.query('UPDATE integrations SET last_sync_started_at = now() WHERE id = $1', [integrationId]);
    return { sync: ins.rows[0], created: true };
  }
  const running = await db.query<SyncRow>(`SELECT * FROM syncs WHERE integration_id = $1 AND state = 'RUNNING'`, [integrationId]);
  return { sync: running.rows[0], created: false };
}

export async function endSync(db: Queryable, id: string, outcome: { error?: string; stats: Record<string, unknown> }): Promise<void> {
  await db.query(`UPDATE syncs SET state = $2, ended_at = now(), error = $3, stats = $4::jsonb WHERE id = $1`, [
    id,
    outcome.error ? 'FAILED' : 'SUCCEEDED',
    outcome.error ?? null,
    JSON.stringify(outcome.stats),
  ]);
}

/** When the last successful sync of the integration started (the next delta reads from there). */
export async function lastSuccessfulSyncStart(db: Queryable, integrationId: string): Promise<Date | null> {
  const { rows } = await db.query<{ started_at: Date }>(
    `SELECT started_at FROM syncs WHERE integration_id = $1 AND state = 'SUCCEEDED' ORDER BY started_at DESC LIMIT 1`,
    [integrationId],
  );
  return rows[0]?.started_at ?? null;
}

export async function listSyncs(db: Queryable, integrationId: string, limit = 20): Promise<SyncRow[]> {
  return (
    await db.query<SyncRow>('SELECT * FROM syncs WHERE integration_id = $1 ORDER BY started_at DESC LIMIT $2', [integrationId, limit])
  ).rows;
}

/** Syncs left RUNNING by a process that died; marked failed at start-up. */
/**
 * Ends an integration's running sync as FAILED (the integration was disabled). The sync's own
 * lease heartbeat then finds its row no longer RUNNING and stops before deleting anything.
 */
export async function cancelRunningSyncs(db: Queryable, integrationId: string, reason: string): Promise<number> {
  const r = await db.query(
    `UPDATE syncs SET state = 'FAILED', ended_at = now(), error = $2 WHERE integration_id = $1 AND state = 'RUNNING'`,
    [integrationId, reason],
  );
  return r.rowCount;
}

export async function failOrphanedSyncs(db: Queryable, olderThanMs: number): Promise<number> {
  const res = await db.query(
    `UPDATE syncs SET state = 'FAILED', ended_at = now(), error = 'abandoned: the process running it stopped'
     WHERE state = 'RUNNING' AND started_at < now() - ($1::int * interval '1 millisecond')`,
    [olderThanMs],
  );
  return res.rowCount;
}

export async function syncExists(db: Queryable, id: string): Promise<boolean> {
  return (await db.query('SELECT 1 FROM syncs WHERE id = $1', [id])).rows.length > 0;
}

/** The integration's RUNNING sync, if any (at most one: a partial unique index). */
export async function runningSync(db: Queryable, integrationId: string): Promise<{ id: string; type: SyncType } | null> {
  const { rows } = await db.query<{ id: string; type: SyncType }>(
    `SELECT id, type FROM syncs WHERE integration_id = $1 AND state = 'RUNNING'`,
    [integrationId],
  );
  return rows[0] ?? null;
}

/**
 * One lease heartbeat of a running sync (src/sync/lease.ts). False when the row is no longer
 * RUNNING: another process reaped it.
 */
export async function heartbeatSync(db: Queryable, id: string, workerId: string | null): Promise<boolean> {
  const r = await db.query(
    `UPDATE syncs SET heartbeat_at = now(), worker_id = coalesce($2, worker_id) WHERE id = $1 AND state = 'RUNNING'`,
    [id, workerId],
  );
  return r.rowCount > 0;
}

/** Marks RUNNING syncs whose lease ran out as FAILED; returns each one's integration and worker. */
export async function reapExpiredSyncs(db: Queryable, leaseMs: number): Promise<{ integration_id: string; worker_id: string | null }[]> {
  const { rows } = await db.query<{ integration_id: string; worker_id: string | null }>(
    `UPDATE syncs SET state = 'FAILED', ended_at = now(), error = 'abandoned: the process running it stopped'
     WHERE state = 'RUNNING' AND coalesce(heartbeat_at, started_at) < now() - ($1::int * interval '1 millisecond')
     RETURNING integration_id, worker_id`,
    [leaseMs],
  );
  return rows;
}

export interface SyncHistory {
  id: string;
  tool: string;
  last_any: Date | null;
  last_full: Date | null;
}

/**
 * Each integration that could sync now (not INVALID, no sync RUNNING), with when its last sync
 * of any kind and its last successful full sync started: the scheduler decides from these.
 */
export async function syncHistories(db: Queryable): Promise<SyncHistory[]> {
  const { rows } = await db.query<SyncHistory>(
    `SELECT i.id, i.tool,
            (SELECT max(s.started_at) FROM syncs s WHERE s.integration_id = i.id) AS last_any,
            (SELECT max(s.started_at) FROM syncs s WHERE s.integration_id = i.id AND s.type = 'FULL' AND s.state = 'SUCCEEDED') AS last_full
       FROM integrations i
      WHERE i.status <> 'INVALID' AND i.enabled
        AND NOT EXISTS (SELECT 1 FROM syncs r WHERE r.integration_id = i.id AND r.state = 'RUNNING')`,
  );
  return rows;
}
