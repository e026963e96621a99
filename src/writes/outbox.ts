/**
 * Asynchronous writes (atsgate extension, request header `Prefer: respond-async`).
 *
 * Accepting: the write is validated exactly as a synchronous one (integration, IDs, file
 * decoding or download, size limits), its interaction log is opened, and the prepared write
 * (with file bytes) is stored in the write_outbox table before the caller gets its answer.
 * Delivering: the `deliver-write` job claims the row (one process at a time, under a lease it
 * renews), calls the ATS, and records the outcome in the log, retrying what may succeed later
 * (ATS unavailable, rate limits, 5xx) with backoff and stopping at anything else (4xx).
 * Durability is the table's: rows whose job was lost with its process are re-queued at start
 * and by a periodic sweep.
 *
 * The one window without exactly-once: a process that dies after the ATS applied a request and
 * before the outcome was stored. The next attempt sends the write again (the ATS APIs offer
 * no idempotency keys), and its log entry carries a warning saying so.
 */
import type { SecretBox } from '../crypto/secretbox.ts';
import type { Queryable } from '../store/db.ts';
import { randomUUID } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { connectorFor, contextFor, type Runtime } from '../runtime.ts';
import { AtsgateError } from '../errors.ts';
import { randomId } from '../ids.ts';
import { openLog, completeLog, CallJournal } from '../store/logs.ts';
import { getIntegrationById } from '../store/integrations.ts';
import {
  claimOutbox,
  endAllOutboxLeases,
  finishOutbox,
  insertOutbox,
  openOutboxIntegration,
  openOutboxRows,
  renewOutboxLease,
  scheduleRetry,
  type OutboxRow,
} from '../store/outbox.ts';
import { deleteExpiredKeys, endAllKeyLeases } from '../store/idempotency.ts';
import { attachmentBytes } from '../connectors/helpers/files.ts';
import {
  asAtsgateError,
  assertWritable,
  prepareWrite,
  sendWrite,
  type Interaction,
  type PreparedWrite,
  type WriteRequest,
} from './service.ts';
import { backoffMs, queueWebhook, recordWebhookEvent, registerWebhookTask, resumeWebhooks } from '../webhooks/deliver.ts';

export const DELIVER_TASK = 'deliver-write';
const SWEEP_TASK = 'write-sweep';
/** Attempts before a write that keeps failing with retryable errors is given up (about 17 minutes of backoff). */
export const MAX_DELIVERY_ATTEMPTS = 10;
const MAX_BACKOFF_MS = 10 * 60_000;

/** Identifies this process as the holder of leases. */
export const PROCESS_ID = randomUUID();

export const INTERRUPTED_WARNING =
  'An earlier delivery attempt of this write was interrupted (the atsgate process stopped while talking to the ATS); ' +
  'if the ATS had already applied that attempt, the write may appear twice.';

/** RFC 7240: `Prefer: respond-async` (possibly among other preferences). */
export function prefersAsync(headers: IncomingHttpHeaders): boolean {
  const raw = headers.prefer;
  const values = Array.isArray(raw) ? raw : raw ? [raw] : [];
  return values.some((v) => v.split(',').some((p) => p.split(';')[0].trim().toLowerCase() === 'respond-async'));
}

/** Worth another attempt later: the ATS was unavailable or limiting, or something failed on the way (5xx). */
export const isRetryable = (e: AtsgateError): boolean => e.status >= 500 || e.status === 429;

// ---------------------------------------------------------------------------------------------
// Accepting
// ---------------------------------------------------------------------------------------------

/**
 * File bytes wait in the outbox sealed (AES-256-GCM), so a dump or backup shows no contents.
 * The file is read from its request-scoped temporary file here, before the request ends.
 */
async function toStored(box: SecretBox, w: PreparedWrite): Promise<{ payload: unknown; content: Buffer | null }> {
  if (w.action !== 'ats_add_candidate_attachment' && w.action !== 'ats_add_application_attachment') return { payload: w, content: null };
  const { file: _file, ...meta } = w.attachment;
  return { payload: { ...w, attachment: meta }, content: box.sealBytes(await attachmentBytes(w.attachment)) };
}

