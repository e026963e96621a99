/**
 * Signed webhook notifications (ATSGATE_WEBHOOK_URL + ATSGATE_WEBHOOK_SECRET). An event is a
 * row written in the same transaction as the state it reports, then sent through the job
 * queue with retries until the receiver answers 2xx; rows left PENDING by a process that
 * stopped are re-queued at start. Receivers must de-duplicate on the event id: a process that
 * dies after the receiver answered but before the row was marked SENT sends it again.
 *
 * Destinations: an account with its own receiver (`atsgate webhooks set`) gets its events there,
 * signed with its own secret, and no other account's; an account without one falls back to the
 * deployment's ATSGATE_WEBHOOK_URL (the operator's). Events that name no account go there too.
 */
import type { Runtime } from '../runtime.ts';
import type { Queryable } from '../store/db.ts';
import { randomId } from '../ids.ts';
import {
  claimWebhook,
  endAllWebhookLeases,
  getAccountWebhook,
  insertWebhook,
  markWebhookFailed,
  markWebhookSent,
  openWebhooks,
} from '../store/webhooks.ts';
import { KOMBO_SIGNATURE_HEADER, SIGNATURE_HEADER, signWebhook } from './signature.ts';

export const WEBHOOK_TASK = 'deliver-webhook';
const MAX_ATTEMPTS = 12;
const TIMEOUT_MS = 10_000;

/** Exponential backoff from 1 s, capped (ms). */
export function backoffMs(attempt: number, capMs: number): number {
  return Math.min(capMs, 1000 * 2 ** Math.max(0, attempt - 1));
}

export const webhooksEnabled = (rt: Runtime): boolean => Boolean(rt.config.webhookUrl && rt.config.webhookSecret);

/**
 * Records an event to send, inside the caller's transaction; returns its id (null when neither
 * the account nor the deployment has a receiver). Call `queueWebhook` after the transaction
 * commits. `accountId`: the account whose integration the event is about.
 */
export async function recordWebhookEvent(
  rt: Runtime,
  q: Queryable,
  type: string,
  data: Record<string, unknown>,
  accountId?: string,
): Promise<string | null> {
  const own = accountId ? await getAccountWebhook(q, accountId) : null;
  if (!own && !webhooksEnabled(rt)) return null;
  const id = `evt_${randomId()}`;
  const body = JSON.stringify({ id, type, created_at: new Date().toISOString(), data });
  await insertWebhook(q, { id, eventType: type, body, accountId: own ? own.account_id : null });
  return id;
}

/** Where a delivery goes and the secret it is signed with; null: nowhere (any more). */
async function destinationOf(rt: Runtime, accountId: string | null): Promise<{ url: string; secret: string } | null> {
  if (accountId === null) return webhooksEnabled(rt) ? { url: rt.config.webhookUrl!, secret: rt.config.webhookSecret! } : null;
  const own = await getAccountWebhook(rt.db, accountId);
  return own ? { url: own.url, secret: rt.box.open(own.secret_sealed) } : null;
}

export async function queueWebhook(rt: Runtime, id: string, runAt?: Date): Promise<void> {
  await rt.jobs.add(WEBHOOK_TASK, { id }, { jobKey: `webhook:${id}`, runAt });
}

async function sendOnce(rt: Runtime, id: string): Promise<void> {
  const row = await claimWebhook(rt.db, id, rt.config.writeLeaseSeconds);
  if (!row) return; // sent already, not due yet, or another process has it
  const to = await destinationOf(rt, row.account_id);
  if (!to) {
    // Switched off since: the event waits, PENDING, for a receiver (a restart with a URL, or
    // the account's own set again); the claim's lease lapses and a resume queues it again.
    return;
  }
  let problem: string;
  try {
    const res = await fetch(to.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json; charset=utf-8',
        'user-agent': 'atsgate-webhooks',
        [SIGNATURE_HEADER]: signWebhook(to.secret, row.body),
        // Kombo's header, same scheme, so receivers written for Kombo verify atsgate's events too.
        [KOMBO_SIGNATURE_HEADER]: signWebhook(to.secret, row.body),
        'x-atsgate-event-id': row.id,
        'x-atsgate-event-type': row.event_type,
      },
      body: row.body,
      redirect: 'manual',
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
    await res.body?.cancel().catch(() => undefined);
    if (res.status >= 200 && res.status < 300) return markWebhookSent(rt.db, id);
    problem = `The receiver answered HTTP ${res.status}.`;
  } catch (err) {
    problem = `The receiver could not be reached: ${(err as Error)?.name === 'TimeoutError' ? `no answer within ${TIMEOUT_MS} ms` : ((err as Error)?.message ?? 'network error')}.`;
  }
  const retryIn = row.attempts >= MAX_ATTEMPTS ? null : backoffMs(row.attempts, 60 * 60_000);
  const next = await markWebhookFailed(rt.db, id, problem, retryIn);
  if (next) await queueWebhook(rt, id, next);
}

export function registerWebhookTask(rt: Runtime): void {
  rt.jobs.register(WEBHOOK_TASK, async (payload: { id: string }) => sendOnce(rt, String(payload.id)));
}

/** At start: queue every event not yet sent. */
export async function resumeWebhooks(rt: Runtime): Promise<void> {
  if (rt.db.kind === 'pglite') await endAllWebhookLeases(rt.db);
  for (const w of await openWebhooks(rt.db)) await queueWebhook(rt, w.id, w.due);
}
