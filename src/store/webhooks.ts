/** Webhook deliveries in the database: one row per event, sent with retries until 2xx. */
import type { Queryable } from './db.ts';

export interface WebhookRow {
  id: string;
  event_type: string;
  body: string;
  state: 'PENDING' | 'SENT' | 'FAILED';
  attempts: number;
  /** Whose receiver the event is for; null: the deployment's ATSGATE_WEBHOOK_URL. */
  account_id: string | null;
}

export async function insertWebhook(
  q: Queryable,
  r: { id: string; eventType: string; body: string; accountId: string | null },
): Promise<void> {
  await q.query('INSERT INTO webhook_deliveries (id, event_type, body, account_id) VALUES ($1, $2, $3, $4)', [
    r.id,
    r.eventType,
    r.body,
    r.accountId,
  ]);
}

/** Takes one due event for one attempt; the lease keeps a second process from sending it meanwhile. */
export async function claimWebhook(q: Queryable, id: string, leaseSeconds: number): Promise<WebhookRow | null> {
  const { rows } = await q.query<WebhookRow>(
    `UPDATE webhook_deliveries w SET attempts = w.attempts + 1, lease_until = now() + make_interval(secs => $2)
     FROM (SELECT id FROM webhook_deliveries WHERE id = $1 AND state = 'PENDING' AND next_attempt_at <= now()
             AND (lease_until IS NULL OR lease_until <= now()) FOR UPDATE SKIP LOCKED) due
     WHERE w.id = due.id RETURNING w.id, w.event_type, w.body, w.state, w.attempts, w.account_id`,
    [id, leaseSeconds],
  );
  return rows[0] ?? null;
}

export async function markWebhookSent(q: Queryable, id: string): Promise<void> {
  await q.query(`UPDATE webhook_deliveries SET state = 'SENT', sent_at = now(), lease_until = NULL, last_error = NULL WHERE id = $1`, [id]);
}

export async function markWebhookFailed(q: Queryable, id: string, error: string, retryInMs: number | null): Promise<Date | null> {
  if (retryInMs === null) {
    await q.query(`UPDATE webhook_deliveries SET state = 'FAILED', lease_until = NULL, last_error = $2 WHERE id = $1`, [id, error]);
    return null;
  }
  const { rows } = await q.query<{ next_attempt_at: Date }>(
    `UPDATE webhook_deliveries SET lease_until = NULL, last_error = $2, next_attempt_at = now() + make_interval(secs => $3) WHERE id = $1 RETURNING next_attempt_at`,
    [id, error, retryInMs / 1000],
  );
  return rows[0] ? new Date(rows[0].next_attempt_at) : null;
}

export async function openWebhooks(q: Queryable): Promise<{ id: string; due: Date }[]> {
  const { rows } = await q.query<{ id: string; due: Date }>(
    `SELECT id, GREATEST(next_attempt_at, COALESCE(lease_until, next_attempt_at)) AS due FROM webhook_deliveries WHERE state = 'PENDING' ORDER BY created_at`,
  );
  return rows.map((r) => ({ id: r.id, due: new Date(r.due) }));
}

export async function endAllWebhookLeases(q: Queryable): Promise<void> {
  await q.query(`UPDATE webhook_deliveries SET lease_until = NULL WHERE state = 'PENDING' AND lease_until IS NOT NULL`);
}

// --- An account's own receiver (atsgate webhooks set) -----------------------------------------

export interface AccountWebhook {
  account_id: string;
  url: string;
  secret_sealed: string;
}

export async function getAccountWebhook(q: Queryable, accountId: string): Promise<AccountWebhook | null> {
  const { rows } = await q.query<AccountWebhook>('SELECT account_id, url, secret_sealed FROM account_webhooks WHERE account_id = $1', [
    accountId,
  ]);
  return rows[0] ?? null;
}

export async function setAccountWebhook(q: Queryable, w: AccountWebhook): Promise<void> {
  await q.query(
    `INSERT INTO account_webhooks (account_id, url, secret_sealed) VALUES ($1, $2, $3)
     ON CONFLICT (account_id) DO UPDATE SET url = EXCLUDED.url, secret_sealed = EXCLUDED.secret_sealed, updated_at = now()`,
    [w.account_id, w.url, w.secret_sealed],
  );
}

export async function deleteAccountWebhook(q: Queryable, accountId: string): Promise<boolean> {
  return (await q.query('DELETE FROM account_webhooks WHERE account_id = $1', [accountId])).rowCount > 0;
}

export async function listAccountWebhooks(q: Queryable): Promise<{ account_id: string; url: string }[]> {
  return (await q.query<{ account_id: string; url: string }>('SELECT account_id, url FROM account_webhooks ORDER BY account_id')).rows;
}

/** Every account webhook secret, locked until the transaction ends (key rotation). */
export async function lockedAccountWebhookSecrets(q: Queryable): Promise<{ account_id: string; secret_sealed: string }[]> {
  return (
    await q.query<{ account_id: string; secret_sealed: string }>(
      'SELECT account_id, secret_sealed FROM account_webhooks ORDER BY account_id FOR UPDATE',
    )
  ).rows;
}

export async function replaceAccountWebhookSecret(q: Queryable, accountId: string, sealed: string): Promise<void> {
  await q.query('UPDATE account_webhooks SET secret_sealed = $2 WHERE account_id = $1', [accountId, sealed]);
}