function fromStored(box: SecretBox, row: OutboxRow): PreparedWrite {
  const w = row.payload as PreparedWrite;
  if (w.action !== 'ats_add_candidate_attachment' && w.action !== 'ats_add_application_attachment') return w;
  const data = row.content ? box.openBytes(row.content) : Buffer.alloc(0);
  return { ...w, attachment: { ...w.attachment, file: new Blob([data as Uint8Array<ArrayBuffer>], { type: w.attachment.content_type }) } };
}

/**
 * Validates and stores the write; returns its log id. Invalid input fails here, synchronously.
 * `commitWith` runs in the transaction that stores the row: the Idempotency-Key's stored answer
 * goes there, so a crash can never leave a stored write whose key a retry could claim again
 * (which would store, and deliver, the write a second time).
 */
export async function acceptWrite(
  rt: Runtime,
  it: Interaction,
  req: WriteRequest,
  commitWith?: (q: Queryable, accepted: { logId: string; writeId: string }) => Promise<void>,
): Promise<{ logId: string; writeId: string }> {
  const logId = await openLog(rt.db, {
    accountId: it.accountId,
    integrationId: it.integration.id,
    method: it.method,
    path: it.path,
    action: req.action,
    request: req.body,
  });
  it.onLogOpened?.(logId);
  const journal = new CallJournal();
  const writeId = randomId();
  try {
    assertWritable(it.integration);
    const prepared = await prepareWrite(rt, it.integration.id, connectorFor(it.integration.tool), req, journal);
    const { payload, content } = await toStored(rt.box, prepared);
    await rt.db.tx(async (q) => {
      await insertOutbox(q, {
        id: writeId,
        logId,
        accountId: it.accountId,
        integrationId: it.integration.id,
        action: req.action,
        payload,
        content,
        prepCalls: journal.calls,
      });
      await commitWith?.(q, { logId, writeId });
    });
  } catch (err) {
    const e = asAtsgateError(err);
    await completeLog(rt.db, logId, {
      statusCode: e.status,
      calls: journal.calls,
      warnings: [],
      error: { code: e.code, message: e.message },
    }).catch(() => undefined);
    throw e;
  }
  // The row is durable now; a lost job is re-queued by the sweep or at the next start.
  await queueDelivery(rt, writeId).catch(() => undefined);
  return { logId, writeId };
}

const queueDelivery = (rt: Runtime, id: string, runAt?: Date) => rt.jobs.add(DELIVER_TASK, { id }, { jobKey: `write:${id}`, runAt });

// ---------------------------------------------------------------------------------------------
// Delivering
// ---------------------------------------------------------------------------------------------

/** Renews a lease every third of its length until stopped. */
function keepLease(renew: () => Promise<void>, leaseSeconds: number): () => void {
  const t = setInterval(() => void renew().catch(() => undefined), (leaseSeconds * 1000) / 3);
  t.unref?.();
  return () => clearInterval(t);
}

/** How soon a delivery that found its integration's actions in flight at the cap is tried again (plus up to as much jitter). */
export const SLOT_WAIT_MS = 1000;

/**
 * One delivery attempt of one outbox row (the `deliver-write` task). It counts against the
 * integration's cap on actions in flight (src/writes/in-flight.ts) like a synchronous write:
 * the slot is taken before the row is claimed, and when the cap is full the job is queued again
 * shortly, the row untouched (no attempt spent, no lease taken).
 */
export async function deliverWrite(rt: Runtime, id: string): Promise<void> {
  const integrationId = await openOutboxIntegration(rt.db, id);
  if (!integrationId) return; // delivered or failed for good already
  const slot = await rt.writesInFlight.tryEnter(integrationId);
  if (!slot) {
    await queueDelivery(rt, id, new Date(Date.now() + SLOT_WAIT_MS * (1 + Math.random())));
    return;
  }
  try {
    await deliverClaimed(rt, id);
  } finally {
    await slot.release().catch(() => undefined);
  }
}

