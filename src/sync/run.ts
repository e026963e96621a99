/**
 * Syncing one integration: stream each model's pages from the connector, normalise, upsert in
 * batches (memory stays flat whatever the tenant's size), and after a complete FULL sync mark
 * what was not seen as deleted upstream. A DELTA sync asks the connector only for records
 * changed since the last successful sync began (minus a safety margin for clock skew).
 */
import type { Runtime } from '../runtime.ts';
import { contextFor } from '../runtime.ts';
import { getIntegrationById, markSyncEnded, setIntegrationState } from '../store/integrations.ts';
import { upsertRecords, markUnseenDeleted, writeBatch, UpsertBatch, tagsOnCandidates, type Model } from '../store/records.ts';
import { beginSync, endSync, lastSuccessfulSyncStart, type SyncType } from '../store/syncs.ts';
import {
  normalizeApplication,
  normalizeCandidate,
  normalizeJob,
  normalizeRejectionReason,
  normalizeTag,
  tagsOfCandidate,
  normalizeUser,
} from './normalize.ts';
import { AtsgateError } from '../errors.ts';
import type { AnyConnector, ConnectorContext, ReadOptions, RemoteTag } from '../connectors/types.ts';
import { holdSyncLease } from './lease.ts';
import { syncEnded } from '../metrics/observers.ts';
import { recordDataChanged } from '../webhooks/data-changed.ts';
import { queueWebhook } from '../webhooks/deliver.ts';
import { recordStateChangedIfMoved, recordSyncFinished } from '../webhooks/integration-events.ts';

export interface SyncProgress {
  model: Model;
  read: number;
}
export interface SyncStats {
  type: SyncType;
  read: Record<Model, number>;
  changed: Record<Model, number>;
  deleted: Record<Model, number>;
  duration_ms: number;
  /** Why part of the data was not read (e.g. the credentials may not list users). */
  warnings?: string[];
}

/** The pages of a model the connector does not read. */
async function* noPages(): AsyncGenerator<never[]> {}

/**
 * The pages of an optional model; a refusal for lack of permission ends them early (`onRefused`
 * is told) instead of failing the sync. Any other error still fails it.
 */
async function* unlessRefused<T>(pages: AsyncIterable<T[]>, onRefused: () => void): AsyncGenerator<T[]> {
  try {
    yield* pages;
  } catch (err) {
    if (!(err instanceof AtsgateError && err.code === 'INTEGRATION.PERMISSION_MISSING')) throw err;
    onRefused();
  }
}

