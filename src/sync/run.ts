/**
 * Syncing one integration: stream each model's pages from the connector, normalise, upsert in
 * batches (memory stays flat whatever the tenant's size), and after a complete FULL sync mark
 * what was not seen as deleted upstream. A DELTA sync asks the connector only for records
 * changed since the last successful sync began (minus a safety margin for clock skew).
 */
import type { Runtime } from '../runtime.ts';
import { contextFor } from '../runtime.ts';
import { getIntegrationById, setIntegrationState } from '../store/integrations.ts';
import { upsertRecords, markUnseenDeleted, type Model } from '../store/records.ts';
import { beginSync, endSync, lastSuccessfulSyncStart, type SyncType } from '../store/syncs.ts';
import { normalizeApplication, normalizeCandidate, normalizeJob } from './normalize.ts';
import { AtsgateError } from '../errors.ts';
import type { AnyConnector, ConnectorContext, ReadOptions } from '../connectors/types.ts';
import { holdSyncLease } from '../jobs/sync-tasks.ts';
import { syncEnded } from '../metrics/observers.ts';
import { recordDataChanged } from '../webhooks/data-changed.ts';
import { queueWebhook } from '../webhooks/deliver.ts';

export interface SyncProgress { model: Model; read: number }
export interface SyncStats { type: SyncType; read: Record<Model, number>; changed: Record<Model, number>; deleted: Record<Model, number>; duration_ms: number }

const DELTA_SKEW_MS = 5 * 60 * 1000;
const BATCH = 500;

export interface StartedSync {
  syncId: string;
  type: SyncType;
  alreadyRunning: boolean;
  /** Resolves when the sync ends; rejects with the failure. */
  done: Promise<SyncStats>;
}

export async function startSync(
  rt: Runtime,
  integrationId: string,
  requested: SyncType,
  onProgress?: (p: SyncProgress) => void,
  run: { signal?: AbortSignal; workerId?: string; syncId?: string } = {},
): Promise<StartedSync> {
  const integration = await getIntegrationById(rt.db, integrationId);
  if (!integration) throw new AtsgateError('PLATFORM.INTEGRATION_NOT_FOUND', `Integration ${integrationId} was not found.`);
  const { connector, ctx } = contextFor(rt, integration, { signal: run.signal });
  const since = requested === 'DELTA' && connector.definition.capabilities.deltaSync ? await lastSuccessfulSyncStart(rt.db, integrationId) : null;
  const type: SyncType = since ? 'DELTA' : 'FULL';
  const { sync, created } = await beginSync(rt.db, integrationId, type, run.syncId);
  if (!created) {
    return { syncId: sync.id, type: sync.type, alreadyRunning: true, done: Promise.resolve({ type: sync.type } as SyncStats) };
  }
  const opts: ReadOptions = since ? { updatedAfter: new Date(since.getTime() - DELTA_SKEW_MS) } : {};
  const done = runSync(rt, connector, ctx, integrationId, sync.id, type, opts, onProgress, run.workerId);
  done.catch(() => undefined); // callers that don't await must not crash the process
  return { syncId: sync.id, type, alreadyRunning: false, done };
}

async function runSync(
  rt: Runtime,
  connector: AnyConnector,
  ctx: ConnectorContext<any>,
  integrationId: string,
  syncId: string,
  type: SyncType,
  opts: ReadOptions,
  onProgress?: (p: SyncProgress) => void,
  workerId?: string,
): Promise<SyncStats> {
  const started = Date.now();
  // The lease tells other processes this sync is alive (src/jobs/sync-tasks.ts).
  const lease = holdSyncLease(rt.db, syncId, rt.config.syncLeaseSeconds * 1000, workerId);
  const checkLease = () => {
    if (lease.lost) throw new Error('sync lease lost: another process took over this integration');
  };
  const stats: SyncStats = { type, read: { jobs: 0, candidates: 0, applications: 0 }, changed: { jobs: 0, candidates: 0, applications: 0 }, deleted: { jobs: 0, candidates: 0, applications: 0 }, duration_ms: 0 };
  const readers: [Model, AsyncIterable<unknown[]>, (x: any) => any][] = [
    ['jobs', connector.readJobs(ctx, opts), (j) => normalizeJob(integrationId, j)],
    ['candidates', connector.readCandidates(ctx, opts), (c) => normalizeCandidate(integrationId, c)],
    ['applications', connector.readApplications(ctx, opts), (a) => normalizeApplication(integrationId, a)],
  ];
  try {
    for (const [model, pages, normalize] of readers) {
      for await (const page of pages) {
        for (let i = 0; i < page.length; i += BATCH) {
          const rows = page.slice(i, i + BATCH).map(normalize);
          const r = await upsertRecords(rt.db, model, integrationId, syncId, rows);
          stats.read[model] += r.written;
          stats.changed[model] += r.changed;
        }
        onProgress?.({ model, read: stats.read[model] });
        checkLease();
      }
    }
    checkLease();
    if (type === 'FULL') {
      for (const model of ['applications', 'candidates', 'jobs'] as Model[]) stats.deleted[model] = await markUnseenDeleted(rt.db, model, integrationId, syncId);
    }
    stats.duration_ms = Date.now() - started;
    // One transaction: nobody may see the sync SUCCEEDED while the integration still says
    // FINAL_SYNC_PENDING (the connect page polls exactly that).
    const event = await rt.db.tx(async (q) => {
      await endSync(q, syncId, { stats: stats as unknown as Record<string, unknown> });
      await q.query('UPDATE integrations SET last_sync_ended_at = now() WHERE id = $1', [integrationId]);
      await setIntegrationState(q, integrationId, { setup_status: 'COMPLETED', status: 'ACTIVE' });
      return recordDataChanged(rt, q, { id: integrationId, tool: connector.definition.id }, stats);
    });
    if (event) await queueWebhook(rt, event);
    syncEnded({ tool: connector.definition.id, type, state: 'SUCCEEDED', durationMs: stats.duration_ms });
    return stats;
  } catch (err) {
    stats.duration_ms = Date.now() - started;
    const message = err instanceof Error ? err.message : String(err);
    await endSync(rt.db, syncId, { error: message, stats: stats as unknown as Record<string, unknown> }).catch(() => undefined);
    syncEnded({ tool: connector.definition.id, type, state: 'FAILED', durationMs: stats.duration_ms });
    if (err instanceof AtsgateError && err.code === 'INTEGRATION.AUTHENTICATION_INVALID') {
      await setIntegrationState(rt.db, integrationId, { status: 'INVALID' }).catch(() => undefined);
    }
    throw err;
  } finally {
    lease.stop();
  }
}

/** Re-reads one candidate after a write so that the change is visible to readers at once. */
export async function refreshCandidate(rt: Runtime, connector: AnyConnector, ctx: ConnectorContext<any>, integrationId: string, remoteId: string): Promise<void> {
  if (!connector.readCandidate) return;
  const got = await connector.readCandidate(ctx, remoteId);
  if (!got) return;
  await upsertRecords(rt.db, 'candidates', integrationId, null, [normalizeCandidate(integrationId, got.candidate)]);
  if (got.applications.length) {
    await upsertRecords(rt.db, 'applications', integrationId, null, got.applications.map((a) => normalizeApplication(integrationId, a)));
  }
}