async function deliverClaimed(rt: Runtime, id: string): Promise<void> {
  const lease = rt.config.writeLeaseSeconds;
  const row = await claimOutbox(rt.db, id, PROCESS_ID, lease);
  if (!row) return; // delivered already, not due yet, or being delivered by a live process
  const journal = new CallJournal();
  const stopRenewing = keepLease(() => renewOutboxLease(rt.db, id, PROCESS_ID, lease), lease);
  try {
    const integration = await getIntegrationById(rt.db, row.integration_id);
    if (!integration || integration.account_id !== row.account_id) {
      throw new AtsgateError(
        'PLATFORM.INTEGRATION_NOT_FOUND',
        `Integration ${row.integration_id} was deleted before this write could be delivered.`,
      );
    }
    assertWritable(integration);
    const { connector, ctx } = contextFor(rt, integration, { recorder: journal });
    const result = await sendWrite(rt, integration, connector, ctx, fromStored(rt.box, row));
    const warnings = row.interrupted ? [INTERRUPTED_WARNING, ...result.warnings] : result.warnings;
    await finish(rt, row, { statusCode: 200, calls: journal.calls, warnings, error: null });
  } catch (err) {
    const e = asAtsgateError(err);
    if (isRetryable(e) && row.attempts < MAX_DELIVERY_ATTEMPTS) {
      const retryAfterMs = Number(e.headers['retry-after']) * 1000 || 0;
      const next = await scheduleRetry(rt.db, id, PROCESS_ID, Math.max(backoffMs(row.attempts, MAX_BACKOFF_MS), retryAfterMs), {
        code: e.code,
        message: e.message,
      });
      if (next) await queueDelivery(rt, id, next);
    } else {
      await finish(rt, row, {
        statusCode: e.status,
        calls: journal.calls,
        warnings: row.interrupted ? [INTERRUPTED_WARNING] : [],
        error: { code: e.code, message: e.message },
      });
    }
  } finally {
    stopRenewing();
  }
}

/** The final outcome, in one transaction: outbox row, interaction log, webhook event. */
async function finish(
  rt: Runtime,
  row: OutboxRow,
  r: { statusCode: number; calls: CallJournal['calls']; warnings: string[]; error: { code: string; message: string } | null },
): Promise<void> {
  const calls = [...(row.prep_calls ?? []), ...r.calls];
  const eventId = await rt.db.tx(async (q) => {
    if (!(await finishOutbox(q, row.id, PROCESS_ID, r.error ? 'FAILED' : 'DELIVERED', r.error))) return null; // lost the lease meanwhile
    await completeLog(q, row.log_id, { statusCode: r.statusCode, calls, warnings: r.warnings, error: r.error });
    return recordWebhookEvent(rt, q, r.error ? 'write.failed' : 'write.delivered', {
      write_id: row.id,
      log_id: row.log_id,
      log_url: `${rt.publicUrl()}/v1/logs/${row.log_id}`,
      integration_id: row.integration_id,
      action: row.action,
      outcome: r.error ? 'ERROR' : 'SUCCESS',
      status_code: r.statusCode,
      attempts: row.attempts,
      warnings: r.warnings.map((message) => ({ message })),
      error: r.error,
    });
  });
  if (eventId) await queueWebhook(rt, eventId).catch(() => undefined);
}

// ---------------------------------------------------------------------------------------------
// Start-up and housekeeping
// ---------------------------------------------------------------------------------------------

/** Queues every open row that is due (lost jobs, leases of dead processes). */
async function requeueOpenRows(rt: Runtime): Promise<void> {
  for (const r of await openOutboxRows(rt.db)) await queueDelivery(rt, r.id, r.due);
}

/** Registers the delivery tasks; call before rt.jobs.start() (the PostgreSQL engine needs its task list up front). */
export function registerWriteTasks(rt: Runtime): void {
  rt.jobs.register(DELIVER_TASK, async (payload: { id: string }) => deliverWrite(rt, String(payload.id)));
  registerWebhookTask(rt);
  rt.jobs.register(SWEEP_TASK, async () => {
    await requeueOpenRows(rt);
    await deleteExpiredKeys(rt.db);
  });
  rt.jobs.repeat?.(SWEEP_TASK, 1);
}

/**
 * After the queue has started: re-queue what a previous process left. On the embedded database
 * this process is the only one, so every lease still held was held by a process that died.
 */
export async function resumeWriteDelivery(rt: Runtime): Promise<void> {
  if (rt.db.kind === 'pglite') {
    await endAllOutboxLeases(rt.db);
    await endAllKeyLeases(rt.db);
  }
  await requeueOpenRows(rt);
  await resumeWebhooks(rt);
  await deleteExpiredKeys(rt.db);
}