const DELTA_SKEW_MS = 5 * 60 * 1000;
/** Rows per upsert statement (pages are gathered up to this), and a byte bound for large records. */
const BATCH = 500;
const BATCH_BYTES = 4 * 1024 * 1024;

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
  const since =
    requested === 'DELTA' && connector.definition.capabilities.deltaSync ? await lastSuccessfulSyncStart(rt.db, integrationId) : null;
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
  // The lease tells other processes this sync is alive (src/sync/lease.ts).
  const lease = holdSyncLease(rt.db, syncId, rt.config.syncLeaseSeconds * 1000, workerId);
  const checkLease = () => {
    if (lease.lost) throw new Error('sync lease lost: another process took over this integration');
  };
  const stats: SyncStats = {
    type,
    read: { jobs: 0, candidates: 0, applications: 0, users: 0, tags: 0, rejection_reasons: 0 },
    changed: { jobs: 0, candidates: 0, applications: 0, users: 0, tags: 0, rejection_reasons: 0 },
    deleted: { jobs: 0, candidates: 0, applications: 0, users: 0, tags: 0, rejection_reasons: 0 },
    duration_ms: 0,
  };
  /** Optional models the ATS refused to list (missing permission): neither written nor marked deleted. */
  const skipped = new Set<Model>();
  const readers: [Model, AsyncIterable<unknown[]>, (x: any) => any][] = [
    ['jobs', connector.readJobs(ctx, opts), (j) => normalizeJob(integrationId, j)],
    ['candidates', connector.readCandidates(ctx, opts), (c) => normalizeCandidate(integrationId, c)],
    ['applications', connector.readApplications(ctx, opts), (a) => normalizeApplication(integrationId, a)],
    // Absent on ATSs without rejection reasons: an empty model, so a full sync leaves it empty.
    // A credential without access to them must not cost the sync of everything else.
    [
      'rejection_reasons',
      connector.readRejectionReasons
        ? unlessRefused(connector.readRejectionReasons(ctx, opts), () => skipped.add('rejection_reasons'))
        : noPages(),
      (r) => normalizeRejectionReason(integrationId, r),
    ],
  ];
  // Users where the ATS lists them (capabilities.users); always read whole: the lists are small
  // and few vendors filter them by update time, so a delta sync may mark none deleted by mistake.
  const readsUsers = Boolean(connector.readUsers && connector.definition.capabilities.users.read);
  let usersRefused = false;
  if (readsUsers) {
    const refused = (message: string) => {
      usersRefused = true;
      stats.warnings = [...(stats.warnings ?? []), `Users were not read: ${message}`];
    };
    readers.push(['users', usersOrNone(connector.readUsers!(ctx, {}), refused), (u) => normalizeUser(integrationId, u)]);
  }
  // Pages are gathered into batches of BATCH rows, and one batch is written while the next
  // is read and normalised: at most one write in flight and one batch being filled, so memory
  // stays flat, writes keep their order (a later read of a record still wins), and the
  // database and the vendor/JS side work at the same time instead of taking turns.
  const writer = new BatchWriter(rt, integrationId, syncId, stats);
  const tagRead = { complete: true };
  readers.push(['tags', tagPages(rt, connector, ctx, integrationId, writer, tagRead), (t) => normalizeTag(integrationId, t)]);
  try {
    for (const [model, pages, normalize] of readers) {
      for await (const page of pages) {
        for (const item of page) {
          const full = writer.add(model, normalize(item));
          if (full) await full;
        }
        onProgress?.({ model, read: writer.queued[model] });
        checkLease();
      }
      await writer.flush();
    }
    await writer.drain();
    checkLease();
    if (type === 'FULL') {
      for (const model of ['applications', 'candidates', 'jobs', 'tags', 'rejection_reasons'] as Model[])
        if ((model !== 'tags' || tagRead.complete) && !skipped.has(model))
          stats.deleted[model] = await markUnseenDeleted(rt.db, model, integrationId, syncId);
    }
    // Users are read whole by every sync, so every sync knows which are gone.
    if (readsUsers && !usersRefused) stats.deleted.users = await markUnseenDeleted(rt.db, 'users', integrationId, syncId);
    stats.duration_ms = Date.now() - started;
    // One transaction: nobody may see the sync SUCCEEDED while the integration still says
    // FINAL_SYNC_PENDING (the connect page polls exactly that).
    // Webhooks in the same transaction: data-changed (if anything changed), the state change
    // a first sync or a recovery makes, and Kombo's sync-finished.
    const events = await rt.db.tx(async (q) => {
      await endSync(q, syncId, { stats: stats as unknown as Record<string, unknown> });
      await markSyncEnded(q, integrationId);
      const before = await getIntegrationById(q, integrationId);
      await setIntegrationState(q, integrationId, { setup_status: 'COMPLETED', status: 'ACTIVE' });
      if (!before) return []; // deleted while it synced
      const after = { ...before, setup_status: 'COMPLETED' as const, status: 'ACTIVE' as const };
      return [
        await recordDataChanged(rt, q, { id: integrationId, tool: connector.definition.id, account_id: before.account_id }, stats),
        await recordStateChangedIfMoved(rt, q, before, after),
        await recordSyncFinished(rt, q, after, { id: syncId, state: 'SUCCEEDED', startedAt: new Date(started), endedAt: new Date() }),
      ];
    });
    for (const event of events) if (event) await queueWebhook(rt, event);
    syncEnded({ tool: connector.definition.id, type, state: 'SUCCEEDED', durationMs: stats.duration_ms });
    return stats;
  } catch (err) {
    await writer.drain().catch(() => undefined); // a write still in flight ends before the sync does
    stats.duration_ms = Date.now() - started;
    const message = err instanceof Error ? err.message : String(err);
    const authInvalid = err instanceof AtsgateError && err.code === 'INTEGRATION.AUTHENTICATION_INVALID';
    // One transaction: the sync's end, INVALID credentials (Kombo's integration-state-changed)
    // and sync-finished with sync_state FAILED.
    const events = await rt.db
      .tx(async (q) => {
        await endSync(q, syncId, { error: message, stats: stats as unknown as Record<string, unknown> });
        const before = await getIntegrationById(q, integrationId);
        if (authInvalid) await setIntegrationState(q, integrationId, { status: 'INVALID' });
        if (!before) return [];
        const after = authInvalid ? { ...before, status: 'INVALID' as const } : before;
        return [
          await recordStateChangedIfMoved(rt, q, before, after),
          await recordSyncFinished(rt, q, after, { id: syncId, state: 'FAILED', startedAt: new Date(started), endedAt: new Date() }),
        ];
      })
      .catch(() => [] as (string | null)[]);
    for (const event of events) if (event) await queueWebhook(rt, event).catch(() => undefined);
    syncEnded({ tool: connector.definition.id, type, state: 'FAILED', durationMs: stats.duration_ms });
    throw err;
  } finally {
    lease.stop();
  }
}

/**
 * Users are an extra to what a vendor syncs for: credentials that may not list them (a Lever key
 * without the Users permission) read none and the rest of the sync goes on. Nothing is marked
 * deleted then, since an unread list says nothing about who is gone.
 */
