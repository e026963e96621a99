/**
 * The write outbox: asynchronous writes stored durably until the ATS has them.
 * A row is PENDING (waiting for its next attempt), DELIVERING (claimed by one process, which
 * renews a lease while it sends), then DELIVERED or FAILED for good.
 */
import type { Db, Queryable } from './db.ts';
import type { OutboundCall } from '../http/client.ts';

export interface OutboxRow {
  id: string;
  log_id: string;
  account_id: string;
  integration_id: string;
  action: string;
  payload: any;
  content: Buffer | null;
  prep_calls: OutboundCall[];
  state: 'PENDING' | 'DELIVERING' | 'DELIVERED' | 'FAILED';
  /** Attempts started, this one included once claimed. */
  attempts: number;
  next_attempt_at: Date;
  lease_until: Date | null;
  last_error: { code: string; message: string; interrupted?: boolean } | null;
}

export async function insertOutbox(
  db: Queryable,
  r: {
    id: string;
    logId: string;
    accountId: string;
    integrationId: string;
    action: string;
    payload: unknown;
    content: Buffer | null;
    prepCalls: OutboundCall[];
  },
): Promise<void> {
  await db.query(
    `INSERT INTO write_outbox (id, log_id, account_id, integration_id, action, payload, content, prep_calls)
     VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7, $8::jsonb)`,
    [r.id, r.logId, r.accountId, r.integrationId, r.action, JSON.stringify(r.payload), r.content, JSON.stringify(r.prepCalls)],
  );
}

const asBuffer = (v: unknown): Buffer | null => (v == null ? null : Buffer.isBuffer(v) ? v : Buffer.from(v as Uint8Array));

/**
 * Claims a row for one delivery attempt: only when it is due and nobody holds a live lease.
 * FOR UPDATE SKIP LOCKED makes a second process that races for the same row skip it rather
 * than wait and then deliver it again; the lease keeps it away once the claim is committed.
 */
export async function claimOutbox(
  db: Db,
  id: string,
  owner: string,
  leaseSeconds: number,
): Promise<(OutboxRow & { interrupted: boolean }) | null> {
  const { rows } = await db.query<OutboxRow & { previous_state: string }>(
    `WITH due AS (
       SELECT id, state FROM write_outbox
       WHERE id = $1 AND state IN ('PENDING', 'DELIVERING') AND next_attempt_at <= now() AND (lease_until IS NULL OR lease_until <= now())
       FOR UPDATE SKIP LOCKED
     )
     UPDATE write_outbox w SET state = 'DELIVERING', attempts = w.attempts + 1, owner = $2, lease_until = now() + make_interval(secs => $3)
     FROM due WHERE w.id = due.id
     RETURNING w.*, due.state AS previous_state`,
    [id, owner, leaseSeconds],
  );
  const row = rows[0];
  if (!row) return null;
  const { previous_state, ...rest } = row;
  // Claimed while still DELIVERING: the previous attempt's process died mid-delivery.
  return { ...rest, content: asBuffer(row.content), interrupted: previous_state === 'DELIVERING' };
}

export async function renewOutboxLease(db: Queryable, id: string, owner: string, leaseSeconds: number): Promise<void> {
  await db.query(
    `UPDATE write_outbox SET lease_until = now() + make_interval(secs => $3) WHERE id = $1 AND owner = $2 AND state = 'DELIVERING'`,
    [id, owner, leaseSeconds],
  );
}

/** Back to PENDING after a failure worth retrying; returns when the next attempt is due. */
export async function scheduleRetry(
  db: Queryable,
  id: string,
  owner: string,
  delayMs: number,
  error: { code: string; message: string },
): Promise<Date | null> {
  const { rows } = await db.query<{ next_attempt_at: Date }>(
    `UPDATE write_outbox SET state = 'PENDING', owner = NULL, lease_until = NULL, last_error = $4::jsonb,
       next_attempt_at = now() + make_interval(secs => $3)
     WHERE id = $1 AND owner = $2 AND state = 'DELIVERING' RETURNING next_attempt_at`,
    [id, owner, delayMs / 1000, JSON.stringify(error)],
  );
  return rows[0] ? new Date(rows[0].next_attempt_at) : null;
}

/** The final state; the file bytes are dropped, they are no longer needed. Returns false if another process owns the row. */
export async function finishOutbox(
  q: Queryable,
  id: string,
  owner: string,
  state: 'DELIVERED' | 'FAILED',
  error: { code: string; message: string } | null,
): Promise<boolean> {
  const { rows } = await q.query(
    `UPDATE write_outbox SET state = $3, owner = NULL, lease_until = NULL, content = NULL, last_error = $4::jsonb, finished_at = now()
     WHERE id = $1 AND owner = $2 AND state = 'DELIVERING' RETURNING id`,
    [id, owner, state, error ? JSON.stringify(error) : null],
  );
  return rows.length > 0;
}

/** The integration of a row still to deliver, or null when it is delivered, failed for good, or gone. */
export async function openOutboxIntegration(db: Queryable, id: string): Promise<string | null> {
  const { rows } = await db.query<{ integration_id: string }>(
    `SELECT integration_id FROM write_outbox WHERE id = $1 AND state IN ('PENDING', 'DELIVERING')`,
    [id],
  );
  return rows[0]?.integration_id ?? null;
}

/** Rows still to deliver, with the time each may next be tried (for re-queueing at start). */
export async function openOutboxRows(db: Queryable): Promise<{ id: string; due: Date }[]> {
  const { rows } = await db.query<{ id: string; due: Date }>(
    `SELECT id, GREATEST(next_attempt_at, COALESCE(lease_until, next_attempt_at)) AS due FROM write_outbox
     WHERE state IN ('PENDING', 'DELIVERING') ORDER BY created_at`,
  );
  return rows.map((r) => ({ id: r.id, due: new Date(r.due) }));
}

/** Embedded database only: the starting process is the only one, so every DELIVERING row lost its deliverer. */
export async function endAllOutboxLeases(db: Queryable): Promise<number> {
  const { rowCount } = await db.query(`UPDATE write_outbox SET lease_until = NULL WHERE state = 'DELIVERING' AND lease_until IS NOT NULL`);
  return rowCount;
}

/** Sealed attachment bytes still waiting for delivery, locked until the transaction ends (key rotation). */
export async function lockSealedOutboxContent(q: Queryable): Promise<{ id: string; content: Uint8Array }[]> {
  return (await q.query<{ id: string; content: Uint8Array }>('SELECT id, content FROM write_outbox WHERE content IS NOT NULL FOR UPDATE'))
    .rows;
}

export async function replaceSealedOutboxContent(q: Queryable, id: string, sealed: Buffer): Promise<void> {
  await q.query('UPDATE write_outbox SET content = $2 WHERE id = $1', [id, sealed]);
}
