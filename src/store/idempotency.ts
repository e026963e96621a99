/**
 * Idempotency keys in the database. The primary key (account, path, key) decides which of two
 * concurrent requests runs the write, across processes too: the one whose INSERT created the
 * row. A key is IN_PROGRESS while its holder runs the write (holding a renewable lease), then
 * COMPLETED with the response to replay until it expires.
 */
import type { Queryable } from './db.ts';

export interface KeyRef {
  accountId: string;
  path: string;
  key: string;
}

export type Claim =
  /** This process holds the key and runs the write. */
  | { kind: 'claimed' }
  | { kind: 'replay'; statusCode: number; body: string; logId: string | null }
  /** The key was used with a different request. */
  | { kind: 'conflict' }
  /** Another request with this key is running (and its holder is alive). */
  | { kind: 'in_progress' };

interface Row {
  fingerprint: string;
  state: 'IN_PROGRESS' | 'COMPLETED';
  status_code: number | null;
  response: string | null;
  log_id: string | null;
  lease_live: boolean;
}

const WHERE = 'account_id = $1 AND path = $2 AND key = $3';

export async function claimKey(
  db: Queryable,
  k: KeyRef,
  o: { fingerprint: string; owner: string; ttlHours: number; leaseSeconds: number },
): Promise<Claim> {
  const ref = [k.accountId, k.path, k.key];
  // An expired key is as good as unused.
  await db.query(`DELETE FROM idempotency_keys WHERE ${WHERE} AND expires_at <= now()`, ref);
  // A few rounds at most: the row can vanish between our INSERT and SELECT (expired, released).
  for (let round = 0; round < 5; round++) {
    const inserted = await db.query(
      `INSERT INTO idempotency_keys (account_id, path, key, fingerprint, owner, lease_until, expires_at)
       VALUES ($1, $2, $3, $4, $5, now() + make_interval(secs => $6), now() + make_interval(hours => $7))
       ON CONFLICT DO NOTHING RETURNING key`,
      [...ref, o.fingerprint, o.owner, o.leaseSeconds, o.ttlHours],
    );
    if (inserted.rows.length) return { kind: 'claimed' };
    const { rows } = await db.query<Row>(
      `SELECT fingerprint, state, status_code, response, log_id, (lease_until > now()) AS lease_live FROM idempotency_keys WHERE ${WHERE}`,
      ref,
    );
    const row = rows[0];
    if (!row) continue;
    if (row.fingerprint !== o.fingerprint) return { kind: 'conflict' };
    if (row.state === 'COMPLETED') return { kind: 'replay', statusCode: row.status_code!, body: row.response!, logId: row.log_id };
    if (row.lease_live) return { kind: 'in_progress' };
    // The holder stopped renewing its lease (its process died): take the key over. The UPDATE
    // re-checks the lease under the row lock, so of several takers exactly one wins.
    const taken = await db.query(
      `UPDATE idempotency_keys SET owner = $4, lease_until = now() + make_interval(secs => $5)
       WHERE ${WHERE} AND state = 'IN_PROGRESS' AND (lease_until IS NULL OR lease_until <= now()) RETURNING key`,
      [...ref, o.owner, o.leaseSeconds],
    );
    if (taken.rows.length) return { kind: 'claimed' };
  }
  return { kind: 'in_progress' };
}

/** Keeps the key while the write runs (called periodically by the holder). */
export async function renewKey(db: Queryable, k: KeyRef, owner: string, leaseSeconds: number): Promise<void> {
  await db.query(
    `UPDATE idempotency_keys SET lease_until = now() + make_interval(secs => $5) WHERE ${WHERE} AND owner = $4 AND state = 'IN_PROGRESS'`,
    [k.accountId, k.path, k.key, owner, leaseSeconds],
  );
}

/** Stores the response to replay. */
export async function completeKey(
  db: Queryable,
  k: KeyRef,
  owner: string,
  r: { statusCode: number; body: string; logId: string | null },
): Promise<void> {
  await db.query(
    `UPDATE idempotency_keys SET state = 'COMPLETED', status_code = $5, response = $6, log_id = $7, lease_until = NULL
     WHERE ${WHERE} AND owner = $4 AND state = 'IN_PROGRESS'`,
    [k.accountId, k.path, k.key, owner, r.statusCode, r.body, r.logId],
  );
}

/** Frees the key without a stored response, so that a retry runs the write again. */
export async function releaseKey(db: Queryable, k: KeyRef, owner: string): Promise<void> {
  await db.query(`DELETE FROM idempotency_keys WHERE ${WHERE} AND owner = $4 AND state = 'IN_PROGRESS'`, [
    k.accountId,
    k.path,
    k.key,
    owner,
  ]);
}

/** Ends every lease at once: on the embedded database the starting process is the only one, so every holder is gone. */
export async function endAllKeyLeases(db: Queryable): Promise<number> {
  const { rowCount } = await db.query(
    `UPDATE idempotency_keys SET lease_until = NULL WHERE state = 'IN_PROGRESS' AND lease_until IS NOT NULL`,
  );
  return rowCount;
}

export async function deleteExpiredKeys(db: Queryable): Promise<number> {
  const { rowCount } = await db.query('DELETE FROM idempotency_keys WHERE expires_at <= now()');
  return rowCount;
}
