/**
 * The `state` values of OAuth sign-ins started on the connect page. Only their SHA-256 is
 * stored; taking one marks it used in the same statement, so a state works once and only
 * before it expires.
 */
import { createHash } from 'node:crypto';
import type { Queryable } from './db.ts';

const hashState = (state: string) => createHash('sha256').update(state, 'utf8').digest('hex');

/** Stores a new state; states expired a day ago go at the same time (the table prunes itself). */
export async function saveOAuthState(db: Queryable, state: string, linkId: string, sealed: string, ttlMs: number): Promise<void> {
  await db.query(`DELETE FROM oauth_states WHERE expires_at < now() - interval '1 day'`);
  await db.query(
    `INSERT INTO oauth_states (state_hash, link_id, sealed, expires_at)
     VALUES ($1, $2, $3, now() + ($4::bigint * interval '1 millisecond'))`,
    [hashState(state), linkId, sealed, ttlMs],
  );
}

/** Marks the state used and returns its sealed payload; null when unknown, expired or used. */
export async function takeOAuthState(db: Queryable, state: string): Promise<{ link_id: string; sealed: string } | null> {
  const { rows } = await db.query<{ link_id: string; sealed: string }>(
    `UPDATE oauth_states SET used_at = now()
      WHERE state_hash = $1 AND used_at IS NULL AND expires_at > now()
      RETURNING link_id, sealed`,
    [hashState(state)],
  );
  return rows[0] ?? null;
}

/** Every pending sign-in's sealed value, locked until the transaction ends (key rotation). */
export async function lockSealedOAuthStates(q: Queryable): Promise<{ state_hash: string; sealed: string }[]> {
  return (
    await q.query<{ state_hash: string; sealed: string }>(
      'SELECT state_hash, sealed FROM oauth_states WHERE used_at IS NULL AND expires_at > now() FOR UPDATE',
    )
  ).rows;
}

export async function replaceSealedOAuthState(q: Queryable, stateHash: string, sealed: string): Promise<void> {
  await q.query('UPDATE oauth_states SET sealed = $2 WHERE state_hash = $1', [stateHash, sealed]);
}