async function* usersOrNone<T>(pages: AsyncIterable<T[]>, onRefused: (message: string) => void): AsyncGenerator<T[]> {
  try {
    for await (const page of pages) yield page;
  } catch (err) {
    if (!(err instanceof AtsgateError && err.code === 'INTEGRATION.PERMISSION_MISSING')) throw err;
    onRefused(err.message);
  }
}

/**
 * GET /ats/tags's rows: the ATS's own tag list (small, so read whole even in a delta sync), or
 * where the ATS has none, the tags on the synced candidates, read once the candidates are written.
 */
async function* tagPages(
  rt: Runtime,
  connector: AnyConnector,
  ctx: ConnectorContext<any>,
  integrationId: string,
  writer: BatchWriter,
  read: { complete: boolean },
): AsyncGenerator<RemoteTag[]> {
  const list = connector.definition.capabilities.tags.list;
  if (list === 'native' && connector.readTags) {
    // Credentials made before tags were synced may lack the tag scope: the rest of the sync
    // still counts, and the tags already stored stay as they were (not marked deleted).
    try {
      yield* connector.readTags(ctx);
    } catch (err) {
      if (!(err instanceof AtsgateError && err.code === 'INTEGRATION.PERMISSION_MISSING')) throw err;
      read.complete = false;
    }
  } else if (list === 'candidates') {
    await writer.drain();
    const seen = await tagsOnCandidates(rt.db, integrationId);
    for (let i = 0; i < seen.length; i += BATCH) yield seen.slice(i, i + BATCH);
  }
}

/**
 * Upserts batches one at a time without making the reader wait for the batch it just handed
 * over: a flush waits only for the previous batch's write, starts this one and returns. Two
 * UpsertBatch buffers take turns (one being filled, one being written), reused for the whole
 * sync. A failed write fails the next `add`, `flush` or `drain`.
 */
class BatchWriter {
  private filling = new UpsertBatch(1024 * 1024);
  private spare = new UpsertBatch(1024 * 1024);
  private inflight: Promise<void> = Promise.resolve();
  private failure: { err: unknown } | null = null;
  /** Rows handed over per model (written or being written): the progress count. */
  readonly queued: Record<Model, number> = { jobs: 0, candidates: 0, applications: 0, users: 0, tags: 0, rejection_reasons: 0 };

  constructor(
    private readonly rt: Runtime,
    private readonly integrationId: string,
    private readonly syncId: string,
    private readonly stats: SyncStats,
  ) {}

  /** Adds a row; writes the batch first when the row belongs to another model or is already in it. */
  add(model: Model, row: Parameters<UpsertBatch['add']>[0]): Promise<void> | void {
    const b = this.filling;
    if (b.rows && (b.model !== model || b.has(row.remote_id))) return this.flush().then(() => this.add(model, row));
    if (!b.rows) b.clear(model);
    b.add(row);
    this.queued[model]++;
    if (b.rows >= BATCH || b.bytes >= BATCH_BYTES) return this.flush();
  }

  /** Starts writing the batch being filled (after the previous write ended). */
  async flush(): Promise<void> {
    await this.drain();
    const batch = this.filling;
    if (!batch.rows) return;
    const model = batch.model;
    this.inflight = writeBatch(this.rt.db, batch, this.integrationId, this.syncId).then(
      (r) => {
        this.stats.read[model] += r.written;
        this.stats.changed[model] += r.changed;
      },
      (err) => {
        this.failure = { err };
      },
    );
    // The spare's write ended (drained above): it is free to fill.
    this.filling = this.spare;
    this.spare = batch;
    this.filling.clear(model);
    // Embedded PGlite runs statements on this very thread: nothing to overlap, and the text
    // parameter it gets would only be kept alive (and promoted) while the next batch is read.
    if (this.rt.db.kind !== 'postgres') await this.drain();
  }

  async drain(): Promise<void> {
    await this.inflight;
    if (this.failure) throw this.failure.err;
  }
}

/** Re-reads one candidate after a write so that the change is visible to readers at once. */
export async function refreshCandidate(
  rt: Runtime,
  connector: AnyConnector,
  ctx: ConnectorContext<any>,
  integrationId: string,
  remoteId: string,
): Promise<void> {
  if (!connector.readCandidate) return;
  const got = await connector.readCandidate(ctx, remoteId);
  if (!got) return;
  await upsertRecords(rt.db, 'candidates', integrationId, null, [normalizeCandidate(integrationId, got.candidate)]);
  // Where GET /ats/tags is made of the candidates' tags, this candidate's count too (Workable's
  // list carries no tags: only this one-candidate read sees them).
  const tags = tagsOfCandidate(integrationId, connector.definition.capabilities.tags.list, got.candidate);
  if (tags.length) await upsertRecords(rt.db, 'tags', integrationId, null, tags);
  if (got.applications.length) {
    await upsertRecords(
      rt.db,
      'applications',
      integrationId,
      null,
      got.applications.map((a) => normalizeApplication(integrationId, a)),
    );
  }
}
