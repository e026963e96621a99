/** Webhook deliveries in the database: one row per event, sent with retries until 2xx. */
import type { Queryable } from './db.ts';

export interface WebhookRow {
  id: string;
  event_type: string;
  body: string;
  state: 'PENDING' | 'SENT' | 'FAILED';
  attempts: number;
}

export async function insertWebhook(q: Queryable, r: { id: string; eventType: string; body: string }): Promise<void> {
  await q.query('INSERT INTO webhook_deliveries (id, event_type, body) VALUES ($1, $2, $3)', [r.id, r.eventType, r.body]);
}

/** Takes one due event for one attempt; the lease keeps a second process from sending it meanwhile. */
export async function claimWebhook(q: Queryable, id: string, leaseSeconds: number): Promise<WebhookRow | null> {
  const { rows } = await q.query<WebhookRow>(
    `UPDATE webhook_deliveries w SET attempts = w.attempts + 1, lease_until = now() + make_interval(secs => $2)
     FROM (SELECT id FROM webhook_deliveries WHERE id = $1 AND state = 'PENDING' AND next_attempt_at <= now()
             AND (lease_until IS NULL OR lease_until <= now()) FOR UPDATE SKIP LOCKED) due
     WHERE w.id = due.id RETURNING w.id, w.event_type, w.body, w.state, w.attempts`,
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
